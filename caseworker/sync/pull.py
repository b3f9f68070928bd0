"""Copying from the server into a replica: reference data, accounts, and whole cases.

The server's audit trail is its change log: every change to a case appends an event naming
the case, in the same transaction, and events are numbered in commit order (one advisory
lock serialises them). A replica's cursor is the last event number it has pulled.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Computed, Connection, Table, delete, func, insert, select, update
from sqlalchemy.orm import Session

from caseworker.domain.vocab import Status
from caseworker.services.cases import refresh_list_columns
from db.models import (
    AuditEvent,
    Case,
    CaseLink,
    CaseParty,
    CaseServiceArea,
    CaseTheme,
    ClosureDay,
    ComplaintPoint,
    Correspondence,
    Document,
    DocumentContent,
    ExtensionRecord,
    HomesCount,
    Learning,
    Note,
    OutboxEntry,
    OutstandingAction,
    Person,
    Remedy,
    ServiceArea,
    Setting,
    Site,
    Staff,
    Theme,
    User,
)

# Shared lists and accounts: the server's rows, by their keys (kept as the server has them).
REFERENCE: tuple[type[Any], ...] = (
    Setting,
    Site,
    ServiceArea,
    Theme,
    Staff,
    ClosureDay,
    HomesCount,
    User,
)
# A case's own rows, replaced whole by the server's (in this order; parents first).
CHILDREN: tuple[type[Any], ...] = (
    ComplaintPoint,
    CaseParty,
    CaseServiceArea,
    CaseTheme,
    ExtensionRecord,
    Remedy,
    OutstandingAction,
    Learning,
    Note,
    Correspondence,
    Document,
)
OPEN = tuple(s.value for s in Status if s.is_open)
CHUNK = 500


def _table(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table


def _columns(table: Table) -> list[Any]:
    return [c for c in table.columns if not isinstance(c.computed, Computed)]


def _rows(conn: Connection | Session, stmt: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(stmt).mappings()]


def server_head(session: Session) -> int:
    """The server's newest audit event number (the cursor after a pull)."""
    return int(session.scalar(select(func.coalesce(func.max(AuditEvent.seq), 0))) or 0)


def read_reference(session: Session) -> dict[str, list[dict[str, Any]]]:
    """The server's shared lists and accounts."""
    out: dict[str, list[dict[str, Any]]] = {}
    for model in REFERENCE:
        table = _table(model)
        out[table.name] = _rows(session, select(*_columns(table)))
    return out


def upsert(conn: Connection, table: Table, rows: Iterable[dict[str, Any]]) -> None:
    """Write each row by its key: changed where it is, added where it is not."""
    keys = list(table.primary_key.columns)
    for row in rows:
        where = [k == row[k.name] for k in keys]
        values = {k: v for k, v in row.items() if k not in {c.name for c in keys}}
        done = conn.execute(update(table).where(*where).values(**values)) if values else None
        if done is None or done.rowcount == 0:
            exists = conn.execute(select(keys[0]).where(*where)).first()
            if exists is None:
                conn.execute(insert(table).values(**row))


def write_reference(session: Session, data: dict[str, list[dict[str, Any]]]) -> None:
    conn = session.connection()
    for model in REFERENCE:
        table = _table(model)
        upsert(conn, table, data.get(table.name, []))


def cases_in_scope(
    session: Session, case_ids: Sequence[str], site_id: int | None, held: set[str]
) -> list[str]:
    """Of ``case_ids`` (on the server), those a replica holds: the ones it has already, and
    its site's open cases that are not restricted (a safeguarding case is worked on the
    server, not carried on a laptop that can be lost)."""
    chosen: list[str] = []
    for i in range(0, len(case_ids), CHUNK):
        part = list(case_ids[i : i + CHUNK])
        rows = session.execute(
            select(Case.id, Case.site_id, Case.status, Case.restricted).where(Case.id.in_(part))
        ).all()
        for cid, site, status, restricted in rows:
            if cid in held or (site == site_id and status in OPEN and not restricted):
                chosen.append(cid)
    return chosen


def changed_cases(session: Session, after: int, through: int) -> list[str]:
    """Cases with an audit event numbered after ``after`` and up to ``through``."""
    stmt = (
        select(AuditEvent.case_id)
        .where(AuditEvent.seq > after, AuditEvent.seq <= through, AuditEvent.case_id.is_not(None))
        .distinct()
    )
    return [str(c) for c in session.scalars(stmt)]


def read_cases(session: Session, case_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """Every row of the given cases, their people, letters and documents, as plain values."""
    out: dict[str, list[dict[str, Any]]] = {"cases": [], "people": [], "case_links": []}
    for model in CHILDREN:
        out[_table(model).name] = []
    out["document_contents"] = []
    for i in range(0, len(case_ids), CHUNK):
        part = list(case_ids[i : i + CHUNK])
        cases = _table(Case)
        out["cases"] += _rows(session, select(*_columns(cases)).where(cases.c.id.in_(part)))
        for model in CHILDREN:
            table = _table(model)
            out[table.name] += _rows(
                session, select(*_columns(table)).where(table.c.case_id.in_(part))
            )
        links = _table(CaseLink)
        out["case_links"] += _rows(session, select(links).where(links.c.case_id.in_(part)))
    people = {r["person_id"] for r in out["case_parties"]} | {
        r["person_id"] for r in out["correspondence"] if r["person_id"]
    }
    ptable = _table(Person)
    ids = sorted(people)
    for i in range(0, len(ids), CHUNK):
        out["people"] += _rows(session, select(ptable).where(ptable.c.id.in_(ids[i : i + CHUNK])))
    docs = [r["id"] for r in out["documents"]]
    ctable = _table(DocumentContent)
    for i in range(0, len(docs), CHUNK):
        out["document_contents"] += _rows(
            session, select(ctable).where(ctable.c.document_id.in_(docs[i : i + CHUNK]))
        )
    return out


def write_cases(session: Session, data: dict[str, list[dict[str, Any]]]) -> int:
    """Replace the replica's copy of each case in ``data`` with the server's; returns how many."""
    conn = session.connection()
    ids = [r["id"] for r in data["cases"]]
    if not ids:
        return 0
    upsert(conn, _table(Person), data["people"])
    upsert(conn, _table(Case), data["cases"])
    for model in reversed(CHILDREN):
        table = _table(model)
        conn.execute(delete(table).where(table.c.case_id.in_(ids)))
    links = _table(CaseLink)
    conn.execute(delete(links).where(links.c.case_id.in_(ids)))
    for model in CHILDREN:
        table = _table(model)
        rows = data[table.name]
        if model is Document:  # an email's attachments name it: parents first
            rows = sorted(rows, key=lambda r: r["parent_id"] is not None)
        if rows:
            conn.execute(insert(table), rows)
    if data["document_contents"]:
        conn.execute(insert(_table(DocumentContent)), data["document_contents"])
    held = set(session.scalars(select(Case.id)))
    linked = [r for r in data["case_links"] if r["linked_case_id"] in held]
    if linked:
        conn.execute(insert(links), linked)
    session.expire_all()
    for cid in ids:  # the list columns and the search entry, as the server has them
        case = session.get(Case, cid)
        if case is not None:
            refresh_list_columns(session, case)
    session.flush()
    return len(ids)


def pending_cases(session: Session) -> set[str]:
    """Cases with changes on this replica not yet taken by the server (not pulled over)."""
    stmt = select(OutboxEntry.case_id).where(
        OutboxEntry.pushed_at.is_(None), OutboxEntry.case_id.is_not(None)
    )
    return {str(c) for c in session.scalars(stmt)}
