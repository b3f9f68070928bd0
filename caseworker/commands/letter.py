"""``caseworker letter REF KIND --out FILE.pdf``: make a letter and save it with the case."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from caseworker.commands.common import actor_from_args, store_from_args, today_from_args
from caseworker.domain.vocab import LetterKind, parse
from caseworker.services.letters import make_letters
from db.output_files import check_output, write_output


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "letter", help="make a letter from a case (saved to its correspondence)"
    )
    p.add_argument("reference")
    p.add_argument("kind", help=", ".join(k.value for k in LetterKind))
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.add_argument("--large-print", action="store_true")
    p.add_argument("--today", metavar="D")
    p.set_defaults(handler=run)


def output_paths(out: Path, count: int) -> list[Path]:
    """``letter.pdf`` for the main letter, then ``letter-2.pdf``... for further copies."""
    return [
        out if i == 0 else out.with_name(f"{out.stem}-{i + 1}{out.suffix}") for i in range(count)
    ]


def run(args: argparse.Namespace) -> int:
    kind = parse(LetterKind, args.kind)
    today = today_from_args(args)
    out = Path(args.out).expanduser()
    store = store_from_args(args, must_exist=True)
    written: list[Path] = []
    try:
        check_output(out, store=store.path)
        actor = actor_from_args(args, store)
        # The letter is recorded as made in the same transaction that writes its files: a
        # file that cannot be written rolls the record back, so no "made" letter is missing.
        with store.write() as session:
            made = make_letters(
                session, actor, args.reference, kind, today=today, large_print=args.large_print
            )
            paths = output_paths(out, len(made))
            for path in paths:
                check_output(path, store=store.path)
            try:
                for letter, path in zip(made, paths, strict=True):
                    written.append(write_output(path, letter.pdf, store=store.path))
            except BaseException:
                for path in written:
                    path.unlink(missing_ok=True)
                raise
    finally:
        store.close()
    for letter, path in zip(made, paths, strict=True):
        print(f"{path}: {kind.label} to {letter.addressee_name} ({letter.addressee_role})")
    return 0
