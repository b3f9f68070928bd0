"""The main window's status bar: a message too long for the room left beside the permanent
widgets (the sync line on a replica) is elided in the middle, never cut, with the whole
message in its tooltip.

Qt's own status bar draws a temporary message clipped at the first permanent widget, so at
200% text "Store: /home/…/complaints.sqlite · Working as A. Smith" lost its end.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QStatusBar, QStyle, QStyleOption, QWidget

LEFT = 6  # Qt's own margins round the message
RIGHT = 12


class StatusBar(QStatusBar):
    """A ``QStatusBar`` whose temporary message elides (middle) with a tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._permanent: list[QWidget] = []
        self.messageChanged.connect(self._message_changed)

    def addPermanentWidget(self, widget: QWidget, /, stretch: int | None = None) -> None:
        self._permanent.append(widget)
        super().addPermanentWidget(widget, stretch or 0)

    def removeWidget(self, widget: QWidget, /) -> None:
        if widget in self._permanent:
            self._permanent.remove(widget)
        super().removeWidget(widget)

    def message_rect(self) -> QRect:
        """Where the message goes: from the left edge to the first permanent widget shown
        (or the size grip)."""
        right = self.width() - RIGHT
        grips = [w for w in self.children() if type(w).__name__ == "QSizeGrip"]
        for grip in grips:
            if isinstance(grip, QWidget) and grip.isVisible():
                right = min(right, grip.x())
        shown = [w for w in self._permanent if w.isVisible()]
        if shown:
            right = min(right, min(w.x() for w in shown) - 2)
        return QRect(LEFT, 0, max(right - LEFT, 0), self.height())

    def shown_message(self) -> str:
        """The message as drawn: whole if it fits, else elided in the middle."""
        return self.fontMetrics().elidedText(
            self.currentMessage(), Qt.TextElideMode.ElideMiddle, self.message_rect().width()
        )

    def _message_changed(self, message: str) -> None:
        self.setToolTip(message)  # the whole words, wherever they were elided
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.currentMessage():
            super().paintEvent(event)
            return
        painter = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelStatusBar, option, painter, self)
        for widget in self._permanent:  # as Qt frames its permanent widgets
            if widget.isVisible():
                frame = QStyleOption()
                frame.rect = widget.geometry().adjusted(-2, -1, 2, 1)
                frame.palette = self.palette()
                self.style().drawPrimitive(
                    QStyle.PrimitiveElement.PE_FrameStatusBarItem, frame, painter, widget
                )
        painter.setPen(self.palette().windowText().color())
        painter.drawText(
            self.message_rect(),
            Qt.AlignmentFlag.AlignLeading
            | Qt.AlignmentFlag.AlignVCenter
            | Qt.TextFlag.TextSingleLine,
            self.shown_message(),
        )
        painter.end()
