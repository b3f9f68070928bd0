"""Shared steps of every case action: find, check the version, change, audit, refresh clocks."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import flag_modified

from caseworker.domain.calendar import format_day
from caseworker.domain.clocks import Extension
from caseworker.domain.errors import InvalidInput, RuleBroken
from caseworker.domain.lifecycle import check_allowed, state_from
from caseworker.domain.vocab import Status, case_tenure
from caseworker.services import permissions
from caseworker.services.actor import Actor
from caseworker.services.audit import json_safe, record_event
from caseworker.services.clocks import store_clocks
from caseworker.services.errors import NotFound, StaleCase
from caseworker.services.permissions import sees_restricted
from caseworker.services.quick_reads import store_calendar
from db.models import Case, CaseParty, OutstandingAction, Remedy
from db.queries import RawConnection, connection_of
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


# The case a change reads, with whether it has open remedies and actions (all the lifecycle
# table needs of its rows), in one query built once; read afresh, and locked on a server.
_OPEN_REMEDIES = exists().where(Remedy.case_id == Case.id, Remedy.done.is_(None))
_OPEN_ACTIONS = exists().where(
    OutstandingAction.case_id == Case.id, OutstandingAction.done.is_(None)
)
_FOR_CHANGE = (
    select(Case, _OPEN_REMEDIES, _OPEN_ACTIONS)
    .with_for_update(of=Case)
    .execution_options(populate_existing=True)
)
_CHANGE_BY_REFERENCE = _FOR_CHANGE.where(Case.reference.in_(bindparam("wanted", expanding=True)))
_CHANGE_BY_ID = _FOR_CHANGE.where(Case.id == bindparam("wanted"))


def begin_change(
    session: Session, actor: Actor, reference: str, expected_version: int | None, action: str
) -> Case:
    """The case to change, once the actor may see it and do ``action``, the version is the
    one the caller saw and the lifecycle table allows ``action`` in the case's state.

    The case is found as ``get_case`` finds it (and refused in its words), in one query that
    also says whether it has open remedies and actions, so none of its rows is loaded.
    """
    permissions.check(actor, action)
    wanted = reference.strip()
    found = session.execute(_CHANGE_BY_REFERENCE, {"wanted": [wanted, wanted.upper()]}).first()
    if found is None and wanted:
        found = session.execute(_CHANGE_BY_ID, {"wanted": wanted}).first()
    if found is None or (found[0].restricted and not sees_restricted(actor)):
        raise no_such_case(wanted)
    case: Case = found[0]
    check_version(case, expected_version)
    state = state_from(case, open_remedies=bool(found[1]), open_actions=bool(found[2]))
    check_allowed(state, action, case.reference)
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

    The action's own rows are flushed once; the case's extensions and people are then read
    as plain values (no rows loaded one by one), and the case's UPDATE goes out with the
    audit event's INSERT in one flush. Returns the case's new version.
    """
    changes = dict(changes)
    conn = connection_of(session)  # flushes what the action changed, so it is read back
    clock_changes = store_clocks(case, store_calendar(conn), _extensions(conn, case.id))
    if clock_changes:
        changes["clocks"] = json_safe(clock_changes)
    _list_columns(session, conn, case)
    case.updated_at = datetime.now().replace(microsecond=0)
    case.updated_by = actor.display_name
    # Always write the row, so the version moves even when only child rows changed
    # (a note or remedy added within the same second by the same person).
    flag_modified(case, "updated_at")
    record_event(session, actor, action, case.id, changes)  # flushes the case with it
    return case.version


_EXTENSIONS_SQL = (
    "SELECT stage, days, reason, good_reason, told_on FROM extensions WHERE case_id = ? "
    "ORDER BY position, id"
)
_PARTIES_SQL = (
    "SELECT cp.role, cp.auth_state, p.name, p.adjustments, p.tenure, p.postcode, p.phone, "
    "p.email FROM case_parties cp JOIN people p ON p.id = cp.person_id WHERE cp.case_id = ? "
    "ORDER BY cp.position, cp.id"
)


def _extensions(conn: RawConnection, case_id: str) -> list[tuple[int, Extension]]:
    """The case's extensions in order, each with its stage (SQLite gives dates as text)."""
    return [
        (
            int(stage),
            Extension(
                int(days),
                reason,
                bool(good),
                date.fromisoformat(told) if isinstance(told, str) else told,
            ),
        )
        for stage, days, reason, good, told in conn.execute(_EXTENSIONS_SQL, (case_id,))
    ]


def refresh_list_columns(session: Session, case: Case) -> None:
    """The case list's denormalised columns and the search entry, from the case's people
    as the store holds them (what the session changed is flushed first)."""
    _list_columns(session, connection_of(session), case)


def _list_columns(session: Session, conn: RawConnection, case: Case) -> None:
    parties = conn.execute(_PARTIES_SQL, (case.id,)).fetchall()
    complainants = [p for p in parties if p[0] == "complainant"]
    reps = [p for p in parties if p[0] == "representative"]
    case.resident_name = "; ".join(p[2] for p in complainants)
    case.representative_name = "; ".join(p[2] for p in reps)
    case.auth_state = _auth_summary([r[1] for r in reps])
    case.has_adjustments = any(bool(p[3].strip()) for p in parties)
    case.complainant_tenure = case_tenure(p[4] for p in complainants)
    index_case(
        session,
        case.id,
        f"{case.reference} {case.external_reference}".strip(),
        f"{case.resident_name} {case.representative_name}",
        contacts_text([p[5] for p in parties], [p[6] for p in parties], [p[7] for p in parties]),
        case.description,
    )


def _auth_summary(states: list[str]) -> str:
    """The least-settled authorisation among the case's representatives."""
    order = ["pending", "expired", "revoked", "authorised", "not-needed"]
    return min(states or ["not-needed"], key=lambda s: order.index(s) if s in order else 0)
