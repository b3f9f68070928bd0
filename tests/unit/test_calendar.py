"""WorkingCalendar against dates worked out by hand from a real calendar.

England & Wales bank holidays used below (checked against gov.uk):
2020: Good Fri 10 Apr, Easter Mon 13 Apr.
2022: Spring BH moved to Thu 2 Jun, Platinum Jubilee Fri 3 Jun, State Funeral Mon 19 Sep,
      Christmas Sun 25 Dec -> Boxing Day Mon 26 Dec + substitute Tue 27 Dec.
2023: New Year Sun 1 Jan -> substitute Mon 2 Jan; May Day Mon 1 May; Coronation Mon 8 May.
2024: Good Fri 29 Mar, Easter Mon 1 Apr.  2025: Good Fri 18 Apr, Easter Mon 21 Apr,
      Late Summer Mon 25 Aug.
2026: Good Fri 3 Apr, Easter Mon 6 Apr; Christmas Fri 25 Dec, Boxing Day Sat 26 -> Mon 28 Dec.
2027: New Year Fri 1 Jan; Good Fri 26 Mar, Easter Mon 29 Mar; Christmas Sat 25 / Boxing Sun 26
      -> substitutes Mon 27 and Tue 28 Dec.  2028: New Year Sat 1 Jan -> Mon 3 Jan.
Scotland differs: 2 Jan, St Andrew's Day 30 Nov, no Easter Monday, Summer BH first Mon of Aug.
"""

from __future__ import annotations

from datetime import date

import pytest

from caseworker.domain.calendar import WorkingCalendar, format_day
from caseworker.domain.errors import InvalidInput

ENG = WorkingCalendar()
SCT = WorkingCalendar("scotland")
NIR = WorkingCalendar("northern-ireland")


def test_format_day() -> None:
    assert format_day(date(2027, 1, 4)) == "Mon 4 Jan 2027"
    assert format_day(date(2026, 12, 28)) == "Mon 28 Dec 2026"
    assert format_day(date(2020, 4, 3)) == "Fri 3 Apr 2020"


def test_default_nation_and_unknown_nation() -> None:
    assert ENG.nation == "england-and-wales"
    with pytest.raises(InvalidInput) as exc:
        WorkingCalendar("wales")
    assert str(exc.value) == (
        "'wales' is not a known nation; use one of: england-and-wales, scotland, northern-ireland"
    )


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 1, 5), True),  # Mon
        (date(2026, 1, 10), False),  # Sat
        (date(2026, 1, 11), False),  # Sun
        (date(2026, 1, 1), False),  # New Year's Day (Thu)
        (date(2026, 1, 2), True),  # Fri 2 Jan: working in England
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 4, 7), True),
        (date(2022, 6, 2), False),  # Spring bank holiday moved to Thursday
        (date(2022, 6, 3), False),  # Platinum Jubilee
        (date(2022, 5, 30), True),  # last Mon of May 2022 was NOT a holiday that year
        (date(2022, 9, 19), False),  # State funeral
        (date(2023, 5, 8), False),  # Coronation
        (date(2022, 12, 27), False),  # substitute for Christmas on Sunday
        (date(2022, 12, 28), True),
        (date(2026, 12, 28), False),  # Boxing Day observed
        (date(2026, 12, 29), True),
        (date(2027, 12, 27), False),
        (date(2027, 12, 28), False),
        (date(2027, 12, 29), True),
        (date(2026, 11, 30), True),  # St Andrew's Day is not a holiday in England
    ],
)
def test_is_working_day_england(day: date, working: bool) -> None:
    assert ENG.is_working_day(day) is working


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 1, 2), False),  # 2 January: Scotland only
        (date(2026, 11, 30), False),  # St Andrew's Day (Mon)
        (date(2026, 4, 6), True),  # no Easter Monday in Scotland
        (date(2026, 4, 3), False),  # Good Friday is
        (date(2026, 8, 3), False),  # Summer bank holiday: first Monday of August
        (date(2026, 8, 31), True),  # England's late summer holiday is a working day
    ],
)
def test_is_working_day_scotland(day: date, working: bool) -> None:
    assert SCT.is_working_day(day) is working


def test_northern_ireland_holidays() -> None:
    # St Patrick's Day Tue 17 Mar 2026; the Twelfth falls on Sun 12 Jul 2026 -> Mon 13 Jul.
    assert not NIR.is_working_day(date(2026, 3, 17))
    assert not NIR.is_working_day(date(2026, 7, 13))
    assert ENG.is_working_day(date(2026, 3, 17))
    assert ENG.is_working_day(date(2026, 7, 13))
    # Received Mon 16 Mar 2026: Tue 17 skipped, Wed 18 .. Tue 24 is the 5th working day.
    assert NIR.add_working_days(date(2026, 3, 16), 5) == date(2026, 3, 24)
    assert ENG.add_working_days(date(2026, 3, 16), 5) == date(2026, 3, 23)


