"""The batch action that makes today's acknowledgement letters, off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from caseworker.services.actor import Actor
from caseworker.services.letters import batch_acknowledgements
from db.store import Store
from ui.workers import Progress, Worker, run_with_progress

TITLE = "Making today's acknowledgement letters"
SHORTCUT = "Ctrl+Shift+B"


@dataclass(frozen=True)
class BatchSummary:
    """What a batch run did."""

    letters: int  # copies made (a case may need several)
    cases_done: int
    cases_due: int
    problems: tuple[str, ...]
    cancelled: bool

    @property
    def text(self) -> str:
        """The summary a caseworker reads, e.g. ``Made 3 letters for 3 cases.``."""
        if self.cases_due == 0:
            return (
                "No acknowledgement letters are due today: every case acknowledged today has one."
            )
        lines = [f"Made {_count(self.letters, 'letter')} for {_count(self.cases_done, 'case')}."]
        if self.cancelled:
            lines.append(
                f"Stopped after {self.cases_done} of {self.cases_due} cases; the letters made so "
                "far are saved. Run the batch again to make the rest."
            )
        if self.problems:
            lines.append(f"{_count(len(self.problems), 'case')} could not be done:")
            lines += [f"• {p}" for p in self.problems]
        return "\n".join(lines)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def make_acknowledgements(
    store: Store, actor: Actor, today: date, progress: Progress
) -> BatchSummary:
    """Make every acknowledgement letter due ``today`` in one transaction of its own.

    Cancelling keeps what was made: each letter is complete and recorded on its own.
    """
    stopped_at: list[int] = []
    due = [0]

    def track(done: int, total: int) -> bool:
        due[0] = total
        going = progress(done, total)
        if not going and not stopped_at:
            stopped_at.append(done)
        return going

    made, problems = batch_acknowledgements(store, actor, today=today, progress=track)
    cancelled = bool(stopped_at) and stopped_at[0] < due[0]
    return BatchSummary(
        letters=len(made),
        cases_done=(stopped_at[0] if cancelled else due[0]) - len(problems),
        cases_due=due[0],
        problems=tuple(problems),
        cancelled=cancelled,
    )


class AcknowledgementBatch(QObject):
    """Runs the batch with a progress dialog and Cancel, then shows a summary."""

    completed = Signal(object)  # BatchSummary
    failed = Signal(str)

    def __init__(
        self,
        store: Store,
        actor: Actor,
        today: Callable[[], date],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.window = parent
        self.store = store
        self.actor = actor
        self.today = today
        self.worker: Worker | None = None
        self.progress: QProgressDialog | None = None
        self.summary_box: QMessageBox | None = None

    def start(self) -> None:
        """Begin (unless a run is still going); the dialog's Cancel stops after the current case."""
        if self.worker is not None and self.worker.isRunning():
            return
        store, actor, day = self.store, self.actor, self.today()

        def job(progress: Progress) -> BatchSummary:
            return make_acknowledgements(store, actor, day, progress)

        self.worker, self.progress = run_with_progress(self.window, TITLE, job)
        self._connect_signals()

    def _connect_signals(self) -> None:
        assert self.worker is not None
        self.worker.succeeded.connect(self._show_summary)
        self.worker.failed.connect(self._show_failure)

    def _show_summary(self, summary: BatchSummary) -> None:
        self.summary_box = QMessageBox(
            QMessageBox.Icon.Information,
            "Acknowledgement letters",
            summary.text,
            parent=self.window,
        )
        self.summary_box.setAccessibleName("Acknowledgement letters made")
        self.summary_box.open()
        self.completed.emit(summary)

    def _show_failure(self, message: str) -> None:
        self.summary_box = QMessageBox(
            QMessageBox.Icon.Warning,
            "No acknowledgement letters made",
            f"Nothing was saved: {message}",
            parent=self.window,
        )
        self.summary_box.open()
        self.failed.emit(message)


def batch_action(batch: AcknowledgementBatch) -> QAction:
    """The menu action "Make today's acknowledgement letters" (Ctrl+Shift+B) that starts it."""
    action = QAction("Make today's &acknowledgement letters…", batch)
    action.setShortcut(QKeySequence(SHORTCUT))
    action.setStatusTip("Make and save the acknowledgement letter of every case acknowledged today")
    action.setToolTip(f"Make today's acknowledgement letters ({SHORTCUT})")
    action.triggered.connect(batch.start)
    return action
