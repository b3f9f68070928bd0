"""The desktop app's documented options: --text-scale, --size and --today (no Qt here)."""

from __future__ import annotations

from datetime import date

import pytest

from caseworker.cli import build_parser, main


def test_options_are_read() -> None:
    args = build_parser([]).parse_args(
        ["--text-scale", "200%", "--size", "1366x768", "--today", "16/03/2026"]
    )
    assert (args.text_scale, args.size, args.app_today) == (2.0, (1366, 768), date(2026, 3, 16))
    assert build_parser([]).parse_args(["--text-scale", "1.5"]).text_scale == 1.5


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--text-scale", "big"],
            "argument --text-scale: 'big' is not a scale; write it like 2 or 200%",
        ),
        (
            ["--text-scale", "900%"],
            "argument --text-scale: '900%' is outside 0.5 to 4 (50% to 400%)",
        ),
        (
            ["--size", "1366by768"],
            "argument --size: '1366by768' is not a size; write it like 1366x768",
        ),
        (
            ["--size", "10x10"],
            "argument --size: 10x10 is too small or too large (320x240 at least)",
        ),
        (
            ["--today", "03/16/2026"],
            "argument --today: '03/16/2026' looks like a US-style date (month first); "
            "use DD/MM/YYYY",
        ),
    ],
)
def test_bad_values_exit_2_with_one_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    assert capsys.readouterr().err == f"caseworker: {message}\n"


def test_a_subcommand_keeps_its_own_today() -> None:
    args = build_parser(["cases"]).parse_args(["cases", "--today", "2026-02-02"])
    assert args.today == "2026-02-02"  # read by the command itself
    assert args.app_today is None
