"""The ``caseworker`` command: the composition root. No arguments starts the desktop app."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from datetime import date

from caseworker import __version__
from caseworker.commands import COMMANDS, MODULES
from caseworker.domain.dates import parse_date
from caseworker.domain.errors import CaseworkerError

Handler = Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    """An argument parser that reports bad usage in one line and exits 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"caseworker: {message}\n")


# Global options that take a value (so the scan below can skip the value).
_VALUED = {"--db", "--user", "--screenshot", "--view", "--text-scale", "--size", "--today"}
MIN_SCALE, MAX_SCALE = 0.5, 4.0


def text_scale(text: str) -> float:
    """``2``, ``2.0`` or ``200%``: how much bigger the desktop app's text is drawn."""
    raw = text.strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a scale; write it like 2 or 200%"
        ) from None
    if not MIN_SCALE <= value <= MAX_SCALE:
        raise argparse.ArgumentTypeError(
            f"{text!r} is outside {MIN_SCALE:g} to {MAX_SCALE:g} (50% to 400%)"
        )
    return value


def window_size(text: str) -> tuple[int, int]:
    """``1366x768``: the desktop app's window size in pixels."""
    try:
        width, height = (int(x) for x in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a size; write it like 1366x768"
        ) from None
    if not (320 <= width <= 16384 and 240 <= height <= 16384):
        raise argparse.ArgumentTypeError(f"{text} is too small or too large (320x240 at least)")
    return width, height


def app_date(text: str) -> date:
    """The date the desktop app works as at (for training and reproducible screenshots)."""
    try:
        return parse_date(text)
    except CaseworkerError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


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
    parser.add_argument(
        "--text-scale",
        metavar="SCALE",
        type=text_scale,
        dest="text_scale",
        help="desktop app: draw text bigger or smaller, e.g. 2 or 200%% (also Settings)",
    )
    parser.add_argument(
        "--size",
        metavar="WxH",
        type=window_size,
        help="desktop app: the window's size in pixels, e.g. 1366x768",
    )
    parser.add_argument(
        "--today",
        metavar="DATE",
        type=app_date,
        dest="app_today",
        help="desktop app: work as at this date (training, screenshots); default the real date",
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
