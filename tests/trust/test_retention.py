"""Retention: list first, then blank the personal data of expired cases, keeping the figures."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text
from trust_helpers import ADMIN, OFFICER, counts, log

from caseworker.cli import main
from caseworker.services.audit import verify_chain
from caseworker.services.ending import close
from caseworker.services.errors import NotAllowed
from caseworker.services.records import add_note
from caseworker.services.retention import ANONYMOUS, REMOVED, run_retention
from caseworker.services.settings import set_setting
from db.models import AuditEvent, Case, CaseParty, Note, Person
from db.store import Store

TODAY = date(2026, 6, 1)


def closed_compliment(store: Store, closed_on: date, **fields: object) -> str:
    ref = log(
        store,
        kind="compliment",
        received=closed_on,
        description="Thanks to the repairs team for fixing Mrs Doe's boiler",
        **fields,
    )
    with store.write() as s:
        add_note(s, OFFICER, ref, text="Mrs Doe rang on 07700 900123", expected_version=None)
    with store.write() as s:
        close(s, OFFICER, ref, closed_on=closed_on, expected_version=None, today=TODAY)
    return ref


def case_of(store: Store, ref: str) -> Case:
    with store.read() as s:
        case = s.scalar(select(Case).where(Case.reference == ref))
        assert case is not None
        s.expunge_all()
    return case


def test_dry_run_lists_and_changes_nothing_then_the_run_anonymises(store: Store) -> None:
    old = closed_compliment(store, date(2020, 5, 29))  # more than 6 years before 1 Jun 2026
    edge = closed_compliment(store, date(2020, 6, 1))  # exactly 6 years: kept
    live = log(store, received=date(2026, 5, 1))
    with store.write() as s:
        report = run_retention(s, ADMIN, today=TODAY, dry_run=True)
    assert (report.years, report.cutoff, report.dry_run) == (6, date(2020, 6, 1), True)
    assert [(c.reference, c.ended_on, c.people, c.notes, c.letters) for c in report.cases] == [
        (old, date(2020, 5, 29), 1, 1, 0)
    ]
    before = counts(store)
    assert case_of(store, old).description.startswith("Thanks to the repairs team")

    with store.write() as s:
        done = run_retention(s, ADMIN, today=TODAY, dry_run=False)
    assert (len(done.cases), done.people_anonymised, done.events_redacted) == (1, 1, 4)
    case = case_of(store, old)
    assert (case.description, case.resident_name, case.kind, case.status, case.closed_on) == (
        REMOVED,
        ANONYMOUS,
        "compliment",
        "closed",
        date(2020, 5, 29),
    )
    with store.read() as s:
        person = s.scalar(select(Person).join(CaseParty).where(CaseParty.case_id == case.id))
        assert person is not None
        assert (person.name, person.address, person.postcode, person.anonymised) == (
            ANONYMOUS,
            "",
            "",
            True,
        )
        person_id = person.id
        assert list(s.scalars(select(Note.text).where(Note.case_id == case.id))) == [REMOVED]
        payloads = [e.changes for e in s.scalars(select(AuditEvent).order_by(AuditEvent.seq))]
        assert verify_chain(s) is None
        last = s.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert last is not None and last.action == "retention-run"
        assert last.changes["cases"] == [old]
    # add-person, log-record, add-note and close of the expired case; the area is not personal.
    assert payloads[0] == {"name": "Housing Repairs", "is_housing": True}
    # Blanked to the one fixed shape; an event about a person keeps only the person's id.
    assert payloads[1:5] == [{"_redacted": True, "person": person_id}] + [{"_redacted": True}] * 3
    assert case_of(store, edge).description.startswith("Thanks")
    assert case_of(store, live).resident_name == "Jane Doe"
    after = counts(store)
    assert after["cases"] == before["cases"]
    assert after["audit_events"] == before["audit_events"] + 1
    with store.write() as s:
        again = run_retention(s, ADMIN, today=TODAY, dry_run=True)
    assert again.cases == ()


def test_a_person_with_a_live_case_keeps_their_details(store: Store) -> None:
    live = log(store, received=date(2026, 5, 1))
    with store.read() as s:
        person_id = s.scalar(select(CaseParty.person_id))
    old = closed_compliment(store, date(2019, 1, 10), complainants=(str(person_id),))
    with store.write() as s:
        done = run_retention(s, ADMIN, today=TODAY, dry_run=False)
    assert done.people_anonymised == 0
    assert case_of(store, live).resident_name == "Jane Doe"
    assert case_of(store, old).resident_name == ANONYMOUS
    with store.read() as s:
        assert s.get(Person, person_id) is not None
        assert s.get(Person, person_id).name == "Jane Doe"  # type: ignore[union-attr]


def test_only_administrators_run_retention_and_the_period_is_a_setting(store: Store) -> None:
    closed_compliment(store, date(2023, 1, 10))
    with pytest.raises(NotAllowed) as info, store.write() as s:
        run_retention(s, OFFICER, today=TODAY, dry_run=True)
    assert str(info.value) == (
        "Only an administrator may run retention; you are signed in as a complaints officer"
    )
    with store.write() as s:
        set_setting(s, ADMIN, "retention_years", 3)
    with store.write() as s:
        assert len(run_retention(s, ADMIN, today=TODAY, dry_run=True).cases) == 1
    with pytest.raises(Exception) as refused, store.write() as s:
        set_setting(s, ADMIN, "retention_years", "six")
    assert str(refused.value) == "Keep closed cases for 1 to 100 years"
    with store.write() as s:  # a bad value written round the service is still refused
        s.execute(text("UPDATE settings SET value = '\"six\"' WHERE key = 'retention_years'"))
    with pytest.raises(Exception) as bad, store.write() as s:
        run_retention(s, ADMIN, today=TODAY, dry_run=True)
    assert str(bad.value) == (
        "The retention period must be a whole number of years from 1 to 100, not 'six';"
        " change it in Settings"
    )


def test_command_lists_then_applies(
    store: Store, cli_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ref = closed_compliment(store, date(2020, 5, 29))
    store.close()
    argv = ["--db", cli_db, "retention", "--today", "2026-06-01"]
    assert main(argv) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Retention period 6 years: cases ended before Mon 1 Jun 2020 would be anonymised: 1",
        f"  {ref}   Compliment         ended Fri 29 May 2020  1 person, 1 note, 0 letters",
        "Nothing was changed. Run again with --apply to anonymise them.",
    ]
    assert main([*argv, "--apply"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "People anonymised: 1; audit entries blanked: 4"
    )
