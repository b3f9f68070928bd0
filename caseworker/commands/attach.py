"""``caseworker attach REF FILE...``: keep received files (emails, photos, reports) with a case."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from caseworker.commands.common import actor_from_args, store_from_args, today_from_args
from caseworker.domain.dates import parse_date
from caseworker.domain.errors import InvalidInput
from caseworker.services.document_io import read_received
from caseworker.services.documents import attach_document, max_document_bytes


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("attach", help="keep received files (emails, photos...) with a case")
    p.add_argument("reference")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--title", default="", help="a title (default: the email's subject or name)")
    p.add_argument("--received", metavar="D", help="date received (default: email's date/today)")
    p.add_argument("--from", dest="sender", default="", metavar="NAME", help="who sent it")
    p.add_argument("--today", metavar="D")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    today = today_from_args(args)
    received = None
    if args.received:
        try:
            received = parse_date(args.received)
        except InvalidInput as exc:
            raise InvalidInput(f"--received: {exc}") from None
    if args.title and len(args.files) > 1:
        raise InvalidInput("--title names one file; attach the files one at a time to title each")
    paths = [Path(f).expanduser() for f in args.files]
    store = store_from_args(args, must_exist=True)
    try:
        actor = actor_from_args(args, store)
        # Every file is read and checked, then all are kept in one transaction: a refused
        # file (a program, too large) leaves the case as it was.
        with store.write() as session:
            limit = max_document_bytes(session)
            files = [(p, read_received(p, limit)) for p in paths]
            done = [
                attach_document(
                    session,
                    actor,
                    args.reference,
                    data=data,
                    file_name=path.name,
                    title=args.title,
                    received=received,
                    sender=args.sender,
                    today=today,
                )
                for path, data in files
            ]
    finally:
        store.close()
    for result in done:
        print(result.message)
        for child in result.attachments:
            print(f"  {child.message}")
        for name, document_id, note in result.document.email_attachments:
            if not document_id:
                print(f"  {name}: {note}")
    return 0
