"""Conflicts to resolve: a change made offline that met a different one on the server.

Both values side by side, who made each and when, the case (Enter or Alt+O opens it), and
the officer's choice: Keep the server's (Alt+K) or Take this PC's (Alt+T), with a reason.
The choice goes through ``caseworker.sync.resolve`` (audited; refused with its reason).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from caseworker.domain.calendar import format_day
from caseworker.domain.errors import CaseworkerError
from caseworker.sync.conflicts import ConflictView, list_conflicts
from caseworker.sync.resolve import (
    ACTION_FIELD,
    CHOICE_WORDS,
    KEEP_REPLICA,
    KEEP_SERVER,
    resolve_conflict,
    value_text,
)
from ui.context import AppContext
from ui.widgets import error_label, heading, show_error

_COLUMNS = ("Case", "What", "Server's value", "This PC's value")


def field_label(view: ConflictView) -> str:
    """What the conflict is about, in words."""
    if view.field == ACTION_FIELD:
        return f"Refused by the server: {view.action.replace('-', ' ')}"
    return view.field.replace("_", " ").capitalize()


def shown_value(view: ConflictView, value: Any) -> str:
    """A side's value as people read it (dates as ``Thu 28 May 2026``)."""
    if isinstance(value, str) and len(value) == 10:
        try:
            return format_day(date.fromisoformat(value))
        except ValueError:
            pass
    return value_text(view.field, value)


def made_by(who: str, at: datetime | None) -> str:
    when = f"{at:%H:%M} on {format_day(at.date())}" if at is not None else "time not recorded"
    return f"By {who or 'someone not recorded'}, {when}"


