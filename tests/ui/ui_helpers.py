"""Helpers shared by the desktop app's tests: an actor, a date and quick logging."""

from __future__ import annotations

from datetime import date
from typing import Any

from caseworker.services.actor import Actor, Role
from caseworker.services.intake import NewRecord, log_record
from caseworker.services.people import PersonInput
from db.store import Store

OFFICER = Actor("asmith", "A. Smith", Role.OFFICER)
RECEIVED = date(2026, 2, 2)  # Mon 2 Feb 2026


def log(store: Store, name: str = "Jane Doe", **fields: Any) -> str:
    """Log a record through the services (for tests that start from existing cases)."""
    values: dict[str, Any] = {
        "kind": "complaint",
        "received": RECEIVED,
        "complainants": (PersonInput(name=name, postcode="S43 4JJ"),),
        "description": "The roof has leaked since October",
        "service_areas": ("Housing Repairs",),
        "site": "Clowne",
    }
    values.update(fields)
    with store.write() as s:
        return log_record(s, OFFICER, NewRecord(**values), today=RECEIVED).reference


# The letterhead the UI tests save: enough for every letter the app makes.
BOLSOVER = {
    "name": "Bolsover District Council",
    "address": "Clowne, S43 4JY",
    "phone": "01246 000000",
    "email": "complaints@example.gov.uk",
}


def name_organisation(store: Store, **details: str) -> None:
    """Save the organisation's details: :data:`BOLSOVER`, with any of them replaced.

    Once the organisation has a name the app opens on the work queue, not Welcome.
    """
    from caseworker.services.actor import LOCAL_ADMIN
    from caseworker.services.settings import get_setting, set_setting

    with store.write() as s:
        merged = dict(get_setting(s, "organisation") or {})
        merged.update(BOLSOVER, **details)
        set_setting(s, LOCAL_ADMIN, "organisation", merged)
