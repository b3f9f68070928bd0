"""Refusing, withdrawing, closing and reopening; replies, passing on, ombudsman, corrections."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from casework import (
    ACK_DUE,
    ESCALATED,
    MANAGER,
    OFFICER,
    RECEIVED,
    RESPONDED,
    STAGE1_DUE,
    TODAY,
    act,
    complaint_at,
    last_event,
    load,
    log,
    refused,
)
from sqlalchemy.orm import Session

from caseworker.domain.errors import InvalidInput, RuleBroken
from caseworker.services import ending, stages
from db.store import Store

BEFORE_RECEIPT = date(2026, 2, 1)


def _call(fn: Callable[..., Any], ref: str, **kwargs: Any) -> Callable[[Session], Any]:
    kwargs.setdefault("expected_version", None)
    return lambda s: fn(s, OFFICER, ref, **kwargs)


# --- refuse --------------------------------------------------------------------------------


def test_refuse_a_complaint_for_an_exclusion_reason(store: Store) -> None:
    ref = log(store)
    act(
        store,
        ending.refuse,
        ref,
        refused_on=date(2026, 2, 3),
        reason="Legal proceedings",
        explanation=" The matter is before the county court ",
        today=TODAY,
    )
    case = load(store, ref)
    assert (case.status, case.refused_on, case.refusal_reason, case.refusal_explanation) == (
        "refused",
        date(2026, 2, 3),
        "legal-proceedings",
        "The matter is before the county court",
    )
    assert (case.ack_due, case.next_due, case.next_clock) == (ACK_DUE, None, None)
    event = last_event(store, ref)
    assert event.action == "refuse"
    assert event.changes == {
        "refused_on": [None, "2026-02-03"],
        "refusal_reason": [None, "legal-proceedings"],
        "refusal_explanation": ["", "The matter is before the county court"],
        "status": ["logged", "refused"],
        "clocks": {"next_due": ["2026-02-09", None], "next_clock": ["acknowledgement", None]},
    }


def test_refuse_at_stage_1(store: Store) -> None:
    ref = complaint_at(store, "stage-1")
    act(
        store,
        ending.refuse,
        ref,
        refused_on=date(2026, 2, 5),
        reason="over-time-limit",
        explanation="Too old",
        today=TODAY,
    )
    assert load(store, ref).status == "refused"


@pytest.mark.parametrize(
    ("status", "kwargs", "error", "message"),
    [
        (
            "stage-1-responded",
            {},
            RuleBroken,
            "Cannot refuse the complaint: case CW-2026-000001 is a complaint "
            "(Stage 1 responded); only a complaint not yet responded to can be "
            "refused as a complaint",
        ),
        (
            "logged",
            {"reason": "rude"},
            InvalidInput,
            "'rude' is not a known exclusion reason; use one of: over-time-limit, "
            "legal-proceedings, already-considered, statutory-appeal, other-organisation, "
            "councillor-conduct, government-policy, other",
        ),
        (
            "logged",
            {"explanation": " "},
            InvalidInput,
            "Explain why the complaint is refused (it goes in the letter)",
        ),
        (
            "logged",
            {"refused_on": BEFORE_RECEIPT},
            RuleBroken,
            "The refusal cannot be dated before the complaint was received",
        ),
        (
            "logged",
            {"refused_on": date(2026, 6, 2)},
            InvalidInput,
            "The refusal date cannot be in the future (Tue 2 Jun 2026)",
        ),
    ],
)
def test_refuse_refusals(
    store: Store, status: str, kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    ref = complaint_at(store, status)
    values = {"refused_on": date(2026, 2, 3), "reason": "other", "explanation": "x", "today": TODAY}
    refused(store, ref, _call(ending.refuse, ref, **{**values, **kwargs}), error, message)


def test_only_complaints_are_refused(store: Store) -> None:
    ref = log(store, kind="compliment")
    refused(
        store,
        ref,
        _call(
            ending.refuse, ref, refused_on=RECEIVED, reason="other", explanation="x", today=TODAY
        ),
        RuleBroken,
        "Cannot refuse the complaint: case CW-2026-000001 is a compliment (Logged); only a "
        "complaint not yet responded to can be refused as a complaint",
    )


# --- withdraw ------------------------------------------------------------------------------


def test_withdraw_stops_the_clocks(store: Store) -> None:
    ref = complaint_at(store, "stage-1")
    act(
        store,
        ending.withdraw,
        ref,
        withdrawn_on=date(2026, 2, 10),
        reason=" Repair done ",
        today=TODAY,
    )
    case = load(store, ref)
    assert (case.status, case.withdrawn_on, case.withdrawal_reason) == (
        "withdrawn",
        date(2026, 2, 10),
        "Repair done",
    )
    assert (case.stage1_due, case.next_due) == (STAGE1_DUE, None)
    assert last_event(store, ref).changes["status"] == ["stage-1", "withdrawn"]


def test_withdraw_refusals(store: Store) -> None:
    ref = log(store)
    refused(
        store,
        ref,
        _call(ending.withdraw, ref, withdrawn_on=BEFORE_RECEIPT, today=TODAY),
        RuleBroken,
        "The withdrawal cannot be dated before the case was received",
    )
    act(store, ending.withdraw, ref, withdrawn_on=RECEIVED, today=TODAY)
    refused(
        store,
        ref,
        _call(ending.withdraw, ref, withdrawn_on=RECEIVED, today=TODAY),
        RuleBroken,
        "Cannot withdraw: case CW-2026-000001 is a complaint (Withdrawn); only an open case can "
        "be withdrawn",
    )


# --- close ---------------------------------------------------------------------------------


def test_close_after_the_stage_1_response(store: Store) -> None:
    ref = complaint_at(store, "stage-1-responded")
    act(store, ending.close, ref, closed_on=date(2026, 2, 17), today=TODAY)
    case = load(store, ref)
    assert (case.status, case.closed_on, case.next_due) == ("closed", date(2026, 2, 17), None)
    assert last_event(store, ref).changes == {
        "closed_on": [None, "2026-02-17"],
        "status": ["stage-1-responded", "closed"],
    }


def test_close_a_service_request(store: Store) -> None:
    ref = log(store, kind="service-request")
    act(store, ending.close, ref, closed_on=date(2026, 2, 5), today=TODAY)
    assert load(store, ref).status == "closed"
    refused(
        store,
        ref,
        _call(ending.close, ref, closed_on=date(2026, 2, 5), today=TODAY),
        RuleBroken,
        "Cannot close: case CW-2026-000001 is a service request (Closed); a record other than a "
        "complaint closes once",
    )


@pytest.mark.parametrize(
    ("status", "closed_on", "error", "message"),
    [
        (
            "stage-1",
            date(2026, 2, 17),
            RuleBroken,
            "Cannot close: case CW-2026-000001 is a complaint (Stage 1); a "
            "complaint is closed once a stage's response has been sent",
        ),
        (
            "stage-1-responded",
            BEFORE_RECEIPT,
            RuleBroken,
            "The closing date cannot be before the case was received",
        ),
        (
            "stage-1-responded",
            date(2026, 6, 2),
            InvalidInput,
            "The closing date cannot be in the future (Tue 2 Jun 2026)",
        ),
    ],
)
def test_close_refusals(
    store: Store, status: str, closed_on: date, error: type[Exception], message: str
) -> None:
    ref = complaint_at(store, status)
    refused(store, ref, _call(ending.close, ref, closed_on=closed_on, today=TODAY), error, message)


# --- reopen --------------------------------------------------------------------------------


def test_reopen_a_closed_case_returns_it_to_its_stage(store: Store) -> None:
    ref = complaint_at(store, "stage-1-responded")
    act(store, ending.close, ref, closed_on=date(2026, 2, 17), today=TODAY)
    act(store, ending.reopen, ref, reason=" Resident rang back ")
    case = load(store, ref)
    assert (case.status, case.closed_on) == ("stage-1-responded", None)
    assert last_event(store, ref).changes == {
        "closed_on": ["2026-02-17", None],
        "status": ["closed", "stage-1-responded"],
        "reason": "Resident rang back",
    }


def test_reopen_a_refused_complaint_restarts_its_clock(store: Store) -> None:
    ref = log(store)
    act(
        store,
        ending.refuse,
        ref,
        refused_on=RECEIVED,
        reason="other",
        explanation="x",
        today=TODAY,
    )
    act(store, ending.reopen, ref, reason="Refused in error")
    case = load(store, ref)
    assert (case.status, case.refused_on) == ("logged", None)
    assert (case.next_due, case.next_clock) == (ACK_DUE, "acknowledgement")


def test_reopen_after_a_refused_escalation(store: Store) -> None:
    ref = complaint_at(store, "stage-2-requested")
    act(
        store,
        stages.refuse_escalation,
        ref,
        refused_on=ESCALATED,
        reason="Out of time",
        today=TODAY,
    )
    act(store, ending.reopen, ref, reason="Refused in error")
    case = load(store, ref)
    assert (case.status, case.escalation_refused_on, case.closed_on) == (
        "stage-2-requested",
        None,
        None,
    )
    assert (case.next_due, case.next_clock) == (date(2026, 3, 9), "stage2-acknowledgement")


def test_reopen_refusals(store: Store) -> None:
    ref = log(store)
    refused(
        store,
        ref,
        _call(ending.reopen, ref, reason="x"),
        RuleBroken,
        "Cannot reopen: case CW-2026-000001 is a complaint (Logged); only a closed, refused or "
        "withdrawn case can be reopened",
    )
    act(store, ending.withdraw, ref, withdrawn_on=RECEIVED, today=TODAY)
    refused(
        store,
        ref,
        _call(ending.reopen, ref, reason=" "),
        InvalidInput,
        "Give the reason for reopening the case",
    )


# --- pass on and enquiry replies -----------------------------------------------------------


def test_pass_on_a_compliment(store: Store) -> None:
    ref = log(store, kind="compliment")
    act(store, ending.pass_on, ref, passed_on=date(2026, 2, 4), to=" Repairs team ", today=TODAY)
    case = load(store, ref)
    assert (case.status, case.replied, case.reply_text, case.closed_on) == (
        "closed",
        date(2026, 2, 4),
        "Passed to Repairs team",
        date(2026, 2, 4),
    )
    assert (case.ack_due, case.next_due) == (date(2026, 2, 9), None)
    assert last_event(store, ref).action == "pass-on"


@pytest.mark.parametrize(
    ("kind", "kwargs", "error", "message"),
    [
        (
            "complaint",
            {},
            RuleBroken,
            "Cannot pass it on: case CW-2026-000001 is a complaint (Logged); only a logged "
            "compliment or comment is passed on",
        ),
        ("comment", {"to": " "}, InvalidInput, "Say who it was passed to"),
        (
            "comment",
            {"passed_on": BEFORE_RECEIPT},
            RuleBroken,
            "It cannot be passed on before it was received",
        ),
    ],
)
def test_pass_on_refusals(
    store: Store, kind: str, kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    ref = log(store, kind=kind)
    values = {"passed_on": date(2026, 2, 4), "to": "Repairs", "today": TODAY, **kwargs}
    refused(store, ref, _call(ending.pass_on, ref, **values), error, message)


def test_pass_on_twice_is_refused(store: Store) -> None:
    ref = log(store, kind="comment")
    act(store, ending.pass_on, ref, passed_on=date(2026, 2, 4), to="Repairs", today=TODAY)
    refused(
        store,
        ref,
        _call(ending.pass_on, ref, passed_on=date(2026, 2, 4), to="Repairs", today=TODAY),
        RuleBroken,
        "Cannot pass it on: case CW-2026-000001 is a comment (Closed); only a logged compliment "
        "or comment is passed on",
    )


def test_reply_to_an_mp_enquiry(store: Store) -> None:
    ref = log(store, kind="mp-enquiry")
    act(
        store,
        ending.reply_enquiry,
        ref,
        replied_on=date(2026, 2, 13),
        reply=" The roof is booked for repair ",
        today=TODAY,
    )
    case = load(store, ref)
    assert (case.status, case.replied, case.reply_text, case.closed_on) == (
        "closed",
        date(2026, 2, 13),
        "The roof is booked for repair",
        date(2026, 2, 13),
    )
    assert (case.ack_due, case.next_due) == (date(2026, 2, 16), None)
    assert last_event(store, ref).action == "reply-enquiry"


@pytest.mark.parametrize(
    ("kind", "kwargs", "error", "message"),
    [
        (
            "compliment",
            {},
            RuleBroken,
            "Cannot reply to the enquiry: case CW-2026-000001 is a compliment (Logged); only a "
            "logged MP or councillor enquiry gets an enquiry reply",
        ),
        ("councillor-enquiry", {"reply": " "}, InvalidInput, "Write the reply"),
        (
            "councillor-enquiry",
            {"replied_on": BEFORE_RECEIPT},
            RuleBroken,
            "The reply cannot be dated before the enquiry was received",
        ),
    ],
)
def test_reply_enquiry_refusals(
    store: Store, kind: str, kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    ref = log(store, kind=kind)
    values = {"replied_on": date(2026, 2, 4), "reply": "Done", "today": TODAY, **kwargs}
    refused(store, ref, _call(ending.reply_enquiry, ref, **values), error, message)


# --- ombudsman -----------------------------------------------------------------------------


def test_refer_to_the_ombudsman_and_record_the_determination(store: Store) -> None:
    ref = complaint_at(store, "stage-1-responded")
    act(store, ending.refer_to_ombudsman, ref, referred_on=date(2026, 3, 20), today=TODAY)
    assert last_event(store, ref).changes == {"ombudsman_referred_on": [None, "2026-03-20"]}
    act(
        store,
        ending.record_determination,
        ref,
        determined_on=date(2026, 5, 20),
        determination=" Maladministration; pay £200 ",
        today=TODAY,
    )
    case = load(store, ref)
    assert (
        case.ombudsman_referred_on,
        case.ombudsman_determined_on,
        case.ombudsman_determination,
    ) == (date(2026, 3, 20), date(2026, 5, 20), "Maladministration; pay £200")
    assert last_event(store, ref).action == "record-determination"


def test_ombudsman_refusals(store: Store) -> None:
    enquiry = log(store, kind="mp-enquiry")
    refused(
        store,
        enquiry,
        _call(ending.refer_to_ombudsman, enquiry, referred_on=RECEIVED, today=TODAY),
        RuleBroken,
        "Cannot record a referral to the Ombudsman: case CW-2026-000001 is an MP enquiry "
        "(Logged); a complaint is referred to the Ombudsman once, after a response, a refusal or "
        "closing",
    )
    ref = complaint_at(store, "stage-1-responded")
    refused(
        store,
        ref,
        _call(ending.refer_to_ombudsman, ref, referred_on=BEFORE_RECEIPT, today=TODAY),
        RuleBroken,
        "The referral cannot be dated before the complaint was received",
    )
    determine = {"determined_on": date(2026, 5, 20), "determination": "No fault", "today": TODAY}
    refused(
        store,
        ref,
        _call(ending.record_determination, ref, **determine),
        RuleBroken,
        "Cannot record the Ombudsman's determination: case CW-2026-000002 is a complaint (Stage 1"
        " responded); the Ombudsman's determination is recorded once, after the referral",
    )
    act(store, ending.refer_to_ombudsman, ref, referred_on=date(2026, 3, 20), today=TODAY)
    refused(
        store,
        ref,
        _call(ending.record_determination, ref, **{**determine, "determination": " "}),
        InvalidInput,
        "Record what the Ombudsman decided",
    )
    refused(
        store,
        ref,
        _call(ending.record_determination, ref, **{**determine, "determined_on": RESPONDED}),
        RuleBroken,
        "The determination cannot be dated before the referral",
    )


# --- correcting a recorded fact ------------------------------------------------------------


def test_correct_the_date_received_moves_the_clocks_and_is_audited(store: Store) -> None:
    ref = complaint_at(store, "stage-1")
    act(
        store,
        ending.correct_fact,
        ref,
        field="received",
        value="03/02/2026",
        reason=" Typed the wrong day ",
        actor=MANAGER,
        today=TODAY,
    )
    case = load(store, ref)
    assert (case.received, case.ack_due, case.stage1_due) == (
        date(2026, 2, 3),
        date(2026, 2, 10),
        STAGE1_DUE,  # counted from the acknowledgement, which did not change
    )
    event = last_event(store, ref)
    assert (event.action, event.actor, event.role) == ("correct-fact", "B. Jones", "manager")
    assert event.changes == {
        "received": ["2026-02-02", "2026-02-03"],
        "reason": "Typed the wrong day",
        "clocks": {"ack_due": ["2026-02-09", "2026-02-10"]},
    }


def test_correct_text_and_channel(store: Store) -> None:
    ref = log(store)
    act(
        store,
        ending.correct_fact,
        ref,
        field="channel",
        value="Face to face",
        reason="Came to the office",
        today=TODAY,
    )
    act(
        store,
        ending.correct_fact,
        ref,
        field="description",
        value=" The roof and the gutter leak ",
        reason="Added the gutter",
        today=TODAY,
    )
    case = load(store, ref)
    assert (case.channel, case.description) == ("face-to-face", "The roof and the gutter leak")
    assert last_event(store, ref).changes == {
        "description": ["The roof has leaked since October", "The roof and the gutter leak"],
        "reason": "Added the gutter",
    }


@pytest.mark.parametrize(
    ("status", "field", "value", "reason", "error", "message"),
    [
        (
            "stage-1",
            "acknowledged",
            "2026-01-30",
            "x",
            RuleBroken,
            "The acknowledgement (Fri 30 Jan 2026) cannot be before the date received "
            "(Mon 2 Feb 2026)",
        ),
        (
            "stage-1-responded",
            "received",
            "2026-02-17",
            "x",
            RuleBroken,
            "The acknowledgement (Wed 4 Feb 2026) cannot be before the date received "
            "(Tue 17 Feb 2026)",
        ),
        (
            "stage-1",
            "escalated",
            "2026-02-10",
            "x",
            RuleBroken,
            "Stage 2 can only be requested after the Stage 1 response has been sent",
        ),
        (
            "logged",
            "status",
            "closed",
            "x",
            InvalidInput,
            "'status' cannot be corrected here; correctable: received, issue_date, aware_date, "
            "acknowledged, stage1_responded, escalated, stage2_acknowledged, stage2_responded, "
            "channel, description, desired_outcome, external_reference",
        ),
        (
            "logged",
            "received",
            "2026-02-03",
            " ",
            InvalidInput,
            "Give the reason for the correction",
        ),
        ("logged", "received", "2026-02-02", "x", InvalidInput, "received already has that value"),
        ("logged", "received", " ", "x", InvalidInput, "The date received cannot be blank"),
        (
            "logged",
            "received",
            "02/13/2026",
            "x",
            InvalidInput,
            "'02/13/2026' looks like a US-style date (month first); use DD/MM/YYYY",
        ),
        (
            "logged",
            "issue_date",
            "2026-06-02",
            "x",
            InvalidInput,
            "The corrected date cannot be in the future (Tue 2 Jun 2026)",
        ),
        (
            "logged",
            "channel",
            "pigeon",
            "x",
            InvalidInput,
            "'pigeon' is not a known channel; use one of: telephone, email, letter, "
            "face-to-face, web-form, live-chat, bsl-video-call, relay-uk, social-media, "
            "via-staff, via-representative",
        ),
    ],
)
def test_correction_refusals_change_nothing(
    store: Store,
    status: str,
    field: str,
    value: str,
    reason: str,
    error: type[Exception],
    message: str,
) -> None:
    ref = complaint_at(store, status)
    refused(
        store,
        ref,
        _call(ending.correct_fact, ref, field=field, value=value, reason=reason, today=TODAY),
        error,
        message,
    )
