"""Opening a store file safely: checks, migrations and a clear message when it cannot be used."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from caseworker.domain.errors import CaseworkerError, InvalidInput
from db.backup import backup_before_migration
from db.checks import WAY_OUT, check_database, check_file, check_present
from db.engine import StoreError, make_engine, read_session, session_factory
from db.migrate import upgrade_store
from db.raw import QuickReader


class StoreBusy(StoreError, CaseworkerError):
    """Another copy of Caseworker held the store for longer than the busy timeout."""


def busy_message(path: Path) -> str:
    return (
        f"{path} is busy: another copy of Caseworker (or the command line) is saving. "
        "Nothing was saved; try again in a moment"
    )


@dataclass
class Store:
    """An open store: the engine and a factory for one session per user action."""

    path: Path
    engine: Engine
    sessions: sessionmaker[Session] = field(repr=False)
    quick: QuickReader = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.quick = QuickReader(self.path)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One user action: a session in one transaction, committed at the end.

        Raises:
            StoreBusy: another writer held the store longer than the busy timeout
                (the action is rolled back whole, so it can simply be tried again).
            InvalidInput: text SQLite cannot store (e.g. a lone surrogate from a
                broken paste), or a number too large for it; nothing is saved.
        """
        try:
            with self.sessions.begin() as session:
                yield session
        except OperationalError as exc:
            if "locked" in str(exc.orig) or "busy" in str(exc.orig):
                raise StoreBusy(busy_message(self.path)) from None
            raise
        except UnicodeEncodeError:
            raise InvalidInput(
                "Some of the text contains characters that cannot be saved (a broken "
                "paste?); retype it. Nothing was saved"
            ) from None
        except OverflowError:
            raise InvalidInput("A number is too large to save. Nothing was saved") from None

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session (never blocks a writer)."""
        session = read_session(self.engine)
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def close(self) -> None:
        self.quick.close()
        self.engine.dispose()


def _backup(path: Path) -> None:
    backup_before_migration(path)


def open_store(path: Path | str, *, must_exist: bool = False, checked: bool = False) -> Store:
    """Open (creating if needed) the store at ``path`` and bring its schema up to date.

    Args:
        path: the store file.
        must_exist: refuse a missing or empty (0-byte) file instead of making it a new
            store (every command but those that create a store on purpose).
        checked: the file and database checks were passed just now (``db.checks.open_quick``
            at the app's start), so they are not made again.

    Raises:
        StoreError: the file is missing (with ``must_exist``), is not a store, is
            damaged, read-only, on a network drive, locked for too long, or was made
            by a newer Caseworker. The file is left untouched.
    """
    path = Path(path)
    check_present(path, create=not must_exist)
    if not checked:
        check_file(path)
        check_database(path)
    engine = make_engine(path)
    try:
        upgrade_store(engine, before_migrating=lambda _rev: _backup(path))
    except OperationalError as exc:
        engine.dispose()
        if "locked" in str(exc) or "busy" in str(exc):
            raise StoreBusy(busy_message(path)) from None
        raise StoreError(f"Cannot open {path}: {exc.orig}; {WAY_OUT}") from None
    except StoreError:
        engine.dispose()
        raise
    return Store(path=path, engine=engine, sessions=session_factory(engine))
