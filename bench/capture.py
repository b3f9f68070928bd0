"""The SQL the app sends to a PostgreSQL server, captured and replayed on raw psycopg.

A server run's baselines are not typed out by hand: the app's own function runs once
(untimed) with a recording cursor on its psycopg connection, which keeps every statement's
text and parameters exactly as they reached the driver, and the rows that came back. The
baseline then sends the same statements through a plain psycopg connection and fetches
every row: the floor the server and the driver set, without the app's Python. Each replay
is checked against the recorded rows, so both asked the same questions and got the same
answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from sqlalchemy import Engine, event


@dataclass(frozen=True)
class Statement:
    """One call on the driver: ``execute`` or (``many``) ``executemany``."""

    sql: Any  # str or bytes, as the app passed it
    params: Any
    many: bool
    rows: list[Any] | None  # what came back (None: no result set)


def _cursor_class(log: list[Statement]) -> type[psycopg.Cursor[Any]]:
    class Recording(psycopg.Cursor[Any]):
        """A client-side cursor that notes each statement and the rows it returned (the
        rows are read, then the cursor is moved back, so the app reads them as usual)."""

        def execute(self, query: Any, params: Any = None, **kw: Any) -> Recording:
            super().execute(query, params, **kw)
            rows = None
            if self.description is not None:
                rows = self.fetchall()
                if rows:
                    self.scroll(0, mode="absolute")
            log.append(Statement(query, params, False, rows))
            return self

        def executemany(self, query: Any, params_seq: Any, **kw: Any) -> None:
            params = list(params_seq)
            super().executemany(query, params, **kw)
            log.append(Statement(query, params, True, None))

    return Recording


@contextmanager
def recording(conn: psycopg.Connection[Any]) -> Iterator[list[Statement]]:
    """Record what is sent through ``conn``'s cursors until the block ends."""
    log: list[Statement] = []
    before = conn.cursor_factory
    conn.cursor_factory = _cursor_class(log)
    try:
        yield log
    finally:
        conn.cursor_factory = before


@contextmanager
def recording_engine(engine: Engine, log: list[Statement]) -> Iterator[list[Statement]]:
    """Record into ``log`` what is sent on every connection ``engine`` hands out (a write
    session's too, from its first statement: the writers' lock) until the block ends."""
    recorder = _cursor_class(log)

    def checkout(dbapi: Any, _record: Any, _proxy: Any) -> None:
        dbapi.cursor_factory = recorder

    def checkin(dbapi: Any, _record: Any) -> None:
        dbapi.cursor_factory = psycopg.Cursor

    event.listen(engine, "checkout", checkout)
    event.listen(engine, "checkin", checkin)
    try:
        yield log
    finally:
        event.remove(engine, "checkout", checkout)
        event.remove(engine, "checkin", checkin)


def replay(conn: psycopg.Connection[Any], statements: Sequence[Statement]) -> list[Any]:
    """Send ``statements`` through ``conn`` as they were sent; every result set, fetched."""
    out: list[Any] = []
    with conn.cursor() as cur:
        for s in statements:
            if s.many:
                cur.executemany(s.sql, s.params)
                out.append(None)
            else:
                cur.execute(s.sql, s.params)
                out.append(cur.fetchall() if cur.description is not None else None)
    return out


def same_answers(statements: Sequence[Statement], replayed: Sequence[Any]) -> str | None:
    """Where a replay got other rows than the app did (None when every statement agrees).

    Rows are compared as a multiset where the statement has no ORDER BY (the server may
    return them in any order), in order where it has one.
    """
    if len(replayed) != len(statements):
        return f"{len(replayed)} results against {len(statements)} statements"
    for i, (s, got) in enumerate(zip(statements, replayed, strict=True)):
        if s.rows is None and got is None:
            continue
        if s.rows is None or got is None:
            return f"statement {i + 1}: a result set on one side only"
        text = s.sql.decode() if isinstance(s.sql, bytes) else str(s.sql)
        if "ORDER BY" in text.upper():
            if s.rows != got:
                return f"statement {i + 1}: other rows"
        elif sorted(map(repr, s.rows)) != sorted(map(repr, got)):
            return f"statement {i + 1}: other rows"
    return None


def captured(conn: psycopg.Connection[Any], fn: Callable[[], object]) -> list[Statement]:
    """The statements ``fn`` sends through ``conn`` (run once, untimed)."""
    with recording(conn) as log:
        fn()
    return list(log)


def text_of(statements: Sequence[Statement]) -> list[str]:
    """Each statement's text, for the README's profiles (EXPLAIN ANALYZE)."""
    return [s.sql.decode() if isinstance(s.sql, bytes) else str(s.sql) for s in statements]
