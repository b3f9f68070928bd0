"""The store through plain ``sqlite3``: the connection settings every connection shares, and
the quick reader the app paints its first window with (before SQLAlchemy is loaded)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

BUSY_TIMEOUT_MS = 5000


class StoreError(Exception):
    """A store that cannot be opened or used, with the way out in the message."""


def apply_pragmas(
    conn: sqlite3.Connection, *, foreign_keys: bool, busy_ms: int = BUSY_TIMEOUT_MS
) -> None:
    """WAL, synchronous=FULL, foreign keys and the busy timeout, on a new connection.

    The caller issues BEGIN itself (``isolation_level`` None).
    """
    conn.isolation_level = None
    cur = conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {busy_ms}")
    cur.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = FULL")
    cur.close()


def stored_revision(conn: sqlite3.Connection) -> str | None:
    """The store's schema revision, read with plain SQL (importing Alembic costs a start-up)."""
    has = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).fetchone()
    if not has:
        return None
    row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return str(row[0]) if row and row[0] is not None else None


def has_accounts(conn: sqlite3.Connection) -> bool:
    """True once an administrator has made the first user account (sign-in is then needed).

    Here, in plain ``sqlite3``, so the app can choose between the sign-in dialog and the
    work queue before loading anything else.
    """
    return conn.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None


class QuickReader:
    """One read-only connection for the case list and work queue (used on the GUI thread).

    Each read is its own deferred transaction, so it sees one consistent snapshot and never
    blocks a writer.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            # Not mode=ro: a read-only connection cannot always open a WAL store.
            conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
            )
            apply_pragmas(conn, foreign_keys=True)
            conn.execute("PRAGMA query_only = ON")
            self._conn = conn
        return self._conn

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        conn = self._connection()
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("ROLLBACK")

    def read_value(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """``fn`` run in one read."""
        with self.read() as conn:
            return fn(conn)

    def revision(self) -> str | None:
        """The store's schema revision, or None for a file without one."""
        return self.read_value(stored_revision)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
