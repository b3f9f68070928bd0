"""Start-up as councils run it: sign-in first, the store opened and checked off the GUI thread."""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from ui_helpers import RECEIVED, log, name_organisation

from caseworker.services.actor import LOCAL_ADMIN, Role
from caseworker.services.users import create_user
from db.checks import integrity_problem
from db.store import Store
from ui.app import _finish_start, _quick_reader, _StoreOpener
from ui.clock import FixedClock
from ui.context import AppContext
from ui.main_window import MainWindow

PASSWORD = "correct horse battery"

# The real start (``caseworker --db STORE``), with a person who signs in once the dialog
# is on screen; what was loaded then, and the window they get, are printed.
_SIGN_IN = """
import argparse, json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
import ui.app
import ui.dialogs.sign_in
from ui.dialogs.sign_in import SignInDialog
from ui.main_window import MainWindow
seen = {}
app = ui.app._application()
real_ask = ui.dialogs.sign_in.ask_sign_in

def ask(check, name, parent=None, on_painted=None):
    def painted():  # before the app's own step at the first paint (opening the store)
        seen["dialog"] = sorted(m for m in ("sqlalchemy", "argon2") if m in sys.modules)
        on_painted()
    return real_ask(check, name, parent, painted)

ui.dialogs.sign_in.ask_sign_in = ask

def poll():
    for w in QApplication.topLevelWidgets():
        if isinstance(w, SignInDialog) and "dialog" in seen and sys.argv[2] == "--cancel":
            w.reject()
        elif isinstance(w, SignInDialog) and "dialog" in seen and not w.checking and not w.actor:
            w.username.setText(sys.argv[2])
            w.password.setText(sys.argv[3])
            w.try_sign_in()
        if isinstance(w, MainWindow) and w.isVisible() and "window" not in seen:
            seen["window"] = [w.context.actor.username, w.current_page(),
                              w.queue.count("awaiting-ack"), w.statusBar().currentMessage()]
            QTimer.singleShot(0, w.close)
    QTimer.singleShot(20, poll)

poll()
code = ui.app.run(argparse.Namespace(db=sys.argv[1]))
print(json.dumps(seen), code)
"""


# The real start again, watching every statement on every SQLite connection: a wrong
# password first, then the right one. What the window and the reads were at each point
# is printed.
_WATCHED = """
import argparse, json, re, sqlite3, sys, threading
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
import ui.app
from ui.dialogs.sign_in import SignInDialog
from ui.main_window import MainWindow

CASE_DATA = re.compile(
    r"\\b(cases|case_parties|people|remedies|outstanding_actions|notes|correspondence"
    r"|documents|drafts|learning|extensions)\\b",
    re.IGNORECASE,
)
lock = threading.Lock()
statements = []  # (accepted yet, statement)
accepted = [False]
real_connect = sqlite3.connect

def connect(*args, **kwargs):
    conn = real_connect(*args, **kwargs)
    def note(statement):
        with lock:
            statements.append((accepted[0], statement))
    conn.set_trace_callback(note)
    return conn

sqlite3.connect = sqlite3.dbapi2.connect = connect
real_signed_in = SignInDialog._signed_in

def signed_in(self, actor):
    with lock:
        accepted[0] = True
    real_signed_in(self, actor)

SignInDialog._signed_in = signed_in
seen = {}
app = ui.app._application()

def windows():
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]

def case_reads(after):
    with lock:
        return [s for a, s in statements if a == after and CASE_DATA.search(s)]

def poll():
    dialogs = [w for w in QApplication.topLevelWidgets()
               if isinstance(w, SignInDialog) and w.isVisible()]
    if dialogs and "wrong" not in seen and not dialogs[0].checking:
        seen["wrong"] = "sent"
        dialogs[0].username.setText(sys.argv[2])
        dialogs[0].password.setText("not the password")
        dialogs[0].try_sign_in()
    elif dialogs and seen.get("wrong") == "sent" and not dialogs[0].checking:
        built = [w for w in windows() if hasattr(w, "queue")]
        if built:  # refused, and the window built behind the dialog meanwhile
            w = built[0]
            seen["wrong"] = [dialogs[0].message.text(), w.isVisible(), w.queue.filled,
                             w.cases.model.rowCount(), len(case_reads(False))]
            dialogs[0].password.setText(sys.argv[3])
            dialogs[0].try_sign_in()
    shown = [w for w in windows() if w.isVisible()]
    if shown and "window" not in seen:
        w = shown[0]
        seen["window"] = [w.context.actor.username, w.queue.count("awaiting-ack"),
                          w.cases.model.rowCount(), len(windows()), len(case_reads(False)),
                          len(case_reads(True)) > 0]
        QTimer.singleShot(0, w.close)
    QTimer.singleShot(20, poll)

poll()
code = ui.app.run(argparse.Namespace(db=sys.argv[1]))
print(json.dumps(seen), code)
"""


