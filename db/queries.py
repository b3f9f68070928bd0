"""Read queries for lists and counts, returning plain frozen dataclasses (never ORM rows)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    column,
    func,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session

from db.models import Case, CaseParty, CaseServiceArea, OutstandingAction, Remedy, ServiceArea, Site
from db.search import MATCH_SQL, fts_query

OPEN_STATUSES = (
    "logged",
    "stage-1",
    "stage-1-responded",
    "stage-2-requested",
    "stage-2",
    "stage-2-responded",
)


@dataclass(frozen=True)
class CaseRow:
    """One line of the case list."""

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
    include_restricted: bool = True
    case_ids: tuple[str, ...] | None = field(default=None)


# Sortable columns of the list: (column, nullable)
SORTS: dict[str, tuple[Any, bool]] = {
    "next_due": (Case.next_due, True),
    "reference": (Case.reference, False),
    "received": (Case.received, False),
    "kind": (Case.kind, False),
    "status": (Case.status, False),
    "resident_name": (Case.resident_name, False),
    "handler_name": (Case.handler_name, False),
    "site": (Case.site_id, True),
    "service_area": (Case.primary_service_area_id, True),
}


@dataclass(frozen=True)
class SortKey:
    """Where a page ended: the sort value and the reference (keyset paging)."""

    value: Any
    reference: str


def _conditions(f: CaseFilter, *, by_deadline: bool = False) -> list[ColumnElement[bool]]:
    """The filter as SQL conditions.

    ``by_deadline``: the rows are read in deadline order from the ``next_due`` index. Every
    case with a deadline is open, so "open only" then filters nothing, and is written so
    SQLite does not pick the status index instead (and sort thousands of rows).
    """
    cond: list[ColumnElement[bool]] = []
    if f.kinds:
        cond.append(Case.kind.in_(f.kinds))
    if f.statuses:
        cond.append(Case.status.in_(f.statuses))
    if f.open_only:
        status = literal_column("+cases.status") if by_deadline else Case.status
        cond.append(status.in_(OPEN_STATUSES))
    if f.service_area_id is not None:
        # EXISTS (a key lookup per candidate) rather than IN (a list of every case the
        # area ever had): the other conditions usually leave far fewer candidates.
        cond.append(
            select(CaseServiceArea.case_id)
            .where(
                CaseServiceArea.case_id == Case.id,
                CaseServiceArea.service_area_id == f.service_area_id,
            )
            .exists()
        )
    if f.site_id is not None:
        cond.append(Case.site_id == f.site_id)
    if f.handler:
        cond.append(Case.handler_name == f.handler)
    if f.due_before is not None:
        cond.append(Case.next_due < f.due_before)
    if f.due_on_or_before is not None:
        cond.append(Case.next_due <= f.due_on_or_before)
    if f.due_on_or_after is not None:
        cond.append(Case.next_due >= f.due_on_or_after)
    if f.received_from is not None:
        cond.append(Case.received >= f.received_from)
    if f.received_to is not None:
        cond.append(Case.received <= f.received_to)
    if f.auth_states:
        cond.append(Case.auth_state.in_(f.auth_states))
    if not f.include_restricted:
        cond.append(Case.restricted.is_(False))
    if f.case_ids is not None:
        cond.append(Case.id.in_(f.case_ids))
    q = fts_query(f.search)
    if q is not None:
        cond.append(Case.id.in_(text(MATCH_SQL).bindparams(q=q).columns(column("case_id", String))))
    elif f.search.strip():
        cond.append(Case.id.is_(None))  # punctuation only: nothing matches
    return cond


@cache
def _row_query() -> Any:
    """The list's SELECT, built once (statements are immutable; filters add to copies)."""
    return (
        select(
            Case.id,
            Case.reference,
            Case.kind,
            Case.status,
            Case.resident_name,
            Case.representative_name,
            func.coalesce(ServiceArea.name, ""),
            func.coalesce(Site.name, ""),
            Case.received,
            Case.next_due,
            Case.next_clock,
            Case.handler_name,
            Case.auth_state,
            Case.restricted,
            Case.has_adjustments,
            Case.version,
        )
        .select_from(Case)
        .outerjoin(ServiceArea, ServiceArea.id == Case.primary_service_area_id)
        .outerjoin(Site, Site.id == Case.site_id)
    )


