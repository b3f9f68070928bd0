"""Small widget helpers shared by the views and dialogs: dates, vocab choices, messages."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QLabel,
    QLineEdit,
    QScrollArea,
    QWidget,
)

from caseworker.domain.errors import InvalidInput
from caseworker.domain.vocab import Vocab
from ui.date_box import DISPLAY_FORMAT, DateBox

DATE_FORMAT = DISPLAY_FORMAT


def to_qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def from_qdate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def date_edit(name: str, value: date, *, optional: bool = False) -> DateBox:
    """A date box typed as DD/MM/YYYY (one Tab stop); ``optional`` may be left blank."""
    return DateBox(name, value, optional=optional)


def optional_date(edit: DateBox) -> date | None:
    """The date in an optional date box, or None when it is blank.

    Raises:
        InvalidInput: the box holds text that is not a date (named, so nothing is guessed).
    """
    return edit.value()


def vocab_combo(name: str, vocab: type[Vocab], *, blank: str | None = None) -> QComboBox:
    """A drop-down of a vocabulary's labels, carrying the machine values."""
    combo = QComboBox()
    combo.setAccessibleName(name)
    if blank is not None:
        combo.addItem(blank, "")
    for member in vocab:
        combo.addItem(member.label, member.value)
    return combo


def choice_combo(name: str, items: Iterable[tuple[str, object]]) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    for label, value in items:
        combo.addItem(label, value)
    return combo


def select_value(combo: QComboBox, value: object) -> None:
    """Select the item carrying ``value`` (or type it into an editable combo)."""
    i = combo.findData(value)
    if i >= 0:
        combo.setCurrentIndex(i)
    elif combo.isEditable():
        combo.setEditText(str(value))


def parse_money(text: str) -> Decimal | None:
    """An amount typed as ``150``, ``£1,250.50`` or left blank (None).

    Raises:
        InvalidInput: the text is not an amount of money.
    """
    raw = text.strip().lstrip("£").replace(",", "")
    if not raw:
        return None
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():
        raise InvalidInput(f"'{text}' is not an amount of money; write it like 150 or 150.00")
    return amount


class MoneyEdit(QLineEdit):
    """A box for an amount in pounds, read with ``amount()`` (blank is None)."""

    def __init__(self, name: str, text: str = "") -> None:
        super().__init__(text)
        self.setAccessibleName(name)
        self.setPlaceholderText("£ amount, e.g. 150.00")

    def amount(self) -> Decimal | None:
        """The amount typed (raises InvalidInput, naming the text, if it is not money)."""
        return parse_money(self.text())


def error_label(name: str = "Problem") -> QLabel:
    """A message line for a refused action: text with a warning sign, read out by screen readers."""
    label = QLabel()
    label.setObjectName("error")
    label.setAccessibleName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setStyleSheet("QLabel#error { color: #8b0000; font-weight: bold; }")
    label.hide()
    return label


def show_error(label: QLabel, message: str) -> None:
    label.setText(f"⚠ {message}" if message else "")
    label.setAccessibleDescription(message)
    label.setVisible(bool(message))


def scrolling(widget: QWidget) -> QScrollArea:
    """``widget`` in a scroll area, so nothing is cut off at large text or small screens."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(widget)
    return area


def heading(text: str, level: int = 1) -> QLabel:
    label = QLabel(text)
    label.setAccessibleName(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * (1.5 if level == 1 else 1.2))
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    return label
