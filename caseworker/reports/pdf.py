"""The report as a PDF for a committee pack: cover, contents, numbered tables and charts."""

from __future__ import annotations

import math
from decimal import Decimal
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as RLTable
from reportlab.platypus.tableofcontents import TableOfContents

from caseworker.letters.styles import ACCENT, FONT, FONT_BOLD, GREY, register_fonts
from caseworker.reports.model import Cell, Chart, Report, Table
from caseworker.reports.periods import long_date

PAGE = landscape(A4)
MARGIN = 15 * mm
WIDTH = PAGE[0] - 2 * MARGIN
PALETTE = (
    colors.HexColor("#0B4F6C"),
    colors.HexColor("#E07A1F"),
    colors.HexColor("#5C9E31"),
    colors.HexColor("#8E5EA2"),
    colors.HexColor("#C0392B"),
    colors.HexColor("#7F8C8D"),
    colors.HexColor("#F1C40F"),
)
ZEBRA = colors.HexColor("#EEF3F6")


def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5, textColor=GREY)
    return {
        "body": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10, textColor=colors.black),
        "head": ParagraphStyle(
            "head", parent=base, fontName=FONT_BOLD, fontSize=8, leading=10, textColor=colors.white
        ),
        "note": ParagraphStyle("note", parent=base, fontSize=8, leading=10),
        "section": ParagraphStyle(
            "section",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=15,
            leading=19,
            textColor=ACCENT,
            spaceBefore=4,
            spaceAfter=6,
            keepWithNext=1,  # never alone at the foot of a page
        ),
        "table": ParagraphStyle(
            "table",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=11,
            leading=14,
            textColor=colors.black,
            spaceBefore=8,
            spaceAfter=4,
            keepWithNext=1,
        ),
        "cover_org": ParagraphStyle(
            "cover_org", parent=base, fontName=FONT_BOLD, fontSize=16, leading=20, textColor=ACCENT
        ),
        "cover_title": ParagraphStyle(
            "cover_title",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=26,
            leading=32,
            textColor=colors.black,
            spaceBefore=30,
            spaceAfter=12,
        ),
        "cover": ParagraphStyle("cover", parent=base, fontSize=12, leading=17),
        # Compact enough for the contents of every table to stay on one page.
        "toc1": ParagraphStyle(
            "toc1", parent=base, fontName=FONT_BOLD, fontSize=10, leading=13, spaceBefore=3
        ),
        "toc2": ParagraphStyle("toc2", parent=base, fontSize=8.5, leading=11, leftIndent=14),
    }


def show(cell: Cell, column: str) -> str:
    """A cell as the report prints it: ``75.0%``, ``£1,250.00``, ``–`` for nothing to show."""
    if cell is None:
        return "–"
    if isinstance(cell, Decimal):
        if column.endswith("%"):
            return f"{cell}%"
        if "(£)" in column:
            return f"£{cell:,.2f}"
        return str(cell)
    if isinstance(cell, int):
        return f"{cell:,}"
    return cell


class _ReportDoc(BaseDocTemplate):  # type: ignore[misc]
    def __init__(self, buf: BytesIO, report: Report) -> None:
        super().__init__(
            buf,
            pagesize=PAGE,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN + 4 * mm,
            title=report.title,
            author=report.organisation or "Caseworker",
        )
        self.report = report
        frame = Frame(MARGIN, MARGIN + 4 * mm, WIDTH, PAGE[1] - 2 * MARGIN - 4 * mm, id="body")
        self.addPageTemplates(
            [
                PageTemplate("Cover", [frame], onPage=self._cover_page),
                PageTemplate("Body", [frame], onPage=self._body_page),
            ]
        )

    def afterFlowable(self, flowable: Flowable) -> None:
        level = getattr(flowable, "toc_level", None)
        if level is not None:
            self.notify("TOCEntry", (level, flowable.getPlainText(), self.page))

    def _cover_page(self, canvas: Canvas, _doc: Any) -> None:
        canvas.saveState()
        canvas.setFillColor(ACCENT)
        canvas.rect(0, PAGE[1] - 12 * mm, PAGE[0], 12 * mm, stroke=0, fill=1)
        canvas.restoreState()

    def _body_page(self, canvas: Canvas, _doc: Any) -> None:
        r = self.report
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(GREY)
        left = f"{r.organisation + ' · ' if r.organisation else ''}{r.title} · {r.period_label}"
        canvas.drawString(MARGIN, MARGIN - 2 * mm, left)
        canvas.drawRightString(PAGE[0] - MARGIN, MARGIN - 2 * mm, f"Page {canvas.getPageNumber()}")
        canvas.restoreState()


