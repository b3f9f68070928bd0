"""The work queue's items: what is due, as counts, each with the filter of the list it opens.

Plain data (no Qt), read through the quick reader, so the app can count while it builds
its window (see ui.app).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache

from caseworker.domain.calendar import format_day
from caseworker.domain.clocks import ClockName
from caseworker.services.actor import Actor
from caseworker.services.permissions import sees_restricted, visible_filter
from caseworker.services.quick_reads import countdown_texts, store_calendar
from db.queries import (
    CaseFilter,
    CountStatement,
    Reader,
    connection_of,
    count_cases,
    count_statement,
    is_server,
    page_cases,
    queue_filters,
    run_counts,
)

EXPIRING_WITHIN_DAYS = 28
SOON_WORKING_DAYS = 3
TODAY_KEY = "today"
URGENT_KEYS = frozenset({"overdue", "due-today", "followups"})
WORK_LIST_LIMIT = 200

# What the handler does next, by the clock that sets the next deadline.
NEXT_STEPS = {
    ClockName.ACKNOWLEDGEMENT: "Acknowledge and define the complaint",
    ClockName.STAGE1_RESPONSE: "Send the Stage 1 response",
    ClockName.ESCALATION_WINDOW: "None unless they ask for Stage 2 (window open)",
    ClockName.STAGE2_ACKNOWLEDGEMENT: "Acknowledge the Stage 2 request",
    ClockName.STAGE2_RESPONSE: "Send the Stage 2 final response",
    ClockName.ENQUIRY_REPLY: "Reply to the enquiry",
    ClockName.PASS_ON: "Pass it on to the service",
}


@dataclass(frozen=True)
class QueueItem:
    """One count of the queue and the list it opens."""

    key: str
    title: str
    explanation: str
    count: int
    case_filter: CaseFilter


def queue_items(reader: Reader, actor: Actor, today: date) -> list[QueueItem]:
    """The actor's queue: counts and their filters, as at ``today``."""
    plan = _plan_for(reader, actor, today)
    counts = run_counts(reader, plan.statement)
    return [QueueItem(*shown, counts[field], f) for field, f, shown in plan.items]


def todays_work_filter(reader: Reader, actor: Actor, today: date) -> CaseFilter:
    """The filter of "Today's work" as ``queue_items`` gives it, without counting anything
    (the app reads today's list at start-up while the counts are made on another thread)."""
    plan = _plan_for(reader, actor, today)
    return next(f for _field, f, shown in plan.items if shown[0] == TODAY_KEY)


def _plan_for(reader: Reader, actor: Actor, today: date) -> _Plan:
    cal = store_calendar(reader)
    return _plan(
        is_server(reader),
        today,
        cal.add_working_days(today, SOON_WORKING_DAYS),
        actor.display_name,
        sees_restricted(actor),
    )


@dataclass(frozen=True)
class _Plan:
    """The queue's items for one day and actor, and the one statement that counts them."""

    items: tuple[tuple[str, CaseFilter, tuple[str, str, str]], ...]  # field, filter, words
    statement: CountStatement


@lru_cache(maxsize=8)
def _plan(
    server: bool, today: date, soon: date, actor_name: str, include_restricted: bool
) -> _Plan:
    """Made once a day per actor: the filters and their SQL do not change between counts
    (the queue counts again every minute and after every change)."""
    expiring = today + timedelta(days=EXPIRING_WITHIN_DAYS)
    filters = queue_filters(
        today,
        soon,
        handler=actor_name,
        include_restricted=include_restricted,
        expiring_before=expiring,
    )
    # Today's work: everything open that is due by the end of the "soon" window.
    due_soon = filters["due_soon"]
    assert due_soon is not None
    filters = {"todays_work": replace(due_soon, due_on_or_after=None), **filters}
    # key, the list's field in queue_filters, title, explanation
    shown = (
        (
            TODAY_KEY,
            "todays_work",
            "Today's work",
            f"Overdue, due today or due by {format_day(soon)}",
        ),
        ("overdue", "overdue", "Overdue", f"Past their next deadline (before {format_day(today)})"),
        ("due-today", "due_today", "Due today", f"Next deadline is today, {format_day(today)}"),
        ("due-soon", "due_soon", "Due within 3 working days", f"Due by {format_day(soon)}"),
        (
            "awaiting-ack",
            "awaiting_ack",
            "Awaiting acknowledgement",
            "Complaints logged, not yet acknowledged",
        ),
        (
            "awaiting-stage2-ack",
            "awaiting_stage2_ack",
            "Awaiting Stage 2 acknowledgement",
            "Escalations received, not yet acknowledged",
        ),
        (
            "followups",
            "followups_overdue",
            "Remedies and actions overdue",
            "Cases with a remedy or outstanding action past its due date",
        ),
        (
            "auth-pending",
            "authorisations_pending",
            "Authorisations pending",
            "A representative's authorisation form is awaited",
        ),
        (
            "auth-expiring",
            "authorisations_expiring",
            "Authorisations expiring",
            f"Authorisations that expire by {format_day(expiring)}",
        ),
        ("mine", "my_cases", "My cases", f"Open cases handled by {actor_name}"),
        ("all", "all_open", "All open cases", "Every open case"),
    )
    items = []
    for key, field, title, explanation in shown:
        case_filter = filters[field]
        if case_filter is not None:
            items.append((field, case_filter, (key, title, explanation)))
    return _Plan(tuple(items), count_statement(filters, server=server))


