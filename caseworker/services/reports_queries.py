"""The grouped SQL a report is counted from: a few aggregate queries, no row per case.

Each query returns counts per combination of a few keys; ``reports`` adds them up.
Stored due dates (extensions included) judge timeliness in SQL; ``clocks`` flags mark
the rare cases whose figures the clock functions must judge instead (see ``reports``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from caseworker.services.reports_window import (
    StagePolicies,
    Window,
    ack_due,
    acknowledged,
    decision,
    due,
    flag,
    responded,
    tenant,
)
from db.models import Case, CaseServiceArea, CaseTheme, Correspondence, ExtensionRecord

STAGE1, STAGE2 = "stage1", "stage2"
_KEYS = 7  # key columns of the widest grouping in ``events``


def _extensions(stage: int) -> Any:
    """Each case's extensions at this stage: their days added up, and 1 if any had a good
    reason (read once from the extensions table and joined, not looked up case by case)."""
    x = ExtensionRecord
    return (
        select(
            x.case_id,
            func.sum(x.days).label("days"),
            func.max(flag(x.good_reason.is_(True))).label("good"),
        )
        .where(x.stage == stage)
        .group_by(x.case_id)
        .subquery(f"ext{stage}")
    )


def _clocks(p: StagePolicies) -> ColumnElement[int]:
    """1 where the clock functions must judge this case's timeliness at this stage."""
    return flag(p.needs_clocks())


def _stage_events(w: Window, p: StagePolicies) -> Any:
    stage = p.stage
    ack = acknowledged(stage)
    ext = _extensions(stage)
    handlers: Any = null()
    if stage == 2:
        # Counted once the Stage 2 handler is known: 1 if not the Stage 1 handler.
        handlers = case(
            (
                and_(
                    w.known(ack),
                    Case.stage1_handler_id.is_not(None),
                    Case.stage2_handler_id.is_not(None),
                ),
                flag(Case.stage1_handler_id != Case.stage2_handler_id),
            ),
            else_=None,
        )
    return (
        select(
            Case.id,
            literal(STAGE1 if stage == 1 else STAGE2, String).label("cat"),
            (Case.received if stage == 1 else Case.escalated).label("day"),
            Case.site_id,
            Case.channel,
            Case.primary_service_area_id.label("area"),
            Case.complainant_tenure.label("tenure"),
            Case.policy_name.label("policy"),
            flag(w.withdrawn_at(stage)).label("withdrawn"),
            flag(and_(w.known(ack), ack <= ack_due(stage))).label("ack_ok"),
            func.coalesce(ext.c.days, 0).label("ext_days"),
            func.coalesce(ext.c.good, 0).label("ext_good"),
            handlers.label("handlers"),
            _clocks(p).label("clocks"),
        )
        .select_from(Case)
        .outerjoin(ext, ext.c.case_id == Case.id)
        .where(*w.received(stage))
    )


def _other_events(w: Window) -> Any:
    """Records other than complaints: only the columns their groupings need."""
    return select(
        Case.kind.label("cat"),
        Case.received.label("day"),
        Case.site_id,
        Case.channel,
        Case.complainant_tenure.label("tenure"),
        Case.primary_service_area_id.label("area"),
    ).where(*w.other_received())


@dataclass
class Events:
    """Records received from ``since``, counted by category (``stage1``, ``stage2`` or the
    kind) and one grouping at a time; all but ``by_day`` and ``by_tenure`` within the period."""

    by_day: Counter[tuple[str, date]]
    by_site: Counter[tuple[str, int | None]]
    by_channel: Counter[tuple[str, str | None]]
    by_tenure: Counter[tuple[str, str | None, bool, bool]]  # tenure, in period, in year
    by_area: Counter[tuple[str, int | None]]  # the main service area ("unique")
    by_any_area: Counter[tuple[str, int | None]]  # each service area ("split"): complaints
    by_theme: Counter[tuple[str, int | None]]
    # policy, withdrawn, acknowledged in time, extension days, good reason, handlers
    # (None, or 1 if Stage 2 is not handled by the Stage 1 handler), clocks
    stages: Counter[tuple[str, str, bool, bool, int, bool, int | None, bool]]


def _int(v: str | None) -> int | None:
    return None if v is None else int(v)


def _bool(v: str | None) -> bool:
    return v not in (None, "0", "false")


