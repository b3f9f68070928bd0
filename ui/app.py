"""Starting the desktop app, or rendering one view to a PNG with ``--screenshot``."""

from __future__ import annotations

import argparse
import importlib
import os
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

from caseworker.domain.dates import parse_date
from caseworker.domain.errors import CaseworkerError
from caseworker.services.actor import LOCAL_ADMIN, Actor
from caseworker.store_location import resolve_store
from db.checks import WAY_OUT, full_check_due, integrity_problem, open_quick
from db.raw import QuickReader, StoreError, has_accounts
from ui.clock import FixedClock, SystemClock, Today
from ui.context import AppContext
from ui.text_size import apply_text_scale, saved_text_scale
from ui.theme import apply_readable_palette

if TYPE_CHECKING:
    from caseworker.domain.calendar import WorkingCalendar
    from caseworker.services.work_queue import QueueItem, WorkList
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
    app = QApplication(sys.argv[:1])
    apply_readable_palette(app)
    return app


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


def _show_focus() -> None:
    """The focus ring (``ui.focus``), installed once the first window is painted: reaching
    the style's classes costs a first paint about 15 ms, and no one can press Tab sooner."""
    from ui.focus import install_focus_ring

    app = QApplication.instance()
    if isinstance(app, QApplication):
        install_focus_ring(app)


def _quick_reader(args: argparse.Namespace, path: Path) -> QuickReader | None:
    """A quick reader when the first window can be painted before the full store is open.

    That is an existing store, up to date, passing the light checks (header and schema;
    every page is checked after the first paint), and not signed in to from the command
    line (``--user``). Otherwise None: the store is opened in full first, to migrate it,
    explain what is wrong, or sign in as the command line does.
    """
    if getattr(args, "user", None):
        return None
    return open_quick(path)


class _StoreOpener(QThread):
    """Opens the full store (SQLAlchemy, migrations checked) on a thread of its own.

    It also loads what sign-in and the other pages need, so the window never waits on
    an import. ``store()`` waits for it; the GUI thread calls that only when a person asks
    for something the full store serves before it is ready. With ``window_first`` (a
    store with accounts) it loads the main window's modules before anything else and
    says so (``window_loaded``), so the window can be built while the person signs in.
    """

    window_loaded = Signal()

    def __init__(self, path: Path, *, window_first: bool = False) -> None:
        super().__init__()
        self.path = path
        self.window_first = window_first
        self._store: Store | None = None
        self._error: Exception | None = None
        self._opened = threading.Event()
        self._go_on = threading.Event()  # cleared: wait before loading the next module
        self._go_on.set()
        self._built = threading.Event()  # with window_first, set once the window is built
        if not window_first:
            self._built.set()

    def pause(self) -> None:
        """Load no more modules until ``resume()`` (the GUI thread needs the CPU and
        Python's lock for the moments between the answer to sign-in and the first paint)."""
        self._go_on.clear()

    def resume(self) -> None:
        self._go_on.set()

    def run(self) -> None:
        # Hand Python's lock back to the GUI thread promptly while this thread imports:
        # typing in the sign-in dialog must not wait on it.
        interval = sys.getswitchinterval()
        sys.setswitchinterval(min(interval, _SWITCH_S))
        try:
            self._load()
        finally:
            sys.setswitchinterval(interval)

    def _load(self) -> None:
        try:
            if self.window_first:
                importlib.import_module("ui.main_window")
            from db.store import open_store

            self._store = open_store(self.path, checked=True)
            if self.window_first:
                importlib.import_module("caseworker.services.users")  # what sign-in needs
                from sqlalchemy.orm import configure_mappers

                # Here, not in sign-in's first query: that would hold Python's lock on the
                # checking thread while the window is being built.
                configure_mappers()
        except Exception as exc:  # given to whoever asks for the store
            self._error = exc
            return
        finally:
            self._opened.set()  # sign-in may go on while the rest loads
        if self.window_first:
            # The window is built on the GUI thread now, while this thread waits: sharing
            # Python's lock would make each of its pieces take several times as long.
            self.window_loaded.emit()
        try:
            for module in _LOADED_AFTER_FIRST_PAINT:
                self._wait_turn()
                importlib.import_module(module)
            self._wait_turn()
            from sqlalchemy.orm import configure_mappers

            configure_mappers()  # else the first read on the GUI thread does it (≈ 0.1 s)
        except ImportError:  # pragma: no cover - the GUI thread will import it and say
            pass

    def _wait_turn(self) -> None:
        self._built.wait()
        self._go_on.wait()

    def built(self) -> None:
        """The window is built (or will not be): the other pages' modules may load."""
        self._built.set()

    def store(self) -> Store:
        """The open store (waiting for it if need be).

        Raises:
            StoreError: the store could not be opened (the message says why).
        """
        if not self.isRunning() and not self.isFinished():
            self.start()
        self._opened.wait()
        if self._error is not None:
            if isinstance(self._error, StoreError | CaseworkerError):
                raise self._error
            raise StoreError(f"Cannot open {self.path}: {self._error}")
        assert self._store is not None
        return self._store


