"""``caseworker documents REF [--out DIR]``: list a case's documents, or write them out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from caseworker.commands.common import actor_from_args, store_from_args
from caseworker.domain.calendar import format_day
from caseworker.domain.errors import CaseworkerError, InvalidInput
from caseworker.domain.file_types import safe_name
from caseworker.services.document_io import write_new
from caseworker.services.documents import DocumentView, document_bytes, list_documents
from db.output_files import OutputRefused, check_output


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("documents", help="list a case's documents, or write them out")
    p.add_argument("reference")
    p.add_argument("--out", metavar="DIR", help="write each document into this folder")
    p.set_defaults(handler=run)


def describe(doc: DocumentView) -> str:
    line = (
        f"{format_day(doc.received)}  {doc.type_label}, {doc.size_text}  {doc.title}"
        f" ({doc.file_name})"
    )
    if doc.sender:
        line += f" from {doc.sender}"
    if doc.removed:
        line += " [removed under the retention policy]"
    return f"{line}  sha256 {doc.sha256}"


def _folder(text: str, store: Path | None) -> Path:
    """The folder to write into: it must exist, be writable and not be the store's backups."""
    folder = Path(text).expanduser()
    if folder.exists() and not folder.is_dir():
        raise InvalidInput(f"--out {folder} is a file, not a folder")
    if not folder.is_dir():
        raise OutputRefused(
            f"The folder {folder} does not exist: create it first or choose another"
        )
    check_output(folder / "document", store=store)
    return folder


def run(args: argparse.Namespace) -> int:
    store = store_from_args(args, must_exist=True)
    problems: list[str] = []
    try:
        folder = _folder(args.out, store.path) if args.out else None
        actor = actor_from_args(args, store)
        with store.read() as session:
            docs = list_documents(session, actor, args.reference)
            if folder is None:
                for doc in docs:
                    indent = "  " if doc.parent_id else ""
                    print(f"{indent}{describe(doc)}")
                if not docs:
                    print(f"{args.reference}: no documents")
                return 0
            for doc in docs:
                if doc.removed:
                    continue
                try:
                    _view, data = document_bytes(session, actor, doc.id)
                except CaseworkerError as exc:
                    problems.append(str(exc))
                    continue
                try:
                    path = write_new(folder, safe_name(doc.file_name, doc.file_type), data)
                except OSError as exc:
                    raise InvalidInput(
                        f"cannot write into {folder} ({exc.strerror or exc}); "
                        "the files written so far are kept"
                    ) from None
                print(f"{path}  sha256 {doc.sha256}")
    finally:
        store.close()
    for problem in problems:
        print(f"caseworker: {problem}", file=sys.stderr)
    return 1 if problems else 0
