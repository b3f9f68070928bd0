"""Shared steps of every case action: find, check the version, change, audit, refresh clocks."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import flag_modified

from caseworker.domain.calendar import format_day
from caseworker.domain.errors import InvalidInput, RuleBroken
from caseworker.domain.lifecycle import check_allowed, state_of
from caseworker.domain.vocab import Status, case_tenure
from caseworker.services import permissions
from caseworker.services.actor import Actor
from caseworker.services.audit import json_safe, record_event
from caseworker.services.clocks import refresh_case_clocks
from caseworker.services.errors import NotFound, StaleCase
from caseworker.services.permissions import sees_restricted
from db.models import Case, CaseParty, Person
from db.search import contacts_text, index_case


def get_case(
    session: Session,
    actor: Actor,
    reference: str,
    *,
    with_children: bool = False,
    for_update: bool = False,
) -> Case:
    """The case with that reference (or id), if the actor may see it.

    A reference is matched in any mix of capitals. A restricted case the actor may not
    see is refused with the same words as a case that does not exist, so nothing leaks.
    ``with_children`` loads its parties, points, extensions, remedies, actions, areas and
    themes in a few queries up front (for the case view and letters) instead of one each.
    ``for_update`` reads the row afresh and, on a server, locks it (``FOR UPDATE``) until
    the transaction ends, so its version is checked against what another writer committed.
    """
    wanted = reference.strip()
    stmt = select(Case).where(Case.reference.in_({wanted, wanted.upper()}))
    if for_update:
        stmt = stmt.with_for_update(of=Case).execution_options(populate_existing=True)
    if with_children:
        stmt = stmt.options(
            selectinload(Case.parties).joinedload(CaseParty.person),
            selectinload(Case.points),
            selectinload(Case.extensions),
            selectinload(Case.remedies),
            selectinload(Case.actions),
            selectinload(Case.service_areas),
            selectinload(Case.themes),
        )
    case = session.scalar(stmt)
    if case is None and wanted:
        case = session.get(Case, wanted, with_for_update=for_update or None)
    if case is None or (case.restricted and not sees_restricted(actor)):
        raise no_such_case(wanted)
    return case


def no_such_case(wanted: str) -> NotFound:
    """The refusal for a case that does not exist or that the actor may not see (the same
    words for both, so a restricted case's existence does not show)."""
    return NotFound(f"There is no case with reference {wanted}")


def check_version(case: Case, expected_version: int | None) -> None:
    """Refuse a stale edit, naming who changed the case and when."""
    if expected_version is not None and case.version != expected_version:
        raise StaleCase(
            f"This case was changed by {case.updated_by or 'someone else'} at "
            f"{case.updated_at:%H:%M} on {format_day(case.updated_at.date())}; "
            "reload to see the change"
        )


def require_status(case: Case, allowed: tuple[Status, ...], action: str) -> None:
    status = Status(case.status)
    if status not in allowed:
        wanted = " or ".join(s.label for s in allowed)
        raise RuleBroken(
            f"Cannot {action}: case {case.reference} is {status.label}; it must be {wanted}"
        )


def not_future(d: date, what: str, today: date) -> None:
    if d > today:
        raise InvalidInput(f"{what} cannot be in the future ({format_day(d)})")


def check_amount(amount: Decimal | None, financial: bool) -> None:
    """A remedy's amount: needed (above zero) for a financial remedy; a sum the store can hold."""
    if amount is None:
        if financial:
            raise InvalidInput("A financial remedy needs the amount offered")
        return
    if not amount.is_finite() or not Decimal(0) <= amount < Decimal(100_000_000):
        raise InvalidInput("An amount must be a sum of money from £0 to £99,999,999.99")
    if financial and amount == 0:
        raise InvalidInput("A financial remedy needs the amount offered")


def begin_change(
    session: Session, actor: Actor, reference: str, expected_version: int | None, action: str
) -> Case:
    """The case to change, once the actor may see it and do ``action``, the version is the
    one the caller saw and the lifecycle table allows ``action`` in the case's state."""
    permissions.check(actor, action)
    case = get_case(session, actor, reference, for_update=True)
    check_version(case, expected_version)
    check_allowed(state_of(case), action, case.reference)
    return case


def set_fields(case: Case, **fields: Any) -> dict[str, Any]:
    """Set fields on the case, returning ``{field: [before, after]}`` for those that changed."""
    changed: dict[str, Any] = {}
    for key, value in fields.items():
        before = getattr(case, key)
        if before != value:
            changed[key] = [json_safe(before), json_safe(value)]
            setattr(case, key, value)
    return changed


def finish_change(
    session: Session, actor: Actor, case: Case, action: str, changes: dict[str, Any]
) -> int:
    """Refresh stored clocks and denormalised columns, audit, and bump the version.

    Returns the case's new version.
    """
    changes = dict(changes)
    clock_changes = refresh_case_clocks(session, case)
    if clock_changes:
        changes["clocks"] = json_safe(clock_changes)
    refresh_list_columns(session, case)
    case.updated_at = datetime.now().replace(microsecond=0)
    case.updated_by = actor.display_name
    # Always write the row, so the version moves even when only child rows changed
    # (a note or remedy added within the same second by the same person).
    flag_modified(case, "updated_at")
    session.flush()
    record_event(session, actor, action, case.id, changes)
    return case.version


def refresh_list_columns(session: Session, case: Case) -> None:
    """The case list's denormalised columns and the search entry."""
    complainants = [p for p in case.parties if p.role == "complainant"]
    reps = [p for p in case.parties if p.role == "representative"]
    people: list[Person] = [p.person for p in case.parties]
    case.resident_name = "; ".join(p.person.name for p in complainants)
    case.representative_name = "; ".join(p.person.name for p in reps)
    case.auth_state = _auth_summary(reps)
    case.has_adjustments = any(bool(p.adjustments.strip()) for p in people)
    case.complainant_tenure = case_tenure(p.person.tenure for p in complainants)
    index_case(
        session,
        case.id,
        f"{case.reference} {case.external_reference}".strip(),
        f"{case.resident_name} {case.representative_name}",
        contacts_text(
            [p.postcode for p in people], [p.phone for p in people], [p.email for p in people]
        ),
        case.description,
    )


def _auth_summary(reps: list[CaseParty]) -> str:
    """The least-settled authorisation among the case's representatives."""
    order = ["pending", "expired", "revoked", "authorised", "not-needed"]
    states = [r.auth_state for r in reps] or ["not-needed"]
    return min(states, key=lambda s: order.index(s) if s in order else 0)
