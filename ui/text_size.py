"""The text size of the desktop app: chosen in Settings (kept for this PC) or by --text-scale."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

SCALES = ((1.0, "100% (normal)"), (1.25, "125%"), (1.5, "150%"), (2.0, "200%"))
_KEY = "text_scale"
_base_points: float | None = None


def _settings() -> QSettings:
    return QSettings("Caseworker", "Caseworker")


def saved_text_scale() -> float:
    """The scale chosen in Settings on this PC (1.0 if none, or if what is kept is nonsense)."""
    try:
        value = float(str(_settings().value(_KEY, 1.0)))
    except ValueError:
        return 1.0
    return value if 0.5 <= value <= 4.0 else 1.0


def save_text_scale(scale: float) -> None:
    _settings().setValue(_KEY, scale)


def apply_text_scale(app: QApplication, scale: float) -> None:
    """Draw the app's text at ``scale`` times the system size (1.0: as the system has it)."""
    global _base_points
    if _base_points is None and scale == 1.0:
        return  # as the system has it: nothing to change
    if _base_points is None:
        _base_points = app.font().pointSizeF()
    font = app.font()
    font.setPointSizeF(_base_points * scale)
    app.setFont(font)


def current_text_scale(app: QApplication) -> float:
    if _base_points is None:
        return 1.0
    return round(app.font().pointSizeF() / _base_points, 2)
