"""The append-only, chained audit trail: every change says who, when and what."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from caseworker.services import permissions
from caseworker.services.actor import Actor
from db.dialect import Lock, serialise
from db.models import AuditEvent, Case

GENESIS = "0" * 64
# Advisors log restricted contacts without seeing them afterwards; clock recomputes follow
# a setting change, whoever made it.
_ANY_CASE = frozenset({"log-record", "recompute-clocks"})


def json_safe(value: Any) -> Any:
    """Dates, decimals and enums as plain JSON values."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    return value


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def changes_digest(changes: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical(changes)).hexdigest()


def event_digest(
    prev: str, at: datetime, actor: str, role: str, case_id: str | None, action: str, cdigest: str
) -> str:
    """The chain link: covers the previous digest and the digest of the changes.

    Retention can blank personal data in ``changes`` while keeping ``changes_digest``,
    so the chain still verifies.
    """
    body = [prev, at.isoformat(), actor, role, case_id or "", action, cdigest]
    return hashlib.sha256(_canonical(body)).hexdigest()


def record_event(
    session: Session, actor: Actor, action: str, case_id: str | None, changes: dict[str, Any]
) -> AuditEvent:
    """Append one audit event in the caller's transaction, if the actor may do the action.

    Every mutation passes through here, so this is the single place roles are enforced:
    a refused action raises before anything is committed, and the caller's transaction
    rolls back whole.

    Raises:
        NotAllowed: the actor's role does not allow ``action``, or the case is restricted
            and the actor was not given access.
    """
    permissions.check(actor, action)
    if case_id is not None and action not in _ANY_CASE:
        case = session.get(Case, case_id)
        if case is not None and case.restricted:
            permissions.check_restricted(actor, case.reference)
    serialise(session, Lock.RECORD)  # one chain: no two writers read the same head
    prev = _chain_head_for_append(session)
    safe = json_safe(changes)
    at = datetime.now().replace(microsecond=0)
    cdigest = changes_digest(safe)
    digest = event_digest(prev, at, actor.display_name, actor.role.value, case_id, action, cdigest)
    event = AuditEvent(
        at=at,
        actor=actor.display_name,
        role=actor.role.value,
        case_id=case_id,
        action=action,
        changes=safe,
        changes_digest=cdigest,
        prev_digest=prev,
        digest=digest,
    )
    session.add(event)
    session.flush()
    session.info[_HEAD] = (session.get_transaction(), event, digest)
    return event


# The newest event this session appended, kept for the next append in the same transaction
# (a sync batch or an import appends hundreds): the transaction holds the chain (the store
# file's write lock, or the server's advisory lock), so no other writer can append after it.
_HEAD = "caseworker_audit_head"
_HEAD_SQL = select(AuditEvent.digest).order_by(AuditEvent.seq.desc()).limit(1)
_EVENTS = AuditEvent.__table__
_HEAD_ROW = select(_EVENTS.c.digest).order_by(_EVENTS.c.seq.desc()).limit(1)


def _chain_head_for_append(session: Session) -> str:
    """The digest the next event follows: the one this transaction appended last, while it
    still stands (a savepoint rolled back takes its events away: then it is read again)."""
    kept = session.info.get(_HEAD)
    if kept is not None:
        transaction, event, digest = kept
        if transaction is session.get_transaction() and inspect(event).persistent:
            return str(digest)
    # On the connection, so nothing is flushed first: the case's UPDATE goes out with the
    # event, in one flush.
    return session.connection().execute(_HEAD_ROW).scalar() or GENESIS


def forget_chain_head(session: Session) -> None:
    """Say that events were appended other than by ``record_event`` (a bulk writer chaining
    its own rows), so the next ``record_event`` reads the chain's head again."""
    session.info.pop(_HEAD, None)


