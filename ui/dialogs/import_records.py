"""File > Import records…: check or import a spreadsheet off the GUI thread, all rows or none."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from caseworker.domain.errors import CaseworkerError
from caseworker.services.importer import (
    ImportCancelled,
    ImportRefused,
    ImportSummary,
    import_records,
)
from caseworker.services.importer_rows import ImportProblem
from caseworker.services.permissions import check
from ui.context import AppContext
from ui.widgets import error_label, show_error
from ui.workers import Progress, Worker

TITLE = "Import records"
SHORTCUT = "Ctrl+I"


@dataclass(frozen=True)
class ImportOutcome:
    """How a run ended: a summary, the file's problems, or cancelled."""

    summary: ImportSummary | None = None
    problems: tuple[ImportProblem, ...] = ()
    cancelled: str = ""


def _sentence(problem: ImportProblem) -> str:
    text = str(problem)
    return text[:1].upper() + text[1:]


class ImportRecordsDialog(QDialog):
    """Choose a .csv or .xlsx file, check it (dry run) or import it, and see what happened.

    Every row is checked before anything is written; if any row has a problem, every
    problem is listed with its row and column and nothing is imported.
    """

    records_imported = Signal(object)  # ImportSummary, after a real import
    outcome_shown = Signal(object)  # ImportOutcome, after any run (or str on failure)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.worker: Worker | None = None
        self.setWindowTitle(TITLE)
        self.setAccessibleName(TITLE)
        self._build()
        self._connect_signals()
        self.resize(self.fontMetrics().averageCharWidth() * 90, self.fontMetrics().height() * 28)

    def _build(self) -> None:
        intro = QLabel(
            "Bring in records from a spreadsheet (.csv or .xlsx), one record per row. Every "
            "row is checked first: if any row has a problem, each one is listed with its row "
            "and column, and nothing at all is imported. Check only writes nothing."
        )
        intro.setWordWrap(True)
        self.path = QLineEdit()
        self.path.setAccessibleName("Spreadsheet file")
        self.path.setPlaceholderText("The .csv or .xlsx file to import")
        self.browse = QPushButton("C&hoose…")
        self.browse.setAccessibleName("Choose the file")
        file_label = QLabel("&File")
        file_label.setBuddy(self.path)
        file_row = QHBoxLayout()
        file_row.addWidget(file_label)
        file_row.addWidget(self.path, 1)
        file_row.addWidget(self.browse)

        self.progress = QProgressBar()
        self.progress.setAccessibleName("Rows checked and imported")
        self.progress.setFormat("%v of %m rows")
        self.cancel_button = QPushButton("&Stop")
        self.cancel_button.setAccessibleName("Stop the import")
        self.cancel_button.setToolTip("Stop: nothing is imported (Esc)")
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        self.running = QWidget()
        self.running.setLayout(progress_row)
        self.running.hide()

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Result")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.lines = QListWidget()
        self.lines.setAccessibleName("Summary")
        self.lines.setWordWrap(True)
        self.error = error_label("Why the file could not be read")
        self.not_allowed = error_label("Why records cannot be imported")

        self.buttons = QDialogButtonBox()
        self.check_button = self.buttons.addButton(
            "Check only (&dry run)", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.import_button = self.buttons.addButton(
            "&Import", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.check_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(file_row)
        layout.addWidget(self.not_allowed)
        layout.addWidget(self.running)
        layout.addWidget(self.error)
        layout.addWidget(self.status)
        layout.addWidget(self.lines, 1)
        layout.addWidget(self.buttons)
        try:
            check(self.context.actor, "import")
        except CaseworkerError as exc:
            show_error(self.not_allowed, str(exc))
            self.check_button.setEnabled(False)
            self.import_button.setEnabled(False)

    def _connect_signals(self) -> None:
        self.browse.clicked.connect(self.choose_file)
        self.check_button.clicked.connect(lambda: self.start(dry_run=True))
        self.import_button.clicked.connect(lambda: self.start(dry_run=False))
        self.close_button.clicked.connect(self.reject)
        self.cancel_button.clicked.connect(self.cancel)

    def choose_file(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Choose the spreadsheet", self.path.text(), "Spreadsheets (*.csv *.xlsx)"
        )
        if chosen:
            self.path.setText(chosen)

    def is_running(self) -> bool:
        return self.worker is not None and self.worker.isRunning()

    # Running ----------------------------------------------------------------------------------

    def start(self, *, dry_run: bool) -> None:
        """Check (dry run) or import the file in a worker thread with its own session."""
        if self.is_running() or not self.not_allowed.isHidden():
            return
        text = self.path.text().strip()
        if not text:
            show_error(self.error, "Choose the spreadsheet to import first")
            return
        path = Path(text)
        store, actor, today = self.context.store, self.context.actor, self.context.today()

        def job(progress: Progress) -> ImportOutcome:
            try:
                if dry_run:
                    with store.read() as session:
                        summary = import_records(
                            session, actor, path, dry_run=True, today=today, progress=progress
                        )
                else:
                    # Any problem raises inside the transaction, so nothing is kept.
                    with store.write() as session:
                        summary = import_records(
                            session, actor, path, today=today, progress=progress
                        )
            except ImportRefused as exc:
                return ImportOutcome(problems=exc.problems)
            except ImportCancelled as exc:
                return ImportOutcome(cancelled=str(exc))
            return ImportOutcome(summary=summary)

        show_error(self.error, "")
        self.status.clear()
        self.lines.clear()
        self.progress.setRange(0, 0)  # busy until the first count arrives
        self.running.show()
        self._busy(True)
        self.worker = Worker(job, self)
        self.worker.progressed.connect(self._progressed)
        self.worker.succeeded.connect(self._show)
        self.worker.failed.connect(self._failed)
        self.worker.finished.connect(lambda: self._busy(False))
        self.worker.start()
        self.cancel_button.setFocus()

    def _busy(self, busy: bool) -> None:
        self.running.setVisible(busy)
        may = self.not_allowed.isHidden()
        self.path.setEnabled(not busy)
        self.browse.setEnabled(not busy)
        self.check_button.setEnabled(not busy and may)
        self.import_button.setEnabled(not busy and may)

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()

    def reject(self) -> None:
        """Esc or Close: stops a run first (nothing is imported), else closes."""
        if self.is_running():
            self.cancel()
            return
        super().reject()

    # Results ----------------------------------------------------------------------------------

    def _show(self, outcome: ImportOutcome) -> None:
        if outcome.summary is not None:
            lines = outcome.summary.lines()
            self.status.setText(lines[0])
            self.lines.setAccessibleName("Summary")
            self.lines.addItems(lines[1:])
            if not outcome.summary.dry_run:
                self.records_imported.emit(outcome.summary)
                self.context.case_changed.emit("")
                self.context.settings_changed.emit()
        elif outcome.problems:
            n = len(outcome.problems)
            self.status.setText(
                f"Nothing was imported: the file has {n} problem{'s' if n != 1 else ''}. "
                "Put them right in the spreadsheet and try again."
            )
            self.lines.setAccessibleName("Problems found")
            self.lines.addItems([_sentence(p) for p in outcome.problems])
        else:
            self.status.setText(outcome.cancelled)
        self.status.setAccessibleDescription(self.status.text())
        if self.lines.count():
            self.lines.setCurrentRow(0)
            self.lines.setFocus()
        self.outcome_shown.emit(outcome)

    def _failed(self, message: str) -> None:
        show_error(self.error, f"Nothing was imported: {message}")
        self.outcome_shown.emit(message)