def test_reason_closed() -> None:
    assert ENG.reason_closed(date(2026, 1, 5)) is None
    assert ENG.reason_closed(date(2026, 1, 10)) == "weekend"
    assert ENG.reason_closed(date(2026, 4, 3)) == "Good Friday"
    assert ENG.reason_closed(date(2026, 12, 28)) == "Boxing Day (observed)"
    assert ENG.reason_closed(date(2022, 12, 27)) == "Christmas Day (observed)"
    # A bank holiday on a weekend reads as the holiday, not "weekend".
    assert ENG.reason_closed(date(2022, 12, 25)) == "Christmas Day"
    assert SCT.reason_closed(date(2026, 11, 30)) == "Saint Andrew's Day"
    closed = WorkingCalendar(closures=[date(2026, 12, 29), date(2026, 12, 26)])
    assert closed.reason_closed(date(2026, 12, 29)) == "closure day"
    # Closure on a bank holiday still reads as the holiday.
    assert closed.reason_closed(date(2026, 12, 26)) == "Boxing Day"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 1, 5), date(2026, 1, 5)),  # working day: itself
        (date(2026, 1, 10), date(2026, 1, 12)),  # Sat -> Mon
        (date(2026, 4, 3), date(2026, 4, 7)),  # Good Fri -> (Sat, Sun, Easter Mon) -> Tue
        (date(2026, 12, 25), date(2026, 12, 29)),  # Fri 25, Sat, Sun, Mon 28 observed -> Tue 29
        (date(2027, 12, 25), date(2027, 12, 29)),  # Sat 25, Sun, Mon 27, Tue 28 -> Wed 29
        (date(2022, 12, 24), date(2022, 12, 28)),  # Sat 24, Sun 25, Mon 26, Tue 27 -> Wed 28
    ],
)
def test_next_working_day(day: date, expected: date) -> None:
    assert ENG.next_working_day(day) == expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Weekday, no holidays: Mon 5 Jan 2026 + 5 = Mon 12 Jan.
        (date(2026, 1, 5), 5, date(2026, 1, 12)),
        (date(2026, 1, 5), 0, date(2026, 1, 5)),
        # Weekend receipt: Sat 10 Jan 2026 counts from Mon 12; +5 = Mon 19 Jan.
        (date(2026, 1, 10), 5, date(2026, 1, 19)),
        (date(2026, 1, 11), 5, date(2026, 1, 19)),
        # From a non-working day with n=0: the next working day.
        (date(2026, 1, 10), 0, date(2026, 1, 12)),
        # Bank-holiday receipt: Mon 25 Aug 2025 counts from Tue 26; W27 T28 F29 M1 T2 -> Tue 2 Sep.
        (date(2025, 8, 25), 5, date(2025, 9, 2)),
        # Easter 2026: Thu 2 Apr; Fri 3 / Mon 6 skipped; T7 W8 T9 F10 M13 -> Mon 13 Apr.
        (date(2026, 4, 2), 5, date(2026, 4, 13)),
        # Easter 2025: Wed 16 Apr; T17(1), Fri 18 / Mon 21 skipped, T22 W23 T24 F25 -> Fri 25 Apr.
        (date(2025, 4, 16), 5, date(2025, 4, 25)),
        # Easter 2024: received Good Fri 29 Mar, counts from Tue 2 Apr; W3 T4 F5 M8 T9 -> Tue 9 Apr.
        (date(2024, 3, 29), 5, date(2024, 4, 9)),
        # Easter 2027: Mon 22 Mar; T23 W24 T25, Fri 26 / Mon 29 skipped, T30 W31 -> Wed 31 Mar.
        (date(2027, 3, 22), 5, date(2027, 3, 31)),
        # Christmas 2022: Fri 23 Dec; M26 T27 skipped, W28 T29 F30, M2 Jan skipped, T3 W4 -> 4 Jan.
        (date(2022, 12, 23), 5, date(2023, 1, 4)),
        # Christmas 2026: Thu 24 Dec; F25 M28 skipped, T29 W30 T31, F1 Jan skipped, M4 T5 -> 5 Jan.
        (date(2026, 12, 24), 5, date(2027, 1, 5)),
        # Christmas 2027: Fri 24 Dec; M27 T28 skipped, W29 T30 F31, M3 Jan 2028 skipped,
        # T4 W5 -> Wed 5 Jan 2028.
        (date(2027, 12, 24), 5, date(2028, 1, 5)),
        # Jubilee 2022: Wed 1 Jun; T2 F3 skipped, M6 T7 W8 T9 F10 -> Fri 10 Jun.
        (date(2022, 6, 1), 5, date(2022, 6, 10)),
        # Queen's funeral: Fri 16 Sep 2022; M19 skipped, T20 W21 T22 F23 M26 -> Mon 26 Sep.
        (date(2022, 9, 16), 5, date(2022, 9, 26)),
        # Coronation: Fri 28 Apr 2023; M1 May skipped, T2 W3 T4 F5, M8 skipped, T9 -> Tue 9 May.
        (date(2023, 4, 28), 5, date(2023, 5, 9)),
        # Stage 1 from an ack on Mon 4 Jan 2027: 10 working days -> Mon 18 Jan 2027.
        (date(2027, 1, 4), 10, date(2027, 1, 18)),
        # Stage 2, 20 working days from Mon 9 Feb 2026 -> Mon 9 Mar 2026.
        (date(2026, 2, 9), 20, date(2026, 3, 9)),
        # Counting back: 5 working days before Fri 3 Apr 2020 is Fri 27 Mar 2020.
        (date(2020, 4, 3), -5, date(2020, 3, 27)),
        # Counting back over New Year 2001: F5 Jan -> T4 W3 T2, (M1 holiday), F29 T28 Dec 2000.
        (date(2001, 1, 5), -5, date(2000, 12, 28)),
    ],
)
def test_add_working_days_england(start: date, n: int, expected: date) -> None:
    assert ENG.add_working_days(start, n) == expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Wed 31 Dec 2025 in Scotland: Thu 1 and Fri 2 Jan are holidays; M5..F9 -> Fri 9 Jan.
        (date(2025, 12, 31), 5, date(2026, 1, 9)),
        # Fri 27 Nov 2026: St Andrew's Mon 30 Nov skipped; T1 W2 T3 F4 M7 -> Mon 7 Dec.
        (date(2026, 11, 27), 5, date(2026, 12, 7)),
        # Thu 2 Apr 2026: Good Friday skipped but not Easter Monday; M6 T7 W8 T9 F10 -> Fri 10 Apr.
        (date(2026, 4, 2), 5, date(2026, 4, 10)),
    ],
)
def test_add_working_days_scotland(start: date, n: int, expected: date) -> None:
    assert SCT.add_working_days(start, n) == expected


