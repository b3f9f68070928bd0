"""Text contrast of at least 4.5:1 (WCAG AA) for the app's own colours and the palette's."""

from __future__ import annotations

import re

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from ui.theme import apply_readable_palette
from ui.views.work_queue import URGENT_STYLE, WorkQueueView
from ui.widgets import error_label

MINIMUM = 4.5


def luminance(colour: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def sheet_colours(widget: QWidget) -> tuple[QColor, QColor | None]:
    """The text colour and any background colour a widget's style sheet sets."""
    sheet = widget.styleSheet()
    text = re.search(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})", sheet)
    back = re.search(r"background:\s*(#[0-9a-fA-F]{6})", sheet)
    assert text, sheet
    return QColor(text.group(1)), QColor(back.group(1)) if back else None


def test_the_formula() -> None:
    assert contrast(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21.0)
    assert contrast(QColor("#777777"), QColor("#ffffff")) == pytest.approx(4.48, abs=0.01)


def test_palette_text_is_readable(qapp: QApplication) -> None:
    before = qapp.palette()
    apply_readable_palette(qapp)  # as the app does when it starts
    palette = qapp.palette()
    role = QPalette.ColorRole
    for fore, back in (
        (role.WindowText, role.Window),
        (role.ButtonText, role.Button),
        (role.Text, role.Base),
        (role.Text, role.AlternateBase),
        (role.HighlightedText, role.Highlight),
    ):
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            ratio = contrast(palette.color(group, fore), palette.color(group, back))
            assert ratio >= MINIMUM, (group, fore, back, ratio)
    assert contrast(before.color(role.HighlightedText), before.color(role.Highlight)) < MINIMUM
    qapp.setPalette(before)


def test_our_colours_are_readable(qtbot, qapp: QApplication, context) -> None:
    from ui.views.intake import IntakeView

    palette = qapp.palette()
    intake = IntakeView(context)
    queue = WorkQueueView(context)
    for w in (intake, queue):
        qtbot.addWidget(w)
    urgent = QWidget()
    qtbot.addWidget(urgent)
    urgent.setStyleSheet(URGENT_STYLE)  # as an urgent count is drawn
    checks = {
        "error message": (error_label(), palette.color(QPalette.ColorRole.Window)),
        "urgent count": (urgent, palette.color(QPalette.ColorRole.Button)),
        "caller banner": (intake.caller_banner, None),
    }
    for name, (widget, background) in checks.items():
        text, own = sheet_colours(widget)
        ratio = contrast(text, own or background)
        assert ratio >= MINIMUM, (name, ratio)
