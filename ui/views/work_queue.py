"""The start page: what is due, as counts that open the matching list."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from caseworker.domain.calendar import format_day
from caseworker.services.permissions import sees_restricted
from caseworker.services.settings import store_calendar
from db.queries import (
    CaseFilter,
    QueueCounts,
    expiring_authorisation_case_ids,
    followup_case_ids,
    queue_counts,
)
from ui.context import AppContext
from ui.widgets import heading, scrolling

EXPIRING_WITHIN_DAYS = 28
SOON_WORKING_DAYS = 3
_COLUMNS = 3


@dataclass(frozen=True)
class QueueItem:
    """One count of the queue and the list it opens."""

    key: str
    title: str
    explanation: str
    count: int
    case_filter: CaseFilter


def queue_items(
    session: Session, actor_name: str, include_restricted: bool, today: date
) -> list[QueueItem]:
    """The queue's counts and their filters, as at ``today``."""
    cal = store_calendar(session)
    soon = cal.add_working_days(today, SOON_WORKING_DAYS)
    expiring = today + timedelta(days=EXPIRING_WITHIN_DAYS)
    counts: QueueCounts = queue_counts(
        session,
        today,
        soon,
        handler=actor_name,
        include_restricted=include_restricted,
        expiring_before=expiring,
    )
    base = CaseFilter(open_only=True, include_restricted=include_restricted)
    return [
        QueueItem(
            "overdue",
            "Overdue",
            f"Past their next deadline (before {format_day(today)})",
            counts.overdue,
            replace(base, due_before=today),
        ),
        QueueItem(
            "due-today",
            "Due today",
            f"Next deadline is today, {format_day(today)}",
            counts.due_today,
            replace(base, due_on_or_after=today, due_on_or_before=today),
        ),
        QueueItem(
            "due-soon",
            "Due within 3 working days",
            f"Due by {format_day(soon)}",
            counts.due_soon,
            replace(base, due_on_or_after=today + timedelta(days=1), due_on_or_before=soon),
        ),
        QueueItem(
            "awaiting-ack",
            "Awaiting acknowledgement",
            "Complaints logged, not yet acknowledged",
            counts.awaiting_ack,
            replace(base, kinds=("complaint",), statuses=("logged",)),
        ),
        QueueItem(
            "awaiting-stage2-ack",
            "Awaiting Stage 2 acknowledgement",
            "Escalations received, not yet acknowledged",
            counts.awaiting_stage2_ack,
            replace(base, statuses=("stage-2-requested",)),
        ),
        QueueItem(
            "followups",
            "Remedies and actions overdue",
            "Remedies or outstanding actions past their due date",
            counts.followups_overdue,
            replace(
                CaseFilter(include_restricted=include_restricted),
                case_ids=followup_case_ids(session, today),
            ),
        ),
        QueueItem(
            "auth-pending",
            "Authorisations pending",
            "A representative's authorisation form is awaited",
            counts.authorisations_pending,
            replace(base, auth_states=("pending",)),
        ),
        QueueItem(
            "auth-expiring",
            "Authorisations expiring",
            f"Authorisations that expire by {format_day(expiring)}",
            counts.authorisations_expiring,
            replace(base, case_ids=expiring_authorisation_case_ids(session, expiring)),
        ),
        QueueItem(
            "mine",
            "My cases",
            f"Open cases handled by {actor_name}",
            counts.my_cases,
            replace(base, handler=actor_name),
        ),
        QueueItem("all", "All open cases", "Every open case", counts.all_open, base),
    ]


class WorkQueueView(QWidget):
    """Counts of what needs doing; each opens the filtered case list."""

    list_requested = Signal(str, object)  # title, CaseFilter

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
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
        self.refresh()

    def _connect_signals(self) -> None:
        self.context.case_changed.connect(lambda _ref: self.refresh())
        self.context.ticker.ticked.connect(self.refresh)

    def refresh(self) -> None:
        """Count again (after a change, and every minute so midnight moves the counts)."""
        today = self.context.today()
        actor = self.context.actor
        self.items = self.context.read(
            lambda s: queue_items(s, actor.display_name, sees_restricted(actor), today)
        )
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
