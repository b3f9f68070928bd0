"""The New contact form: guidance, time limit warning, repeat contacts, representative, draft."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from ui_helpers import log

from caseworker.services.actor import LOCAL_ADMIN
from caseworker.services.case_view import load_case_detail
from caseworker.services.drafts import load_draft
from db.store import Store
from ui.context import AppContext
from ui.views.intake import IntakeView
from ui.widgets import select_value, to_qdate


def _fill_basics(form: IntakeView, qtbot) -> None:
    qtbot.keyClicks(form.name, "Jane Doe")
    qtbot.keyClicks(form.postcode, "S43 4JJ")
    qtbot.keyClicks(form.description, "Damp in the back bedroom")


def test_form_offers_the_kind_guidance(qtbot, context: AppContext) -> None:
    form = IntakeView(context)
    qtbot.addWidget(form)
    assert [b.text() for b in form.kind_buttons.values()] == [
        "Complaint",
        "Service request",
        "Compliment",
        "Comment",
        "MP enquiry",
        "Councillor enquiry",
    ]
    assert form.kind() == "complaint"


def test_old_issue_warns_and_needs_a_reason(qtbot, context: AppContext, store: Store) -> None:
    form = IntakeView(context)
    qtbot.addWidget(form)
    _fill_basics(form, qtbot)
    form.primary_area.setEditText("Housing Repairs")
    form.issue_date.setDate(to_qdate(date(2024, 12, 1)))
    assert form.time_limit_warning.text() == (
        "⚠ The issue is more than 12 months old (before Sun 2 Feb 2025). Record a reason to "
        "accept it anyway, or log it and refuse it as over the time limit."
    )
    assert form.log_contact() is None
    assert form.error.text() == (
        "⚠ The issue is more than 12 months old (before Sun 2 Feb 2025); record a reason to "
        "accept it anyway, or refuse it as over the time limit"
    )
    assert form.name.text() == "Jane Doe"  # nothing typed is lost
    form.time_limit_reason.setText("The resident was in hospital")
    reference = form.log_contact()
    assert reference == "CW-2026-000001"
    assert form.error.isHidden()
    # A service request has no time limit.
    form.kind_buttons["service-request"].setChecked(True)
    form.issue_date.setDate(to_qdate(date(2020, 1, 1)))
    assert form.time_limit_warning.isHidden()


def test_repeat_contact_is_found_and_linked(qtbot, context: AppContext, store: Store) -> None:
    earlier = log(store)
    form = IntakeView(context)
    qtbot.addWidget(form)
    _fill_basics(form, qtbot)
    form.lookup_person()
    assert form.other_cases.count() == 1
    item = form.other_cases.item(0)
    assert item.text() == f"{earlier} · Complaint · Logged · received Mon 2 Feb 2026"
    assert form.other_note.text() == (
        "1 other case found: tick one to link this contact to it instead of duplicating it."
    )
    item.setCheckState(Qt.CheckState.Checked)
    reference = form.log_contact()
    assert reference is not None
    detail = context.read(
        lambda s: load_case_detail(s, reference, date(2026, 2, 2), actor=LOCAL_ADMIN)
    )
    assert detail.linked == (earlier,)


def test_representative_and_adjustments_are_recorded(qtbot, context: AppContext) -> None:
    form = IntakeView(context)
    qtbot.addWidget(form)
    _fill_basics(form, qtbot)
    form.has_rep.setChecked(True)
    qtbot.keyClicks(form.rep_name, "John Smith")
    select_value(form.rep_relationship, "relative")
    select_value(form.auth_state, "pending")
    qtbot.keyClicks(form.adjustments, "Large print letters")
    form.preferred_format.setEditText("Large print")
    form.restricted.setChecked(True)
    select_value(form.channel, "bsl-video-call")
    reference = form.log_contact()
    assert reference is not None
    d = context.read(lambda s: load_case_detail(s, reference, date(2026, 2, 2), actor=LOCAL_ADMIN))
    assert (d.channel, d.restricted) == ("bsl-video-call", True)
    rep = d.representatives[0]
    assert (rep.name, rep.auth_state, rep.auth_sent_on) == (
        "John Smith",
        "pending",
        date(2026, 2, 2),
    )
    assert d.complainants[0].adjustments == "Large print letters"
    assert d.banners == (
        "Restricted case: safeguarding. Share nothing without checking with the case officer.",
        "Reasonable adjustments for Jane Doe: Large print letters",
        "Do not discuss personal details with John Smith: authorisation pending since Mon 2 Feb",
    )


def test_refused_save_keeps_the_form(qtbot, context: AppContext) -> None:
    form = IntakeView(context)
    qtbot.addWidget(form)
    qtbot.keyClicks(form.name, "Jane Doe")
    assert form.log_contact() is None
    assert form.error.text() == "⚠ Describe what the contact is about"
    assert form.name.text() == "Jane Doe"


def test_draft_is_saved_as_you_type_and_cleared_on_save(
    qtbot, context: AppContext, store: Store
) -> None:
    form = IntakeView(context)
    qtbot.addWidget(form)
    form._draft_timer.setInterval(10)
    qtbot.keyClicks(form.name, "Jane")
    qtbot.waitUntil(lambda: form.draft_label.text().startswith("Draft saved at"), timeout=2000)
    with store.read() as s:
        draft = load_draft(s, "asmith", "intake")
    assert draft is not None and draft["name"] == "Jane" and draft["kind"] == "complaint"
    qtbot.keyClicks(form.description, "Damp")
    assert form.log_contact() is not None
    with store.read() as s:
        assert load_draft(s, "asmith", "intake") is None
