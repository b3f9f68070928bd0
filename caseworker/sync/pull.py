"""Copying from the server into a replica: reference data, accounts, and whole cases.

The server's audit trail is its change log: every change to a case appends an event naming
the case, in the same transaction, and events are numbered in commit order (one advisory
lock serialises them). A replica's cursor is the last event number it has pulled.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Computed, Connection, Table, bindparam, delete, func, insert, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
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
from db.search import add_search_entries, drop_search_entry, search_rowid

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
CHUNK = 500  # ids in one IN (...) list
PULL_CHUNK = 500  # cases read from the server and written here in one transaction


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
    """Write each row by its key: changed where it is, added where it is not (one
    ``INSERT ... ON CONFLICT`` statement for them all, on either engine)."""
    rows = list(rows)
    if not rows:
        return
    keys = [k.name for k in table.primary_key.columns]
    insert_of = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    stmt = insert_of(table)
    others = [c.name for c in _columns(table) if c.name not in keys and c.name in rows[0]]
    if others:
        stmt = stmt.on_conflict_do_update(
            index_elements=keys, set_={c: stmt.excluded[c] for c in others}
        )
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=keys)
    conn.execute(stmt, rows)


def write_reference(session: Session, data: dict[str, list[dict[str, Any]]]) -> None:
    conn = session.connection()
    for model in REFERENCE:
        table = _table(model)
        rows = data.get(table.name, [])
        if model is User:
            rows = _keep_local_lock_outs(conn, rows)
        upsert(conn, table, rows)


def _keep_local_lock_outs(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The server's accounts (roles, switched off, lock-outs), except that a lock-out still
    running on this PC stays until it ends: wrong passwords tried here count here too."""
    users = _table(User)
    local = {
        r.username: (r.locked_until, r.failed_attempts)
        for r in conn.execute(
            select(users.c.username, users.c.locked_until, users.c.failed_attempts).where(
                users.c.locked_until.is_not(None)
            )
        )
    }
    out = []
    for row in rows:
        mine = local.get(row["username"])
        if mine is not None and (row["locked_until"] is None or mine[0] > row["locked_until"]):
            row = {**row, "locked_until": mine[0], "failed_attempts": mine[1]}
        out.append(row)
    return out


def site_handlers(session: Session) -> list[int]:
    """On a replica: the staff ids of the people who work on it (the accounts that made
    changes here, by the name the shared staff list knows them by)."""
    names = select(User.display_name).where(
        User.username.in_(select(OutboxEntry.username).distinct())
    )
    return [int(i) for i in session.scalars(select(Staff.id).where(Staff.name.in_(names)))]


def in_scope(
    site: int | None,
    status: str,
    restricted: bool,
    handlers: tuple[int | None, int | None],
    site_id: int | None,
    site_staff: set[int],
) -> bool:
    """Whether a replica for ``site_id`` holds a case: its site's open cases and the cases
    the site's own people handle, never a restricted (safeguarding) case, which is worked
    on the server rather than carried on a laptop that can be lost."""
    if restricted:
        return False
    if site == site_id and status in OPEN:
        return True
    return any(h is not None and h in site_staff for h in handlers)


def cases_in_scope(
    session: Session, case_ids: Sequence[str], site_id: int | None, site_staff: set[int]
) -> list[str]:
    """Of ``case_ids`` (on the server), those a replica holds (``in_scope``)."""
    chosen: list[str] = []
    for i in range(0, len(case_ids), CHUNK):
        part = list(case_ids[i : i + CHUNK])
        rows = session.execute(
            select(
                Case.id,
                Case.site_id,
                Case.status,
                Case.restricted,
                Case.stage1_handler_id,
                Case.stage2_handler_id,
            ).where(Case.id.in_(part))
        ).all()
        for cid, site, status, restricted, h1, h2 in rows:
            if in_scope(site, status, restricted, (h1, h2), site_id, site_staff):
                chosen.append(cid)
    return chosen


def handled_by(session: Session, site_staff: set[int]) -> list[str]:
    """On the server: the cases (not restricted) that the site's own people handle. A
    person who starts working on a replica brings their cases with them at the next pull,
    not only when each next changes."""
    if not site_staff:
        return []
    staff = sorted(site_staff)
    stmt = select(Case.id).where(
        Case.restricted.is_(False),
        Case.stage1_handler_id.in_(staff) | Case.stage2_handler_id.in_(staff),
    )
    return [str(c) for c in session.scalars(stmt)]


