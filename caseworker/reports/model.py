"""A report as plain data: numbered tables of figures, ready for any output or the app's view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

Cell = str | int | Decimal | None

_TENTH = Decimal("0.1")


def one_place(numerator: int | Decimal, denominator: int | Decimal) -> Decimal | None:
    """``numerator / denominator`` to one decimal place, halves rounded up; None if 0/0."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(_TENTH, rounding=ROUND_HALF_UP)


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` as a percentage of ``whole`` to one decimal place (halves up)."""
    return one_place(Decimal(part) * 100, whole)


@dataclass(frozen=True)
class Chart:
    """A bar chart drawn from some of a table's columns.

    Normally each named column is one series and each row a group of bars; with
    ``across_columns`` each row is one series and the named columns are the groups
    (e.g. months along the bottom, one colour per kind of record).
    """

    title: str
    columns: tuple[str, ...]
    horizontal: bool = False
    across_columns: bool = False


@dataclass(frozen=True)
class Table:
    """One numbered table: a title, column headings and rows of cells."""

    number: int
    section: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""
    chart: Chart | None = None
    chart_rows: int | None = None  # chart only the first N rows (e.g. leave out a total row)

    def column(self, name: str) -> list[Cell]:
        i = self.columns.index(name)
        return [row[i] for row in self.rows]

    def row(self, first_cell: str) -> tuple[Cell, ...]:
        """The row whose first cell is ``first_cell``."""
        for row in self.rows:
            if row[0] == first_cell:
                return row
        raise KeyError(first_cell)


@dataclass(frozen=True)
class StageFigures:
    """The headline figures of one stage (what the JSON's ``by_stage`` holds)."""

    stage: int
    received: int
    withdrawn: int
    acknowledged_in_time: int
    responded: int
    within_local: int
    within_code: int
    pending: int
    overdue: int
    late: int
    extended: int


@dataclass(frozen=True)
class TenantMeasures:
    """Tenant Satisfaction Measures, year to date; None where there is nothing to divide by."""

    ch01_1: Decimal | None
    ch01_2: Decimal | None
    ch02_1: Decimal | None
    ch02_2: Decimal | None
    homes: int | None
    year_start: date


@dataclass(frozen=True)
class Report:
    """The whole report: what the PDF, CSV, XLSX, JSON and the app's view show."""

    title: str
    organisation: str
    period_label: str
    start: date
    end: date
    scope: str
    made_on: date
    audit_head: str
    by_stage: tuple[StageFigures, ...]
    tsm: TenantMeasures
    tables: tuple[Table, ...]

    def table(self, title: str) -> Table:
        """The table with that title."""
        for table in self.tables:
            if table.title == title:
                return table
        raise KeyError(title)
