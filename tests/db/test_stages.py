"""The two stages: acknowledge, extend, respond, escalate, Stage 2 and refusing an escalation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from casework import (
    ACKNOWLEDGED,
    DEFINITION,
    ESCALATED,
    MANAGER,
    OFFICER,
    RESPONDED,
    RESPONSE,
    STAGE1_DUE,
    STAGE2_ACK_DUE,
    STAGE2_ACKNOWLEDGED,
    STAGE2_DUE,
    TODAY,
    act,
    complaint_at,
    last_event,
    load,
    log,
    refused,
    version,
)

from caseworker.domain.errors import InvalidInput, RuleBroken
from caseworker.services import stages
from caseworker.services.settings import ensure_staff, get_setting, set_setting
from db.store import Store

STAGE2_RESPONSE = stages.Response(
    sent_on=date(2026, 4, 1),
    decision="upheld",
    reasons="On review the repair should have been made in October",
    points=(
        stages.PointDecision("upheld", "Late"),
        stages.PointDecision("partly-upheld", "One call was missed"),
    ),
    remedies=(stages.RemedyInput("financial", "Time and trouble", Decimal("150.00")),),
    actions=(stages.ActionInput("Replace the roof", date(2026, 5, 1)),),
)


# --- acknowledge ---------------------------------------------------------------------------


def test_acknowledge_defines_the_complaint_and_starts_stage_1(store: Store) -> None:
    ref = log(store)
    act(
        store,
        stages.acknowledge,
        ref,
        acknowledged=ACKNOWLEDGED,
        definition=DEFINITION,
        handler=" C. Patel ",
        today=TODAY,
    )
    case = load(store, ref)
    assert (case.status, case.acknowledged, case.handler_name) == (
        "stage-1",
        ACKNOWLEDGED,
        "C. Patel",
    )
    assert [p.text for p in case.points] == ["The roof still leaks", "Nobody called back"]
    assert (case.outcomes_sought, case.not_responsible_for) == (
        "Fix the roof and apologise",
        "The neighbour's gutter",
    )
    assert (case.stage1_due, case.next_due, case.next_clock) == (
        STAGE1_DUE,
        STAGE1_DUE,
        "stage1-response",
    )
    event = last_event(store, ref)
    assert (event.action, event.actor, event.role) == (
        "acknowledge",
        "A. Smith",
        "complaints-officer",
    )
    assert event.changes["points"] == [[], ["The roof still leaks", "Nobody called back"]]
    assert event.changes["acknowledged"] == [None, "2026-02-04"]
    assert event.changes["status"] == ["logged", "stage-1"]
    assert event.changes["clocks"] == {
        "stage1_due": ["2026-02-23", "2026-02-18"],
        "next_due": ["2026-02-09", "2026-02-18"],
        "next_clock": ["acknowledgement", "stage1-response"],
    }


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"acknowledged": date(2026, 1, 30)},
            RuleBroken,
            "The acknowledgement (Fri 30 Jan 2026) cannot be before the date received "
            "(Mon 2 Feb 2026)",
        ),
        (
            {"acknowledged": date(2026, 6, 2)},
            InvalidInput,
            "The acknowledgement date cannot be in the future (Tue 2 Jun 2026)",
        ),
        ({"handler": " "}, InvalidInput, "Choose the handler"),
        (
            {"definition": stages.Definition((" ",), "x")},
            InvalidInput,
            "The complaint definition needs at least one point",
        ),
        (
            {"definition": stages.Definition(("A point",), " ")},
            InvalidInput,
            "Record the outcomes the resident is seeking",
        ),
    ],
)
def test_acknowledge_refusals_change_nothing(
    store: Store, kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    ref = log(store)
    values: dict[str, object] = {
        "acknowledged": ACKNOWLEDGED,
        "definition": DEFINITION,
        "handler": "New Handler",
        "expected_version": version(store, ref),
        "today": TODAY,
    }
    values.update(kwargs)
    refused(store, ref, lambda s: stages.acknowledge(s, OFFICER, ref, **values), error, message)  # type: ignore[arg-type]


def test_only_a_logged_complaint_is_acknowledged(store: Store) -> None:
    enquiry = log(store, kind="mp-enquiry")
    refused(
        store,
        enquiry,
        lambda s: stages.acknowledge(
            s,
            OFFICER,
            enquiry,
            acknowledged=ACKNOWLEDGED,
            definition=DEFINITION,
            handler="C. Patel",
            expected_version=None,
            today=TODAY,
        ),
        RuleBroken,
        "Cannot acknowledge: case CW-2026-000001 is an MP enquiry (Logged); only a logged "
        "complaint is acknowledged at Stage 1",
    )
    ref = complaint_at(store, "stage-1")
    refused(
        store,
        ref,
        lambda s: stages.acknowledge(
            s,
            OFFICER,
            ref,
            acknowledged=ACKNOWLEDGED,
            definition=DEFINITION,
            handler="C. Patel",
            expected_version=None,
            today=TODAY,
        ),
        RuleBroken,
        "Cannot acknowledge: case CW-2026-000002 is a complaint (Stage 1); only a logged "
        "complaint is acknowledged at Stage 1",
    )


# --- extend --------------------------------------------------------------------------------


def _extend(store: Store, ref: str, days: int, *, good: bool = False, today: date) -> None:
    act(
        store,
        stages.extend,
        ref,
        days=days,
        reason="Waiting for the roofer's report",
        told_on=today,
        good_reason=good,
        today=today,
    )


def test_extensions_are_cumulative_and_move_the_stored_due_date(store: Store) -> None:
    ref = complaint_at(store, "stage-1")
    _extend(store, ref, 5, today=date(2026, 2, 10))
    assert load(store, ref).stage1_due == date(2026, 2, 25)
    _extend(store, ref, 5, today=date(2026, 2, 24))
    case = load(store, ref)
    assert (case.stage1_due, case.next_due) == (date(2026, 3, 4), date(2026, 3, 4))
    assert [(e.stage, e.days, e.told_on, e.recorded_on) for e in case.extensions] == [
        (1, 5, date(2026, 2, 10), date(2026, 2, 10)),
        (1, 5, date(2026, 2, 24), date(2026, 2, 24)),
    ]
    event = last_event(store, ref)
    assert event.action == "extend"
    assert event.changes == {
        "stage": 1,
        "days": 5,
        "reason": "Waiting for the roofer's report",
        "good_reason": False,
        "told_on": "2026-02-24",
        "clocks": {
            "stage1_due": ["2026-02-25", "2026-03-04"],
            "next_due": ["2026-02-25", "2026-03-04"],
        },
    }


def test_extension_over_the_limit_needs_a_good_reason(store: Store) -> None:
    ref = complaint_at(store, "stage-1")
    _extend(store, ref, 10, today=date(2026, 2, 10))
    refused(
        store,
        ref,
        lambda s: stages.extend(
            s,
            OFFICER,
            ref,
            days=1,
            reason="More time",
            told_on=date(2026, 2, 12),
            expected_version=None,
            today=date(2026, 2, 12),
        ),
        RuleBroken,
        "Stage 1 extensions total 11 working days, over the limit of 10 under hos-2024; "
        "record a good reason to go beyond it",
    )
    _extend(store, ref, 1, good=True, today=date(2026, 2, 12))
    assert load(store, ref).stage1_due == date(2026, 3, 5)


def test_extension_after_the_due_date_is_refused(store: Store) -> None:
    ref = complaint_at(store, "stage-1")
    refused(
        store,
        ref,
        lambda s: stages.extend(
            s,
            OFFICER,
            ref,
            days=5,
            reason="More time",
            told_on=date(2026, 2, 18),
            expected_version=None,
            today=date(2026, 2, 19),
        ),
        RuleBroken,
        "An extension must be agreed before the response is due; the Stage 1 response was due "
        "Wed 18 Feb 2026",
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"told_on": date(2026, 2, 19)},
            InvalidInput,
            "The date the resident was told cannot be in the future (Thu 19 Feb 2026)",
        ),
        (
            {"reason": " "},
            InvalidInput,
            "Give the reason for the extension (it is explained to the resident)",
        ),
        ({"days": 0}, RuleBroken, "An extension must be at least 1 working day"),
    ],
)
def test_extension_refusals(
    store: Store, kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    ref = complaint_at(store, "stage-1")
    values: dict[str, object] = {
        "days": 5,
        "reason": "More time",
        "told_on": date(2026, 2, 18),
        "expected_version": None,
        "today": date(2026, 2, 18),
    }
    values.update(kwargs)
    refused(store, ref, lambda s: stages.extend(s, OFFICER, ref, **values), error, message)  # type: ignore[arg-type]


def test_only_a_stage_awaiting_its_response_is_extended(store: Store) -> None:
    ref = log(store)
    refused(
        store,
        ref,
        lambda s: stages.extend(
            s,
            OFFICER,
            ref,
            days=5,
            reason="x",
            told_on=date(2026, 2, 3),
            expected_version=None,
            today=date(2026, 2, 3),
        ),
        RuleBroken,
        "Cannot extend: case CW-2026-000001 is a complaint (Logged); only a "
        "complaint awaiting its Stage 1 or Stage 2 response can be extended",
    )


def test_stage_2_extension_has_its_own_limit(store: Store) -> None:
    ref = complaint_at(store, "stage-2")
    _extend(store, ref, 20, today=date(2026, 3, 10))
    case = load(store, ref)
    assert [(e.stage, e.days) for e in case.extensions] == [(2, 20)]
    assert case.stage2_due == date(2026, 5, 6)  # 40 working days from Fri 6 Mar 2026
    assert case.stage1_due == STAGE1_DUE
    refused(
        store,
        ref,
        lambda s: stages.extend(
            s,
            OFFICER,
            ref,
            days=2,
            reason="x",
            told_on=date(2026, 3, 11),
            expected_version=None,
            today=date(2026, 3, 11),
        ),
        RuleBroken,
        "Stage 2 extensions total 22 working days, over the limit of 20 under hos-2024; "
        "record a good reason to go beyond it",
    )


# --- respond -------------------------------------------------------------------------------


def test_response_records_decisions_per_point_remedies_and_actions(store: Store) -> None:
    ref = complaint_at(store, "stage-1")
    response = stages.Response(
        sent_on=RESPONDED,
        decision="Partly upheld",
        reasons=" The repair was late ",
        points=(
            stages.PointDecision("upheld", " Late "),
            stages.PointDecision("not upheld", "We called"),
        ),
        remedies=(
            stages.RemedyInput("apology"),
            stages.RemedyInput("financial", "Time and trouble", Decimal("75.50"), date(2026, 3, 1)),
        ),
        actions=(stages.ActionInput(" Inspect the roof ", date(2026, 3, 2)),),
    )
    act(store, stages.respond, ref, response=response, today=TODAY)
    case = load(store, ref)
    assert (case.status, case.stage1_responded, case.stage1_decision, case.stage1_reasons) == (
        "stage-1-responded",
        RESPONDED,
        "partly-upheld",
        "The repair was late",
    )
    assert [(p.stage1_decision, p.stage1_reasons) for p in case.points] == [
        ("upheld", "Late"),
        ("not-upheld", "We called"),
    ]
    assert [(r.stage, r.kind, r.amount_offered, r.offered_on, r.due) for r in case.remedies] == [
        (1, "apology", None, RESPONDED, None),
        (1, "financial", Decimal("75.50"), RESPONDED, date(2026, 3, 1)),
    ]
    assert [(a.stage, a.description, a.due, a.done) for a in case.actions] == [
        (1, "Inspect the roof", date(2026, 3, 2), None)
    ]
    assert (case.next_due, case.next_clock) == (None, None)
    event = last_event(store, ref)
    assert event.action == "respond-stage-1"
    assert event.changes == {
        "stage1_responded": [None, "2026-02-16"],
        "stage1_decision": [None, "partly-upheld"],
        "stage1_reasons": ["", "The repair was late"],
        "status": ["stage-1", "stage-1-responded"],
        "remedies": 2,
        "actions": 1,
        "clocks": {"next_due": ["2026-02-18", None], "next_clock": ["stage1-response", None]},
    }


@pytest.mark.parametrize(
    ("response", "error", "message"),
    [
        (
            stages.Response(date(2026, 2, 3), "upheld", "Because"),
            RuleBroken,
            "The Stage 1 response (Tue 3 Feb 2026) cannot be before the acknowledgement "
            "(Wed 4 Feb 2026)",
        ),
        (
            stages.Response(RESPONDED, "upheld", " "),
            InvalidInput,
            "Give the reasons for the decision",
        ),
        (
            stages.Response(RESPONDED, "agreed", "Because"),
            InvalidInput,
            "'agreed' is not a known decision; use one of: upheld, partly-upheld, not-upheld",
        ),
        (
            stages.Response(
                RESPONDED, "upheld", "Because", points=(stages.PointDecision("upheld", "x"),)
            ),
            InvalidInput,
            "Give a decision for each of the 2 points of the complaint",
        ),
        (
            stages.Response(
                RESPONDED, "upheld", "Because", remedies=(stages.RemedyInput("financial"),)
            ),
            InvalidInput,
            "A financial remedy needs the amount offered",
        ),
        (
            stages.Response(RESPONDED, "upheld", "Because", actions=(stages.ActionInput(" "),)),
            InvalidInput,
            "Describe each outstanding action",
        ),
        (
            stages.Response(date(2026, 6, 2), "upheld", "Because"),
            InvalidInput,
            "The response date cannot be in the future (Tue 2 Jun 2026)",
        ),
    ],
)
def test_response_refusals_change_nothing(
    store: Store, response: stages.Response, error: type[Exception], message: str
) -> None:
    ref = complaint_at(store, "stage-1")
    refused(
        store,
        ref,
        lambda s: stages.respond(
            s, OFFICER, ref, response=response, expected_version=None, today=TODAY
        ),
        error,
        message,
    )


def test_response_before_acknowledgement_is_refused(store: Store) -> None:
    ref = log(store)
    refused(
        store,
        ref,
        lambda s: stages.respond(
            s, OFFICER, ref, response=RESPONSE, expected_version=None, today=TODAY
        ),
        RuleBroken,
        "Cannot record a Stage 1 response: case CW-2026-000001 is a complaint (Logged); a Stage 1"
        " response is recorded for a complaint acknowledged at Stage 1",
    )


# --- escalate ------------------------------------------------------------------------------


def test_escalate_starts_stage_2_clocks(store: Store) -> None:
    ref = complaint_at(store, "stage-1-responded")
    act(
        store,
        stages.escalate,
        ref,
        requested_on=ESCALATED,
        reason=" Not happy ",
        today=TODAY,
    )
    case = load(store, ref)
    assert (case.status, case.escalated, case.escalation_reason) == (
        "stage-2-requested",
        ESCALATED,
        "Not happy",
    )
    assert (case.stage2_ack_due, case.stage2_due) == (STAGE2_ACK_DUE, date(2026, 4, 8))
    assert (case.next_due, case.next_clock) == (STAGE2_ACK_DUE, "stage2-acknowledgement")
    assert last_event(store, ref).changes["status"] == ["stage-1-responded", "stage-2-requested"]


def test_escalate_needs_no_reason(store: Store) -> None:
    ref = complaint_at(store, "stage-1-responded")
    act(store, stages.escalate, ref, requested_on=ESCALATED, today=TODAY)
    assert load(store, ref).escalation_reason == ""


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (
            "logged",
            "Cannot escalate: case CW-2026-000001 is a complaint (Logged); Stage "
            "2 can only be requested once, after the Stage 1 response has been "
            "sent (there is no third stage: after the final response the resident"
            " can go to the Ombudsman)",
        ),
        (
            "stage-1",
            "Cannot escalate: case CW-2026-000001 is a complaint (Stage 1); Stage"
            " 2 can only be requested once, after the Stage 1 response has been "
            "sent (there is no third stage: after the final response the resident"
            " can go to the Ombudsman)",
        ),
        (
            "stage-2-requested",
            "Cannot escalate: case CW-2026-000001 is a complaint (Stage 2 "
            "requested); Stage 2 can only be requested once, after the Stage 1 "
            "response has been sent (there is no third stage: after the final "
            "response the resident can go to the Ombudsman)",
        ),
        (
            "stage-2",
            "Cannot escalate: case CW-2026-000001 is a complaint (Stage 2); "
            "Stage 2 can only be requested once, after the Stage 1 "
            "response has been sent (there is no third stage: after the final "
            "response the resident can go to the Ombudsman)",
        ),
    ],
)
def test_escalate_refusals(store: Store, status: str, message: str) -> None:
    ref = complaint_at(store, status)
    refused(
        store,
        ref,
        lambda s: stages.escalate(
            s, OFFICER, ref, requested_on=ESCALATED, expected_version=None, today=TODAY
        ),
        RuleBroken,
        message,
    )


def test_third_stage_after_the_final_response_is_refused(store: Store) -> None:
    ref = complaint_at(store, "stage-2")
    act(store, stages.respond_stage2, ref, response=STAGE2_RESPONSE, today=TODAY)
    refused(
        store,
        ref,
        lambda s: stages.escalate(
            s, OFFICER, ref, requested_on=TODAY, expected_version=None, today=TODAY
        ),
        RuleBroken,
        "Cannot escalate: case CW-2026-000001 is a complaint (Stage 2 responded);"
        " Stage 2 can only be requested once, after the Stage 1 response has been"
        " sent (there is no third stage: after the final response the resident "
        "can go to the Ombudsman)",
    )


def test_escalation_dated_before_the_stage_1_response_is_refused(store: Store) -> None:
    ref = complaint_at(store, "stage-1-responded")
    refused(
        store,
        ref,
        lambda s: stages.escalate(
            s, OFFICER, ref, requested_on=date(2026, 2, 13), expected_version=None, today=TODAY
        ),
        RuleBroken,
        "The Stage 2 request (Fri 13 Feb 2026) cannot be before the Stage 1 response "
        "(Mon 16 Feb 2026)",
    )


# --- Stage 2 -------------------------------------------------------------------------------


def test_acknowledge_stage_2_with_a_new_handler(store: Store) -> None:
    ref = complaint_at(store, "stage-2-requested")
    new_definition = stages.Definition(("The roof still leaks",), "A new roof")
    act(
        store,
        stages.acknowledge_stage2,
        ref,
        acknowledged=STAGE2_ACKNOWLEDGED,
        handler="D. Evans",
        definition=new_definition,
        today=TODAY,
    )
    case = load(store, ref)
    assert (case.status, case.stage2_acknowledged, case.handler_name) == (
        "stage-2",
        STAGE2_ACKNOWLEDGED,
        "D. Evans",
    )
    assert (case.stage2_due, case.next_due, case.next_clock) == (
        STAGE2_DUE,
        STAGE2_DUE,
        "stage2-response",
    )
    assert [p.text for p in case.points] == ["The roof still leaks"]
    assert case.outcomes_sought == "A new roof"
    event = last_event(store, ref)
    assert event.action == "acknowledge-stage-2"
    assert event.changes["status"] == ["stage-2-requested", "stage-2"]
    assert event.changes["clocks"] == {
        "stage2_due": ["2026-04-08", "2026-04-07"],
        "next_due": ["2026-03-09", "2026-04-07"],
        "next_clock": ["stage2-acknowledgement", "stage2-response"],
    }


def test_stage_2_handler_must_differ_from_stage_1(store: Store) -> None:
    ref = complaint_at(store, "stage-2-requested")
    refused(
        store,
        ref,
        lambda s: stages.acknowledge_stage2(
            s,
            OFFICER,
            ref,
            acknowledged=STAGE2_ACKNOWLEDGED,
            handler="A. Smith",
            expected_version=None,
            today=TODAY,
        ),
        RuleBroken,
        "Stage 2 must be handled by someone other than the Stage 1 handler, A. Smith",
    )


def test_stage_2_handler_from_another_service_area_when_set(store: Store) -> None:
    with store.write() as s:
        ensure_staff(s, OFFICER, "A. Smith", "Housing Repairs")
        ensure_staff(s, OFFICER, "E. Green", "Housing Repairs")
        ensure_staff(s, OFFICER, "F. Khan", "Tenancy Services")
    ref = complaint_at(store, "stage-2-requested")

    def ack(handler: str) -> object:
        return lambda s: stages.acknowledge_stage2(
            s,
            OFFICER,
            ref,
            acknowledged=STAGE2_ACKNOWLEDGED,
            handler=handler,
            expected_version=None,
            today=TODAY,
        )

    # Without the setting, a colleague in the same area may handle Stage 2 ...
    with store.write() as s:
        assert get_setting(s, "stage2_different_service_area") is False
        set_setting(s, MANAGER, "stage2_different_service_area", True)
    # ... with it, they may not.
    refused(
        store,
        ref,
        ack("E. Green"),  # type: ignore[arg-type]
        RuleBroken,
        "Stage 2 must be handled by someone from a different service area from the Stage 1 "
        "handler, A. Smith (this organisation's policy)",
    )
    with store.write() as s:
        ack("F. Khan")(s)  # type: ignore[operator]
    assert load(store, ref).handler_name == "F. Khan"


def test_stage_2_same_area_allowed_without_the_setting(store: Store) -> None:
    with store.write() as s:
        ensure_staff(s, OFFICER, "A. Smith", "Housing Repairs")
        ensure_staff(s, OFFICER, "E. Green", "Housing Repairs")
    ref = complaint_at(store, "stage-2-requested")
    act(
        store,
        stages.acknowledge_stage2,
        ref,
        acknowledged=STAGE2_ACKNOWLEDGED,
        handler="E. Green",
        today=TODAY,
    )
    assert load(store, ref).status == "stage-2"


@pytest.mark.parametrize(
    ("status", "acknowledged", "error", "message"),
    [
        (
            "stage-1-responded",
            STAGE2_ACKNOWLEDGED,
            RuleBroken,
            "Cannot acknowledge Stage 2: case CW-2026-000001 is a complaint "
            "(Stage 1 responded); Stage 2 is acknowledged once it has been "
            "requested",
        ),
        (
            "stage-2-requested",
            date(2026, 2, 27),
            RuleBroken,
            "The Stage 2 acknowledgement (Fri 27 Feb 2026) cannot be before the Stage 2 request "
            "(Mon 2 Mar 2026)",
        ),
        (
            "stage-2-requested",
            date(2026, 6, 2),
            InvalidInput,
            "The Stage 2 acknowledgement date cannot be in the future (Tue 2 Jun 2026)",
        ),
    ],
)
def test_acknowledge_stage_2_refusals(
    store: Store, status: str, acknowledged: date, error: type[Exception], message: str
) -> None:
    ref = complaint_at(store, status)
    refused(
        store,
        ref,
        lambda s: stages.acknowledge_stage2(
            s,
            OFFICER,
            ref,
            acknowledged=acknowledged,
            handler="D. Evans",
            expected_version=None,
            today=TODAY,
        ),
        error,
        message,
    )


def test_stage_2_response(store: Store) -> None:
    ref = complaint_at(store, "stage-2")
    act(store, stages.respond_stage2, ref, response=STAGE2_RESPONSE, today=TODAY)
    case = load(store, ref)
    assert (case.status, case.stage2_responded, case.stage2_decision) == (
        "stage-2-responded",
        date(2026, 4, 1),
        "upheld",
    )
    assert case.stage1_decision == "partly-upheld"
    assert [(p.stage1_decision, p.stage2_decision) for p in case.points] == [
        ("upheld", "upheld"),
        ("not-upheld", "partly-upheld"),
    ]
    assert [(r.stage, r.kind, r.amount_offered) for r in case.remedies] == [
        (2, "financial", Decimal("150.00"))
    ]
    assert [(a.stage, a.description) for a in case.actions] == [(2, "Replace the roof")]
    assert (case.next_due, case.next_clock) == (None, None)
    assert last_event(store, ref).action == "respond-stage-2"


def test_stage_2_response_refusals(store: Store) -> None:
    ref = complaint_at(store, "stage-2-requested")
    refused(
        store,
        ref,
        lambda s: stages.respond_stage2(
            s, OFFICER, ref, response=STAGE2_RESPONSE, expected_version=None, today=TODAY
        ),
        RuleBroken,
        "Cannot record a Stage 2 response: case CW-2026-000001 is a complaint "
        "(Stage 2 requested); a Stage 2 response is recorded for a complaint "
        "acknowledged at Stage 2",
    )
    other = complaint_at(store, "stage-2")
    early = stages.Response(date(2026, 3, 5), "upheld", "Because")
    refused(
        store,
        other,
        lambda s: stages.respond_stage2(
            s, OFFICER, other, response=early, expected_version=None, today=TODAY
        ),
        RuleBroken,
        "The Stage 2 response (Thu 5 Mar 2026) cannot be before the Stage 2 acknowledgement "
        "(Fri 6 Mar 2026)",
    )


# --- refusing an escalation ----------------------------------------------------------------


def test_refuse_escalation_closes_the_case(store: Store) -> None:
    ref = complaint_at(store, "stage-2-requested")
    act(
        store,
        stages.refuse_escalation,
        ref,
        refused_on=date(2026, 3, 4),
        reason=" Already considered by the Ombudsman ",
        today=TODAY,
    )
    case = load(store, ref)
    assert (case.status, case.closed_on, case.escalation_refused_on) == (
        "closed",
        date(2026, 3, 4),
        date(2026, 3, 4),
    )
    assert case.escalation_refusal_reason == "Already considered by the Ombudsman"
    assert (case.stage2_ack_due, case.next_due, case.next_clock) == (STAGE2_ACK_DUE, None, None)
    event = last_event(store, ref)
    assert event.action == "refuse-escalation"
    assert event.changes["status"] == ["stage-2-requested", "closed"]
    assert event.changes["clocks"] == {
        "next_due": ["2026-03-09", None],
        "next_clock": ["stage2-acknowledgement", None],
    }


@pytest.mark.parametrize(
    ("status", "refused_on", "reason", "error", "message"),
    [
        (
            "stage-1-responded",
            date(2026, 3, 4),
            "x",
            RuleBroken,
            "Cannot refuse the escalation: case CW-2026-000001 is a complaint "
            "(Stage 1 responded); only a Stage 2 request not yet acknowledged can"
            " be refused",
        ),
        (
            "stage-2-requested",
            date(2026, 3, 4),
            " ",
            InvalidInput,
            "An escalation can only be refused for a recorded reason; give it",
        ),
        (
            "stage-2-requested",
            date(2026, 2, 27),
            "x",
            RuleBroken,
            "The refusal cannot be dated before the Stage 2 request",
        ),
    ],
)
def test_refuse_escalation_refusals(
    store: Store,
    status: str,
    refused_on: date,
    reason: str,
    error: type[Exception],
    message: str,
) -> None:
    ref = complaint_at(store, status)
    refused(
        store,
        ref,
        lambda s: stages.refuse_escalation(
            s,
            OFFICER,
            ref,
            refused_on=refused_on,
            reason=reason,
            expected_version=None,
            today=TODAY,
        ),
        error,
        message,
    )
