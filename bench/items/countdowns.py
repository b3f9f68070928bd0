"""Countdowns as the app shows them.

The case list's countdown column: for the first page of the list in deadline order (the
most overdue cases first), the rows' countdown texts worked out as the table model does
when it first paints the page (``quick_reads.countdown_texts``: in one pass, each date's
clock state and working days left from its stored next deadline, worded once).
Baseline: numpy's ``busday_count`` for the same rows (the working days from today to each
due date, whole arrays at once, on the same calendar).

The work queue's counts (overdue, due today, due within 3 working days...): ours is
``work_queue.queue_items``, what the queue page calls; baseline: the very statements it
issues (caught with SQLite's trace callback, values included) run through raw sqlite3.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import numpy as np

from bench.items import Context
from bench.store import TODAY
from bench.timing import Result, compare
from caseworker.domain.calendar import WorkingCalendar
from caseworker.services.actor import LOCAL_ADMIN
from caseworker.services.quick_reads import countdown_texts, store_calendar
from caseworker.services.work_queue import queue_items
from db.queries import CaseFilter, page_cases


def _numpy_calendar(cal: WorkingCalendar, first: date, last: date) -> np.busdaycalendar:
    """The same working days for numpy: weekdays that are not working days are holidays."""
    days = (first + timedelta(days=i) for i in range((last - first).days + 1))
    holidays = [d for d in days if d.weekday() < 5 and not cal.is_working_day(d)]
    return np.busdaycalendar(holidays=np.array(holidays, dtype="datetime64[D]"))


def _list_page(ctx: Context, case_filter: CaseFilter, sort: str, name: str) -> Result:
    with ctx.store.quick.read() as conn:
        cal = store_calendar(conn)
        page = page_cases(conn, case_filter, sort=sort, limit=100)
    rows = [r for r in page if r.next_due is not None]  # a small store has fewer open cases
    assert rows

    def ours() -> list[str]:
        return countdown_texts(rows, cal, TODAY)

    dues = [r.next_due for r in rows if r.next_due is not None]
    npcal = _numpy_calendar(cal, min(min(dues), TODAY), max(max(dues), TODAY))
    due = np.array(dues, dtype="datetime64[D]")
    today, one = np.datetime64(TODAY, "D"), np.timedelta64(1, "D")

    def baseline() -> Any:
        ahead = np.busday_count(today + one, due + one, busdaycal=npcal)
        behind = np.busday_count(today, due, busdaycal=npcal)
        return np.where(due >= today, ahead, behind)

    # The two agree on every row: working days overdue (or left) as the text gives them.
    for text, left in zip(ours(), baseline(), strict=True):
        if left < 0:
            assert text in (f"{-left} working day{'s' if left != -1 else ''} overdue",), text
    result = compare(name, ours, baseline, runs=ctx.runs, max_ratio=5, max_seconds=None)
    return replace(result, note=f"{len(rows)} rows, {len(set(dues))} different dates")


def _queue(ctx: Context) -> Result:
    def ours() -> list[Any]:
        with ctx.store.quick.read() as conn:
            return queue_items(conn, LOCAL_ADMIN, TODAY)

    # The statements the queue issues (its calendar read and its counts), caught as SQLite
    # runs them, values included; the baseline runs them again through raw sqlite3.
    captured: list[str] = []
    with ctx.store.quick.read() as conn:
        conn.set_trace_callback(captured.append)
        items = queue_items(conn, LOCAL_ADMIN, TODAY)
        conn.set_trace_callback(None)
    statements = [s for s in captured if s.lstrip().upper().startswith("SELECT")]

    def baseline() -> list[Any]:
        return [ctx.raw.execute(sql).fetchall() for sql in statements]

    counted = {i.count for i in items}
    assert counted <= {v for rows in baseline() for row in rows for v in row if isinstance(v, int)}
    return compare(
        "countdowns (work queue counts)", ours, baseline, runs=ctx.runs, max_ratio=5,
        max_seconds=None,
    )  # fmt: skip


def run(ctx: Context) -> list[Result]:
    everything = CaseFilter(include_restricted=True)
    return [
        _list_page(ctx, everything, "next_due", "countdowns (case list page)"),
        # Open cases by resident: about as many different dates as rows (the worst case).
        _list_page(
            ctx,
            replace(everything, open_only=True),
            "resident_name",
            "countdowns (case list page, open cases by resident)",
        ),
        _queue(ctx),
    ]
