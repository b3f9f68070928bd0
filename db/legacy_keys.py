"""The integer ids rows had before migration 0009, which old audit events still name.

Events are history and are never rewritten: an event from before the upgrade says
``{"note": 3}``, and the note is found by that number through its ``legacy_id`` on the
event's case. The mapping itself is covered by the audit chain: the upgrade appended one
``convert-keys`` event holding ``mapping_digest`` as it was then.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    AuditEvent,
    CaseParty,
    ComplaintPoint,
    EqualityAnswers,
    ExtensionRecord,
    Learning,
    Note,
    OutstandingAction,
    Remedy,
)

CONVERT_ACTION = "convert-keys"

# In the order the migration digests them (its ``TABLES``).
MODELS = (
    ComplaintPoint,
    CaseParty,
    ExtensionRecord,
    Remedy,
    OutstandingAction,
    Learning,
    Note,
    EqualityAnswers,
)

# The key an event's changes name a row by, and the row's model.
EVENT_KEYS: dict[
    str, type[Note] | type[Learning] | type[Remedy] | type[OutstandingAction] | type[CaseParty]
] = {
    "note": Note,
    "learning": Learning,
    "remedy": Remedy,
    "action": OutstandingAction,
    "party": CaseParty,
}


def mapping_digest(session: Session) -> str:
    """SHA-256 over "table old-id new-id" lines, tables in migration order, by old id."""
    h = hashlib.sha256()
    for model in MODELS:
        rows = session.execute(
            select(model.legacy_id, model.id)
            .where(model.legacy_id.is_not(None))
            .order_by(model.legacy_id)
        )
        for old, new in rows:
            h.update(f"{model.__tablename__} {old} {new}\n".encode())
    return h.hexdigest()


def current_id(session: Session, key: str, case_id: str, value: object) -> str | None:
    """The UUID of the row an event's ``key`` (``"note"``, ``"remedy"``...) names on a case.

    ``value`` is an integer in events from before migration 0009 and the UUID after; None
    when the key names no such row of the case.
    """
    model = EVENT_KEYS.get(key)
    if model is None:
        return None
    column = model.legacy_id if isinstance(value, int) else model.id
    found: str | None = session.scalar(
        select(model.id).where(model.case_id == case_id, column == value)
    )
    return found


def mapping_problem(session: Session) -> str | None:
    """What is wrong with the old-id mapping the upgrade recorded on the chain, or None.

    None too for a store that never had integer keys (no ``convert-keys`` event).
    """
    event = session.scalar(
        select(AuditEvent).where(AuditEvent.action == CONVERT_ACTION).order_by(AuditEvent.seq)
    )
    if event is None or mapping_digest(session) == event.changes.get("mapping_sha256"):
        return None
    return (
        f"the old ids kept since the upgrade to UUID keys (event {event.seq}) were altered; "
        "old events no longer find their rows for certain"
    )
