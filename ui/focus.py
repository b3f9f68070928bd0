"""A visible focus ring round whichever control has the keyboard focus.

The platform styles show focus faintly or not at all on some controls (Fusion: a radio
button, a list or table with a selected row, a tab bar, a multi-line text box). Someone
working by keyboard must always see where they are, so the app draws one ring of its own,
2 pixels of the selection blue (6.9:1 on white, 5.9:1 on the window grey; WCAG's non-text
contrast asks for 3:1), just outside the focused control, on every control alike.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QFocusFrame,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QStyleHintReturn,
    QStyleOption,
    QWidget,
)

from ui.theme import SELECTION


class _AboveStyle(QProxyStyle):
    """The app's style, but the focus ring is drawn above the control, with the window (or
    the scroll area's viewport) as its parent, so a tight container cannot clip it."""

    def styleHint(
        self,
        hint: QStyle.StyleHint,
        option: QStyleOption | None = None,
        widget: QWidget | None = None,
        returnData: QStyleHintReturn | None = None,
    ) -> int:
        if hint == QStyle.StyleHint.SH_FocusFrame_AboveWidget:
            return 1
        return super().styleHint(hint, option, widget, returnData)


class FocusRing(QObject):
    """Moves one QFocusFrame (a ring outside the widget's edges) to each focused control."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        self._frame: QFocusFrame | None = None
        self._style = _AboveStyle(QStyleFactory.create(app.style().name()))
        self._style.setParent(self)
        app.focusChanged.connect(self._moved)
        self._moved(None, app.focusWidget())

    def _moved(self, _old: QWidget | None, new: QWidget | None) -> None:
        frame = self._frame
        if frame is not None:
            frame.setWidget(None)  # type: ignore[arg-type]
        if new is None or new.isWindow():
            return
        if frame is None:
            frame = QFocusFrame(new)
            # A frame whose window is closed and deleted goes with it: a new one is made.
            frame.destroyed.connect(self._gone)
            frame.setStyle(self._style)
            palette = frame.palette()
            palette.setColor(QPalette.ColorRole.WindowText, QColor(SELECTION))
            frame.setPalette(palette)
            frame.setAccessibleName("Focus")
            self._frame = frame
        frame.setWidget(new)

    def _gone(self) -> None:
        self._frame = None

    def stop(self) -> None:
        """No ring from now on (tests compare the platform's own focus with the ring's)."""
        self._app.focusChanged.disconnect(self._moved)
        if self._frame is not None:
            self._frame.setWidget(None)  # type: ignore[arg-type]
        self.setParent(None)  # install_focus_ring makes a new one
        self.deleteLater()


def install_focus_ring(app: QApplication) -> FocusRing:
    """The app's focus ring (made once per application)."""
    ring = app.findChild(FocusRing)
    return ring if isinstance(ring, FocusRing) else FocusRing(app)
