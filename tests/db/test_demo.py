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
from db.models import AuditEvent, Case, CaseParty, Person, ReferenceCounter, Remedy, Setting
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


def test_one_summarising_audit_event_and_the_chain_holds(demo: Store) -> None:
    with demo.read() as s:
        events = [(e.action, e.changes) for e in s.scalars(select(AuditEvent))]
        assert verify_chain(s) is None
    assert [action for action, _ in events] == ["demo-data"]
    assert events[0][1]["cases"] == N
    assert events[0][1]["seed"] == 3


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
