"""One case: header, warnings, live clocks, the actions the process allows, and tabs."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QMenu,
    QPushButton,
    QSizePolicy,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from caseworker.domain.calendar import format_day
from caseworker.domain.clocks import Clock, ClockState
from caseworker.domain.errors import CaseworkerError
from caseworker.domain.letter_choice import copies_of
from caseworker.domain.vocab import (
    AuthorisationMethod,
    AuthorisationState,
    Channel,
    Decision,
    ExclusionReason,
    OmbudsmanKind,
    Relationship,
    RemedyKind,
)
from caseworker.services.case_view import CaseDetail, later_timeline, load_case_detail
from ui.context import AppContext
from ui.dialogs import follow_ups, representatives
from ui.dialogs.base import ActionDialog
from ui.dialogs.case_actions import SPECS, STEP_ACTIONS, allowed_actions, make_dialog
from ui.labels import kind_label, label_of, status_label
from ui.lazy_page import LazyPage
from ui.letters.make_letter import MakeLetterDialog
from ui.letters.preview import LetterPreview, LetterRef
from ui.views.case_documents import CorrespondencePanel, LazyCorrespondence, keep_rows_visible
from ui.widgets import heading, scrolling

_STATE_TEXT = {
    ClockState.RUNNING: ("Running", QStyle.StandardPixmap.SP_MediaPlay),
    ClockState.DUE_TODAY: ("Due today", QStyle.StandardPixmap.SP_MessageBoxWarning),
    ClockState.OVERDUE: ("Overdue", QStyle.StandardPixmap.SP_MessageBoxCritical),
    ClockState.MET: ("Met", QStyle.StandardPixmap.SP_DialogApplyButton),
    ClockState.MET_LATE: ("Met late", QStyle.StandardPixmap.SP_MessageBoxWarning),
    ClockState.STOPPED: ("Stopped", QStyle.StandardPixmap.SP_MediaStop),
    ClockState.LAPSED: ("Lapsed", QStyle.StandardPixmap.SP_MediaStop),
}
_BUTTON_COLUMNS = 3
_TOOL_COLUMNS = 2  # a tab's own actions have longer names
# The Case menu, in groups split by separators.
MENU_GROUPS: tuple[tuple[str, ...], ...] = (
    STEP_ACTIONS,
    ("make-letter",),
    representatives.ACTIONS,
    follow_ups.ACTIONS,
)


def _day(d: object) -> str:
    from datetime import date

    return format_day(d) if isinstance(d, date) else ""


def _read_only_table(headers: list[str], rows: list[list[str]], name: str) -> QTableWidget:
    table = QTableWidget(len(rows), len(headers))
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setWordWrap(True)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.setItem(r, c, QTableWidgetItem(value))
    table.resizeRowsToContents()
    return table


class CaseView(QWidget):
    """The case an officer is working on."""

    case_changed = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.detail: CaseDetail | None = None
        self.case_actions: dict[str, QAction] = {}
        self._buttons: dict[str, QToolButton] = {}
        self._correspondence: LazyCorrespondence | None = None
        self._documents_notice = ""
        self._explain_visible = False
        self._build()
        self._connect_signals()

    # Building ---------------------------------------------------------------------------------

    def _build(self) -> None:
        body = QWidget()
        self.layout_ = QVBoxLayout(body)
        self.title = heading("No case open")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Case summary")
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(self.summary)
        self.banner_box = QVBoxLayout()
        self.layout_.addLayout(self.banner_box)

        self.clock_frame = QFrame()
        self.clock_frame.setFrameShape(QFrame.Shape.StyledPanel)
        clock_layout = QVBoxLayout(self.clock_frame)
        top = QHBoxLayout()
        top.addWidget(heading("Clocks", 2))
        top.addStretch(1)
        self.explain_button = QPushButton("E&xplain the dates")
        self.explain_button.setCheckable(True)
        self.explain_button.setAccessibleName("Show how each due date was worked out")
        top.addWidget(self.explain_button)
        clock_layout.addLayout(top)
        self.clock_grid = QGridLayout()
        clock_layout.addLayout(self.clock_grid)
        self.layout_.addWidget(self.clock_frame)

        for group in MENU_GROUPS:
            for name in group:
                self.case_actions[name] = self._make_action(name)
        steps_row = QHBoxLayout()
        steps_row.addWidget(heading("Next steps", 2))
        steps_row.addStretch(1)
        self.letter_button = self._tool_button("make-letter")
        steps_row.addWidget(self.letter_button)
        self.layout_.addLayout(steps_row)
        self.action_grid = QGridLayout()
        for name in STEP_ACTIONS:
            button = self._tool_button(name, expanding=True)
            self._buttons[name] = button
            button.hide()
        self.layout_.addLayout(self.action_grid)

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Case details")
        self.tabs.setMinimumHeight(260)
        self.layout_.addWidget(self.tabs, 1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scrolling(body))

    def _make_action(self, name: str) -> QAction:
        spec = SPECS[name]
        action = QAction(spec.label, self)
        action.setShortcut(QKeySequence(spec.shortcut))
        shown = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{spec.tip} ({shown})")
        action.setStatusTip(spec.tip)
        action.setEnabled(False)
        action.triggered.connect(lambda _=False, n=name: self.open_action(n))
        return action

    def _tool_button(self, name: str, *, expanding: bool = False) -> QToolButton:
        """A button for a case action: enabled, named and labelled as the action is."""
        button = QToolButton()
        button.setDefaultAction(self.case_actions[name])
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setAccessibleName(SPECS[name].label.replace("&", "").rstrip("…"))
        if expanding:
            button.setSizePolicy(QSizePolicy.Policy.Expanding, button.sizePolicy().verticalPolicy())
        return button

    def _with_tools(self, table: QWidget, names: tuple[str, ...], hint: str = "") -> QWidget:
        """A tab: the actions that change what it lists (in rows, so large text still fits
        the window's width), the list, then a hint."""
        w = QWidget()
        layout = QVBoxLayout(w)
        tools = QGridLayout()
        columns = min(len(names), _TOOL_COLUMNS)
        for i, name in enumerate(names):
            button = self._tool_button(name, expanding=columns > 1)
            tools.addWidget(button, i // columns, i % columns)
        if columns == 1:
            tools.setColumnStretch(1, 1)  # a lone button keeps its own size
        layout.addLayout(tools)
        layout.addWidget(table, 1)
        if hint:
            note = QLabel(hint)
            note.setWordWrap(True)
            layout.addWidget(note)
        return scrolling(w)

    def fill_case_menu(self, menu: QMenu) -> None:
        """Put every case action in ``menu``, in groups."""
        for n, group in enumerate(MENU_GROUPS):
            if n:
                menu.addSeparator()
            for name in group:
                menu.addAction(self.case_actions[name])

    def _connect_signals(self) -> None:
        self.explain_button.toggled.connect(self._toggle_explanations)
        self.context.case_changed.connect(self._on_case_changed)
        self.context.ticker.ticked.connect(self.reload)

    # Loading ----------------------------------------------------------------------------------

    def show_case(self, reference: str) -> None:
        """Load and show the case with ``reference`` (raises NotFound if there is none)."""
        today = self.context.today()
        self.detail = self.context.read(
            lambda s: load_case_detail(s, reference, today, actor=self.context.actor)
        )
        self._fill()

    def reload(self) -> None:
        """Read the case again (after a change, or as the clock moves on)."""
        if self.detail is None:
            return
        try:
            self.show_case(self.detail.reference)
        except CaseworkerError:
            self.detail = None

    def _on_case_changed(self, reference: str) -> None:
        if self.detail is not None and reference in ("", self.detail.reference):
            self.reload()

    def _fill(self) -> None:
        d = self.detail
        assert d is not None
        self.title.setText(f"{d.reference}: {kind_label(d.kind)}")
        flags = []
        if d.restricted:
            flags.append("Restricted")
        for rep in d.representatives:
            flags.append(
                f"Representative {rep.name}: {label_of(AuthorisationState, rep.auth_state).lower()}"
            )
        if any(p.adjustments for p in d.parties):
            flags.append("Reasonable adjustments")
        resident = ", ".join(p.name for p in d.complainants)
        handler = d.stage2_handler or d.stage1_handler or "not yet"
        self.summary.setText(
            f"Status: {status_label(d.status)} · Resident: {resident} · Received "
            f"{format_day(d.received)} · Handler: {handler}"
            + (f" · Flags: {'; '.join(flags)}" if flags else "")
        )
        self._fill_banners(d)
        self._fill_clocks(d.clocks)
        allowed = allowed_actions(d, self.context.actor)
        for name, action in self.case_actions.items():
            action.setEnabled(name in allowed)
        self._lay_out_buttons(allowed)
        self._fill_tabs(d)

    def _lay_out_buttons(self, allowed: frozenset[str]) -> None:
        """Only the actions the process allows, packed with no gaps."""
        for button in self._buttons.values():
            self.action_grid.removeWidget(button)
            button.hide()
        shown = [name for name in STEP_ACTIONS if name in allowed]
        for i, name in enumerate(shown):
            button = self._buttons[name]
            self.action_grid.addWidget(button, i // _BUTTON_COLUMNS, i % _BUTTON_COLUMNS)
            button.show()

    def _fill_banners(self, d: CaseDetail) -> None:
        _empty(self.banner_box)
        for text in d.banners:
            label = QLabel(f"⚠ {text}")
            label.setWordWrap(True)
            label.setObjectName("banner")
            label.setAccessibleName(f"Warning: {text}")
            label.setStyleSheet(
                "QLabel#banner { background: #fff4ce; color: #3b2c00; border: 2px solid #8a6d00;"
                " padding: 6px; font-weight: bold; }"
            )
            self.banner_box.addWidget(label)

    def _fill_clocks(self, clocks: tuple[Clock, ...]) -> None:
        _empty(self.clock_grid)
        style = QApplication.style()
        for col, title in enumerate(("Clock", "Due", "Countdown", "State")):
            head = QLabel(f"<b>{title}</b>")
            self.clock_grid.addWidget(head, 0, col)
        if not clocks:
            self.clock_grid.addWidget(QLabel("No clock is running for this record."), 1, 0, 1, 4)
        for i, clock in enumerate(clocks):
            row = 1 + i * 2
            state_text, pixmap = _STATE_TEXT[clock.state]
            due = format_day(clock.due) + (" (provisional)" if clock.provisional else "")
            cells = [clock.label, due, clock.countdown]
            for col, text in enumerate(cells):
                label = QLabel(text)
                label.setToolTip(clock.explanation)
                label.setAccessibleName(
                    f"{clock.label} {('clock', 'due', 'countdown')[col]}: {text}"
                )
                label.setWordWrap(True)
                self.clock_grid.addWidget(label, row, col)
            state = QLabel()
            state.setObjectName("clock-state")
            icon = style.standardIcon(pixmap)
            size = state.fontMetrics().height()
            state.setText(state_text)
            state.setAccessibleName(f"{clock.label} state: {state_text}")
            state.setToolTip(clock.explanation)
            holder = QWidget()
            h = QHBoxLayout(holder)
            h.setContentsMargins(0, 0, 0, 0)
            pic = QLabel()
            pic.setPixmap(icon.pixmap(size, size))
            h.addWidget(pic)
            h.addWidget(state)
            h.addStretch(1)
            self.clock_grid.addWidget(holder, row, 3)
            why = QLabel(clock.explanation)
            why.setWordWrap(True)
            why.setObjectName("explanation")
            why.setAccessibleName(f"How the {clock.label} date was worked out")
            why.setVisible(self._explain_visible)
            self.clock_grid.addWidget(why, row + 1, 0, 1, 4)
        for col in (1, 2):
            self.clock_grid.setColumnStretch(col, 1)

    def _toggle_explanations(self, on: bool) -> None:
        self._explain_visible = on
        for i in range(self.clock_grid.count()):
            item = self.clock_grid.itemAt(i)
            w = item.widget() if item is not None else None
            if w is not None and w.objectName() == "explanation":
                w.setVisible(on)

    def _fill_tabs(self, d: CaseDetail) -> None:
        current = self.tabs.currentIndex()
        pages = [self.tabs.widget(i) for i in range(self.tabs.count())]
        self.tabs.clear()  # which only removes the pages: they are deleted here
        for page in pages:
            if page is not None:
                page.setParent(None)
                page.deleteLater()
        self.tabs.addTab(scrolling(self._details_tab(d)), "&Details")
        self.tabs.addTab(scrolling(self._definition_tab(d)), "Complaint de&finition")
        self.tabs.addTab(
            self._with_tools(self._people_tab(d), representatives.ACTIONS),
            "&People and authorisation",
        )
        self.tabs.addTab(
            self._with_tools(self._remedies_tab(d), follow_ups.ACTIONS), "Remedies and &actions"
        )
        self.tabs.addTab(
            self._with_tools(
                self._correspondence_tab(d),
                ("make-letter",),
                "Press Enter or double-click a letter to see it, print it, save it or mark it sent,"
                " or a document to preview it."
                if d.correspondence
                else "",
            ),
            "Co&rrespondence",
        )
        self.tabs.addTab(LazyPage(lambda: self._timeline_tab(d)), "Ti&meline")
        self.tabs.setCurrentIndex(max(0, current))

    def _details_tab(self, d: CaseDetail) -> QWidget:
        w = QWidget()
        form = QFormLayout(w)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        rows = [
            ("Kind", kind_label(d.kind)),
            ("Status", status_label(d.status)),
            ("Received", format_day(d.received)),
            ("Channel", label_of(Channel, d.channel)),
            ("Site", d.site),
            ("Service areas", ", ".join(d.service_areas)),
            ("Themes", ", ".join(d.themes)),
            ("Date of the issue", _day(d.issue_date)),
            ("Became aware", _day(d.aware_date)),
            ("What it is about", d.description),
            ("Outcome wanted", d.desired_outcome),
            ("Policy", d.policy_label),
            ("Ombudsman", label_of(OmbudsmanKind, d.ombudsman)),
            ("Stage 1 handler", d.stage1_handler),
            ("Stage 1 response", _decided(d.stage1_responded, d.stage1_decision, d.stage1_reasons)),
            ("Escalated", _day(d.escalated)),
            ("Stage 2 handler", d.stage2_handler),
            ("Stage 2 response", _decided(d.stage2_responded, d.stage2_decision, d.stage2_reasons)),
            (
                "Refused",
                f"{_day(d.refused_on)} {label_of(ExclusionReason, d.refusal_reason)}: "
                f"{d.refusal_explanation}"
                if d.refused_on
                else "",
            ),
            (
                "Escalation refused",
                f"{_day(d.escalation_refused_on)}: {d.escalation_refusal_reason}"
                if d.escalation_refused_on
                else "",
            ),
            ("Withdrawn", _day(d.withdrawn_on)),
            ("Closed", _day(d.closed_on)),
            ("Referred to the Ombudsman", _day(d.ombudsman_referred_on)),
            ("Linked cases", ", ".join(d.linked)),
            ("Learning", "; ".join(f"{a} → {b}" if b else a for a, b in d.learning)),
            (
                "Last changed",
                f"{d.updated_at:%H:%M} {format_day(d.updated_at.date())} by {d.updated_by}",
            ),
        ]
        for label, value in rows:
            if value:
                text = QLabel(value)
                text.setWordWrap(True)
                text.setAccessibleName(label)
                text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                form.addRow(f"{label}:", text)
        return w

    def _definition_tab(self, d: CaseDetail) -> QWidget:
        w = QWidget()
        form = QFormLayout(w)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        if not d.points:
            form.addRow(
                QLabel("Not defined yet: the complaint is defined when it is acknowledged.")
            )
        for p in d.points:
            text = p.text
            if p.stage1_decision:
                text += f"\nStage 1: {label_of(Decision, p.stage1_decision)}. {p.stage1_reasons}"
            if p.stage2_decision:
                text += f"\nStage 2: {label_of(Decision, p.stage2_decision)}. {p.stage2_reasons}"
            label = QLabel(text)
            label.setWordWrap(True)
            form.addRow(f"Point {p.position}:", label)
        for title, value in (
            ("Outcomes sought", d.outcomes_sought),
            ("We are responsible for", d.responsible_for),
            ("We are not responsible for", d.not_responsible_for),
        ):
            if value:
                label = QLabel(value)
                label.setWordWrap(True)
                form.addRow(f"{title}:", label)
        return w

    def _people_tab(self, d: CaseDetail) -> QWidget:
        rows = []
        for p in d.parties:
            if p.role == "representative":
                auth = label_of(AuthorisationState, p.auth_state)
                if p.auth_method:
                    auth += f" ({label_of(AuthorisationMethod, p.auth_method)})"
                if p.auth_sent_on:
                    auth += f", form sent {format_day(p.auth_sent_on)}"
                if p.auth_expires:
                    auth += f", expires {format_day(p.auth_expires)}"
                auth += (
                    "; may be told about the case"
                    if p.may_be_told
                    else "; must not be told personal details"
                )
                role = f"Representative ({label_of(Relationship, p.relationship)})"
            else:
                auth, role = "", "Resident"
            contact = ", ".join(x for x in (p.address, p.postcode, p.phone, p.email) if x)
            needs = "; ".join(
                x
                for x in (
                    p.adjustments,
                    p.preferred_contact and f"contact by {p.preferred_contact}",
                    p.preferred_format and f"format: {p.preferred_format}",
                )
                if x
            )
            rows.append([p.name, role, contact, auth, needs])
        return _read_only_table(
            ["Name", "Part", "Contact", "Authorisation", "Adjustments and preferences"],
            rows,
            "People and authorisation",
        )

    def _remedies_tab(self, d: CaseDetail) -> QWidget:
        today = self.context.today()
        rows = []
        for r in d.remedies:
            amount = f"£{r.amount_offered:,.2f}" if r.amount_offered is not None else ""
            rows.append(
                [
                    f"Remedy (Stage {r.stage})",
                    label_of(RemedyKind, r.kind),
                    " ".join(x for x in (r.description, amount) if x),
                    _day(r.due),
                    _progress(r.due, r.done, today),
                ]
            )
        for a in d.actions:
            rows.append(
                [
                    f"Action (Stage {a.stage})",
                    "",
                    a.description,
                    _day(a.due),
                    _progress(a.due, a.done, today),
                ]
            )
        return _read_only_table(
            ["What", "Kind", "Description", "Due", "Progress"],
            rows,
            "Remedies and outstanding actions",
        )

    def _correspondence_tab(self, d: CaseDetail) -> QWidget:
        """Letters and documents received, in date order (ui/views/case_documents.py)."""
        notice, self._documents_notice = self._documents_notice, ""
        self._correspondence = LazyCorrespondence(
            self.context, d.reference, d.correspondence, notice=notice, connect=self._wire
        )
        return self._correspondence

    def _wire(self, panel: CorrespondencePanel) -> None:
        panel.letter_chosen.connect(self.open_letter)
        panel.documents_attached.connect(self._remember_documents_notice)

    @property
    def correspondence_panel(self) -> CorrespondencePanel | None:
        return self._correspondence.panel if self._correspondence is not None else None

    @property
    def correspondence_table(self) -> QTableWidget | None:
        panel = self.correspondence_panel
        return panel.table if panel is not None else None

    def _remember_documents_notice(self, text: str) -> None:
        # Attaching reloads the case (its version moved); the new panel shows what was done.
        self._documents_notice = text

    def _timeline_tab(self, d: CaseDetail) -> QWidget:
        # Built when first shown: the documents received are read only now (one query), so
        # a case with hundreds of them opens as quickly as one with none.
        later = self.context.read(lambda s: later_timeline(s, self.context.actor, d.id))
        # Newest first; within one second, the later entry first (each list is oldest first).
        entries = sorted(reversed(d.timeline + d.notes + later), key=lambda e: e.at, reverse=True)
        rows = [
            [f"{e.at:%H:%M} {format_day(e.at.date())}", e.who, e.what, e.detail] for e in entries
        ]
        table = _read_only_table(["When", "Who", "What", "Detail"], rows, "Timeline")
        keep_rows_visible(table, 6)
        return table

    # Acting -----------------------------------------------------------------------------------

    def set_active(self, active: bool) -> None:
        """Enable the case actions only while a case is on screen."""
        self.setEnabled(True)
        allowed = (
            allowed_actions(self.detail, self.context.actor)
            if self.detail is not None and active
            else frozenset()
        )
        for name, action in self.case_actions.items():
            action.setEnabled(name in allowed)

    def open_action(self, name: str) -> ActionDialog | MakeLetterDialog | None:
        """Open the dialog for ``name`` (window-modal); the view reloads when it is saved."""
        if self.detail is None:
            return None
        if name == "make-letter":
            return self.open_make_letter()
        reference = self.detail.reference
        dialog = make_dialog(name, self.context, self.detail, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.context.case_changed.emit(reference))
        dialog.open()
        return dialog

    def open_make_letter(self) -> MakeLetterDialog | None:
        """Choose and make a letter; the case reloads when it is made and when it is sent."""
        if self.detail is None:
            return None
        ctx = self.context
        dialog = MakeLetterDialog(ctx.store, ctx.actor, ctx.today, self.detail.reference, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.letters_made.connect(ctx.case_changed.emit)
        # The preview outlives this dialog, so its "marked sent" is heard directly.
        dialog.accepted.connect(lambda: self._watch(dialog.preview))
        dialog.open()
        return dialog

    def open_letter(self, row: int) -> LetterPreview | None:
        """Preview the letter in correspondence row ``row``, with the other copies made with it."""
        if self.detail is None or not 0 <= row < len(self.detail.correspondence):
            return None
        ctx, d = self.context, self.detail
        group = copies_of(d.correspondence, row)
        refs = [LetterRef.from_view(d.reference, d.correspondence[i]) for i in group]
        preview = LetterPreview(ctx.store, ctx.actor, ctx.today, refs, self)
        preview.show_letter(group.index(row))
        self._watch(preview)
        preview.show()
        return preview

    def _watch(self, preview: LetterPreview | None) -> None:
        if preview is not None:
            preview.marked_sent.connect(lambda ref, _id: self.context.case_changed.emit(ref))


def _empty(layout: QLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.deleteLater()


def _decided(on: object, decision: str | None, reasons: str) -> str:
    if not on:
        return ""
    return f"{_day(on)}: {label_of(Decision, decision)}. {reasons}"


def _progress(due: object, done: object, today: object) -> str:
    from datetime import date

    if isinstance(done, date):
        return f"Done {format_day(done)}"
    if isinstance(due, date) and isinstance(today, date) and due < today:
        return "⚠ Overdue"
    return "Outstanding"
