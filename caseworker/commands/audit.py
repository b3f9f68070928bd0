"""``caseworker audit``: check the audit chain, print its head, list events."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import func, select

from caseworker.commands.common import actor_from_args, store_from_args
from caseworker.domain.errors import InvalidInput
from caseworker.services.audit import chain_head, verify_chain
from caseworker.services.backups import short_head
from caseworker.services.device_chains import verify_device_chains
from db.legacy_keys import mapping_problem
from db.models import AuditEvent


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("audit", help="check the audit trail or print its head")
    sub = p.add_subparsers(dest="audit_command", required=True)
    v = sub.add_parser("verify", help="check every event; name the first altered or removed")
    v.add_argument(
        "--expect-head",
        metavar="HASH",
        help="a head printed earlier (on a report or beside a backup) that must still be there",
    )
    v.set_defaults(handler=run_verify)
    h = sub.add_parser("head", help="print the current chain head")
    h.set_defaults(handler=run_head)


def _expected_prefix(text: str) -> str:
    prefix = text.strip().lower()
    if len(prefix) < 8 or any(c not in "0123456789abcdef" for c in prefix):
        raise InvalidInput("--expect-head takes a head hash of at least 8 hex characters")
    return prefix


def run_verify(args: argparse.Namespace) -> int:
    """Exit 0 when the chain holds, 1 (with the first problem) when it was tampered with.

    On a server, every device chain the replicas pushed is checked too (gaps and forks are
    named by device and event).
    """
    prefix = _expected_prefix(args.expect_head) if args.expect_head else None
    store = store_from_args(args, must_exist=True)
    try:
        actor_from_args(args, store)
        with store.read() as session:
            problem = verify_chain(session)
            keys = mapping_problem(session) if problem is None else None
            devices, device_problem = verify_device_chains(session)
            count = int(session.scalar(select(func.count()).select_from(AuditEvent)) or 0)
            head = chain_head(session)
            found = (
                prefix is None
                or prefix == head[: len(prefix)]
                or session.scalar(
                    select(AuditEvent.seq).where(AuditEvent.digest.like(f"{prefix}%")).limit(1)
                )
                is not None
            )
    finally:
        store.close()
    if problem is not None:
        print(f"Audit trail TAMPERED WITH: {problem.problem}")
        return 1
    if keys is not None:
        print(f"Audit trail TAMPERED WITH: {keys}")
        return 1
    if device_problem is not None:
        print(f"Audit trail TAMPERED WITH: {device_problem.problem}")
        return 1
    if not found:
        print(
            f"Audit trail TAMPERED WITH: the head {prefix} printed earlier is no longer in the "
            f"chain (events after it were removed or rewritten); the chain now ends at "
            f"{short_head(head)} after {count} events"
        )
        return 1
    chains = f"; {devices} device chain(s) intact" if devices else ""
    print(f"Audit trail intact: {count} events, head {short_head(head)}{chains}")
    return 0


def run_head(args: argparse.Namespace) -> int:
    store = store_from_args(args, must_exist=True)
    try:
        actor_from_args(args, store)
        with store.read() as session:
            head = chain_head(session)
    finally:
        store.close()
    print(head)
    return 0
