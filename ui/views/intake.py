"""New contact: the form an advisor fills in with a resident on the phone, kept as a draft."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from html import escape
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QBoxLayout,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from caseworker.domain.calendar import format_day
from caseworker.domain.errors import CaseworkerError
from caseworker.domain.vocab import (
    AuthorisationMethod,
    AuthorisationScope,
    Channel,
    RecordKind,
    Relationship,
    Tenure,
)
from caseworker.services import drafts
from caseworker.services.callers import CallerMatch, find_callers
from caseworker.services.intake import (
    NewRecord,
    RepresentativeInput,
    choose_policy,
    log_record,
    over_time_limit,
    time_limit_start,
)
from caseworker.services.people import PersonInput
from caseworker.services.settings import guess_is_housing
from caseworker.services.ui_reads import load_settings
from ui.context import AppContext
from ui.date_box import DateBox
from ui.labels import kind_label, status_label
from ui.widgets import (
    choice_combo,
    date_edit,
    error_label,
    from_qdate,
    heading,
    optional_date,
    scrolling,
    select_value,
    show_error,
    vocab_combo,
)

DRAFT_FORM = "intake"
DRAFT_DELAY_MS = 1000
LOOKUP_DELAY_MS = 400

RESTRICTED_HINT = (
    "Safeguarding or domestic abuse: only named officers see it, and nothing is ever sent to a "
    "named perpetrator."
)
REP_HINT = (
    "A relative, friend, advocate, solicitor, councillor or MP acting for the resident. Until "
    "the resident authorises them, do not discuss personal details with them (elected "
    "representatives acting at the resident's request excepted)."
)
_AUTH_STATES = (
    ("Not needed: the resident acts alone", "not-needed"),
    ("Pending: authorisation form sent", "pending"),
    ("Authorised", "authorised"),
)
_CONTACT_WAYS = ("", "Telephone", "Email", "Letter", "Text message", "Face to face")
_FORMATS = (
    "",
    "Standard print",
    "Large print",
    "Easy read",
    "Braille",
    "Another language",
    "BSL video call",
    "Relay UK",
)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


KIND_GUIDANCE = {
    "complaint": (
        "<b>Complaint</b>: they are unhappy with our service, what we did or did not do, our "
        "staff or our contractors. They need not say “complaint”. It starts at Stage 1: there "
        "is no “stage 0” or informal stage."
    ),
    "service-request": (
        "<b>Service request</b>: they want us to do or fix something (a repair, a missed bin). "
        "If they are unhappy with how a request was handled, log a complaint as well; the "
        "request carries on."
    ),
    "compliment": "<b>Compliment</b>: praise. It is passed to the service within 5 working days.",
    "comment": (
        "<b>Comment</b>: a suggestion or a view. It is passed to the service within 5 working days."
    ),
    "mp-enquiry": (
        "<b>MP enquiry</b>: an MP asks on someone’s behalf. If the MP’s office asks for it to "
        "be a complaint, choose Complaint."
    ),
    "councillor-enquiry": (
        "<b>Councillor enquiry</b>: a councillor asks on someone’s behalf. If they ask for it "
        "to be a complaint, choose Complaint."
    ),
}
TRIAGE = "Unhappy with us: <b>Complaint</b>. Asking us to do something: <b>Service request</b>."
FIND_HINT = "Type a name, postcode, phone number or email, then Down to pick them from the list."
DISCARD_QUESTION = "Discard this contact? Everything typed in New contact will be lost."


class IntakeView(QWidget):
    """Log a contact taken on the phone (or any other way): the caller first, then what happened.

    Two columns that fit 1366×768 at 100% and stack into one when the text is large. Ctrl+S
    saves, Esc asks before clearing, and what is typed is kept as a draft.
    """

    case_logged = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._restoring = False
        self.caller: CallerMatch | None = None
        self.matches: list[CallerMatch] = []
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DELAY_MS)
        self._lookup_timer = QTimer(self)
        self._lookup_timer.setSingleShot(True)
        self._lookup_timer.setInterval(LOOKUP_DELAY_MS)
        self._build()
        self.reload_choices()
        self._connect_signals()
        self._empty_state = self.form_state()  # what "nothing typed" looks like
        self.restore_draft()

    # Building ---------------------------------------------------------------------------------

    def _build(self) -> None:
        body = QWidget()
        page = QVBoxLayout(body)
        page.setContentsMargins(6, 4, 6, 4)
        page.setSpacing(4)
        page.addWidget(heading("New contact", level=2))
        self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.left = self._caller_column()
        self.right = self._what_column()
        self.columns.addWidget(self.left, 1)
        self.columns.addWidget(self.right, 1)
        page.addLayout(self.columns)
        page.addWidget(self._rep_box())
        self.error = error_label("Why the contact could not be logged")
        page.addWidget(self.error)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("Log this contact (Ctrl+S)")
        self.save_button.setAccessibleName("Log this contact")
        self.clear_button = QPushButton("Clear the form (Esc)")
        self.clear_button.setAccessibleName("Clear the form")
        self.draft_label = QLabel()
        self.draft_label.setAccessibleName("Draft status")
        self.draft_label.setWordWrap(True)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.draft_label, 1)
        page.addLayout(buttons)
        page.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll_area = scrolling(body)
        outer.addWidget(self.scroll_area)
        self.save_shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        self.save_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.discard_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        self.discard_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._update_rep()
        self._show_kind_guidance()
        self._set_tab_order()

    def _set_tab_order(self) -> None:
        """The caller first, then what happened, then the buttons: the order of a phone call."""
        chain: list[QWidget] = [
            self.find_box,
            self.match_list,
            self.new_caller_button,
            self.other_cases,
            self.name,
            self.address,
            self.postcode,
            self.phone,
            self.email,
            self.tenure,
            self.salutation,
            self.adjustments,
            self.preferred_contact,
            self.preferred_format,
            *self.kind_buttons.values(),
            self.description,
            self.desired_outcome,
            self.channel,
            self.received,
            self.site,
            self.primary_area,
            self.issue_date,
            self.aware_date,
            self.time_limit_reason,
            self.other_areas,
            self.themes,
            self.has_rep,
            self.restricted,
            self.rep_name,
            self.rep_address,
            self.rep_postcode,
            self.rep_phone,
            self.rep_relationship,
            self.rep_raised,
            self.auth_state,
            self.auth_sent_on,
            self.auth_method,
            self.auth_received_on,
            self.auth_verified_by,
            self.auth_scope,
            self.auth_expires,
            self.save_button,
            self.clear_button,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _caller_column(self) -> QGroupBox:
        box = QGroupBox("The caller")
        col = QVBoxLayout(box)
        col.setSpacing(3)
        self.find_box = QLineEdit()
        self.find_box.setAccessibleName("Find the caller")
        self.find_box.setAccessibleDescription(FIND_HINT)
        self.find_box.setPlaceholderText("Name, postcode, phone or email")
        self.find_box.setClearButtonEnabled(True)
        find_label = QLabel("Find the ca&ller")
        find_label.setBuddy(self.find_box)
        row = QHBoxLayout()
        row.addWidget(find_label)
        row.addWidget(self.find_box, 1)
        col.addLayout(row)
        self.find_note = QLabel(FIND_HINT)
        self.find_note.setWordWrap(True)
        self.find_note.setAccessibleName("Caller search result")
        col.addWidget(self.find_note)
        self.match_list = QListWidget()
        self.match_list.setAccessibleName("People found: Enter picks the caller")
        self.match_list.setMaximumHeight(self.fontMetrics().height() * 4 + 8)
        self.match_list.hide()
        col.addWidget(self.match_list)
        self.caller_banner = QLabel()
        self.caller_banner.setObjectName("callerBanner")
        self.caller_banner.setWordWrap(True)
        self.caller_banner.setTextFormat(Qt.TextFormat.RichText)
        self.caller_banner.setAccessibleName("What to know about the caller")
        self.caller_banner.setStyleSheet(
            "QLabel#callerBanner { background: #fff4ce; color: #1f1f1f; "
            "border: 1px solid #8a6d00; padding: 3px; }"
        )
        self.caller_banner.hide()
        col.addWidget(self.caller_banner)
        self.other_note = QLabel("Their earlier cases show here once you pick the caller.")
        self.other_note.setWordWrap(True)
        self.other_note.setAccessibleName("Their earlier cases")
        col.addWidget(self.other_note)
        self.other_cases = QListWidget()
        self.other_cases.setAccessibleName(
            "Their earlier cases: tick one to link this contact to it instead of duplicating it"
        )
        self.other_cases.setMaximumHeight(self.fontMetrics().height() * 4 + 8)
        self.other_cases.hide()
        col.addWidget(self.other_cases)
        self.new_caller_button = QPushButton("Not this person: a new caller")
        self.new_caller_button.setAccessibleName("Not this person: record a new caller")
        self.new_caller_button.hide()
        col.addWidget(self.new_caller_button)

        form = self._form()
        self.name = self._line("&Name", "Resident's name")
        form.addRow(_buddy("&Name", self.name), self.name)
        self.address = QPlainTextEdit()
        self.address.setTabChangesFocus(True)
        self.address.setAccessibleName("Address (one line each, without the postcode)")
        self.address.setFixedHeight(self.fontMetrics().height() * 2 + 14)
        form.addRow(_buddy("A&ddress", self.address), self.address)
        self.postcode = self._line("&Postcode", "Postcode")
        self.phone = self._line("Ph&one", "Phone number")
        form.addRow(
            _buddy("&Postcode", self.postcode),
            _pair(self.postcode, _buddy("Ph&one", self.phone), self.phone),
        )
        self.email = self._line("&Email", "Email address")
        self.tenure = vocab_combo("Tenure", Tenure, blank="Not known")
        form.addRow(
            _buddy("&Email", self.email),
            _pair(self.email, _buddy("&Tenure", self.tenure), self.tenure),
        )
        self.salutation = self._line("Salutation", "How to address them, e.g. Dear Ms Doe")
        self.salutation.setPlaceholderText("e.g. Dear Ms Doe")
        form.addRow(_buddy("Sal&utation", self.salutation), self.salutation)
        self.adjustments = self._line("Adjustments", "Reasonable adjustments agreed")
        self.adjustments.setPlaceholderText("e.g. large print, calls not letters")
        form.addRow(_buddy("Ad&justments", self.adjustments), self.adjustments)
        self.preferred_contact = choice_combo("Preferred contact", ((c, c) for c in _CONTACT_WAYS))
        self.preferred_contact.setEditable(True)
        self.preferred_format = choice_combo("Preferred format", ((f, f) for f in _FORMATS))
        self.preferred_format.setEditable(True)
        form.addRow(
            QLabel("Contact by"),
            _pair(self.preferred_contact, QLabel("Format"), self.preferred_format),
        )
        col.addLayout(form)
        col.addStretch(1)
        return box

    def _what_column(self) -> QGroupBox:
        box = QGroupBox("What happened")
        col = QVBoxLayout(box)
        col.setSpacing(3)
        kind_box = QGroupBox("&Kind of contact")
        kind_box.setFlat(True)
        kind_grid = QGridLayout(kind_box)
        kind_grid.setContentsMargins(4, 4, 4, 0)
        self.kind_group = QButtonGroup(self)
        self.kind_buttons: dict[str, QRadioButton] = {}
        for i, kind in enumerate(RecordKind):
            button = QRadioButton(kind.label)
            button.setAccessibleName(f"Kind: {kind.label}")
            self.kind_group.addButton(button, i)
            self.kind_buttons[kind.value] = button
            kind_grid.addWidget(button, i // 3, i % 3)
        self.kind_buttons["complaint"].setChecked(True)
        col.addWidget(kind_box)
        self.guidance = QLabel()
        self.guidance.setObjectName("guidance")
        self.guidance.setWordWrap(True)
        self.guidance.setTextFormat(Qt.TextFormat.RichText)
        self.guidance.setAccessibleName("Guidance: which kind of contact is it")
        col.addWidget(self.guidance)

        form = self._form()
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setAccessibleName("What the contact is about")
        self.description.setFixedHeight(self.fontMetrics().height() * 3 + 14)
        form.addRow(_buddy("&What it is about", self.description), self.description)
        self.desired_outcome = QPlainTextEdit()
        self.desired_outcome.setTabChangesFocus(True)
        self.desired_outcome.setAccessibleName("What they want to happen")
        self.desired_outcome.setFixedHeight(self.fontMetrics().height() * 2 + 14)
        form.addRow(_buddy("Outcome the&y want", self.desired_outcome), self.desired_outcome)
        today = self.context.today()
        self.channel = vocab_combo("How they contacted us", Channel)
        self.received = date_edit("Date received", today)
        form.addRow(
            _buddy("How they cont&acted us", self.channel),
            _pair(self.channel, _buddy("Date &received", self.received), self.received),
        )
        self.site = QComboBox()
        self.site.setEditable(True)
        self.site.setAccessibleName("Site (contact centre or office)")
        self.primary_area = QComboBox()
        self.primary_area.setEditable(True)
        self.primary_area.setAccessibleName("Main service area")
        for combo in (self.site, self.primary_area):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(10)
        form.addRow(
            _buddy("&Site", self.site),
            _pair(self.site, _buddy("&Main service area", self.primary_area), self.primary_area),
        )
        self.issue_date = date_edit("Date of the issue", today, optional=True)
        self.aware_date = date_edit("Date they became aware", today, optional=True)
        form.addRow(
            _buddy("Date of the &issue", self.issue_date),
            _pair(
                self.issue_date,
                _buddy("Date they &became aware", self.aware_date),
                self.aware_date,
            ),
        )
        self.time_limit_warning = error_label("Time limit warning")
        form.addRow(self.time_limit_warning)
        self.time_limit_reason = QLineEdit()
        self.time_limit_reason.setAccessibleName(
            "Reason to accept it although it is over the time limit"
        )
        self.time_limit_label = QLabel("Reason to accept it anyway")
        self.time_limit_label.setBuddy(self.time_limit_reason)
        form.addRow(self.time_limit_label, self.time_limit_reason)
        col.addLayout(form)

        lists = QGridLayout()
        self.other_areas = QListWidget()
        self.other_areas.setAccessibleName("Other service areas it concerns")
        self.themes = QListWidget()
        self.themes.setAccessibleName("Themes")
        for i, (title, item_list) in enumerate(
            (("Other service areas", self.other_areas), ("Themes", self.themes))
        ):
            item_list.setMaximumHeight(self.fontMetrics().height() * 3 + 10)
            label = QLabel(title)
            label.setBuddy(item_list)
            lists.addWidget(label, 0, i)
            lists.addWidget(item_list, 1, i)
        col.addLayout(lists)
        flags = QHBoxLayout()
        self.restricted = QCheckBox("Restricted case (safeguarding)")
        self.restricted.setAccessibleName("Restricted case")
        self.restricted.setAccessibleDescription(RESTRICTED_HINT)
        self.restricted.setToolTip(RESTRICTED_HINT)
        self.has_rep = QCheckBox("Someone is actin&g for them")
        self.has_rep.setAccessibleDescription(REP_HINT)
        self.has_rep.setToolTip(REP_HINT)
        flags.addWidget(self.has_rep)
        flags.addWidget(self.restricted)
        flags.addStretch(1)
        col.addLayout(flags)
        col.addStretch(1)
        return box

    def _rep_box(self) -> QGroupBox:
        self.rep_fields = QGroupBox("Someone acting for them (representative)")
        form = QFormLayout(self.rep_fields)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(_hint(REP_HINT))
        self.rep_name = self._line("Representative's name", "Representative's name")
        form.addRow("Representative's name", self.rep_name)
        self.rep_address = self._line("Representative's address", "Representative's address")
        form.addRow("Representative's address", self.rep_address)
        self.rep_postcode = self._line("Representative's postcode", "Representative's postcode")
        self.rep_phone = self._line("Representative's phone", "Representative's phone")
        form.addRow(
            "Representative's postcode",
            _pair(self.rep_postcode, QLabel("Phone"), self.rep_phone),
        )
        self.rep_relationship = vocab_combo("Relationship to the resident", Relationship)
        form.addRow("Relationship", self.rep_relationship)
        self.rep_raised = QCheckBox("They raised it for the resident")
        self.rep_raised.setChecked(True)
        form.addRow("", self.rep_raised)
        self.auth_state = choice_combo("Authorisation", _AUTH_STATES)
        self.auth_state.setCurrentIndex(1)
        form.addRow("Authorisation", self.auth_state)
        today = self.context.today()
        self.auth_sent_on = date_edit("Authorisation form sent on", today)
        form.addRow("Form sent on", self.auth_sent_on)
        self.auth_method = vocab_combo("How it was given", AuthorisationMethod)
        form.addRow("How it was given", self.auth_method)
        self.auth_received_on = date_edit("Authorisation given on", today)
        form.addRow("Given on", self.auth_received_on)
        self.auth_verified_by = self._line("Verified by", "Who verified a verbal authorisation")
        form.addRow("Verified by", self.auth_verified_by)
        self.auth_scope = vocab_combo("What it covers", AuthorisationScope)
        form.addRow("Covers", self.auth_scope)
        self.auth_expires = date_edit("Authorisation expires", today, optional=True)
        form.addRow("Expires", self.auth_expires)
        return self.rep_fields

    def _form(self) -> QFormLayout:
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setVerticalSpacing(3)
        return form

    def _line(self, _label: str, name: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(name)
        return edit

    def _connect_signals(self) -> None:
        for w in self._inputs():
            signal = _changed_signal(w)
            signal.connect(self._changed)
        for item_list in (self.other_areas, self.themes, self.other_cases):
            item_list.itemChanged.connect(lambda _i: self._changed())
        self.find_box.textChanged.connect(lambda _t: self._lookup_timer.start())
        self.find_box.installEventFilter(self)
        self.find_box.returnPressed.connect(self._find_now)
        self.match_list.itemActivated.connect(self._match_activated)
        self.new_caller_button.clicked.connect(self.forget_caller)
        self._lookup_timer.timeout.connect(self.lookup_person)
        self._draft_timer.timeout.connect(self.save_draft)
        self.has_rep.toggled.connect(lambda _on: self._update_rep())
        self.auth_state.currentIndexChanged.connect(lambda _i: self._update_rep())
        for w in (self.issue_date, self.aware_date, self.received):
            w.dateChanged.connect(lambda _d: self.check_time_limit())
        self.kind_group.idToggled.connect(lambda _i, _on: self.check_time_limit())
        self.kind_group.idToggled.connect(lambda _i, _on: self._show_kind_guidance())
        self.primary_area.currentTextChanged.connect(lambda _t: self.check_time_limit())
        self.save_button.clicked.connect(self.log_contact)
        self.clear_button.clicked.connect(self.ask_discard)
        self.save_shortcut.activated.connect(self.log_contact)
        self.discard_shortcut.activated.connect(self.ask_discard)
        self.context.settings_changed.connect(self.reload_choices)

    def _inputs(self) -> list[QWidget]:
        return [*self._named_inputs().values(), *self.kind_buttons.values()]

    def reload_choices(self) -> None:
        """Sites, service areas and themes from Settings (typing a new one adds it)."""
        snap = self.context.read(load_settings)
        self._housing = {a.name: a.is_housing for a in snap.service_areas}
        self._restoring = True
        for combo, names in (
            (self.site, snap.sites),
            (self.primary_area, tuple(a.name for a in snap.service_areas)),
        ):
            text = combo.currentText()
            combo.clear()
            combo.addItem("")
            combo.addItems(list(names))
            combo.setEditText(text)
        for item_list, names in (
            (self.other_areas, tuple(a.name for a in snap.service_areas)),
            (self.themes, snap.themes),
        ):
            ticked = _ticked(item_list)
            item_list.clear()
            for n in names:
                item = QListWidgetItem(n)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(
                    Qt.CheckState.Checked if n in ticked else Qt.CheckState.Unchecked
                )
                item_list.addItem(item)
        self._restoring = False

    # Layout -----------------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Two columns side by side when they fit, one above the other when they do not."""
        super().resizeEvent(event)
        needed = self.left.minimumSizeHint().width() + self.right.minimumSizeHint().width() + 30
        direction = (
            QBoxLayout.Direction.LeftToRight
            if self.width() >= needed
            else QBoxLayout.Direction.TopToBottom
        )
        if self.columns.direction() != direction:
            self.columns.setDirection(direction)

    def start_new(self) -> None:
        """Ctrl+N: the focus goes to finding the caller."""
        self.find_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.find_box.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down in the caller search goes to the people found."""
        if (
            watched is self.find_box
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and self.match_list.count()
        ):
            self._lookup_timer.stop()
            self.match_list.setFocus(Qt.FocusReason.OtherFocusReason)
            if self.match_list.currentRow() < 0:
                self.match_list.setCurrentRow(0)
            return True
        return super().eventFilter(watched, event)

    # Behaviour --------------------------------------------------------------------------------

    def kind(self) -> str:
        return next(k for k, b in self.kind_buttons.items() if b.isChecked())

    def _show_kind_guidance(self) -> None:
        self.guidance.setText(f"{TRIAGE}<br>{KIND_GUIDANCE[self.kind()]}")

    def _update_rep(self) -> None:
        self.rep_fields.setVisible(self.has_rep.isChecked())
        state = self.auth_state.currentData()
        self.auth_sent_on.setEnabled(state == "pending")
        for w in (
            self.auth_method,
            self.auth_received_on,
            self.auth_verified_by,
            self.auth_scope,
            self.auth_expires,
        ):
            w.setEnabled(state == "authorised")

    def check_time_limit(self) -> bool:
        """Warn when the issue is older than the policy's time limit; True when over it."""
        area = self.primary_area.currentText().strip()
        housing = self._housing.get(area) if area else None
        if area and housing is None:
            housing = guess_is_housing(area)
        policy = self.context.read(lambda s: choose_policy(s, housing, ""))
        received = from_qdate(self.received.date())
        try:
            issue, aware = optional_date(self.issue_date), optional_date(self.aware_date)
        except CaseworkerError:
            issue = aware = None  # half typed: judged when it is a date
        over = self.kind() == "complaint" and over_time_limit(policy, received, issue, aware)
        start = time_limit_start(policy, received)
        show_error(
            self.time_limit_warning,
            f"The issue is more than {policy.time_limit_months} months old (before "
            f"{format_day(start)}). Record a reason to accept it anyway, or log it and refuse it "
            "as over the time limit."
            if over
            else "",
        )
        self.time_limit_reason.setVisible(over)
        self.time_limit_label.setVisible(over)
        return over

    # The caller -------------------------------------------------------------------------------

    def lookup_person(self) -> None:
        """People matching what is typed in Find the caller, as far as this user may see."""
        self._lookup_timer.stop()
        typed = self.find_box.text()
        actor = self.context.actor
        self.matches = self.context.read(lambda s: find_callers(s, actor, typed))
        self.match_list.clear()
        for match in self.matches:
            item = QListWidgetItem(_match_text(match))
            item.setToolTip("\n".join(match.warnings))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, _match_text(match))
            self.match_list.addItem(item)
        self.match_list.setVisible(bool(self.matches))
        if not typed.strip():
            self.find_note.setText(FIND_HINT)
        elif self.matches:
            n = len(self.matches)
            self.find_note.setText(
                f"{n} {'person' if n == 1 else 'people'} found: Down, then Enter to pick the "
                "caller. Or fill in a new caller below."
            )
        else:
            self.find_note.setText("No one found: fill in the caller's details below.")

    def _find_now(self) -> None:
        """Enter in the search: look now, and pick the only person found."""
        self.lookup_person()
        if len(self.matches) == 1:
            self.choose_caller(self.matches[0])

    def _match_activated(self, item: QListWidgetItem) -> None:
        self.choose_caller(self.matches[self.match_list.row(item)])

    def choose_caller(self, match: CallerMatch) -> None:
        """Take the caller's details from the store; show their cases and warnings at once."""
        self.caller = match
        self._restoring = True
        self.name.setText(match.name)
        self.salutation.setText(match.salutation)
        self.address.setPlainText(match.address)
        self.postcode.setText(match.postcode)
        self.phone.setText(match.phone)
        self.email.setText(match.email)
        select_value(self.tenure, match.tenure)
        self.adjustments.setText(match.adjustments)
        self.preferred_contact.setEditText(match.preferred_contact)
        self.preferred_format.setEditText(match.preferred_format)
        self._restoring = False
        for w in self._person_inputs():
            w.setEnabled(False)
        self.new_caller_button.show()
        self._show_caller_cases(match)
        self._changed()
        self.kind_buttons[self.kind()].setFocus(Qt.FocusReason.OtherFocusReason)

    def forget_caller(self) -> None:
        """Not this person: the details become a new caller's, to edit."""
        self.caller = None
        for w in self._person_inputs():
            w.setEnabled(True)
        self.new_caller_button.hide()
        self.caller_banner.hide()
        self.other_cases.clear()
        self.other_cases.hide()
        self.other_note.setText("Their earlier cases show here once you pick the caller.")
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)
        self._changed()

    def _person_inputs(self) -> tuple[QWidget, ...]:
        return (
            self.name,
            self.salutation,
            self.address,
            self.postcode,
            self.phone,
            self.email,
            self.tenure,
            self.adjustments,
            self.preferred_contact,
            self.preferred_format,
        )

    def _show_caller_cases(self, match: CallerMatch) -> None:
        warnings = match.warnings
        self.caller_banner.setText(
            "<br>".join(f"⚠ <b>{escape(w)}</b>" for w in warnings)  # text and sign, not colour
        )
        self.caller_banner.setAccessibleDescription("; ".join(warnings))
        self.caller_banner.setVisible(bool(warnings))
        ticked = _ticked(self.other_cases, Qt.ItemDataRole.UserRole)
        self.other_cases.blockSignals(True)
        self.other_cases.clear()
        today = self.context.today()
        for case in match.cases:
            due = f" · due {format_day(case.next_due)}" if case.next_due else ""
            late = " (overdue)" if case.next_due and case.next_due < today else ""
            item = QListWidgetItem(
                f"{case.reference} · {kind_label(case.kind)} · {status_label(case.status)} · "
                f"received {format_day(case.received)}{due}{late}"
            )
            item.setData(Qt.ItemDataRole.UserRole, case.reference)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if case.reference in ticked else Qt.CheckState.Unchecked
            )
            self.other_cases.addItem(item)
        self.other_cases.blockSignals(False)
        self.other_cases.setVisible(bool(match.cases))
        n = len(match.cases)
        self.other_note.setText(
            f"{match.name}: {n} earlier case{'s' if n != 1 else ''}. Tick one to link this "
            "contact to it instead of duplicating it."
            if n
            else f"{match.name}: no earlier cases."
        )

    # Discarding -------------------------------------------------------------------------------

    def has_typing(self) -> bool:
        """True when anything has been typed or chosen (there is something to lose)."""
        state, empty = self.form_state(), self._empty_state
        return any(state.get(k) != v for k, v in empty.items()) or bool(self.find_box.text())

    def ask_discard(self) -> bool:
        """Esc or Clear: ask, then clear; True when the form was cleared."""
        if self.has_typing() and not self.confirm_discard():
            return False
        self.clear_form()
        return True

    def confirm_discard(self) -> bool:
        answer = QMessageBox.question(
            self,
            "Discard this contact?",
            DISCARD_QUESTION,
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard

    def _changed(self, *_args: object) -> None:
        if not self._restoring:
            self._draft_timer.start()

    # The record -------------------------------------------------------------------------------

    def new_record(self) -> NewRecord:
        """What the form says, as the intake service takes it."""
        person = PersonInput(
            name=self.name.text(),
            salutation=self.salutation.text(),
            address=self.address.toPlainText(),
            postcode=self.postcode.text(),
            phone=self.phone.text(),
            email=self.email.text(),
            tenure=str(self.tenure.currentData() or ""),
            preferred_contact=self.preferred_contact.currentText(),
            preferred_format=self.preferred_format.currentText(),
            adjustments=self.adjustments.text(),
        )
        reps: tuple[RepresentativeInput, ...] = ()
        if self.has_rep.isChecked():
            state = str(self.auth_state.currentData())
            authorised = state == "authorised"
            reps = (
                RepresentativeInput(
                    person=PersonInput(
                        name=self.rep_name.text(),
                        address=self.rep_address.text(),
                        postcode=self.rep_postcode.text(),
                        phone=self.rep_phone.text(),
                    ),
                    relationship=str(self.rep_relationship.currentData()),
                    raised_it=self.rep_raised.isChecked(),
                    auth_state=state,
                    auth_method=str(self.auth_method.currentData()) if authorised else "",
                    auth_sent_on=from_qdate(self.auth_sent_on.date())
                    if state == "pending"
                    else None,
                    auth_received_on=from_qdate(self.auth_received_on.date())
                    if authorised
                    else None,
                    auth_scope=str(self.auth_scope.currentData())
                    if authorised
                    else "this-complaint",
                    auth_expires=optional_date(self.auth_expires) if authorised else None,
                    auth_verified_by=self.auth_verified_by.text() if authorised else "",
                ),
            )
        primary = self.primary_area.currentText().strip()
        areas = tuple(dict.fromkeys(a for a in (primary, *_ticked(self.other_areas)) if a))
        return NewRecord(
            kind=self.kind(),
            received=self.received.value() or self.context.today(),
            complainants=(self.caller.person_id if self.caller else person,),
            description=self.description.toPlainText(),
            channel=str(self.channel.currentData()),
            site=self.site.currentText().strip(),
            service_areas=areas,
            themes=tuple(_ticked(self.themes)),
            desired_outcome=self.desired_outcome.toPlainText(),
            issue_date=optional_date(self.issue_date),
            aware_date=optional_date(self.aware_date),
            time_limit_reason=self.time_limit_reason.text(),
            representatives=reps,
            restricted=self.restricted.isChecked(),
            links=tuple(_ticked(self.other_cases, Qt.ItemDataRole.UserRole)),
        )

    def log_contact(self) -> str | None:
        """Log the contact; on a refusal show why and keep everything typed."""
        actor, today = self.context.actor, self.context.today()
        try:
            new = self.new_record()

            def run(session: Session) -> str:
                case = log_record(session, actor, new, today=today)
                drafts.clear_draft(session, actor.username, DRAFT_FORM)
                return case.reference

            reference = self.context.write(run)
        except CaseworkerError as exc:
            show_error(self.error, str(exc))
            return None
        show_error(self.error, "")
        self._draft_timer.stop()
        self._reset()
        self.draft_label.setText(f"Logged as {reference}.")
        self.context.case_changed.emit(reference)
        self.case_logged.emit(reference)
        return reference

    def clear_form(self) -> None:
        self._reset()
        self.context.write(lambda s: drafts.clear_draft(s, self.context.actor.username, DRAFT_FORM))
        self.draft_label.setText("Form cleared.")

    def _reset(self) -> None:
        self._restoring = True
        self.restore({})
        self._restoring = False
        self.forget_caller_quietly()

    def forget_caller_quietly(self) -> None:
        self._restoring = True
        self.forget_caller()
        self.find_box.clear()
        self.lookup_person()
        self._restoring = False
        self._draft_timer.stop()

    # Drafts -----------------------------------------------------------------------------------

    def form_state(self) -> dict[str, Any]:
        """Everything typed, as JSON-safe values (what the draft keeps)."""
        state: dict[str, Any] = {"kind": self.kind()}
        for key, w in self._named_inputs().items():
            if isinstance(w, QLineEdit):  # date boxes too: what is typed, even half a date
                state[key] = w.text()
            elif isinstance(w, QPlainTextEdit):
                state[key] = w.toPlainText()
            elif isinstance(w, QCheckBox):
                state[key] = w.isChecked()
            elif isinstance(w, QComboBox):
                state[key] = w.currentText() if w.isEditable() else w.currentData()
        state["other_areas"] = _ticked(self.other_areas)
        state["themes"] = _ticked(self.themes)
        state["find"] = self.find_box.text()
        state["caller"] = self.caller.person_id if self.caller else ""
        state["links"] = _ticked(self.other_cases, Qt.ItemDataRole.UserRole)
        return state

    def restore(self, state: dict[str, Any]) -> None:
        """Put a saved state back into the form ({} empties it)."""
        today = self.context.today()
        self.kind_buttons.get(
            str(state.get("kind", "complaint")), self.kind_buttons["complaint"]
        ).setChecked(True)
        for key, w in self._named_inputs().items():
            value = state.get(key)
            if isinstance(w, DateBox):
                if value:
                    w.setText(str(value))
                else:
                    w.set_value(None if w.optional else today)
            elif isinstance(w, QLineEdit):
                w.setText(str(value or ""))
            elif isinstance(w, QPlainTextEdit):
                w.setPlainText(str(value or ""))
            elif isinstance(w, QCheckBox):
                w.setChecked(bool(value) if key in state else key == "rep_raised")
            elif isinstance(w, QComboBox):
                if w.isEditable():
                    w.setEditText(str(value or ""))
                elif value is not None:
                    select_value(w, value)
                else:
                    w.setCurrentIndex(1 if w is self.auth_state else 0)
        for item_list, key in ((self.other_areas, "other_areas"), (self.themes, "themes")):
            wanted = set(state.get(key) or ())
            for i in range(item_list.count()):
                item = item_list.item(i)
                item.setCheckState(
                    Qt.CheckState.Checked if item.text() in wanted else Qt.CheckState.Unchecked
                )
        self._update_rep()
        self._show_kind_guidance()
        self.check_time_limit()

    def _named_inputs(self) -> dict[str, QWidget]:
        names = (
            "name salutation address postcode phone email tenure description desired_outcome "
            "received channel site primary_area issue_date aware_date time_limit_reason has_rep "
            "rep_name rep_address rep_postcode rep_phone rep_relationship rep_raised auth_state "
            "auth_sent_on auth_method auth_received_on auth_verified_by auth_scope auth_expires "
            "adjustments preferred_contact preferred_format restricted"
        ).split()
        return {n: getattr(self, n) for n in names}

    def save_draft(self) -> None:
        """Keep what is typed in the store (debounced on every change, and on close)."""
        self._draft_timer.stop()
        state = self.form_state()
        owner = self.context.actor.username
        now = datetime.now().replace(microsecond=0)
        self.context.write(lambda s: drafts.save_draft(s, owner, DRAFT_FORM, state, now=now))
        self.draft_label.setText(f"Draft saved at {now:%H:%M}.")

    def flush_draft(self) -> None:
        """Save a pending draft now (the window is closing)."""
        if self._draft_timer.isActive():
            self.save_draft()

    def restore_draft(self) -> bool:
        """Bring back the draft left when the app last closed; True if there was one."""
        owner = self.context.actor.username
        state = self.context.read(lambda s: drafts.load_draft(s, owner, DRAFT_FORM))
        self._restoring = True
        self.restore(state or {})
        self._restoring = False
        if state:
            self.draft_label.setText("Your unsaved draft was restored.")
            self._restore_caller(state)
        return state is not None

    def _restore_caller(self, state: dict[str, Any]) -> None:
        """Find the caller again as the draft left it (if this user may still see them)."""
        self._restoring = True
        self.find_box.setText(str(state.get("find") or ""))
        self.lookup_person()
        chosen = next((m for m in self.matches if m.person_id == state.get("caller")), None)
        if chosen is not None:
            links = set(state.get("links") or ())
            self.choose_caller(chosen)
            for i in range(self.other_cases.count()):
                item = self.other_cases.item(i)
                if item.data(Qt.ItemDataRole.UserRole) in links:
                    item.setCheckState(Qt.CheckState.Checked)
        self._restoring = False
        self._draft_timer.stop()


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


def _ticked(
    item_list: QListWidget, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole
) -> list[str]:
    return [
        str(item_list.item(i).data(role))
        for i in range(item_list.count())
        if item_list.item(i).checkState() == Qt.CheckState.Checked
    ]


def _changed_signal(w: QWidget) -> Any:
    if isinstance(w, QLineEdit):
        return w.textChanged
    if isinstance(w, QPlainTextEdit):
        return w.textChanged
    if isinstance(w, QCheckBox | QRadioButton):
        return w.toggled
    if isinstance(w, DateBox):
        return w.textChanged
    if isinstance(w, QComboBox):
        return w.currentTextChanged
    raise TypeError(type(w))


def _buddy(text: str, widget: QWidget) -> QLabel:
    """A label whose Alt key (the letter after &) moves the focus to ``widget``."""
    label = QLabel(text)
    label.setBuddy(widget)
    return label


def _pair(first: QWidget, label: QLabel, second: QWidget) -> QWidget:
    """Two fields on one row (postcode and phone...), the second with its own label."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(first, 1)
    layout.addWidget(label)
    layout.addWidget(second, 1)
    return row


def _match_text(match: CallerMatch) -> str:
    """One line per person found: who, where, how many cases, and any warning in words."""
    parts = [match.name]
    parts += [p for p in (match.postcode, match.phone, match.email) if p]
    n = len(match.cases)
    parts.append(f"{n} case{'s' if n != 1 else ''}")
    if match.do_not_contact:
        parts.append("⚠ do not contact")
    if match.restriction:
        parts.append("⚠ contact restriction")
    if match.adjustments:
        parts.append("adjustments")
    return " · ".join(parts)
