"""New contact: the form an advisor fills in with a resident on the phone, kept as a draft."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
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
from caseworker.services.case_view import find_person_cases
from caseworker.services.intake import (
    NewRecord,
    RepresentativeInput,
    choose_policy,
    log_record,
    over_time_limit,
    time_limit_start,
)
from caseworker.services.people import PersonInput
from caseworker.services.ui_reads import load_settings
from ui.context import AppContext
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
    to_qdate,
    vocab_combo,
)

DRAFT_FORM = "intake"
DRAFT_DELAY_MS = 1000
LOOKUP_DELAY_MS = 400

GUIDANCE = (
    "<b>Which kind of contact is it?</b><ul>"
    "<li><b>Complaint</b>: they are unhappy with our service, what we did or did not do, our "
    "staff or our contractors. They do not have to use the word “complaint”.</li>"
    "<li><b>Service request</b>: they want us to do or fix something (a repair, a missed bin). "
    "If they are unhappy with how a request was handled, that is a complaint.</li>"
    "<li><b>Compliment</b> or <b>comment</b>: praise, a suggestion or a view. We pass it on "
    "within 5 working days.</li>"
    "<li><b>MP enquiry</b> or <b>councillor enquiry</b>: an elected representative asks on "
    "someone’s behalf. The MP’s office can ask for it to be a complaint instead.</li></ul>"
)
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


class IntakeView(QWidget):
    """Log a complaint, service request, compliment, comment or enquiry."""

    case_logged = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._restoring = False
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DELAY_MS)
        self._lookup_timer = QTimer(self)
        self._lookup_timer.setSingleShot(True)
        self._lookup_timer.setInterval(LOOKUP_DELAY_MS)
        self._build()
        self.reload_choices()
        self._connect_signals()
        self.restore_draft()

    # Building ---------------------------------------------------------------------------------

    def _build(self) -> None:
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(heading("New contact"))
        guidance = QLabel(GUIDANCE)
        guidance.setWordWrap(True)
        guidance.setTextFormat(Qt.TextFormat.RichText)
        guidance.setAccessibleName("Guidance: which kind of contact is it")
        layout.addWidget(guidance)

        kind_box = QGroupBox("Kind of contact")
        kind_row = QGridLayout(kind_box)
        self.kind_group = QButtonGroup(self)
        self.kind_buttons: dict[str, QRadioButton] = {}
        for i, kind in enumerate(RecordKind):
            button = QRadioButton(kind.label)
            button.setAccessibleName(f"Kind: {kind.label}")
            self.kind_group.addButton(button, i)
            self.kind_buttons[kind.value] = button
            kind_row.addWidget(button, i // 3, i % 3)
        self.kind_buttons["complaint"].setChecked(True)
        layout.addWidget(kind_box)

        who = QGroupBox("Who")
        form = self._form(who)
        self.name = self._line(form, "&Name", "Resident's name")
        self.salutation = self._line(form, "Salutation", "How to address them, e.g. Dear Ms Doe")
        self.address = self._line(form, "Address", "Address")
        self.postcode = self._line(form, "&Postcode", "Postcode")
        self.phone = self._line(form, "P&hone", "Phone number")
        self.email = self._line(form, "E&mail", "Email address")
        self.tenure = vocab_combo("Tenure", Tenure, blank="Not known")
        form.addRow("&Tenure", self.tenure)
        layout.addWidget(who)

        other = QGroupBox("Their other cases")
        other_layout = QVBoxLayout(other)
        self.other_note = QLabel("Type a name, postcode, phone or email to find their other cases.")
        self.other_note.setWordWrap(True)
        other_layout.addWidget(self.other_note)
        self.other_cases = QListWidget()
        self.other_cases.setAccessibleName(
            "Their other cases: tick one to link this contact to it instead of duplicating it"
        )
        self.other_cases.setMaximumHeight(self.fontMetrics().height() * 7)
        other_layout.addWidget(self.other_cases)
        layout.addWidget(other)

        what = QGroupBox("What, where and when")
        form = self._form(what)
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setAccessibleName("What the contact is about")
        self.description.setMinimumHeight(self.fontMetrics().height() * 4)
        form.addRow("&What it is about", self.description)
        self.desired_outcome = QPlainTextEdit()
        self.desired_outcome.setTabChangesFocus(True)
        self.desired_outcome.setAccessibleName("What they want to happen")
        self.desired_outcome.setMinimumHeight(self.fontMetrics().height() * 3)
        form.addRow("What they &want to happen", self.desired_outcome)
        today = self.context.today()
        self.received = date_edit("Date received", today)
        form.addRow("Date &received", self.received)
        self.channel = vocab_combo("How they contacted us", Channel)
        form.addRow("How they &contacted us", self.channel)
        self.site = QComboBox()
        self.site.setEditable(True)
        self.site.setAccessibleName("Site (contact centre or office)")
        form.addRow("&Site", self.site)
        self.primary_area = QComboBox()
        self.primary_area.setEditable(True)
        self.primary_area.setAccessibleName("Main service area")
        form.addRow("Main service &area", self.primary_area)
        self.other_areas = QListWidget()
        self.other_areas.setAccessibleName("Other service areas it concerns")
        self.other_areas.setMaximumHeight(self.fontMetrics().height() * 6)
        form.addRow("Other service areas", self.other_areas)
        self.themes = QListWidget()
        self.themes.setAccessibleName("Themes")
        self.themes.setMaximumHeight(self.fontMetrics().height() * 6)
        form.addRow("T&hemes", self.themes)
        self.issue_date = date_edit("Date of the issue", today, optional=True)
        form.addRow("Date of the &issue", self.issue_date)
        self.aware_date = date_edit("Date they became aware", today, optional=True)
        form.addRow("Date they became a&ware", self.aware_date)
        self.time_limit_warning = error_label("Time limit warning")
        form.addRow(self.time_limit_warning)
        self.time_limit_reason = QLineEdit()
        self.time_limit_reason.setAccessibleName(
            "Reason to accept it although it is over the time limit"
        )
        self.time_limit_label = QLabel("Reason to accept it anyway")
        self.time_limit_label.setBuddy(self.time_limit_reason)
        form.addRow(self.time_limit_label, self.time_limit_reason)
        layout.addWidget(what)

        rep_box = QGroupBox("Someone acting for them")
        rep_layout = QVBoxLayout(rep_box)
        self.has_rep = QCheckBox(
            "A &representative (relative, advocate, councillor, MP…) is involved"
        )
        rep_layout.addWidget(self.has_rep)
        self.rep_fields = QWidget()
        form = self._form(self.rep_fields)
        self.rep_name = self._line(form, "Representative's name", "Representative's name")
        self.rep_address = self._line(form, "Representative's address", "Representative's address")
        self.rep_postcode = self._line(
            form, "Representative's postcode", "Representative's postcode"
        )
        self.rep_phone = self._line(form, "Representative's phone", "Representative's phone")
        self.rep_relationship = vocab_combo("Relationship to the resident", Relationship)
        form.addRow("Relationship", self.rep_relationship)
        self.rep_raised = QCheckBox("They raised it for the resident")
        self.rep_raised.setChecked(True)
        form.addRow("", self.rep_raised)
        self.auth_state = choice_combo("Authorisation", _AUTH_STATES)
        self.auth_state.setCurrentIndex(1)
        form.addRow("Auth&orisation", self.auth_state)
        self.auth_sent_on = date_edit("Authorisation form sent on", today)
        form.addRow("Form sent on", self.auth_sent_on)
        self.auth_method = vocab_combo("How it was given", AuthorisationMethod)
        form.addRow("How it was given", self.auth_method)
        self.auth_received_on = date_edit("Authorisation given on", today)
        form.addRow("Given on", self.auth_received_on)
        self.auth_verified_by = self._line(
            form, "Verified by", "Who verified a verbal authorisation"
        )
        self.auth_scope = vocab_combo("What it covers", AuthorisationScope)
        form.addRow("Covers", self.auth_scope)
        self.auth_expires = date_edit("Authorisation expires", today, optional=True)
        form.addRow("Expires", self.auth_expires)
        rep_layout.addWidget(self.rep_fields)
        layout.addWidget(rep_box)

        needs = QGroupBox("Adjustments, contact and safety")
        form = self._form(needs)
        self.adjustments = self._line(
            form, "Reasonable a&djustments", "Reasonable adjustments agreed"
        )
        self.preferred_contact = choice_combo("Preferred contact", ((c, c) for c in _CONTACT_WAYS))
        self.preferred_contact.setEditable(True)
        form.addRow("Preferred contact", self.preferred_contact)
        self.preferred_format = choice_combo("Preferred format", ((f, f) for f in _FORMATS))
        self.preferred_format.setEditable(True)
        form.addRow("Preferred format", self.preferred_format)
        self.restricted = QCheckBox("Restricted case")
        self.restricted.setAccessibleName("Restricted case")
        self.restricted.setAccessibleDescription(RESTRICTED_HINT)
        form.addRow(self.restricted)
        form.addRow(_hint(RESTRICTED_HINT))
        layout.addWidget(needs)

        self.error = error_label("Why the contact could not be logged")
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("&Log this contact")
        self.save_button.setAccessibleName("Log this contact")
        self.clear_button = QPushButton("Clear the form")
        self.draft_label = QLabel()
        self.draft_label.setAccessibleName("Draft status")
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.draft_label, 1)
        layout.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scrolling(body))
        self._update_rep()

    def _form(self, parent: QWidget) -> QFormLayout:
        form = QFormLayout(parent)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        return form

    def _line(self, form: QFormLayout, label: str, name: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(name)
        form.addRow(label, edit)
        return edit

    def _connect_signals(self) -> None:
        for w in self._inputs():
            signal = _changed_signal(w)
            signal.connect(self._changed)
        for item_list in (self.other_areas, self.themes, self.other_cases):
            item_list.itemChanged.connect(lambda _i: self._changed())
        for w in (self.name, self.postcode, self.phone, self.email):
            w.textChanged.connect(lambda _t: self._lookup_timer.start())
        self._lookup_timer.timeout.connect(self.lookup_person)
        self._draft_timer.timeout.connect(self.save_draft)
        self.has_rep.toggled.connect(lambda _on: self._update_rep())
        self.auth_state.currentIndexChanged.connect(lambda _i: self._update_rep())
        for w in (self.issue_date, self.aware_date, self.received):
            w.dateChanged.connect(lambda _d: self.check_time_limit())
        self.kind_group.idToggled.connect(lambda _i, _on: self.check_time_limit())
        self.primary_area.currentTextChanged.connect(lambda _t: self.check_time_limit())
        self.save_button.clicked.connect(self.log_contact)
        self.clear_button.clicked.connect(self.clear_form)
        self.context.settings_changed.connect(self.reload_choices)

    def _inputs(self) -> list[QWidget]:
        return [
            self.name,
            self.salutation,
            self.address,
            self.postcode,
            self.phone,
            self.email,
            self.tenure,
            self.description,
            self.desired_outcome,
            self.received,
            self.channel,
            self.site,
            self.primary_area,
            self.issue_date,
            self.aware_date,
            self.time_limit_reason,
            self.has_rep,
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
            self.adjustments,
            self.preferred_contact,
            self.preferred_format,
            self.restricted,
            *self.kind_buttons.values(),
        ]

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

    # Behaviour --------------------------------------------------------------------------------

    def kind(self) -> str:
        return next(k for k, b in self.kind_buttons.items() if b.isChecked())

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
            housing = "housing" in area.lower() or "repair" in area.lower()
        policy = self.context.read(lambda s: choose_policy(s, housing, ""))
        received = from_qdate(self.received.date())
        over = self.kind() == "complaint" and over_time_limit(
            policy, received, optional_date(self.issue_date), optional_date(self.aware_date)
        )
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

    def lookup_person(self) -> None:
        """Show the resident's other cases so a repeat contact can be linked."""
        name, postcode = self.name.text(), self.postcode.text()
        phone, email = self.phone.text(), self.email.text()
        rows = self.context.read(
            lambda s: find_person_cases(s, self.context.actor, name, postcode, phone, email)
        )
        ticked = _ticked(self.other_cases)
        self.other_cases.blockSignals(True)
        self.other_cases.clear()
        for reference, kind, status, received in rows:
            item = QListWidgetItem(
                f"{reference} · {kind_label(kind)} · {status_label(status)} · received "
                f"{format_day(received)}"
            )
            item.setData(Qt.ItemDataRole.UserRole, reference)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if reference in ticked else Qt.CheckState.Unchecked
            )
            self.other_cases.addItem(item)
        self.other_cases.blockSignals(False)
        self.other_note.setText(
            f"{len(rows)} other case{'s' if len(rows) != 1 else ''} found: tick one to link this "
            "contact to it instead of duplicating it."
            if rows
            else "No other cases found for them."
        )

    def _changed(self, *_args: object) -> None:
        if not self._restoring:
            self._draft_timer.start()

    # The record -------------------------------------------------------------------------------

    def new_record(self) -> NewRecord:
        """What the form says, as the intake service takes it."""
        person = PersonInput(
            name=self.name.text(),
            salutation=self.salutation.text(),
            address=self.address.text(),
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
            received=from_qdate(self.received.date()),
            complainants=(person,),
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

    # Drafts -----------------------------------------------------------------------------------

    def form_state(self) -> dict[str, Any]:
        """Everything typed, as JSON-safe values (what the draft keeps)."""
        state: dict[str, Any] = {"kind": self.kind()}
        for key, w in self._named_inputs().items():
            if isinstance(w, QLineEdit):
                state[key] = w.text()
            elif isinstance(w, QPlainTextEdit):
                state[key] = w.toPlainText()
            elif isinstance(w, QCheckBox):
                state[key] = w.isChecked()
            elif isinstance(w, QDateEdit):
                state[key] = (
                    _iso(optional_date(w)) if w.specialValueText() else _iso(from_qdate(w.date()))
                )
            elif isinstance(w, QComboBox):
                state[key] = w.currentText() if w.isEditable() else w.currentData()
        state["other_areas"] = _ticked(self.other_areas)
        state["themes"] = _ticked(self.themes)
        return state

    def restore(self, state: dict[str, Any]) -> None:
        """Put a saved state back into the form ({} empties it)."""
        today = self.context.today()
        self.kind_buttons.get(
            str(state.get("kind", "complaint")), self.kind_buttons["complaint"]
        ).setChecked(True)
        for key, w in self._named_inputs().items():
            value = state.get(key)
            if isinstance(w, QLineEdit):
                w.setText(str(value or ""))
            elif isinstance(w, QPlainTextEdit):
                w.setPlainText(str(value or ""))
            elif isinstance(w, QCheckBox):
                w.setChecked(bool(value) if key in state else key == "rep_raised")
            elif isinstance(w, QDateEdit):
                if value:
                    w.setDate(to_qdate(date.fromisoformat(str(value))))
                else:
                    w.setDate(w.minimumDate() if w.specialValueText() else to_qdate(today))
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
        self.other_cases.clear()
        self._update_rep()
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
            self.lookup_person()
        return state is not None


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
    if isinstance(w, QDateEdit):
        return w.dateChanged
    if isinstance(w, QComboBox):
        return w.currentTextChanged
    raise TypeError(type(w))
