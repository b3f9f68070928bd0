"""``caseworker deadlines``: the what-if calculator through the real entry point."""

from __future__ import annotations

import json

import pytest

from caseworker.cli import main


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(["deadlines", *args])
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    code, out, err = _run(capsys, *args, "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert isinstance(data, dict)
    return data


def test_json_issue_example(capsys: pytest.CaptureFixture[str]) -> None:
    # Received Thu 24 Dec 2026, acknowledged Mon 4 Jan 2027, as at Mon 11 Jan 2027.
    data = _json(
        capsys, "--received", "2026-12-24", "--acknowledged", "2027-01-04", "--today", "2027-01-11"
    )
    assert data == {
        "ack_due": "2027-01-05",
        "stage1_due": "2027-01-18",
        "stage1_provisional": False,
        "escalation_window_ends": None,
        "stage2_ack_due": None,
        "stage2_due": None,
        "stage2_provisional": False,
        "clocks": [
            {
                "name": "acknowledgement",
                "due": "2027-01-05",
                "provisional": False,
                "state": "met",
                "working_days_left": None,
                "explanation": "Acknowledgement due Tue 5 Jan 2027: 5 working days from receipt "
                "on Thu 24 Dec 2026 (hos-2024); skipped: Christmas Day (Fri 25 Dec 2026), "
                "Boxing Day (observed) (Mon 28 Dec 2026), New Year's Day (Fri 1 Jan 2027)",
            },
            {
                "name": "stage1-response",
                "due": "2027-01-18",
                "provisional": False,
                "state": "running",
                "working_days_left": 5,
                "explanation": "Stage 1 response due Mon 18 Jan 2027: 10 working days from the "
                "acknowledgement on Mon 4 Jan 2027 (hos-2024); skipped: none",
            },
        ],
    }


def test_json_provisional_only_receipt(capsys: pytest.CaptureFixture[str]) -> None:
    # Received Sat 10 Jan 2026 (UK-style input) -> from Mon 12 Jan: ack due Mon 19 Jan,
    # provisional Stage 1 Mon 2 Feb. As at Wed 21 Jan the ack is 2 working days overdue.
    data = _json(capsys, "--received", "10/01/2026", "--today", "2026-01-21")
    assert data == {
        "ack_due": "2026-01-19",
        "stage1_due": "2026-02-02",
        "stage1_provisional": True,
        "escalation_window_ends": None,
        "stage2_ack_due": None,
        "stage2_due": None,
        "stage2_provisional": False,
        "clocks": [
            {
                "name": "acknowledgement",
                "due": "2026-01-19",
                "provisional": False,
                "state": "overdue",
                "working_days_left": -2,
                "explanation": "Acknowledgement due Mon 19 Jan 2026: 5 working days from receipt "
                "on Sat 10 Jan 2026, counted from Mon 12 Jan 2026 (hos-2024); skipped: none",
            },
            {
                "name": "stage1-response",
                "due": "2026-02-02",
                "provisional": True,
                "state": "running",
                "working_days_left": 8,
                "explanation": "Stage 1 response due Mon 2 Feb 2026 (provisional): 10 working "
                "days from the latest acknowledgement date on Mon 19 Jan 2026 (hos-2024); "
                "skipped: none",
            },
        ],
    }


def test_json_receipt_based_local_with_stage2(capsys: pytest.CaptureFixture[str]) -> None:
    # Received Mon 5 Jan 2026, ack Wed 7 Jan, response Fri 16 Jan (window ends Fri 13 Feb),
    # escalated Thu 12 Feb; as at Mon 16 Feb 2026.
    data = _json(
        capsys,
        "--policy",
        "receipt-based-local",
        "--received",
        "2026-01-05",
        "--acknowledged",
        "2026-01-07",
        "--responded",
        "2026-01-16",
        "--escalated",
        "2026-02-12",
        "--today",
        "2026-02-16",
    )
    assert data == {
        "ack_due": "2026-01-12",
        "stage1_due": "2026-01-19",
        "stage1_provisional": False,
        "escalation_window_ends": "2026-02-13",
        "stage2_ack_due": "2026-02-19",
        "stage2_due": "2026-03-12",
        "stage2_provisional": False,
        "clocks": [
            {
                "name": "acknowledgement",
                "due": "2026-01-12",
                "provisional": False,
                "state": "met",
                "working_days_left": None,
                "explanation": "Acknowledgement due Mon 12 Jan 2026: 5 working days from receipt "
                "on Mon 5 Jan 2026 (receipt-based-local); skipped: none",
            },
            {
                "name": "stage1-response",
                "due": "2026-01-19",
                "provisional": False,
                "state": "met",
                "working_days_left": None,
                "explanation": "Stage 1 response due Mon 19 Jan 2026: 10 working days from "
                "receipt on Mon 5 Jan 2026 (receipt-based-local); skipped: none",
            },
            {
                "name": "escalation-window",
                "due": "2026-02-13",
                "provisional": False,
                "state": "met",
                "working_days_left": None,
                "explanation": "Escalation window ends Fri 13 Feb 2026: 28 calendar days from the "
                "Stage 1 response sent on Fri 16 Jan 2026 (receipt-based-local)",
            },
            {
                "name": "stage2-acknowledgement",
                "due": "2026-02-19",
                "provisional": False,
                "state": "running",
                "working_days_left": 3,
                "explanation": "Stage 2 acknowledgement due Thu 19 Feb 2026: 5 working days from "
                "the escalation request on Thu 12 Feb 2026 (receipt-based-local); skipped: none",
            },
            {
                "name": "stage2-response",
                "due": "2026-03-12",
                "provisional": False,
                "state": "running",
                "working_days_left": 18,
                "explanation": "Stage 2 response due Thu 12 Mar 2026: 20 working days from the "
                "escalation request on Thu 12 Feb 2026 (receipt-based-local); skipped: none",
            },
        ],
    }


def test_json_hos_stage2_with_extensions(capsys: pytest.CaptureFixture[str]) -> None:
    # Ack Wed 7 Jan 2026 -> Stage 1 due Wed 21 Jan; +12 days of extension with a good reason
    # -> Fri 6 Feb. Escalated Mon 16 Feb -> Stage 2 ack due Mon 23 Feb; acknowledged
    # Wed 18 Feb -> 20 working days -> Wed 18 Mar. The 20 days of extension cross Easter
    # (Fri 3 and Mon 6 Apr): T19 F20 (2), 23-27 Mar (7), 30 Mar - 2 Apr (11), 7-10 Apr (15),
    # 13-17 Apr (20) -> Fri 17 Apr 2026.
    data = _json(
        capsys,
        "--received",
        "2026-01-05",
        "--acknowledged",
        "2026-01-07",
        "--extension-days",
        "12",
        "--good-reason",
        "--responded",
        "2026-02-06",
        "--escalated",
        "2026-02-16",
        "--stage2-acknowledged",
        "2026-02-18",
        "--stage2-extension-days",
        "20",
        "--today",
        "2026-02-18",
    )
    assert data["stage1_due"] == "2026-02-06"
    assert data["stage2_ack_due"] == "2026-02-23"
    assert data["stage2_due"] == "2026-04-17"
    assert data["stage2_provisional"] is False
    clocks = data["clocks"]
    assert isinstance(clocks, list)
    assert [(c["name"], c["state"]) for c in clocks] == [
        ("acknowledgement", "met"),
        ("stage1-response", "met"),
        ("stage2-acknowledgement", "met"),
        ("stage2-response", "running"),
    ]
    assert clocks[3]["explanation"] == (
        "Stage 2 response due Fri 17 Apr 2026: 20 working days from the Stage 2 acknowledgement "
        "on Wed 18 Feb 2026, plus 20 working days of extension (hos-2024); skipped: "
        "Good Friday (Fri 3 Apr 2026), Easter Monday (Mon 6 Apr 2026)"
    )


def test_json_scotland_and_closures(capsys: pytest.CaptureFixture[str]) -> None:
    # Wed 31 Dec 2025 in Scotland: 1 and 2 Jan holidays, Mon 5 Jan a closure day
    # -> T6 W7 T8 F9 M12: ack due Mon 12 Jan 2026.
    data = _json(
        capsys,
        "--received",
        "2025-12-31",
        "--nation",
        "scotland",
        "--closure",
        "2026-01-05",
        "--today",
        "2025-12-31",
    )
    assert data["ack_due"] == "2026-01-12"
    # Provisional Stage 1: 10 from Mon 12 Jan -> Mon 26 Jan 2026.
    assert data["stage1_due"] == "2026-01-26"


def test_table_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(
        capsys, "--received", "2026-12-24", "--acknowledged", "2027-01-04", "--today", "2027-01-11"
    )
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "Policy hos-2024, as at Mon 11 Jan 2027",
        "Clock             Due              State    Countdown",
        "Acknowledgement   Tue 5 Jan 2027   met      met on Mon 4 Jan 2027",
        "Stage 1 response  Mon 18 Jan 2027  running  5 working days left",
        "",
        "Acknowledgement due Tue 5 Jan 2027: 5 working days from receipt on Thu 24 Dec 2026 "
        "(hos-2024); skipped: Christmas Day (Fri 25 Dec 2026), Boxing Day (observed) "
        "(Mon 28 Dec 2026), New Year's Day (Fri 1 Jan 2027)",
        "Stage 1 response due Mon 18 Jan 2027: 10 working days from the acknowledgement on "
        "Mon 4 Jan 2027 (hos-2024); skipped: none",
    ]


