"""The two stages: acknowledge with a definition, extend, respond, escalate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseworker.domain.calendar import format_day
from caseworker.domain.clocks import ClockName, Extension, find_clock
from caseworker.domain.errors import InvalidInput, RuleBroken
from caseworker.domain.lifecycle import check_extensions, check_sequence
from caseworker.domain.policy import load_policy
from caseworker.domain.vocab import Decision, RemedyKind, Status, parse
from caseworker.services.actor import Actor
from caseworker.services.cases import (
    begin_change,
    check_amount,
    finish_change,
    not_future,
    set_fields,
)
from caseworker.services.clocks import case_clocks, facts_of
from caseworker.services.replication import replicated
from caseworker.services.settings import ensure_staff, get_setting, store_calendar
from db.models import (
    Case,
    ComplaintPoint,
    ExtensionRecord,
    OutstandingAction,
    Remedy,
    Staff,
)
from db.ordering import append_in_order

MAX_STAGES = 2


@dataclass(frozen=True)
class Definition:
    """The organisation's understanding of the complaint."""

    points: tuple[str, ...]
    outcomes_sought: str
    responsible_for: str = ""
    not_responsible_for: str = ""


@dataclass(frozen=True)
class PointDecision:
    decision: str
    reasons: str


@dataclass(frozen=True)
class RemedyInput:
    kind: str
    description: str = ""
    amount_offered: Decimal | None = None
    due: date | None = None


@dataclass(frozen=True)
class ActionInput:
    description: str
    due: date | None = None


@dataclass(frozen=True)
class Response:
    """A stage's response. ``sent_on`` None records the decision before the letter goes;
    marking the response letter sent then records the date (and starts any clock
    that runs from it)."""

    sent_on: date | None
    decision: str
    reasons: str
    points: tuple[PointDecision, ...] = ()
    remedies: tuple[RemedyInput, ...] = ()
    actions: tuple[ActionInput, ...] = ()


def _check_sequence_after(case: Case) -> None:
    check_sequence(facts_of(case))


def _set_definition(case: Case, definition: Definition) -> dict[str, object]:
    points = [p.strip() for p in definition.points if p.strip()]
    if not points:
        raise InvalidInput("The complaint definition needs at least one point")
    if not definition.outcomes_sought.strip():
        raise InvalidInput("Record the outcomes the resident is seeking")
    old = [p.text for p in case.points]
    changes: dict[str, object] = {}
    if old != points:
        case.points.clear()
        for i, text in enumerate(points, start=1):
            case.points.append(ComplaintPoint(position=i, text=text))
        changes["points"] = [old, points]
    changes.update(
        set_fields(
            case,
            outcomes_sought=definition.outcomes_sought.strip(),
            responsible_for=definition.responsible_for.strip(),
            not_responsible_for=definition.not_responsible_for.strip(),
        )
    )
    return changes


def _handler(session: Session, actor: Actor, name: str) -> Staff:
    if not name.strip():
        raise InvalidInput("Choose the handler")
    return ensure_staff(session, actor, name)


@replicated(
    "acknowledge",
    fields=(
        "status",
        "acknowledged",
        "stage1_handler_id",
        "outcomes_sought",
        "responsible_for",
        "not_responsible_for",
    ),
)
def acknowledge(
    session: Session,
    actor: Actor,
    reference: str,
    *,
    acknowledged: date,
    definition: Definition,
    handler: str,
    expected_version: int | None,
    today: date,
) -> Case:
    """Acknowledge a complaint at Stage 1 with its definition; starts the response clock."""
    case = begin_change(session, actor, reference, expected_version, "acknowledge")
    not_future(acknowledged, "The acknowledgement date", today)
    staff = _handler(session, actor, handler)
    changes = _set_definition(case, definition)
    changes.update(
        set_fields(
            case, acknowledged=acknowledged, stage1_handler_id=staff.id, status=Status.STAGE_1.value
        )
    )
    case.handler_name = staff.name
    _check_sequence_after(case)
    finish_change(session, actor, case, "acknowledge", changes)
    return case


def _stage_of(case: Case) -> int:
    """The stage awaiting its response (the lifecycle table allows extending only then)."""
    return 2 if Status(case.status) is Status.STAGE_2 else 1


