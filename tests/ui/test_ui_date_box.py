"""Date boxes are typed into: 12/01/2026 sets the date, one Tab stop each, blank allowed."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from caseworker.domain.errors import InvalidInput
from ui.context import AppContext
from ui.date_box import DateBox
from ui.views.intake import IntakeView
from ui.widgets import optional_date


def _shown_form(qtbot, context: AppContext) -> IntakeView:
    form = IntakeView(context)
    qtbot.addWidget(form)
    form.show()
    with qtbot.waitActive(form):
        form.activateWindow()
    return form


def test_typing_a_date_sets_it_and_tab_leaves_each_box_in_one_stop(
    qtbot, context: AppContext
) -> None:
    form = _shown_form(qtbot, context)
    form.issue_date.setFocus()
    qtbot.keyClicks(form.issue_date, "12/01/2026")
    assert form.issue_date.text() == "12/01/2026"
    assert optional_date(form.issue_date) == date(2026, 1, 12)
    qtbot.keyClick(form.issue_date, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is form.aware_date  # one stop, then the next box
    qtbot.keyClicks(form.aware_date, "3/2/2026")
    qtbot.keyClick(form.aware_date, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not form.aware_date
    assert form.aware_date.text() == "03/02/2026"  # tidied as the focus leaves
    assert optional_date(form.aware_date) == date(2026, 2, 3)
    # Shift+Tab comes back in one stop too.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is form.aware_date


def test_an_optional_date_can_be_cleared_and_stays_unset(qtbot, context: AppContext) -> None:
    form = _shown_form(qtbot, context)
    assert optional_date(form.issue_date) is None
    assert form.issue_date.placeholderText() == "not known"
    form.issue_date.setFocus()
    qtbot.keyClicks(form.issue_date, "12/01/2026")
    form.issue_date.selectAll()
    qtbot.keyClick(form.issue_date, Qt.Key.Key_Backspace)
    qtbot.keyClick(form.issue_date, Qt.Key.Key_Tab)
    assert form.issue_date.text() == ""
    assert optional_date(form.issue_date) is None


def test_the_typed_issue_date_drives_the_time_limit(qtbot, context: AppContext) -> None:
    form = _shown_form(qtbot, context)
    form.issue_date.setFocus()
    qtbot.keyClicks(form.issue_date, "01/12/2024")
    assert form.time_limit_warning.text().startswith("⚠ The issue is more than 12 months old")


def test_letters_are_not_typed_and_an_impossible_date_is_named(qtbot) -> None:
    box = DateBox("Date of the issue", None, optional=True)
    qtbot.addWidget(box)
    qtbot.keyClicks(box, "not known")
    assert box.text() == " "  # only digits, / . - and spaces get in
    box.setText("31/02/2026")
    with pytest.raises(InvalidInput, match=r"^Date of the issue: '31/02/2026' is not a real date$"):
        box.value()


def test_a_required_box_goes_back_to_its_date_when_left_unreadable(qtbot) -> None:
    box = DateBox("Date received", date(2026, 2, 2))
    qtbot.addWidget(box)
    with qtbot.waitActive(box):
        box.show()
        box.activateWindow()
    box.setFocus()
    box.setText("31/02")
    assert box.date().toPython() == date(2026, 2, 2)
    with pytest.raises(InvalidInput, match=r"^Date received: '31/02' is not a date"):
        box.value()
    box.clearFocus()
    assert box.text() == "02/02/2026"
