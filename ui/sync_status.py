"""Background sync on an offline replica, and the status bar's word on it.

A sync runs in a worker thread (never on the GUI thread) when the window is ready, every
``CASEWORKER_SYNC_MINUTES`` (default 5) after that, and every minute while the server cannot
be reached, so it runs soon after the link returns. The status bar says "Server: up to date",
"Offline since 10:42 — 7 changes waiting" or "2 conflicts to resolve", with an icon (never
colour alone). Off a replica nothing of this runs.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QStyle, QWidget

from caseworker.services.actor import Actor
from caseworker.services.replication import replica_device
from caseworker.sync.status import OFFLINE, OK, Attempt, attempt_sync, counts, status_line
from db.store import Store
from ui.context import AppContext
from ui.workers import Worker

if TYPE_CHECKING:
    from ui.main_window import MainWindow

MINUTES_VAR = "CASEWORKER_SYNC_MINUTES"
DEFAULT_MINUTES = 5.0
RETRY_SECONDS = 60  # while offline: soon after the link returns

SyncJob = Callable[[Store, Actor, datetime, date], Attempt]


def interval_from_env() -> int:
    """Milliseconds between syncs: ``CASEWORKER_SYNC_MINUTES`` (a number > 0) or 5 minutes."""
    try:
        minutes = float(os.environ.get(MINUTES_VAR, "") or DEFAULT_MINUTES)
    except ValueError:
        minutes = DEFAULT_MINUTES
    return int(max(minutes, 0.05) * 60_000)


def _attempt(store: Store, actor: Actor, now: datetime, today: date) -> Attempt:
    return attempt_sync(store, actor, now=now, today=today)


class SyncStatusLabel(QWidget):
    """The status bar's sync words with an icon: a tick, a warning sign or a red cross."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.icon = QLabel()
        self.icon.setAccessibleName("Sync state sign")
        self.text = QLabel("Server: not yet synced")
        row.addWidget(self.icon)
        row.addWidget(self.text)
        self.kind = ""
        self.setAccessibleName("Sync: Server: not yet synced")

    def show_line(self, text: str, kind: str, why: str = "") -> None:
        which = {
            OK: QStyle.StandardPixmap.SP_DialogApplyButton,
            OFFLINE: QStyle.StandardPixmap.SP_MessageBoxCritical,
        }.get(kind, QStyle.StandardPixmap.SP_MessageBoxWarning)
        size = self.text.fontMetrics().height()
        self.icon.setPixmap(QApplication.style().standardIcon(which).pixmap(size, size))
        self.text.setText(text)
        self.kind = kind
        self.setAccessibleName(f"Sync: {text}")
        self.setToolTip(why)


class BackgroundSync(QObject):
    """Runs the replica's sync in a worker thread on a timer; says how it went."""

    line_changed = Signal(str, str, str)  # words, kind, why (the last error, for a tooltip)
    attempted = Signal(object)  # Attempt

    def __init__(
        self,
        context: AppContext,
        *,
        interval_ms: int | None = None,
        retry_ms: int = RETRY_SECONDS * 1000,
        now: Callable[[], datetime] = datetime.now,
        job: SyncJob = _attempt,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.interval_ms = interval_ms if interval_ms is not None else interval_from_env()
        self.retry_ms = retry_ms
        self._now = now
        self._job = job
        self.reached = True
        self.offline_since: datetime | None = None
        self.waiting = 0
        self.conflicts = 0
        self.error = ""
        self.worker: Worker | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.run_now)
        context.case_changed.connect(self._case_changed)

    def start(self) -> None:
        self.run_now()

    def running(self) -> bool:
        return self.worker is not None and self.worker.isRunning()

    def run_now(self) -> None:
        """Start a sync in a worker thread, unless one is running."""
        if self.running():
            return
        store, actor = self.context.store, self.context.actor
        now, today, job = self._now(), self.context.today(), self._job
        self.worker = Worker(lambda _progress: job(store, actor, now, today))
        self.worker.succeeded.connect(self._done)
        self.worker.failed.connect(self._failed)
        self.worker.start()

    def _done(self, attempt: Attempt) -> None:
        self.reached = attempt.reached
        if attempt.reached:
            self.offline_since = None
        elif self.offline_since is None:
            self.offline_since = attempt.at
        self.waiting, self.conflicts, self.error = attempt.waiting, attempt.conflicts, attempt.error
        self._say()
        self.timer.start(self.interval_ms if attempt.reached else self.retry_ms)
        self.attempted.emit(attempt)
        if attempt.synced is not None and (attempt.synced.pulled or attempt.synced.conflicts):
            self.context.case_changed.emit("")  # the lists show what came in

    def _failed(self, message: str) -> None:
        self.reached = False
        if self.offline_since is None:
            self.offline_since = self._now()
        self.error = message
        self._say()
        self.timer.start(self.retry_ms)

    def _case_changed(self, _reference: str) -> None:
        """A change here: count again what waits (cheap; the sync itself waits its turn)."""
        if self.running():
            return
        self.waiting, self.conflicts = counts(self.context.store, self.context.actor)
        self._say()

    def _say(self) -> None:
        text, kind = status_line(
            reached=self.reached,
            offline_since=self.offline_since,
            waiting=self.waiting,
            conflicts=self.conflicts,
        )
        self.line_changed.emit(text, kind, self.error)

    def stop(self) -> None:
        """Stop the timer and let a running sync finish (it is one transaction per batch)."""
        self.timer.stop()
        if self.worker is not None:
            self.worker.wait()


def install(window: MainWindow) -> BackgroundSync | None:
    """Add the Conflicts page on a replica or server store, and background sync on a replica."""
    from ui.views.conflicts import ConflictsView

    context = window.context
    device = context.read(replica_device)
    if device is None and not context.store.on_server:
        return None
    page = ConflictsView(context)
    window._add_nav("conflicts", "Conflicts", "Ctrl+7")
    window._add_widget("conflicts", page)
    page.case_requested.connect(window.open_case)
    if device is None:
        return None
    label = SyncStatusLabel()
    window.statusBar().addPermanentWidget(label)
    sync = BackgroundSync(context, parent=window)
    sync.line_changed.connect(label.show_line)
    sync.start()
    return sync
