"""The ``caseworker`` command: the composition root. No arguments starts the desktop app."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from caseworker import __version__
from caseworker.commands import COMMANDS, MODULES
from caseworker.domain.errors import CaseworkerError

Handler = Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    """An argument parser that reports bad usage in one line and exits 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"caseworker: {message}\n")


# Global options that take a value (so the scan below can skip the value).
_VALUED = {"--db", "--user", "--screenshot", "--view"}


def requested_commands(argv: Sequence[str]) -> list[str]:
    """The subcommands whose modules the parser needs for ``argv``.

    Only the one asked for: starting the desktop app imports no command module at all
    (each pulls in its services), which keeps start-up quick. Asking for help lists all.
    """
    skip = False
    for token in argv:
        if skip:
            skip = False
            continue
        if token in _VALUED:
            skip = True
        elif token in ("-h", "--help"):
            return list(COMMANDS)
        elif not token.startswith("-"):
            return [token] if token in COMMANDS else list(COMMANDS)
    return []


def build_parser(commands: Sequence[str] = COMMANDS) -> argparse.ArgumentParser:
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
        help="with --screenshot: queue, cases, intake, case:REF, settings, reports",
    )
    subparsers = parser.add_subparsers(dest="command", parser_class=_Parser)
    for name in commands:
        module_name = MODULES.get(name, name.replace("-", "_"))
        module = importlib.import_module(f"caseworker.commands.{module_name}")
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
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(requested_commands(arguments))
    args = parser.parse_args(arguments)
    handler: Handler | None = getattr(args, "handler", None)
    try:
        if handler is None:
            return _start_gui(args)
        return handler(args)
    except CaseworkerError as exc:
        print(f"caseworker: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (``caseworker cases | head``): stop quietly, and keep Python
        # from complaining again when it flushes stdout on the way out.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
