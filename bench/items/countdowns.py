"""Countdowns: the due date and state of every open case's next deadline."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np

from bench.items import Context
from bench.store import TODAY
from bench.timing import Result, compare
from caseworker.domain.calendar import WorkingCalendar
from caseworker.domain.clocks import ClockName, ClockState
from caseworker.domain.policy import load_policy
from caseworker.services.countdowns import countdowns
from caseworker.services.settings import store_calendar

_OPEN_SQL = """
SELECT c.next_clock, c.policy_name, c.received, c.acknowledged, c.escalated,
       c.stage2_acknowledged, c.next_due,
       coalesce((SELECT sum(days) FROM extensions e WHERE e.case_id = c.id AND e.stage = 1), 0),
       coalesce((SELECT sum(days) FROM extensions e WHERE e.case_id = c.id AND e.stage = 2), 0)
FROM cases c WHERE c.next_due IS NOT NULL
"""

Clock = tuple[date, int]  # counted from, working days


def _open_clocks(ctx: Context) -> tuple[list[Clock], list[date]]:
    """Each open case's running clock as (base date, working days), and its stored due date."""
    clocks: list[Clock] = []
    stored: list[date] = []
    for name, policy_name, rec, ack, esc, ack2, due, ext1, ext2 in ctx.raw.execute(_OPEN_SQL):
        p = load_policy(policy_name)
        base, days = {
            ClockName.ACKNOWLEDGEMENT: (rec, p.ack_days),
            ClockName.STAGE1_RESPONSE: (ack, p.stage1_days + ext1),
            ClockName.STAGE2_ACKNOWLEDGEMENT: (esc, p.stage2_ack_days),
            ClockName.STAGE2_RESPONSE: (ack2, p.stage2_days + ext2),
            ClockName.ENQUIRY_REPLY: (rec, p.enquiry_days),
            ClockName.PASS_ON: (rec, p.pass_on_days),
        }[ClockName(name)]
        clocks.append((date.fromisoformat(base), days))
        stored.append(date.fromisoformat(due))
    return clocks, stored


def domain_countdowns(
    clocks: list[Clock], cal: WorkingCalendar, today: date
) -> list[tuple[date, ClockState, int]]:
    """Due date, state and working days left of each clock, with the domain calendar."""
    out = []
    for base, days in clocks:
        due = cal.add_working_days(base, days)
        left = cal.working_days_between(today, due)
        if today < due:
            state = ClockState.RUNNING
        elif today == due:
            state = ClockState.DUE_TODAY
        else:
            state = ClockState.OVERDUE
        out.append((due, state, left))
    return out


def _numpy_calendar(cal: WorkingCalendar) -> np.busdaycalendar:
    """The same working days for numpy: weekdays that are not working days are holidays."""
    ordinals = cal.working_day_ordinals
    working = set(ordinals)
    first, last = date.fromordinal(ordinals[0]), date.fromordinal(ordinals[-1])
    holidays = [
        first + timedelta(days=i)
        for i in range((last - first).days)
        if (first + timedelta(days=i)).weekday() < 5
        and (first + timedelta(days=i)).toordinal() not in working
    ]
    return np.busdaycalendar(holidays=np.array(holidays, dtype="datetime64[D]"))


def run(ctx: Context) -> list[Result]:
    with ctx.store.read() as session:
        cal = store_calendar(session)
    clocks, stored = _open_clocks(ctx)
    npcal = _numpy_calendar(cal)
    bases = np.array([b for b, _ in clocks], dtype="datetime64[D]")
    days = np.array([d for _, d in clocks], dtype=np.int64)
    today = np.datetime64(TODAY, "D")
    one = np.timedelta64(1, "D")

    def baseline() -> tuple[Any, Any, Any]:
        due = np.busday_offset(bases, days, roll="forward", busdaycal=npcal)
        # Working days after today up to the due date; numpy counts a backward span from its
        # far end, so an overdue clock is counted from today.
        ahead = np.busday_count(today + one, due + one, busdaycal=npcal)
        behind = np.busday_count(today, due, busdaycal=npcal)
        left = np.where(due >= today, ahead, behind)
        state = np.sign(due - today)  # -1 overdue, 0 due today, 1 running
        return due, left, state

    ours_out = domain_countdowns(clocks, cal, TODAY)
    assert [d for d, _, _ in ours_out] == stored  # the stored due dates are the clocks' dates
    base_due, base_left, _ = baseline()
    assert [str(d) for d in base_due] == [d.isoformat() for d in stored]
    assert list(base_left) == [left for _, _, left in ours_out]
    base_ords = np.array([b.toordinal() for b, _ in clocks], dtype=np.int64)
    ours_vec = countdowns(base_ords, days, cal, TODAY)
    assert ours_vec.due_dates() == stored
    assert list(ours_vec.left) == list(base_left)
    result = compare(
        "countdowns",
        lambda: countdowns(base_ords, days, cal, TODAY),
        baseline,
        runs=ctx.runs,
        max_ratio=5,
        max_seconds=None,
    )
    return [result]
