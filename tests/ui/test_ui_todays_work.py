"""Today's work in the window: counts as filters, urgent ones in words and icons, Enter opens."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from ui_helpers import OFFICER, log

from caseworker.services.intake import NewRecord, log_record
from caseworker.services.people import PersonInput
from db.store import Store
from ui.context import AppContext
from ui.views.work_queue import COUNTDOWN, REFERENCE, WorkQueueView


def test_urgent_counts_and_rows_say_so_in_words_and_icons(
    qtbot, context: AppContext, store: Store, clock
) -> None:
    late = log(store)  # acknowledgement due Mon 9 Feb 2026
    with store.write() as s:  # acknowledgement due Mon 16 Feb
        log_record(
            s,
            OFFICER,
            NewRecord("complaint", date(2026, 2, 9), (PersonInput("Bob Green"),), "Bins"),
            today=date(2026, 2, 10),
        )
    clock.day = date(2026, 2, 10)
    queue = WorkQueueView(context)
    qtbot.addWidget(queue)
    overdue = queue.buttons["overdue"]
    assert overdue.text() == "Urgent: Overdue (1)"
    assert overdue.accessibleName() == "Urgent: Overdue: 1 case"
    assert not overdue.icon().isNull()
    assert queue.buttons["due-today"].text() == "Due today (0)"  # not urgent when empty
    assert queue.buttons["due-today"].icon().isNull()
    assert queue.buttons["today"].isChecked()
    assert queue.table.rowCount() == 1  # Bob's is due after Fri 13 Feb: not today's work
    assert queue.table.item(0, REFERENCE).text() == late
    assert queue.table.item(0, COUNTDOWN).text() == "1 working day overdue"
    assert not queue.table.item(0, COUNTDOWN).icon().isNull()
    queue.buttons["all"].click()
    assert [queue.table.item(r, REFERENCE).text() for r in range(2)] == [late, "CW-2026-000002"]
    assert queue.table.item(1, COUNTDOWN).text() == "4 working days left"
    assert queue.table.item(1, COUNTDOWN).icon().isNull()
    overdue.click()
    assert overdue.isChecked() and not queue.buttons["today"].isChecked()
    assert queue.table.rowCount() == 1
    assert queue.more_label.text() == "1 case."
    opened: list[str] = []
    queue.case_requested.connect(opened.append)
    qtbot.keyClick(queue.table, Qt.Key.Key_Return)
    assert opened == [late]


def test_the_columns_fit_their_content_again_when_the_text_grows(
    qtbot, context: AppContext, store: Store, clock
) -> None:
    """The content is measured once per fill (not at each resize of the first paint), and
    anew when the font changes (a bigger text size chosen in Settings)."""
    log(store)
    clock.day = date(2026, 2, 10)
    queue = WorkQueueView(context)
    qtbot.addWidget(queue)
    queue.resize(1200, 600)
    queue.show()
    table = queue.table
    header = table.horizontalHeader()

    def fits() -> int:
        return max(header.sectionSizeHint(REFERENCE), table.sizeHintForColumn(REFERENCE))

    # Measured from the texts (font metrics and the cell's padding): never narrower than
    # Qt's own measure of the column, so nothing is cut, and at most a little wider.
    before = table.columnWidth(REFERENCE)
    assert fits() <= before <= fits() + 16
    font = table.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    table.setFont(font)
    after = table.columnWidth(REFERENCE)
    assert fits() <= after <= fits() + 16 and after > before * 1.5
    queue.resize(1100, 600)  # a resize keeps the measured widths
    assert table.columnWidth(REFERENCE) == after
