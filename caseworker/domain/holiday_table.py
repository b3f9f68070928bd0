"""The bank holidays of 2000 to 2045, shipped as a table made from the ``holidays`` package.

The package works each year out afresh (about 13 ms a year, after a 50 ms import), and the
app needs the years around today before it can paint a countdown. So the years most cases
fall in are kept in ``resources/calendar/bank_holidays.json``; years outside it still come
from the package. A test checks the table against the package year by year, so the two
cannot drift apart; after upgrading ``holidays`` (or when a new bank holiday is announced),
remake it with ``python -m caseworker.domain.holiday_table``.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path

from caseworker.paths import resource_path

FIRST_YEAR = 2000
LAST_YEAR = 2045
SUBDIVISIONS = ("ENG", "SCT", "NIR")


def table_path() -> Path:
    return resource_path("calendar", "bank_holidays.json")


@cache
def _table() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = json.loads(table_path().read_text(encoding="utf-8"))
    return data


def from_package(subdiv: str, year: int) -> dict[date, str]:
    """One year's bank holidays, worked out by the ``holidays`` package."""
    import holidays  # slow to import: only for years outside the table

    return dict(holidays.country_holidays("GB", subdiv=subdiv, years=year).items())


def year_holidays(subdiv: str, year: int) -> dict[date, str]:
    """One year's bank holidays for a UK nation (``ENG``, ``SCT`` or ``NIR``)."""
    if FIRST_YEAR <= year <= LAST_YEAR and subdiv in SUBDIVISIONS:
        prefix = f"{year}-"
        return {
            date.fromisoformat(day): name
            for day, name in _table()[subdiv].items()
            if day.startswith(prefix)
        }
    return from_package(subdiv, year)


def make_table() -> dict[str, dict[str, str]]:
    """The table, from the package."""
    return {
        subdiv: {
            day.isoformat(): name
            for year in range(FIRST_YEAR, LAST_YEAR + 1)
            for day, name in sorted(from_package(subdiv, year).items())
        }
        for subdiv in SUBDIVISIONS
    }


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    table_path().write_text(json.dumps(make_table(), indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {table_path()}")
