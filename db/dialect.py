"""What differs between a store file (SQLite) and a store on a server (PostgreSQL), for the
services: locks, and SQLite's page cache. Search lives in ``db.search``, the read queries'
differences in ``db.queries``; nothing else in the code asks which engine it is on.
"""

from __future__ import annotations

from enum import IntEnum

from sqlalchemy import text
from sqlalchemy.orm import Session


class Lock(IntEnum):
    """Transaction-scoped advisory locks on a server (the numbers are arbitrary, fixed)."""

    # Audit appends and reference numbers: one chain and one counter for every writer.
    RECORD = 0x43570001
    # Shared reference lists (sites, service areas, themes, staff) added by imports.
    REFERENCE_LISTS = 0x43570002


def on_server(session: Session) -> bool:
    """True if ``session`` works on a PostgreSQL store."""
    return session.get_bind().dialect.name == "postgresql"


def serialise(session: Session, lock: Lock) -> None:
    """Wait for, then hold until the transaction ends, the server-wide ``lock``.

    On a store file every writer holds the whole file already (BEGIN IMMEDIATE), so
    nothing is needed there.
    """
    if on_server(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": int(lock)})


def set_cache_kib(session: Session, kib: int) -> None:
    """SQLite's page cache for this connection (a bulk load wants a large one); the server
    manages its own memory."""
    if not on_server(session):
        session.execute(text(f"PRAGMA cache_size = -{int(kib)}"))
