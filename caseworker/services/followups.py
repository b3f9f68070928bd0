"""Remedies and outstanding actions, tracked after the response until done."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from caseworker.domain.errors import InvalidInput, RuleBroken
from caseworker.domain.vocab import RemedyKind, parse
from caseworker.services.actor import Actor
from caseworker.services.cases import begin_change, check_amount, finish_change, not_future
from caseworker.services.errors import NotFound
from caseworker.services.replication import replicated
from db.models import Case, OutstandingAction, Remedy
from db.ordering import append_in_order


def _stage(case: Case) -> int:
    """The stage the case is being handled at (Stage 2 once acknowledged)."""
    return 2 if case.stage2_acknowledged is not None else 1


@replicated("add-remedy")
def add_remedy(
    session: Session,
    actor: Actor,
    reference: str,
    *,
    kind: str,
    description: str = "",
    amount_offered: Decimal | None = None,
    due: date | None = None,
    expected_version: int | None,
    today: date,
) -> Remedy:
    case = begin_change(session, actor, reference, expected_version, "add-remedy")
    rk = parse(RemedyKind, kind)
    check_amount(amount_offered, rk is RemedyKind.FINANCIAL)
    remedy = Remedy(
        stage=_stage(case),
        kind=rk.value,
        description=description.strip(),
        amount_offered=amount_offered,
        offered_on=today,
        due=due,
    )
    append_in_order(case.remedies, remedy)
    session.flush()
    finish_change(
        session,
        actor,
        case,
        "add-remedy",
        {"remedy": remedy.id, "kind": rk.value, "amount_offered": amount_offered, "due": due},
    )
    return remedy


@replicated("complete-remedy")
def complete_remedy(
    session: Session,
    actor: Actor,
    reference: str,
    remedy_id: str,
    *,
    done: date,
    amount_paid: Decimal | None = None,
    expected_version: int | None,
    today: date,
) -> Remedy:
    case = begin_change(session, actor, reference, expected_version, "complete-remedy")
    remedy = next((r for r in case.remedies if r.id == remedy_id), None)
    if remedy is None:
        raise NotFound(f"Case {case.reference} has no such remedy")
    if remedy.done is not None:
        raise RuleBroken("That remedy is already marked done")
    not_future(done, "The date done", today)
    if amount_paid is not None and amount_paid < 0:
        raise InvalidInput("The amount paid cannot be negative")
    remedy.done = done
    remedy.amount_paid = amount_paid
    finish_change(
        session,
        actor,
        case,
        "complete-remedy",
        {"remedy": remedy.id, "done": done, "amount_paid": amount_paid},
    )
    return remedy


@replicated("add-action")
def add_action(
    session: Session,
    actor: Actor,
    reference: str,
    *,
    description: str,
    due: date | None,
    expected_version: int | None,
) -> OutstandingAction:
    case = begin_change(session, actor, reference, expected_version, "add-action")
    if not description.strip():
        raise InvalidInput("Describe the action")
    action = OutstandingAction(stage=_stage(case), description=description.strip(), due=due)
    append_in_order(case.actions, action)
    session.flush()
    finish_change(
        session,
        actor,
        case,
        "add-action",
        {"action": action.id, "description": action.description, "due": due},
    )
    return action


@replicated("complete-action")
def complete_action(
    session: Session,
    actor: Actor,
    reference: str,
    action_id: str,
    *,
    done: date,
    expected_version: int | None,
    today: date,
) -> OutstandingAction:
    case = begin_change(session, actor, reference, expected_version, "complete-action")
    action = next((a for a in case.actions if a.id == action_id), None)
    if action is None:
        raise NotFound(f"Case {case.reference} has no such action")
    if action.done is not None:
        raise RuleBroken("That action is already marked done")
    not_future(done, "The date done", today)
    action.done = done
    finish_change(session, actor, case, "complete-action", {"action": action.id, "done": done})
    return action


@replicated("agree-update-interval", fields=("update_interval_days",))
def agree_update_interval(
    session: Session,
    actor: Actor,
    reference: str,
    *,
    every_working_days: int,
    expected_version: int | None,
) -> Case:
    """Record how often the resident will be updated while a response is late (audited)."""
    case = begin_change(session, actor, reference, expected_version, "agree-update-interval")
    if not 1 <= every_working_days <= 60:
        raise InvalidInput("Updates must be agreed every 1 to 60 working days")
    before = case.update_interval_days
    case.update_interval_days = every_working_days
    finish_change(
        session,
        actor,
        case,
        "agree-update-interval",
        {"update_interval_days": [before, every_working_days]},
    )
    return case
