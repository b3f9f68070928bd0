"""``caseworker import FILE``: bring existing records in from a CSV or XLSX spreadsheet."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from caseworker.commands.common import actor_from_args, store_from_args, today_from_args
from caseworker.domain.errors import InvalidInput
from caseworker.services.importer import import_records
from caseworker.services.importer_template import template_xlsx


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "import",
        help="import existing records from a .csv or .xlsx file (all rows or none)",
        description="Import one record per row. Every problem is listed with its row and "
        "column, and then nothing is imported.",
    )
    p.add_argument(
        "file", metavar="FILE", nargs="?", help="a .csv (UTF-8 or Windows-1252) or .xlsx file"
    )
    p.add_argument(
        "--template",
        metavar="FILE.xlsx",
        help="write a spreadsheet with the columns to fill in (and what each holds); "
        "import nothing",
    )
    p.add_argument("--dry-run", action="store_true", help="only check the file; write nothing")
    p.add_argument("--today", metavar="D", help=argparse.SUPPRESS)
    p.set_defaults(handler=run)


def _progress(done: int, total: int) -> bool:
    if sys.stderr.isatty() and total:
        print(f"\r{done * 100 // total:3d}% of {total} rows", end="", file=sys.stderr)
        if done >= total:
            print(file=sys.stderr)
    return True


def write_template(path: Path) -> None:
    """The template spreadsheet, written whole or not at all; an existing file is kept."""
    if path.suffix.lower() != ".xlsx":
        raise InvalidInput(f"--template: {path.name} must end in .xlsx")
    if not path.parent.is_dir():
        raise InvalidInput(f"--template: there is no folder {path.parent}")
    if path.exists():
        raise InvalidInput(f"--template: {path} already exists; give a new file name")
    part = path.with_name(path.name + ".part")
    part.write_bytes(template_xlsx())
    part.replace(path)


def run(args: argparse.Namespace) -> int:
    if args.template:
        if args.file:
            raise InvalidInput("Give either a file to import or --template FILE.xlsx, not both")
        write_template(Path(args.template))
        print(f"Wrote {args.template}: fill in the Records sheet, one record per row")
        return 0
    if not args.file:
        raise InvalidInput("Give the file to import (or --template FILE.xlsx for a blank one)")
    today = today_from_args(args)
    store = store_from_args(args, must_exist=False)  # makes a new store on purpose
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