CONFLICTS_KEY = "conflicts"


def conflicts_item(reader: Reader, actor: Actor) -> QueueItem | None:
    """ "Conflicts to resolve": cases a sync flagged, for their handler (None: there are none).

    Kept apart from ``queue_items`` (a store that never synced pays one read of an empty
    table, nothing more).
    """
    rows = (
        connection_of(reader)
        .execute(
            "SELECT DISTINCT case_id FROM sync_conflicts "
            "WHERE resolved_at IS NULL AND case_id IS NOT NULL"
        )
        .fetchall()
    )
    if not rows:
        return None
    case_filter = visible_filter(actor, CaseFilter(case_ids=tuple(sorted(str(r[0]) for r in rows))))
    return QueueItem(
        CONFLICTS_KEY,
        "Conflicts to resolve",
        "Cases where a change made offline met a different change on the server",
        count_cases(reader, case_filter),
        case_filter,
    )


@dataclass(frozen=True)
class WorkItem:
    """One case to act on, as the work queue lists it."""

    reference: str
    kind: str
    status: str
    resident: str
    handler: str
    next_due: date | None
    clock: str  # the clock's label, e.g. "Stage 1 response"
    countdown: str  # "3 working days left", "due today", "2 working days overdue"
    next_step: str
    mine: bool
    overdue: bool
    due_today: bool
    restricted: bool


@dataclass(frozen=True)
class WorkList:
    """The cases of one queue filter: the actor's first, then the team's, by next deadline."""

    items: tuple[WorkItem, ...]
    total: int  # how many cases the filter holds (the list shows at most ``limit`` of each)


def next_step(next_clock: str | None, status: str) -> str:
    """The next thing to do on a case, in words."""
    if next_clock:
        try:
            return NEXT_STEPS[ClockName(next_clock)]
        except ValueError:
            pass
    return "Follow up" if status != "closed" else "None: closed"


def work_list(
    reader: Reader,
    actor: Actor,
    case_filter: CaseFilter,
    today: date,
    *,
    limit: int = WORK_LIST_LIMIT,
) -> WorkList:
    """The cases under ``case_filter`` the actor may see: theirs first, then the team's.

    Each part is in next-deadline order (cases with no deadline last); at most ``limit``
    of each are listed, and ``total`` says how many there are in all.
    """
    cal = store_calendar(reader)
    shown = visible_filter(actor, case_filter)
    me = actor.display_name
    mine = page_cases(reader, replace(shown, handler=me), sort="next_due", limit=limit)
    team = [
        r
        for r in page_cases(reader, shown, sort="next_due", limit=limit + len(mine))
        if r.handler_name != me
    ][:limit]
    rows = (*mine, *team)
    countdowns = countdown_texts(rows, cal, today)
    items = tuple(
        WorkItem(
            reference=r.reference,
            kind=r.kind,
            status=r.status,
            resident=r.resident_name,
            handler=r.handler_name,
            next_due=r.next_due,
            clock=ClockName(r.next_clock).label if r.next_clock else "",
            countdown=countdown,
            next_step=next_step(r.next_clock, r.status),
            mine=r.handler_name == me,
            overdue=r.next_due is not None and r.next_due < today,
            due_today=r.next_due == today,
            restricted=r.restricted,
        )
        for r, countdown in zip(rows, countdowns, strict=True)
    )
    return WorkList(items, count_cases(reader, shown))