class ConflictsView(QWidget):
    """The conflicts the signed-in person may see, and the choice on the selected one."""

    case_requested = Signal(str)  # reference
    resolved = Signal(str)  # conflict id

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.conflicts: list[ConflictView] = []
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Conflicts to resolve"))
        intro = QLabel(
            "A change made on a PC while it was offline met a different change made on the "
            "server. The server's value stays until you choose."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, len(_COLUMNS))
        self.table.setAccessibleName("Conflicts: choose one to see both values")
        self.table.setHorizontalHeaderLabels(list(_COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.empty = QLabel("No conflicts to resolve.")
        self.empty.setAccessibleName("No conflicts to resolve")
        layout.addWidget(self.empty)

        self.detail = QWidget()
        detail = QVBoxLayout(self.detail)
        detail.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.what = QLabel()
        self.what.setWordWrap(True)
        self.what.setAccessibleName("What the conflict is about")
        top.addWidget(self.what, 1)
        self.open_button = QPushButton("&Open case")
        top.addWidget(self.open_button)
        detail.addLayout(top)
        sides = QHBoxLayout()
        self.server_box, self.server_value, self.server_by = self._side("Server's value (kept now)")
        self.replica_box, self.replica_value, self.replica_by = self._side("This PC's value")
        sides.addWidget(self.server_box, 1)
        sides.addWidget(self.replica_box, 1)
        detail.addLayout(sides)
        form = QFormLayout()
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason for the choice")
        self.reason.setPlaceholderText("Why (kept in the audit trail)")
        reason_label = QLabel("&Reason:")
        reason_label.setBuddy(self.reason)
        form.addRow(reason_label, self.reason)
        detail.addLayout(form)
        buttons = QHBoxLayout()
        self.keep_button = QPushButton("&Keep server's")
        self.take_button = QPushButton("&Take this PC's")
        buttons.addWidget(self.keep_button)
        buttons.addWidget(self.take_button)
        buttons.addStretch(1)
        detail.addLayout(buttons)
        self.error = error_label("Why the choice was refused")
        detail.addWidget(self.error)
        layout.addWidget(self.detail)
        self.done_label = QLabel()
        self.done_label.setWordWrap(True)
        self.done_label.setAccessibleName("Last choice recorded")
        layout.addWidget(self.done_label)
        self.setTabOrder(self.table, self.open_button)
        self.setTabOrder(self.open_button, self.reason)
        self.setTabOrder(self.reason, self.keep_button)
        self.setTabOrder(self.keep_button, self.take_button)
        self._connect_signals()
        self.refresh()

    def _side(self, title: str) -> tuple[QGroupBox, QLabel, QLabel]:
        box = QGroupBox(title)
        box.setAccessibleName(title)
        column = QVBoxLayout(box)
        value = QLabel()
        value.setWordWrap(True)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = value.font()
        font.setBold(True)
        value.setFont(font)
        value.setAccessibleName(f"{title}: value")
        by = QLabel()
        by.setWordWrap(True)
        by.setAccessibleName(f"{title}: who and when")
        column.addWidget(value)
        column.addWidget(by)
        return box, value, by

    def _connect_signals(self) -> None:
        self.table.currentCellChanged.connect(lambda row, *_: self._show(row))
        self.table.doubleClicked.connect(lambda _index: self.open_case())
        self.table.installEventFilter(self)
        self.open_button.clicked.connect(self.open_case)
        self.keep_button.clicked.connect(lambda: self.choose(KEEP_SERVER))
        self.take_button.clicked.connect(lambda: self.choose(KEEP_REPLICA))
        self.context.case_changed.connect(self._case_changed)

    def _case_changed(self, _reference: str) -> None:
        self.refresh()

    # Reading ----------------------------------------------------------------------------------

    def refresh(self) -> None:
        actor = self.context.actor
        self.conflicts = self.context.read(lambda s: list_conflicts(s, actor))
        table = self.table
        keep = table.currentRow()
        table.setRowCount(len(self.conflicts))
        for row, c in enumerate(self.conflicts):
            texts = (
                c.reference or "Not on the server",
                field_label(c),
                shown_value(c, c.server_value),
                shown_value(c, c.replica_value),
            )
            for col, text in enumerate(texts):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                table.setItem(row, col, cell)
        has = bool(self.conflicts)
        table.setVisible(has)
        self.empty.setVisible(not has)
        self.detail.setVisible(has)
        if has:
            table.setCurrentCell(min(max(keep, 0), len(self.conflicts) - 1), 0)
            self._show(table.currentRow())

    def current(self) -> ConflictView | None:
        row = self.table.currentRow()
        return self.conflicts[row] if 0 <= row < len(self.conflicts) else None

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.conflicts):
            return
        c = self.conflicts[row]
        where = f"case {c.reference}" if c.reference else "a case the server does not hold"
        self.what.setText(f"<b>{field_label(c)}</b> on {where}")
        self.open_button.setText(f"&Open case {c.reference}" if c.reference else "&Open case")
        self.open_button.setEnabled(bool(c.reference))
        self.open_button.setAccessibleName(f"Open case {c.reference}")
        self.server_value.setText(shown_value(c, c.server_value))
        self.server_by.setText(made_by(c.server_by, c.server_at) + " (on the server)")
        self.replica_value.setText(shown_value(c, c.replica_value))
        self.replica_by.setText(made_by(c.replica_by, c.replica_at) + " (on a PC offline)")
        self.keep_button.setAccessibleName(
            f"Keep the server's value for {field_label(c)} on {c.reference or 'this change'}"
        )
        self.take_button.setAccessibleName(
            f"Take this PC's value for {field_label(c)} on {c.reference or 'this change'}"
        )
        show_error(self.error, "")

    # Acting -----------------------------------------------------------------------------------

    def open_case(self) -> None:
        c = self.current()
        if c is not None and c.reference:
            self.case_requested.emit(c.reference)

    def choose(self, keep: str) -> bool:
        """Record the choice on the selected conflict (a refusal is shown, nothing changes)."""
        c = self.current()
        if c is None:
            return False
        actor, today, reason = self.context.actor, self.context.today(), self.reason.text()
        try:
            done = self.context.write(
                lambda s: resolve_conflict(
                    s,
                    actor,
                    c.reference or None,
                    c.id,
                    keep=keep,
                    reason=reason,
                    expected_version=c.case_version,
                    today=today,
                )
            )
        except CaseworkerError as exc:
            show_error(self.error, str(exc))
            return False
        self.reason.clear()
        self.done_label.setText(
            f"✓ {field_label(c)} on {c.reference or '-'}: {CHOICE_WORDS[done.choice]} "
            f"({shown_value(c, done.value)})."
        )
        self.resolved.emit(done.conflict_id)
        self.context.case_changed.emit(c.reference)  # refreshes this list and the queue
        self.table.setFocus()
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter on a row opens its case."""
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.open_case()
            return True
        return super().eventFilter(watched, event)
