"""The vectorised countdowns agree with the domain clocks, date for date."""

from __future__ import annotations

from datetime import date

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from caseworker.domain.calendar import WorkingCalendar
from caseworker.services.countdowns import DUE_TODAY, OVERDUE, RUNNING, countdowns

CAL = WorkingCalendar(closures=[date(2026, 12, 29), date(2026, 12, 30)])


def test_hand_worked_countdowns_over_christmas() -> None:
    # Received Wed 23 Dec 2026. Skipped: Christmas Day, Boxing Day (observed, Mon 28),
    # the closures Tue 29 and Wed 30, New Year's Day. Working days after it:
    # Thu 24 (1), Thu 31 (2), Mon 4 Jan (3), Tue 5 (4), Wed 6 Jan 2027 (5).
    # As at Thu 31 Dec: Wed 6 Jan is 3 working days ahead; Thu 24 is 1 behind.
    got = countdowns(
        np.array([date(2026, 12, 23).toordinal()] * 3, dtype=np.int64),
        np.array([5, 1, 2], dtype=np.int64),
        CAL,
        date(2026, 12, 31),
    )
    assert got.due_dates() == [date(2027, 1, 6), date(2026, 12, 24), date(2026, 12, 31)]
    assert list(got.left) == [3, -1, 0]
    assert list(got.state) == [RUNNING, OVERDUE, DUE_TODAY]


@given(
    st.lists(
        st.tuples(
            st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
            st.integers(min_value=0, max_value=60),
        ),
        min_size=1,
        max_size=40,
    ),
    st.dates(min_value=date(2020, 1, 1), max_value=date(2031, 6, 30)),
)
def test_same_as_the_domain_calendar(clocks: list[tuple[date, int]], today: date) -> None:
    got = countdowns(
        np.array([b.toordinal() for b, _ in clocks], dtype=np.int64),
        np.array([n for _, n in clocks], dtype=np.int64),
        CAL,
        today,
    )
    want_due = [CAL.add_working_days(b, n) for b, n in clocks]
    assert got.due_dates() == want_due
    assert list(got.left) == [CAL.working_days_between(today, d) for d in want_due]
    assert list(got.state) == [(d > today) - (d < today) for d in want_due]
