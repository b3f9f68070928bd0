"""The ``caseworker`` command: the composition root. No arguments starts the desktop app."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from caseworker import __version__
from caseworker.commands import COMMANDS
from caseworker.domain.errors import CaseworkerError

Handler = Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    """An argument parser that reports bad usage in one line and exits 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"caseworker: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="caseworker", description="Complaints case management.")
    parser.add_argument("--version", action="version", version=f"caseworker {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="the store to open (default: CASEWORKER_DB or the user data folder)",
    )
    parser.add_argument("--user", metavar="NAME", help="act as this user (or CASEWORKER_USER)")
    parser.add_argument(
        "--screenshot", metavar="FILE.png", help="open the window, save it to FILE.png and exit"
    )
    parser.add_argument(
        "--view",
        default="queue",
        help="with --screenshot: queue, cases, intake, case:REF, settings",
    )
    subparsers = parser.add_subparsers(dest="command", parser_class=_Parser)
    for name in COMMANDS:
        module = importlib.import_module(f"caseworker.commands.{name.replace('-', '_')}")
        module.register(subparsers)
    return parser


def _start_gui(args: argparse.Namespace) -> int:
    try:
        from ui.app import run  # the one permitted import of the UI (lazy)
    except ImportError as exc:  # pragma: no cover - only without the desktop part
        print(f"caseworker: the desktop app is not available ({exc})", file=sys.stderr)
        return 0
    result: int = run(args)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``caseworker`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    try:
        if handler is None:
            return _start_gui(args)
        return handler(args)
    except CaseworkerError as exc:
        print(f"caseworker: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
