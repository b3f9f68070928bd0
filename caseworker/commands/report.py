"""``caseworker report``: the performance report for a period, as PDF, CSV, XLSX or JSON."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from caseworker.commands.common import actor_from_args, store_from_args, today_from_args
from caseworker.domain.dates import parse_date
from caseworker.domain.errors import InvalidInput
from caseworker.reports.model import Report
from caseworker.reports.pdf import report_pdf
from caseworker.reports.periods import period_for
from caseworker.reports.writers import report_csv, report_json, report_xlsx
from caseworker.services.reports import make_report
from caseworker.services.reports_data import ReportScope
from db.output_files import check_output, write_output

FORMATS = ("pdf", "csv", "xlsx", "json")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "report",
        help="the complaint performance report for a period (PDF, CSV, XLSX or JSON)",
        description="Counts every figure as things stood at the end of the period. A financial "
        "quarter or year (April to March) is named as such.",
    )
    p.add_argument("--from", dest="start", required=True, metavar="D", help="first day")
    p.add_argument("--to", dest="end", required=True, metavar="D", help="last day")
    p.add_argument("--homes", type=int, metavar="N", help="homes owned (default: Settings)")
    p.add_argument("--housing-only", action="store_true", help="only Housing Ombudsman cases")
    p.add_argument("--service-area", default="", metavar="NAME", help="only this service area")
    p.add_argument("--site", default="", metavar="NAME", help="only this site")
    p.add_argument("--format", choices=FORMATS, help="default: from the --out file's ending")
    p.add_argument("--out", required=True, metavar="PATH", help="the file to write")
    p.add_argument("--today", metavar="D", help=argparse.SUPPRESS)
    p.set_defaults(handler=run)


def _date(text: str, option: str) -> Any:
    try:
        return parse_date(text)
    except InvalidInput as exc:
        raise InvalidInput(f"{option}: {exc}") from None


def render(report: Report, fmt: str) -> bytes:
    """The report in one of ``FORMATS``."""
    if fmt == "pdf":
        return report_pdf(report)
    if fmt == "csv":
        return report_csv(report)
    if fmt == "xlsx":
        return report_xlsx(report)
    return report_json(report).encode("utf-8")


def run(args: argparse.Namespace) -> int:
    period = period_for(_date(args.start, "--from"), _date(args.end, "--to"))
    out = Path(args.out)
    fmt = args.format or out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InvalidInput(f"Say --format {' | '.join(FORMATS)} (or end --out with one of them)")
    if args.homes is not None and args.homes < 1:
        raise InvalidInput("--homes must be a positive number of homes")
    scope = ReportScope(args.housing_only, args.service_area.strip(), args.site.strip())
    today = today_from_args(args)
    store = store_from_args(args, must_exist=True)
    try:
        check_output(out, store=store.path)  # before any work: never the store, a backup...
        actor = actor_from_args(args, store)
        with store.read() as session:
            report = make_report(
                session, period, scope, actor=actor, made_on=today, homes=args.homes
            )
        write_output(out, render(report, fmt), store=store.path)
    finally:
        store.close()
    print(f"Wrote {out} ({report.period_label}, {len(report.tables)} tables)")
    return 0