# The interval at which a thread loading modules hands Python's lock over (Python's default
# is 5 ms): short, so the GUI thread's turn comes soon after it asks.
_SWITCH_S = 0.001

# What the full store's pages, sign-in and the first user actions import.
_LOADED_AFTER_FIRST_PAINT = (
    "ui.main_window",  # (with accounts, loaded while the person signs in)
    "caseworker.services.users",
    "caseworker.services.backups",
    "ui.letters.batch",
    "ui.views.case_view",
    "ui.views.intake",
    "ui.views.reports",
    "ui.views.settings",
)


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
        from caseworker.services.work_queue import queue_items

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
    _show_focus()
    try:
        actor = _who(args, store, screenshot)
        if actor is None:  # the sign-in was cancelled
            store.close()
            return 0
        return AppContext(store, actor, _clock(args))
    except CaseworkerError as exc:
        store.close()
        return _fail(str(exc), screenshot)


def _quick_start(
    args: argparse.Namespace, path: Path, quick: QuickReader, screenshot: bool
) -> tuple[MainWindow, AppContext, _StoreOpener] | int:
    """Paint the first window from the quick reader; the full store opens on a thread.

    With user accounts the sign-in dialog comes first (see ``_signed_in_start``). The work
    queue is then counted for whoever signed in.
    """
    clock = _clock(args)
    try:
        accounts = quick.read_value(has_accounts)
    except sqlite3.Error as exc:
        quick.close()
        return _fail(f"{path} cannot be read ({exc}); {WAY_OUT}", screenshot)
    if accounts and not screenshot:
        return _signed_in_start(path, quick, clock)
    opener = _StoreOpener(path)
    if accounts:
        actor = _sign_in_quickly(args, path, opener, screenshot)
        if not isinstance(actor, Actor):
            _stop(opener)
            quick.close()
            return actor
    else:
        actor = LOCAL_ADMIN
    early = _EarlyCount(path, actor, clock.today())
    early.start()
    from ui.main_window import MainWindow

    context = AppContext(None, actor, clock, quick=quick, opener=opener.store)
    return MainWindow(context, complete=False, counted=early.result), context, opener


def _sign_in_quickly(
    args: argparse.Namespace, path: Path, opener: _StoreOpener, screenshot: bool
) -> Actor | int:
    """Who signs in for a screenshot: the command line's rules (an exit code if refused)."""
    from caseworker.commands.common import actor_from_args

    try:
        return actor_from_args(args, opener.store())
    except (StoreError, CaseworkerError) as exc:
        return _fail(str(exc), screenshot)


def _signed_in_start(
    path: Path, quick: QuickReader, clock: Today
) -> tuple[MainWindow, AppContext, _StoreOpener] | int:
    """A store with accounts: the sign-in dialog first, the window built behind it.

    The dialog is painted before anything else loads. Once it is on screen the store opens
    on a thread, which loads the main window's modules first; the window is then built,
    hidden and empty, a piece per turn of the event loop, so typing never waits. Nothing
    of the cases is read until the password is accepted (the context has no actor till
    then). The password is checked on a worker thread; after it, the queue is counted
    for the person on another (``_count_for``), and the window is shown once it is
    filled (``MainWindow.work_started``). An exit code if the sign-in is cancelled.
    """
    from ui.dialogs.sign_in import ask_sign_in

    opener = _StoreOpener(path, window_first=True)
    context = AppContext(None, None, clock, quick=quick, opener=opener.store)
    builder = _WindowBuilder(context, opener)
    opener.window_loaded.connect(builder.start)

    def check(name: str, password: str) -> Actor:
        store = opener.store()  # (the opener loads the users' module too)
        from caseworker.services.users import sign_in

        actor = sign_in(store, name, password, now=datetime.now())
        opener.pause()  # until the window is painted (``_after_first_paint``)
        return actor

    def painted() -> None:
        opener.start()
        _show_focus()

    actor = ask_sign_in(check, path.name, on_painted=painted)
    if actor is None:
        builder.stop()
        _stop(opener)
        context.ticker.deleteLater()
        context.close()
        return 0
    context.sign_in(actor)
    window = builder.finish()
    _count_for(window, context, path)
    return window, context, opener