def test_table_marks_provisional(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--received", "2026-01-05", "--today", "2026-01-05")
    assert code == 0
    assert "Mon 26 Jan 2026 (provisional)" in out.splitlines()[3]


def test_extension_at_the_limit_is_fine(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(
        capsys,
        "--received",
        "2026-01-05",
        "--acknowledged",
        "2026-01-07",
        "--extension-days",
        "10",
        "--today",
        "2026-01-07",
    )
    assert data["stage1_due"] == "2026-02-04"  # Wed 21 Jan + 10


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--received", "2026-02-30"], "--received: '2026-02-30' is not a real date"),
        (
            ["--received", "2026-01-05", "--acknowledged", "2026-01-02"],
            "The acknowledgement (Fri 2 Jan 2026) cannot be before the date received "
            "(Mon 5 Jan 2026)",
        ),
        (
            ["--received", "2026-01-05", "--policy", "nope"],
            "'nope' is not a known policy; use one of: hos-2024, lgsco-2024, local-three-stage, "
            "local-three-stage-informal, receipt-based-local",
        ),
        (
            ["--received", "2026-01-05", "--nation", "wales"],
            "'wales' is not a known nation; use one of: england-and-wales, scotland, "
            "northern-ireland",
        ),
        (
            ["--received", "2026-01-05", "--acknowledged", "2026-01-07", "--extension-days", "11"],
            "Stage 1 extensions total 11 working days, over the limit of 10 under hos-2024; "
            "record a good reason to go beyond it",
        ),
        (
            [
                "--received",
                "2026-01-05",
                "--acknowledged",
                "2026-01-07",
                "--responded",
                "2026-01-19",
                "--escalated",
                "2026-02-02",
                "--stage2-extension-days",
                "21",
            ],
            "Stage 2 extensions total 21 working days, over the limit of 20 under hos-2024; "
            "record a good reason to go beyond it",
        ),
        (
            ["--received", "12/31/2025"],
            "--received: '12/31/2025' looks like a US-style date (month first); use DD/MM/YYYY",
        ),
        (
            ["--received", "2026-01-05", "--acknowledged", "5/1/26"],
            "--acknowledged: '5/1/26' has a two-digit year; write the year in full",
        ),
        (
            ["--received", "2026-01-05", "--today", "tomorrow"],
            "--today: 'tomorrow' is not a date; use YYYY-MM-DD or DD/MM/YYYY",
        ),
        (
            ["--received", "2026-01-05", "--closure", "2026-13-01"],
            "--closure: '2026-13-01' is not a real date",
        ),
        (
            ["--received", "2026-01-05", "--extension-days", "-1"],
            "extension days cannot be negative",
        ),
        (
            ["--received", "2026-01-05", "--responded", "2026-01-19"],
            "A Stage 1 response cannot be recorded before the complaint is acknowledged",
        ),
        (
            [
                "--received",
                "2026-01-05",
                "--acknowledged",
                "2026-01-07",
                "--escalated",
                "2026-02-02",
            ],
            "Stage 2 can only be requested after the Stage 1 response has been sent",
        ),
        (["--received", "2026-01-05", "--extension-days", "ten"], None),
        ([], "the following arguments are required: --received"),
    ],
)
def test_invalid_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str | None
) -> None:
    extra = [] if "--today" in args else ["--today", "2026-01-05"]
    code, out, err = _run(capsys, *args, *extra)
    assert code == 2
    assert out == ""
    assert err.endswith("\n") and err.count("\n") == 1, err
    if message is None:
        message = "argument --extension-days: invalid int value: 'ten'"
    assert err == f"caseworker: {message}\n"


def test_good_reason_allows_going_over(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(
        capsys,
        "--received",
        "2026-01-05",
        "--acknowledged",
        "2026-01-07",
        "--extension-days",
        "11",
        "--good-reason",
        "--today",
        "2026-01-07",
    )
    assert data["stage1_due"] == "2026-02-05"  # Wed 21 Jan + 11 = Thu 5 Feb 2026
