"""Helpers shared by the trust tests: actors of each role, a quick intake, counts, hashes."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from caseworker.services.actor import Actor, Role
from caseworker.services.intake import NewRecord, log_record
from caseworker.services.people import PersonInput
from db.models import Case
from db.store import Store

ADVISOR = Actor("aadvisor", "A. Advisor", Role.ADVISOR, restricted_access=False)
OFFICER = Actor("oofficer", "O. Officer", Role.OFFICER, restricted_access=False)
SAFEGUARDING_OFFICER = Actor("sofficer", "S. Officer", Role.OFFICER, restricted_access=True)
MANAGER = Actor("mmanager", "M. Manager", Role.MANAGER, restricted_access=True)
ADMIN = Actor("aadmin", "A. Admin", Role.ADMINISTRATOR, restricted_access=True)

RECEIVED = date(2026, 2, 2)
TODAY = date(2026, 6, 1)
COUNTED = (
    "cases",
    "people",
    "case_parties",
    "notes",
    "audit_events",
    "users",
    "settings",
    "sites",
    "service_areas",
    "themes",
    "staff",
    "extensions",
    "remedies",
    "outstanding_actions",
    "complaint_points",
    "correspondence",
)


def record(**fields: Any) -> NewRecord:
    values: dict[str, Any] = {
        "kind": "complaint",
        "received": RECEIVED,
        "complainants": (
            PersonInput(name="Jane Doe", address="1 High Street", postcode="S43 4JJ"),
        ),
        "description": "The roof has leaked since October",
        "service_areas": ("Housing Repairs",),
    }
    values.update(fields)
    return NewRecord(**values)


def log(store: Store, actor: Actor = OFFICER, **fields: Any) -> str:
    with store.write() as s:
        return log_record(s, actor, record(**fields), today=TODAY).reference


def version(store: Store, reference: str) -> int:
    with store.read() as s:
        v = s.scalar(select(Case.version).where(Case.reference == reference))
    assert v is not None
    return v


def counts(store: Store) -> dict[str, int]:
    """Row counts of every table a service writes to, read afresh."""
    with store.engine.connect() as conn:
        out = {
            t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in COUNTED
        }
        conn.rollback()
    return out


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