class _WindowBuilder(QObject):
    """Builds the main window, hidden and empty, one piece per turn of the event loop
    (the shell, the case list, the work queue), while the sign-in dialog is up."""

    def __init__(self, context: AppContext, opener: _StoreOpener) -> None:
        super().__init__()
        self.context = context
        self.opener = opener
        self.window: MainWindow | None = None
        self._steps = self._build()
        self._stopped = False

    def _build(self) -> Iterator[None]:
        from ui.main_window import MainWindow

        self.window = MainWindow(self.context, complete=False, waiting=True)
        yield
        yield from self.window.first_steps()

    def start(self) -> None:
        QTimer.singleShot(0, self._step)

    def _step(self) -> None:
        if self._stopped:
            return
        try:
            next(self._steps)
        except StopIteration:
            self.opener.built()
            return
        QTimer.singleShot(0, self._step)

    def finish(self) -> MainWindow:
        """The window, with whatever was not built yet built now."""
        self._stopped = True
        for _ in self._steps:
            pass
        self.opener.built()
        assert self.window is not None
        return self.window

    def stop(self) -> None:
        """The sign-in was cancelled: the half-built window is thrown away unshown."""
        self._stopped = True
        self.opener.built()
        if self.window is not None:
            self.window.deleteLater()


@dataclass(frozen=True)
class _Listed:
    """Today's work and the case list's count (with the store's calendar), read on a
    worker thread for the person who signed in."""

    listed: WorkList
    cases: tuple[int, WorkingCalendar]


def _count_for(window: MainWindow, context: AppContext, path: Path) -> None:
    """Count the queue on one worker thread, and read today's work and count the case list
    on another (each with a connection of its own: SQLite lets go of Python's lock while it
    reads, so on two cores the reads overlap); then fill the window with them
    (``start_work``). If a read fails the window reads for itself and says what is wrong."""
    from caseworker.services import case_list
    from caseworker.services.quick_reads import store_calendar
    from caseworker.services.work_queue import (
        SOON_WORKING_DAYS,
        queue_items,
        todays_work_filter,
        work_list,
    )
    from ui.workers import Worker

    actor, today = context.actor, context.today()
    case_filter = window.cases.model.case_filter
    # The store's calendar is one object shared by every thread, and it is not safe to
    # extend from two at once: its years are indexed here, first (a few milliseconds).
    context.read_quick(store_calendar).add_working_days(today, SOON_WORKING_DAYS)

    def reading(read: Callable[[sqlite3.Connection], object]) -> Worker:
        def job(_progress: object) -> object:
            reader = QuickReader(path)
            try:
                return reader.read_value(read)
            finally:
                reader.close()

        return Worker(job, window)

    def list_and_count(conn: sqlite3.Connection) -> _Listed:
        listed = work_list(conn, actor, todays_work_filter(conn, actor, today), today)
        return _Listed(listed, (case_list.count(conn, actor, case_filter), store_calendar(conn)))

    workers = [
        reading(lambda conn: queue_items(conn, actor, today)),
        reading(list_and_count),
    ]
    results: dict[int, object] = {}

    def arrived(which: int, result: object) -> None:
        results[which] = result
        if len(results) < len(workers):
            return
        counted, listed = results[0], results[1]
        if isinstance(counted, list) and isinstance(listed, _Listed):
            window.start_work(counted, listed.listed, listed.cases)
        else:  # one failed: the window reads for itself (and says what is wrong)
            window.start_work()

    for which, worker in enumerate(workers):
        worker.succeeded.connect(lambda result, w=which: arrived(w, result))
        worker.failed.connect(lambda _message, w=which: arrived(w, None))
        window.counting.append(worker)
        worker.start()


def _stop(opener: _StoreOpener) -> None:
    """Close the store the opener made, if it was started (after a cancelled sign-in)."""
    opener.resume()
    opener.built()
    if opener.isRunning() or opener.isFinished():
        try:
            opener.store().close()
        except (StoreError, CaseworkerError):
            pass
        opener.wait()  # it may still be loading modules; a running QThread must not be freed


def _finish_start(window: MainWindow, context: AppContext) -> None:
    """Once the full store is open: build the other pages, one per turn of the event loop
    (so the window keeps answering), then check the store and make the day's backup on a
    worker thread."""
    try:
        _ = context.store
    except (StoreError, CaseworkerError) as exc:
        _fail(str(exc), False)
        window.close()
        return
    steps = window.finish_steps()

    def step() -> None:
        try:
            next(steps)
        except StopIteration:
            _start_check_and_backup(window, context)
            return
        except (StoreError, CaseworkerError) as exc:
            _fail(str(exc), False)
            window.close()
            return
        QTimer.singleShot(0, step)

    step()


