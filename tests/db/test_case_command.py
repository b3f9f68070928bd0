"""``caseworker case REF [ACTION]``: the case, its clocks and the actions allowed now; and
every action under the lifecycle table, as a new user would try it on a demo store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from caseworker.cli import build_parser, main
from caseworker.commands.case import ACTIONS, execute
from caseworker.domain.calendar import format_day
from caseworker.domain.errors import CaseworkerError
from caseworker.services.actor import LOCAL_ADMIN
from caseworker.services.demo import generate
from db.models import Case
from db.store import Store

TODAY = date(2026, 3, 16)
# Plausible options for every action, so a refusal is the table's and not a missing option.
OPTIONS: dict[str, list[str]] = {
    "acknowledge": ["--handler", "Q. Tester", "--point", "The roof", "--outcomes", "Fix it"],
    "extend": ["--days", "5", "--reason", "Waiting for a survey"],
    "respond": ["--decision", "upheld", "--reasons", "We were slow"],
    "escalate": [],
    "acknowledge-stage-2": ["--handler", "Q. Tester"],
    "respond-stage-2": ["--decision", "not-upheld", "--reasons", "We were right"],
    "refuse": ["--reason", "other", "--explanation", "Not ours"],
    "refuse-escalation": ["--reason", "Already considered"],
    "withdraw": [],
    "close": [],
    "reopen": ["--reason", "Closed by mistake"],
    "pass-on": ["--to", "Repairs"],
    "reply-enquiry": ["--reply", "Dear Member"],
    "refer-to-ombudsman": [],
    "record-determination": ["--determination", "No maladministration"],
    "add-remedy": ["--kind", "financial", "--amount", "50"],
    "add-action": ["--description", "Replace the gutter"],
    "complete": ["--action-id", "1"],
    "note": ["--text", "Called the resident"],
    "link": ["--other", "CW-2026-000001"],
    "correct": ["--field", "description", "--value", "Corrected", "--reason", "Typo"],
}


def test_every_action_has_options() -> None:
    assert set(OPTIONS) == set(ACTIONS)


@pytest.fixture
def demo(store: Store) -> Store:
    generate(store, 300, 7, TODAY)
    return store


def _version(store: Store, reference: str) -> int:
    with store.read() as s:
        v = s.scalar(select(Case.version).where(Case.reference == reference))
    assert v is not None
    return v


def _run(store: Store, argv: list[str]) -> None:
    args = build_parser(["case"]).parse_args(["case", *argv, "--today", TODAY.isoformat()])
    execute(store, LOCAL_ADMIN, args, TODAY)


def test_every_action_not_listed_is_refused_and_changes_nothing(
    demo: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    with demo.read() as s:
        refs = list(s.scalars(select(Case.reference).order_by(Case.reference)))
    assert len(refs) == 300
    refused = 0
    kinds_seen: set[tuple[str, str]] = set()
    for ref in refs:
        _run(demo, [ref, "--json"])
        shown = json.loads(capsys.readouterr().out)
        kinds_seen.add((shown["kind"], shown["status"]))
        before = _version(demo, ref)
        assert shown["version"] == before
        for action in set(ACTIONS) - set(shown["actions"]):
            with pytest.raises(CaseworkerError) as info:
                _run(demo, [ref, action, *OPTIONS[action]])
            assert "\n" not in str(info.value)
            assert _version(demo, ref) == before, (ref, action)
            refused += 1
    assert refused > 3000
    assert len(kinds_seen) >= 8  # open and ended cases of several kinds


def test_through_the_real_command(demo: Store, cli_db: str, tmp_path: Path) -> None:
    """A sample through the installed command: exit 2, one line, the case unchanged."""
    with demo.read() as s:
        closed = s.scalar(
            select(Case.reference).where(Case.kind == "compliment", Case.status == "closed")
        )
        logged = s.scalar(
            select(Case.reference).where(Case.kind == "complaint", Case.status == "stage-1")
        )
    assert closed and logged
    env = {**os.environ, "CASEWORKER_DB": cli_db}
    command = [sys.executable, "-m", "caseworker"]

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, *argv, "--today", TODAY.isoformat()],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    shown = json.loads(run("case", closed.lower(), "--json").stdout)
    assert shown["actions"] == ["reopen", "note", "link", "correct"]
    before = _version(demo, closed)
    for action in ("add-remedy", "refer-to-ombudsman", "escalate", "close"):
        done = run("case", closed, action, *OPTIONS[action])
        assert done.returncode == 2
        assert done.stderr.count("\n") == 1 and done.stderr.startswith("caseworker: Cannot ")
        assert _version(demo, closed) == before
    assert run("case", closed, "add-remedy", *OPTIONS["add-remedy"]).stderr == (
        f"caseworker: Cannot add a remedy: case {closed} is a compliment (Closed); remedies are "
        "recorded on a complaint once a response decision is recorded\n"
    )
    # An allowed action goes through, and a stale version is refused.
    version = _version(demo, logged)
    done = run("case", logged, "note", "--text", "Rang", "--expected-version", str(version))
    assert done.returncode == 0, done.stderr
    assert _version(demo, logged) > version
    stale = run("case", logged, "note", "--text", "Again", "--expected-version", str(version))
    assert stale.returncode == 2 and "reload to see the change" in stale.stderr
    # An option the action does not use is refused rather than ignored.
    wrong = run("case", logged, "note", "--text", "x", "--days", "3")
    assert (wrong.returncode, wrong.stderr) == (2, "caseworker: --days is not used to note\n")


def test_cases_into_a_closed_pipe_ends_quietly(demo: Store, cli_db: str) -> None:
    env = {**os.environ, "CASEWORKER_DB": cli_db}
    done = subprocess.run(
        f"'{sys.executable}' -m caseworker cases --today {TODAY.isoformat()} | head -1",
        shell=True,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout.count("\n") == 1
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


def test_main_maps_a_refusal_to_exit_2(
    demo: Store, cli_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with demo.read() as s:
        ref = s.scalar(select(Case.reference).where(Case.status == "closed"))
    assert ref is not None
    code = main(["--db", cli_db, "case", ref, "withdraw", "--today", TODAY.isoformat()])
    assert code == 2
    assert capsys.readouterr().err.startswith(f"caseworker: Cannot withdraw: case {ref} is ")


def test_cases_prints_the_deadline_it_sorts_by(
    demo: Store, cli_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """One next deadline: the date printed is the stored next_due the list is sorted by."""
    assert main(["--db", cli_db, "cases", "--today", TODAY.isoformat()]) == 0
    lines = capsys.readouterr().out.splitlines()
    with demo.read() as s:
        stored = {r.reference: r.next_due for r in s.execute(select(Case.reference, Case.next_due))}
    with_due = [line for line in lines if not line.rstrip().endswith(" -")]
    assert len(with_due) >= 10
    printed = []
    for line in with_due:
        ref = line.split()[0]
        due = stored[ref]
        assert due is not None and format_day(due) in line, line
        printed.append(due)
    assert printed == sorted(printed)
    assert all(stored[line.split()[0]] is None for line in lines if line not in with_due)
