"""The lazy case table model: Qt's model checks, paging by keyset, sorting and search in SQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QModelRoleData, QModelRoleDataSpan, Qt
from ui_helpers import log

from db.queries import CaseFilter
from db.store import Store
from ui.clock import FixedClock
from ui.context import AppContext
from ui.models import case_table
from ui.models.case_table import COUNTDOWN, CaseTableModel


def _log_many(store: Store, n: int) -> list[str]:
    return [
        log(store, name=f"Resident {i:02d}", received=date(2026, 1, 5) + timedelta(days=i % 20))
        for i in range(n)
    ]


def test_model_passes_qt_model_tester(qtmodeltester, context: AppContext, store: Store) -> None:
    _log_many(store, 5)
    model = CaseTableModel(context)
    qtmodeltester.check(model)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)


def test_pages_are_fetched_only_when_shown(
    context: AppContext, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(case_table, "PAGE_SIZE", 10)
    monkeypatch.setattr(case_table, "CACHED_PAGES", 2)
    refs = _log_many(store, 35)
    model = CaseTableModel(context)
    model.sort(0, Qt.SortOrder.AscendingOrder)  # by reference
    assert model.rowCount() == 35
    assert model.fetches == 0
    assert model.index(0, 0).data() == refs[0]
    assert model.index(11, 0).data() == refs[11]  # page 1 continues from page 0's last key
    assert model.fetches == 2
    assert model.index(34, 0).data() == refs[34]  # a jump: page 3 read by offset
    assert model.fetches == 3
    assert model.index(5, 0).data() == refs[5]  # page 0 was dropped from the 2-page cache
    assert model.fetches == 4
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert model.index(0, 0).data() == refs[34]
    assert model.index(34, 0).data() == refs[0]


def test_columns_show_plain_text_and_flags(context: AppContext, store: Store) -> None:
    from caseworker.services.intake import RepresentativeInput
    from caseworker.services.people import PersonInput

    ref = log(
        store,
        restricted=True,
        representatives=(
            RepresentativeInput(
                person=PersonInput(name="J. Smith"),
                auth_state="pending",
                auth_sent_on=date(2026, 2, 2),
            ),
        ),
    )
    model = CaseTableModel(context)
    row = [model.index(0, c).data() for c in range(model.columnCount())]
    assert row == [
        ref,
        "Complaint",
        "Logged",
        "Mon 9 Feb 2026",
        "5 working days left",
        "Jane Doe (for them: J. Smith)",
        "Housing Repairs",
        "Clowne",
        "Mon 2 Feb 2026",
        "",
        "Restricted; Authorisation pending",
    ]
    assert model.headerData(COUNTDOWN, Qt.Orientation.Horizontal) == "Countdown"
    assert model.index(0, COUNTDOWN).data(Qt.ItemDataRole.ToolTipRole) == (
        "Acknowledgement due Mon 9 Feb 2026"
    )
    assert model.index(0, 0).data(Qt.ItemDataRole.UserRole) == ref
    # A painted cell asks for its roles at once (multiData): the same answers as data().
    asked = [
        QModelRoleData(role)
        for role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.DecorationRole,
            Qt.ItemDataRole.FontRole,
        )
    ]
    for col in range(model.columnCount()):
        for role_data in asked:
            model.multiData(model.index(0, col), QModelRoleDataSpan(role_data))
        display, icon, font = (r.data() for r in asked)
        assert (display, font) == (row[col], None)
        assert (icon is None) == (col != case_table.FLAGS)  # restricted; not yet due


def test_countdowns_move_at_midnight(
    context: AppContext, clock: FixedClock, store: Store, qtbot
) -> None:
    log(store)
    model = CaseTableModel(context)
    context.ticker.ticked.connect(model.refresh_countdowns)
    assert model.index(0, COUNTDOWN).data() == "5 working days left"
    clock.day = date(2026, 2, 9)
    with qtbot.waitSignal(context.ticker.day_changed, timeout=1000):
        context.ticker.tick()
    assert model.index(0, COUNTDOWN).data() == "due today"
    clock.day = date(2026, 2, 11)
    with qtbot.waitSignal(model.dataChanged, timeout=1000):
        context.ticker.tick()
    assert model.index(0, COUNTDOWN).data() == "2 working days overdue"
    assert model.index(0, COUNTDOWN).data(Qt.ItemDataRole.DecorationRole) is not None


def test_filter_and_search_in_the_store(context: AppContext, store: Store) -> None:
    log(store, name="Alice Brown", description="Bins not collected", service_areas=("Waste",))
    bob = log(store, name="Bob Green", description="Damp in the bedroom")
    model = CaseTableModel(context)
    assert model.rowCount() == 2
    model.set_filter(CaseFilter(search="damp"))
    assert (model.rowCount(), model.index(0, 0).data()) == (1, bob)
    model.set_filter(CaseFilter(search="green bedroom"))
    assert model.rowCount() == 1
    model.set_filter(CaseFilter(search="nothing like it"))
    assert model.rowCount() == 0
    assert model.index(0, 0).data() is None