@replicated("extend", fields=("extensions",))
def extend(
    session: Session,
    actor: Actor,
    reference: str,
    *,
    days: int,
    reason: str,
    told_on: date,
    good_reason: bool = False,
    expected_version: int | None,
    today: date,
) -> Case:
    """Agree an extension to the current stage's response time (cumulative per stage)."""
    case = begin_change(session, actor, reference, expected_version, "extend")
    stage = _stage_of(case)
    if not reason.strip():
        raise InvalidInput("Give the reason for the extension (it is explained to the resident)")
    not_future(told_on, "The date the resident was told", today)
    cal = store_calendar(session)
    clock = find_clock(
        case_clocks(case, cal, today),
        ClockName.STAGE1_RESPONSE if stage == 1 else ClockName.STAGE2_RESPONSE,
    )
    assert clock is not None
    if today > clock.due:
        raise RuleBroken(
            f"An extension must be agreed before the response is due; the Stage {stage} response "
            f"was due {format_day(clock.due)}"
        )
    policy = load_policy(case.policy_name)
    existing = tuple(
        Extension(e.days, e.reason, e.good_reason, e.told_on)
        for e in case.extensions
        if e.stage == stage
    )
    check_extensions(policy, stage, (*existing, Extension(days, reason, good_reason, told_on)))
    append_in_order(
        case.extensions,
        ExtensionRecord(
            stage=stage,
            days=days,
            reason=reason.strip(),
            good_reason=good_reason,
            told_on=told_on,
            recorded_on=today,
        ),
    )
    session.flush()
    finish_change(
        session,
        actor,
        case,
        "extend",
        {
            "stage": stage,
            "days": days,
            "reason": reason.strip(),
            "good_reason": good_reason,
            "told_on": told_on,
        },
    )
    return case


def _apply_response(
    session: Session, case: Case, stage: int, response: Response, today: date
) -> dict[str, object]:
    if response.sent_on is not None:
        not_future(response.sent_on, "The response date", today)
    decision = parse(Decision, response.decision)
    if not response.reasons.strip():
        raise InvalidInput("Give the reasons for the decision")
    if response.points and len(response.points) != len(case.points):
        raise InvalidInput(
            f"Give a decision for each of the {len(case.points)} points of the complaint"
        )
    for point, pd in zip(case.points, response.points, strict=False):
        pdec = parse(Decision, pd.decision)
        if stage == 1:
            point.stage1_decision, point.stage1_reasons = pdec.value, pd.reasons.strip()
        else:
            point.stage2_decision, point.stage2_reasons = pdec.value, pd.reasons.strip()
    for r in response.remedies:
        kind = parse(RemedyKind, r.kind)
        check_amount(r.amount_offered, kind is RemedyKind.FINANCIAL)
        append_in_order(
            case.remedies,
            Remedy(
                stage=stage,
                kind=kind.value,
                description=r.description.strip(),
                amount_offered=r.amount_offered,
                offered_on=response.sent_on or today,
                due=r.due,
            ),
        )
    for a in response.actions:
        if not a.description.strip():
            raise InvalidInput("Describe each outstanding action")
        append_in_order(
            case.actions,
            OutstandingAction(stage=stage, description=a.description.strip(), due=a.due),
        )
    prefix = "stage1" if stage == 1 else "stage2"
    status = Status.STAGE_1_RESPONDED if stage == 1 else Status.STAGE_2_RESPONDED
    fields: dict[str, object] = {
        f"{prefix}_decision": decision.value,
        f"{prefix}_reasons": response.reasons.strip(),
    }
    if response.sent_on is not None:
        fields |= {f"{prefix}_responded": response.sent_on, "status": status.value}
    changes: dict[str, object] = set_fields(case, **fields)
    changes["remedies"] = len(response.remedies)
    changes["actions"] = len(response.actions)
    return changes


@replicated(
    "respond-stage-1",
    fields=("status", "stage1_decision", "stage1_reasons", "stage1_responded"),
)
def respond(
    session: Session,
    actor: Actor,
    reference: str,
    *,
    response: Response,
    expected_version: int | None,
    today: date,
) -> Case:
    """Record the Stage 1 response sent to the resident."""
    return _respond(session, actor, reference, 1, response, expected_version, today)