# Retention blanks an event's changes whole, replacing them with exactly this shape (an
# event about a person keeps the person's id, which says nothing about them). Verify accepts
# a redacted event only in this shape, only for an action retention redacts, and only for a
# case a later retention run names: any other change to an event's changes is caught.
REDACTED = "_redacted"
PERSON_ACTIONS = ("add-person", "update-person")
RETENTION_RUN = "retention-run"


def redacted_changes(action: str, case_id: str | None, changes: dict[str, Any]) -> dict[str, Any]:
    """What retention leaves of an event's changes."""
    if case_id is None and action in PERSON_ACTIONS and isinstance(changes.get("person"), str):
        return {REDACTED: True, "person": changes["person"]}
    return {REDACTED: True}


def _redaction_problem(ev: AuditEvent) -> str | None:
    """Why a redacted event is not in the shape retention leaves, or None."""
    changes = ev.changes
    if ev.case_id is None and ev.action not in PERSON_ACTIONS:
        return "retention never blanks this kind of event"
    allowed = [{REDACTED: True}]
    if ev.case_id is None and isinstance(changes.get("person"), str):
        allowed.append({REDACTED: True, "person": changes["person"]})
    if changes.get(REDACTED) is not True or changes not in allowed:  # 1 == True in Python
        return "its changes were rewritten behind a retention mark"
    return None


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    problem: str


def verify_chain(session: Session) -> ChainProblem | None:
    """The first event that was altered, inserted or removed, or None if the chain holds."""
    prev = GENESIS
    expected_seq: int | None = None
    redacted_cases: dict[str, int] = {}  # case id -> its last redacted event
    retained: dict[str, int] = {}  # case reference -> the last retention run naming it
    for ev in session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).yield_per(1000):
        # A number skipped with the links still joined is not a removal: on a server the
        # numbers come from a sequence, which a rolled-back transaction (a sync batch cut
        # off before its commit) leaves a gap in. A removed event breaks the links.
        if expected_seq is not None and ev.seq != expected_seq and ev.prev_digest != prev:
            return ChainProblem(expected_seq, f"event {expected_seq} is missing (removed)")
        if ev.prev_digest != prev:
            return ChainProblem(
                ev.seq, f"event {ev.seq} does not follow the one before it (inserted or removed)"
            )
        changes = ev.changes if isinstance(ev.changes, dict) else {}
        if REDACTED in changes:
            why = _redaction_problem(ev)
            if why is not None:
                return ChainProblem(ev.seq, f"event {ev.seq} was altered ({why})")
            if ev.case_id is not None:
                redacted_cases[ev.case_id] = ev.seq
        elif changes_digest(ev.changes) != ev.changes_digest:
            return ChainProblem(ev.seq, f"event {ev.seq} was altered (its changes do not match)")
        if ev.action == RETENTION_RUN and ev.case_id is None:
            for reference in changes.get("cases") or ():
                retained[str(reference)] = ev.seq
        want = event_digest(
            prev, ev.at, ev.actor, ev.role, ev.case_id, ev.action, ev.changes_digest
        )
        if want != ev.digest:
            return ChainProblem(ev.seq, f"event {ev.seq} was altered")
        prev = ev.digest
        expected_seq = ev.seq + 1
    return _unexplained_redaction(session, redacted_cases, retained)


def _unexplained_redaction(
    session: Session, redacted: dict[str, int], retained: dict[str, int]
) -> ChainProblem | None:
    """The first redacted event whose case no later retention run anonymised, if any."""
    if not redacted:
        return None
    stmt = select(Case.id, Case.reference).where(Case.id.in_(list(redacted)))
    references: dict[str, str] = {i: ref for i, ref in session.execute(stmt)}
    for case_id, seq in sorted(redacted.items(), key=lambda item: item[1]):
        reference = references.get(case_id)
        if reference is None or retained.get(reference, -1) < seq:
            return ChainProblem(
                seq, f"event {seq} was altered (blanked, but no retention run anonymised its case)"
            )
    return None


def chain_head(session: Session) -> str:
    """The digest of the newest event (printed on reports and beside backups)."""
    return session.scalar(_HEAD_SQL) or GENESIS
