"""``caseworker import FILE``: bring existing records in from a CSV or XLSX spreadsheet."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from caseworker.commands.common import actor_from_args, store_from_args, today_from_args
from caseworker.services.importer import import_records


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "import",
        help="import existing records from a .csv or .xlsx file (all rows or none)",
        description="Import one record per row. Every problem is listed with its row and "
        "column, and then nothing is imported.",
    )
    p.add_argument("file", metavar="FILE", help="a .csv (UTF-8 or Windows-1252) or .xlsx file")
    p.add_argument("--dry-run", action="store_true", help="only check the file; write nothing")
    p.add_argument("--today", metavar="D", help=argparse.SUPPRESS)
    p.set_defaults(handler=run)


def _progress(done: int, total: int) -> bool:
    if sys.stderr.isatty() and total:
        print(f"\r{done * 100 // total:3d}% of {total} rows", end="", file=sys.stderr)
        if done >= total:
            print(file=sys.stderr)
    return True


def run(args: argparse.Namespace) -> int:
    today = today_from_args(args)
    store = store_from_args(args)
    try:
        actor = actor_from_args(args, store)
        if args.dry_run:
            with store.read() as session:
                summary = import_records(
                    session, actor, args.file, dry_run=True, today=today, progress=_progress
                )
        else:
            with store.write() as session:
                summary = import_records(session, actor, args.file, today=today, progress=_progress)
    finally:
        store.close()
    print("\n".join(summary.lines()))
    return 0
