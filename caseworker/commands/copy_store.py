"""``caseworker copy-store URL``: copy the store into an empty database on a server."""

from __future__ import annotations

import argparse
from typing import Any

from caseworker.commands.common import StoreUnavailable, actor_from_args, store_from_args
from caseworker.services import permissions
from caseworker.services.audit import chain_head, verify_chain
from caseworker.services.backups import short_head
from db.copy import copy_rows
from db.raw import StoreError
from db.server import is_server_url
from db.store import Store, open_store


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "copy-store",
        help="copy the store (--db) into an empty database on a PostgreSQL server (administrators)",
    )
    p.add_argument("url", metavar="URL", help="postgresql+psycopg://USER@HOST/DATABASE (empty)")
    p.set_defaults(handler=run)


def _head(store: Store) -> str:
    with store.read() as s:
        problem = verify_chain(s)
        if problem is not None:
            raise StoreUnavailable(f"The audit chain does not verify: {problem.problem}")
        return chain_head(s)


def _check_empty(url: str) -> None:
    """Refuse a database holding anything but an empty Caseworker schema (a copy that failed
    leaves one; ``copy_rows`` refuses a store with any rows), before touching it."""
    from db.server import ServerConnection, connect, parse_server_url

    with connect(parse_server_url(url)) as conn:
        rows = ServerConnection(conn).execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        )
        tables = {r[0] for r in rows}
    if tables and "alembic_version" not in tables:
        raise StoreError(
            f"{url} is not an empty database: copy-store copies into an empty one only, "
            "so nothing was copied; ask IT for a new database"
        )


def run(args: argparse.Namespace) -> int:
    if not is_server_url(args.url):
        raise StoreUnavailable("Copy to a server: give its address, postgresql+psycopg://...")
    source = store_from_args(args, must_exist=True)
    try:
        permissions.check(actor_from_args(args, source), "copy-store")
        head = _head(source)
        try:
            _check_empty(args.url)
            target = open_store(args.url)
        except StoreError as exc:
            raise StoreUnavailable(str(exc)) from None
        try:
            counts = copy_rows(source, target)
            copied = _head(target)
        finally:
            target.close()
    except StoreError as exc:
        raise StoreUnavailable(str(exc)) from None
    finally:
        source.close()
    if copied != head:
        raise StoreUnavailable("The copy's audit chain head differs from the store's")
    rows = sum(counts.values())
    print(f"Copied {rows} rows to {target.label}")
    print(f"Audit chain head {short_head(copied)}, the same as {source.label}'s")
    return 0