def _add_officer(store: Store) -> None:
    with store.write() as session:
        for username, name, role in (
            ("admin", "Ann Admin", Role.ADMINISTRATOR),  # the first account must be one
            ("dee", "Dee Officer", Role.OFFICER),
        ):
            create_user(
                session,
                LOCAL_ADMIN,
                username=username,
                display_name=name,
                role=role,
                password=PASSWORD,
            )


def _start(
    store_path: Path, *creds: str, script: str = _SIGN_IN
) -> tuple[dict[str, list[object]], str]:
    done = subprocess.run(
        [sys.executable, "-c", script, str(store_path), *creds],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "CASEWORKER_TODAY": "2026-02-02"},
        cwd=Path(__file__).parents[2],
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    seen, code = done.stdout.strip().splitlines()[-1].rsplit(" ", 1)
    return json.loads(seen), code


def test_with_accounts_the_sign_in_is_painted_before_the_store_is_opened(
    store: Store, store_path: Path
) -> None:
    name_organisation(store)
    log(store)
    log(store, name="Bob Green")
    _add_officer(store)
    store.close()
    assert _quick_reader(argparse.Namespace(), store_path) is not None  # accounts or not
    seen, code = _start(store_path, "dee", PASSWORD)
    assert code == "0"
    assert seen["dialog"] == []  # neither SQLAlchemy nor Argon2 loaded when it was painted
    assert seen["window"] == [
        "dee",
        "queue",
        2,
        f"Store: {store_path} · Working as Dee Officer",
    ]


def test_nothing_of_the_cases_is_read_or_shown_before_the_password_is_accepted(
    store: Store, store_path: Path
) -> None:
    """The window is built behind the sign-in dialog, hidden and empty; a wrong password
    leaves it so; the cases are read only once the right password is accepted."""
    from caseworker.services.users import REFUSED

    name_organisation(store)
    log(store)
    log(store, name="Bob Green")
    _add_officer(store)
    store.close()
    seen, code = _start(store_path, "dee", PASSWORD, script=_WATCHED)
    assert code == "0"
    # refused; the window built meanwhile: not shown, not counted, nothing of a case read
    assert seen["wrong"] == [REFUSED, False, False, 0, 0]
    # the right password: Dee's one window, the two cases counted in the queue and the
    # case list (on a worker), and still no read from before the answer
    assert seen["window"] == ["dee", 2, 2, 1, 0, True]


def test_a_cancelled_sign_in_closes_cleanly(store: Store, store_path: Path) -> None:
    _add_officer(store)
    store.close()
    seen, code = _start(store_path, "--cancel")
    assert (seen, code) == ({"dialog": []}, "0")  # no window; the store it opened is closed