def scope_query(site_id: int | None) -> Any:
    """The ids of a new replica's cases on the server (its site's open cases, no restricted)."""
    return select(Case.id).where(
        Case.site_id == site_id, Case.status.in_(OPEN), Case.restricted.is_(False)
    )


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
    out["case_search"] = read_search_entries(session, [r["id"] for r in out["cases"]])
    docs = [r["id"] for r in out["documents"]]
    ctable = _table(DocumentContent)
    for i in range(0, len(docs), CHUNK):
        out["document_contents"] += _rows(
            session, select(ctable).where(ctable.c.document_id.in_(docs[i : i + CHUNK]))
        )
    return out


def write_cases(session: Session, data: dict[str, list[dict[str, Any]]]) -> int:
    """Replace the replica's copy of each case in ``data`` with the server's (rows, list
    columns and search entries as the server has them, each table in one go); returns how
    many."""
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
    wanted = {r["linked_case_id"] for r in data["case_links"]}
    held = set(session.scalars(select(Case.id).where(Case.id.in_(sorted(wanted)))))
    linked = [r for r in data["case_links"] if r["linked_case_id"] in held]
    if linked:
        conn.execute(insert(links), linked)
    session.expire_all()
    _copy_search_entries(session, ids, data.get("case_search", []))
    return len(ids)


def read_search_entries(session: Session, case_ids: Sequence[str]) -> list[dict[str, Any]]:
    """The server's search entries of the given cases, by their keys."""
    keys = [search_rowid(c) for c in case_ids]
    out: list[dict[str, Any]] = []
    for i in range(0, len(keys), CHUNK):
        out += [
            {"id": r[0], "ref": r[1], "names": r[2], "contacts": r[3], "description": r[4]}
            for r in session.execute(_SEARCH_ENTRIES, {"keys": keys[i : i + CHUNK]})
        ]
    return out


_SEARCH_ENTRIES = text(
    "SELECT case_id, reference, names, contacts, description FROM case_search WHERE rowid IN :keys"
).bindparams(bindparam("keys", expanding=True))


def _copy_search_entries(
    session: Session, case_ids: list[str], entries: list[dict[str, Any]]
) -> None:
    """The cases' search entries as the server has them (as their list columns, which come
    with their rows), replaced in one go; a case the server sent none for is indexed here."""
    keys = [search_rowid(c) for c in case_ids]
    for i in range(0, len(keys), CHUNK):
        session.execute(_DROP_ENTRIES, {"keys": keys[i : i + CHUNK]})
    add_search_entries(session, entries)
    missing = set(case_ids) - {e["id"] for e in entries}
    for cid in sorted(missing):
        case = session.get(Case, cid)
        if case is not None:
            refresh_list_columns(session, case)
    session.flush()


_DROP_ENTRIES = text("DELETE FROM case_search WHERE rowid IN :keys").bindparams(
    bindparam("keys", expanding=True)
)


def remove_cases(session: Session, case_ids: Sequence[str]) -> int:
    """Take cases that left the replica's scope off it: their rows, search entries, and
    the people no case it still holds names. Returns how many were removed."""
    conn = session.connection()
    ids = list(case_ids)
    if not ids:
        return 0
    parties, letters = _table(CaseParty), _table(Correspondence)
    named = set(conn.scalars(select(parties.c.person_id).where(parties.c.case_id.in_(ids))))
    named |= {
        p
        for p in conn.scalars(select(letters.c.person_id).where(letters.c.case_id.in_(ids)))
        if p is not None
    }
    links = _table(CaseLink)
    conn.execute(delete(links).where(links.c.case_id.in_(ids) | links.c.linked_case_id.in_(ids)))
    documents = _table(Document)
    contents = _table(DocumentContent)
    conn.execute(
        delete(contents).where(
            contents.c.document_id.in_(select(documents.c.id).where(documents.c.case_id.in_(ids)))
        )
    )
    for model in reversed(CHILDREN):
        table = _table(model)
        conn.execute(delete(table).where(table.c.case_id.in_(ids)))
    for cid in ids:
        drop_search_entry(session, cid)
    cases = _table(Case)
    conn.execute(delete(cases).where(cases.c.id.in_(ids)))
    still = set(conn.scalars(select(parties.c.person_id).where(parties.c.person_id.in_(named))))
    still |= set(conn.scalars(select(letters.c.person_id).where(letters.c.person_id.in_(named))))
    gone = sorted(named - still)
    if gone:
        conn.execute(delete(_table(Person)).where(_table(Person).c.id.in_(gone)))
    session.expire_all()
    return len(ids)


def pending_cases(session: Session) -> set[str]:
    """Cases with changes on this replica not yet taken by the server (not pulled over)."""
    stmt = select(OutboxEntry.case_id).where(
        OutboxEntry.pushed_at.is_(None), OutboxEntry.case_id.is_not(None)
    )
    return {str(c) for c in session.scalars(stmt)}