def _heading(text: str, style: ParagraphStyle, level: int) -> Paragraph:
    para = Paragraph(escape(text), style)
    para.toc_level = level
    return para


def _cover(report: Report, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    s1, s2 = report.by_stage
    lines = [
        f"<b>Period:</b> {escape(report.period_label)} "
        f"({long_date(report.start)} to {long_date(report.end)})",
        f"<b>Covers:</b> {escape(report.scope)}",
        f"<b>Made on:</b> {long_date(report.made_on)}. Every figure is counted as things stood "
        "at the end of the period, so the report for a past period does not change.",
        f"<b>At a glance:</b> {s1.received:,} Stage 1 and {s2.received:,} Stage 2 complaints "
        f"received; {s1.responded:,} Stage 1 and {s2.responded:,} Stage 2 responses sent.",
        "This report holds no personal data: restricted cases are counted, but their details "
        "are withheld.",
        f"<font size=8>Audit trail check: {report.audit_head}</font>",
    ]
    return [
        Spacer(1, 10 * mm),
        Paragraph(escape(report.organisation or "Caseworker"), st["cover_org"]),
        Paragraph(escape(report.title), st["cover_title"]),
        *(Paragraph(line, st["cover"]) for line in lines),
        PageBreak(),
    ]


def _contents(st: dict[str, ParagraphStyle]) -> list[Flowable]:
    toc = TableOfContents()
    toc.levelStyles = [st["toc1"], st["toc2"]]
    toc.dotsMinLevel = 0
    toc.tableStyle = TableStyle(
        [("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]
    )
    title = Paragraph("Contents", st["section"])
    return [title, toc, PageBreak()]


def axis_top(highest: float) -> tuple[float, float]:
    """A value axis's top and step that cover the highest bar: the step 1, 2 or 5 times a
    power of ten giving at most 6 steps, the top the first step at or above ``highest``."""
    if highest <= 0:
        return 1.0, 1.0
    power = 10.0 ** math.floor(math.log10(highest))
    step = next(m * power for m in (0.2, 0.5, 1, 2, 5, 10) if highest / (m * power) <= 6)
    step = max(step, 1.0)  # counts: whole numbers on the axis
    return math.ceil(highest / step) * step, step


def _grid(t: Table, st: dict[str, ParagraphStyle]) -> RLTable:
    head = [Paragraph(escape(c), st["head"]) for c in t.columns]
    body = [
        [
            Paragraph(escape(show(cell, col)), st["cell"])
            for cell, col in zip(row, t.columns, strict=True)
        ]
        for row in t.rows
    ]
    if not body:
        body = [[Paragraph("None in this period.", st["cell"])] + [""] * (len(t.columns) - 1)]
    first = 62 * mm if len(t.columns) > 4 else 90 * mm
    if t.title in ("Service improvements", "Ombudsman determinations"):
        widths = [30 * mm, 28 * mm, (WIDTH - 58 * mm) / 2, (WIDTH - 58 * mm) / 2]
    else:
        rest = (WIDTH - first) / max(1, len(t.columns) - 1)
        widths = [first] + [min(rest, 32 * mm)] * (len(t.columns) - 1)
        if "Description" in t.columns:
            widths = [
                28 * mm if i == 0 else 80 * mm if c == "Description" else 28 * mm
                for i, c in enumerate(t.columns)
            ]
    grid = RLTable([head, *body], colWidths=widths, repeatRows=1, hAlign="LEFT")
    style: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#C8D6DE")),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    for i in range(1, len(body) + 1):
        if i % 2 == 0:
            style.append(("BACKGROUND", (0, i), (-1, i), ZEBRA))
        if body[i - 1] and t.rows and t.rows[i - 1][0] == "Total":
            style.append(("LINEABOVE", (0, i), (-1, i), 0.8, colors.black))
    grid.setStyle(TableStyle(style))
    return grid


def _number(cell: Cell) -> float:
    return float(cell) if isinstance(cell, int | Decimal) else 0.0


def chart_drawing(t: Table, chart: Chart) -> Drawing:
    """A bar chart of some of the table's figures, with a legend."""
    rows = t.rows[: t.chart_rows] if t.chart_rows is not None else t.rows
    idx = [t.columns.index(c) for c in chart.columns]
    if chart.horizontal:
        rows = rows[::-1]  # the first row at the top
    if chart.across_columns:
        categories = list(chart.columns)
        data = [[_number(row[i]) for i in idx] for row in rows]
        series = [str(row[0]) for row in rows]
    else:
        categories = [str(row[0]) for row in rows]
        data = [[_number(row[i]) for row in rows] for i in idx]
        series = list(chart.columns)
    height = max(60 * mm, 9 * mm * len(categories)) if chart.horizontal else 65 * mm
    drawing = Drawing(WIDTH, height + 12 * mm)
    bars: Any = HorizontalBarChart() if chart.horizontal else VerticalBarChart()
    bars.x = 60 * mm if chart.horizontal else 15 * mm
    bars.y = 8 * mm
    bars.width = WIDTH - bars.x - 60 * mm
    bars.height = height - 6 * mm
    bars.data = data or [[0]]
    bars.categoryAxis.categoryNames = categories
    bars.categoryAxis.labels.fontName = FONT
    bars.categoryAxis.labels.fontSize = 7
    bars.valueAxis.labels.fontName = FONT
    bars.valueAxis.labels.fontSize = 7
    bars.valueAxis.valueMin = 0
    # ReportLab's own choice of scale can stop short of the tallest bar.
    top, step = axis_top(max((v for series in data for v in series), default=0.0))
    bars.valueAxis.valueMax = top
    bars.valueAxis.valueStep = step
    if not chart.horizontal:
        bars.categoryAxis.labels.angle = 30 if len(categories) > 6 else 0
        bars.categoryAxis.labels.boxAnchor = "ne" if len(categories) > 6 else "n"
    for i in range(len(data)):
        bars.bars[i].fillColor = PALETTE[i % len(PALETTE)]
        bars.bars[i].strokeColor = None
    drawing.add(bars)
    legend = Legend()
    legend.x = WIDTH - 55 * mm
    legend.y = height
    legend.fontName = FONT
    legend.fontSize = 8
    legend.alignment = "right"
    legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], s) for i, s in enumerate(series)]
    drawing.add(legend)
    drawing.add(String(0, height + 7 * mm, chart.title, fontName=FONT_BOLD, fontSize=9))
    return drawing


