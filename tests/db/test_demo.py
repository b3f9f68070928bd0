"""The demo generator: plausible, consistent with the services, deterministic, cancellable."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from caseworker.cli import main
from caseworker.domain.errors import InvalidInput
from caseworker.domain.vocab import case_tenure
from caseworker.services.actor import LOCAL_ADMIN
from caseworker.services.audit import verify_chain
from caseworker.services.clocks import store_clocks
from caseworker.services.demo import DemoCancelled, generate
from caseworker.services.settings import get_setting, homes_at, store_calendar
from db.models import (
    AuditEvent,
    Case,
    CaseParty,
    OutstandingAction,
    Person,
    ReferenceCounter,
    Remedy,
    Setting,
)
from db.queries import CaseFilter, page_cases
from db.store import Store, open_store

TODAY = date(2026, 3, 16)  # Mon 16 Mar 2026
N = 300


def _demo_store(template: Path, folder: Path, seed: int) -> Store:
    path = folder / f"demo-{seed}.sqlite"
    shutil.copyfile(template, path)
    store = open_store(path)
    generate(store, N, seed=seed, today=TODAY, actor=LOCAL_ADMIN)
    return store


@pytest.fixture(scope="module")
def demo(template_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = _demo_store(template_store, tmp_path_factory.mktemp("demo"), seed=3)
    yield store
    store.close()


def _facts(store: Store) -> list[tuple[object, ...]]:
    with store.read() as s:
        return list(
            s.execute(
                select(
                    Case.reference, Case.kind, Case.status, Case.received, Case.next_due
                ).order_by(Case.reference)
            )
        )


def test_kinds_and_volumes_are_plausible(demo: Store) -> None:
    with demo.read() as s:
        kinds = Counter(dict(s.execute(select(Case.kind, func.count()).group_by(Case.kind)).all()))
        escalated = s.scalar(select(func.count()).where(Case.escalated.is_not(None)))
        open_n = s.scalar(
            select(func.count()).where(Case.status.not_in(("closed", "refused", "withdrawn")))
        )
        received = s.execute(select(func.min(Case.received), func.max(Case.received))).one()
    assert sum(kinds.values()) == N
    assert set(kinds) == {
        "complaint",
        "compliment",
        "comment",
        "service-request",
        "mp-enquiry",
        "councillor-enquiry",
    }
    assert 0.2 < kinds["complaint"] / N < 0.4
    assert 0.22 < kinds["compliment"] / N < 0.42
    assert 0.05 < (escalated or 0) / kinds["complaint"] < 0.3
    assert 0.02 < (open_n or 0) / N < 0.09
    assert received[1] <= TODAY
    assert received[0].year <= TODAY.year - 4


def test_stored_clocks_match_the_clock_functions(demo: Store) -> None:
    with demo.read() as s:
        cal = store_calendar(s)
        cases = list(s.scalars(select(Case)))
        assert len(cases) == N
        assert {c.reference: store_clocks(c, cal) for c in cases if store_clocks(c, cal)} == {}
        open_cases = [c for c in cases if c.next_due is not None]
        assert open_cases, "some open cases have a deadline"
        assert any(c.next_due < TODAY for c in open_cases)  # overdue
        assert any(TODAY <= c.next_due <= date(2026, 3, 19) for c in open_cases)  # due soon


def test_derived_columns_are_what_the_services_write(demo: Store) -> None:
    with demo.read() as s:
        for case in s.scalars(select(Case)):
            complainants = [p.person.name for p in case.parties if p.role == "complainant"]
            reps = [p for p in case.parties if p.role == "representative"]
            assert case.resident_name == "; ".join(complainants)
            assert case.representative_name == "; ".join(p.person.name for p in reps)
            assert case.auth_state == (reps[0].auth_state if reps else "not-needed")
            assert case.has_adjustments == any(p.person.adjustments for p in case.parties)
            tenures = [p.person.tenure for p in case.parties if p.role == "complainant"]
            assert case.complainant_tenure == case_tenure(tenures)
            if case.stage2_handler_id is not None:
                assert case.stage2_handler_id != case.stage1_handler_id
            assert re.fullmatch(rf"CW-{case.received.year}-\d{{6}}", case.reference)


def test_reference_counters_follow_the_references(demo: Store) -> None:
    with demo.read() as s:
        counters = {c.year: c.last for c in s.scalars(select(ReferenceCounter))}
        per_year = Counter(c.received.year for c in s.scalars(select(Case)))
        top = s.scalar(select(func.max(Case.reference)).where(Case.reference.like("CW-2025-%")))
    assert counters == dict(per_year)
    assert top == f"CW-2025-{counters[2025]:06d}"


def test_search_finds_a_generated_surname_and_postcode(demo: Store) -> None:
    with demo.read() as s:
        case = s.scalars(
            select(Case).where(Case.kind == "complaint").order_by(Case.reference)
        ).first()
        assert case is not None
        person = next(p.person for p in case.parties if p.role == "complainant")
        surname = person.name.split()[-1]
        by_name = {r.reference for r in page_cases(s, CaseFilter(search=surname), limit=1000)}
        by_postcode = {
            r.reference
            for r in page_cases(s, CaseFilter(search=person.postcode.replace(" ", "")), limit=1000)
        }
        accented = s.scalar(
            select(func.count()).select_from(Person).where(Person.name.like("%Wiśniewski%"))
        )
        unaccented = page_cases(s, CaseFilter(search="Wisniewski"), limit=1000)
        assert case.reference in by_name
        assert case.reference in by_postcode
    assert accented and unaccented


def test_settings_and_follow_ups_are_complete_enough_for_letters_and_reports(demo: Store) -> None:
    with demo.read() as s:
        org = get_setting(s, "organisation")
        homes = homes_at(s, TODAY)
        financial = s.scalar(select(func.count()).where(Remedy.kind == "financial"))
        elected = s.scalar(
            select(func.count()).where(CaseParty.relationship_to_resident.in_(("mp", "councillor")))
        )
        refused = s.scalar(select(func.count()).where(Case.refusal_reason.is_not(None)))
        decided = s.scalar(select(func.count()).where(Case.stage1_decision.is_not(None)))
    assert org["name"] == "North Derbyshire District Council"
    assert org["signatory_name"] == "Jane Whitworth"
    assert homes == 5160  # counted on 1 April 2025
    assert financial and elected and refused and decided


def test_an_audit_event_for_each_thing_that_happened_and_the_chain_holds(demo: Store) -> None:
    with demo.read() as s:
        assert verify_chain(s) is None
        events = list(
            s.execute(
                select(AuditEvent.case_id, AuditEvent.action, AuditEvent.at, AuditEvent.changes)
            ).all()
        )
        cases = {c.id: c for c in s.scalars(select(Case))}
        for c in cases.values():
            s.expunge(c)
    last = events[-1]
    assert (last.action, last.changes["cases"], last.changes["seed"]) == ("demo-data", N, 3)
    by_case: dict[str, list[tuple[str, object, dict[str, object]]]] = {}
    for case_id, action, at, changes in events[:-1]:
        by_case.setdefault(case_id, []).append((action, at, changes))
    assert set(by_case) == set(cases)  # every case has its history
    counts = Counter(action for case_id, action, _, _ in events[:-1])
    with_date = Counter(
        (name, getattr(c, column) is not None)
        for c in cases.values()
        for name, column in (
            ("acknowledge", "acknowledged"),
            ("respond-stage-1", "stage1_responded"),
            ("escalate", "escalated"),
            ("acknowledge-stage-2", "stage2_acknowledged"),
            ("respond-stage-2", "stage2_responded"),
            ("withdraw", "withdrawn_on"),
            ("refuse", "refused_on"),
            ("refuse-escalation", "escalation_refused_on"),
        )
    )
    for action in ("acknowledge", "respond-stage-1", "escalate", "acknowledge-stage-2"):
        assert counts[action] == with_date[action, True], action
    for action in ("respond-stage-2", "withdraw", "refuse", "refuse-escalation"):
        assert counts[action] == with_date[action, True], action
    assert counts["log-record"] == N
    for case_id, history in by_case.items():
        case = cases[case_id]
        actions = [a for a, _, _ in history]
        assert actions[0] == "log-record"
        # In the order they happened, each dated the day it happened.
        days = [at.date() for _, at, _ in history]
        assert days == sorted(days)
        assert days[0] == case.received
        for action, at, changes in history:
            if action == "acknowledge":
                assert at.date() == case.acknowledged
                assert changes["acknowledged"] == [None, case.acknowledged.isoformat()]
            if action == "respond-stage-1":
                assert at.date() == case.stage1_responded
                assert changes["status"] == ["stage-1", "stage-1-responded"]


def test_salutations_fit_the_names(demo: Store) -> None:
    from caseworker.services.demo_data import ELECTED, FIRST_NAMES

    titles = dict(FIRST_NAMES)
    elected = {name for _, name in ELECTED}
    with demo.read() as s:
        people = s.execute(select(Person.name, Person.salutation)).all()
    checked = 0
    for name, salutation in people:
        if name in elected:
            continue
        first, surname = name.split(" ", 1)
        title, greeted = salutation.split(" ", 1)
        assert greeted == surname
        assert title in titles[first], f"{salutation} for {name}"
        checked += 1
    assert checked > N / 2
    assert {t for _, ts in FIRST_NAMES if "Tracey" == _ for t in ts} <= {"Mrs", "Ms", "Miss", "Dr"}


def test_points_are_worded_from_the_councils_side(demo: Store) -> None:
    from db.models import ComplaintPoint

    with demo.read() as s:
        points = set(s.scalars(select(ComplaintPoint.text)))
        actions = set(s.scalars(select(OutstandingAction.description)))
    assert points and actions
    for text in points | actions:
        assert "the resident" not in text.lower() and "resident's" not in text.lower(), text


def test_escalations_refused_only_for_reasons_the_code_allows(demo: Store) -> None:
    from caseworker.services.demo_data import ESCALATION_REFUSALS

    with demo.read() as s:
        reasons = list(
            s.scalars(
                select(Case.escalation_refusal_reason).where(
                    Case.escalation_refused_on.is_not(None)
                )
            )
        )
    assert all(r in ESCALATION_REFUSALS for r in reasons)
    assert not any("nothing new" in r for r in ESCALATION_REFUSALS)


def test_the_latest_quarters_letters_are_made_and_sent(demo: Store) -> None:
    from datetime import timedelta

    from caseworker.services.demo_letters import LETTER_DAYS
    from caseworker.services.letters import letter_pdf
    from db.models import Correspondence

    since = TODAY - timedelta(days=LETTER_DAYS)
    with demo.read() as s:
        wanted = set()
        for c in s.scalars(select(Case).where(Case.kind == "complaint")):
            for kind, day in (
                ("refusal", c.refused_on),
                ("stage1-acknowledgement", c.acknowledged),
                ("stage1-response", c.stage1_responded),
                ("escalation-refusal", c.escalation_refused_on),
                ("stage2-acknowledgement", c.stage2_acknowledged),
                ("stage2-response", c.stage2_responded),
            ):
                if day is not None and day >= since:
                    wanted.add((c.id, kind, day))
        letters = s.scalars(select(Correspondence)).all()
        made = {(x.case_id, x.letter_kind, x.sent_on) for x in letters}
        assert made == wanted  # fewer than the limit at this size: every one
        assert all(x.made_at.date() == x.sent_on and x.sent_method == "post" for x in letters)
        assert letter_pdf(s, LOCAL_ADMIN, letters[0].id).startswith(b"%PDF")
        sent_events = s.scalar(
            select(func.count()).where(AuditEvent.action == "record-letter-sent")
        )
        assert sent_events == len(letters)
    assert len(wanted) > 5


def test_same_seed_same_records_other_seed_others(
    demo: Store, template_store: Path, tmp_path: Path
) -> None:
    again = _demo_store(template_store, tmp_path, seed=3)
    other = _demo_store(template_store, tmp_path, seed=4)
    try:
        assert _facts(again) == _facts(demo)
        assert _facts(other) != _facts(demo)
    finally:
        again.close()
        other.close()


def test_cancel_saves_nothing(store: Store) -> None:
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        calls.append((done, total))
        return done == 0  # cancel after the first batch

    with pytest.raises(DemoCancelled, match="cancelled; nothing was saved"):
        generate(store, 50, seed=1, today=TODAY, actor=LOCAL_ADMIN, progress=progress)
    assert calls == [(0, 50), (50, 50)]
    with store.read() as s:
        for model in (Case, Person, AuditEvent, Setting, ReferenceCounter):
            assert s.scalar(select(func.count()).select_from(model)) == 0


def test_refuses_a_store_that_already_has_cases(demo: Store) -> None:
    with pytest.raises(InvalidInput, match="new, empty store; this one already holds 300 cases"):
        generate(demo, 10, seed=1, today=TODAY, actor=LOCAL_ADMIN)


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "cli.sqlite"
    assert (
        main(["--db", str(db), "demo", "--cases", "40", "--seed", "2", "--today", "2026-03-16"])
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("Made 40 demo records (")
    assert "received 2021-" in out and "to 2026-03-" in out
