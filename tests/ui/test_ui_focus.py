"""Every focusable control shows, visibly, that it has the keyboard focus.

Each control of each page and dialog is drawn without the focus and then with it (given as
the Tab key gives it); the pixels round it that changed with a contrast of at least 3:1
(WCAG's non-text contrast) must add up to at least a 1-pixel line all round the control.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QListWidget,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from test_ui_accessibility import PAGES, controls
from ui_helpers import log

from caseworker.services.actor import LOCAL_ADMIN
from caseworker.services.case_view import load_case_detail
from db.store import Store
from ui.context import AppContext
from ui.dialogs.case_actions import SPECS, make_dialog
from ui.dialogs.import_records import ImportRecordsDialog
from ui.dialogs.sign_in import SignInDialog
from ui.focus import install_focus_ring
from ui.letters.make_letter import MakeLetterDialog
from ui.main_window import MainWindow

MIN_CONTRAST = 3.0
AROUND = 3  # pixels round the control that are compared too (the ring lies outside it)


@pytest.fixture
def ring(qapp):  # type: ignore[no-untyped-def]
    """The app's focus ring, as ``ui.app`` installs it at start."""
    made = install_focus_ring(qapp)
    yield made
    made.stop()


def _pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    width, height = image.width(), image.height()
    raw = np.frombuffer(image.constBits(), np.uint8).reshape(height, image.bytesPerLine())
    bgra = raw[:, : width * 4].reshape(height, width, 4)
    return bgra[:, :, 2::-1].astype(np.float64) / 255  # RGB, 0..1


def _luminance(rgb: np.ndarray) -> np.ndarray:
    linear = np.where(rgb <= 0.03928, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def contrasting_pixels(before: QImage, after: QImage) -> int:
    """How many pixels changed between the two images with a contrast of at least 3:1."""
    a, b = _luminance(_pixels(before)), _luminance(_pixels(after))
    ratio = (np.maximum(a, b) + 0.05) / (np.minimum(a, b) + 0.05)
    return int((ratio >= MIN_CONTRAST).sum())


def _shown(window: QWidget, widget: QWidget) -> QRect:
    """The part of ``widget`` on screen, in the window's coordinates (scrolled into view)."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            parent.ensureWidgetVisible(widget, AROUND * 2, AROUND * 2)
        parent = parent.parentWidget()
    QApplication.processEvents()
    seen = widget.visibleRegion().boundingRect()
    return QRect(widget.mapTo(window, seen.topLeft()), seen.size())


def unseen_focus(window: QWidget, widgets: list[QWidget]) -> Iterator[str]:
    """The controls among ``widgets`` whose focus does not show, described for the message."""
    window.activateWindow()
    QApplication.processEvents()
    for widget in widgets:
        if not widget.isVisibleTo(window) or not widget.isEnabled():
            continue
        shown = _shown(window, widget)
        if shown.isEmpty():
            continue
        focused = QApplication.focusWidget()
        if focused is not None:
            focused.clearFocus()
        QApplication.processEvents()
        area = shown.adjusted(-AROUND, -AROUND, AROUND, AROUND) & window.rect()
        before = window.grab(area).toImage()
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        window.setAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange, True)
        QApplication.processEvents()
        if not widget.hasFocus():
            yield f"{_name(widget)} cannot take the focus"
            continue
        changed = contrasting_pixels(before, window.grab(area).toImage())
        needed = 2 * (shown.width() + shown.height())
        if changed < needed:
            yield f"{_name(widget)}: {changed} of {needed} pixels"


def _name(widget: QWidget) -> str:
    text = widget.accessibleName() or getattr(widget, "text", lambda: "")()
    return f"{type(widget).__name__} {text!r}"


def _window(qtbot, context: AppContext, store: Store) -> tuple[MainWindow, str]:  # type: ignore[no-untyped-def]
    reference = log(store)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.case_view.show_case(reference)
    return window, reference


def test_every_control_of_every_page_shows_its_focus(
    qtbot, ring, store: Store, admin_context: AppContext
) -> None:
    window, _ = _window(qtbot, admin_context, store)
    missing: list[str] = []
    walked = 0
    for page in PAGES:
        window.show_page(page)
        QApplication.processEvents()
        found = list(controls(window.pages[page]))
        walked += sum(1 for w in found if w.isVisibleTo(window) and w.isEnabled())
        missing += [f"{page}: {m}" for m in unseen_focus(window, found)]
    missing += [f"window: {m}" for m in unseen_focus(window, [window.nav])]
    assert missing == [], "\n".join(missing)
    assert walked > 100


def test_every_dialog_shows_its_focus(
    qtbot, ring, clock, store: Store, admin_context: AppContext
) -> None:
    context = admin_context
    window, reference = _window(qtbot, context, store)
    detail = context.read(
        lambda s: load_case_detail(s, reference, clock.today(), actor=context.actor)
    )
    dialogs: list[QDialog] = [
        make_dialog(action, context, detail, window) for action in SPECS if action != "make-letter"
    ]
    dialogs.append(MakeLetterDialog(store, LOCAL_ADMIN, clock.today, reference, window))
    dialogs.append(ImportRecordsDialog(context, window))
    dialogs.append(SignInDialog(lambda _u, _p: LOCAL_ADMIN, "store.sqlite"))
    missing: list[str] = []
    walked = 0
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        QApplication.processEvents()
        found = list(controls(dialog))
        walked += sum(1 for w in found if w.isVisibleTo(dialog) and w.isEnabled())
        missing += [f"{dialog.windowTitle()}: {m}" for m in unseen_focus(dialog, found)]
        dialog.hide()
    assert missing == [], "\n".join(missing)
    assert walked > 80


def test_the_check_finds_a_control_whose_focus_does_not_show(qtbot, qapp) -> None:
    """Without the ring, the platform style's own focus is too faint on some controls."""
    box = QWidget()
    qtbot.addWidget(box)
    layout = QVBoxLayout(box)
    radio, tick, button = QRadioButton("Phone"), QCheckBox("Restricted"), QPushButton("Save")
    listed, tabs = QListWidget(), QTabWidget()
    listed.addItems(["One", "Two"])
    listed.setCurrentRow(0)
    tabs.addTab(QWidget(), "Details")
    tabs.addTab(QWidget(), "Letters")
    for widget in (radio, tick, button, listed, tabs):
        layout.addWidget(widget)
    box.resize(400, 400)
    box.show()
    found = [*controls(box), tabs.tabBar()]
    unseen = [m.split(":")[0] for m in unseen_focus(box, found)]
    assert "QRadioButton 'Phone'" in unseen
    assert "QListWidget ''" in unseen
    ring = install_focus_ring(qapp)
    try:
        assert list(unseen_focus(box, found)) == []
    finally:
        ring.stop()
