"""Reports: choose a period and scope, make the report off the GUI thread, read and save it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from caseworker.domain.errors import CaseworkerError
from caseworker.reports.model import Report, Table
from caseworker.reports.periods import (
    Period,
    financial_quarter,
    financial_year,
    long_date,
    period_for,
    year_start,
)
from caseworker.services.case_list import service_areas, sites
from caseworker.services.permissions import check
from caseworker.services.reports import make_report
from caseworker.services.reports_data import ReportScope
from db.output_files import check_output, write_output
from ui.context import AppContext
from ui.date_box import DateBox
from ui.flow_layout import FlowLayout
from ui.models.report_table import ReportTableModel
from ui.views.report_chart import BarChart, chart_data
from ui.widgets import date_edit, error_label, from_qdate, heading, scrolling, show_error, to_qdate
from ui.workers import Progress, Worker, run_with_progress


def _writers() -> Any:
    """The PDF, CSV, XLSX and JSON writers, loaded when first saving (ReportLab and openpyxl
    are slow to import, and the app should start quickly)."""
    from types import SimpleNamespace

    from caseworker.reports.pdf import report_pdf
    from caseworker.reports.writers import report_csv, report_json, report_xlsx

    return SimpleNamespace(
        report_pdf=report_pdf,
        report_csv=report_csv,
        report_xlsx=report_xlsx,
        report_json=report_json,
    )


YEARS_BACK = 8
QUARTERS = (
    (1, "Q1 (April to June)"),
    (2, "Q2 (July to September)"),
    (3, "Q3 (October to December)"),
    (4, "Q4 (January to March)"),
)
# format -> (button text, file filter, render)
FORMATS: dict[str, tuple[str, str, Callable[[Report], bytes]]] = {
    "pdf": ("Save P&DF…", "PDF (*.pdf)", lambda r: _writers().report_pdf(r)),
    "csv": ("Save &CSV…", "CSV (*.csv)", lambda r: _writers().report_csv(r)),
    "xlsx": ("Save &Excel…", "Excel workbook (*.xlsx)", lambda r: _writers().report_xlsx(r)),
    "json": ("Save &JSON…", "JSON (*.json)", lambda r: _writers().report_json(r).encode("utf-8")),
}
MAKE_SHORTCUT = "Ctrl+Return"
UNLIMITED = 16_777_215  # Qt's QWIDGETSIZE_MAX
CHARTS_ITEM = "Charts: volumes, teams and timeliness"


def _names(session: Session) -> tuple[list[str], list[str]]:
    return [a.name for a in service_areas(session)], [s.name for s in sites(session)]


def _refill(combo: QComboBox, everything: str, names: list[str]) -> None:
    """Replace a filter's choices, keeping the one chosen if it is still there."""
    chosen = combo.currentData()
    combo.clear()
    combo.addItem(everything, "")
    for name in names:
        combo.addItem(name, name)
    combo.setCurrentIndex(max(0, combo.findData(chosen)))


def _captioned(text: str, widget: QWidget, *, beside: bool = False) -> QWidget:
    """``widget`` with its label (whose Alt key moves the focus to it), over it or beside it."""
    cell = QWidget()
    box = QHBoxLayout(cell) if beside else QVBoxLayout(cell)
    box.setContentsMargins(0, 0, 0, 0)
    box.setSpacing(2 if not beside else 6)
    caption = QLabel(text)
    caption.setBuddy(widget)
    box.addWidget(caption)
    box.addWidget(widget)
    return cell


