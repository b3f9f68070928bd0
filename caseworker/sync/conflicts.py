"""Conflicts kept by sync: what each side holds, who made each and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseworker.services.actor import Actor
from caseworker.services.permissions import sees_restricted
from db.models import Case, SyncConflict


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
