"""Stored clock columns match the pure clock functions, also after closure days change."""

from __future__ import annotations

from datetime import date

import pytest
from casework import (
    ACK_DUE,
    ACKNOWLEDGED,
    ESCALATED,
    MANAGER,
    RECEIVED,
    RESPONDED,
    STAGE1_DUE,
    STAGE2_ACK_DUE,
    STAGE2_ACKNOWLEDGED,
    STAGE2_DUE,
    TODAY,
    act,
    complaint_at,
    events,
    load,
    log,
)

from caseworker.domain.calendar import WorkingCalendar
from caseworker.domain.clocks import CaseFacts, ClockName, compute_clocks, find_clock
from caseworker.domain.policy import load_policy
from caseworker.domain.vocab import RecordKind
from caseworker.services import ending, settings
from db.models import Case
from db.store import Store

HOS = load_policy("hos-2024")


def _stored(case: Case) -> tuple[date | None, ...]:
    return (case.ack_due, case.stage1_due, case.stage2_ack_due, case.stage2_due, case.next_due)


def _pure(facts: CaseFacts, cal: WorkingCalendar) -> tuple[date | None, ...]:
    clocks = compute_clocks(facts, HOS, cal, TODAY)

    def due(name: ClockName) -> date | None:
        clock = find_clock(clocks, name)
        return clock.due if clock else None

    return (
        due(ClockName.ACKNOWLEDGEMENT),
        due(ClockName.STAGE1_RESPONSE),
        due(ClockName.STAGE2_ACKNOWLEDGEMENT),
        due(ClockName.STAGE2_RESPONSE),
    )


FACTS = {
    "logged": CaseFacts(RecordKind.COMPLAINT, RECEIVED),
    "stage-1": CaseFacts(RecordKind.COMPLAINT, RECEIVED, acknowledged=ACKNOWLEDGED),
    "stage-1-responded": CaseFacts(
        RecordKind.COMPLAINT, RECEIVED, acknowledged=ACKNOWLEDGED, stage1_responded=RESPONDED
    ),
    "stage-2-requested": CaseFacts(
        RecordKind.COMPLAINT,
        RECEIVED,
        acknowledged=ACKNOWLEDGED,
        stage1_responded=RESPONDED,
        escalated=ESCALATED,
    ),
    "stage-2": CaseFacts(
        RecordKind.COMPLAINT,
        RECEIVED,
        acknowledged=ACKNOWLEDGED,
        stage1_responded=RESPONDED,
        escalated=ESCALATED,
        stage2_acknowledged=STAGE2_ACKNOWLEDGED,
    ),
}

# Worked by hand from the England and Wales calendar (Easter 2026: 3 and 6 April).
HAND_WORKED = {
    "logged": (ACK_DUE, date(2026, 2, 23), None, None, ACK_DUE),
    "stage-1": (ACK_DUE, STAGE1_DUE, None, None, STAGE1_DUE),
    "stage-1-responded": (ACK_DUE, STAGE1_DUE, None, None, None),
    "stage-2-requested": (ACK_DUE, STAGE1_DUE, STAGE2_ACK_DUE, date(2026, 4, 8), STAGE2_ACK_DUE),
    "stage-2": (ACK_DUE, STAGE1_DUE, STAGE2_ACK_DUE, STAGE2_DUE, STAGE2_DUE),
}


@pytest.mark.parametrize("status", list(FACTS))
def test_stored_clocks_match_the_pure_functions(store: Store, status: str) -> None:
    ref = complaint_at(store, status)
    case = load(store, ref)
    assert case.status == status
    assert _stored(case) == HAND_WORKED[status]
    assert _stored(case)[:4] == _pure(FACTS[status], WorkingCalendar())
    expected_next = {
        "logged": "acknowledgement",
        "stage-1": "stage1-response",
        "stage-2-requested": "stage2-acknowledgement",
        "stage-2": "stage2-response",
    }.get(status)
    assert case.next_clock == expected_next


