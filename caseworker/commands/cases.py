"""``caseworker cases``: list cases with their clocks (the shape of ``deadlines --json``)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from sqlalchemy import select

from caseworker.commands.common import actor_from_args, store_from_args, today_from_args
from caseworker.domain.calendar import format_day
from caseworker.domain.clocks import next_deadline
from caseworker.domain.vocab import RecordKind, Status, parse
from caseworker.services.clocks import case_clocks
from caseworker.services.permissions import sees_restricted
from caseworker.services.settings import store_calendar
from db.models import Case


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("cases", help="list cases and their clocks")
    p.add_argument("--kind", help="complaint, service-request, compliment, comment, mp-enquiry...")
    p.add_argument("--status", help="logged, stage-1, stage-1-responded, ...")
    p.add_argument(
        "--overdue", action="store_true", help="only cases with a deadline already passed"
    )
    p.add_argument("--today", metavar="D")
    p.add_argument("--limit", type=int, default=0, help="at most N cases (0: all)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=run)


def stage_of(status: str) -> int | None:
    """The stage a complaint status belongs to (None for endings and other kinds)."""
    s = Status(status)
    if s in (Status.LOGGED, Status.STAGE_1, Status.STAGE_1_RESPONDED):
        return 1
    if s in (Status.STAGE_2_REQUESTED, Status.STAGE_2, Status.STAGE_2_RESPONDED):
        return 2
    return None


def run(args: argparse.Namespace) -> int:
    today = today_from_args(args)
    stmt = select(Case).order_by(Case.next_due.is_(None), Case.next_due, Case.reference)
    if args.kind:
        stmt = stmt.where(Case.kind == parse(RecordKind, args.kind).value)
    if args.status:
        stmt = stmt.where(Case.status == parse(Status, args.status).value)
    if args.overdue:
        stmt = stmt.where(Case.next_due < today)
    if args.limit:
        stmt = stmt.limit(args.limit)
    store = store_from_args(args)
    if not sees_restricted(actor_from_args(args, store)):
        stmt = stmt.where(Case.restricted.is_(False))
    out: list[dict[str, Any]] = []
    lines: list[str] = []
    try:
        with store.read() as session:
            cal = store_calendar(session)
            for case in session.scalars(stmt):
                clocks = case_clocks(case, cal, today)
                kind = RecordKind(case.kind)
                if args.json:
                    out.append(
                        {
                            "reference": case.reference,
                            "kind": case.kind,
                            "status": case.status,
                            "stage": stage_of(case.status)
                            if kind is RecordKind.COMPLAINT
                            else None,
                            "received": case.received.isoformat(),
                            "clocks": [c.as_json() for c in clocks],
                        }
                    )
                else:
                    nxt = next_deadline(clocks)
                    due = f"{nxt.label} {format_day(nxt.due)}: {nxt.countdown}" if nxt else "-"
                    lines.append(
                        f"{case.reference:<16} {kind.label:<18} "
                        f"{Status(case.status).label:<18} {due}"
                    )
    finally:
        store.close()
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print("\n".join(lines) if lines else "No cases match.")
    return 0
