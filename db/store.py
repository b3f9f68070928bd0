"""Opening a store file safely: checks, migrations and a clear message when it cannot be used."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from caseworker.domain.errors import CaseworkerError, InvalidInput
from db.backup import backup_before_migration
from db.checks import WAY_OUT, check_database, check_file, check_present, newest_revision_file
from db.dialect import Lock, serialise
from db.engine import StoreError, make_engine, make_server_engine, read_session, session_factory
from db.migrate import known_revisions, stored_revision, upgrade_store
from db.raw import QuickReader
from db.server import (
    ServerReader,
    connection_error,
    is_server_url,
    parse_server_url,
    server_label,
)


class StoreBusy(StoreError, CaseworkerError):
    """Another copy of Caseworker held the store for longer than the busy timeout."""


def busy_message(path: Path) -> str:
    return (
        f"{path} is busy: another copy of Caseworker (or the command line) is saving. "
        "Nothing was saved; try again in a moment"
    )


@dataclass
class Store:
    """An open store: the engine and a factory for one session per user action.

    ``path`` is the store file; None for a store on a PostgreSQL server (``url``).
    """

    path: Path | None
    engine: Engine
    sessions: sessionmaker[Session] = field(repr=False)
    url: URL | None = None
    password: str | None = field(default=None, repr=False)
    quick: QuickReader | ServerReader = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.url is not None:
            self.quick = ServerReader(self.url, self.password)
        else:
            assert self.path is not None
            self.quick = QuickReader(self.path)

    @property
    def on_server(self) -> bool:
        return self.url is not None

    @property
    def label(self) -> str:
        """Where the store is, for people (a file path, or a database on a server)."""
        if self.url is not None:
            return server_label(self.url)
        return str(self.path)

    @property
    def location(self) -> str:
        """What ``--db`` takes to open this store again: the file's path, or the URL."""
        if self.url is not None:
            return self.url.render_as_string(hide_password=True)
        return str(self.path)

    @property
    def file(self) -> Path:
        """The store file (for what only a file has: copies, backups).

        Raises:
            StoreError: the store is on a server.
        """
        if self.path is None:
            raise StoreError(
                f"{self.label} is on a PostgreSQL server: its backups are the server's "
                "(pg_dump; README 'Running on a server')"
            )
        return self.path

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
                if self.url is not None:
                    # Writers on a server take turns, as on a file (BEGIN IMMEDIATE): the
                    # audit chain, reference numbers and shared lists stay whole, and no
                    # two actions can deadlock. Readers never wait.
                    serialise(session, Lock.RECORD)
                yield session
        except OperationalError as exc:
            if self.url is not None:
                raise connection_error(self.url, exc) from None
            if "locked" in str(exc.orig) or "busy" in str(exc.orig):
                raise StoreBusy(busy_message(self.file)) from None
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


def open_store(
    path: Path | str,
    *,
    must_exist: bool = False,
    checked: bool = False,
    password: str | None = None,
    upgrade: bool = False,
    old: bool = False,
) -> Store:
    """Open (creating if needed) the store at ``path`` and bring its schema up to date.

    Args:
        path: the store file, or a PostgreSQL URL (``postgresql+psycopg://USER@HOST/DB``).
        must_exist: refuse a missing or empty (0-byte) file instead of making it a new
            store (every command but those that create a store on purpose).
        checked: the file and database checks were passed just now (``db.checks.open_quick``
            at the app's start), so they are not made again.

    Raises:
        StoreError: the file is missing (with ``must_exist``), is not a store, is
            damaged, read-only, on a network drive, locked for too long, or was made
            by a newer Caseworker. The file is left untouched.
    """
    if isinstance(path, str) and is_server_url(path):
        return open_server_store(
            parse_server_url(path), password=password, upgrade=upgrade, old=old
        )
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


OLDER_ON_SERVER = (
    "The store on the server was made by an older Caseworker: an administrator brings it up "
    "to date with caseworker upgrade (everyone else: ask one). Nothing was changed"
)


def open_server_store(
    url: URL, *, password: str | None = None, upgrade: bool = False, old: bool = False
) -> Store:
    """Open the store in the PostgreSQL database at ``url``.

    An empty database gets the schema (a new store). A store made by an older Caseworker
    is not migrated when opened, since every PC shares it: ``upgrade`` does that
    (``caseworker upgrade``, administrators), and ``old`` opens it as it is, to sign in
    for the upgrade.

    Raises:
        StoreError: the server cannot be reached, refused the login, has no such
            database, or the store was made by an older or a newer Caseworker (one line
            each; nothing is written).
    """
    engine = make_server_engine(url, password)
    try:
        rev = stored_revision(engine)
        if rev is not None and rev != newest_revision_file():
            if rev not in known_revisions():
                raise StoreError(
                    "The store on the server was made by a newer version of Caseworker; "
                    "install that version on this PC"
                )
            if not (upgrade or old):
                raise StoreError(OLDER_ON_SERVER)
        if rev is None or upgrade:
            upgrade_store(engine)
    except DBAPIError as exc:
        engine.dispose()
        raise connection_error(url, exc) from None
    except StoreError:
        engine.dispose()
        raise
    return Store(
        path=None, engine=engine, sessions=session_factory(engine), url=url, password=password
    )