def _story(report: Report, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    story: list[Flowable] = [NextPageTemplate("Body"), *_cover(report, st), *_contents(st)]
    section = ""
    for t in report.tables:
        block: list[Flowable] = []
        if t.section != section:
            if section:
                story.append(CondPageBreak(80 * mm))
            section = t.section
            # In the block of the section's first table: a heading never ends a page
            # (keepWithNext cannot join a heading to a KeepTogether that follows it).
            block.append(_heading(section, st["section"], 0))
        block += [_heading(f"Table {t.number}: {t.title}", st["table"], 1), _grid(t, st)]
        if t.note:
            block += [Spacer(1, 2 * mm), Paragraph(escape(t.note), st["note"])]
        if t.chart is not None and t.rows:
            block += [Spacer(1, 3 * mm), chart_drawing(t, t.chart)]
        # A short table stays on one page with its note and chart; a long one may split.
        story.extend([KeepTogether(block)] if len(t.rows) < 25 else block)
        story.append(Spacer(1, 5 * mm))
    return story


def report_pdf(report: Report) -> bytes:
    """The report as PDF bytes (A4 landscape)."""
    st = _styles()
    buf = BytesIO()
    doc = _ReportDoc(buf, report)
    doc.multiBuild(_story(report, st))
    return buf.getvalue()
