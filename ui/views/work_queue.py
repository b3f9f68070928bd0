"""Today's work: the cases to act on, mine first, with the queue's counts as filters above."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QIcon, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from caseworker.domain.calendar import format_day
from caseworker.services.work_queue import (
    TODAY_KEY,
    URGENT_KEYS,
    QueueItem,
    WorkItem,
    WorkList,
    conflicts_item,
    queue_items,
    work_list,
)
from ui.context import AppContext
from ui.flow_layout import FlowLayout
from ui.labels import kind_label
from ui.widgets import heading

# What to do and by when come first, so they are in view on a small screen.
_COLUMNS = ("Reference", "Countdown", "Due", "Resident", "Next step", "Clock", "Whose", "Kind")
REFERENCE, COUNTDOWN, DUE, RESIDENT, NEXT_STEP, CLOCK, WHOSE, KIND = range(len(_COLUMNS))
_MIN_CHARS = 12  # a column that gives way keeps room for this many characters
URGENT_STYLE = "QPushButton#urgent { font-weight: bold; color: #8b0000; }"


@cache
def _icon(which: QStyle.StandardPixmap) -> QIcon:
    return QApplication.style().standardIcon(which)


def _urgency_icon(item: WorkItem) -> QStyle.StandardPixmap | None:
    """An icon beside the words "overdue" and "due today" (never colour alone)."""
    if item.overdue:
        return QStyle.StandardPixmap.SP_MessageBoxCritical
    if item.due_today:
        return QStyle.StandardPixmap.SP_MessageBoxWarning
    return None


class WorkQueueView(QWidget):
    """The queue's counts as filters, and the list of cases each one holds; Enter opens one."""

    list_requested = Signal(str, object)  # title, CaseFilter: open it in the case list
    case_requested = Signal(str)  # reference

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        *,
        counted: Callable[[], list[QueueItem] | None] | None = None,
        load: bool = True,
    ) -> None:
        """``counted``: gives the items as counted for today at start-up (None: count here).
        ``load=False``: built empty (while the sign-in dialog is up); ``refresh`` fills it."""
        super().__init__(parent)
        self.context = context
        self.items: list[QueueItem] = []
        self.buttons: dict[str, QPushButton] = {}
        self.selected = TODAY_KEY
        self.work = WorkList((), 0)
        self._content = [0] * len(_COLUMNS)  # each column's widest cell, at the last fill
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.title = heading("Today's work")
        top.addWidget(self.title, 1)
        self.date_label = QLabel()
        self.date_label.setAccessibleName("Today's date")
        top.addWidget(self.date_label)
        layout.addLayout(top)
        self.filters = QWidget()
        self.filters.setAccessibleName("Filters")
        self.flow = FlowLayout(self.filters)
        layout.addWidget(self.filters)
        self.list_title = QLabel()
        self.list_title.setWordWrap(True)
        self.list_title.setAccessibleName("What the list shows")
        layout.addWidget(self.list_title)
        self.table = QTableWidget(0, len(_COLUMNS))
        self.table.setAccessibleName("Cases to act on: Enter opens the case")
        self.table.setHorizontalHeaderLabels(list(_COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        self.more_label = QLabel()
        self.more_label.setWordWrap(True)
        self.more_label.setAccessibleName("How many cases the list shows")
        bottom.addWidget(self.more_label, 1)
        self.in_list_button = QPushButton("Show them in the case &list")
        self.in_list_button.setAccessibleName("Show these cases in the case list")
        bottom.addWidget(self.in_list_button)
        layout.addLayout(bottom)
        self.filled = False  # counted and listed for the person working
        self._connect_signals()
        if load:
            self.refresh(counted() if counted else None)

    def _connect_signals(self) -> None:
        # Bound methods, not lambdas: Qt lets go of them when this view is deleted.
        self.context.case_changed.connect(self._case_changed)
        self.context.ticker.ticked.connect(self._ticked)
        self.table.doubleClicked.connect(lambda index: self.open_row(index.row()))
        self.table.installEventFilter(self)
        self.table.viewport().installEventFilter(self)
        self.in_list_button.clicked.connect(lambda: self.open_item(self.selected))

    def _case_changed(self, _reference: str) -> None:
        if self.filled:
            self.refresh()

    def _ticked(self) -> None:
        if self.filled:
            self.refresh()

    # Counts -----------------------------------------------------------------------------------

    def refresh(
        self, counted: list[QueueItem] | None = None, listed: WorkList | None = None
    ) -> None:
        """Count again and re-read the list (after a change, and every minute for midnight).

        At start-up ``counted`` and ``listed`` (today's work) come from a worker thread.
        """
        today = self.context.today()
        actor = self.context.actor
        self.items = counted or self.context.read_quick(lambda s: queue_items(s, actor, today))
        flagged = self.context.read_quick(lambda s: conflicts_item(s, actor))
        if flagged is not None:
            self.items = [*self.items, flagged]
        for key, shown in self.buttons.items():  # a count that is gone (conflicts resolved)
            shown.setVisible(any(i.key == key for i in self.items))
        self.date_label.setText(f"Today is {format_day(today)}.")
        for item in self.items:
            button = self.buttons.get(item.key)
            if button is None:
                button = QPushButton()
                button.setCheckable(True)
                button.setAutoExclusive(False)
                button.clicked.connect(lambda _=False, k=item.key: self.select(k))
                self.buttons[item.key] = button
                self.flow.addWidget(button)
            self._label_button(button, item)
        present = any(i.key == self.selected for i in self.items)
        self.select(self.selected if present else TODAY_KEY, listed)
        self.filled = True

    def _label_button(self, button: QPushButton, item: QueueItem) -> None:
        cases = "case" if item.count == 1 else "cases"
        urgent = item.key in URGENT_KEYS and item.count > 0
        button.setText(f"{'Urgent: ' if urgent else ''}{item.title} ({item.count})")
        button.setIcon(
            _icon(
                QStyle.StandardPixmap.SP_MessageBoxCritical
                if item.key == "overdue"
                else QStyle.StandardPixmap.SP_MessageBoxWarning
            )
            if urgent
            else QIcon()
        )
        button.setObjectName("urgent" if urgent else "")
        button.setStyleSheet(URGENT_STYLE if urgent else "")
        button.setToolTip(item.explanation)
        button.setAccessibleName(
            f"{'Urgent: ' if urgent else ''}{item.title}: {item.count} {cases}"
        )
        button.setAccessibleDescription(item.explanation)

    def count(self, key: str) -> int:
        return next(i.count for i in self.items if i.key == key)

    def item(self, key: str) -> QueueItem:
        return next(i for i in self.items if i.key == key)

    # The list ---------------------------------------------------------------------------------

    def select(self, key: str, listed: WorkList | None = None) -> None:
        """Show the cases of one count (the others' buttons come up); ``listed``: today's
        work as read at start-up."""
        self.selected = key
        for k, button in self.buttons.items():
            button.setChecked(k == key)
        item = self.item(key)
        actor, today = self.context.actor, self.context.today()
        if listed is not None and key == TODAY_KEY:
            self.work = listed
        else:
            self.work = self.context.read_quick(
                lambda s: work_list(s, actor, item.case_filter, today)
            )
        self.list_title.setText(f"<b>{item.title}</b>: {item.explanation}. Yours first.")
        self._fill()
        shown = len(self.work.items)
        self.more_label.setText(
            f"{shown} of {self.work.total} cases shown: the case list has them all."
            if shown < self.work.total
            else f"{shown} case{'s' if shown != 1 else ''}."
        )

    def _fill(self) -> None:
        table = self.table
        table.setRowCount(len(self.work.items))
        metrics = table.fontMetrics()
        widest = [0] * len(_COLUMNS)
        measured: dict[str, int] = {}
        for row, w in enumerate(self.work.items):
            icon = _urgency_icon(w)
            due = format_day(w.next_due) if w.next_due else ""
            texts = {
                WHOSE: "Mine" if w.mine else (w.handler or "Not assigned"),
                REFERENCE: w.reference,
                NEXT_STEP: w.next_step,
                DUE: due,
                COUNTDOWN: w.countdown,
                CLOCK: w.clock,
                RESIDENT: "Restricted case" if w.restricted and not w.resident else w.resident,
                KIND: kind_label(w.kind),
            }
            for col, text in texts.items():
                width = measured.get(text)
                if width is None:  # the kinds, clocks and steps repeat: each measured once
                    width = measured[text] = metrics.horizontalAdvance(text)
                widest[col] = max(widest[col], width)
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                cell.setData(Qt.ItemDataRole.UserRole, w.reference)
                if col == COUNTDOWN and icon is not None:
                    cell.setIcon(_icon(icon))
                table.setItem(row, col, cell)
        # Each column as wide as its widest cell (measured here, once per fill: asking the
        # view for each column's size hint lays out every row, three times at start-up).
        pad = 2 * table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 8
        icon_width = table.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize) + 4
        self._content = [
            width + pad + (icon_width if col == COUNTDOWN else 0) if width else 0
            for col, width in enumerate(widest)
        ]
        self._fit_columns()
        if self.work.items and table.currentRow() < 0:
            table.setCurrentCell(0, REFERENCE)

    def _fit_columns(self) -> None:
        """Columns as wide as their content, shared out when the window is narrow.

        The content's widths are measured once per fill (each measure reads every cell: the
        first paint resizes the view twice more) and again if the font changes."""
        table = self.table
        header = table.horizontalHeader()
        widths = [max(header.sectionSizeHint(c), self._content[c]) for c in range(len(_COLUMNS))]
        room = table.viewport().width()
        over = sum(widths) - room
        if over > 0 and room > 0:
            # Narrow: the long words give way first (they elide, the tooltip has them whole);
            # the reference, countdown and due date keep their width.
            least = table.fontMetrics().averageCharWidth() * _MIN_CHARS
            for col in (KIND, WHOSE, CLOCK, NEXT_STEP, RESIDENT):
                give = min(over, max(0, widths[col] - max(least, header.sectionSizeHint(col))))
                widths[col] -= give
                over -= give
        for col, width in enumerate(widths):
            table.setColumnWidth(col, width)

    def open_row(self, row: int) -> None:
        if 0 <= row < len(self.work.items):
            self.case_requested.emit(self.work.items[row].reference)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter (or Return) on a row opens the case; a new width fits the columns again."""
        if watched is self.table and event.type() == QEvent.Type.FontChange:
            if self.filled:  # a new text size: the content measures anew
                self._fill()
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.open_row(self.table.currentRow())
            return True
        return super().eventFilter(watched, event)

    def open_item(self, key: str) -> None:
        """Open a count's cases in the case list (to sort, filter further or page through)."""
        item = self.item(key)
        self.list_requested.emit(item.title, item.case_filter)
