"""The New contact form: guidance, time limit warning, repeat contacts, representative, draft."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QBoxLayout, QGroupBox, QLabel, QWidget
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
    qtbot.keyClicks(form.find_box, "Jane Doe")
    form.lookup_person()
    assert form.match_list.count() == 1
    assert form.match_list.item(0).text() == "Jane Doe · S43 4JJ · 1 case"
    assert form.find_note.text() == (
        "1 person found: Down, then Enter to pick the caller. Or fill in a new caller below."
    )
    form.match_list.itemActivated.emit(form.match_list.item(0))
    assert form.name.text() == "Jane Doe" and not form.name.isEnabled()
    assert form.other_cases.count() == 1
    item = form.other_cases.item(0)
    assert item.text() == (
        f"{earlier} · Complaint · Logged · received Mon 2 Feb 2026 · due Mon 9 Feb 2026"
    )
    assert form.other_note.text() == (
        "Jane Doe: 1 earlier case. Tick one to link this contact to it instead of duplicating it."
    )
    item.setCheckState(Qt.CheckState.Checked)
    qtbot.keyClicks(form.description, "Damp in the back bedroom")
    reference = form.log_contact()
    assert reference is not None
    detail = context.read(
        lambda s: load_case_detail(s, reference, date(2026, 2, 2), actor=LOCAL_ADMIN)
    )
    assert detail.linked == (earlier,)
    first = context.read(
        lambda s: load_case_detail(s, earlier, date(2026, 2, 2), actor=LOCAL_ADMIN)
    )
    assert detail.complainants[0].person_id == first.complainants[0].person_id


def test_not_this_person_makes_a_new_caller(qtbot, context: AppContext, store: Store) -> None:
    earlier = log(store)
    form = IntakeView(context)
    qtbot.addWidget(form)
    qtbot.keyClicks(form.find_box, "S43 4JJ")
    qtbot.keyClick(form.find_box, Qt.Key.Key_Return)  # the only one found is picked
    assert form.caller is not None
    form.new_caller_button.click()
    assert form.caller is None and form.name.isEnabled() and form.other_cases.count() == 0
    form.name.setText("Janet Doe")
    qtbot.keyClicks(form.description, "Damp")
    reference = form.log_contact()
    assert reference is not None
    detail = context.read(
        lambda s: load_case_detail(s, reference, date(2026, 2, 2), actor=LOCAL_ADMIN)
    )
    first = context.read(
        lambda s: load_case_detail(s, earlier, date(2026, 2, 2), actor=LOCAL_ADMIN)
    )
    assert detail.complainants[0].name == "Janet Doe"
    assert detail.complainants[0].person_id != first.complainants[0].person_id


def test_escape_asks_before_discarding(qtbot, context: AppContext, monkeypatch) -> None:
    form = IntakeView(context)
    qtbot.addWidget(form)
    with qtbot.waitActive(form):
        form.show()
        form.activateWindow()
    answers: list[bool] = []
    monkeypatch.setattr(form, "confirm_discard", lambda: answers.pop(0))
    form.description.setFocus()
    qtbot.keyClicks(form.description, "Damp")
    answers.append(False)  # keep typing
    qtbot.keyClick(form.description, Qt.Key.Key_Escape)
    assert form.description.toPlainText() == "Damp" and answers == []
    answers.append(True)  # discard
    qtbot.keyClick(form.description, Qt.Key.Key_Escape)
    assert form.description.toPlainText() == ""
    assert form.draft_label.text() == "Form cleared."
    qtbot.keyClick(form.description, Qt.Key.Key_Escape)  # nothing typed: nothing asked


def test_draft_keeps_the_chosen_caller(qtbot, context: AppContext, store: Store) -> None:
    earlier = log(store)
    form = IntakeView(context)
    qtbot.addWidget(form)
    qtbot.keyClicks(form.find_box, "S43 4JJ")
    qtbot.keyClick(form.find_box, Qt.Key.Key_Return)
    form.other_cases.item(0).setCheckState(Qt.CheckState.Checked)
    qtbot.keyClicks(form.description, "Damp")
    form.save_draft()
    again = IntakeView(context)
    qtbot.addWidget(again)
    assert again.caller is not None and again.caller.name == "Jane Doe"
    assert again.description.toPlainText() == "Damp"
    assert again.other_cases.item(0).data(Qt.ItemDataRole.UserRole) == earlier
    assert again.other_cases.item(0).checkState() == Qt.CheckState.Checked


def test_alt_keys_are_unique_on_the_page_and_menus(qtbot, context: AppContext) -> None:
    from ui.main_window import MainWindow

    window = MainWindow(context)
    qtbot.addWidget(window)
    keys = [m.title() for m in window.menus.values()]
    for w in window.intake.findChildren(QWidget):
        if isinstance(w, QLabel) and w.buddy() is not None and "&" in w.text():
            keys.append(w.text())
        elif isinstance(w, QAbstractButton | QGroupBox) and "&" in _text(w):
            keys.append(_text(w))
    letters = [k[k.index("&") + 1].lower() for k in keys]
    duplicates = {x for x in letters if letters.count(x) > 1}
    assert duplicates == set(), [k for k in keys if k[k.index("&") + 1].lower() in duplicates]
    assert len(letters) >= 20


def test_an_ordinary_complaint_fits_1366x768_without_scrolling(qtbot, context: AppContext) -> None:
    from ui.main_window import MainWindow

    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.show_page("intake")
    qtbot.waitExposed(window)
    bar = window.intake.scroll_area.verticalScrollBar()
    assert bar.maximum() == 0, bar.maximum()
    assert window.intake.columns.direction() == QBoxLayout.Direction.LeftToRight


def _text(w: QWidget) -> str:
    return w.title() if isinstance(w, QGroupBox) else w.text()  # type: ignore[attr-defined]


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