def test_same_dates_in_england_differ_from_scotland() -> None:
    # England: Thu 1 Jan skipped; F2 M5 T6 W7 T8 -> Thu 8 Jan 2026.
    assert ENG.add_working_days(date(2025, 12, 31), 5) == date(2026, 1, 8)
    # England: M30 T1 W2 T3 F4 -> Fri 4 Dec 2026.
    assert ENG.add_working_days(date(2026, 11, 27), 5) == date(2026, 12, 4)


def test_closure_days_between_christmas_and_new_year() -> None:
    closures = [date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)]
    cal = WorkingCalendar(closures=closures)
    # Thu 24 Dec 2026: Fri 25, Mon 28 (holidays), 29-31 (closed), Fri 1 Jan (holiday);
    # M4 T5 W6 T7 F8 -> Fri 8 Jan 2027.
    assert cal.add_working_days(date(2026, 12, 24), 5) == date(2027, 1, 8)
    assert not cal.is_working_day(date(2026, 12, 30))
    assert cal.next_working_day(date(2026, 12, 25)) == date(2027, 1, 4)
    # The default calendar is not affected by another's closures.
    assert ENG.is_working_day(date(2026, 12, 30))
    assert cal.working_days_between(date(2026, 12, 24), date(2027, 1, 8)) == 5
    assert cal.non_working_weekdays(date(2026, 12, 24), date(2027, 1, 4)) == [
        (date(2026, 12, 25), "Christmas Day"),
        (date(2026, 12, 28), "Boxing Day (observed)"),
        (date(2026, 12, 29), "closure day"),
        (date(2026, 12, 30), "closure day"),
        (date(2026, 12, 31), "closure day"),
        (date(2027, 1, 1), "New Year's Day"),
    ]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 1, 5), date(2026, 1, 12), 5),  # Mon to next Mon
        (date(2026, 1, 5), date(2026, 1, 5), 0),
        (date(2026, 1, 12), date(2026, 1, 5), -5),  # negative when end is earlier
        (date(2026, 1, 9), date(2026, 1, 10), 0),  # Fri to Sat: nothing after Fri up to Sat
        (date(2026, 1, 10), date(2026, 1, 12), 1),  # Sat to Mon: Mon counts
        (date(2026, 4, 2), date(2026, 4, 13), 5),  # over Easter 2026
        (date(2022, 12, 23), date(2023, 1, 4), 5),  # over Christmas 2022
    ],
)
def test_working_days_between(start: date, end: date, expected: int) -> None:
    assert ENG.working_days_between(start, end) == expected


