"""``caseworker --db FILE replica create --server URL --site NAME``: make an offline replica.

FILE is a new file, or a store with nothing in it yet (no cases, accounts or replica
identity); anything else is refused and left as it was.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from caseworker.commands.common import actor_from_args, open_target
from caseworker.domain.errors import InvalidInput
from caseworker.store_location import resolve_store
from caseworker.sync.replica import create_replica
from db.server import is_server_url, parse_server_url


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("replica", help="offline replicas of a server store")
    sub = p.add_subparsers(dest="replica_command", required=True)
    c = sub.add_parser(
        "create",
        help="make --db FILE a replica of the server for one site (sign in to the server as "
        "CASEWORKER_USER / CASEWORKER_PASSWORD)",
    )
    c.add_argument(
        "--server", required=True, metavar="URL", help="postgresql+psycopg://USER@HOST/DB"
    )
    c.add_argument("--site", required=True, metavar="NAME", help="the site whose cases it holds")
    c.set_defaults(handler=run_create)


def run_create(args: argparse.Namespace) -> int:
    target = resolve_store(getattr(args, "db", None))
    if isinstance(target, str):
        raise InvalidInput("A replica is a file on this PC: give --db FILE, not a server address")
    if not is_server_url(args.server):
        raise InvalidInput(
            f"--server: {args.server!r} is not a server address (postgresql+psycopg://USER@HOST/DB)"
        )
    url = parse_server_url(args.server).render_as_string(hide_password=True)
    made_new = not target.exists() or target.stat().st_size == 0
    server = open_target(url)
    try:
        actor = actor_from_args(args, server)
        # A new file, or an empty store (create_replica refuses one holding anything).
        local = open_target(target, must_exist=False)
        try:
            made = create_replica(local, server, actor, args.site, url, today=date.today())
        except BaseException:
            local.close()
            if made_new:
                for suffix in ("", "-wal", "-shm"):
                    target.with_name(target.name + suffix).unlink(missing_ok=True)
            raise
        local.close()
    finally:
        server.close()
    print(
        f"Made {target} a replica of {server.label} for {args.site}: {made.cases} open "
        f"case(s), {made.users} account(s). Sync it with caseworker --db {target} sync"
    )
    return 0
