"""A financial year's report adds up its four quarters' (every figure counted by receipt or by
response), on both engines.

A year's report counts every record from the year's first day, so its SQL takes the
shortcuts of a report whose period starts the year (no "in the period" test on any row);
a quarter's report does not. The quarters' figures are hand-checked in
``test_report_figures``, so the year's are checked here against their sums.
"""

from __future__ import annotations

from collections import Counter

from caseworker.reports.model import Report, StageFigures
from caseworker.reports.periods import financial_quarter, financial_year
from caseworker.services.actor import LOCAL_ADMIN
from caseworker.services.reports import make_report
from caseworker.services.reports_data import ReportScope
from db.store import Store
from tests.db.test_report_figures import CSV_FILE, TODAY, load

# Counted by the day a record, request or response arrived: a year's is its quarters' sum.
ADDITIVE = ("received", "responded", "within_local", "within_code", "late", "extended")
TABLES = (
    "Records received by kind and month",
    "Late responses: how late, and whether an extension was agreed",
    "By service area: unique and split by department",
    "By site (contact centre area)",
    "By method of contact",
    "Tenants and other residents",
    "Themes",
    "Decisions",
)


def _stage(s: StageFigures) -> tuple[int, ...]:
    return tuple(getattr(s, name) for name in ADDITIVE)


def _cells(report: Report, title: str) -> Counter[tuple[str, ...]]:
    """Every count of a table by (row, column); percentages and longest delays left out."""
    table = report.table(title)
    out: Counter[tuple[str, ...]] = Counter()
    for row in table.rows:
        key = tuple(str(c) for c in row if isinstance(c, str))
        for column, cell in zip(table.columns, row, strict=True):
            if isinstance(cell, int) and "%" not in column and "Longest" not in column:
                out[(*key, column)] += cell
    return +out


def test_a_year_adds_up_its_quarters(store: Store) -> None:
    load(store, CSV_FILE)
    with store.read() as s:
        year = make_report(s, financial_year(2025), ReportScope(), actor=LOCAL_ADMIN, made_on=TODAY)
        quarters = [
            make_report(
                s, financial_quarter(2025, q), ReportScope(), actor=LOCAL_ADMIN, made_on=TODAY
            )
            for q in (1, 2, 3, 4)
        ]
    # The figures themselves (hand-checked for Q2 in test_report_figures): Q1 R01 C10, Q2
    # eight, Q3 one more; Stage 2 all in Q2.
    assert [_stage(s) for s in year.by_stage] == [(11, 8, 6, 6, 2, 1), (3, 2, 1, 2, 1, 1)]
    for stage in (0, 1):
        sums = [sum(f) for f in zip(*(_stage(q.by_stage[stage]) for q in quarters), strict=True)]
        assert list(_stage(year.by_stage[stage])) == sums
    for title in TABLES:
        total: Counter[tuple[str, ...]] = Counter()
        for q in quarters:
            cells = _cells(q, title)
            # A quarter's "Total" column is its three months; the year's is twelve.
            total.update({k: n for k, n in cells.items() if k[-1] != "Total"})
        year_cells = _cells(year, title)
        assert {k: n for k, n in year_cells.items() if k[-1] != "Total"} == +total, title
        assert year_cells, title
