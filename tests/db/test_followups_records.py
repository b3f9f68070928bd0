"""Remedies and outstanding actions after a response; notes, learning and linked cases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from casework import (
    OFFICER,
    TODAY,
    act,
    complaint_at,
    last_event,
    load,
    log,
    refused,
)
from sqlalchemy import select

from caseworker.domain.errors import InvalidInput, RuleBroken
from caseworker.services import followups, records
from caseworker.services.errors import NotFound
from db.models import CaseLink, Learning, Note
from db.store import Store

# --- remedies ------------------------------------------------------------------------------


def test_add_and_complete_a_financial_remedy(store: Store) -> None:
    ref = complaint_at(store, "stage-1-responded")
    remedy = act(
        store,
        followups.add_remedy,
        ref,
        kind="Financial",
        description=" Time and trouble ",
        amount_offered=Decimal("100.00"),
        due=date(2026, 3, 16),
        today=date(2026, 2, 16),
    )
    event = last_event(store, ref)
    assert (event.action, event.actor) == ("add-remedy", "A. Smith")
    assert event.changes == {
        "remedy": remedy.id,
        "kind": "financial",
        "amount_offered": "100.00",
        "due": "2026-03-16",
    }
    act(
        store,
        followups.complete_remedy,
        ref,
        remedy.id,
        done=date(2026, 3, 10),
        amount_paid=Decimal("100.00"),
        today=TODAY,
    )
    case = load(store, ref)
    assert [
        (r.stage, r.kind, r.description, r.amount_offered, r.amount_paid, r.offered_on, r.done)
        for r in case.remedies
    ] == [
        (
            1,
            "financial",
            "Time and trouble",
            Decimal("100.00"),
            Decimal("100.00"),
            date(2026, 2, 16),
            date(2026, 3, 10),
        )
    ]
    assert last_event(store, ref).changes == {
        "remedy": remedy.id,
        "done": "2026-03-10",
        "amount_paid": "100.00",
    }


def test_remedy_after_escalation_belongs_to_stage_2(store: Store) -> None:
    ref = complaint_at(store, "stage-2")
    remedy = act(store, followups.add_remedy, ref, kind="apology", today=TODAY)
    assert remedy.stage == 2


def test_remedy_refusals(store: Store) -> None:
    ref = complaint_at(store, "stage-1-responded")
    refused(
        store,
        ref,
        lambda s: followups.add_remedy(
            s, OFFICER, ref, kind="financial", expected_version=None, today=TODAY
        ),
        InvalidInput,
        "A financial remedy needs the amount offered",
    )
    refused(
        store,
        ref,
        lambda s: followups.add_remedy(
            s, OFFICER, ref, kind="cash", expected_version=None, today=TODAY
        ),
        InvalidInput,
        "'cash' is not a known remedy kind; use one of: apology, explanation, action-on-delay, "
        "decision-reconsidered, record-corrected, financial, policy-change, other",
    )
    remedy = act(store, followups.add_remedy, ref, kind="apology", today=TODAY)

    def complete(remedy_id: str, **kwargs: object) -> object:
        values: dict[str, object] = {"done": TODAY, "expected_version": None, "today": TODAY}
        values.update(kwargs)
        return lambda s: followups.complete_remedy(s, OFFICER, ref, remedy_id, **values)  # type: ignore[arg-type]

    refused(store, ref, complete("9" * 32), NotFound, "Case CW-2026-000001 has no such remedy")  # type: ignore[arg-type]
    refused(
        store,
        ref,
        complete(remedy.id, amount_paid=Decimal("-1")),  # type: ignore[arg-type]
        InvalidInput,
        "The amount paid cannot be negative",
    )
    refused(
        store,
        ref,
        complete(remedy.id, done=date(2026, 6, 2)),  # type: ignore[arg-type]
        InvalidInput,
        "The date done cannot be in the future (Tue 2 Jun 2026)",
    )
    with store.write() as s:
        complete(remedy.id)(s)  # type: ignore[operator]
    refused(
        store,
        ref,
        complete(remedy.id),
        RuleBroken,
        "Cannot complete a remedy: case CW-2026-000001 is a complaint (Stage 1 responded); a "
        "remedy is completed once it has been recorded and is not yet done",
    )  # type: ignore[arg-type]


# --- outstanding actions -------------------------------------------------------------------


def test_add_and_complete_an_action(store: Store) -> None:
    ref = complaint_at(store, "stage-1-responded")
    action = act(
        store, followups.add_action, ref, description=" Clear the gutter ", due=date(2026, 3, 2)
    )
    assert last_event(store, ref).changes == {
        "action": action.id,
        "description": "Clear the gutter",
        "due": "2026-03-02",
    }
    act(store, followups.complete_action, ref, action.id, done=date(2026, 2, 27), today=TODAY)
    case = load(store, ref)
    assert [(a.stage, a.description, a.due, a.done) for a in case.actions] == [
        (1, "Clear the gutter", date(2026, 3, 2), date(2026, 2, 27))
    ]
    assert last_event(store, ref).action == "complete-action"


def test_action_refusals(store: Store) -> None:
    ref = complaint_at(store, "stage-1-responded")
    refused(
        store,
        ref,
        lambda s: followups.add_action(
            s, OFFICER, ref, description=" ", due=None, expected_version=None
        ),
        InvalidInput,
        "Describe the action",
    )
    action = act(store, followups.add_action, ref, description="Inspect", due=None)
    refused(
        store,
        ref,
        lambda s: followups.complete_action(
            s, OFFICER, ref, "9" * 32, done=TODAY, expected_version=None, today=TODAY
        ),
        NotFound,
        "Case CW-2026-000001 has no such action",
    )
    act(store, followups.complete_action, ref, action.id, done=TODAY, today=TODAY)
    refused(
        store,
        ref,
        lambda s: followups.complete_action(
            s, OFFICER, ref, action.id, done=TODAY, expected_version=None, today=TODAY
        ),
        RuleBroken,
        "Cannot complete an outstanding action: case CW-2026-000001 is a complaint (Stage 1 "
        "responded); an outstanding action is completed once it has been recorded and is not yet "
        "done",
    )


# --- notes ---------------------------------------------------------------------------------


def test_add_note(store: Store) -> None:
    ref = log(store)
    note = act(store, records.add_note, ref, text="  Rang the resident; no answer  ")
    with store.read() as s:
        stored = s.get(Note, note.id)
        assert stored is not None
        assert (stored.text, stored.author) == ("Rang the resident; no answer", "A. Smith")
    event = last_event(store, ref)
    assert (event.action, event.changes) == (
        "add-note",
        {"note": note.id, "text": "Rang the resident; no answer"},
    )


def test_note_refusals(store: Store) -> None:
    ref = log(store)
    refused(
        store,
        ref,
        lambda s: records.add_note(s, OFFICER, ref, text=" ", expected_version=None),
        InvalidInput,
        "The note is empty",
    )
    refused(
        store,
        ref,
        lambda s: records.add_note(s, OFFICER, ref, text="x" * 20_001, expected_version=None),
        InvalidInput,
        "A note can be at most 20,000 characters; this one has 20,001",
    )
    act(store, records.add_note, ref, text="x" * 20_000)


# --- learning ------------------------------------------------------------------------------


def test_record_learning(store: Store) -> None:
    ref = complaint_at(store, "stage-1-responded")
    item = act(
        store,
        records.record_learning,
        ref,
        description=" Roofers were not told of the vulnerability ",
        improvement=" Add adjustments to job sheets ",
        today=date(2026, 2, 20),
    )
    with store.read() as s:
        stored = s.get(Learning, item.id)
        assert stored is not None
        assert (stored.description, stored.improvement, stored.recorded_on) == (
            "Roofers were not told of the vulnerability",
            "Add adjustments to job sheets",
            date(2026, 2, 20),
        )
    assert last_event(store, ref).action == "record-learning"
    refused(
        store,
        ref,
        lambda s: records.record_learning(
            s, OFFICER, ref, description=" ", improvement="x", expected_version=None, today=TODAY
        ),
        InvalidInput,
        "Describe what was learned",
    )


# --- links ---------------------------------------------------------------------------------


def test_link_cases_both_ways(store: Store) -> None:
    first, second = log(store), log(store)
    act(store, records.link_cases, second, first, reason=" Same roof ")
    with store.read() as s:
        links = sorted(
            (link.case_id, link.linked_case_id, link.reason) for link in s.scalars(select(CaseLink))
        )
    a, b = load(store, first).id, load(store, second).id
    assert links == sorted([(a, b, "Same roof"), (b, a, "Same roof")])
    assert last_event(store, second).changes == {"linked": first, "reason": "Same roof"}


@pytest.mark.parametrize(
    ("other", "error", "message"),
    [
        ("CW-2026-000002", RuleBroken, "A case cannot be linked to itself"),
        ("CW-2026-000099", NotFound, "There is no case with reference CW-2026-000099"),
        ("CW-2026-000001", RuleBroken, "CW-2026-000002 is already linked to CW-2026-000001"),
    ],
)
def test_link_refusals(store: Store, other: str, error: type[Exception], message: str) -> None:
    first, second = log(store), log(store)
    act(store, records.link_cases, first, second)
    refused(
        store,
        second,
        lambda s: records.link_cases(s, OFFICER, second, other, expected_version=None),
        error,
        message,
    )
