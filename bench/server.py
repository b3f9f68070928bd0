"""A benchmark run on a PostgreSQL store (``python -m bench --db URL``): what its items get.

The items that run there (case list, filter and search, annual report, import) each time
the app against a raw psycopg connection replaying the SQL the app sent (``bench.capture``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL

from bench.capture import Statement, captured, replay, same_answers
from db.server import ServerConnection, connect, parse_server_url
from db.store import Store


def on_server(name: str) -> str:
    """A result's name in a server run (``case list page (...) [postgresql]``)."""
    return f"{name} [postgresql]"


@dataclass
class ServerContext:
    """The store on the server (opened as the app opens it) and a plain psycopg connection
    for the baselines, read-only as the app's reader is."""

    url: URL
    store: Store
    raw: psycopg.Connection[Any]
    runs: int
    # The statements each result's baseline replays, by the result's name (for profiles).
    statements: dict[str, list[Statement]] = field(default_factory=dict)

    def value(self, query: str, *params: Any) -> Any:
        """One value read on the raw connection (the items' set-up, untimed)."""
        row = self.raw.execute(query, params).fetchone()
        self.raw.rollback()
        assert row is not None
        return row[0]

    def baseline(self, statements: list[Statement]) -> Callable[[], list[Any]]:
        """The statements replayed on the raw connection, in one read as the app's."""

        def run() -> list[Any]:
            try:
                return replay(self.raw, statements)
            finally:
                self.raw.rollback()

        return run

    def quick_statements(self, name: str, fn: Callable[[Any], object]) -> list[Statement]:
        """What ``fn(conn)`` sends through the app's quick reader, checked on a replay
        (kept under the result's ``name``)."""
        with self.store.quick.read() as conn:
            assert isinstance(conn, ServerConnection)
            statements = captured(conn.raw, lambda: fn(conn))
        return self.checked(name, statements)

    def session_statements(self, name: str, fn: Callable[[Any], object]) -> list[Statement]:
        """What ``fn(session)`` sends through a read session of the app's, checked."""
        with self.store.read() as session:
            driver = session.connection().connection.driver_connection
            assert isinstance(driver, psycopg.Connection)
            statements = captured(driver, lambda: fn(session))
        return self.checked(name, statements)

    def checked(self, name: str, statements: list[Statement]) -> list[Statement]:
        wrong = same_answers(statements, self.baseline(statements)())
        if wrong:
            raise AssertionError(f"{name}: the raw replay disagrees with the app: {wrong}")
        self.statements[name] = statements
        return statements

    def profile(self, name: str) -> str:
        """EXPLAIN (ANALYZE, BUFFERS) of each read the result ``name`` timed."""
        out: list[str] = []
        for i, s in enumerate(self.statements.get(name, []), 1):
            text = s.sql.decode() if isinstance(s.sql, bytes) else str(s.sql)
            if s.many or not text.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            plan = self.raw.execute(f"EXPLAIN (ANALYZE, BUFFERS) {text}", s.params).fetchall()
            self.raw.rollback()
            out.append(f"-- statement {i}: {text}\n-- parameters: {s.params!r}")
            out.extend(str(r[0]) for r in plan)
            out.append("")
        return "\n".join(out)


def open_raw(url: URL) -> psycopg.Connection[Any]:
    conn = connect(url)
    conn.read_only = True
    return conn


@contextmanager
def admin(url: URL) -> Iterator[psycopg.Connection[Any]]:
    """A connection to the server's maintenance database, to create and drop databases."""
    conn = connect(url.set(database="postgres"))
    conn.autocommit = True
    try:
        yield conn
    finally:
        conn.close()


_DROP = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")


def create_database(url: URL, name: str, template: str | None = None) -> URL:
    with admin(url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        q = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            q += sql.SQL(" TEMPLATE {} STRATEGY FILE_COPY").format(sql.Identifier(template))
        conn.execute(q)
    return url.set(database=name)


def drop_database(url: URL, name: str) -> None:
    with admin(url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


__all__ = [
    "ServerContext",
    "admin",
    "create_database",
    "drop_database",
    "on_server",
    "open_raw",
    "parse_server_url",
]
