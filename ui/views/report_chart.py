"""A bar chart of a report table drawn with QPainter, with values, patterns and a legend in text."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from caseworker.reports.model import Cell, Chart, Table
from caseworker.reports.pdf import PALETTE

COLOURS = tuple(QColor("#" + c.hexval()[2:]) for c in PALETTE)
# A pattern per series as well as a colour, so the bars can be told apart without colour.
PATTERNS = (
    Qt.BrushStyle.SolidPattern,
    Qt.BrushStyle.BDiagPattern,
    Qt.BrushStyle.Dense4Pattern,
    Qt.BrushStyle.CrossPattern,
    Qt.BrushStyle.FDiagPattern,
    Qt.BrushStyle.HorPattern,
    Qt.BrushStyle.DiagCrossPattern,
)
_PAD = 6.0


@dataclass(frozen=True)
class ChartData:
    """What a chart shows: groups of bars (categories), one bar per series in each."""

    title: str
    categories: tuple[str, ...]
    series: tuple[str, ...]
    values: tuple[tuple[float, ...], ...]  # values[series][category]
    percent: bool
    horizontal: bool

    def label(self, value: float) -> str:
        return f"{value:.1f}%" if self.percent else f"{value:,.0f}"

    def describe(self) -> str:
        """The chart's figures as text, for screen readers and tooltips."""
        parts = []
        for c, category in enumerate(self.categories):
            bars = ", ".join(
                f"{name} {self.label(self.values[s][c])}" for s, name in enumerate(self.series)
            )
            parts.append(f"{category}: {bars}")
        return f"{self.title}. " + "; ".join(parts) + "."


def _number(cell: Cell) -> float:
    return float(cell) if isinstance(cell, int | Decimal) else 0.0


def chart_data(table: Table, chart: Chart) -> ChartData:
    """The figures of ``table`` that ``chart`` names, as the PDF's chart groups them."""
    rows = table.rows[: table.chart_rows] if table.chart_rows is not None else table.rows
    idx = [table.columns.index(c) for c in chart.columns]
    if chart.across_columns:
        categories = tuple(chart.columns)
        series = tuple(str(row[0]) for row in rows)
        values = tuple(tuple(_number(row[i]) for i in idx) for row in rows)
    else:
        categories = tuple(str(row[0]) for row in rows)
        series = tuple(chart.columns)
        values = tuple(tuple(_number(row[i]) for row in rows) for i in idx)
    return ChartData(
        title=chart.title,
        categories=categories,
        series=series,
        values=values,
        percent=all(c.endswith("%") for c in chart.columns),
        horizontal=chart.horizontal,
    )


