"""``caseworker export-person``: everything held about one person, as a PDF and a JSON file."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import Any

from caseworker.commands.common import actor_from_args, store_from_args
from caseworker.services.subject_access import documents_folder, gather_person, write_export
from db.output_files import check_output


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "export-person", help="subject access: everything held about a person (PDF and JSON)"
    )
    p.add_argument("person", metavar="PERSON", help="the person's id, or full name")
    p.add_argument("--out", metavar="DIR", default=".", help="folder for the two files")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    folder = Path(args.out).expanduser()
    store = store_from_args(args, must_exist=True)
    try:
        check_output(folder / "person.pdf", store=store.path)  # the folder, before any work
        actor = actor_from_args(args, store)
        with store.write() as session:
            record = gather_person(
                session, actor, args.person, now=datetime.now().replace(microsecond=0)
            )
            # Written inside the transaction: a file that cannot be written un-records it.
            data = record.as_json()
            pdf_path, json_path = write_export(data, folder, store=store.path)
    finally:
        store.close()
    print(
        f"{len(record.cases)} cases, {len(record.notes)} notes, {len(record.letters)} letters, "
        f"{len(record.audit)} audit entries"
    )
    print(f"Wrote {pdf_path}")
    print(f"Wrote {json_path}")
    kept = sum(1 for d in record.documents if d.get("content_base64"))
    if record.documents:
        print(
            f"Wrote {kept} of {len(record.documents)} documents "
            f"into {documents_folder(data, folder)}"
        )
    return 0
