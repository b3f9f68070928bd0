"""The report PDF's layout: no heading alone at the foot of a page, the contents on one page,
chart axes that reach the tallest bar. Text read back with pypdf (no poppler needed)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from pdf_text import pdf_pages
from reportlab.graphics.charts.barcharts import BarChart

from caseworker.reports.model import Chart, Table
from caseworker.reports.pdf import axis_top, chart_drawing, report_pdf
from caseworker.reports.periods import Period
from caseworker.services.actor import LOCAL_ADMIN
from caseworker.services.demo import generate
from caseworker.services.reports import make_report
from caseworker.services.reports_data import ReportScope
from db.store import Store

HEADING = re.compile(r"^(Table \d+: .+|\d+\. [A-Z].+)$")  # "Table 7: ...", "3. Service areas..."


TODAY = date(2026, 3, 16)


@pytest.fixture(scope="module")
def demo_3000(module_store: Store) -> Store:
    """3,000 demo cases, made once per engine: the tests here only read them."""
    generate(module_store, 3000, seed=1, today=TODAY, actor=LOCAL_ADMIN)
    return module_store


@pytest.mark.parametrize("scope", [ReportScope(), ReportScope(housing_only=True)])
def test_no_heading_is_the_last_line_on_its_page(demo_3000: Store, scope: ReportScope) -> None:
    with demo_3000.read() as s:
        report = make_report(
            s,
            Period(date(2025, 4, 1), date(2026, 3, 15), "2025-26 to date"),
            scope,
            actor=LOCAL_ADMIN,
            made_on=TODAY,
        )
    pages = pdf_pages(report_pdf(report))
    assert len(pages) > 10
    contents = pages[1]
    assert contents[2] == "Contents" and any(x.startswith("Table 19: ") for x in contents)
    for number, lines in enumerate(pages[2:], start=3):
        # Lines 0 and 1 are the page's footer (drawn first); the last is the page's last text.
        assert not HEADING.match(lines[-1]), f"page {number} ends with the heading {lines[-1]!r}"
    headings = [x for p in pages[2:] for x in p if HEADING.match(x)]
    assert sum(h.startswith("Table ") for h in headings) == 19


def test_axis_covers_the_tallest_bar() -> None:
    assert axis_top(92.7) == (100.0, 20.0)
    assert axis_top(80.0) == (80.0, 20.0)
    assert axis_top(7) == (8.0, 2.0)
    assert axis_top(0) == (1.0, 1.0)
    table = Table(
        number=4,
        section="2. Stage 1 and Stage 2 performance",
        title="Responses sent and timeliness",
        columns=("Stage", "Within the Code %"),
        rows=(("Stage 1", Decimal("92.7")), ("Stage 2", Decimal("91.7"))),
    )
    drawing = chart_drawing(table, Chart("Responses within timescale (%)", ("Within the Code %",)))
    bars = next(c for c in drawing.contents if isinstance(c, BarChart))
    assert (bars.valueAxis.valueMin, bars.valueAxis.valueMax) == (0, 100.0)
