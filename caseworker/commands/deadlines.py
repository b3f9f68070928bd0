"""``caseworker deadlines``: the what-if calculator, on the same clock functions as cases."""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any

from caseworker.domain.calendar import WorkingCalendar, format_day
from caseworker.domain.clocks import CaseFacts, Deadlines, Extension, deadlines
from caseworker.domain.dates import parse_date
from caseworker.domain.errors import InvalidInput
from caseworker.domain.lifecycle import check_extensions, check_sequence
from caseworker.domain.policy import DEFAULT_POLICY, load_policy
from caseworker.domain.vocab import RecordKind


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("deadlines", help="work out a complaint's deadlines (what if)")
    p.add_argument("--received", required=True, metavar="D")
    p.add_argument("--acknowledged", metavar="D")
    p.add_argument("--extension-days", type=int, default=0, metavar="N")
    p.add_argument(
        "--good-reason",
        action="store_true",
        help="a good reason is recorded for going past the limit",
    )
    p.add_argument("--responded", metavar="D")
    p.add_argument("--escalated", metavar="D")
    p.add_argument("--stage2-acknowledged", metavar="D")
    p.add_argument("--stage2-extension-days", type=int, default=0, metavar="N")
    p.add_argument("--policy", default=DEFAULT_POLICY)
    p.add_argument("--nation", default="england-and-wales")
    p.add_argument("--closure", action="append", default=[], metavar="D")
    p.add_argument("--today", metavar="D")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=run)


def _date(args: argparse.Namespace, name: str) -> date | None:
    value = getattr(args, name)
    if value is None:
        return None
    try:
        return parse_date(value)
    except InvalidInput as exc:
        raise InvalidInput(f"--{name.replace('_', '-')}: {exc}") from None


def _extensions(days: int, good: bool) -> tuple[Extension, ...]:
    if days < 0:
        raise InvalidInput("extension days cannot be negative")
    return (Extension(days, good_reason=good),) if days else ()


def run(args: argparse.Namespace) -> int:
    policy = load_policy(args.policy)
    closures = []
    for text in args.closure:
        try:
            closures.append(parse_date(text))
        except InvalidInput as exc:
            raise InvalidInput(f"--closure: {exc}") from None
    cal = WorkingCalendar(args.nation, closures)
    received = _date(args, "received")
    assert received is not None
    facts = CaseFacts(
        kind=RecordKind.COMPLAINT,
        received=received,
        acknowledged=_date(args, "acknowledged"),
        stage1_extensions=_extensions(args.extension_days, args.good_reason),
        stage1_responded=_date(args, "responded"),
        escalated=_date(args, "escalated"),
        stage2_acknowledged=_date(args, "stage2_acknowledged"),
        stage2_extensions=_extensions(args.stage2_extension_days, args.good_reason),
    )
    check_sequence(facts)
    check_extensions(policy, 1, facts.stage1_extensions)
    check_extensions(policy, 2, facts.stage2_extensions)
    today = _date(args, "today") or date.today()
    result = deadlines(facts, policy, cal, today)
    if args.json:
        print(json.dumps(result.as_json(), indent=2))
    else:
        print(render_table(result, policy.label, today))
    return 0


def render_table(result: Deadlines, policy_label: str, today: date) -> str:
    """A short readable table of the clocks."""
    rows = [("Clock", "Due", "State", "Countdown")]
    for c in result.clocks:
        due = format_day(c.due) + (" (provisional)" if c.provisional else "")
        rows.append((c.label, due, c.state.value, c.countdown))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [f"Policy {policy_label}, as at {format_day(today)}"]
    for r in rows:
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())
    lines.append("")
    lines.extend(c.explanation for c in result.clocks)
    return "\n".join(lines)
