"""A store on a PostgreSQL server: its URL, connecting, the raw reader, and errors in plain words.

``db.raw`` is the same for a store file (plain ``sqlite3``); the read queries in
``db.queries`` run on either through ``ServerConnection``, which takes their ``?``
placeholders.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

from db.raw import StoreError

if TYPE_CHECKING:
    import psycopg
    from sqlalchemy.engine import URL

T = TypeVar("T")

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
SERVER_SCHEMES = ("postgresql", "postgresql+psycopg", "postgres")


def is_server_url(text: str) -> bool:
    """True if ``text`` is a URL (``scheme://...``) rather than a path."""
    return bool(_SCHEME.match(text))


def parse_server_url(text: str) -> URL:
    """The SQLAlchemy URL of a PostgreSQL store, on the psycopg 3 driver.

    Raises:
        StoreError: not a PostgreSQL URL, no database named, or a password in it (a
            password on the command line or in the environment can be read by others).
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(text)
    except ArgumentError:
        raise StoreError(
            f"{text!r} is not a server address; write postgresql+psycopg://USER@HOST/DATABASE"
        ) from None
    if url.drivername not in SERVER_SCHEMES:
        raise StoreError(
            f"Caseworker stores live in a file or on a PostgreSQL server, not {url.drivername}; "
            "write postgresql+psycopg://USER@HOST/DATABASE"
        )
    if url.password is not None:
        raise StoreError(
            "Do not put the password in the address (others can read it); leave it out and "
            "give it at the prompt, in PGPASSWORD or in ~/.pgpass"
        )
    if not url.database:
        raise StoreError(
            f"Name the database in the address: postgresql+psycopg://USER@HOST/DATABASE ({text})"
        )
    return url.set(drivername="postgresql+psycopg")


def server_label(url: URL) -> str:
    """Where the store is, for people: ``caseworker on db.council.local:5432 (as jsmith)``."""
    host = url.host or "localhost"
    port = f":{url.port}" if url.port else ""
    user = f" (as {url.username})" if url.username else ""
    return f"{url.database} on {host}{port}{user}"


def _conninfo(url: URL) -> dict[str, Any]:
    """libpq connection arguments from the URL (its query holds sslmode and the rest)."""
    args: dict[str, Any] = {"dbname": url.database}
    if url.host:
        args["host"] = url.host
    if url.port:
        args["port"] = url.port
    if url.username:
        args["user"] = url.username
    for key, value in url.query.items():
        args[key] = value if isinstance(value, str) else value[-1]
    return args


class PasswordNeeded(StoreError):
    """The server asks for a password and none was found (prompt for one)."""


def wants_password(exc: BaseException) -> bool:
    """True if ``exc`` says the server wants a password that was not given."""
    return isinstance(exc, PasswordNeeded)


def connection_error(url: URL, exc: BaseException) -> StoreError:
    """A one-line message a person can act on, for a failure to connect to ``url``."""
    text = str(getattr(exc, "orig", None) or exc)
    where = server_label(url)
    host = f"{url.host or 'localhost'}:{url.port or 5432}"
    lower = text.lower()
    if "password authentication failed" in lower:
        return StoreError(
            f"The server refused the password for {url.username or 'this login'} ({where}); "
            "check it (prompt, PGPASSWORD or ~/.pgpass) and try again"
        )
    if "no password supplied" in lower or "fe_sendauth" in lower:
        return PasswordNeeded(
            f"The server at {host} wants a password for {url.username or 'this login'}: give "
            "it at the prompt, in PGPASSWORD or in ~/.pgpass"
        )
    if "does not exist" in lower and "database" in lower:
        return StoreError(
            f"There is no database {url.database!r} on the server at {host}; check the name, "
            "or ask IT to create it (README: 'Running on a server')"
        )
    if "role" in lower and "does not exist" in lower:
        return StoreError(
            f"The server at {host} has no login {url.username!r}; check the name, or ask IT "
            "to create it"
        )
    if any(
        s in lower
        for s in ("connection refused", "could not connect", "timeout", "could not translate")
    ):
        return StoreError(
            f"Cannot reach the server at {host}; check the address and the network, "
            "or ask IT whether it is running"
        )
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return StoreError(f"Cannot open {where}: {first}")


@lru_cache(maxsize=512)
def server_sql(sql: str) -> str:
    """``sql`` written for ``sqlite3`` (``?`` placeholders) as psycopg takes it (``%s``)."""
    return sql.replace("%", "%%").replace("?", "%s")


class ServerConnection:
    """A psycopg connection that runs the read queries written for ``sqlite3``.

    ``execute(sql, params)`` takes ``?`` placeholders and returns a cursor, as
    ``sqlite3.Connection.execute`` does.
    """

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.raw = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> psycopg.Cursor[Any]:
        if not params:
            return self.raw.execute(sql)
        return self.raw.execute(server_sql(sql), list(params))


def connect(url: URL, password: str | None = None) -> psycopg.Connection[Any]:
    """A plain psycopg connection to the store at ``url`` (libpq finds PGPASSWORD, ~/.pgpass).

    Raises:
        StoreError: the server cannot be reached or refused the login (one line).
    """
    import psycopg

    args = _conninfo(url)
    if password is not None:
        args["password"] = password
    try:
        return psycopg.connect(**args, connect_timeout=int(args.pop("connect_timeout", 10)))
    except psycopg.Error as exc:
        raise connection_error(url, exc) from None


def stored_server_revision(conn: ServerConnection) -> str | None:
    """The store's schema revision on the server (None for an empty database)."""
    has = conn.execute("SELECT to_regclass('alembic_version')").fetchone()
    if not has or has[0] is None:
        return None
    row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return str(row[0]) if row and row[0] is not None else None


class ServerReader:
    """The quick reader's counterpart on a server: one connection, each read its own snapshot."""

    def __init__(self, url: URL, password: str | None = None) -> None:
        self.url = url
        self.password = password
        self._conn: psycopg.Connection[Any] | None = None

    @property
    def label(self) -> str:
        return server_label(self.url)

    def _connection(self) -> psycopg.Connection[Any]:
        if self._conn is None or self._conn.closed:
            self._conn = connect(self.url, self.password)
            self._conn.read_only = True
        return self._conn

    @contextmanager
    def read(self) -> Iterator[ServerConnection]:
        conn = self._connection()
        try:
            yield ServerConnection(conn)
        finally:
            conn.rollback()

    def read_value(self, fn: Callable[[Any], T]) -> T:
        with self.read() as conn:
            return fn(conn)

    def revision(self) -> str | None:
        return self.read_value(stored_server_revision)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
