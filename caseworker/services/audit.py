"""The append-only, chained audit trail: every change says who, when and what."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
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
    prev = session.scalar(select(AuditEvent.digest).order_by(AuditEvent.seq.desc()).limit(1))
    safe = json_safe(changes)
    at = datetime.now().replace(microsecond=0)
    cdigest = changes_digest(safe)
    event = AuditEvent(
        at=at,
        actor=actor.display_name,
        role=actor.role.value,
        case_id=case_id,
        action=action,
        changes=safe,
        changes_digest=cdigest,
        prev_digest=prev or GENESIS,
        digest=event_digest(
            prev or GENESIS, at, actor.display_name, actor.role.value, case_id, action, cdigest
        ),
    )
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    problem: str


def verify_chain(session: Session) -> ChainProblem | None:
    """The first event that was altered, inserted or removed, or None if the chain holds."""
    prev = GENESIS
    expected_seq: int | None = None
    for ev in session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).yield_per(1000):
        if expected_seq is not None and ev.seq != expected_seq:
            return ChainProblem(expected_seq, f"event {expected_seq} is missing (removed)")
        if ev.prev_digest != prev:
            return ChainProblem(
                ev.seq, f"event {ev.seq} does not follow the one before it (inserted or removed)"
            )
        redacted = ev.changes.get("_redacted") is True
        if not redacted and changes_digest(ev.changes) != ev.changes_digest:
            return ChainProblem(ev.seq, f"event {ev.seq} was altered (its changes do not match)")
        want = event_digest(
            prev, ev.at, ev.actor, ev.role, ev.case_id, ev.action, ev.changes_digest
        )
        if want != ev.digest:
            return ChainProblem(ev.seq, f"event {ev.seq} was altered")
        prev = ev.digest
        expected_seq = ev.seq + 1
    return None


def chain_head(session: Session) -> str:
    """The digest of the newest event (printed on reports and beside backups)."""
    head = session.scalar(select(AuditEvent.digest).order_by(AuditEvent.seq.desc()).limit(1))
    return head or GENESIS