class BarChart(QWidget):
    """Grouped bars with each bar's value written on it, category names and a legend."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data: ChartData | None = None
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # reachable, so a screen reader reads it
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_data(self, data: ChartData | None) -> None:
        self.data = data
        title = data.title if data else "Chart"
        self.setAccessibleName(title)
        self.setAccessibleDescription(data.describe() if data else "")
        self.setToolTip(data.describe() if data else "")
        self.updateGeometry()
        self.update()

    def _line(self) -> float:
        return QFontMetricsF(self.font()).height()

    def minimumSizeHint(self) -> QSize:
        line = self._line()
        n = len(self.data.categories) if self.data else 1
        bars = n * max(1, len(self.data.series)) if self.data else 1
        if self.data is not None and self.data.horizontal:
            return QSize(int(line * 14), int(line * (4 + bars * 1.3 + n * 0.6)))
        return QSize(int(line * 14), int(line * 12))

    def sizeHint(self) -> QSize:
        hint = self.minimumSizeHint()
        return QSize(int(self._line() * 40), hint.height() + int(self._line() * 2))

    # Painting ---------------------------------------------------------------------------------

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        data = self.data
        if data is None or not data.categories:
            painter.end()
            return
        rect = QRectF(self.rect()).adjusted(_PAD, _PAD, -_PAD, -_PAD)
        top = self._title(painter, data, rect)
        top = self._legend(painter, data, QRectF(rect.left(), top, rect.width(), rect.height()))
        area = QRectF(rect.left(), top, rect.width(), rect.bottom() - top)
        if data.horizontal:
            self._horizontal(painter, data, area)
        else:
            self._vertical(painter, data, area)
        if self.hasFocus():
            painter.setPen(QPen(self.palette().highlight().color(), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(self.rect()).adjusted(1, 1, -1, -1))
        painter.end()

    def _title(self, painter: QPainter, data: ChartData, rect: QRectF) -> float:
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("black"))
        h = QFontMetricsF(font).height()
        painter.drawText(
            QRectF(rect.left(), rect.top(), rect.width(), h),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            QFontMetricsF(font).elidedText(data.title, Qt.TextElideMode.ElideRight, rect.width()),
        )
        painter.setFont(self.font())
        return rect.top() + h + _PAD

    def _swatch(self, painter: QPainter, box: QRectF, series: int) -> None:
        colour = COLOURS[series % len(COLOURS)]
        painter.setPen(QPen(colour, 1.2))
        painter.setBrush(QColor("white"))
        painter.drawRect(box)
        painter.setBrush(QBrush(colour, PATTERNS[series % len(PATTERNS)]))
        painter.drawRect(box)

    def _legend(self, painter: QPainter, data: ChartData, rect: QRectF) -> float:
        """Legend entries flowing left to right, wrapping; returns the y below them."""
        if len(data.series) < 2:
            return rect.top()
        fm = QFontMetricsF(self.font())
        line = fm.height()
        x, y = rect.left(), rect.top()
        for i, name in enumerate(data.series):
            width = line + 4 + fm.horizontalAdvance(name) + 2 * line
            if x > rect.left() and x + width > rect.right():
                x, y = rect.left(), y + line + 2
            self._swatch(painter, QRectF(x, y + 2, line - 4, line - 4), i)
            painter.setPen(QColor("black"))
            painter.drawText(QPointF(x + line + 2, y + fm.ascent()), name)
            x += width
        return y + line + _PAD

    def _vertical(self, painter: QPainter, data: ChartData, area: QRectF) -> None:
        fm = QFontMetricsF(self.font())
        line = fm.height()
        top = max((max(v, default=0.0) for v in data.values), default=0.0) or 1.0
        plot = area.adjusted(0, line + 2, 0, -(line + _PAD))  # room for values and names
        painter.setPen(QColor("#444444"))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        group = plot.width() / len(data.categories)
        n = len(data.series)
        bar = min(group * 0.8 / n, line * 4)
        for c, category in enumerate(data.categories):
            left = plot.left() + c * group + (group - bar * n) / 2
            for s in range(n):
                value = data.values[s][c]
                h = plot.height() * value / top
                box = QRectF(left + s * bar + 1, plot.bottom() - h, bar - 2, h)
                if h > 0:
                    self._swatch(painter, box, s)
                painter.setPen(QColor("black"))
                width = max(bar, fm.horizontalAdvance(data.label(value)) + 2)
                x = left + s * bar + (bar - width) / 2
                x = min(max(x, area.left()), area.right() - width)  # never past the edge
                painter.drawText(
                    QRectF(x, box.top() - line - 1, width, line),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                    data.label(value),
                )
            name = fm.elidedText(category, Qt.TextElideMode.ElideRight, group - 4)
            painter.drawText(
                QRectF(plot.left() + c * group, plot.bottom() + 2, group, line),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                name,
            )

    def _horizontal(self, painter: QPainter, data: ChartData, area: QRectF) -> None:
        fm = QFontMetricsF(self.font())
        line = fm.height()
        top = max((max(v, default=0.0) for v in data.values), default=0.0) or 1.0
        names = max(fm.horizontalAdvance(c) for c in data.categories) + _PAD
        names = min(names, area.width() * 0.4)
        value_room = max(fm.horizontalAdvance(data.label(top)), line) + _PAD
        plot = QRectF(
            area.left() + names, area.top(), area.width() - names - value_room, area.height()
        )
        painter.setPen(QColor("#444444"))
        painter.drawLine(plot.topLeft(), plot.bottomLeft())
        group = plot.height() / len(data.categories)
        n = len(data.series)
        bar = min(group * 0.8 / n, line * 1.6)
        for c, category in enumerate(data.categories):
            y0 = plot.top() + c * group + (group - bar * n) / 2
            painter.setPen(QColor("black"))
            painter.drawText(
                QRectF(area.left(), plot.top() + c * group, names - _PAD, group),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                fm.elidedText(category, Qt.TextElideMode.ElideRight, names - _PAD),
            )
            for s in range(n):
                value = data.values[s][c]
                w = plot.width() * value / top
                box = QRectF(plot.left(), y0 + s * bar + 1, w, bar - 2)
                if w > 0:
                    self._swatch(painter, box, s)
                painter.setPen(QColor("black"))
                painter.drawText(
                    QRectF(box.right() + 4, box.top(), value_room, box.height()),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    data.label(value),
                )
