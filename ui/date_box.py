"""A date box you can type into: ``12/01/2026``, one Tab stop, blank allowed where optional.

Qt's QDateEdit makes each of day, month and year a Tab stop, and its "not known" special
value swallows typing and Tab; advisors typing a date on the phone need a plain text box
that reads what they type, with the calendar one key away (Alt+Down or F4).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QRegularExpression, Qt, Signal
from PySide6.QtGui import QAction, QFocusEvent, QKeyEvent, QRegularExpressionValidator
from PySide6.QtWidgets import QCalendarWidget, QLineEdit, QStyle, QWidget

from caseworker.domain.dates import parse_date
from caseworker.domain.errors import InvalidInput

DISPLAY_FORMAT = "dd/MM/yyyy"
UNSET = QDate(1900, 1, 1)  # what date() gives for a blank optional box (as QDateEdit did)


def _text(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


class DateBox(QLineEdit):
    """One box for one date, typed as DD/MM/YYYY (or YYYY-MM-DD), or picked from a calendar.

    The API matches the parts of QDateEdit the app uses (``date``, ``setDate``,
    ``dateChanged``, ``minimumDate``, ``specialValueText``). An optional box may be left
    blank ("not known"); a blank or impossible date in a required box goes back to the last
    good date when the focus leaves it, so what is shown is always what is saved.
    """

    dateChanged = Signal(QDate)

    def __init__(
        self,
        name: str,
        value: date | None,
        *,
        optional: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.name = name
        self.optional = optional
        self._value: date | None = None if optional else value
        self.setAccessibleName(name)
        self.setAccessibleDescription(
            "Type the date as day/month/year, e.g. 12/01/2026"
            + ("; leave it blank if not known" if optional else "")
            + ". Alt+Down opens a calendar."
        )
        self.setPlaceholderText("not known" if optional else "dd/mm/yyyy")
        self.setToolTip("Day/month/year, e.g. 12/01/2026" + (", or blank" if optional else ""))
        self.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"[0-9/.\- ]{0,10}"), self)
        )
        self.setMaxLength(10)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("00/00/00000") + 40)
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_ArrowDown)
        self.calendar_action = QAction(icon, f"Choose {name} from a calendar (Alt+Down)", self)
        self.calendar_action.triggered.connect(self.show_calendar)
        self.addAction(self.calendar_action, QLineEdit.ActionPosition.TrailingPosition)
        self._calendar: QCalendarWidget | None = None
        if value is not None and not optional:
            self.setText(_text(value))
        self.textChanged.connect(self._typed)

    # The value --------------------------------------------------------------------------------

    def value(self) -> date | None:
        """The date shown (None when blank).

        Raises:
            InvalidInput: the text is not a date, naming the box.
        """
        raw = self.text().strip()
        if not raw:
            if self.optional:
                return None
            raise InvalidInput(f"Enter the {self.name.lower()} as DD/MM/YYYY")
        try:
            return parse_date(raw)
        except InvalidInput as exc:
            raise InvalidInput(f"{self.name}: {exc}") from None

    def set_value(self, value: date | None) -> None:
        self.setText(_text(value) if value is not None else "")

    def date(self) -> QDate:
        """The last good date (UNSET for a blank optional box), as QDateEdit gives it."""
        if self._value is None:
            return UNSET
        return QDate(self._value.year, self._value.month, self._value.day)

    def setDate(self, value: QDate) -> None:
        if value == UNSET and self.optional:
            self.set_value(None)
        else:
            self.set_value(date(value.year(), value.month(), value.day()))

    def minimumDate(self) -> QDate:
        return UNSET

    def specialValueText(self) -> str:
        return "not known" if self.optional else ""

    def _typed(self, _text_now: str) -> None:
        try:
            new = self.value()
        except InvalidInput:
            self.setProperty("invalid", True)
            return
        self.setProperty("invalid", False)
        if new != self._value and (new is not None or self.optional):
            self._value = new
            self.dateChanged.emit(self.date())

    def focusOutEvent(self, event: QFocusEvent) -> None:
        """Tidy the text to DD/MM/YYYY; a date that cannot be read goes back to the last one."""
        super().focusOutEvent(event)
        try:
            typed = self.value()
        except InvalidInput:
            typed = self._value
        wanted = _text(typed) if typed is not None else ""
        if self.text() != wanted:
            self.setText(wanted)

    # The calendar -----------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        alt_down = event.key() == Qt.Key.Key_Down and (
            event.modifiers() & Qt.KeyboardModifier.AltModifier
        )
        if alt_down or event.key() == Qt.Key.Key_F4:
            self.show_calendar()
            return
        super().keyPressEvent(event)

    def show_calendar(self) -> None:
        """A calendar under the box; Enter or a click picks the date, Esc closes it."""
        calendar = QCalendarWidget(self)
        calendar.setWindowFlags(Qt.WindowType.Popup)
        calendar.setAccessibleName(f"Calendar for {self.name}")
        calendar.setGridVisible(True)
        start = self._value or date.today()
        calendar.setSelectedDate(QDate(start.year, start.month, start.day))
        calendar.activated.connect(lambda d: self._picked(d))
        calendar.clicked.connect(lambda d: self._picked(d))
        calendar.move(self.mapToGlobal(self.rect().bottomLeft()))
        self._calendar = calendar
        calendar.show()
        calendar.setFocus()

    def _picked(self, value: QDate) -> None:
        self.setDate(value)
        if self._calendar is not None:
            self._calendar.close()
            self._calendar.deleteLater()
            self._calendar = None
        self.setFocus()
