"""The main window: a thin shell of pages with navigation, menus and shortcuts."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from caseworker.domain.errors import CaseworkerError
from caseworker.services.case_list import CaseFilter
from caseworker.services.permissions import allowed
from caseworker.services.quick_reads import needs_organisation
from ui.context import AppContext
from ui.status_bar import StatusBar
from ui.views.case_list import CaseListView
from ui.views.welcome import WelcomeView
from ui.views.work_queue import WorkQueueView

if TYPE_CHECKING:
    from caseworker.domain.calendar import WorkingCalendar
    from caseworker.services.work_queue import QueueItem, WorkList
    from ui.letters.batch import AcknowledgementBatch
    from ui.views.case_view import CaseView
    from ui.views.intake import IntakeView
    from ui.views.reports import ReportsView
    from ui.views.settings import SettingsView

DEMO_RECORDS = 3000
DEMO_MODULE = "caseworker.services.demo"


class MainWindow(QMainWindow):
    """Pages (work queue, cases, new contact, case, settings) picked from a list on the left."""

    work_started = Signal()  # filled for the person working: the window may be shown

    # The pages, their titles and shortcuts, in the order of the list on the left.
    PAGES = (
        ("queue", "Today's work", "Ctrl+1"),
        ("cases", "Cases", "Ctrl+2"),
        ("intake", "New contact", "Ctrl+3"),
        ("case", "Current case", "Ctrl+4"),
        ("settings", "Settings", "Ctrl+5"),
        ("reports", "Reports", "Ctrl+6"),
    )

    def __init__(
        self,
        context: AppContext,
        *,
        complete: bool = True,
        counted: Callable[[], list[QueueItem] | None] | None = None,
        waiting: bool = False,
    ) -> None:
        """The window with its work queue and case list.

        ``complete=False`` leaves the other pages and the menus' actions to ``finish()``,
        so the app can paint the first window before loading the rest (see ui.app).
        ``counted``: gives the work queue as counted at start-up (it waits for the count).
        ``waiting=True``: only the shell is built, hidden, while the sign-in dialog is up
        (nothing is read); ``first_steps()`` builds the queue and case list pages empty, and
        ``start_work()`` fills them for whoever signed in.
        """
        super().__init__()
        self.context = context
        self.complete = False
        self.backup_worker: QThread | None = None  # the day's backup, made after the first paint
        self.counting: list[QThread] = []  # the queue counted at start-up, after sign-in
        self.working = False  # filled for the person working (``start_work``)
        self.store_damaged = False  # the full check after the first paint found damage
        self.damage_message: QMessageBox | None = None
        self._steps: Iterator[None] | None = None
        self.setWindowTitle(f"Caseworker: {context.short_name}")
        self.pages: dict[str, QWidget] = {}
        self.nav_items: dict[str, QListWidgetItem] = {}
        self.nav = QListWidget()
        self.nav.setAccessibleName("Pages")
        self.nav.setMaximumWidth(self.fontMetrics().averageCharWidth() * 24)
        self.stack = QStackedWidget()
        central = QWidget()
        row = QHBoxLayout(central)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.setStatusBar(StatusBar())  # a long message elides beside the sync line
        self.menus: dict[str, QMenu] = {
            name: self.menuBar().addMenu(title)
            for name, title in (
                ("file", "&File"),
                ("case", "&Case"),
                ("view", "&View"),
                ("help", "&Help"),
            )
        }
        self.demo_available = importlib.util.find_spec(DEMO_MODULE) is not None
        self._welcome: WelcomeView | None = None  # made when a new store needs it
        for key, title, shortcut in self.PAGES:
            self._add_nav(key, title, shortcut)
        self.nav_items["case"].setHidden(True)
        self.resize(1280, 800)
        if waiting:
            return
        for _ in self.first_steps(load=True, counted=counted):
            pass
        self.start_work()
        if complete:
            self.finish()

    def first_steps(
        self,
        *,
        load: bool = False,
        counted: Callable[[], list[QueueItem] | None] | None = None,
    ) -> Iterator[None]:
        """The case list and the work queue, one per step (empty unless ``load``)."""
        self.cases = CaseListView(self.context, load=load)  # first: the queue may wait
        yield
        self.queue = WorkQueueView(self.context, counted=counted, load=load)
        self._add_widget("queue", self.queue)
        self._add_widget("cases", self.cases)
        self.nav.currentItemChanged.connect(self._nav_changed)
        self.queue.list_requested.connect(self.open_list)
        self.queue.case_requested.connect(self.open_case)
        self.cases.case_requested.connect(self.open_case)

    def start_work(
        self,
        counted: list[QueueItem] | None = None,
        listed: WorkList | None = None,
        cases: tuple[int, WorkingCalendar] | None = None,
    ) -> None:
        """Fill the window for whoever signed in: the queue and the case list's count (as
        read on a worker thread at start-up, else read here: the queue now, the list in a
        later step), the status bar, and the first page."""
        context = self.context
        if not self.queue.filled:
            self.queue.refresh(counted, listed)
        if cases is not None and not self.cases.model.loaded:
            self.cases.model.refresh(cases)
        self.statusBar().showMessage(f"{context.where} · Working as {context.actor.display_name}")
        if context.read_quick(needs_organisation):
            self.show_page("welcome")
        else:
            self.show_page("queue")
        self.working = True
        self.work_started.emit()

    def finish(self) -> None:
        """Build the other pages and the menus' actions (they need the full store)."""
        for _ in self.finish_steps():
            pass

    def finish_steps(self) -> Iterator[None]:
        """``finish()`` one page at a time: the start-up builds a page per turn of the event
        loop, so the window answers meanwhile. Any later ``finish()`` does what is left."""
        if self._steps is None:
            self._steps = self._build_steps()
        return self._steps

    def _build_steps(self) -> Iterator[None]:
        from ui.letters.batch import AcknowledgementBatch, batch_action
        from ui.views.case_view import CaseView
        from ui.views.intake import IntakeView
        from ui.views.reports import ReportsView
        from ui.views.settings import SettingsView

        if not self.cases.model.loaded:  # built before sign-in: counted now, off the paint
            self.cases.model.refresh()
            yield
        context = self.context
        self.batch: AcknowledgementBatch = AcknowledgementBatch(
            context.store, context.actor, context.today, self
        )
        self.batch_action = batch_action(self.batch)
        self.batch_action.setEnabled(allowed(context.actor, "make-letter"))
        yield
        self.intake: IntakeView = IntakeView(context)
        self._add_widget("intake", self.intake)
        yield
        self.case_view: CaseView = CaseView(context)
        self._add_widget("case", self.case_view)
        yield
        self.settings: SettingsView = SettingsView(context)
        self._add_widget("settings", self.settings)
        yield
        self.reports: ReportsView = ReportsView(context)
        self._add_widget("reports", self.reports)
        yield
        self._build_menus()
        self._connect_signals()
        from ui.sync_status import install as install_sync

        self.sync = install_sync(self)  # Conflicts page; background sync on a replica
        self.complete = True

    # Pages ------------------------------------------------------------------------------------

    @property
    def welcome(self) -> WelcomeView:
        """The page of a new store (entering the organisation's details, or demo data).

        It has its own entry at the top of the page list, current while it shows, so moving
        the focus to the list does not swap it for another page.
        """
        if self._welcome is None:
            self._welcome = WelcomeView(self.demo_available)
            self._add_widget("welcome", self._welcome)
            item = QListWidgetItem("Welcome")
            item.setData(Qt.ItemDataRole.UserRole, "welcome")
            self.nav.insertItem(0, item)
            self.nav_items["welcome"] = item
            self._welcome.demo_button.setEnabled(allowed(self.context.actor, "demo-data"))
            self._welcome.settings_requested.connect(lambda: self.show_page("settings"))
            self._welcome.intake_requested.connect(lambda: self.show_page("intake"))
            self._welcome.demo_requested.connect(self.load_demo)
        return self._welcome

    def _add_nav(self, key: str, title: str, shortcut: str) -> None:
        """A page's entry in the list on the left and its View menu action."""
        item = QListWidgetItem(title)
        item.setData(Qt.ItemDataRole.UserRole, key)
        item.setToolTip(f"{title} ({shortcut})")
        self.nav.addItem(item)
        self.nav_items[key] = item
        action = QAction(title, self)
        action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(
            lambda _=False, k=key: self.new_contact() if k == "intake" else self.show_page(k)
        )
        self.menus["view"].addAction(action)

    def _add_widget(self, key: str, widget: QWidget) -> None:
        self.pages[key] = widget
        self.stack.addWidget(widget)

    def show_page(self, key: str) -> None:
        if key == "welcome":
            _ = self.welcome  # made on first use
        elif key not in self.pages:
            self.finish()
        widget = self.pages[key]
        if key == "cases" and not self.cases.model.loaded:
            self.cases.model.refresh()
        self.nav_items[key].setHidden(False)
        self.stack.setCurrentWidget(widget)
        self.nav.blockSignals(True)
        self.nav.setCurrentItem(self.nav_items[key])
        self.nav.blockSignals(False)
        if not self.complete:
            return
        self.case_view.set_active(key == "case")
        if key == "settings":
            self.settings.refresh()

    def new_contact(self) -> None:
        """Ctrl+N: New contact, with the focus in Find the caller."""
        self.show_page("intake")
        self.intake.start_new()

    def current_page(self) -> str:
        widget = self.stack.currentWidget()
        return next((k for k, w in self.pages.items() if w is widget), "")

    def _settings_saved(self) -> None:
        """Once the organisation's details are saved, the welcome page has done its work."""
        if self._welcome is None or self.context.read_quick(needs_organisation):
            return
        self.nav_items["welcome"].setHidden(True)
        if self.current_page() == "welcome":
            self.show_page("queue")

    def open_case(self, reference: str) -> None:
        """Show the case with ``reference`` (a message if there is none)."""
        self.finish()
        try:
            self.case_view.show_case(reference)
        except CaseworkerError as exc:
            QMessageBox.warning(self, "Case not found", str(exc))
            return
        self.show_page("case")

    def open_list(self, title: str, case_filter: CaseFilter) -> None:
        self.cases.show_filter(title, case_filter)
        self.show_page("cases")

    # Menus ------------------------------------------------------------------------------------

    def _action(
        self,
        menu: str,
        text: str,
        shortcut: str | QKeySequence.StandardKey,
        slot: Callable[[], Any],
    ) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _=False: slot())
        self.menus[menu].addAction(action)
        return action

    def _build_menus(self) -> None:
        self._action("file", "&New contact", "Ctrl+N", self.new_contact)
        self._action("file", "&Open case by reference…", "Ctrl+O", self.ask_reference)
        self.menus["file"].addAction(self.batch_action)
        self._action("file", "&Import records…", "Ctrl+I", self.import_records)
        self._action("file", "&Export a person's records…", "Ctrl+Alt+E", self.export_person)
        self.demo_action = self._action("file", "Load &demo data…", "Ctrl+Shift+D", self.load_demo)
        self.demo_action.setVisible(self.demo_available)
        may_demo = allowed(self.context.actor, "demo-data")
        self.demo_action.setEnabled(may_demo)
        self.menus["file"].addSeparator()
        self._action("file", "&Quit", "Ctrl+Q", self.close)
        self.case_view.fill_case_menu(self.menus["case"])
        self.menus["view"].addSeparator()
        self._action("view", "&Find cases", "Ctrl+F", self.find_cases)
        self._action("view", "&Refresh", "F5", self.refresh)
        self._action("help", "&Keyboard shortcuts", "F1", self.show_shortcuts)
        self._action("help", "&About Caseworker", "Ctrl+Shift+F1", self.show_about)

    def export_person(self) -> None:
        """Subject access: everything held about one person, as a PDF and a JSON file."""
        self.finish()
        detail = self.case_view.detail if self.stack.currentWidget() is self.case_view else None
        suggested = detail.complainants[0].person_id if detail and detail.complainants else ""
        who, ok = QInputDialog.getText(
            self, "Export a person's records", "Person (full name or id):", text=suggested
        )
        if not ok or not who.strip():
            return
        folder = QFileDialog.getExistingDirectory(self, "Save the export in")
        if not folder:
            return
        from caseworker.services.subject_access import gather_person, write_export

        actor = self.context.actor
        try:
            with self.context.store.write() as session:
                record = gather_person(
                    session, actor, who.strip(), now=datetime.now().replace(microsecond=0)
                )
            pdf, data = write_export(record.as_json(), Path(folder))
        except CaseworkerError as exc:
            QMessageBox.warning(self, "Nothing exported", str(exc))
            return
        QMessageBox.information(
            self, "Export made", f"{len(record.cases)} cases exported to:\n{pdf}\n{data}"
        )

    def import_records(self) -> None:
        """Import last year's spreadsheet (the dialog checks the role and refreshes the views)."""
        from ui.dialogs.import_records import ImportRecordsDialog

        self.import_dialog = ImportRecordsDialog(self.context, self)
        self.import_dialog.open()

    def _connect_signals(self) -> None:
        self.intake.case_logged.connect(self.open_case)
        self.context.settings_changed.connect(self._settings_saved)
        self.batch.completed.connect(lambda _summary: self.refresh())

    def _nav_changed(self, item: QListWidgetItem | None, _previous: object) -> None:
        if item is not None:
            self.show_page(str(item.data(Qt.ItemDataRole.UserRole)))

    def ask_reference(self) -> None:
        text, ok = QInputDialog.getText(self, "Open a case", "Case reference:")
        if ok and text.strip():
            self.open_case(text.strip().upper())

    def find_cases(self) -> None:
        self.show_page("cases")
        self.cases.focus_search()

    def refresh(self) -> None:
        self.context.case_changed.emit("")
        self.context.settings_changed.emit()

    def show_shortcuts(self) -> None:
        lines = []
        for menu in self.menus.values():
            for action in menu.actions():
                if action.shortcut().toString():
                    lines.append(
                        f"{action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)}"
                        f"  {action.text().replace('&', '')}"
                    )
        QMessageBox.information(self, "Keyboard shortcuts", "\n".join(lines))

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About Caseworker",
            "Caseworker: complaint handling for UK councils and social landlords, "
            "working offline on a local store.",
        )

    # Demo data --------------------------------------------------------------------------------

    def load_demo(self) -> None:
        """Fill an empty store with demo records, off the GUI thread, with progress and cancel."""
        from caseworker.services import demo  # optional module, checked by demo_available

        store, actor, today = self.context.store, self.context.actor, self.context.today()

        def job(progress: Callable[[int, int], bool]) -> Any:
            return demo.generate(
                store, DEMO_RECORDS, 1, today=today, actor=actor, progress=progress
            )

        from ui.workers import run_with_progress

        self.demo_worker, self.demo_dialog = run_with_progress(self, "Making demo data", job)
        self.demo_worker.succeeded.connect(self._demo_done)
        self.demo_worker.failed.connect(self._demo_failed)

    def _demo_failed(self, message: str) -> None:
        # Opened, not exec'd: a nested event loop inside a thread's signal would stall the app.
        self.demo_message = QMessageBox(
            QMessageBox.Icon.Warning, "No demo data made", message, parent=self
        )
        self.demo_message.open()

    def _demo_done(self, summary: Any) -> None:
        self.refresh()
        self.show_page("queue")
        self.statusBar().showMessage(f"Made {summary.cases:,} demo records.")

    # Closing ----------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Keep a half-typed contact as a draft before closing."""
        if self.complete and not self.store_damaged:  # nothing is written to a damaged store
            self.intake.flush_draft()
        if self.complete and self.sync is not None:
            self.sync.stop()  # a running sync finishes its transaction first
        super().closeEvent(event)
