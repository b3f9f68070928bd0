"""Opening a store: the SQLite engine with the pragmas that keep records safe."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 5000


class StoreError(Exception):
    """A store that cannot be opened or used, with the way out in the message."""


def _pragmas(foreign_keys: bool) -> Callable[[sqlite3.Connection, Any], None]:
    def on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.close()

    return on_connect


def _on_begin(conn: Any) -> None:
    # Writers take the lock up front (BEGIN IMMEDIATE) so they wait their turn
    # instead of failing on a stale snapshot; read-only sessions do not block.
    if conn.get_execution_options().get("cw_read_only"):
        conn.exec_driver_sql("BEGIN")
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(path: Path | str, *, foreign_keys: bool = True) -> Engine:
    """An engine on the SQLite file at ``path`` (WAL, synchronous=FULL, foreign keys).

    ``foreign_keys=False`` is only for migrations: a batch table rebuild with
    foreign keys on would cascade deletes.
    """
    url = f"sqlite:///{Path(path)}"
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _pragmas(foreign_keys))
    event.listen(engine, "begin", _on_begin)
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for user actions: the caller does ``with factory.begin() as s:``."""
    return sessionmaker(engine, expire_on_commit=False)


def read_session(engine: Engine) -> Session:
    """A session for reading only (deferred BEGIN, never blocks a writer)."""
    return Session(engine.execution_options(cw_read_only=True), expire_on_commit=False)