@dataclass(frozen=True)
class _Damaged:
    """The full check found the store damaged (what SQLite said)."""

    problem: str


def _start_check_and_backup(window: MainWindow, context: AppContext) -> None:
    """Check every page of the store, then make the day's backup, on a worker thread.

    The full check runs at every start for a store up to 256 MB and with the day's backup
    for bigger ones. A damaged store is not copied over the good backups: the window says
    so and closes (see ``_store_damaged``).
    """
    from caseworker.services.backups import daily_backup
    from db.backup import daily_complete, daily_path
    from ui.workers import Worker

    store, today = context.store, context.today()

    def job(_progress: object) -> object:
        path = store.path
        if path is None:
            return None  # a server's checks and backups are IT's
        if full_check_due(path, not daily_complete(daily_path(path, today))):
            problem = integrity_problem(path)
            if problem is not None:
                return _Damaged(problem)
        return daily_backup(store, today)

    worker = Worker(job, window)

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

    def made(result: object) -> None:
        if isinstance(result, _Damaged):
            _store_damaged(window, context, result.problem)
        elif result is not None:
            window.statusBar().showMessage("Today's backup copy is made.", 10000)

    worker.succeeded.connect(made)
    worker.failed.connect(failed)
    window.backup_worker = worker  # waited for before the app closes the store
    worker.start()


def _store_damaged(window: MainWindow, context: AppContext, problem: str) -> None:
    """The store failed its full check after the window was shown: stop work on it.

    The window is disabled at once (nothing more is saved to a damaged file, not even a
    draft), the message says what was found and the way out, and the app closes when it
    is read.
    """
    window.store_damaged = True
    window.setEnabled(False)
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        "This store is damaged",
        f"Caseworker checked {context.short_name} and found it damaged ({problem}).\n\n"
        "To keep your records safe, nothing more will be saved to it and Caseworker will "
        f"close. {WAY_OUT[0].upper()}{WAY_OUT[1:]}; no backup was made from the damaged "
        "file, so your earlier backups are as they were.",
        QMessageBox.StandardButton.Close,
        window,
    )
    box.setAccessibleName("This store is damaged")
    box.finished.connect(lambda _result: window.close())
    window.damage_message = box
    box.open()


def run(args: argparse.Namespace) -> int:
    """Open the main window on the chosen store; with ``args.screenshot``, save it and exit.

    The usual start paints the sign-in dialog (with accounts) and then the work queue and
    case list, read through the store's quick reader; the full store opens on a thread
    meanwhile, and the other pages are built straight after the first paint.
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
    opener: _StoreOpener | None = None
    if quick is not None:
        assert isinstance(target, Path)
        started = _quick_start(args, target, quick, bool(screenshot))
        if isinstance(started, int):
            return started
        window, context, opener = started
    else:
        from ui.main_window import MainWindow

        full = _full_start(args, target, bool(screenshot))
        if isinstance(full, int):
            return full
        context = full
        window = MainWindow(context, complete=False)
    try:
        if screenshot:
            return save_screenshot(
                window, getattr(args, "view", "queue") or "queue", Path(screenshot), size
            )
        window.resize(*size)

        def show() -> None:
            window.show()
            QTimer.singleShot(0, lambda: _after_first_paint(window, context, opener))

        if window.working:
            show()
        else:  # shown once filled for the person who signed in (``_signed_in_start``)
            window.work_started.connect(show)
        return app.exec()
    finally:
        for counting in window.counting:
            counting.wait()
        if window.backup_worker is not None:
            window.backup_worker.wait()  # a half-made copy is no backup
        window.close()
        window.deleteLater()
        if opener is not None:
            opener.resume()
            opener.built()
            opener.wait()
            _stop(opener)  # closed with the context too, if it took it (closing is idempotent)
        context.ticker.deleteLater()
        context.close()


def _after_first_paint(
    window: MainWindow, context: AppContext, opener: _StoreOpener | None
) -> None:
    """Open the full store on its thread (if sign-in has not), then finish the start."""
    _show_focus()
    if opener is not None:
        opener.resume()
    if opener is None or opener.isFinished():
        _finish_start(window, context)
        return
    opener.finished.connect(lambda: _finish_start(window, context))
    if not opener.isRunning():
        opener.start()


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
