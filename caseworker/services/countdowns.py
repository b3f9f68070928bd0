"""Countdowns of many clocks at once, on the calendar's working-day index (numpy)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from caseworker.domain.calendar import WorkingCalendar
from caseworker.domain.clocks import ClockState

Ordinals = npt.NDArray[np.int64]

# States as small integers in the arrays; STATE_NAMES reads them back.
OVERDUE, DUE_TODAY, RUNNING = -1, 0, 1
STATE_NAMES = {
    OVERDUE: ClockState.OVERDUE,
    DUE_TODAY: ClockState.DUE_TODAY,
    RUNNING: ClockState.RUNNING,
}


@dataclass(frozen=True)
class Countdowns:
    """Due dates (ordinals), working days left (negative: overdue) and states, one per clock."""

    due: Ordinals
    left: Ordinals
    state: npt.NDArray[np.int8]

    def due_dates(self) -> list[date]:
        return [date.fromordinal(int(o)) for o in self.due]


def countdowns(bases: Ordinals, days: Ordinals, cal: WorkingCalendar, today: date) -> Countdowns:
    """The same answers as the domain clocks (``add_working_days`` from each base, then
    ``working_days_between`` today and the due date), for whole arrays at a time.

    Args:
        bases: each clock's start date as a date ordinal (receipt, acknowledgement...).
        days: working days to add (timescale plus extensions).
        cal: the store's working calendar.
        today: the day the states are judged at.
    """
    if len(bases):
        cal.is_working_day(date.fromordinal(int(bases.min())))  # index the years needed
        cal.is_working_day(date.fromordinal(int(bases.max()) + 2 * int(days.max()) + 14))
    ords = np.asarray(cal.working_day_ordinals, dtype=np.int64)
    due = ords[np.searchsorted(ords, bases, side="left") + days]
    t = today.toordinal()
    after_today = np.searchsorted(ords, t, side="right")
    left = np.searchsorted(ords, due, side="right") - after_today
    state = np.sign(due - t).astype(np.int8)
    return Countdowns(due=due, left=left.astype(np.int64), state=state)
