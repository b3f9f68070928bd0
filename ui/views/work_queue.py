"""The start page: what is due, as counts that open the matching list."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from caseworker.domain.calendar import format_day
from caseworker.services.work_queue import QueueItem, queue_items
from ui.context import AppContext
from ui.widgets import heading, scrolling

_COLUMNS = 3


class WorkQueueView(QWidget):
    """Counts of what needs doing; each opens the filtered case list."""

    list_requested = Signal(str, object)  # title, CaseFilter

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        *,
        counted: Callable[[], list[QueueItem] | None] | None = None,
    ) -> None:
        """``counted``: gives the items as counted for today at start-up (None: count here)."""
        super().__init__(parent)
        self.context = context
        self.items: list[QueueItem] = []
        self.buttons: dict[str, QPushButton] = {}
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(heading("Work queue"))
        self.date_label = QLabel()
        self.date_label.setAccessibleName("Today's date")
        layout.addWidget(self.date_label)
        self.grid = QGridLayout()
        layout.addLayout(self.grid)
        layout.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scrolling(body))
        self._connect_signals()
        self.refresh(counted() if counted else None)

    def _connect_signals(self) -> None:
        self.context.case_changed.connect(lambda _ref: self.refresh())
        self.context.ticker.ticked.connect(lambda: self.refresh())

    def refresh(self, counted: list[QueueItem] | None = None) -> None:
        """Count again (after a change, and every minute so midnight moves the counts)."""
        today = self.context.today()
        actor = self.context.actor
        self.items = counted or self.context.read_quick(lambda s: queue_items(s, actor, today))
        self.date_label.setText(f"Today is {format_day(today)}. Choose a count to see its cases.")
        for item in self.items:
            button = self.buttons.get(item.key)
            if button is None:
                button = QPushButton()
                button.setMinimumHeight(button.fontMetrics().height() * 4)
                button.clicked.connect(lambda _=False, k=item.key: self.open_item(k))
                self.buttons[item.key] = button
            cases = "case" if item.count == 1 else "cases"
            button.setText(f"{item.count}\n{item.title}")
            button.setToolTip(item.explanation)
            button.setAccessibleName(f"{item.title}: {item.count} {cases}")
            button.setAccessibleDescription(item.explanation)
        self._reflow()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._reflow()

    def _reflow(self) -> None:
        """As many columns of counts as fit the width (fewer with large text)."""
        if not self.buttons:
            return
        widest = max(b.sizeHint().width() for b in self.buttons.values()) + self.grid.spacing()
        columns = max(1, min(_COLUMNS, (self.width() - 40) // max(widest, 1)))
        for button in self.buttons.values():
            self.grid.removeWidget(button)
        for i, key in enumerate(self.buttons):
            self.grid.addWidget(self.buttons[key], i // columns, i % columns)
        for c in range(_COLUMNS):
            self.grid.setColumnStretch(c, 1 if c < columns else 0)

    def count(self, key: str) -> int:
        return next(i.count for i in self.items if i.key == key)

    def open_item(self, key: str) -> None:
        item = next(i for i in self.items if i.key == key)
        self.list_requested.emit(item.title, item.case_filter)
