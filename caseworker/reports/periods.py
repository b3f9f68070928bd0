"""Report periods: financial quarters, financial years (April to March) and custom dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from caseworker.domain.errors import InvalidInput


@dataclass(frozen=True)
class Period:
    """The dates a report covers (both included) and how the report names them."""

    start: date
    end: date
    label: str

    def months(self) -> list[tuple[int, int]]:
        """(year, month) of every calendar month the period touches."""
        out: list[tuple[int, int]] = []
        y, m = self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out


def year_start(day: date) -> date:
    """1 April of the financial year that ``day`` falls in."""
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def month_end(year: int, month: int) -> date:
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return nxt - timedelta(days=1)


def financial_year(first_year: int) -> Period:
    """April ``first_year`` to March of the next year, e.g. 2025 -> 2025-26."""
    return Period(
        date(first_year, 4, 1),
        date(first_year + 1, 3, 31),
        f"Financial year {first_year}-{str(first_year + 1)[2:]}",
    )


def financial_quarter(first_year: int, quarter: int) -> Period:
    """Quarter 1 (April to June) to 4 (January to March) of the financial year."""
    if quarter not in (1, 2, 3, 4):
        raise InvalidInput("A financial quarter is 1, 2, 3 or 4")
    month = 4 + 3 * (quarter - 1)
    year = first_year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    end_month = month + 2
    return Period(
        date(year, month, 1),
        month_end(year, end_month),
        f"Quarter {quarter} of {first_year}-{str(first_year + 1)[2:]}",
    )


def quarters_to(end: date) -> list[Period]:
    """The financial year's quarters from 1 April up to the one holding ``end`` (cut at ``end``)."""
    first = year_start(end).year
    out: list[Period] = []
    for q in (1, 2, 3, 4):
        p = financial_quarter(first, q)
        if p.start > end:
            break
        out.append(Period(p.start, min(p.end, end), f"Q{q}"))
    return out


def custom(start: date, end: date) -> Period:
    """Any dates; the start must not be after the end."""
    if start > end:
        raise InvalidInput("The report's start date is after its end date")
    return Period(start, end, f"{start:%-d %B %Y} to {end:%-d %B %Y}")


def period_for(start: date, end: date) -> Period:
    """The period from ``start`` to ``end``, named as a financial quarter or year when it is one."""
    if start > end:
        raise InvalidInput("The report's start date is after its end date")
    first = year_start(start).year
    candidates = [financial_year(first)] + [financial_quarter(first, q) for q in (1, 2, 3, 4)]
    for p in candidates:
        if (p.start, p.end) == (start, end):
            return p
    return custom(start, end)


def long_date(d: date) -> str:
    """A date as the report prints it: ``31 March 2026``."""
    return f"{d.day} {d:%B %Y}"