def _ordered(col: Any, descending: bool) -> list[Any]:
    if descending:
        return [col.desc(), Case.reference.desc()]
    return [col.asc(), Case.reference.asc()]


def _ref_after(key: SortKey, descending: bool) -> ColumnElement[bool]:
    return Case.reference < key.reference if descending else Case.reference > key.reference


def _after_value(col: Any, key: SortKey, descending: bool) -> ColumnElement[bool]:
    beyond = col < key.value if descending else col > key.value
    return or_(beyond, and_(col == key.value, _ref_after(key, descending)))


# A search matching at most this many cases is read as a list of ids first, so SQLite looks
# each case up by key instead of walking the whole list order checking every case.
SMALL_MATCH = 2000


def _resolve_search(session: Session, f: CaseFilter) -> CaseFilter:
    q = fts_query(f.search)
    if q is None:
        return f
    ids = session.scalars(text(MATCH_SQL + " LIMIT :n").bindparams(q=q, n=SMALL_MATCH + 1)).all()
    if len(ids) > SMALL_MATCH:
        return f
    if f.case_ids is not None:
        allowed = set(f.case_ids)
        ids = [i for i in ids if i in allowed]
    return replace(f, search="", case_ids=tuple(ids))


def _without_value(col: Any, f: CaseFilter) -> ColumnElement[bool]:
    """``col IS NULL``; for a short list of cases, written so SQLite looks the cases up by
    key rather than walking the (mostly NULL) sort index checking each against the list."""
    if f.case_ids is None:
        return col.is_(None)  # type: ignore[no-any-return]
    return literal_column(f"+{col.table.name}.{col.name}").is_(None)


def _rows(session: Session, stmt: Any) -> list[CaseRow]:
    # Core execution on the session's connection: plain columns need no ORM machinery.
    return [CaseRow(*r) for r in session.connection().execute(stmt)]


