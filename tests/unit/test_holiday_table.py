"""The shipped bank-holiday table is exactly what the holidays package says, year by year."""

from __future__ import annotations

from datetime import date

import pytest

from caseworker.domain import holiday_table
from caseworker.domain.holiday_table import (
    FIRST_YEAR,
    LAST_YEAR,
    SUBDIVISIONS,
    from_package,
    year_holidays,
)


@pytest.mark.parametrize("subdiv", SUBDIVISIONS)
def test_table_matches_the_package_for_every_year(subdiv: str) -> None:
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        assert year_holidays(subdiv, year) == from_package(subdiv, year), (subdiv, year)


def test_known_days_are_in_the_table() -> None:
    eng = year_holidays("ENG", 2026)
    assert eng[date(2026, 12, 28)] == "Boxing Day (observed)"
    assert date(2026, 5, 25) in eng  # Spring bank holiday
    assert date(2026, 11, 30) in year_holidays("SCT", 2026)  # St Andrew's Day
    assert date(2026, 3, 17) in year_holidays("NIR", 2026)  # St Patrick's Day
    assert date(2026, 3, 17) not in eng


def test_years_outside_the_table_come_from_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[int] = []

    def package(subdiv: str, year: int) -> dict[date, str]:
        asked.append(year)
        return {date(year, 1, 1): "New Year's Day"}

    monkeypatch.setattr(holiday_table, "from_package", package)
    assert year_holidays("ENG", LAST_YEAR + 1) == {date(LAST_YEAR + 1, 1, 1): "New Year's Day"}
    year_holidays("ENG", LAST_YEAR)
    assert asked == [LAST_YEAR + 1]
