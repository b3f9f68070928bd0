"""Conflicts kept by sync: what each side holds, who made each and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseworker.services.actor import Actor
from caseworker.services.cases import get_case
from caseworker.services.errors import NotFound
from caseworker.services.permissions import sees_restricted
from caseworker.services.replication import FIELDS, locate_target, target_values
from db.models import Case, CaseLink, SyncConflict

# Actions whose fields do not say all they did (a response's remedies and actions, which
# letter was sent, a letter's or a file's bytes): done on both sides, they are replayed (or
# kept as a conflict), never taken as already there.
NOT_MERGED = frozenset(
    {
        "respond-stage-1",
        "respond-stage-2",
        "make-letter",
        "record-letter-sent",
        "import",
        "resolve-conflict",
    }
)


@dataclass(frozen=True)
class ConflictView:
    id: str
    reference: str
    field: str
    action: str
    server_value: Any
    replica_value: Any
    server_by: str
    server_at: datetime | None
    replica_by: str
    replica_at: datetime | None
    resolved: bool
    case_version: int | None = None  # the case's version as read (for a stale-edit check)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "reference": self.reference,
            "field": self.field,
            "action": self.action,
            "server": {
                "value": self.server_value,
                "by": self.server_by,
                "at": _iso(self.server_at),
            },
            "replica": {
                "value": self.replica_value,
                "by": self.replica_by,
                "at": _iso(self.replica_at),
            },
            "resolved": self.resolved,
        }


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def list_conflicts(
    session: Session, actor: Actor, *, include_resolved: bool = False
) -> list[ConflictView]:
    """The conflicts the actor may see (none on a restricted case without access), oldest first."""
    stmt = select(SyncConflict).order_by(
        SyncConflict.replica_at, SyncConflict.device_seq, SyncConflict.field
    )
    if not include_resolved:
        stmt = stmt.where(SyncConflict.resolved_at.is_(None))
    hidden: set[str] = set()
    if not sees_restricted(actor):
        hidden = {str(c) for c in session.scalars(select(Case.id).where(Case.restricted.is_(True)))}
    rows = [c for c in session.scalars(stmt) if c.case_id not in hidden]
    ids = {c.case_id for c in rows if c.case_id}
    versions: dict[str, int] = (
        {
            str(i): int(v)
            for i, v in session.execute(select(Case.id, Case.version).where(Case.id.in_(ids)))
        }
        if ids
        else {}
    )
    return [
        ConflictView(
            c.id,
            c.reference,
            c.field,
            c.action,
            c.server_value,
            c.replica_value,
            c.server_by,
            c.server_at,
            c.replica_by,
            c.replica_at,
            c.resolved_at is not None,
            versions.get(c.case_id or ""),
        )
        for c in rows
    ]


def count_open_conflicts(session: Session, actor: Actor) -> int:
    """How many conflicts the actor may see are waiting for a choice."""
    return len(list_conflicts(session, actor))


def flagged_cases(session: Session) -> list[str]:
    """References of cases with a conflict not yet resolved (for their handler to look at)."""
    stmt = (
        select(SyncConflict.reference)
        .where(SyncConflict.resolved_at.is_(None), SyncConflict.reference != "")
        .distinct()
        .order_by(SyncConflict.reference)
    )
    return [str(r) for r in session.scalars(stmt)]


def open_ids(session: Session) -> list[str]:
    """The ids of conflicts not yet resolved in this store (a replica asks the server)."""
    stmt = select(SyncConflict.id).where(SyncConflict.resolved_at.is_(None))
    return [str(i) for i in session.scalars(stmt)]


def resolutions(session: Session, ids: list[str]) -> list[dict[str, Any]]:
    """On the server: who resolved which of ``ids``, when and how (the replica copies it)."""
    if not ids:
        return []
    stmt = select(SyncConflict).where(
        SyncConflict.id.in_(ids), SyncConflict.resolved_at.is_not(None)
    )
    return [
        {"id": c.id, "resolved_by": c.resolved_by, "resolved_at": c.resolved_at, "choice": c.choice}
        for c in session.scalars(stmt)
    ]


def copy_resolutions(session: Session, resolved: list[dict[str, Any]]) -> int:
    """On the replica: mark conflicts the server has resolved (by whoever, wherever)."""
    for r in resolved:
        row = session.get(SyncConflict, r["id"])
        if row is not None and row.resolved_at is None:
            row.resolved_by, row.resolved_at, row.choice = (
                r["resolved_by"],
                r["resolved_at"],
                r["choice"],
            )
    session.flush()
    return len(resolved)


def _linked(session: Session, actor: Actor, case: Case | None, args: list[Any]) -> bool:
    """link-case: the server already links the two cases."""
    if case is None or len(args) < 2:
        return False
    try:
        other = get_case(session, actor, str(args[1]))
    except NotFound:
        return False
    stmt = select(CaseLink).where(CaseLink.case_id == case.id, CaseLink.linked_case_id == other.id)
    return session.scalar(stmt) is not None


def _represented(session: Session, actor: Actor, case: Case | None, args: list[Any]) -> bool:
    """add-representative: the same person (by key) already represents the resident, as the
    same relationship and with the same authorisation state."""
    rep = args[1] if case is not None and len(args) > 1 else None
    person_id = getattr(rep, "person_id", None)
    if case is None or not person_id:
        return False  # a new person typed on the PC is a new row: never the same one
    return any(
        p.role == "representative"
        and p.person_id == person_id
        and p.relationship_to_resident == getattr(rep, "relationship", None)
        and p.auth_state == getattr(rep, "auth_state", None)
        for p in case.parties
    )


# Actions that only add rows, and how to tell the server already holds the same rows.
_HELD = {"link-case": _linked, "add-representative": _represented}


def same_change_held(
    session: Session,
    actor: Actor,
    entry: dict[str, Any],
    case: Case | None,
    args: list[Any],
    kwargs: dict[str, Any],
) -> bool:
    """On the server: whether it already holds exactly what this intent did, because the same
    change was made on both sides (the same two cases linked, the same representative added,
    the same acknowledgement, the same revocation). Such an intent is taken without a
    conflict and without a second row.

    For an action that changes fields: the case moved on since the replica read it, and
    every field the replica changed already holds the replica's value on the server.
    """
    action = str(entry["action"])
    if action in NOT_MERGED:
        return False
    held = _HELD.get(action)
    if held is not None:
        return held(session, actor, case, args)
    fields = FIELDS.get(action) or ()
    if not fields or (case is not None and case.version == entry.get("base_version")):
        return False
    _case, target = locate_target(session, actor, action, (None, None, *args), kwargs)
    if target is None or not _same_definition(case, kwargs.get("definition")):
        return False
    base = entry.get("base_values") or {}
    after = entry.get("after_values") or {}
    mine = [f for f in fields if after.get(f) != base.get(f)]
    now = target_values(target, action)
    return bool(mine) and all(now[f] == after.get(f) for f in mine)


def _same_definition(case: Case | None, definition: Any) -> bool:
    """An acknowledgement's complaint points (rows, not fields) must be the same too."""
    points = getattr(definition, "points", None)
    if case is None or points is None:
        return True
    return [p.text for p in case.points] == [p.strip() for p in points if p.strip()]