def page_cases(
    session: Session,
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
    col, nullable = SORTS[sort]
    f = _resolve_search(session, f)
    if not nullable:
        base = _row_query().where(*_conditions(f))
        stmt = base if after is None else base.where(_after_value(col, after, descending))
        return _rows(session, stmt.order_by(*_ordered(col, descending)).limit(limit))
    rows: list[CaseRow] = []
    if after is None or after.value is not None:
        by_deadline = sort == "next_due"
        stmt = _row_query().where(*_conditions(f, by_deadline=by_deadline), col.is_not(None))
        if after is not None:
            stmt = stmt.where(_after_value(col, after, descending))
        rows = _rows(session, stmt.order_by(*_ordered(col, descending)).limit(limit))
    if len(rows) < limit:
        stmt = _row_query().where(*_conditions(f), _without_value(col, f))
        if after is not None and after.value is None:
            stmt = stmt.where(_ref_after(after, descending))
        order = Case.reference.desc() if descending else Case.reference.asc()
        rows += _rows(session, stmt.order_by(order).limit(limit - len(rows)))
    return rows


def page_cases_at(
    session: Session,
    f: CaseFilter,
    *,
    sort: str = "next_due",
    descending: bool = False,
    offset: int,
    limit: int = 100,
) -> list[CaseRow]:
    """A page far from any cached one (a scroll-bar jump); sequential scrolling uses keysets."""
    col, nullable = SORTS[sort]
    f = _resolve_search(session, f)
    base = _row_query().where(*_conditions(f))
    if not nullable:
        stmt = base.order_by(*_ordered(col, descending)).offset(offset).limit(limit)
        return _rows(session, stmt)
    with_value = count_cases(session, f, extra=col.is_not(None))
    rows: list[CaseRow] = []
    if offset < with_value:
        stmt = base.where(col.is_not(None)).order_by(*_ordered(col, descending))
        rows = _rows(session, stmt.offset(offset).limit(limit))
    if len(rows) < limit:
        order = Case.reference.desc() if descending else Case.reference.asc()
        stmt = base.where(_without_value(col, f)).order_by(order)
        skip = max(0, offset - with_value)
        rows += _rows(session, stmt.offset(skip).limit(limit - len(rows)))
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


def count_cases(session: Session, f: CaseFilter, *, extra: Any = None) -> int:
    """How many cases the filter shows (``extra``: one more condition, for paging)."""
    f = _resolve_search(session, f)
    stmt = select(func.count()).select_from(Case).where(*_conditions(f))
    if extra is not None:
        stmt = stmt.where(extra)
    return int(session.scalar(stmt) or 0)


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


def queue_counts(
    session: Session,
    today: date,
    soon_until: date,
    *,
    handler: str | None,
    include_restricted: bool = True,
    expiring_before: date | None = None,
) -> QueueCounts:
    """Counts for the work queue, each one the filter its list opens."""
    base = CaseFilter(open_only=True, include_restricted=include_restricted)

    def n(**kw: Any) -> int:
        return count_cases(session, replace(base, **kw))

    fu_remedy = (
        select(func.count())
        .select_from(Remedy)
        .join(Case, Case.id == Remedy.case_id)
        .where(Remedy.done.is_(None), Remedy.due < today)
    )
    fu_action = (
        select(func.count())
        .select_from(OutstandingAction)
        .join(Case, Case.id == OutstandingAction.case_id)
        .where(OutstandingAction.done.is_(None), OutstandingAction.due < today)
    )
    if not include_restricted:
        fu_remedy = fu_remedy.where(Case.restricted.is_(False))
        fu_action = fu_action.where(Case.restricted.is_(False))
    followups = int(session.scalar(fu_remedy) or 0) + int(session.scalar(fu_action) or 0)
    return QueueCounts(
        overdue=n(due_before=today),
        due_today=n(due_on_or_after=today, due_on_or_before=today),
        due_soon=n(
            due_on_or_after=date.fromordinal(today.toordinal() + 1), due_on_or_before=soon_until
        ),
        awaiting_ack=n(kinds=("complaint",), statuses=("logged",)),
        awaiting_stage2_ack=n(statuses=("stage-2-requested",)),
        followups_overdue=followups,
        authorisations_pending=n(auth_states=("pending",)),
        authorisations_expiring=n(
            case_ids=expiring_authorisation_case_ids(session, expiring_before or today)
        ),
        my_cases=n(handler=handler) if handler else 0,
        all_open=n(),
    )


def expiring_authorisation_case_ids(session: Session, before: date) -> tuple[str, ...]:
    """Open cases with an authorisation that expires on or before ``before``."""
    rows = session.scalars(
        select(CaseParty.case_id)
        .join(Case, Case.id == CaseParty.case_id)
        .where(
            CaseParty.auth_state == "authorised",
            CaseParty.auth_expires.is_not(None),
            CaseParty.auth_expires <= before,
            Case.status.in_(OPEN_STATUSES),
        )
        .group_by(CaseParty.case_id)
    )
    return tuple(sorted(rows))


def followup_case_ids(session: Session, today: date) -> tuple[str, ...]:
    """Cases with a remedy or action past its due date and not done."""
    r = select(Remedy.case_id).where(Remedy.done.is_(None), Remedy.due < today)
    a = select(OutstandingAction.case_id).where(
        OutstandingAction.done.is_(None), OutstandingAction.due < today
    )
    return tuple(sorted(set(session.scalars(r)) | set(session.scalars(a))))


@dataclass(frozen=True)
class NamedItem:
    id: int
    name: str


def sites(session: Session) -> list[NamedItem]:
    return [
        NamedItem(i, n) for i, n in session.execute(select(Site.id, Site.name).order_by(Site.name))
    ]


def service_areas(session: Session) -> list[NamedItem]:
    return [
        NamedItem(i, n)
        for i, n in session.execute(
            select(ServiceArea.id, ServiceArea.name).order_by(ServiceArea.name)
        )
    ]