def test_a_wrong_password_at_the_quick_sign_in_is_refused(qtbot, store: Store, store_path) -> None:
    from caseworker.services.users import REFUSED
    from ui.dialogs.sign_in import CHECKING, SignInDialog

    _add_officer(store)
    store.close()
    opener = _StoreOpener(store_path)
    opener.start()

    def check(name: str, password: str):  # type: ignore[no-untyped-def]
        from datetime import datetime

        from caseworker.services.users import sign_in

        return sign_in(opener.store(), name, password, now=datetime(2026, 2, 2, 9))

    dialog = SignInDialog(check, store_path.name)
    qtbot.addWidget(dialog)
    dialog.username.setText("dee")
    dialog.password.setText("not the password")
    with qtbot.waitSignal(dialog.checked, timeout=20000):
        dialog.try_sign_in()
        assert (dialog.message.text(), dialog.password.isEnabled()) == (CHECKING, False)
    assert (dialog.message.text(), dialog.password.text(), dialog.actor) == (REFUSED, "", None)
    assert dialog.password.isEnabled()
    opener.store().close()
    opener.wait()


def test_the_full_store_is_opened_off_the_gui_thread(
    qtbot, store: Store, store_path: Path, monkeypatch
) -> None:
    import db.store
    from ui.app import _after_first_paint

    log(store)
    store.close()
    quick = _quick_reader(argparse.Namespace(), store_path)
    assert quick is not None
    opened_on: list[threading.Thread] = []
    real_open = db.store.open_store

    def open_store(*args, **kwargs):  # type: ignore[no-untyped-def]
        opened_on.append(threading.current_thread())
        return real_open(*args, **kwargs)

    monkeypatch.setattr(db.store, "open_store", open_store)
    opener = _StoreOpener(store_path)
    ctx = AppContext(None, LOCAL_ADMIN, FixedClock(RECEIVED), quick=quick, opener=opener.store)
    window = MainWindow(ctx, complete=False)
    qtbot.addWidget(window)
    _after_first_paint(window, ctx, opener)
    qtbot.waitUntil(lambda: window.complete, timeout=20000)
    assert len(opened_on) == 1
    assert opened_on[0] is not threading.main_thread()
    qtbot.waitUntil(lambda: window.backup_worker is not None and window.backup_worker.isFinished())
    ctx.close()


def _damage_a_table(path: Path, table: str) -> None:
    """Overwrite ``table``'s root page with junk (the schema on page 1 stays readable)."""
    conn = sqlite3.connect(path)
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    (size,) = conn.execute("PRAGMA page_size").fetchone()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with path.open("r+b") as fh:
        fh.seek((root - 1) * size)
        fh.write(b"\xff" * size)


def test_a_damaged_store_is_caught_after_the_first_paint_and_not_backed_up(
    qtbot, store: Store, store_path: Path
) -> None:
    log(store)
    store.close()
    assert integrity_problem(store_path) is None
    _damage_a_table(store_path, "audit_events")
    problem = integrity_problem(store_path)
    assert problem is not None and "audit_events" not in problem  # SQLite names the page
    quick = _quick_reader(argparse.Namespace(), store_path)
    assert quick is not None  # the light check before the first paint passes...
    opener = _StoreOpener(store_path)
    ctx = AppContext(None, LOCAL_ADMIN, FixedClock(RECEIVED), quick=quick, opener=opener.store)
    window = MainWindow(ctx, complete=False)
    qtbot.addWidget(window)
    window.show()
    _finish_start(window, ctx)
    qtbot.waitUntil(lambda: window.damage_message is not None, timeout=20000)
    box = window.damage_message
    assert box is not None and box.isVisible()
    assert box.windowTitle() == "This store is damaged"
    found = f"Caseworker checked store.sqlite and found it damaged ({problem})"
    assert box.text().startswith(found)
    assert "Restore a backup (caseworker restore PATH)" in box.text()
    assert not window.isEnabled() and window.store_damaged
    backups = store_path.parent / "store.sqlite.backups"
    assert not backups.exists() or not list(backups.glob("daily-*"))  # good copies kept
    box.done(0)
    qtbot.waitUntil(lambda: not window.isVisible())
    opener.wait()
    ctx.close()