def _from_flag(w: Window, day: Any, start: date) -> Any:
    """1 where ``day`` is on or after ``start``: a constant when every event is (as in an
    annual report), which spares the grouping a sort key over every event."""
    return literal(1) if start <= w.since else flag(day >= start)


def events(session: Session, w: Window, policies: tuple[StagePolicies, StagePolicies]) -> Events:
    """Every received-based count in one statement: the period's events are read once (two
    common table expressions: the complaints at either stage, and the other records) and
    grouped a few ways; the groupings by a column of the case row are counted in one pass
    (``cube``) and added up here.

    The complaints have a table of their own so the joins to their service areas and
    themes read it whole: a filter on a common table expression leaves PostgreSQL no
    statistics to go by (it expected 211 of 56,790 rows at a million cases, and looked up
    each one's areas and themes by index).
    """
    complaints = union_all(_stage_events(w, policies[0]), _stage_events(w, policies[1])).cte(
        "complaints"
    )
    others = _other_events(w).cte("others")
    common = ("cat", "day", "site_id", "channel", "tenure", "area")
    ev = union_all(select(*(complaints.c[k] for k in common)), select(others)).subquery("ev")
    # Complaints received in the period (all of them, unless the year started earlier).
    in_period = [] if w.start <= w.since else [complaints.c.day >= w.start]

    def grouped(name: str, keys: list[Any], *where: Any, joined: Any = ev) -> Select[Any]:
        cat = joined.c.cat if joined is ev else complaints.c.cat
        pad = [cast(null(), String)] * (_KEYS - len(keys))
        stmt = select(literal(name, String), cat, *(cast(k, String) for k in keys), *pad)
        stmt = stmt.add_columns(func.count()).select_from(joined)
        varying = [k for k in keys if not isinstance(k, BindParameter)]  # constants: no sort
        return stmt.where(*where).group_by(cat, *varying)

    areas = complaints.outerjoin(CaseServiceArea, CaseServiceArea.case_id == complaints.c.id)
    themes = complaints.outerjoin(CaseTheme, CaseTheme.case_id == complaints.c.id)
    cube = [_from_flag(w, ev.c.day, w.start), _from_flag(w, ev.c.day, w.year_start)]
    cube += [ev.c.site_id, ev.c.channel, ev.c.tenure, ev.c.area]
    stmt = union_all(
        grouped("day", [ev.c.day]),
        grouped("cube", cube),
        # Split counts are shown for complaints only (``other_areas`` finds the other rows).
        grouped("any area", [CaseServiceArea.service_area_id], *in_period, joined=areas),
        grouped("theme", [CaseTheme.theme_id], *in_period, joined=themes),
        grouped(
            "stage",
            [complaints.c[k] for k in ("policy", "withdrawn", "ack_ok", "ext_days", "ext_good")]
            + [complaints.c.handlers, complaints.c.clocks],
            *in_period,
            joined=complaints,
        ),
    )
    out = Events(*(Counter() for _ in range(8)))
    for name, cat, *keys, n in session.execute(stmt):
        _add(out, name, cat, keys, n)
    return out


def _add(out: Events, name: str, cat: str, keys: list[str | None], n: int) -> None:
    """One row of ``events``' statement added to its counts."""
    k1, k2, k3, k4, k5, k6, k7 = keys
    if name == "day":
        out.by_day[cat, date.fromisoformat(str(k1))] += n
    elif name == "cube":
        in_period, in_year = _bool(k1), _bool(k2)
        out.by_tenure[cat, k5, in_period, in_year] += n
        if in_period:
            out.by_site[cat, _int(k3)] += n
            out.by_channel[cat, k4] += n
            out.by_area[cat, _int(k6)] += n
    elif name == "any area":
        out.by_any_area[cat, _int(k1)] += n
    elif name == "theme":
        out.by_theme[cat, _int(k1)] += n
    else:
        key = (cat, str(k1), _bool(k2), _bool(k3), int(str(k4)), _bool(k5), _int(k6), _bool(k7))
        out.stages[key] += n


