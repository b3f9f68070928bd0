"""Starting the desktop app, or rendering one view to a PNG with ``--screenshot``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from caseworker.commands.common import actor_from_args
from caseworker.domain.dates import parse_date
from caseworker.domain.errors import CaseworkerError
from caseworker.services.actor import Actor
from caseworker.services.backups import daily_backup
from caseworker.store_location import resolve_store_path
from db.engine import StoreError
from db.store import Store, open_store
from ui.clock import FixedClock, SystemClock, Today
from ui.context import AppContext
from ui.dialogs.sign_in import sign_in_at_start
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


def _scale_text(app: QApplication) -> None:
    scale = float(os.environ.get(TEXT_SCALE_VAR, "1") or 1)
    if scale != 1:
        font = app.font()
        font.setPointSizeF(font.pointSizeF() * scale)
        app.setFont(font)


def _clock() -> Today:
    fixed = os.environ.get(TODAY_VAR, "")
    return FixedClock(parse_date(fixed)) if fixed else SystemClock()


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
    if screenshot or getattr(args, "user", None):
        return actor_from_args(args, store)
    return sign_in_at_start(store)


def run(args: argparse.Namespace) -> int:
    """Open the main window on the chosen store; with ``args.screenshot``, save it and exit."""
    screenshot: str | None = getattr(args, "screenshot", None)
    app = _application()
    _scale_text(app)
    try:
        store = open_store(resolve_store_path(getattr(args, "db", None)))
    except StoreError as exc:
        return _fail(str(exc), bool(screenshot))
    try:
        actor = _who(args, store, bool(screenshot))
        if actor is None:  # the sign-in was cancelled
            store.close()
            return 0
        clock = _clock()
        if not screenshot:
            daily_backup(store, clock.today())
        context = AppContext(store, actor, clock)
    except CaseworkerError as exc:
        store.close()
        return _fail(str(exc), bool(screenshot))
    window = MainWindow(context)
    try:
        if screenshot:
            return save_screenshot(
                window, getattr(args, "view", "queue") or "queue", Path(screenshot)
            )
        window.show()
        return app.exec()
    finally:
        window.close()
        window.deleteLater()
        context.ticker.deleteLater()
        store.close()


def show_view(window: MainWindow, view: str) -> None:
    """Switch to ``view``: queue, cases, intake, settings, reports or case:REF."""
    if view.startswith("case:"):
        window.case_view.show_case(view.split(":", 1)[1].strip())
        window.show_page("case")
    elif view in VIEWS:
        window.show_page(view)
    else:
        raise CaseworkerError(
            f"--view {view!r} is not a view; "
            "use queue, cases, intake, case:REF, settings or reports"
        )


def save_screenshot(window: MainWindow, view: str, path: Path) -> int:
    """Render ``view`` to ``path`` as a PNG; 0 on success, 2 with a message otherwise."""
    size = os.environ.get(SIZE_VAR, "1280x800")
    try:
        width, height = (int(x) for x in size.lower().split("x"))
    except ValueError:
        return _fail(f"{SIZE_VAR} must look like 1366x768, not {size!r}", True)
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
