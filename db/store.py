"""Opening a store file safely: checks, migrations and a clear message when it cannot be used."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from db.backup import backup_before_migration
from db.engine import StoreError, make_engine, read_session, session_factory
from db.migrate import upgrade_store

_SQLITE_HEADER = b"SQLite format 3\x00"
_WAY_OUT = "restore a backup (caseworker restore PATH) or open another store (--db PATH)"


@dataclass
class Store:
    """An open store: the engine and a factory for one session per user action."""

    path: Path
    engine: Engine
    sessions: sessionmaker[Session] = field(repr=False)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One user action: a session in one transaction, committed at the end."""
        with self.sessions.begin() as session:
            yield session

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
        self.engine.dispose()


def _check_file(path: Path) -> None:
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a Caseworker store; {_WAY_OUT}")
    if not path.exists():
        parent = path.parent
        if not parent.exists():
            parent.mkdir(parents=True, exist_ok=True)
        if not os.access(parent, os.W_OK):
            raise StoreError(f"Cannot create a store in {parent}: the folder is read-only")
        return
    with path.open("rb") as fh:
        header = fh.read(16)
    if header and header != _SQLITE_HEADER:
        raise StoreError(f"{path} is not a Caseworker store (not a database); {_WAY_OUT}")
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise StoreError(
            f"{path} is read-only: Caseworker needs to write to the file and its folder; "
            "copy it somewhere you can write to, or ask IT to fix the permissions"
        )


def _check_database(path: Path) -> None:
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            ok = conn.execute("PRAGMA quick_check").fetchone()
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is damaged or not a database ({exc}); {_WAY_OUT}") from None
    if not ok or ok[0] != "ok":
        raise StoreError(f"{path} is damaged (integrity check failed); {_WAY_OUT}")
    if tables and "alembic_version" not in tables:
        raise StoreError(f"{path} is a database, but not a Caseworker store; {_WAY_OUT}")


def _backup(path: Path) -> None:
    backup_before_migration(path)


def open_store(path: Path | str) -> Store:
    """Open (creating if needed) the store at ``path`` and bring its schema up to date.

    Raises:
        StoreError: the file is not a store, is damaged, read-only, locked for too
            long, or was made by a newer Caseworker. The file is left untouched.
    """
    path = Path(path)
    _check_file(path)
    _check_database(path)
    engine = make_engine(path)
    try:
        upgrade_store(engine, before_migrating=lambda _rev: _backup(path))
    except OperationalError as exc:
        engine.dispose()
        if "locked" in str(exc):
            raise StoreError(
                f"{path} is busy: another copy of Caseworker is saving; try again in a moment"
            ) from None
        raise StoreError(f"Cannot open {path}: {exc.orig}; {_WAY_OUT}") from None
    except StoreError:
        engine.dispose()
        raise
    return Store(path=path, engine=engine, sessions=session_factory(engine))
