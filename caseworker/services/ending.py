"""Ending and reopening cases, replying to enquiries and correcting recorded facts."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from caseworker.domain.dates import parse_date
from caseworker.domain.errors import InvalidInput, RuleBroken
from caseworker.domain.lifecycle import check_sequence
from caseworker.domain.vocab import Channel, ExclusionReason, RecordKind, Status, parse
from caseworker.services.actor import Actor
from caseworker.services.cases import (
    begin_change,
    finish_change,
    not_future,
    set_fields,
)
from caseworker.services.clocks import facts_of
from caseworker.services.replication import replicated
from db.models import Case


@replicated("refuse", fields=("status", "refused_on", "refusal_reason", "refusal_explanation"))
def refuse(
    session: Session,
    actor: Actor,
    reference: str,
    *,
    refused_on: date,
    reason: str,
    explanation: str,
    expected_version: int | None,
    today: date,
) -> Case:
    """Refuse to take a contact as a complaint, for a named exclusion reason."""
    case = begin_change(session, actor, reference, expected_version, "refuse")
    exclusion = parse(ExclusionReason, reason)
    if not explanation.strip():
        raise InvalidInput("Explain why the complaint is refused (it goes in the letter)")
    not_future(refused_on, "The refusal date", today)
    if refused_on < case.received:
        raise RuleBroken("The refusal cannot be dated before the complaint was received")
    changes = set_fields(
        case,
        refused_on=refused_on,
        refusal_reason=exclusion.value,
        refusal_explanation=explanation.strip(),
        status=Status.REFUSED.value,
    )
    finish_change(session, actor, case, "refuse", changes)
    return case


@replicated(
    "withdraw",
    fields=("status", "withdrawn_on", "withdrawal_reason", "withdrawn_by_resident"),
)
def withdraw(
    session: Session,
    actor: Actor,
    reference: str,
    *,
    withdrawn_on: date,
    reason: str = "",
    expected_version: int | None,
    today: date,
) -> Case:
    """The resident withdrew the complaint; its clocks stop."""
    case = begin_change(session, actor, reference, expected_version, "withdraw")
    not_future(withdrawn_on, "The withdrawal date", today)
    if withdrawn_on < case.received:
        raise RuleBroken("The withdrawal cannot be dated before the case was received")
    changes = set_fields(
        case,
        withdrawn_on=withdrawn_on,
        withdrawal_reason=reason.strip(),
        withdrawn_by_resident=True,
        status=Status.WITHDRAWN.value,
    )
    finish_change(session, actor, case, "withdraw", changes)
    return case


@replicated("close", fields=("status", "closed_on"))
def close(
    session: Session,
    actor: Actor,
    reference: str,
    *,
    closed_on: date,
    expected_version: int | None,
    today: date,
) -> Case:
    """Close a case once its stage's response (or reply) has been sent."""
    case = begin_change(session, actor, reference, expected_version, "close")
    not_future(closed_on, "The closing date", today)
    if closed_on < case.received:
        raise RuleBroken("The closing date cannot be before the case was received")
    changes = set_fields(case, closed_on=closed_on, status=Status.CLOSED.value)
    finish_change(session, actor, case, "close", changes)
    return case


def status_from_facts(case: Case) -> Status:
    """The working status a reopened case returns to, from its recorded dates."""
    if case.kind != RecordKind.COMPLAINT.value:
        return Status.LOGGED
    if case.stage2_responded:
        return Status.STAGE_2_RESPONDED
    if case.stage2_acknowledged:
        return Status.STAGE_2
    if case.escalated and not case.escalation_refused_on:
        return Status.STAGE_2_REQUESTED
    if case.stage1_responded:
        return Status.STAGE_1_RESPONDED
    if case.acknowledged:
        return Status.STAGE_1
    return Status.LOGGED


@replicated(
    "reopen",
    fields=(
        "status",
        "closed_on",
        "withdrawn_on",
        "refused_on",
        "withdrawn_by_resident",
        "escalation_refused_on",
    ),
)
def reopen(
    session: Session, actor: Actor, reference: str, *, reason: str, expected_version: int | None
) -> Case:
    """Reopen a closed, refused or withdrawn case, with a reason (audited)."""
    case = begin_change(session, actor, reference, expected_version, "reopen")
    if not reason.strip():
        raise InvalidInput("Give the reason for reopening the case")
    fields: dict[str, object] = {"closed_on": None, "withdrawn_on": None, "refused_on": None}
    if case.withdrawn_by_resident is not None:
        fields["withdrawn_by_resident"] = None
    if case.escalation_refused_on:
        fields["escalation_refused_on"] = None
    # Work out the status with the ending dates cleared.
    changes = set_fields(case, **fields)
    changes.update(set_fields(case, status=status_from_facts(case).value))
    changes["reason"] = reason.strip()
    finish_change(session, actor, case, "reopen", changes)
    return case


