"""The case list: filters and search done in the store, a page at a time."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from caseworker.domain.vocab import RecordKind, Status
from caseworker.services.case_list import CaseFilter, service_areas, sites
from caseworker.services.quick_reads import handler_names, store_calendar
from ui.context import AppContext
from ui.models.case_table import COLUMNS, COUNTDOWN, FLAGS, NEXT_DUE, CaseTableModel
from ui.widgets import choice_combo, date_edit, heading, optional_date, vocab_combo

SEARCH_DELAY_MS = 300
# Typical widest values, so columns fit their contents at any text size.
_COLUMN_SAMPLES = {
    "reference": "CW-2026-000000",
    "kind": "Councillor enquiry",
    "status": "Stage 2 requested",
    "next_due": "Wed 30 Sep 2026",
    "countdown": "25 working days overdue",
    "resident": "Firstname Surname (for them)",
    "service_area": "Housing Management",
    "site": "South Normanton",
    "received": "Wed 30 Sep 2026",
    "handler": "Firstname Surname",
    "flags": "Authorisation pending; Adjustments",
}
_MIN_CHARS = 9  # a column that gives way keeps room for this many characters
# Columns that give way when the list is narrow (large text), the least needed first.
_GIVE_WAY = (
    "flags",
    "handler",
    "received",
    "site",
    "service_area",
    "status",
    "kind",
    "resident",
)


def _column(key: str) -> int:
    return next(i for i, c in enumerate(COLUMNS) if c.key == key)


_RESIDENT = _column("resident")
_DUE_WINDOWS = (
    ("Any time", ""),
    ("Overdue", "overdue"),
    ("Due today", "today"),
    ("Due within 3 working days", "soon"),
    ("Due within 10 working days", "ten"),
)


class CaseTable(QTableView):
    """The table; Enter opens the current case."""

    activated_row = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated_row.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)


class CaseListView(QWidget):
    """Every case matching the filters, sorted and searched in the store."""

    case_requested = Signal(str)

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, *, load: bool = True
    ) -> None:
        """``load=False``: the list is empty until ``model.refresh()`` (built before sign-in)."""
        super().__init__(parent)
        self.context = context
        self.base = CaseFilter()
        self.model = CaseTableModel(context, self.base, load=load)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._choices_wanted = False
        self._build()
        self._connect_signals()
        self.reload_choices()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.title = heading("All cases")
        top.addWidget(self.title, 1)
        self.count_label = QLabel()
        self.count_label.setAccessibleName("Number of cases shown")
        top.addWidget(self.count_label)
        layout.addLayout(top)

        search_row = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Reference, name, postcode, phone, email or words…")
        self.search.setAccessibleName("Search cases")
        self.search.setClearButtonEnabled(True)
        search_label = QLabel("&Search:")
        search_label.setBuddy(self.search)
        search_row.addWidget(search_label)
        search_row.addWidget(self.search, 1)
        self.filters_button = QPushButton("Show &filters")
        self.filters_button.setCheckable(True)
        self.filters_button.setAccessibleName("Show or hide the filters")
        search_row.addWidget(self.filters_button)
        self.clear_button = QPushButton("C&lear filters")
        search_row.addWidget(self.clear_button)
        layout.addLayout(search_row)

        self.filter_box = QWidget()
        grid = QGridLayout(self.filter_box)
        grid.setContentsMargins(0, 0, 0, 0)
        self.kind = vocab_combo("Kind", RecordKind, blank="Any kind")
        self.status = vocab_combo("Stage or status", Status, blank="Any status")
        self.status.insertItem(1, "Open (any stage)", "open")
        self.area = QComboBox()
        self.area.setAccessibleName("Service area")
        self.site = QComboBox()
        self.site.setAccessibleName("Site")
        self.handler = QComboBox()
        self.handler.setAccessibleName("Handler")
        self.due = choice_combo("Due", _DUE_WINDOWS)
        today = self.context.today()
        self.received_from = date_edit("Received from", today, optional=True)
        self.received_to = date_edit("Received to", today, optional=True)
        cells = [
            ("&Kind", self.kind),
            ("S&tatus", self.status),
            ("Service &area", self.area),
            ("S&ite", self.site),
            ("&Handler", self.handler),
            ("&Due", self.due),
            ("Received &from", self.received_from),
            ("Received t&o", self.received_to),
        ]
        for i, (text, widget) in enumerate(cells):
            label = QLabel(text)
            label.setBuddy(widget)
            grid.addWidget(label, i // 2, (i % 2) * 2)
            grid.addWidget(widget, i // 2, (i % 2) * 2 + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.filter_box.hide()
        layout.addWidget(self.filter_box)

        self.table = CaseTable()
        self.table.setAccessibleName("Cases")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSortIndicator(NEXT_DUE, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        # What is due and for whom first: they stay whole when the window is narrow.
        for visual, col in enumerate((_column("reference"), COUNTDOWN, NEXT_DUE, _RESIDENT)):
            header.moveSection(header.visualIndex(col), visual)
        header.setStretchLastSection(True)
        self.table.viewport().installEventFilter(self)
        self.fit_columns()
        layout.addWidget(self.table, 1)
        self.setTabOrder(self.search, self.filters_button)
        self.setTabOrder(self.filters_button, self.clear_button)
        self.setTabOrder(self.clear_button, self.kind)
        self.setTabOrder(self.received_to, self.table)

    def fit_columns(self) -> None:
        """Each column as wide as its widest typical value; when that is wider than the list,
        the less essential columns give way (their text elides, the tooltip has it whole)."""
        metrics = self.table.fontMetrics()
        icon = self.table.iconSize().width() + 8
        header = self.table.horizontalHeader()
        widths = [
            max(
                metrics.horizontalAdvance(_COLUMN_SAMPLES[c.key])
                + 24
                + (icon if col in (COUNTDOWN, FLAGS) else 0),
                header.sectionSizeHint(col),
            )
            for col, c in enumerate(COLUMNS)
        ]
        room = self.table.viewport().width()
        over = sum(widths) - room
        least = metrics.averageCharWidth() * _MIN_CHARS + 24
        for key in _GIVE_WAY:
            if over <= 0 or room <= 0:
                break
            col = _column(key)
            floor = max(least * (3 if key == "resident" else 2) // 2, header.sectionSizeHint(col))
            give = min(over, max(0, widths[col] - floor))
            widths[col] -= give
            over -= give
        for col, width in enumerate(widths):
            self.table.setColumnWidth(col, width)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self.fit_columns()
        return super().eventFilter(watched, event)

    def _connect_signals(self) -> None:
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self._search_timer.timeout.connect(self.apply_filters)
        self.filters_button.toggled.connect(self._show_filters)
        self.clear_button.clicked.connect(self.clear_filters)
        for combo in (self.kind, self.status, self.area, self.site, self.handler, self.due):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
        for edit in (self.received_from, self.received_to):
            edit.dateChanged.connect(lambda _d: self.apply_filters())
        self.table.doubleClicked.connect(lambda index: self._open_row(index.row()))
        self.table.activated_row.connect(self._open_row)
        self.model.modelReset.connect(self._update_count)
        self.context.case_changed.connect(lambda _ref: self.model.refresh())
        self.context.settings_changed.connect(self.reload_choices)
        self.context.ticker.ticked.connect(self.model.refresh_countdowns)
        self.context.ticker.day_changed.connect(self.apply_filters)

    def _show_filters(self, on: bool) -> None:
        if on and not self._choices_wanted:
            # Filled when first shown: listing every handler reads a whole index.
            self._choices_wanted = True
            self.reload_choices()
        self.filter_box.setVisible(on)
        self.filters_button.setText("Hide &filters" if on else "Show &filters")

    def reload_choices(self) -> None:
        """Fill the service area, site and handler drop-downs from the store."""
        if not self._choices_wanted:
            return
        areas, site_list, handlers = self.context.read_quick(
            lambda s: (service_areas(s), sites(s), handler_names(s))
        )
        for combo, blank, items in (
            (self.area, "Any service area", [(a.name, a.id) for a in areas]),
            (self.site, "Any site", [(x.name, x.id) for x in site_list]),
            (self.handler, "Anyone", [(h, h) for h in handlers]),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(blank, None)
            for text, value in items:
                combo.addItem(text, value)
            i = combo.findData(current)
            combo.setCurrentIndex(max(0, i))
            combo.blockSignals(False)

    def show_filter(self, title: str, case_filter: CaseFilter) -> None:
        """Show the list a work-queue count opened, with the filter bar cleared."""
        self.base = case_filter
        self.title.setText(title)
        self.clear_filters()

    def clear_filters(self) -> None:
        widgets = (
            self.kind,
            self.status,
            self.area,
            self.site,
            self.handler,
            self.due,
            self.received_from,
            self.received_to,
            self.search,
        )
        for w in widgets:
            w.blockSignals(True)
        for combo in (self.kind, self.status, self.area, self.site, self.handler, self.due):
            combo.setCurrentIndex(0)
        for edit in (self.received_from, self.received_to):
            edit.setDate(edit.minimumDate())
        self.search.clear()
        for w in widgets:
            w.blockSignals(False)
        self.apply_filters()

    def current_filter(self) -> CaseFilter:
        """The work-queue filter narrowed by the bar and the search box."""
        f = self.base
        today = self.context.today()
        kind = self.kind.currentData()
        if kind:
            f = replace(f, kinds=(kind,))
        status = self.status.currentData()
        if status == "open":
            f = replace(f, open_only=True)
        elif status:
            f = replace(f, statuses=(status,))
        if self.area.currentData() is not None:
            f = replace(f, service_area_id=int(self.area.currentData()))
        if self.site.currentData() is not None:
            f = replace(f, site_id=int(self.site.currentData()))
        if self.handler.currentData():
            f = replace(f, handler=str(self.handler.currentData()))
        due = self.due.currentData()
        if due:
            cal = self.context.read_quick(store_calendar)
            if due == "overdue":
                f = replace(f, due_before=today)
            elif due == "today":
                f = replace(f, due_on_or_after=today, due_on_or_before=today)
            else:
                days = 3 if due == "soon" else 10
                f = replace(
                    f,
                    due_on_or_after=today + timedelta(days=1),
                    due_on_or_before=cal.add_working_days(today, days),
                )
        start, end = optional_date(self.received_from), optional_date(self.received_to)
        if start:
            f = replace(f, received_from=start)
        if end:
            f = replace(f, received_to=end)
        return replace(f, search=self.search.text())

    def apply_filters(self) -> None:
        self._search_timer.stop()
        self.model.set_filter(self.current_filter())

    def _update_count(self) -> None:
        n = self.model.rowCount()
        self.count_label.setText(f"{n:,} case{'s' if n != 1 else ''}")

    def _open_row(self, row: int) -> None:
        reference = self.model.reference_at(row)
        if reference:
            self.case_requested.emit(reference)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()
