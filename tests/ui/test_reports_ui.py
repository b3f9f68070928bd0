"""The Reports view and File > Import records…, on a real store, offscreen."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select
from ui_helpers import RECEIVED

from caseworker.reports.periods import period_for
from caseworker.reports.writers import report_csv
from caseworker.services.actor import LOCAL_ADMIN, Actor, Role
from caseworker.services.importer import import_records
from caseworker.services.reports import make_report
from caseworker.services.reports_data import ReportScope
from db.models import AuditEvent, Case
from db.store import Store
from ui.clock import FixedClock
from ui.context import AppContext
from ui.dialogs.import_records import ImportRecordsDialog
from ui.models.report_table import ReportTableModel
from ui.views.report_chart import chart_data
from ui.views.reports import ReportsView

DATA = Path(__file__).parent.parent / "data"
SPREADSHEET = DATA / "import_q2_2025.csv"
MANAGER = Actor("mjones", "M. Jones", Role.MANAGER)
TIMEOUT = 30_000


@pytest.fixture
def manager(store: Store, clock: FixedClock, qapp: Any) -> Iterator[AppContext]:
    ctx = AppContext(store, MANAGER, clock)
    yield ctx
    ctx.ticker.deleteLater()


def counts(store: Store) -> tuple[int, int]:
    with store.read() as s:
        return (
            s.scalar(select(func.count()).select_from(Case)) or 0,
            s.scalar(select(func.count()).select_from(AuditEvent)) or 0,
        )


def run_dialog(qtbot: Any, dialog: ImportRecordsDialog, path: Path, *, dry_run: bool) -> Any:
    dialog.path.setText(str(path))
    button = dialog.check_button if dry_run else dialog.import_button
    with qtbot.waitSignal(dialog.outcome_shown, timeout=TIMEOUT) as shown:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.running.isHidden, timeout=TIMEOUT)
    return shown.args[0]


def lines(dialog: ImportRecordsDialog) -> list[str]:
    return [dialog.lines.item(i).text() for i in range(dialog.lines.count())]


def test_import_checks_then_imports_and_lists_what_is_new(
    qtbot: Any, manager: AppContext, store: Store
) -> None:
    dialog = ImportRecordsDialog(manager)
    qtbot.addWidget(dialog)
    run_dialog(qtbot, dialog, SPREADSHEET, dry_run=True)
    assert dialog.status.text() == "import_q2_2025.csv: would import 19 records"
    assert lines(dialog)[-1] == "Dry run: nothing was written."
    assert counts(store) == (0, 0)

    with qtbot.waitSignal(dialog.records_imported, timeout=TIMEOUT) as imported:
        run_dialog(qtbot, dialog, SPREADSHEET, dry_run=False)
    assert imported.args[0].imported == 19
    assert dialog.status.text() == "import_q2_2025.csv: imported 19 records"
    assert lines(dialog) == [
        "  Complaint: 13",
        "  Service request: 1",
        "  Compliment: 2",
        "  Comment: 1",
        "  MP enquiry: 1",
        "  Councillor enquiry: 1",
        "New sites (added): Clowne, Bolsover, Shirebrook",
        "New service areas (added): Housing Repairs, Waste, Rents, Planning",
        "New themes (added): Damp and mould, Communication, Repairs delay, Staff conduct",
        "New handlers (added): Pat Cole, Sam Lee, Ann Fox, Kim Ray",
    ]
    assert dialog.progress.value() == 19
    assert counts(store)[0] == 19


def test_a_bad_file_lists_every_problem_and_imports_nothing(
    qtbot: Any, manager: AppContext, store: Store, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "reference,kind,received,stage1_decision\n"
        "X1,complaint,12/31/2024,\n"
        "X2,complaint,2024-05-01,upheld-ish\n",
        encoding="utf-8",
    )
    before = counts(store)
    dialog = ImportRecordsDialog(manager)
    qtbot.addWidget(dialog)
    outcome = run_dialog(qtbot, dialog, bad, dry_run=False)
    assert len(outcome.problems) == 2
    assert dialog.status.text() == (
        "Nothing was imported: the file has 2 problems. "
        "Put them right in the spreadsheet and try again."
    )
    assert dialog.lines.accessibleName() == "Problems found"
    assert lines(dialog) == [
        "Row 2, column received: '12/31/2024' looks like a US-style date (month first); "
        "use DD/MM/YYYY",
        "Row 3, column stage1_decision: 'upheld-ish' is not a known decision; use one of: "
        "upheld, partly-upheld, not-upheld",
    ]
    assert counts(store) == before


def test_an_unreadable_file_is_a_message(qtbot: Any, manager: AppContext, tmp_path: Path) -> None:
    dialog = ImportRecordsDialog(manager)
    qtbot.addWidget(dialog)
    message = run_dialog(qtbot, dialog, tmp_path / "missing.csv", dry_run=True)
    assert dialog.error.accessibleDescription() == f"Nothing was imported: {message}"
    assert message == f"There is no file {tmp_path / 'missing.csv'}"


def test_an_officer_is_told_why_not(qtbot: Any, context: AppContext) -> None:
    dialog = ImportRecordsDialog(context)
    qtbot.addWidget(dialog)
    assert not dialog.import_button.isEnabled() and not dialog.check_button.isEnabled()
    assert dialog.not_allowed.accessibleDescription() == (
        "Only a manager or administrator may import records; "
        "you are signed in as a complaints officer"
    )
    view = ReportsView(context)
    qtbot.addWidget(view)
    assert view.make_button.isHidden()
    assert view.not_allowed.text() == (
        "Only a manager or administrator may run reports; you are signed in as a complaints officer"
    )


@pytest.fixture
def imported(store: Store) -> Store:
    with store.write() as s:
        import_records(s, MANAGER, SPREADSHEET, today=date(2025, 12, 1))
    return store


def make(qtbot: Any, view: ReportsView) -> Any:
    with qtbot.waitSignal(view.report_made, timeout=TIMEOUT) as made:
        qtbot.mouseClick(view.make_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.save_buttons["csv"].isEnabled(), timeout=TIMEOUT)
    return made.args[0]


def shown(view: ReportsView, title: str) -> list[list[str]]:
    """The table with ``title`` as the view shows it, after choosing it in the contents."""
    assert view.report is not None
    row = [t.title for t in view.report.tables].index(title)
    view.contents.setCurrentRow(row)
    m = view.model
    return [[m.data(m.index(r, c)) for c in range(m.columnCount())] for r in range(m.rowCount())]


def test_the_report_for_q2_shows_make_reports_figures(
    qtbot: Any, manager: AppContext, imported: Store
) -> None:
    view = ReportsView(manager)
    qtbot.addWidget(view)
    assert [view.site.itemText(i) for i in range(view.site.count())] == [
        "All sites",
        "Bolsover",
        "Clowne",
        "Shirebrook",
    ]
    view.chooser.choose_dates(date(2025, 7, 1), date(2025, 9, 30))
    report = make(qtbot, view)
    with imported.read() as s:
        expected = make_report(
            s,
            period_for(date(2025, 7, 1), date(2025, 9, 30)),
            ReportScope(),
            actor=LOCAL_ADMIN,
            made_on=RECEIVED,
        )
    assert report == expected
    assert report.period_label == "Quarter 2 of 2025-26"
    # Worked out by hand in tests/db/test_report_figures.py.
    assert shown(view, "Responses sent and timeliness") == [
        ["Stage 1", "5", "3", "60.0%", "3", "60.0%", "1", "2"],
        ["Stage 2", "2", "1", "50.0%", "2", "100.0%", "1", "0"],
    ]
    assert view.table_title.text() == "Table 4: Responses sent and timeliness"
    assert view.table_chart.isVisibleTo(view)
    assert shown(view, "Records received by kind and month")[0] == [
        "Stage 1 complaints",
        "4",
        "2",
        "2",
        "8",
    ]
    assert view.model.data(view.model.index(0, 4), Qt.ItemDataRole.UserRole) == 8
    assert shown(view, "Themes")[-1] == ["No theme recorded", "1", "0"]
    assert not view.table_chart.isVisibleTo(view)
    assert f"Audit trail check: {expected.audit_head}" in view.summary.text()
    assert "8 Stage 1 and 3 Stage 2 complaints received" in view.summary.text()


def test_a_filter_and_the_default_period(qtbot: Any, manager: AppContext, imported: Store) -> None:
    view = ReportsView(manager)
    qtbot.addWidget(view)
    # Today is Mon 2 Feb 2026: the last quarter that has ended is Q3 of 2025-26.
    assert view.chooser.period().label == "Quarter 3 of 2025-26"
    view.chooser.choose_quarter(2025, 2)
    assert view.chooser.start.date().toPython() == date(2025, 7, 1)
    view.site.setCurrentIndex(view.site.findText("Shirebrook"))
    report = make(qtbot, view)
    assert report.scope == "site: Shirebrook"
    assert report.by_stage[0].received == 2


def test_custom_dates_the_wrong_way_round(qtbot: Any, manager: AppContext) -> None:
    view = ReportsView(manager)
    qtbot.addWidget(view)
    view.chooser.choose_dates(date(2025, 9, 30), date(2025, 7, 1))
    with qtbot.waitSignal(view.report_failed) as failed:
        qtbot.mouseClick(view.make_button, Qt.MouseButton.LeftButton)
    assert failed.args == ["The report's start date is after its end date"]
    assert view.report is None


def test_saving_csv_writes_every_table(
    qtbot: Any, manager: AppContext, imported: Store, tmp_path: Path, monkeypatch: Any
) -> None:
    view = ReportsView(manager)
    qtbot.addWidget(view)
    view.chooser.choose_quarter(2025, 2)
    report = make(qtbot, view)
    out = tmp_path / "q2.csv"
    monkeypatch.setattr(view, "ask_path", lambda fmt: out if fmt == "csv" else None)
    with qtbot.waitSignal(view.report_saved, timeout=TIMEOUT) as saved:
        qtbot.mouseClick(view.save_buttons["csv"], Qt.MouseButton.LeftButton)
    assert saved.args == [str(out)]
    assert out.read_bytes() == report_csv(report)
    assert "Table 4: Responses sent and timeliness" in out.read_text(encoding="utf-8-sig")


def test_the_table_model_and_chart(qtmodeltester: Any, imported: Store) -> None:
    with imported.read() as s:
        report = make_report(
            s,
            period_for(date(2025, 7, 1), date(2025, 9, 30)),
            ReportScope(),
            actor=LOCAL_ADMIN,
            made_on=RECEIVED,
        )
    model = ReportTableModel()
    qtmodeltester.check(model)
    timeliness = report.table("Responses sent and timeliness")
    model.set_table(timeliness)
    qtmodeltester.check(model)
    model.set_table(report.table("Remedies offered and money paid"))
    qtmodeltester.check(model)
    assert timeliness.chart is not None
    assert chart_data(timeliness, timeliness.chart).describe() == (
        "Responses within timescale (%). Stage 1: Within own policy % 60.0%, "
        "Within the Code % 60.0%; Stage 2: Within own policy % 50.0%, Within the Code % 100.0%."
    )
