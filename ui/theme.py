"""Colours the app sets so text stays readable (at least 4.5:1 against its background)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

# The usual selection blue is 3.7:1 behind white text; this darker blue is 6.9:1.
SELECTION = "#1d5a8e"


def apply_readable_palette(app: QApplication) -> None:
    """A selection colour that white text can be read on, in every state of the window."""
    palette = app.palette()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        palette.setColor(group, QPalette.ColorRole.Highlight, QColor(SELECTION))
        palette.setColor(group, QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    app.setPalette(palette)
