"""The case list's countdowns, a page at a time (``quick_reads.countdown_texts``)."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from caseworker.domain.calendar import WorkingCalendar
from caseworker.services.quick_reads import countdown_texts

MON_16_MAR = date(2026, 3, 16)


class Row(NamedTuple):
    next_due: date | None
    next_clock: str | None


def test_a_page_of_countdowns_worded_as_the_clocks_word_them() -> None:
    cal = WorkingCalendar(closures=[date(2026, 3, 20)])
    rows = [
        Row(date(2026, 3, 2), "stage1-response"),  # Mon 2 Mar: 10 working days before
        Row(date(2026, 3, 13), "acknowledgement"),  # the Friday before
        Row(date(2026, 3, 13), "stage2-response"),  # the same date again
        Row(date(2026, 3, 15), "stage1-response"),  # a Sunday: Monday is one day late
        Row(MON_16_MAR, "stage1-response"),
        Row(date(2026, 3, 17), "stage1-response"),
        Row(date(2026, 3, 23), "stage2-response"),  # Fri 20 Mar is a closure day
        Row(date(2026, 3, 21), "escalation-window"),  # a Saturday: Tue, Wed, Thu to go
        Row(None, None),  # no deadline (closed)
        Row(date(2026, 3, 2), None),  # a date with no clock shows nothing
    ]
    assert countdown_texts(rows, cal, MON_16_MAR) == [
        "10 working days overdue",
        "1 working day overdue",
        "1 working day overdue",
        "1 working day overdue",
        "due today",
        "1 working day left",
        "4 working days left",
        "3 working days left",
        "",
        "",
    ]


def test_on_a_weekend_after_the_due_date() -> None:
    # DOMAIN.md: on a non-working day after its due date a clock reads "overdue since".
    # One running to a non-working day with no working day left "ends" on it.
    rows = [
        Row(date(2026, 3, 13), "stage1-response"),
        Row(date(2026, 3, 12), "stage1-response"),
        Row(date(2026, 3, 15), "escalation-window"),
    ]
    assert countdown_texts(rows, WorkingCalendar(), date(2026, 3, 14)) == [
        "overdue since Fri 13 Mar",
        "1 working day overdue",
        "ends Sun 15 Mar",
    ]
