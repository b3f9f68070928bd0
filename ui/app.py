"""Starting the desktop app, or rendering one view to a PNG with ``--screenshot``."""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import threading
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from caseworker.domain.dates import parse_date
from caseworker.domain.errors import CaseworkerError
from caseworker.services.actor import LOCAL_ADMIN, Actor
from caseworker.services.quick_reads import has_accounts
from caseworker.services.work_queue import queue_items
from caseworker.store_location import resolve_store
from db.checks import open_quick
from db.raw import QuickReader, StoreError
from ui.clock import FixedClock, SystemClock, Today
from ui.context import AppContext
from ui.text_size import apply_text_scale, saved_text_scale

if TYPE_CHECKING:
    from caseworker.services.work_queue import QueueItem
    from db.store import Store
    from ui.main_window import MainWindow

VIEWS = ("queue", "cases", "intake", "settings", "reports")
# Optional environment settings: a bigger text scale (accessibility), a window size and a
# fixed date (reproducible screenshots).
TEXT_SCALE_VAR = "CASEWORKER_TEXT_SCALE"
SIZE_VAR = "CASEWORKER_WINDOW_SIZE"
TODAY_VAR = "CASEWORKER_TODAY"


def _application() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    QCoreApplication.setApplicationName("Caseworker")
    return QApplication(sys.argv[:1])


def _scale_text(app: QApplication, args: argparse.Namespace | None = None) -> None:
    """--text-scale, else CASEWORKER_TEXT_SCALE, else the text size chosen in Settings."""
    scale = getattr(args, "text_scale", None)
    if scale is None:
        scale = float(os.environ.get(TEXT_SCALE_VAR, "") or 0) or saved_text_scale()
    apply_text_scale(app, scale)


def _clock(args: argparse.Namespace | None = None) -> Today:
    """--today, else CASEWORKER_TODAY, else the real date."""
    fixed = getattr(args, "app_today", None)
    if fixed is not None:
        return FixedClock(fixed)
    text = os.environ.get(TODAY_VAR, "")
    return FixedClock(parse_date(text)) if text else SystemClock()


def _size(args: argparse.Namespace | None) -> tuple[int, int] | str:
    """--size, else CASEWORKER_WINDOW_SIZE, else 1280x800 (a message if the variable is bad)."""
    given = getattr(args, "size", None)
    if given is not None:
        return (int(given[0]), int(given[1]))
    size = os.environ.get(SIZE_VAR, "1280x800")
    try:
        width, height = (int(x) for x in size.lower().split("x"))
    except ValueError:
        return f"{SIZE_VAR} must look like 1366x768, not {size!r}"
    return width, height


def _fail(message: str, screenshot: bool) -> int:
    print(f"caseworker: {message}", file=sys.stderr)
    if not screenshot:
        QMessageBox.critical(None, "Caseworker cannot start", message)
    return 2


def _who(args: argparse.Namespace, store: Store, screenshot: bool) -> Actor | None:
    """The local administrator on a store without accounts; else whoever signs in.

    A screenshot has no one to ask: it signs in as the command line does (--user and
    CASEWORKER_PASSWORD).
    """
    from caseworker.commands.common import actor_from_args
    from ui.dialogs.sign_in import sign_in_at_start

    if screenshot or getattr(args, "user", None):
        return actor_from_args(args, store)
    return sign_in_at_start(store)


def _quick_reader(args: argparse.Namespace, path: Path) -> QuickReader | None:
    """A quick reader when the window can be painted before the full store is opened.

    That is an existing store, up to date and passing its checks, with no user accounts
    (so no one signs in, and its local administrator works). Otherwise None: the store is
    opened in full first, to migrate it, explain what is wrong, or sign someone in.
    """
    if getattr(args, "user", None):
        return None
    quick = open_quick(path)
    if quick is not None and quick.read_value(has_accounts):
        quick.close()
        return None
    return quick


class _EarlyCount(threading.Thread):
    """Counts the work queue on a connection of its own while the window is being built.

    SQLite lets go of Python's lock while it counts, so the counting and the building
    overlap. If the count fails, the queue counts again itself (and says what is wrong).
    """

    def __init__(self, path: Path, actor: Actor, today: date) -> None:
        super().__init__(name="early-count", daemon=True)
        self.path, self.actor, self.today = path, actor, today
        self.items: list[QueueItem] | None = None

    def start(self) -> None:
        # Between its reads the count needs Python's lock back promptly, while the main
        # thread is busy importing: hand the lock over more often until the count is in.
        self._interval = sys.getswitchinterval()
        sys.setswitchinterval(0.0005)
        super().start()

    def run(self) -> None:
        reader = QuickReader(self.path)
        try:
            self.items = reader.read_value(lambda conn: queue_items(conn, self.actor, self.today))
        except (sqlite3.Error, CaseworkerError):
            self.items = None
        finally:
            reader.close()

    def result(self) -> list[QueueItem] | None:
        self.join()
        sys.setswitchinterval(self._interval)
        return self.items