def test_working_days_in_2026() -> None:
    # 2026 starts on Thu and is not a leap year: 52 weeks + 1 day (Thu) -> 261 weekdays.
    # Weekday bank holidays: Thu 1 Jan, Fri 3 Apr, Mon 6 Apr, Mon 4 May, Mon 25 May,
    # Mon 31 Aug, Fri 25 Dec, Mon 28 Dec = 8 -> 253 working days in the year.
    # "After 31 Dec 2025 up to 31 Dec 2026" counts the whole year.
    assert ENG.working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 253
    # Scotland: 1 Jan, 2 Jan, 3 Apr, 4 May, 25 May, 15 Jun (a one-off holiday in the
    # holidays package), 3 Aug, 30 Nov, 25 Dec, 28 Dec = 10 -> 251.
    assert SCT.working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 251


def test_non_working_weekdays_lists_holidays_after_start() -> None:
    # After Fri 28 Apr 2023 up to Tue 9 May: May Day and the Coronation (weekends not listed).
    assert ENG.non_working_weekdays(date(2023, 4, 28), date(2023, 5, 9)) == [
        (date(2023, 5, 1), "May Day"),
        (date(2023, 5, 8), "Coronation of Charles III"),
    ]
    # The start day itself is not listed (Good Friday 2024 as start).
    assert ENG.non_working_weekdays(date(2024, 3, 29), date(2024, 4, 9)) == [
        (date(2024, 4, 1), "Easter Monday"),
    ]
    assert ENG.non_working_weekdays(date(2026, 1, 5), date(2026, 1, 30)) == []


def test_far_years_are_indexed_on_demand() -> None:
    cal = WorkingCalendar()
    # Christmas 2049 is a Saturday (Fri 24 Dec works): substitutes Mon 27 and Tue 28 Dec.
    assert cal.next_working_day(date(2049, 12, 24)) == date(2049, 12, 24)
    assert cal.next_working_day(date(2049, 12, 25)) == date(2049, 12, 29)
    # 1990s history: Christmas 1999 Sat -> Mon 27 / Tue 28 Dec; 31 Dec 1999 Millennium holiday;
    # 1 Jan 2000 Sat -> Mon 3 Jan 2000. Fri 24 Dec 1999 + 1 = Wed 29 Dec 1999.
    assert cal.add_working_days(date(1999, 12, 24), 1) == date(1999, 12, 29)
    with pytest.raises(InvalidInput) as exc:
        cal.is_working_day(date(1850, 1, 1))
    assert str(exc.value) == "1850-01-01 to 1850-01-01 is outside the years Caseworker counts"


def test_counting_back_before_the_indexed_years() -> None:
    cal = WorkingCalendar()
    # Wed 5 Jan 2000: T4 (1), M3 is New Year observed, F31 Dec 1999 Millennium holiday,
    # T30 (2), W29 (3), T28 and M27 holidays, F24 (4), T23 Dec 1999 (5).
    assert cal.add_working_days(date(2000, 1, 5), -5) == date(1999, 12, 23)


def test_working_days_between_agrees_with_a_day_by_day_count() -> None:
    # Two look-ups in the calendar's index must give what walking the days gives, over
    # Christmas closures, bank holidays and weekends, both ways round.
    cal = WorkingCalendar(closures=[date(2025, 12, 29), date(2025, 12, 30)])
    start = date(2025, 12, 1)
    for offset in range(-40, 80, 3):
        end = date.fromordinal(start.toordinal() + offset)
        lo, hi = sorted((start, end))
        walked = sum(
            cal.is_working_day(date.fromordinal(o))
            for o in range(lo.toordinal() + 1, hi.toordinal() + 1)
        )
        assert cal.working_days_between(start, end) == (walked if end >= start else -walked)
    # 1 Dec 2025 (Mon) to 2 Jan 2026 (Fri): 24 weekdays, less Christmas, Boxing Day, the two
    # closure days and New Year's Day.
    assert cal.working_days_between(start, date(2026, 1, 2)) == 19
