"""The quick start: the first window is painted from plain sqlite3, the rest loads after."""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from ui_helpers import RECEIVED, log, name_organisation

from caseworker.services.actor import LOCAL_ADMIN
from db.store import Store, open_store
from ui.app import _quick_reader

_FIRST_PAINT = """
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
app = QApplication([])
from ui.app import _quick_reader, _EarlyCount
from ui.context import AppContext
from ui.clock import FixedClock
from caseworker.services.actor import LOCAL_ADMIN
from datetime import date
import argparse
path = Path(sys.argv[1])
quick = _quick_reader(argparse.Namespace(), path)
assert quick is not None
early = _EarlyCount(path, LOCAL_ADMIN, date(2026, 2, 2))
early.start()
from ui.main_window import MainWindow
ctx = AppContext(None, LOCAL_ADMIN, FixedClock(date(2026, 2, 2)), quick=quick, opener=lambda: None)
window = MainWindow(ctx, complete=False, counted=early.result)
print(window.current_page(), window.queue.count("awaiting-ack"), window.cases.model.rowCount())
print("sqlalchemy" in sys.modules, sorted(window.pages))
"""


def test_first_paint_reads_without_sqlalchemy(store: Store, store_path: Path) -> None:
    name_organisation(store)
    log(store)
    log(store, name="Bob Green")
    store.close()
    done = subprocess.run(
        [sys.executable, "-c", _FIRST_PAINT, str(store_path)],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        cwd=Path(__file__).parents[2],
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["queue 2 2", "False ['cases', 'queue']"]


def test_the_rest_is_built_on_first_need(qtbot, store: Store, store_path: Path) -> None:
    from ui.clock import FixedClock
    from ui.context import AppContext
    from ui.main_window import MainWindow

    reference = log(store)
    store.close()
    quick = _quick_reader(argparse.Namespace(), store_path)
    assert quick is not None
    opened: list[Store] = []

    def opener() -> Store:
        opened.append(open_store(store_path))
        return opened[-1]

    ctx = AppContext(None, LOCAL_ADMIN, FixedClock(RECEIVED), quick=quick, opener=opener)
    window = MainWindow(ctx, complete=False)
    qtbot.addWidget(window)
    assert (window.complete, opened) == (False, [])
    window.open_case(reference)  # a double-click in the list
    assert window.complete and len(opened) == 1
    assert window.current_page() == "case"
    assert window.case_view.detail is not None
    assert window.case_view.detail.reference == reference
    ctx.close()


def test_a_store_that_needs_work_first_opens_in_full(store: Store, store_path: Path) -> None:
    store.close()
    conn = sqlite3.connect(store_path)
    conn.execute("UPDATE alembic_version SET version_num = '0003'")
    conn.commit()
    conn.close()
    assert _quick_reader(argparse.Namespace(), store_path) is None  # a migration is due
    assert _quick_reader(argparse.Namespace(), store_path.with_name("none.sqlite")) is None
    assert _quick_reader(argparse.Namespace(user="admin"), store_path) is None


def test_after_the_first_paint_the_days_backup_is_made_off_the_gui_thread(
    qtbot, store: Store, store_path: Path
) -> None:
    from ui.app import _finish_start
    from ui.clock import FixedClock
    from ui.context import AppContext
    from ui.main_window import MainWindow

    log(store)
    ctx = AppContext(store, LOCAL_ADMIN, FixedClock(RECEIVED))
    window = MainWindow(ctx, complete=False)
    qtbot.addWidget(window)
    _finish_start(window, ctx)
    assert not window.complete  # the pages are built one per turn of the event loop
    qtbot.waitUntil(lambda: window.complete, timeout=10000)
    qtbot.waitUntil(
        lambda: window.statusBar().currentMessage() == "Today's backup copy is made.",
        timeout=10000,
    )
    backups = sorted(p.name for p in (store_path.parent / "store.sqlite.backups").iterdir())
    assert backups == ["daily-2026-02-02.sqlite", "daily-2026-02-02.sqlite.head.txt"]


def test_the_full_store_is_not_checked_twice_after_a_quick_start(
    store: Store, store_path: Path, monkeypatch
) -> None:
    import db.store
    from ui.app import _StoreOpener

    store.close()
    checks: list[Path] = []
    monkeypatch.setattr(db.store, "check_database", checks.append)
    assert _quick_reader(argparse.Namespace(), store_path) is not None
    opener = _StoreOpener(store_path)
    opener.store().close()  # the quick reader's checks stand
    opener.wait()  # (it goes on loading the other pages' modules)
    assert checks == []
    open_store(store_path).close()  # any other opening checks
    assert checks == [store_path]
