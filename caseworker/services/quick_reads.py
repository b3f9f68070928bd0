"""Reads for the first paint of the window, in plain SQL (no SQLAlchemy on this path).

The work queue and the case list are painted from these at start-up, through the store's
quick reader; the rest of the app passes a session, whose connection is used.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from typing import Any, Protocol

from caseworker.domain.calendar import WorkingCalendar
from caseworker.domain.clocks import countdown_words, judge
from db.queries import Reader, connection_of
from db.raw import has_accounts as raw_has_accounts

DEFAULTS: dict[str, Any] = {
    "reference_prefix": "CW",
    "nation": "england-and-wales",
    "policy_housing": "hos-2024",
    "policy_other": "lgsco-2024",
    "stage2_different_service_area": False,
    "retention_years": 6,
    "document_max_mb": 25,  # the largest document kept with a case, in megabytes
    "letter_templates_dir": "",  # a folder of the organisation's own letter wording
    "organisation": {
        "name": "",
        "address": "",
        "phone": "",
        "email": "",
        "website": "",
        "logo_path": "",
        "signatory_name": "",
        "signatory_role": "Complaints Team",
        "other_formats": (
            "If you would like this letter in large print, in another language, or explained "
            "through a BSL video call or Relay UK, please contact us."
        ),
    },
}


def setting(reader: Reader, key: str) -> Any:
    """A setting's stored value, or its default."""
    conn = connection_of(reader)
    found = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    if found is None or found[0] is None:
        return DEFAULTS.get(key)
    # JSON text from SQLite (but a number comes back as a number: the column's affinity is
    # numeric); PostgreSQL's driver has parsed it already.
    value = found[0]
    return (
        json.loads(value)
        if isinstance(value, str) and isinstance(conn, sqlite3.Connection)
        else value
    )


@lru_cache(maxsize=16)
def _calendar(nation: str, closures: frozenset[date]) -> WorkingCalendar:
    return WorkingCalendar(nation, closures)


def store_calendar(reader: Reader) -> WorkingCalendar:
    """The working calendar of this store: its nation and closure days."""
    days = connection_of(reader).execute("SELECT day FROM closure_days")
    closures = frozenset(d if isinstance(d, date) else date.fromisoformat(d) for (d,) in days)
    return _calendar(str(setting(reader, "nation")), closures)


def needs_organisation(reader: Reader) -> bool:
    """True until the organisation's name is saved (the app opens on its welcome page)."""
    return not str((setting(reader, "organisation") or {}).get("name", "")).strip()


def has_accounts(reader: Reader) -> bool:
    """True once an administrator has made the first user account (sign-in is then needed)."""
    return raw_has_accounts(connection_of(reader))  # type: ignore[arg-type]


def staff_names(reader: Reader) -> list[str]:
    """The active staff, by name."""
    rows = connection_of(reader).execute("SELECT name FROM staff WHERE active ORDER BY name")
    return [n for (n,) in rows]


def handler_names(reader: Reader) -> list[str]:
    """Everyone named as a handler on a case, and the active staff, for the handler filter."""
    conn = connection_of(reader)
    handlers = conn.execute("SELECT DISTINCT handler_name FROM cases WHERE handler_name != ''")
    return sorted({h for (h,) in handlers} | set(staff_names(conn)))


class Deadline(Protocol):
    """A row with a stored next deadline (a case list row)."""

    @property
    def next_due(self) -> date | None: ...

    @property
    def next_clock(self) -> str | None: ...


def countdown_texts(rows: Iterable[Deadline], cal: WorkingCalendar, today: date) -> list[str]:
    """The countdowns of a page of rows, in one pass: each date judged once (two look-ups
    in the calendar's index of working days) and worded as the clocks word it."""
    worded: dict[date, str] = {}
    out: list[str] = []
    for row in rows:
        due = row.next_due
        if due is None or row.next_clock is None:
            out.append("")
            continue
        text = worded.get(due)
        if text is None:
            state, left = judge(due, None, None, today, cal)
            text = worded[due] = countdown_words(state, left, due)
        out.append(text)
    return out
