"""``caseworker conflicts [--json] [--all]``: values sync kept apart, both sides shown."""

from __future__ import annotations

import argparse
import json
from typing import Any

from caseworker.commands.common import actor_from_args, store_from_args
from caseworker.sync.conflicts import list_conflicts


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("conflicts", help="changes made on a replica that sync kept apart")
    p.add_argument("--all", action="store_true", help="resolved ones too")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=run)


def _show(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def run(args: argparse.Namespace) -> int:
    store = store_from_args(args)
    try:
        actor = actor_from_args(args, store)
        with store.read() as s:
            found = list_conflicts(s, actor, include_resolved=args.all)
    finally:
        store.close()
    if args.json:
        print(json.dumps([c.as_json() for c in found], indent=2))
        return 0
    if not found:
        print("No conflicts to resolve.")
        return 0
    for c in found:
        print(
            f"{c.reference or '-'}  {c.field} ({c.action})\n"
            f"  server:  {_show(c.server_value)}  ({c.server_by}, {c.server_at or '-'})\n"
            f"  replica: {_show(c.replica_value)}  ({c.replica_by}, {c.replica_at or '-'})"
        )
    return 0
