"""A phone complaint taken by keyboard alone: Ctrl+N to saved, the caller found by postcode."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from ui_helpers import RECEIVED, log

from caseworker.services.actor import LOCAL_ADMIN
from caseworker.services.case_view import load_case_detail
from caseworker.services.people import PersonInput
from db.store import Store
from ui.context import AppContext
from ui.main_window import MainWindow

FOCUS_KEYS = (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)


class Keyboard:
    """Presses keys where the focus is, as a person would, and counts them."""

    def __init__(self, qtbot, window: MainWindow) -> None:
        self.qtbot, self.window = qtbot, window
        self.keys = 0
        self.moves = 0  # keys whose only effect is to move the focus

    def focus(self) -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None
        return widget

    def press(
        self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
    ) -> None:
        before = self.focus()
        self.qtbot.keyClick(before, key, modifier)
        self.keys += 1
        if key in FOCUS_KEYS or (
            key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and QApplication.focusWidget() is not before
        ):
            self.moves += 1

    def type(self, text: str) -> None:
        self.qtbot.keyClicks(self.focus(), text)
        self.keys += len(text)


def test_a_phone_complaint_by_keyboard_for_a_caller_found_by_postcode(
    qtbot, context: AppContext, store: Store
) -> None:
    earlier = log(
        store,
        kind="service-request",
        complainants=(
            PersonInput(
                name="Jane Doe",
                postcode="S43 4JJ",
                phone="01246 242424",
                adjustments="Calls, not letters",
            ),
        ),
    )
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    kb = Keyboard(qtbot, window)
    intake = window.intake

    kb.press(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() == "intake"
    assert kb.focus() is intake.find_box  # the first box, no Tab needed
    kb.type("s434jj")
    kb.press(Qt.Key.Key_Return)  # the only person found is picked
    assert intake.caller is not None and intake.caller.name == "Jane Doe"
    assert intake.caller_banner.text() == "⚠ <b>Reasonable adjustments: Calls, not letters</b>"
    assert intake.caller_banner.isVisible()
    assert intake.other_cases.item(0).text() == (
        f"{earlier} · Service request · Logged · received Mon 2 Feb 2026"
    )
    assert kb.focus() is intake.kind_buttons["complaint"]  # what happened, at the choice
    assert "no “stage 0”" in intake.guidance.text()
    kb.press(Qt.Key.Key_Tab)
    assert kb.focus() is intake.description
    kb.type("The bins were not collected for three weeks")
    kb.press(Qt.Key.Key_Tab)
    kb.type("Collect them and say sorry")
    kb.press(Qt.Key.Key_Tab)
    assert kb.focus() is intake.channel and intake.channel.currentData() == "telephone"
    kb.press(Qt.Key.Key_Tab)
    assert kb.focus() is intake.received
    kb.press(Qt.Key.Key_Tab)
    kb.type("Clowne")
    kb.press(Qt.Key.Key_Tab)
    kb.type("Waste")
    kb.press(Qt.Key.Key_Tab)
    assert kb.focus() is intake.issue_date
    kb.type("12/01/2026")
    kb.press(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    assert intake.error.isHidden(), intake.error.text()
    assert intake.draft_label.text() == "Logged as CW-2026-000002."
    assert window.current_page() == "case"
    assert kb.moves == 7 and kb.moves <= 12
    detail = context.read(
        lambda s: load_case_detail(s, "CW-2026-000002", RECEIVED, actor=LOCAL_ADMIN)
    )
    assert (detail.kind, detail.channel, detail.site, detail.issue_date) == (
        "complaint",
        "telephone",
        "Clowne",
        date(2026, 1, 12),
    )
    assert detail.description == "The bins were not collected for three weeks"
    assert detail.desired_outcome == "Collect them and say sorry"
    # The same person, not a duplicate: both cases are hers.
    assert detail.complainants[0].name == "Jane Doe"
    first = context.read(lambda s: load_case_detail(s, earlier, RECEIVED, actor=LOCAL_ADMIN))
    assert detail.complainants[0].person_id == first.complainants[0].person_id

    # The new complaint heads the work queue's "awaiting acknowledgement", with its countdown.
    kb.press(Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    queue = window.queue
    assert window.current_page() == "queue"
    queue.buttons["awaiting-ack"].click()
    assert queue.count("awaiting-ack") == 1
    row = [queue.table.item(0, c).text() for c in range(queue.table.columnCount())]
    assert row == [
        "CW-2026-000002",
        "5 working days left",
        "Mon 9 Feb 2026",
        "Jane Doe",
        "Acknowledge and define the complaint",
        "Acknowledgement",
        "Not assigned",
        "Complaint",
    ]
    # Enter opens it.
    queue.table.setFocus()
    kb.press(Qt.Key.Key_Return)
    assert window.current_page() == "case"
    assert window.case_view.title.text() == "CW-2026-000002: Complaint"
