"""At 200% text on a 1366×768 screen nothing essential is clipped in the main views."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QTableView, QWidget
from ui_helpers import log, name_organisation

from db.store import Store
from ui.context import AppContext
from ui.main_window import MainWindow

VIEWS = ("queue", "cases", "intake", "case", "settings", "reports")
# Columns never cut, and columns that must be in view (a long name elides, with a tooltip).
NEVER_CUT = {"Reference", "Countdown", "Next deadline", "Due"}
IN_VIEW = {*NEVER_CUT, "Resident"}
CELL_PADDING = 12  # the style's margins either side of a cell's text


def clipped_labels(root: QWidget) -> Iterator[str]:
    """Labels shown smaller than their text needs (cut off rather than wrapped or elided)."""
    for label in root.findChildren(QLabel):
        if not label.isVisibleTo(root) or not label.text().strip() or not label.pixmap().isNull():
            continue
        if label.wordWrap():
            needed = label.heightForWidth(label.contentsRect().width())
            if needed > label.contentsRect().height() + 1:
                yield f"{label.text()[:50]!r}: {needed}px high needed, {label.height()} given"
        elif label.minimumSizeHint().width() > label.width() + 1:
            yield f"{label.text()[:50]!r}: {label.minimumSizeHint().width()}px wide needed, " + (
                f"{label.width()} given"
            )


def clipped_cells(table: QTableView) -> Iterator[str]:
    """Essential columns cut or out of view; any cell cut without its words in a tooltip."""
    model, header = table.model(), table.horizontalHeader()
    metrics = table.fontMetrics()
    room = table.viewport().width()
    for col in range(model.columnCount()):
        if header.isSectionHidden(col):
            continue
        title = str(model.headerData(col, Qt.Orientation.Horizontal))
        width = table.columnWidth(col)
        left = table.columnViewportPosition(col)
        if title in IN_VIEW and (left < 0 or left + width > room):
            yield f"column {title!r} not wholly in view ({left}+{width} of {room})"
        for row in range(min(model.rowCount(), 15)):
            index = model.index(row, col)
            text = str(index.data() or "")
            icon = table.iconSize().width() + 4 if index.data(Qt.ItemDataRole.DecorationRole) else 0
            if metrics.horizontalAdvance(text) + icon + CELL_PADDING <= width:
                continue
            if title in NEVER_CUT:
                yield f"column {title!r} cuts {text!r} ({width}px)"
            elif index.data(Qt.ItemDataRole.ToolTipRole) != text:
                yield f"column {title!r} cuts {text!r} with no tooltip"


@pytest.fixture
def big_text(qapp: QApplication) -> Iterator[None]:
    font = qapp.font()
    big = qapp.font()
    big.setPointSizeF(font.pointSizeF() * 2)
    qapp.setFont(big)
    yield
    qapp.setFont(font)


def _window(qtbot, context: AppContext, store: Store) -> MainWindow:
    name_organisation(store)
    reference = log(store)
    for n in range(12):
        log(store, name=f"Resident With A Long Name Number {n} (for them: Representative)")
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.case_view.show_case(reference)
    return window


@pytest.mark.parametrize("view", VIEWS)
def test_nothing_essential_is_clipped_at_200_percent(
    qtbot, admin_context: AppContext, store: Store, big_text: None, view: str
) -> None:
    window = _window(qtbot, admin_context, store)
    window.show_page(view)
    for _ in range(3):
        QApplication.processEvents()
    page = window.pages[view]
    problems = list(clipped_labels(page))
    for table in page.findChildren(QTableView):
        if table.isVisibleTo(page):
            problems += list(clipped_cells(table))
    assert problems == []


def test_the_checks_find_clipping(
    qtbot, admin_context: AppContext, store: Store, big_text: None
) -> None:
    window = _window(qtbot, admin_context, store)
    window.show_page("cases")
    QApplication.processEvents()
    table = window.cases.table
    table.setColumnWidth(4, 40)  # the countdown cut to "25 wo"
    assert any("column 'Countdown'" in p for p in clipped_cells(table))
    holder = QWidget()
    qtbot.addWidget(holder)
    QLabel("A long label that cannot fit in forty pixels", holder).setFixedWidth(40)
    holder.show()
    assert list(clipped_labels(holder))
