"""Every control can be named by a screen reader; nothing essential is clipped at 200% text."""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QCalendarWidget,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from ui_helpers import log

from caseworker.services.actor import LOCAL_ADMIN
from caseworker.services.case_view import load_case_detail
from db.store import Store
from ui.context import AppContext
from ui.dialogs.case_actions import SPECS, make_dialog
from ui.dialogs.import_records import ImportRecordsDialog
from ui.dialogs.sign_in import SignInDialog
from ui.letters.make_letter import MakeLetterDialog
from ui.main_window import MainWindow

PAGES = ("welcome", "queue", "cases", "intake", "case", "settings", "reports")


def accessible_name(w: QWidget) -> str:
    """The name a screen reader announces (Qt takes it from the buddy label or the text too)."""
    iface = QAccessible.queryAccessibleInterface(w)
    return (iface.text(QAccessible.Text.Name) if iface else "").strip()


def _inner(w: QWidget) -> bool:
    """A part of another control (a combo box's line edit...), named through its owner."""
    parent = w.parentWidget()
    while parent is not None:
        if isinstance(parent, QComboBox | QAbstractSpinBox | QCalendarWidget):
            return True
        parent = parent.parentWidget()
    return False


def controls(root: QWidget) -> Iterator[QWidget]:
    """The focusable controls under ``root`` (a control's own parts left out)."""
    for w in [root, *root.findChildren(QWidget)]:
        if not w.focusPolicy() & Qt.FocusPolicy.TabFocus or _inner(w):
            continue
        if isinstance(
            w,
            QAbstractButton
            | QLineEdit
            | QComboBox
            | QAbstractSpinBox
            | QPlainTextEdit
            | QTextEdit
            | QAbstractItemView,
        ):
            yield w


def unnamed_controls(root: QWidget) -> Iterator[str]:
    """Focusable controls under ``root`` with no accessible name, described for the message."""
    for w in controls(root):
        if not accessible_name(w):
            label = w.text() if isinstance(w, QAbstractButton | QLineEdit) else ""
            yield f"{type(w).__name__} {w.objectName()!r} {label!r} in {type(w.window()).__name__}"


def _window(qtbot, context: AppContext, store: Store) -> tuple[MainWindow, str]:
    reference = log(store)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.case_view.show_case(reference)
    return window, reference


def test_every_page_names_every_control(qtbot, clock, store: Store, admin_context) -> None:
    context = admin_context
    window, _ = _window(qtbot, context, store)
    missing: list[str] = []
    for page in PAGES:
        window.show_page(page)
        missing += [f"{page}: {m}" for m in unnamed_controls(window.pages[page])]
    missing += [f"window: {m}" for m in unnamed_controls(window.nav)]
    window.intake.has_rep.setChecked(True)  # the representative's fields too
    missing += [f"intake: {m}" for m in unnamed_controls(window.intake)]
    assert missing == []
    assert sum(len(list(controls(window.pages[p]))) for p in PAGES) > 150


def test_every_dialog_names_every_control(qtbot, clock, store: Store, admin_context) -> None:
    context = admin_context
    window, reference = _window(qtbot, context, store)
    detail = context.read(
        lambda s: load_case_detail(s, reference, clock.today(), actor=context.actor)
    )
    dialogs: list[QDialog] = []
    for action in SPECS:
        if action == "make-letter":
            continue
        dialogs.append(make_dialog(action, context, detail, window))
    dialogs.append(MakeLetterDialog(store, LOCAL_ADMIN, clock.today, reference, window))
    dialogs.append(ImportRecordsDialog(context, window))
    dialogs.append(SignInDialog(lambda _u, _p: LOCAL_ADMIN, "store.sqlite", window))
    missing: list[str] = []
    for dialog in dialogs:
        missing += [f"{dialog.windowTitle()}: {m}" for m in unnamed_controls(dialog)]
    assert len(dialogs) >= len(SPECS) + 2
    assert missing == []
    assert sum(len(list(controls(d))) for d in dialogs) > 100  # 147 when written


def test_the_check_finds_an_unnamed_control(qtbot) -> None:
    bare = QWidget()
    qtbot.addWidget(bare)
    QLineEdit(bare)
    named = QLineEdit(bare)
    named.setAccessibleName("Postcode")
    with_buddy = QLineEdit(bare)
    QLabel("&Phone", bare).setBuddy(with_buddy)
    assert list(unnamed_controls(bare)) == ["QLineEdit '' '' in QWidget"]
