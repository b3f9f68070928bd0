"""``caseworker retention``: list, then anonymise, cases past the retention period."""

from __future__ import annotations

import argparse
from typing import Any

from caseworker.commands.common import actor_from_args, store_from_args, today_from_args
from caseworker.domain.calendar import format_day
from caseworker.domain.vocab import RecordKind
from caseworker.services.retention import RetentionReport, run_retention


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "retention", help="list (or with --apply, anonymise) cases past the retention period"
    )
    p.add_argument(
        "--apply", action="store_true", help="anonymise them (without it: only list them)"
    )
    p.add_argument("--today", metavar="D")
    p.set_defaults(handler=run)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def describe(report: RetentionReport) -> list[str]:
    """The lines shown for a run: what it would anonymise, or what it did."""
    verb = "would be anonymised" if report.dry_run else "anonymised"
    lines = [
        f"Retention period {report.years} years: cases ended before "
        f"{format_day(report.cutoff)} {verb}: {len(report.cases)}"
    ]
    for c in report.cases:
        lines.append(
            f"  {c.reference:<16} {RecordKind(c.kind).label:<18} ended {format_day(c.ended_on)}"
            f"  {_count(c.people, 'person', 'people')}, {_count(c.notes, 'note', 'notes')}, "
            f"{_count(c.letters, 'letter', 'letters')}"
            + (f", {_count(c.documents, 'document', 'documents')}" if c.documents else "")
        )
    if report.dry_run and report.cases:
        lines.append("Nothing was changed. Run again with --apply to anonymise them.")
    if not report.dry_run:
        lines.append(
            f"People anonymised: {report.people_anonymised}; "
            f"audit entries blanked: {report.events_redacted}"
        )
    return lines


def run(args: argparse.Namespace) -> int:
    today = today_from_args(args)
    store = store_from_args(args, must_exist=True)
    try:
        actor = actor_from_args(args, store)
        # The list is a read (works while another copy saves); --apply is one write.
        with store.write() if args.apply else store.read() as session:
            report = run_retention(session, actor, today=today, dry_run=not args.apply)
    finally:
        store.close()
    print("\n".join(describe(report)))
    return 0
