"""The lifecycle table against the services: for every kind, status and set of facts a case
can be in, the actions the app enables are exactly the actions the services accept.

Each state is set up directly on a stored case (its dates consistent with its status), then
every action in the table is tried with valid input in a savepoint that is rolled back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from caseworker.domain.errors import RuleBroken
from caseworker.domain.lifecycle import (
    CASE_ACTIONS,
    CaseState,
    Fact,
    allowed_actions,
    state_of,
)
from caseworker.domain.vocab import RecordKind, Status
from caseworker.services import ending, followups, records, stages
from caseworker.services.actor import LOCAL_ADMIN
from caseworker.services.authorisation import add_representative
from caseworker.services.case_view import load_case_detail
from caseworker.services.intake import RepresentativeInput, log_record
from caseworker.services.ui_reads import TABLE_NAMES, available_actions
from db.models import Case, OutstandingAction, Remedy
from db.store import Store
from tests.db.casework import new_record, person

D = date
RECEIVED = D(2026, 2, 2)
# The dates each status's facts are recorded on, and the day the actions are tried ("now"):
# inside the running response clock where a stage awaits its response, so it can be extended.
NOW = {
    Status.LOGGED: D(2026, 2, 3),
    Status.STAGE_1: D(2026, 2, 17),  # Stage 1 due Wed 18 Feb
    Status.STAGE_1_RESPONDED: D(2026, 2, 20),
    Status.STAGE_2_REQUESTED: D(2026, 3, 3),
    Status.STAGE_2: D(2026, 3, 9),  # Stage 2 due Tue 7 Apr
    Status.STAGE_2_RESPONDED: D(2026, 4, 2),
    Status.CLOSED: D(2026, 4, 10),
    Status.REFUSED: D(2026, 2, 10),
    Status.WITHDRAWN: D(2026, 2, 10),
}
# Actions whose availability turns on a person or a letter rather than the case's state;
# the table allows them in every state and their own tests cover the rest.
NOT_WALKED = {
    "record-authorisation",
    "revoke-authorisation",
    "make-letter",
    "record-letter-sent",
    "add-document",
}
WALKED = tuple(a for a in CASE_ACTIONS if a not in NOT_WALKED)


@dataclass(frozen=True)
class Setup:
    kind: RecordKind
    status: Status
    decided: bool = False
    escalation_refused: bool = False
    referral: str = ""  # "", "referred", "determined"
    open_remedy: bool = False
    open_action: bool = False


def _complaint_dates(status: Status, escalation_refused: bool) -> dict[str, Any]:
    """The dates a complaint in ``status`` has recorded."""
    steps = [
        ("acknowledged", D(2026, 2, 4)),
        ("stage1_responded", D(2026, 2, 16)),
        ("escalated", D(2026, 3, 2)),
        ("stage2_acknowledged", D(2026, 3, 6)),
        ("stage2_responded", D(2026, 4, 1)),
    ]
    reached = {
        Status.LOGGED: 0,
        Status.STAGE_1: 1,
        Status.STAGE_1_RESPONDED: 2,
        Status.STAGE_2_REQUESTED: 3,
        Status.STAGE_2: 4,
        Status.STAGE_2_RESPONDED: 5,
        Status.CLOSED: 3 if escalation_refused else 5,
        Status.REFUSED: 0,
        Status.WITHDRAWN: 1,
    }[status]
    fields: dict[str, Any] = dict(steps[:reached])
    if status is Status.CLOSED:
        fields["closed_on"] = D(2026, 3, 3) if escalation_refused else D(2026, 4, 2)
        if escalation_refused:
            fields |= {"escalation_refused_on": D(2026, 3, 3), "escalation_refusal_reason": "x"}
    if status is Status.REFUSED:
        fields |= {"refused_on": D(2026, 2, 5), "refusal_reason": "other"}
        fields["refusal_explanation"] = "Not a complaint"
    if status is Status.WITHDRAWN:
        fields["withdrawn_on"] = D(2026, 2, 5)
    return fields


def setups() -> Iterator[Setup]:
    """Every consistent combination of kind, status and facts."""
    for kind in RecordKind:
        if kind is not RecordKind.COMPLAINT:
            for status in (Status.LOGGED, Status.CLOSED, Status.WITHDRAWN):
                yield Setup(kind, status)
            continue
        for status in Status:
            can_decide = status not in (Status.LOGGED, Status.REFUSED, Status.WITHDRAWN)
            must_decide = can_decide and status is not Status.STAGE_1
            refusals = (False, True) if status is Status.CLOSED else (False,)
            for refused in refusals:
                for referral in ("", "referred", "determined"):
                    for decided in (
                        (True,) if must_decide else (False, True) if can_decide else (False,)
                    ):
                        yield Setup(kind, status, decided, refused, referral)
                        if decided:
                            yield Setup(kind, status, decided, refused, referral, open_remedy=True)
                            yield Setup(kind, status, decided, refused, referral, open_action=True)


def _make(session: Session, setup: Setup) -> str:
    kind, status = setup.kind, setup.status
    case = log_record(session, LOCAL_ADMIN, new_record(kind=kind.value), today=NOW[status])
    now = NOW[status]
    fields: dict[str, Any] = {"status": status.value}
    if kind is RecordKind.COMPLAINT:
        fields |= _complaint_dates(status, setup.escalation_refused)
        if setup.decided:
            fields |= {"stage1_decision": "upheld", "stage1_reasons": "Because"}
            if case_reached_stage2_response(status, setup.escalation_refused):
                fields |= {"stage2_decision": "not-upheld", "stage2_reasons": "Because"}
    elif status is Status.CLOSED:
        fields["closed_on"] = D(2026, 2, 20)
    elif status is Status.WITHDRAWN:
        fields["withdrawn_on"] = D(2026, 2, 5)
    if setup.referral:
        fields["ombudsman_referred_on"] = now
    if setup.referral == "determined":
        fields["ombudsman_determined_on"] = now
        fields["ombudsman_determination"] = "Maladministration"
    for key, value in fields.items():
        setattr(case, key, value)
    if setup.open_remedy:
        case.remedies.append(
            Remedy(position=1, stage=1, kind="apology", description="", offered_on=now)
        )
    if setup.open_action:
        case.actions.append(OutstandingAction(position=1, stage=1, description="Fix the roof"))
    session.flush()
    return case.reference


def case_reached_stage2_response(status: Status, escalation_refused: bool) -> bool:
    return status is Status.STAGE_2_RESPONDED or (
        status is Status.CLOSED and not escalation_refused
    )


def _open_remedy(s: Session, ref: str) -> Any:
    return s.scalar(
        select(Remedy.id).join(Case).where(Case.reference == ref, Remedy.done.is_(None))
    )


def _open_action(s: Session, ref: str) -> Any:
    return s.scalar(
        select(OutstandingAction.id)
        .join(Case)
        .where(Case.reference == ref, OutstandingAction.done.is_(None))
    )


DEFINITION = stages.Definition(points=("The roof leaks",), outcomes_sought="Fix it")
RESPONSE_ARGS = {"decision": "upheld", "reasons": "Because"}
Call = Callable[[Session, str, date], Any]
A = LOCAL_ADMIN

# Valid input for every walked action (None: let the service check the version itself).
CALLS: dict[str, Call] = {
    "acknowledge": lambda s, r, t: stages.acknowledge(
        s,
        A,
        r,
        acknowledged=t,
        definition=DEFINITION,
        handler="A. Smith",
        expected_version=None,
        today=t,
    ),
    "extend": lambda s, r, t: stages.extend(
        s, A, r, days=5, reason="Waiting for a survey", told_on=t, expected_version=None, today=t
    ),
    "respond-stage-1": lambda s, r, t: stages.respond(
        s, A, r, response=stages.Response(t, **RESPONSE_ARGS), expected_version=None, today=t
    ),
    "escalate": lambda s, r, t: stages.escalate(
        s, A, r, requested_on=t, expected_version=None, today=t
    ),
    "acknowledge-stage-2": lambda s, r, t: stages.acknowledge_stage2(
        s, A, r, acknowledged=t, handler="D. Evans", expected_version=None, today=t
    ),
    "respond-stage-2": lambda s, r, t: stages.respond_stage2(
        s, A, r, response=stages.Response(t, **RESPONSE_ARGS), expected_version=None, today=t
    ),
    "refuse": lambda s, r, t: ending.refuse(
        s,
        A,
        r,
        refused_on=t,
        reason="other",
        explanation="Not ours",
        expected_version=None,
        today=t,
    ),
    "refuse-escalation": lambda s, r, t: stages.refuse_escalation(
        s, A, r, refused_on=t, reason="Already considered", expected_version=None, today=t
    ),
    "pass-on": lambda s, r, t: ending.pass_on(
        s, A, r, passed_on=t, to="Repairs", expected_version=None, today=t
    ),
    "reply-enquiry": lambda s, r, t: ending.reply_enquiry(
        s, A, r, replied_on=t, reply="Dear Member", expected_version=None, today=t
    ),
    "close": lambda s, r, t: ending.close(s, A, r, closed_on=t, expected_version=None, today=t),
    "withdraw": lambda s, r, t: ending.withdraw(
        s, A, r, withdrawn_on=t, expected_version=None, today=t
    ),
    "reopen": lambda s, r, t: ending.reopen(
        s, A, r, reason="Closed by mistake", expected_version=None
    ),
    "refer-to-ombudsman": lambda s, r, t: ending.refer_to_ombudsman(
        s, A, r, referred_on=t, expected_version=None, today=t
    ),
    "record-determination": lambda s, r, t: ending.record_determination(
        s,
        A,
        r,
        determined_on=t,
        determination="No maladministration",
        expected_version=None,
        today=t,
    ),
    "add-remedy": lambda s, r, t: followups.add_remedy(
        s, A, r, kind="financial", amount_offered=Decimal("50.00"), expected_version=None, today=t
    ),
    "add-action": lambda s, r, t: followups.add_action(
        s, A, r, description="Replace the gutter", due=None, expected_version=None
    ),
    "complete-remedy": lambda s, r, t: followups.complete_remedy(
        s, A, r, _open_remedy(s, r), done=t, expected_version=None, today=t
    ),
    "complete-action": lambda s, r, t: followups.complete_action(
        s, A, r, _open_action(s, r), done=t, expected_version=None, today=t
    ),
    "agree-update-interval": lambda s, r, t: followups.agree_update_interval(
        s, A, r, every_working_days=5, expected_version=None
    ),
    "add-representative": lambda s, r, t: add_representative(
        s,
        A,
        r,
        RepresentativeInput(
            person=person("Cllr B. Smith"), relationship="councillor", auth_state="not-needed"
        ),
        expected_version=None,
    ),
    "correct-fact": lambda s, r, t: ending.correct_fact(
        s,
        A,
        r,
        field="description",
        value="The roof leaks again",
        reason="Typo",
        expected_version=None,
        today=t,
    ),
    "record-learning": lambda s, r, t: records.record_learning(
        s, A, r, description="Call back", improvement="", expected_version=None, today=t
    ),
    "link-case": lambda s, r, t: records.link_cases(s, A, r, OTHER, expected_version=None),
    "add-note": lambda s, r, t: records.add_note(s, A, r, text="Called", expected_version=None),
}
OTHER = "CW-2026-000001"  # the first case logged: a plain complaint to link to


def test_every_walked_action_has_a_call() -> None:
    assert set(CALLS) == set(WALKED)


def _accepted(store: Store, reference: str, today: date) -> tuple[set[str], dict[str, str]]:
    """The actions the services accept on the case, and the message of each refusal."""
    accepted: set[str] = set()
    refusals: dict[str, str] = {}
    with store.write() as s:
        for action in WALKED:
            nested = s.begin_nested()
            try:
                CALLS[action](s, reference, today)
            except RuleBroken as exc:
                refusals[action] = str(exc)
            else:
                accepted.add(action)
            finally:
                nested.rollback()
        s.rollback()
    return accepted, refusals


def test_the_app_enables_exactly_what_the_services_accept(store: Store) -> None:
    with store.write() as s:
        log_record(s, A, new_record(), today=RECEIVED)
    made: list[tuple[Setup, str]] = []
    with store.write() as s:
        made = [(setup, _make(s, setup)) for setup in setups()]
    seen_states: set[CaseState] = set()
    for setup, ref in made:
        today = NOW[setup.status]
        with store.read() as s:
            detail = load_case_detail(s, ref, today, actor=A)
        state = state_of(detail)
        seen_states.add(state)
        enabled = {TABLE_NAMES.get(a, a) for a in available_actions(detail)} - NOT_WALKED
        assert enabled == set(allowed_actions(state)) - NOT_WALKED
        accepted, refusals = _accepted(store, ref, today)
        assert accepted == enabled, (setup, accepted ^ enabled, refusals)
        for message in refusals.values():
            assert message.startswith("Cannot "), message
            assert f"case {ref} is " in message
    # Every kind and status walked, and each fact both ways for complaints.
    assert {(st.kind, st.status) for st in seen_states} >= {
        (RecordKind.COMPLAINT, status) for status in Status
    }
    complaint_facts = [st.facts for st in seen_states if st.kind is RecordKind.COMPLAINT]
    for fact in Fact:
        assert any(fact in f for f in complaint_facts), fact
        assert any(fact not in f for f in complaint_facts), fact


@pytest.mark.parametrize("kind", list(RecordKind))
@pytest.mark.parametrize("status", list(Status))
def test_the_table_answers_every_combination(kind: RecordKind, status: Status) -> None:
    """Pure: every combination of kind, status and facts gets an answer, and the answers
    keep the Code's shape whatever the facts."""
    for bits in range(1 << len(Fact)):
        facts = frozenset(f for i, f in enumerate(Fact) if bits >> i & 1)
        allowed = allowed_actions(CaseState(kind, status, facts))
        assert {"add-note", "correct-fact", "link-case", "record-learning"} <= allowed
        assert ("reopen" in allowed) is (not status.is_open)
        assert ("withdraw" in allowed) is status.is_open
        if kind is not RecordKind.COMPLAINT:
            assert not allowed & {
                "acknowledge",
                "extend",
                "respond-stage-1",
                "escalate",
                "refer-to-ombudsman",
                "add-remedy",
                "add-action",
                "refuse",
            }
        if Fact.REFERRED in facts:
            assert "refer-to-ombudsman" not in allowed
        if Fact.DECIDED not in facts:
            assert not allowed & {"add-remedy", "add-action"}
