"""Working days: Monday to Friday less the nation's bank holidays and closure days."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache, lru_cache

from caseworker.domain.errors import InvalidInput
from caseworker.domain.holiday_table import year_holidays

NATIONS: dict[str, str] = {
    "england-and-wales": "ENG",
    "scotland": "SCT",
    "northern-ireland": "NIR",
}

# Years indexed around the first date asked about, widened on demand (a store's open
# cases sit within a few years of today; imported history widens it once).
_BACK_YEARS = 6
_AHEAD_YEARS = 4
# What working_day_ordinals covers at least.
_FIRST_YEAR = 2000
_LAST_YEAR = 2040


@cache
def _year_holidays(subdiv: str, year: int) -> dict[date, str]:
    """One year's bank holidays (each year is read once)."""
    return year_holidays(subdiv, year)


@lru_cache(maxsize=4096)
def format_day(d: date) -> str:
    """A date as people read it in the app: ``Mon 4 Jan 2027`` (kept: lists repeat dates)."""
    return f"{d:%a} {d.day} {d:%b %Y}"


class WorkingCalendar:
    """Counts working days for one nation and one organisation's closure days.

    The working days of the covered years are kept as a sorted list of ordinals,
    so adding or counting working days is a binary search, not a day-by-day walk:
    the clocks call this for every open case.
    """

    def __init__(self, nation: str = "england-and-wales", closures: Iterable[date] = ()) -> None:
        if nation not in NATIONS:
            raise InvalidInput(
                f"'{nation}' is not a known nation; use one of: {', '.join(NATIONS)}"
            )
        self.nation = nation
        self.closures: frozenset[date] = frozenset(closures)
        # Nothing is indexed until the first question: then the years around it.
        self._first = 0
        self._last = -1
        self._holidays: dict[date, str] = {}
        self._ordinals: list[int] = []
        # Every day indexed (ordinal) -> working days up to and including it: a count
        # between two indexed days is two look-ups (the case list counts for every row).
        self._rank: dict[int, int] = {}

    def _build(self) -> None:
        self._holidays = {}
        for year in range(self._first, self._last + 1):
            self._holidays.update(_year_holidays(NATIONS[self.nation], year))
        start = date(self._first, 1, 1).toordinal()
        end = date(self._last, 12, 31).toordinal()
        self._ordinals = [o for o in range(start, end + 1) if self._is_working(date.fromordinal(o))]
        self._rank = {}
        rank, working = 0, iter(self._ordinals)
        upcoming = next(working, None)
        for o in range(start, end + 1):
            if o == upcoming:
                rank += 1
                upcoming = next(working, None)
            self._rank[o] = rank

    def _is_working(self, d: date) -> bool:
        return d.weekday() < 5 and d not in self._holidays and d not in self.closures

    def _cover(self, *days: date) -> None:
        lo = min(d.year for d in days)
        hi = max(d.year for d in days)
        if lo >= self._first and hi <= self._last - 1:
            return
        if lo < 1900 or hi > 2200:
            raise InvalidInput(f"{min(days)} to {max(days)} is outside the years Caseworker counts")
        if self._last < self._first:  # first use: a window around the dates asked about
            self._first, self._last = lo - _BACK_YEARS, hi + _AHEAD_YEARS
        else:
            self._first = min(self._first, lo - 1)
            self._last = max(self._last, hi + 2)
        self._build()

    @property
    def working_day_ordinals(self) -> list[int]:
        """Sorted ordinals of every working day indexed (for vectorised callers).

        Covers at least 2000 to 2040 (more if other dates were asked about).
        """
        self._cover(date(_FIRST_YEAR, 1, 1), date(_LAST_YEAR - 1, 12, 31))
        return self._ordinals

    def is_working_day(self, d: date) -> bool:
        """True for a weekday that is neither a bank holiday nor a closure day."""
        self._cover(d)
        return self._is_working(d)

    def reason_closed(self, d: date) -> str | None:
        """Why ``d`` is not a working day (holiday name, closure, weekend), or None."""
        self._cover(d)
        if d in self._holidays:
            return self._holidays[d]
        if d in self.closures:
            return "closure day"
        if d.weekday() >= 5:
            return "weekend"
        return None

    def next_working_day(self, d: date) -> date:
        """``d`` itself when it is a working day, else the first working day after it."""
        self._cover(d)
        i = bisect.bisect_left(self._ordinals, d.toordinal())
        if i >= len(self._ordinals):
            self._cover(d + timedelta(days=400))
            i = bisect.bisect_left(self._ordinals, d.toordinal())
        return date.fromordinal(self._ordinals[i])

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after ``d`` (from the next working day if ``d`` is not one).

        ``n`` may be negative (counting back) and 0 (the working day itself).
        """
        reach = timedelta(days=int(abs(n) * 1.5) + 14)
        self._cover(d - reach if n < 0 else d, d + reach if n >= 0 else d)
        i = bisect.bisect_left(self._ordinals, d.toordinal())
        j = i + n
        if j < 0 or j >= len(self._ordinals):
            raise InvalidInput(f"{n} working days from {d} is outside the years Caseworker counts")
        return date.fromordinal(self._ordinals[j])

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if earlier)."""
        rank = self._rank
        try:  # both days indexed: two look-ups
            return rank[end.toordinal()] - rank[start.toordinal()]
        except KeyError:
            pass
        if end < start:
            return -self.working_days_between(end, start)
        self._cover(start, end)
        return bisect.bisect_right(self._ordinals, end.toordinal()) - bisect.bisect_right(
            self._ordinals, start.toordinal()
        )

    def non_working_weekdays(self, start: date, end: date) -> list[tuple[date, str]]:
        """Bank holidays and closure days falling on weekdays after ``start`` up to ``end``."""
        self._cover(start, end)
        found: list[tuple[date, str]] = []
        d = start + timedelta(days=1)
        while d <= end:
            if d.weekday() < 5 and not self._is_working(d):
                found.append((d, self._holidays.get(d, "closure day")))
            d += timedelta(days=1)
        return found
