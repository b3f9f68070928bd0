"""``caseworker conflicts [--json] [--all]``: values sync kept apart, both sides shown;
``caseworker conflicts resolve ID --keep server|replica [--reason TEXT]``: the choice."""

from __future__ import annotations

import argparse
import json
from typing import Any

from caseworker.commands.common import actor_from_args, store_from_args, today_from_args
from caseworker.sync.conflicts import list_conflicts
from caseworker.sync.resolve import (
    CHOICE_WORDS,
    CHOICES,
    find_conflict,
    resolve_conflict,
    value_text,
)


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("conflicts", help="changes made on a replica that sync kept apart")
    p.add_argument("--all", action="store_true", help="resolved ones too")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=run)
    verbs = p.add_subparsers(dest="verb", metavar="resolve")
    r = verbs.add_parser("resolve", help="keep the server's value or take the replica's")
    r.add_argument("id", help="the conflict's id (caseworker conflicts --json shows it)")
    r.add_argument("--keep", required=True, choices=CHOICES, help="which value the case keeps")
    r.add_argument("--reason", default="", help="why (kept in the audit trail)")
    r.add_argument("--today", metavar="D", help=argparse.SUPPRESS)
    r.set_defaults(handler=run_resolve)


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
            f"{c.reference or '-'}  {c.field} ({c.action})  id {c.id}\n"
            f"  server:  {_show(c.server_value)}  ({c.server_by}, {c.server_at or '-'})\n"
            f"  replica: {_show(c.replica_value)}  ({c.replica_by}, {c.replica_at or '-'})"
        )
    return 0


def run_resolve(args: argparse.Namespace) -> int:
    store = store_from_args(args)
    try:
        actor = actor_from_args(args, store)
        today = today_from_args(args)
        with store.write() as s:
            reference = find_conflict(s, actor, args.id).reference or None
            done = resolve_conflict(
                s,
                actor,
                reference,
                args.id,
                keep=args.keep,
                reason=args.reason,
                expected_version=None,
                today=today,
            )
    finally:
        store.close()
    print(
        f"Conflict {done.conflict_id} on {done.reference or '-'} ({done.field}): "
        f"{CHOICE_WORDS[done.choice]}, {value_text(done.field, done.value)}"
    )
    return 0
