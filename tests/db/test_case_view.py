"""The case view's frozen detail: people, stages, clocks judged at a date, timeline, links."""

from __future__ import annotations

from datetime import date

from casework import (
    ACKNOWLEDGED,
    STAGE1_DUE,
    TODAY,
    act,
    complaint_at,
    log,
    representative,
)

from caseworker.domain.clocks import ClockName, ClockState
from caseworker.services import records
from caseworker.services.actor import LOCAL_ADMIN
from caseworker.services.case_view import find_person_cases, load_case_detail
from db.store import Store


def test_detail_of_a_stage_1_complaint(store: Store) -> None:
    earlier = log(store)
    ref = complaint_at(
        store, "stage-1", representatives=(representative(),), site="Clowne", themes=("Damp",)
    )
    act(store, records.link_cases, ref, earlier, reason="Same roof")
    act(store, records.add_note, ref, text="Left a voicemail")
    act(
        store,
        records.record_learning,
        ref,
        description="Slow repairs",
        improvement="Weekly check",
        today=TODAY,
    )
    with store.read() as s:
        detail = load_case_detail(s, ref, date(2026, 2, 18), actor=LOCAL_ADMIN)
    assert (detail.reference, detail.status, detail.site, detail.themes) == (
        "CW-2026-000002",
        "stage-1",
        "Clowne",
        ("Damp",),
    )
    assert (detail.service_areas, detail.policy_label, detail.ombudsman) == (
        ("Housing Repairs",),
        "hos-2024",
        "housing-ombudsman",
    )
    assert (detail.acknowledged, detail.stage1_handler) == (ACKNOWLEDGED, "A. Smith")
    assert [p.text for p in detail.points] == ["The roof still leaks", "Nobody called back"]
    assert [(p.name, p.may_be_told) for p in detail.complainants] == [("Jane Doe", True)]
    assert [(p.name, p.auth_state, p.may_be_told) for p in detail.representatives] == [
        ("J. Smith", "pending", False)
    ]
    assert [(c.name, c.due, c.state, c.working_days_left) for c in detail.clocks] == [
        (ClockName.ACKNOWLEDGEMENT, date(2026, 2, 9), ClockState.MET, None),
        (ClockName.STAGE1_RESPONSE, STAGE1_DUE, ClockState.DUE_TODAY, 0),
    ]
    assert detail.linked == (earlier,)
    assert [(n.who, n.what, n.detail) for n in detail.notes] == [
        ("A. Smith", "Note", "Left a voicemail")
    ]
    assert detail.learning == (("Slow repairs", "Weekly check"),)
    assert [t.what for t in detail.timeline] == [
        "Log record",
        "Acknowledge",
        "Link case",
        "Add note",
        "Record learning",
    ]
    assert detail.banners == (
        "Do not discuss personal details with J. Smith: authorisation pending since Mon 2 Feb",
    )


def test_find_a_persons_other_cases(store: Store) -> None:
    first = log(store, received=date(2026, 1, 5))
    second = log(store)
    log(store, complainants=(representative().person,))
    with store.read() as s:
        found = find_person_cases(s, LOCAL_ADMIN, postcode="s43 4jj")
        assert found == [
            (second, "complaint", "logged", date(2026, 2, 2)),
            (first, "complaint", "logged", date(2026, 1, 5)),
        ]
        assert find_person_cases(s, LOCAL_ADMIN, name="J. Smith")[0][0] == "CW-2026-000003"
        assert find_person_cases(s, LOCAL_ADMIN) == []