def other_areas(session: Session, w: Window, area_ids: set[int]) -> set[int]:
    """Of ``area_ids``, those linked to a record other than a complaint received in the period.

    The service areas table lists every area with a record in the period. A record's main
    area is among its linked areas (intake, import and the demo write both), so only areas
    with no complaint and no record's main area need this: usually none, at any size.
    Not filtered by area in SQL, so SQLite reads the period's records by date rather than
    every record ever linked to the areas.
    """
    if not area_ids:
        return set()
    stmt = (
        select(CaseServiceArea.service_area_id)
        .distinct()
        .join(Case, Case.id == CaseServiceArea.case_id)
        .where(*w.other_received(), Case.received >= w.start)
    )
    return area_ids & set(session.scalars(stmt))


@dataclass(frozen=True)
class ResponseGroup:
    """Responses sent alike: in the period and/or year to date, tenant's or not, ..."""

    policy: str
    in_period: bool
    in_year: bool
    tenant: bool
    decision: str | None
    letter: bool  # the response letter made by Caseworker is on file
    within_local: bool
    due: date | None  # for late responses only (with ``responded`` and ``extended``)
    responded: date | None
    extended: bool
    clocks: bool  # the clock functions judge its timeliness
    code_clocks: bool  # ... or only whether it is within the Code's timescale


def _late(p: StagePolicies) -> ColumnElement[bool]:
    """Late by its stored due date."""
    return and_(p.stored_dates_hold(), responded(p.stage) > due(p.stage))


def response_clocks(p: StagePolicies) -> ColumnElement[bool]:
    """Responses whose timeliness (or only whether within the Code's) needs the clocks."""
    return or_(p.needs_clocks(), and_(Case.policy_name.in_(p.later), _late(p)))


def responses(
    session: Session, w: Window, p: StagePolicies, letter_kind: str
) -> list[tuple[ResponseGroup, int]]:
    """This stage's responses sent from ``since``, grouped."""
    stage = p.stage
    sent, due_on, late = responded(stage), due(stage), _late(p)
    day_after = datetime.combine(w.end + timedelta(days=1), time())
    letter = exists().where(
        Correspondence.case_id == Case.id,
        Correspondence.letter_kind == letter_kind,
        Correspondence.made_at < day_after,
    )
    extended = exists().where(ExtensionRecord.case_id == Case.id, ExtensionRecord.stage == stage)
    keys = [
        Case.policy_name,
        _from_flag(w, sent, w.start),
        _from_flag(w, sent, w.year_start),
        flag(tenant()),
        decision(stage),
        flag(letter),
        flag(sent <= due_on),
        case((late, due_on), else_=None),
        case((late, sent), else_=None),
        case((late, flag(extended)), else_=0),
        _clocks(p),
        flag(and_(Case.policy_name.in_(p.later), late)),
    ]
    varying = [k for k in keys if not isinstance(k, BindParameter)]  # constants: no sort
    stmt = select(*keys, func.count()).where(*w.responses(stage)).group_by(*varying)
    out: list[tuple[ResponseGroup, int]] = []
    for (
        pol,
        in_p,
        in_y,
        ten,
        dec,
        letter_on_file,
        local,
        late_due,
        late_sent,
        *flags,
    ) in session.execute(stmt):
        ext, clocks, code_clocks, n = flags
        group = ResponseGroup(
            pol,
            bool(in_p),
            bool(in_y),
            bool(ten),
            dec,
            bool(letter_on_file),
            bool(local),
            late_due,
            late_sent,
            bool(ext),
            bool(clocks),
            bool(code_clocks),
        )
        out.append((group, n))
    return out


def awaiting_clocks(w: Window, p: StagePolicies) -> ColumnElement[bool]:
    """Awaiting cases whose due date at the period end needs the clocks: acknowledged only
    after the end, their response due date was then still provisional."""
    provisional = and_(acknowledged(p.stage) > w.end, Case.policy_name.in_(p.from_ack))
    return or_(p.needs_clocks(), provisional)


def awaiting(session: Session, w: Window, p: StagePolicies) -> tuple[int, int, int]:
    """Cases awaiting this stage's response at the period end: how many are judged by their
    stored due date, how many of those are overdue, and how many need the clocks."""
    clocks = flag(awaiting_clocks(w, p))
    stored = overdue = by_clocks = 0
    for where in w.awaiting(p.stage):
        stmt = (
            select(clocks, func.count(), func.sum(flag(w.end > due(p.stage))))
            .where(*where)
            .group_by(clocks)
        )
        for needs_clocks, n, late in session.execute(stmt):
            if needs_clocks:
                by_clocks += n
            else:
                stored, overdue = stored + n, overdue + (late or 0)
    return stored, overdue, by_clocks