@replicated("pass-on", fields=("status", "replied", "reply_text", "closed_on"))
def pass_on(
    session: Session,
    actor: Actor,
    reference: str,
    *,
    passed_on: date,
    to: str,
    expected_version: int | None,
    today: date,
) -> Case:
    """Pass a compliment or comment on to the service; the record closes."""
    case = begin_change(session, actor, reference, expected_version, "pass-on")
    not_future(passed_on, "The date passed on", today)
    if passed_on < case.received:
        raise RuleBroken("It cannot be passed on before it was received")
    if not to.strip():
        raise InvalidInput("Say who it was passed to")
    changes = set_fields(
        case,
        replied=passed_on,
        reply_text=f"Passed to {to.strip()}",
        status=Status.CLOSED.value,
        closed_on=passed_on,
    )
    finish_change(session, actor, case, "pass-on", changes)
    return case


@replicated("reply-enquiry", fields=("status", "replied", "reply_text", "closed_on"))
def reply_enquiry(
    session: Session,
    actor: Actor,
    reference: str,
    *,
    replied_on: date,
    reply: str,
    expected_version: int | None,
    today: date,
) -> Case:
    """Reply to an MP or councillor enquiry; the record closes."""
    case = begin_change(session, actor, reference, expected_version, "reply-enquiry")
    not_future(replied_on, "The reply date", today)
    if replied_on < case.received:
        raise RuleBroken("The reply cannot be dated before the enquiry was received")
    if not reply.strip():
        raise InvalidInput("Write the reply")
    changes = set_fields(
        case,
        replied=replied_on,
        reply_text=reply.strip(),
        status=Status.CLOSED.value,
        closed_on=replied_on,
    )
    finish_change(session, actor, case, "reply-enquiry", changes)
    return case


@replicated("refer-to-ombudsman", fields=("ombudsman_referred_on",))
def refer_to_ombudsman(
    session: Session,
    actor: Actor,
    reference: str,
    *,
    referred_on: date,
    expected_version: int | None,
    today: date,
) -> Case:
    case = begin_change(session, actor, reference, expected_version, "refer-to-ombudsman")
    not_future(referred_on, "The referral date", today)
    if referred_on < case.received:
        raise RuleBroken("The referral cannot be dated before the complaint was received")
    changes = set_fields(case, ombudsman_referred_on=referred_on)
    finish_change(session, actor, case, "refer-to-ombudsman", changes)
    return case


@replicated(
    "record-determination",
    fields=("ombudsman_determined_on", "ombudsman_determination"),
)
def record_determination(
    session: Session,
    actor: Actor,
    reference: str,
    *,
    determined_on: date,
    determination: str,
    expected_version: int | None,
    today: date,
) -> Case:
    case = begin_change(session, actor, reference, expected_version, "record-determination")
    assert case.ombudsman_referred_on is not None  # the lifecycle table needs the referral
    if not determination.strip():
        raise InvalidInput("Record what the Ombudsman decided")
    not_future(determined_on, "The determination date", today)
    if determined_on < case.ombudsman_referred_on:
        raise RuleBroken("The determination cannot be dated before the referral")
    changes = set_fields(
        case, ombudsman_determined_on=determined_on, ombudsman_determination=determination.strip()
    )
    finish_change(session, actor, case, "record-determination", changes)
    return case


# Facts a complaints officer may correct, with how to read the new value.
CORRECTABLE: dict[str, str] = {
    "received": "date",
    "issue_date": "date",
    "aware_date": "date",
    "acknowledged": "date",
    "stage1_responded": "date",
    "escalated": "date",
    "stage2_acknowledged": "date",
    "stage2_responded": "date",
    "channel": "channel",
    "description": "text",
    "desired_outcome": "text",
    "external_reference": "text",
}


@replicated("correct-fact", fields=(*CORRECTABLE, "status"))
def correct_fact(
    session: Session,
    actor: Actor,
    reference: str,
    *,
    field: str,
    value: str,
    reason: str,
    expected_version: int | None,
    today: date,
) -> Case:
    """Correct one recorded fact with a reason; the before and after are audited."""
    case = begin_change(session, actor, reference, expected_version, "correct-fact")
    kind = CORRECTABLE.get(field)
    if kind is None:
        raise InvalidInput(
            f"'{field}' cannot be corrected here; correctable: {', '.join(CORRECTABLE)}"
        )
    if not reason.strip():
        raise InvalidInput("Give the reason for the correction")
    new: object
    if kind == "date":
        new = parse_date(value) if value.strip() else None
        if field == "received" and new is None:
            raise InvalidInput("The date received cannot be blank")
        if isinstance(new, date):
            not_future(new, "The corrected date", today)
    elif kind == "channel":
        new = parse(Channel, value).value
    else:
        new = value.strip()
    changes: dict[str, object] = set_fields(case, **{field: new})
    if not changes:
        raise InvalidInput(f"{field} already has that value")
    check_sequence(facts_of(case))
    if Status(case.status).is_open:
        # A corrected (or blanked) stage date moves the case to the status its dates show.
        changes.update(set_fields(case, status=status_from_facts(case).value))
    changes["reason"] = reason.strip()
    finish_change(session, actor, case, "correct-fact", changes)
    return case