class PeriodChooser(QWidget):
    """A financial quarter, a financial year (April to March) or custom dates."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind of period")
        for label, value in (
            ("Financial quarter", "quarter"),
            ("Financial year", "year"),
            ("Custom dates", "custom"),
        ):
            self.kind.addItem(label, value)
        self.year = QComboBox()
        self.year.setAccessibleName("Financial year")
        first = year_start(today).year
        for y in range(first, first - YEARS_BACK, -1):
            self.year.addItem(f"{y}-{str(y + 1)[2:]}", y)
        self.quarter = QComboBox()
        self.quarter.setAccessibleName("Quarter")
        for q, label in QUARTERS:
            self.quarter.addItem(label, q)
        self.start: DateBox = date_edit("From", today)
        self.end: DateBox = date_edit("To", today)
        # A caption over each box, the boxes wrapping onto a second line at large text sizes.
        flow = FlowLayout(self, spacing=8)
        for text, widget in (
            ("&Period", self.kind),
            ("Financial &year", self.year),
            ("&Quarter", self.quarter),
            ("&From", self.start),
            ("T&o", self.end),
        ):
            flow.addWidget(_captioned(text, widget))
        self._default(today)
        self._connect_signals()
        self._follow()

    def _connect_signals(self) -> None:
        for combo in (self.kind, self.year, self.quarter):
            combo.currentIndexChanged.connect(self._follow)

    def _default(self, today: date) -> None:
        """The last quarter that has ended: the one a committee usually wants."""
        last = financial_quarter(year_start(today).year, 1)
        for q in (4, 3, 2, 1):
            p = financial_quarter(year_start(today).year, q)
            if p.end < today:
                last = p
                break
        else:
            last = financial_quarter(year_start(today).year - 1, 4)
        self.choose_quarter(year_start(last.start).year, (last.start.month - 4) % 12 // 3 + 1)

    def choose_quarter(self, first_year: int, quarter: int) -> None:
        self.kind.setCurrentIndex(self.kind.findData("quarter"))
        self.year.setCurrentIndex(max(0, self.year.findData(first_year)))
        self.quarter.setCurrentIndex(quarter - 1)

    def choose_dates(self, start: date, end: date) -> None:
        self.kind.setCurrentIndex(self.kind.findData("custom"))
        self.start.setDate(to_qdate(start))
        self.end.setDate(to_qdate(end))

    def _follow(self) -> None:
        """Show the chosen quarter's or year's dates; only custom dates can be typed."""
        kind = self.kind.currentData()
        self.year.setEnabled(kind != "custom")
        self.quarter.setEnabled(kind == "quarter")
        self.start.setEnabled(kind == "custom")
        self.end.setEnabled(kind == "custom")
        if kind != "custom":
            p = self.period()
            self.start.setDate(to_qdate(p.start))
            self.end.setDate(to_qdate(p.end))

    def period(self) -> Period:
        """The chosen period (InvalidInput if custom dates are the wrong way round)."""
        kind = self.kind.currentData()
        if kind == "quarter":
            return financial_quarter(int(self.year.currentData()), int(self.quarter.currentData()))
        if kind == "year":
            return financial_year(int(self.year.currentData()))
        return period_for(from_qdate(self.start.date()), from_qdate(self.end.date()))


class ReportsView(QWidget):
    """The performance report for a period, as tables and charts, saved as PDF/CSV/XLSX/JSON."""

    report_made = Signal(object)  # Report
    report_saved = Signal(str)  # the file written
    report_failed = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.report: Report | None = None
        self.worker: Worker | None = None
        self._build()
        self._connect_signals()
        self.refresh_filters()

    # Building ---------------------------------------------------------------------------------

    def _build(self) -> None:
        self.chooser = PeriodChooser(self.context.today())
        self.housing = QCheckBox("&Housing matters only (Housing Ombudsman cases)")
        self.housing.setAccessibleName("Housing matters only")
        self.area = QComboBox()
        self.area.setAccessibleName("Service area")
        self.site = QComboBox()
        self.site.setAccessibleName("Site")
        self.make_button = QPushButton("&Make report")
        self.make_button.setAccessibleName("Make report")
        self.make_button.setToolTip(f"Make the report for the chosen period ({MAKE_SHORTCUT})")
        self.not_allowed = QLabel()
        self.not_allowed.setWordWrap(True)
        self.not_allowed.setAccessibleName("Why reports cannot be made")
        self.save_buttons: dict[str, QPushButton] = {}
        for fmt, (text, _filter, _render) in FORMATS.items():
            button = QPushButton(text)
            button.setAccessibleName(text.replace("&", "").rstrip("…"))
            button.setEnabled(False)
            self.save_buttons[fmt] = button
        self.error = error_label("Why the report was not made or saved")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("About this report")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.hide()

        filters = QWidget()
        filter_flow = FlowLayout(filters, spacing=8)
        for text, combo in (("Service &area", self.area), ("&Site", self.site)):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            filter_flow.addWidget(_captioned(text, combo, beside=True))
        filter_flow.addWidget(self.housing)
        actions = QWidget()
        action_flow = FlowLayout(actions, spacing=6)
        action_flow.addWidget(self.make_button)
        for button in self.save_buttons.values():
            action_flow.addWidget(button)

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(heading("Reports"))
        layout.addWidget(self.chooser)
        layout.addWidget(filters)
        layout.addWidget(actions)
        layout.addWidget(self.not_allowed)
        layout.addWidget(self.error)
        layout.addWidget(self.summary)
        layout.addWidget(self._body(), 1)
        # At large text sizes the page scrolls rather than squashing the table and chart.
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scrolling(page))
        self._allow()
        self._tab_order()

    def _body(self) -> QWidget:
        self.contents = QListWidget()
        self.contents.setAccessibleName("Report tables and charts")
        self.contents.setMaximumWidth(self.fontMetrics().averageCharWidth() * 40)
        self.contents.setWordWrap(True)
        self.contents.setEnabled(False)

        self.model = ReportTableModel()
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName("Report table")
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(True)
        self.view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table_title = heading("", 2)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setAccessibleName("Note on the table")
        self.table_chart = BarChart()
        table_page = QWidget()
        col = QVBoxLayout(table_page)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.table_title)
        col.addWidget(self.view, 3)
        col.addWidget(self.note)
        col.addWidget(self.table_chart, 2)

        self.charts = [BarChart() for _ in range(3)]
        charts_page = QWidget()
        stack = QVBoxLayout(charts_page)  # one column: nothing is cut off at large text sizes
        for chart in self.charts:
            stack.addWidget(chart)

        empty = QLabel(
            "Choose a period (and, if you like, housing matters only, a service area or a "
            f"site), then press Make report ({MAKE_SHORTCUT}). The figures are counted as "
            "things stood at the end of the period."
        )
        empty.setWordWrap(True)
        empty.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.pages = QStackedWidget()
        self.pages.addWidget(empty)
        self.pages.addWidget(table_page)
        self.pages.addWidget(scrolling(charts_page))

        splitter = QSplitter()
        splitter.addWidget(self.contents)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setMinimumHeight(self.fontMetrics().height() * 24)
        return splitter

    def _allow(self) -> None:
        """Reports need a manager: say why instead of offering the button."""
        try:
            check(self.context.actor, "run-report")
        except CaseworkerError as exc:
            self.not_allowed.setText(str(exc))
            self.make_button.hide()
            return
        self.not_allowed.hide()

    def _tab_order(self) -> None:
        c = self.chooser
        chain: list[QWidget] = [
            c.kind,
            c.year,
            c.quarter,
            c.start,
            c.end,
            self.area,
            self.site,
            self.housing,
            self.make_button,
            *self.save_buttons.values(),
            self.contents,
            self.view,
            self.table_chart,
            *self.charts,
        ]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _connect_signals(self) -> None:
        self.make_button.clicked.connect(self.make)
        make = QShortcut(QKeySequence(MAKE_SHORTCUT), self)
        make.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        make.activated.connect(self.make)
        for fmt, button in self.save_buttons.items():
            button.clicked.connect(lambda _=False, f=fmt: self.save(f))
        self.contents.currentRowChanged.connect(self._show_entry)
        self.context.settings_changed.connect(self.refresh_filters)
        self.context.case_changed.connect(lambda _ref: self.refresh_filters())

    def refresh_filters(self) -> None:
        """Fill the service area and site choices from the store."""
        areas, site_names = self.context.read(_names)
        _refill(self.area, "All service areas", areas)
        _refill(self.site, "All sites", site_names)

    # Making -----------------------------------------------------------------------------------

    def scope(self) -> ReportScope:
        return ReportScope(
            self.housing.isChecked(), str(self.area.currentData()), str(self.site.currentData())
        )

    def make(self) -> None:
        """Make the report in a worker thread with its own read session."""
        if self.make_button.isHidden() or not self.make_button.isEnabled():
            return
        try:
            period = self.chooser.period()
        except CaseworkerError as exc:
            self._fail(str(exc))
            return
        store, scope, today = self.context.store, self.scope(), self.context.today()
        actor = self.context.actor

        def job(progress: Progress) -> Report | None:
            progress(0, 1)
            with store.read() as session:
                report = make_report(session, period, scope, actor=actor, made_on=today)
            return report if progress(1, 1) else None  # None: cancelled

        self._run("Making the report", job, self._show_report)

    def _run(self, title: str, job: Callable[[Progress], Any], done: Callable[[Any], None]) -> None:
        self.make_button.setEnabled(False)
        for button in self.save_buttons.values():
            button.setEnabled(False)
        show_error(self.error, "")
        self.worker, _dialog = run_with_progress(self, title, job)
        self.worker.succeeded.connect(done)
        self.worker.failed.connect(self._fail)
        self.worker.finished.connect(self._idle)

    def _idle(self) -> None:
        self.make_button.setEnabled(True)
        for button in self.save_buttons.values():
            button.setEnabled(self.report is not None)

    def _fail(self, message: str) -> None:
        show_error(self.error, message)
        self.report_failed.emit(message)

    def _show_report(self, report: Report | None) -> None:
        if report is None:
            return
        self.report = report
        s1, s2 = report.by_stage
        org = f" · {report.organisation}" if report.organisation else ""
        self.summary.setText(
            f"<b>{report.title}</b>{org}<br>"
            f"{report.period_label}: {long_date(report.start)} to {long_date(report.end)} · "
            f"Covers {report.scope} · Made on {long_date(report.made_on)}<br>"
            f"{s1.received:,} Stage 1 and {s2.received:,} Stage 2 complaints received; "
            f"{s1.responded:,} Stage 1 and {s2.responded:,} Stage 2 responses sent.<br>"
            f"<small>Audit trail check: {report.audit_head}</small>"
        )
        self.summary.show()
        self.contents.blockSignals(True)
        self.contents.clear()
        for t in report.tables:
            item = QListWidgetItem(f"{t.number}. {t.title}")
            item.setToolTip(f"Table {t.number}: {t.title} ({t.section})")
            self.contents.addItem(item)
        self.contents.addItem(QListWidgetItem(CHARTS_ITEM))
        self.contents.blockSignals(False)
        self.contents.setEnabled(True)
        charted = [t for t in report.tables if t.chart is not None and t.rows][: len(self.charts)]
        for chart, t in zip(self.charts, charted, strict=False):
            assert t.chart is not None
            chart.set_data(chart_data(t, t.chart))
        self.contents.setCurrentRow(0)
        self._show_entry(0)
        self.report_made.emit(report)

    def _show_entry(self, row: int) -> None:
        if self.report is None or row < 0:
            return
        if row >= len(self.report.tables):
            self.pages.setCurrentIndex(2)
            return
        self.show_table(self.report.tables[row])

    def show_table(self, t: Table) -> None:
        self.model.set_table(t)
        self.view.setAccessibleName(f"Table {t.number}: {t.title}")
        self.view.resizeColumnsToContents()
        limit = self.fontMetrics().averageCharWidth() * 60
        for c in range(self.model.columnCount()):
            self.view.setColumnWidth(c, min(self.view.columnWidth(c), limit))
        self.table_title.setText(f"Table {t.number}: {t.title}")
        self.table_title.setAccessibleName(self.table_title.text())
        self.note.setText(t.note)
        self.note.setVisible(bool(t.note))
        has_chart = t.chart is not None and bool(t.rows)
        self.table_chart.set_data(chart_data(t, t.chart) if t.chart is not None else None)
        self.table_chart.setVisible(has_chart)
        self._fit_height(has_chart)
        self.pages.setCurrentIndex(1)

    def _fit_height(self, charted: bool) -> None:
        """With a chart, as tall as the table's rows (the chart gets the rest); else all."""
        view = self.view
        if not charted:
            view.setMinimumHeight(self.fontMetrics().height() * 8)
            view.setMaximumHeight(UNLIMITED)
            return
        view.resizeRowsToContents()
        rows = sum(view.rowHeight(r) for r in range(self.model.rowCount()))
        frame = 2 * view.frameWidth() + view.horizontalHeader().sizeHint().height()
        bar = view.horizontalScrollBar().sizeHint().height()
        fits = rows + frame + bar
        view.setMaximumHeight(max(fits, self.fontMetrics().height() * 6))
        view.setMinimumHeight(min(fits, self.fontMetrics().height() * 8))

    # Saving -----------------------------------------------------------------------------------

    def ask_path(self, fmt: str) -> Path | None:
        """Where to save; None if the person cancelled the file dialog."""
        assert self.report is not None
        _text, pattern, _render = FORMATS[fmt]
        r = self.report
        name = f"complaints-report-{r.start.isoformat()}-to-{r.end.isoformat()}.{fmt}"
        chosen, _ = QFileDialog.getSaveFileName(
            self, f"Save the report as {fmt.upper()}", str(Path.home() / name), pattern
        )
        if not chosen:
            return None
        path = Path(chosen)
        return path if path.suffix.lower() == f".{fmt}" else path.with_name(f"{path.name}.{fmt}")

    def save(self, fmt: str) -> None:
        """Write the report shown in ``fmt``, rendering off the GUI thread."""
        if self.report is None:
            return
        path = self.ask_path(fmt)
        if path is None:
            return
        report, render = self.report, FORMATS[fmt][2]
        store_path = self.context.store.path

        def job(progress: Progress) -> str:
            progress(0, 1)
            check_output(path, store=store_path)
            data = render(report)
            write_output(path, data, store=store_path)  # OutputRefused says why, in one line
            progress(1, 1)
            return str(path)

        self._run(f"Saving the report as {fmt.upper()}", job, self._saved)

    def _saved(self, path: str) -> None:
        self.error.hide()
        self.report_saved.emit(path)
