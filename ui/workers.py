"""Long work off the GUI thread, with a progress dialog and a cancel button."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

# A job gets a progress callback (done, total) -> keep going; it returns its result.
Progress = Callable[[int, int], bool]
Job = Callable[[Progress], Any]


class Worker(QThread):
    """Runs one job in a thread; widgets are only touched through its signals."""

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, job: Job, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._job = job
        self._cancelled = False

    def cancel(self) -> None:
        self._cancelled = True

    def _progress(self, done: int, total: int) -> bool:
        self.progressed.emit(done, total)
        return not self._cancelled

    def run(self) -> None:
        try:
            result = self._job(self._progress)
        except Exception as exc:  # reported to the person, not swallowed
            self.failed.emit(str(exc) or type(exc).__name__)
            return
        self.succeeded.emit(result)


def run_with_progress(parent: QWidget, title: str, job: Job) -> tuple[Worker, QProgressDialog]:
    """Start ``job`` in a thread with a window-modal progress dialog whose Cancel stops it.

    The job stops at its next progress call after Cancel is pressed or the dialog's
    ``cancel()`` is called.
    """
    dialog = QProgressDialog(title, "Cancel", 0, 100, parent)
    dialog.setWindowTitle(title)
    dialog.setAccessibleName(title)
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    worker = Worker(job, parent)

    def show(done: int, total: int) -> None:
        # cancel() called on the dialog itself (not its button) emits no signal: check here.
        if dialog.wasCanceled():
            worker.cancel()
            return
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, max(total, 1)))
        dialog.setLabelText(f"{title}: {done:,} of {total:,}")

    worker.progressed.connect(show)
    dialog.canceled.connect(worker.cancel)
    worker.finished.connect(dialog.close)
    dialog.open()
    worker.start()
    return worker, dialog
