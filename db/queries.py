"""Read queries for lists and counts, as plain SQL on the store's DB-API connection.

The case list is the hottest read in the app and the first thing painted at start-up, so
these queries are written as SQL text and run on the DB-API connection: no SQLAlchemy on
this path (it need not even be imported), one prepared statement per filter shape, and rows
returned as named tuples and frozen dataclasses. Each function takes a ``Reader``: the raw
``sqlite3.Connection`` or ``db.server.ServerConnection`` (at start-up) or a SQLAlchemy
``Session`` (everywhere else; its connection and transaction are used).

The SQL is written once with ``?`` placeholders; the few places SQLite and PostgreSQL differ
(search, SQLite's ``+column`` that keeps a column's index out of a plan) go through
``_Sql``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple, TypeAlias

from caseworker.domain.vocab import Status
from db.search import search_match
from db.server import ServerConnection

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# The statuses of a case still being worked on: Status.is_open is the one definition.
OPEN_STATUSES: tuple[str, ...] = tuple(s.value for s in Status if s.is_open)

RawConnection = sqlite3.Connection | ServerConnection
Reader: TypeAlias = "sqlite3.Connection | ServerConnection | Session"
"""A raw connection (the quick reader at start-up) or a SQLAlchemy session on the store."""


def connection_of(reader: Reader) -> RawConnection:
    """The DB-API connection behind ``reader`` (a session's, inside its transaction)."""
    if isinstance(reader, sqlite3.Connection | ServerConnection):
        return reader
    reader.flush()  # pending ORM changes in a write session must be seen
    conn = reader.connection().connection.driver_connection
    if isinstance(conn, sqlite3.Connection):
        return conn
    assert conn is not None  # a session inside its transaction has a connection
    return ServerConnection(conn)


@dataclass(frozen=True)
class _Sql:
    """What differs between the engines in these queries."""

    server: bool

    def unindexed(self, col: str) -> str:
        """``col``, written so SQLite does not plan on its index (``+col``); PostgreSQL
        plans by its statistics and has no unary plus on text."""
        return col if self.server else f"+{col}"

    def unindexed_text(self, col: str) -> str:
        """A text ``col`` written so neither engine plans on its index: ``+col`` on SQLite,
        ``(col || '')`` on PostgreSQL (whose statistics misjudge "open" in deadline order)."""
        return f"({col} || '')" if self.server else f"+{col}"

    def is_false(self, col: str) -> str:
        return f"NOT {col}" if self.server else f"{col} = 0"


def _sql_of(conn: RawConnection) -> _Sql:
    return _Sql(server=isinstance(conn, ServerConnection))


class CaseRow(NamedTuple):
    """One line of the case list (a named tuple: a page makes a hundred, fast)."""

    id: str
    reference: str
    kind: str
    status: str
    resident_name: str
    representative_name: str
    service_area: str
    site: str
    received: date
    next_due: date | None
    next_clock: str | None
    handler_name: str
    auth_state: str
    restricted: bool
    has_adjustments: bool
    version: int


@dataclass(frozen=True)
class CaseFilter:
    """What the case list shows; every field narrows it, None means any."""

    kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    open_only: bool = False
    service_area_id: int | None = None
    site_id: int | None = None
    handler: str | None = None
    due_before: date | None = None  # next deadline strictly before (overdue: today)
    due_on_or_before: date | None = None
    due_on_or_after: date | None = None
    received_from: date | None = None
    received_to: date | None = None
    search: str = ""
    auth_states: tuple[str, ...] = ()
    # Restricted (safeguarding) cases are left out unless asked for; only
    # caseworker.services.permissions.visible_filter asks, for an actor given access.
    include_restricted: bool = False
    case_ids: tuple[str, ...] | None = field(default=None)
    followups_before: date | None = None  # a remedy or action not done, due before this day
    authorisation_expires_by: date | None = None  # a representative's authority ends by then


# Sortable columns of the list: sort name -> (SQL column, nullable)
SORTS: dict[str, tuple[str, bool]] = {
    "next_due": ("c.next_due", True),
    "reference": ("c.reference", False),
    "received": ("c.received", False),
    "kind": ("c.kind", False),
    "status": ("c.status", False),
    "resident_name": ("c.resident_name", False),
    "handler_name": ("c.handler_name", False),
    "site": ("c.site_id", True),
    "service_area": ("c.primary_service_area_id", True),
}


def _day(value: str | date) -> date:
    """A date column: ISO text from SQLite, a date from PostgreSQL."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def _optional_day(value: str | date | None) -> date | None:
    return _day(value) if value else None


# The list's columns: each CaseRow field, the SQL that reads it, and how its stored value
# becomes the field's type (dates are ISO text, flags 0/1).
ROW_COLUMNS: tuple[tuple[str, str, Callable[[Any], Any] | None], ...] = (
    ("id", "c.id", None),
    ("reference", "c.reference", None),
    ("kind", "c.kind", None),
    ("status", "c.status", None),
    ("resident_name", "c.resident_name", None),
    ("representative_name", "c.representative_name", None),
    ("service_area", "coalesce(a.name, '')", None),
    ("site", "coalesce(s.name, '')", None),
    ("received", "c.received", _day),
    ("next_due", "c.next_due", _optional_day),
    ("next_clock", "c.next_clock", None),
    ("handler_name", "c.handler_name", None),
    ("auth_state", "c.auth_state", None),
    ("restricted", "c.restricted", bool),
    ("has_adjustments", "c.has_adjustments", bool),
    ("version", "c.version", None),
)
assert tuple(name for name, _sql, _conv in ROW_COLUMNS) == CaseRow._fields

ROW_SQL = (
    "SELECT "
    + ", ".join(sql for _name, sql, _conv in ROW_COLUMNS)
    + " FROM cases c LEFT OUTER JOIN service_areas a ON a.id = c.primary_service_area_id "
    "LEFT OUTER JOIN sites s ON s.id = c.site_id"
)
_CONVERTED = tuple(
    (i, conv) for i, (_name, _sql, conv) in enumerate(ROW_COLUMNS) if conv is not None
)


@dataclass(frozen=True)
class SortKey:
    """Where a page ended: the sort value and the reference (keyset paging)."""

    value: Any
    reference: str


class _Where:
    """SQL conditions and their parameters, in order."""

    def __init__(self) -> None:
        self.conds: list[str] = []
        self.args: list[Any] = []

    def add(self, cond: str, *args: Any) -> _Where:
        self.conds.append(cond)
        self.args.extend(_param(a) for a in args)
        return self

    def sql(self) -> str:
        return " WHERE " + " AND ".join(self.conds) if self.conds else ""


def _param(value: Any) -> Any:
    # Dates are stored as ISO text.
    return value.isoformat() if isinstance(value, date) else value


def _marks(values: tuple[Any, ...] | list[Any]) -> str:
    return ", ".join("?" * len(values)) if values else "NULL"


# Authorisation states of a case with a representative (the list shows the least settled).
_REPRESENTED = ("pending", "expired", "revoked", "authorised")


def _conditions(sql: _Sql, f: CaseFilter, *, by_deadline: bool = False) -> _Where:
    """The filter as SQL conditions.

    ``by_deadline``: the rows are read in deadline order from the ``next_due`` index. Every
    case with a deadline is open, so "open only" then filters nothing, and is written so
    SQLite does not pick the status index instead (and sort thousands of rows).
    """
    w = _Where()
    if f.kinds:
        w.add(f"c.kind IN ({_marks(f.kinds)})", *f.kinds)
    if f.statuses:
        w.add(f"c.status IN ({_marks(f.statuses)})", *f.statuses)
    if f.open_only:
        status = sql.unindexed_text("c.status") if by_deadline else "c.status"
        w.add(f"{status} IN ({_marks(OPEN_STATUSES)})", *OPEN_STATUSES)
    if f.service_area_id is not None:
        # EXISTS (a key lookup per candidate) rather than IN (a list of every case the
        # area ever had): the other conditions usually leave far fewer candidates.
        w.add(
            "EXISTS (SELECT 1 FROM case_service_areas x "
            "WHERE x.case_id = c.id AND x.service_area_id = ?)",
            f.service_area_id,
        )
    if f.site_id is not None:
        w.add("c.site_id = ?", f.site_id)
    if f.handler:
        w.add("c.handler_name = ?", f.handler)
    if f.due_before is not None:
        w.add("c.next_due < ?", f.due_before)
    if f.due_on_or_before is not None:
        w.add("c.next_due <= ?", f.due_on_or_before)
    if f.due_on_or_after is not None:
        w.add("c.next_due >= ?", f.due_on_or_after)
    if f.received_from is not None:
        w.add("c.received >= ?", f.received_from)
    if f.received_to is not None:
        w.add("c.received <= ?", f.received_to)
    if f.auth_states:
        w.add(f"c.auth_state IN ({_marks(f.auth_states)})", *f.auth_states)
    if not f.include_restricted:
        w.add(sql.is_false("c.restricted"))
    if f.case_ids is not None:
        w.add(f"c.id IN ({_marks(f.case_ids)})", *f.case_ids)
    if f.followups_before is not None:
        w.add(
            "c.id IN (SELECT case_id FROM remedies WHERE done IS NULL AND due < ? "
            "UNION SELECT case_id FROM outstanding_actions WHERE done IS NULL AND due < ?)",
            f.followups_before,
            f.followups_before,
        )
    if f.authorisation_expires_by is not None:
        # A case with an authorised representative never shows "not needed" (the list's
        # summary is the least settled state): SQLite checks only the represented cases.
        w.add(
            f"c.auth_state IN ({_marks(_REPRESENTED)}) AND EXISTS (SELECT 1 FROM case_parties p "
            f"WHERE p.case_id = c.id AND {sql.unindexed('p.auth_state')} = 'authorised' "
            f"AND {sql.unindexed('p.auth_expires')} <= ?)",
            *_REPRESENTED,
            f.authorisation_expires_by,
        )
    match = search_match(f.search, server=sql.server)
    if match is not None:
        w.add(match.case_condition, match.arg)
    elif f.search.strip():
        w.add("1 = 0")  # punctuation only: nothing matches
    return w


def _order(col: str, descending: bool) -> str:
    way = "DESC" if descending else "ASC"
    return f" ORDER BY {col} {way}, c.reference {way}"


def _reference_order(descending: bool) -> str:
    return f" ORDER BY c.reference {'DESC' if descending else 'ASC'}"


def _ref_after(w: _Where, key: SortKey, descending: bool) -> None:
    w.add(f"c.reference {'<' if descending else '>'} ?", key.reference)


def _after_value(w: _Where, col: str, key: SortKey, descending: bool) -> None:
    op = "<" if descending else ">"
    w.add(
        f"({col} {op} ? OR ({col} = ? AND c.reference {op} ?))", key.value, key.value, key.reference
    )


# A search matching at most this many cases is read as a list of ids first, so SQLite looks
# each case up by key instead of walking the whole list order checking every case. (On a
# server the search is a condition on the case row, planned by its statistics: not needed.)
SMALL_MATCH = 2000


def _resolve_search(conn: RawConnection, f: CaseFilter) -> CaseFilter:
    match = search_match(f.search, server=isinstance(conn, ServerConnection))
    if match is None or match.on_case_row:
        return f
    ids = [r[0] for r in conn.execute(f"{match.ids_sql} LIMIT ?", (match.arg, SMALL_MATCH + 1))]
    if len(ids) > SMALL_MATCH:
        return f
    if f.case_ids is not None:
        allowed = set(f.case_ids)
        ids = [i for i in ids if i in allowed]
    return replace(f, search="", case_ids=tuple(ids))


def _has_value(col: str, f: CaseFilter) -> bool:
    """Whether the filter holds only cases with a value in the sort column ``col`` (a
    deadline or site asked for): then no read of the cases without one is needed. Such a
    read can match nothing, yet SQLite may walk every case with no deadline to find that
    out (the "Today's work" list of someone with no cases: half a second at 1M records)."""
    if col == "c.next_due":
        return any(d is not None for d in (f.due_before, f.due_on_or_before, f.due_on_or_after))
    return col == "c.site_id" and f.site_id is not None


def _without_value(sql: _Sql, col: str, f: CaseFilter) -> str:
    """``col IS NULL``; for a short list of cases, written so SQLite looks the cases up by
    key rather than walking the (mostly NULL) sort index checking each against the list."""
    return f"{col} IS NULL" if f.case_ids is None else f"{sql.unindexed(col)} IS NULL"


def _row(values: tuple[Any, ...]) -> CaseRow:
    """One CaseRow from the columns of ``ROW_COLUMNS``, each converted to its field's type."""
    out = list(values)
    for i, conv in _CONVERTED:
        out[i] = conv(out[i])
    return CaseRow._make(out)


def _rows(conn: RawConnection, w: _Where, tail: str, *args: Any) -> list[CaseRow]:
    cur = conn.execute(ROW_SQL + w.sql() + tail, (*w.args, *args))
    return [_row(r) for r in cur]


def page_cases(
    reader: Reader,
    f: CaseFilter,
    *,
    sort: str = "next_due",
    descending: bool = False,
    after: SortKey | None = None,
    limit: int = 100,
) -> list[CaseRow]:
    """One page of the case list, sorted in SQL; pass the last row's key for the next page.

    Nullable sort columns put empty values last (cases with no deadline after those with
    one). That is done as two ordered reads, the rows with a value and then those without,
    so each can walk its index instead of sorting the whole table.
    """
    conn = connection_of(reader)
    sql = _sql_of(conn)
    col, nullable = SORTS[sort]
    f = _resolve_search(conn, f)
    if not nullable:
        w = _conditions(sql, f)
        if after is not None:
            _after_value(w, col, after, descending)
        return _rows(conn, w, _order(col, descending) + " LIMIT ?", limit)
    rows: list[CaseRow] = []
    if after is None or after.value is not None:
        w = _conditions(sql, f, by_deadline=sort == "next_due").add(f"{col} IS NOT NULL")
        if after is not None:
            _after_value(w, col, after, descending)
        rows = _rows(conn, w, _order(col, descending) + " LIMIT ?", limit)
    if len(rows) < limit and not _has_value(col, f):
        w = _conditions(sql, f).add(_without_value(sql, col, f))
        if after is not None and after.value is None:
            _ref_after(w, after, descending)
        rows += _rows(conn, w, _reference_order(descending) + " LIMIT ?", limit - len(rows))
    return rows


def page_cases_at(
    reader: Reader,
    f: CaseFilter,
    *,
    sort: str = "next_due",
    descending: bool = False,
    offset: int,
    limit: int = 100,
) -> list[CaseRow]:
    """A page far from any cached one (a scroll-bar jump); sequential scrolling uses keysets."""
    conn = connection_of(reader)
    sql = _sql_of(conn)
    col, nullable = SORTS[sort]
    f = _resolve_search(conn, f)
    if not nullable:
        return _rows(
            conn, _conditions(sql, f), _order(col, descending) + " LIMIT ? OFFSET ?", limit, offset
        )
    valued = _conditions(sql, f).add(f"{col} IS NOT NULL")
    with_value = _count(conn, valued)
    rows: list[CaseRow] = []
    if offset < with_value:
        rows = _rows(conn, valued, _order(col, descending) + " LIMIT ? OFFSET ?", limit, offset)
    if len(rows) < limit and not _has_value(col, f):
        w = _conditions(sql, f).add(_without_value(sql, col, f))
        skip = max(0, offset - with_value)
        tail = _reference_order(descending) + " LIMIT ? OFFSET ?"
        rows += _rows(conn, w, tail, limit - len(rows), skip)
    return rows


def sort_key(row: CaseRow, sort: str) -> SortKey:
    values = {
        "next_due": row.next_due,
        "reference": row.reference,
        "received": row.received,
        "kind": row.kind,
        "status": row.status,
        "resident_name": row.resident_name,
        "handler_name": row.handler_name,
    }
    if sort in values:
        return SortKey(values[sort], row.reference)
    raise KeyError(f"sort_key needs the id column for {sort}; use page_cases_at")


def _count(conn: RawConnection, w: _Where) -> int:
    row = conn.execute("SELECT count(*) FROM cases c" + w.sql(), w.args).fetchone()
    assert row is not None
    return int(row[0])


def count_cases(reader: Reader, f: CaseFilter) -> int:
    """How many cases the filter shows."""
    conn = connection_of(reader)
    sql = _sql_of(conn)
    return _count(conn, _conditions(sql, _resolve_search(conn, f)))


@dataclass(frozen=True)
class QueueCounts:
    """The work queue's headline counts."""

    overdue: int
    due_today: int
    due_soon: int
    awaiting_ack: int
    awaiting_stage2_ack: int
    followups_overdue: int
    authorisations_pending: int
    authorisations_expiring: int
    my_cases: int
    all_open: int


def queue_filters(
    today: date,
    soon_until: date,
    *,
    handler: str | None,
    include_restricted: bool = False,
    expiring_before: date | None = None,
) -> dict[str, CaseFilter | None]:
    """The work queue's lists, by ``QueueCounts`` field (None: no such list, counted 0)."""
    base = CaseFilter(open_only=True, include_restricted=include_restricted)
    return {
        "overdue": replace(base, due_before=today),
        "due_today": replace(base, due_on_or_after=today, due_on_or_before=today),
        "due_soon": replace(
            base,
            due_on_or_after=date.fromordinal(today.toordinal() + 1),
            due_on_or_before=soon_until,
        ),
        "awaiting_ack": replace(base, kinds=("complaint",), statuses=("logged",)),
        "awaiting_stage2_ack": replace(base, statuses=("stage-2-requested",)),
        "followups_overdue": CaseFilter(
            include_restricted=include_restricted, followups_before=today
        ),
        "authorisations_pending": replace(base, auth_states=("pending",)),
        "authorisations_expiring": replace(base, authorisation_expires_by=expiring_before or today),
        "my_cases": replace(base, handler=handler) if handler else None,
        "all_open": base,
    }


@dataclass(frozen=True)
class CountStatement:
    """One statement counting the cases of several filters (made once, run many times)."""

    keys: tuple[str, ...]  # the filters' keys, in the statement's column order
    text: str
    args: tuple[Any, ...]


def count_statement(filters: dict[str, CaseFilter | None], *, server: bool) -> CountStatement:
    """The statement counting each filter's cases (a None filter is left out: it counts 0)."""
    sql = _Sql(server=server)
    given = {k: f for k, f in filters.items() if f is not None}
    wheres = [_conditions(sql, f) for f in given.values()]
    text = "SELECT " + ", ".join(f"(SELECT count(*) FROM cases c{w.sql()})" for w in wheres)
    return CountStatement(tuple(given), text, tuple(a for w in wheres for a in w.args))


def run_counts(reader: Reader, statement: CountStatement) -> dict[str, int]:
    """Each filter's count, by key (the keys the statement does not count are left out)."""
    row = connection_of(reader).execute(statement.text, list(statement.args)).fetchone()
    assert row is not None
    return {key: int(n) for key, n in zip(statement.keys, row, strict=True)}


def is_server(reader: Reader) -> bool:
    """True when the reader is a PostgreSQL server's connection."""
    return isinstance(connection_of(reader), ServerConnection)


def count_each(reader: Reader, filters: dict[str, CaseFilter | None]) -> dict[str, int]:
    """How many cases each filter shows, all in one statement (a None filter counts 0)."""
    conn = connection_of(reader)
    resolved = {k: None if f is None else _resolve_search(conn, f) for k, f in filters.items()}
    counts = run_counts(conn, count_statement(resolved, server=is_server(conn)))
    return {key: counts.get(key, 0) for key in filters}


def queue_counts(
    reader: Reader,
    today: date,
    soon_until: date,
    *,
    handler: str | None,
    include_restricted: bool = False,
    expiring_before: date | None = None,
) -> QueueCounts:
    """Counts for the work queue, each one the filter its list opens (in one statement)."""
    filters = queue_filters(
        today,
        soon_until,
        handler=handler,
        include_restricted=include_restricted,
        expiring_before=expiring_before,
    )
    return QueueCounts(**count_each(reader, filters))


@dataclass(frozen=True)
class NamedItem:
    id: int
    name: str


def _named(reader: Reader, table: str) -> list[NamedItem]:
    rows = connection_of(reader).execute(f"SELECT id, name FROM {table} ORDER BY name")
    return [NamedItem(i, n) for i, n in rows]


def sites(reader: Reader) -> list[NamedItem]:
    return _named(reader, "sites")


def service_areas(reader: Reader) -> list[NamedItem]:
    return _named(reader, "service_areas")