@replicated("escalate", fields=("status", "escalated", "escalation_reason"))
def escalate(
    session: Session,
    actor: Actor,
    reference: str,
    *,
    requested_on: date,
    reason: str = "",
    expected_version: int | None,
    today: date,
) -> Case:
    """Record the resident's request for Stage 2 (no reason needed)."""
    case = begin_change(session, actor, reference, expected_version, "escalate")
    not_future(requested_on, "The date of the Stage 2 request", today)
    changes = set_fields(
        case,
        escalated=requested_on,
        escalation_reason=reason.strip(),
        status=Status.STAGE_2_REQUESTED.value,
    )
    _check_sequence_after(case)
    finish_change(session, actor, case, "escalate", changes)
    return case


@replicated(
    "acknowledge-stage-2",
    fields=(
        "status",
        "stage2_acknowledged",
        "stage2_handler_id",
        "outcomes_sought",
        "responsible_for",
        "not_responsible_for",
    ),
)
def acknowledge_stage2(
    session: Session,
    actor: Actor,
    reference: str,
    *,
    acknowledged: date,
    handler: str,
    definition: Definition | None = None,
    expected_version: int | None,
    today: date,
) -> Case:
    """Acknowledge Stage 2; its handler must not be the Stage 1 handler."""
    case = begin_change(session, actor, reference, expected_version, "acknowledge-stage-2")
    not_future(acknowledged, "The Stage 2 acknowledgement date", today)
    staff = _handler(session, actor, handler)
    first = session.get(Staff, case.stage1_handler_id) if case.stage1_handler_id else None
    if first is not None and first.id == staff.id:
        raise RuleBroken(
            f"Stage 2 must be handled by someone other than the Stage 1 handler, {first.name}"
        )
    if (
        first is not None
        and get_setting(session, "stage2_different_service_area")
        and first.service_area_id is not None
        and first.service_area_id == staff.service_area_id
    ):
        raise RuleBroken(
            "Stage 2 must be handled by someone from a different service area from the Stage 1 "
            f"handler, {first.name} (this organisation's policy)"
        )
    changes: dict[str, object] = _set_definition(case, definition) if definition else {}
    changes.update(
        set_fields(
            case,
            stage2_acknowledged=acknowledged,
            stage2_handler_id=staff.id,
            status=Status.STAGE_2.value,
        )
    )
    case.handler_name = staff.name
    _check_sequence_after(case)
    finish_change(session, actor, case, "acknowledge-stage-2", changes)
    return case


@replicated(
    "respond-stage-2",
    fields=("status", "stage2_decision", "stage2_reasons", "stage2_responded"),
)
def respond_stage2(
    session: Session,
    actor: Actor,
    reference: str,
    *,
    response: Response,
    expected_version: int | None,
    today: date,
) -> Case:
    """Record the Stage 2 final response."""
    return _respond(session, actor, reference, 2, response, expected_version, today)


def _respond(
    session: Session,
    actor: Actor,
    reference: str,
    stage: int,
    response: Response,
    expected_version: int | None,
    today: date,
) -> Case:
    case = begin_change(session, actor, reference, expected_version, f"respond-stage-{stage}")
    changes = _apply_response(session, case, stage, response, today)
    _check_sequence_after(case)
    finish_change(session, actor, case, f"respond-stage-{stage}", changes)
    return case


@replicated(
    "refuse-escalation",
    fields=("status", "escalation_refused_on", "escalation_refusal_reason", "closed_on"),
)
def refuse_escalation(
    session: Session,
    actor: Actor,
    reference: str,
    *,
    refused_on: date,
    reason: str,
    expected_version: int | None,
    today: date,
) -> Case:
    """Refuse a Stage 2 request for a valid, recorded reason; the case closes."""
    case = begin_change(session, actor, reference, expected_version, "refuse-escalation")
    if not reason.strip():
        raise InvalidInput("An escalation can only be refused for a recorded reason; give it")
    not_future(refused_on, "The date of the refusal", today)
    if case.escalated and refused_on < case.escalated:
        raise RuleBroken("The refusal cannot be dated before the Stage 2 request")
    changes = set_fields(
        case,
        escalation_refused_on=refused_on,
        escalation_refusal_reason=reason.strip(),
        status=Status.CLOSED.value,
        closed_on=refused_on,
    )
    finish_change(session, actor, case, "refuse-escalation", changes)
    return case


def staff_name(session: Session, staff_id: int | None) -> str:
    if staff_id is None:
        return ""
    return session.scalar(select(Staff.name).where(Staff.id == staff_id)) or ""