def ask_to_create(path: Path) -> bool:
    """The first run on a missing or empty store file: make a new store there?"""
    answer = QMessageBox.question(
        None,
        "Start a new store?",
        f"There is no Caseworker store at {path}.\n\nStart a new, empty store there? "
        "If you expected your records, choose No and check the path, or restore a backup.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def _full_start(args: argparse.Namespace, path: Path | str, screenshot: bool) -> AppContext | int:
    """Open the store in full and sign in before the window: a context, or an exit code.

    A missing or empty store file is made a new store only once the person says so (a
    screenshot, with no one to ask, makes it). A store on a server (``path`` a URL) is
    opened as it is: an empty database gets its schema, and accounts are required.
    """
    from db.store import open_store

    new = isinstance(path, Path) and (
        not path.exists() or (path.is_file() and path.stat().st_size == 0)
    )
    if new and isinstance(path, Path) and not screenshot and not ask_to_create(path):
        return 0
    try:
        store = open_store(path)
    except StoreError as exc:
        return _fail(str(exc), screenshot)
    try:
        actor = _who(args, store, screenshot)
        if actor is None:  # the sign-in was cancelled
            store.close()
            return 0
        return AppContext(store, actor, _clock(args))
    except CaseworkerError as exc:
        store.close()
        return _fail(str(exc), screenshot)


def _finish_start(window: MainWindow, context: AppContext) -> None:
    """After the first paint: open the full store and build the other pages, then make the
    day's backup on a worker thread (a copy of a big store takes seconds)."""
    try:
        window.finish()
    except (StoreError, CaseworkerError) as exc:
        _fail(str(exc), False)
        window.close()
        return
    _start_daily_backup(window, context)


def _start_daily_backup(window: MainWindow, context: AppContext) -> None:
    from caseworker.services.backups import daily_backup
    from ui.workers import Worker

    store, today = context.store, context.today()
    worker = Worker(lambda _progress: daily_backup(store, today), window)

    def failed(message: str) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Today's backup was not made",
            f"Caseworker could not copy the store today ({message}). Your work is saved as "
            "normal. Ask IT to check the backups folder has room, then restart Caseworker "
            "to try again.",
            parent=window,
        )
        box.open()

    def made(copy: object) -> None:
        if copy is not None:
            window.statusBar().showMessage("Today's backup copy is made.", 10000)

    worker.succeeded.connect(made)
    worker.failed.connect(failed)
    window.backup_worker = worker  # waited for before the app closes the store
    worker.start()


def run(args: argparse.Namespace) -> int:
    """Open the main window on the chosen store; with ``args.screenshot``, save it and exit.

    The usual start paints the work queue and case list first, read through the store's
    quick reader, and opens the full store and builds the other pages straight after.
    """
    screenshot: str | None = getattr(args, "screenshot", None)
    app = _application()
    _scale_text(app, args)
    size = _size(args)
    if isinstance(size, str):
        return _fail(size, bool(screenshot))
    target = resolve_store(getattr(args, "db", None))
    # A store on a server is opened in full at once: everyone signs in there.
    quick = None if isinstance(target, str) else _quick_reader(args, target)
    if quick is not None:
        assert isinstance(target, Path)
        path = target
        clock = _clock(args)
        early = _EarlyCount(path, LOCAL_ADMIN, clock.today())
        early.start()
        from ui.main_window import MainWindow

        context = AppContext(None, LOCAL_ADMIN, clock, quick=quick, opener=lambda: _open_full(path))
        window = MainWindow(context, complete=False, counted=early.result)
    else:
        from ui.main_window import MainWindow

        started = _full_start(args, target, bool(screenshot))
        if isinstance(started, int):
            return started
        context = started
        window = MainWindow(context)
    try:
        if screenshot:
            return save_screenshot(
                window, getattr(args, "view", "queue") or "queue", Path(screenshot), size
            )
        window.resize(*size)
        window.show()
        QTimer.singleShot(0, lambda: _finish_start(window, context))
        return app.exec()
    finally:
        if window.backup_worker is not None:
            window.backup_worker.wait()  # a half-made copy is no backup
        window.close()
        window.deleteLater()
        context.ticker.deleteLater()
        context.close()


def _open_full(path: Path) -> Store:
    """The full store, after the quick start (whose reader has checked the file already)."""
    from db.store import open_store

    return open_store(path, checked=True)


def show_view(window: MainWindow, view: str) -> None:
    """Switch to ``view``: queue, cases, intake, settings, reports or case:REF."""
    if view.startswith("case:"):
        window.finish()
        window.case_view.show_case(view.split(":", 1)[1].strip())
        window.show_page("case")
    elif view in VIEWS:
        window.show_page(view)
    else:
        raise CaseworkerError(
            f"--view {view!r} is not a view; "
            "use queue, cases, intake, case:REF, settings or reports"
        )


def save_screenshot(
    window: MainWindow, view: str, path: Path, size: tuple[int, int] = (1280, 800)
) -> int:
    """Render ``view`` to ``path`` as a PNG; 0 on success, 2 with a message otherwise."""
    width, height = size
    try:
        show_view(window, view)
    except CaseworkerError as exc:
        return _fail(str(exc), True)
    window.resize(width, height)
    window.show()
    for _ in range(5):
        QApplication.processEvents()
    if not window.grab().save(str(path), "PNG"):
        return _fail(f"could not write {path}", True)
    return 0
