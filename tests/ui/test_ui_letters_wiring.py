"""Letters reached from the app's menus, and long work that stops when its progress is cancelled."""

from __future__ import annotations

import time
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QTableWidget, QWidget
from pytestqt.qtbot import QtBot
from ui_helpers import OFFICER, log, name_organisation

from caseworker.domain.vocab import LetterKind
from caseworker.services import stages
from caseworker.services.intake import RepresentativeInput
from caseworker.services.letters import make_letters
from caseworker.services.people import PersonInput
from db.store import Store
from ui.clock import FixedClock
from ui.context import AppContext
from ui.letters.batch import BatchSummary
from ui.letters.make_letter import MakeLetterDialog
from ui.letters.preview import LetterPreview
from ui.main_window import MainWindow
from ui.workers import Progress, run_with_progress

DAY = date(2026, 2, 4)  # Wed 4 Feb 2026: acknowledged, and the letters made, on this day
MP = RepresentativeInput(
    person=PersonInput(name="Ruth Jones MP", address="House of Commons", postcode="SW1A 0AA"),
    relationship="mp",
    raised_it=False,
    joined_later=True,
    auth_state="not-needed",
)


@pytest.fixture
def window(qtbot: QtBot, context: AppContext, store: Store, clock: FixedClock) -> MainWindow:
    """The main window on a store with the organisation's letterhead set."""
    name_organisation(store)
    clock.day = DAY
    main = MainWindow(context)
    qtbot.addWidget(main)
    return main


def acknowledged(store: Store, name: str = "Jane Doe", **fields: object) -> str:
    resident = PersonInput(name=name, address="1 High Street, Clowne", postcode="S43 4JJ")
    reference = log(store, complainants=(resident,), **fields)
    with store.write() as s:
        stages.acknowledge(
            s,
            OFFICER,
            reference,
            acknowledged=DAY,
            definition=stages.Definition(
                points=("The roof still leaks",),
                outcomes_sought="Fix the roof",
                responsible_for="How our repairs team handled your reports",
            ),
            handler="A. Smith",
            expected_version=None,
            today=DAY,
        )
    return reference


def menu_action(window: MainWindow, menu: str, text: str) -> QAction:
    found = [a for a in window.menus[menu].actions() if a.text() == text]
    assert len(found) == 1
    return found[0]


def shown(window: MainWindow, kind: type[QWidget]) -> list[QWidget]:
    return [w for w in window.findChildren(kind) if w.isVisible()]


def correspondence(window: MainWindow) -> list[list[str]]:
    """The correspondence tab's rows, without the time made."""
    table = window.case_view.correspondence_table
    assert table is not None
    return [
        [table.item(r, c).text() for c in range(1, table.columnCount())]  # type: ignore[union-attr]
        for r in range(table.rowCount())
    ]


def test_make_a_letter_from_the_case_menu(window: MainWindow, store: Store, qtbot: QtBot) -> None:
    reference = acknowledged(store)
    window.open_case(reference)
    action = menu_action(window, "case", "Make a letter…")
    assert action.shortcut().toString() == "Ctrl+L"
    assert window.case_view.letter_button.defaultAction() is action
    assert correspondence(window) == []
    action.trigger()
    (dialog,) = shown(window, MakeLetterDialog)
    assert isinstance(dialog, MakeLetterDialog)
    assert dialog.kind.currentText() == "Stage 1 acknowledgement"
    dialog.make_button.click()
    assert correspondence(window) == [["Stage 1 acknowledgement", "Jane Doe (resident)", "", ""]]
    (preview,) = shown(window, LetterPreview)
    assert isinstance(preview, LetterPreview)
    assert preview.heading.text() == f"{reference}: Stage 1 acknowledgement to Jane Doe"
    preview.mark_button.click()  # sent today by post: the case view shows it at once
    assert correspondence(window) == [
        ["Stage 1 acknowledgement", "Jane Doe (resident)", "Wed 4 Feb 2026", ""]
    ]


def test_enter_on_a_letter_opens_it_with_its_other_copies(
    window: MainWindow, store: Store, qtbot: QtBot
) -> None:
    reference = acknowledged(store, representatives=(MP,))
    with store.write() as s:
        make_letters(s, OFFICER, reference, LetterKind.AUTHORISATION_FORM, today=DAY)
        make_letters(s, OFFICER, reference, LetterKind.STAGE1_ACKNOWLEDGEMENT, today=DAY)
    window.open_case(reference)
    window.case_view.tabs.setCurrentIndex(4)
    assert correspondence(window) == [
        ["Authorisation form", "Jane Doe (resident)", "", ""],
        ["Stage 1 acknowledgement", "Jane Doe (resident)", "", ""],
        ["Stage 1 acknowledgement", "Ruth Jones MP (copy)", "", ""],
    ]
    table = window.case_view.correspondence_table
    assert isinstance(table, QTableWidget)
    table.setCurrentCell(2, 0)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    (preview,) = shown(window, LetterPreview)
    assert isinstance(preview, LetterPreview)
    assert [letter.title for letter in preview.letters] == [
        "Stage 1 acknowledgement to Jane Doe",
        "Stage 1 acknowledgement to Ruth Jones MP (copy)",
    ]
    assert preview.choose.currentIndex() == 1  # the row chosen
    preview.mark_button.click()
    assert correspondence(window)[2] == [
        "Stage 1 acknowledgement",
        "Ruth Jones MP (copy)",
        "Wed 4 Feb 2026",
        "",
    ]
    preview.close()
    window.show()  # a double click needs the table on screen
    qtbot.waitExposed(window)
    table = window.case_view.correspondence_table
    assert table is not None
    rect = table.visualRect(table.model().index(0, 1))
    # A real double click is a press, a release, then the double click (QTest sends only that).
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    (form,) = shown(window, LetterPreview)
    assert isinstance(form, LetterPreview)
    assert [letter.title for letter in form.letters] == ["Authorisation form to Jane Doe"]


def test_todays_acknowledgement_letters_from_the_file_menu(
    window: MainWindow, store: Store, qtbot: QtBot
) -> None:
    references = [acknowledged(store, name) for name in ("Ann One", "Ben Two")]
    window.open_case(references[1])
    action = menu_action(window, "file", "Make today's &acknowledgement letters…")
    assert action.shortcut().toString() == "Ctrl+Shift+B"
    assert action.isEnabled()
    with qtbot.waitSignal(window.batch.completed, timeout=20_000) as done:
        action.trigger()
    assert done.args == [BatchSummary(2, 2, 2, (), cancelled=False)]
    assert correspondence(window) == [["Stage 1 acknowledgement", "Ben Two (resident)", "", ""]]
    assert window.batch.worker is not None
    window.batch.worker.wait()


def test_cancelling_the_progress_dialog_itself_stops_the_work(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    steps = 2000

    def job(progress: Progress) -> int:
        for n in range(1, steps + 1):
            time.sleep(0.002)
            if not progress(n, steps):
                return n
        return steps

    worker, dialog = run_with_progress(parent, "Counting", job)
    with qtbot.waitSignal(worker.progressed, timeout=5000):
        pass
    dialog.cancel()  # not the Cancel button: no canceled signal is emitted
    with qtbot.waitSignal(worker.succeeded, timeout=10_000) as done:
        pass
    worker.wait()
    assert done.args[0] < 50  # stopped within a step or two of the cancel, not at 2000
    assert dialog.wasCanceled()
    assert not dialog.isVisible()
