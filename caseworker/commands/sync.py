"""``caseworker --db FILE sync [--json]``: push this replica's changes, then pull the server's."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from caseworker.commands.common import (
    StoreUnavailable,
    actor_from_args,
    open_target,
    store_from_args,
    today_from_args,
)
from caseworker.domain.errors import InvalidInput
from caseworker.sync.push import waiting
from caseworker.sync.replica import ServerUnreachable, identity, sync
from db.engine import StoreError

UNREACHABLE = 3


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("sync", help="replica: send changes to the server and fetch its")
    p.add_argument(
        "--json",
        action="store_true",
        help='print {"pushed", "pulled", "conflicts", "removed", "server"}',
    )
    p.add_argument("--today", metavar="D", help=argparse.SUPPRESS)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    local = store_from_args(args)
    try:
        actor_from_args(args, local)  # whoever syncs signs in to the replica
        with local.read() as s:
            me = identity(s)
            if me is None:
                raise InvalidInput(
                    f"{local.label} is not a replica (make one with caseworker replica create)"
                )
            url = me.server_url
        try:
            server = open_target(url)
        except StoreUnavailable as exc:
            return _offline(local_waiting(local), str(exc))
        try:
            done = sync(local, server, today=today_from_args(args))
        except (ServerUnreachable, StoreError) as exc:
            return _offline(local_waiting(local), str(exc))
        finally:
            server.close()
    finally:
        local.close()
    if args.json:
        print(
            json.dumps(
                {
                    "pushed": done.pushed,
                    "pulled": done.pulled,
                    "conflicts": done.conflicts,
                    "removed": done.removed,
                    "server": done.server,
                }
            )
        )
    else:
        print(
            f"Synced with {done.server}: {done.pushed} change(s) sent, {done.pulled} case(s) "
            f"brought up to date, {done.conflicts} conflict(s) to resolve{_removed(done.removed)}"
        )
    return 0


def _removed(count: int) -> str:
    """The cases that left this PC's scope at the pull (closed or moved elsewhere)."""
    if count == 0:
        return ""
    if count == 1:
        return "; 1 case no longer held here was removed"
    return f"; {count} cases no longer held here were removed"


def local_waiting(local: Any) -> int:
    with local.read() as s:
        return waiting(s)


def _offline(count: int, why: str) -> int:
    print(
        f"caseworker: cannot sync: {why.rstrip('.')}. {count} change(s) wait on this PC; "
        "nothing was lost",
        file=sys.stderr,
    )
    return UNREACHABLE