def test_closure_day_moves_open_cases_but_not_closed_ones(store: Store) -> None:
    logged = complaint_at(store, "logged")
    stage1 = complaint_at(store, "stage-1")
    closed = complaint_at(store, "stage-1-responded")
    act(store, ending.close, closed, closed_on=RESPONDED, today=TODAY)
    closed_before = load(store, closed)
    versions = {ref: load(store, ref).version for ref in (logged, stage1, closed)}

    closure = date(2026, 2, 6)  # Fri 6 Feb 2026
    with store.write() as s:
        settings.add_closure_day(s, MANAGER, closure, "Staff training")

    cal = WorkingCalendar(closures=[closure])
    assert _stored(load(store, logged)) == (
        date(2026, 2, 10),
        date(2026, 2, 24),
        None,
        None,
        date(2026, 2, 10),
    )
    assert _stored(load(store, logged))[:4] == _pure(FACTS["logged"], cal)
    assert _stored(load(store, stage1)) == (
        date(2026, 2, 10),
        date(2026, 2, 19),
        None,
        None,
        date(2026, 2, 19),
    )
    assert _stored(load(store, stage1))[:4] == _pure(FACTS["stage-1"], cal)
    # The closed case keeps the dates it was judged by.
    assert _stored(load(store, closed)) == _stored(closed_before)
    assert load(store, closed).version == versions[closed]

    recomputes = [e for e in events(store) if e.action == "recompute-clocks"]
    assert [(e.actor, e.changes) for e in recomputes] == [
        (
            "B. Jones",
            {
                "reason": "closure day 2026-02-06 added",
                "ack_due": ["2026-02-09", "2026-02-10"],
                "stage1_due": ["2026-02-23", "2026-02-24"],
                "next_due": ["2026-02-09", "2026-02-10"],
            },
        ),
        (
            "B. Jones",
            {
                "reason": "closure day 2026-02-06 added",
                "ack_due": ["2026-02-09", "2026-02-10"],
                "stage1_due": ["2026-02-18", "2026-02-19"],
                "next_due": ["2026-02-18", "2026-02-19"],
            },
        ),
    ]
    assert [e.case_id for e in recomputes] == [load(store, logged).id, load(store, stage1).id]
    assert load(store, logged).version == versions[logged] + 1

    with store.write() as s:
        settings.remove_closure_day(s, MANAGER, closure)
    assert _stored(load(store, logged)) == HAND_WORKED["logged"]
    assert _stored(load(store, stage1)) == HAND_WORKED["stage-1"]


def test_closure_day_outside_every_clock_moves_nothing(store: Store) -> None:
    ref = complaint_at(store, "stage-1")
    with store.write() as s:
        settings.add_closure_day(s, MANAGER, date(2026, 12, 29))
    assert _stored(load(store, ref)) == HAND_WORKED["stage-1"]
    assert [e.action for e in events(store) if e.case_id is None][-1] == "add-closure-day"
    assert "recompute-clocks" not in [e.action for e in events(store)]


def test_case_logged_after_a_closure_day_uses_it(store: Store) -> None:
    with store.write() as s:
        settings.add_closure_day(s, MANAGER, date(2026, 2, 3))
    ref = log(store)
    assert load(store, ref).ack_due == date(2026, 2, 10)


def test_extension_and_other_kinds_match_the_pure_functions(store: Store) -> None:
    enquiry = load(store, log(store, kind="councillor-enquiry", received=date(2026, 3, 27)))
    # Received Fri 27 Mar 2026: 10 working days, skipping Good Friday and Easter Monday.
    assert (enquiry.ack_due, enquiry.next_due, enquiry.next_clock) == (
        date(2026, 4, 14),
        date(2026, 4, 14),
        "enquiry-reply",
    )
    facts = CaseFacts(RecordKind.COUNCILLOR_ENQUIRY, date(2026, 3, 27))
    pure = compute_clocks(facts, HOS, WorkingCalendar(), TODAY)
    assert [c.due for c in pure] == [date(2026, 4, 14)]
