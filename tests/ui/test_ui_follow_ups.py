"""The case view's dialogs for representatives, remedies, actions and the Ombudsman's decision."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QTableWidget, QWidget
from pytestqt.qtbot import QtBot
from ui_helpers import OFFICER, log

from caseworker.services import ending, stages
from caseworker.services.actor import Actor, Role
from caseworker.services.intake import RepresentativeInput
from caseworker.services.people import PersonInput
from db.store import Store
from ui.clock import FixedClock
from ui.context import AppContext
from ui.dialogs.base import FieldsDialog
from ui.views.case_view import CaseView
from ui.widgets import select_value, to_qdate

ACKNOWLEDGED = date(2026, 2, 4)  # Wed
RESPONDED = date(2026, 2, 13)  # Fri
TODAY = date(2026, 2, 16)  # Mon
SON = RepresentativeInput(
    person=PersonInput(name="Tom Doe", postcode="S43 4JJ"),
    relationship="relative",
    raised_it=False,
    auth_state="pending",
    auth_sent_on=date(2026, 2, 2),
)
FOLLOW_UPS = {
    "add-representative",
    "record-authorisation",
    "revoke-authorisation",
    "add-remedy",
    "complete-remedy",
    "add-action",
    "complete-action",
    "agree-update-interval",
    "record-determination",
}


def responded(store: Store, *, referred: date | None = None) -> str:
    """A complaint with a pending representative, answered at Stage 1 with one remedy and one
    outstanding action, and referred to the Ombudsman on ``referred`` if given."""
    reference = log(store, representatives=(SON,))
    with store.write() as s:
        stages.acknowledge(
            s,
            OFFICER,
            reference,
            acknowledged=ACKNOWLEDGED,
            definition=stages.Definition(points=("The roof leaks",), outcomes_sought="Fix it"),
            handler="A. Smith",
            expected_version=None,
            today=ACKNOWLEDGED,
        )
    response = stages.Response(
        sent_on=RESPONDED,
        decision="upheld",
        reasons="The repair was late",
        points=(stages.PointDecision("upheld", "Late"),),
        remedies=(stages.RemedyInput("apology", "A written apology"),),
        actions=(stages.ActionInput("Replace the roof felt", date(2026, 2, 27)),),
    )
    with store.write() as s:
        stages.respond(s, OFFICER, reference, response=response, expected_version=None, today=TODAY)
    if referred is not None:
        with store.write() as s:
            ending.refer_to_ombudsman(
                s, OFFICER, reference, referred_on=referred, expected_version=None, today=TODAY
            )
    return reference


@pytest.fixture
def view(qtbot: QtBot, context: AppContext, clock: FixedClock) -> CaseView:
    clock.day = TODAY
    case_view = CaseView(context)
    qtbot.addWidget(case_view)
    return case_view


def table(view: CaseView, name: str) -> list[list[str]]:
    """The rows of the case view's table with accessible name ``name``."""
    found = [t for t in view.findChildren(QTableWidget) if t.accessibleName() == name]
    assert len(found) == 1
    t = found[0]
    return [
        [t.item(r, c).text() for c in range(t.columnCount())]  # type: ignore[union-attr]
        for r in range(t.rowCount())
    ]


def open_dialog(view: CaseView, name: str) -> FieldsDialog:
    assert view.case_actions[name].isEnabled()
    view.case_actions[name].trigger()
    shown = [d for d in view.findChildren(FieldsDialog) if d.isVisible()]
    assert len(shown) == 1
    return shown[0]


def press_ok(dialog: FieldsDialog) -> None:
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert button is not None
    button.click()


def fill(dialog: FieldsDialog, **values: Any) -> None:
    for key, value in values.items():
        w = dialog.inputs[key]
        if isinstance(value, date):
            w.setDate(to_qdate(value))  # type: ignore[attr-defined]
        elif isinstance(value, bool):
            w.setChecked(value)  # type: ignore[attr-defined]
        elif isinstance(w, QComboBox):
            select_value(w, value)
        elif isinstance(value, int):
            w.setValue(value)  # type: ignore[attr-defined]
        else:
            w.setText(value) if hasattr(w, "setText") else w.setPlainText(value)  # type: ignore[attr-defined]


def refused(dialog: FieldsDialog, message: str) -> None:
    """The dialog is still open, showing ``message``."""
    assert dialog.isVisible()
    assert dialog.error.text() == f"⚠ {message}"
    assert dialog.error.isVisibleTo(dialog)


def last_event(view: CaseView) -> str:
    assert view.detail is not None
    return view.detail.timeline[-1].what


# Offered when the case allows it ------------------------------------------------------------


def test_follow_ups_are_offered_only_when_the_case_allows(view: CaseView, store: Store) -> None:
    view.show_case(log(store))
    enabled = {n for n, a in view.case_actions.items() if a.isEnabled()}
    assert enabled & FOLLOW_UPS == {"add-representative"}
    view.show_case(responded(store, referred=date(2026, 2, 16)))
    enabled = {n for n, a in view.case_actions.items() if a.isEnabled()}
    assert enabled & FOLLOW_UPS == FOLLOW_UPS


def test_a_role_that_may_not_sees_them_disabled(
    qtbot: QtBot, store: Store, clock: FixedClock
) -> None:
    clock.day = TODAY
    advisor = AppContext(store, Actor("cjones", "C. Jones", Role.ADVISOR), clock)
    view = CaseView(advisor)
    qtbot.addWidget(view)
    view.show_case(responded(store, referred=date(2026, 2, 16)))
    enabled = {n for n, a in view.case_actions.items() if a.isEnabled()}
    assert enabled == {"add-note"}
    advisor.ticker.deleteLater()


def test_each_has_a_shortcut_an_accessible_name_and_a_button_on_its_tab(
    view: CaseView, store: Store
) -> None:
    view.show_case(responded(store))
    shortcuts = {n: view.case_actions[n].shortcut().toString() for n in sorted(FOLLOW_UPS)}
    assert shortcuts == {
        "add-action": "Ctrl+Shift+Q",
        "add-remedy": "Ctrl+Shift+G",
        "add-representative": "Ctrl+Shift+J",
        "agree-update-interval": "Ctrl+Alt+U",
        "complete-action": "Ctrl+Shift+Z",
        "complete-remedy": "Ctrl+Shift+S",
        "record-authorisation": "Ctrl+Shift+H",
        "record-determination": "Ctrl+Alt+O",
        "revoke-authorisation": "Ctrl+Shift+V",
    }
    people = view.tabs.widget(2)
    assert [b.accessibleName() for b in people.findChildren(QWidget) if b.accessibleName()][:3] == [
        "Add a representative",
        "Record an authorisation",
        "Revoke an authorisation",
    ]


# Representatives and authorisation ----------------------------------------------------------


def test_add_a_representative(view: CaseView, store: Store) -> None:
    reference = log(store)
    view.show_case(reference)
    dialog = open_dialog(view, "add-representative")
    assert [dialog.inputs[k].accessibleName() for k in ("name", "auth_state", "auth_sent_on")] == [
        "Name",
        "Authorisation",
        "Form sent on",
    ]
    fill(dialog, relationship="mp", auth_state="not-needed")
    press_ok(dialog)
    refused(dialog, "A name is needed for each person")
    assert dialog.inputs["relationship"].currentData() == "mp"  # type: ignore[attr-defined]
    fill(dialog, name="Ruth Jones MP", address="House of Commons", postcode="sw1a 0aa")
    press_ok(dialog)
    assert not dialog.isVisible()
    assert table(view, "People and authorisation")[1] == [
        "Ruth Jones MP",
        "Representative (MP)",
        "House of Commons, SW1A 0AA",
        "Not needed; may be told about the case",
        "",
    ]
    assert last_event(view) == "Add representative"


def test_record_an_authorisation(view: CaseView, store: Store) -> None:
    view.show_case(responded(store))
    dialog = open_dialog(view, "record-authorisation")
    assert dialog.inputs["party"].currentText() == "Tom Doe (relative): pending"  # type: ignore[attr-defined]
    fill(dialog, method="verbal-verified", received_on=date(2026, 2, 16))
    press_ok(dialog)
    refused(dialog, "A verbal authorisation needs the name of who verified it")
    assert dialog.inputs["method"].currentData() == "verbal-verified"  # type: ignore[attr-defined]
    fill(dialog, verified_by="A. Smith", expires=date(2026, 8, 16))
    press_ok(dialog)
    assert not dialog.isVisible()
    assert table(view, "People and authorisation")[1][3] == (
        "Authorised (Verbal, verified), form sent Mon 2 Feb 2026, expires Sun 16 Aug 2026; "
        "may be told about the case"
    )


def test_revoke_an_authorisation(view: CaseView, store: Store) -> None:
    view.show_case(responded(store))
    dialog = open_dialog(view, "revoke-authorisation")
    fill(dialog, revoked_on=date(2026, 2, 17))
    press_ok(dialog)
    refused(dialog, "The revocation date cannot be in the future (Tue 17 Feb 2026)")
    fill(dialog, revoked_on=TODAY)
    press_ok(dialog)
    assert not dialog.isVisible()
    assert table(view, "People and authorisation")[1][3] == (
        "Revoked, form sent Mon 2 Feb 2026; must not be told personal details"
    )
    assert not view.case_actions["revoke-authorisation"].isEnabled()  # nobody left to revoke


# Remedies, actions and updates --------------------------------------------------------------


def test_add_a_remedy(view: CaseView, store: Store) -> None:
    view.show_case(responded(store))
    dialog = open_dialog(view, "add-remedy")
    fill(dialog, kind="financial", description="Compensation for the damaged carpet")
    press_ok(dialog)
    refused(dialog, "A financial remedy needs the amount offered")
    fill(dialog, amount_offered="£1,2x0")
    press_ok(dialog)
    refused(dialog, "'£1,2x0' is not an amount of money; write it like 150 or 150.00")
    assert dialog.inputs["description"].toPlainText() == "Compensation for the damaged carpet"  # type: ignore[attr-defined]
    fill(dialog, amount_offered="£1,250.50", due=date(2026, 3, 2))
    press_ok(dialog)
    assert not dialog.isVisible()
    assert table(view, "Remedies and outstanding actions") == [
        ["Remedy (Stage 1)", "Apology", "A written apology", "", "Outstanding"],
        [
            "Remedy (Stage 1)",
            "Financial",
            "Compensation for the damaged carpet £1,250.50",
            "Mon 2 Mar 2026",
            "Outstanding",
        ],
        ["Action (Stage 1)", "", "Replace the roof felt", "Fri 27 Feb 2026", "Outstanding"],
    ]
    assert view.detail is not None
    assert view.detail.remedies[1].amount_offered == Decimal("1250.50")


def test_complete_a_remedy(view: CaseView, store: Store) -> None:
    view.show_case(responded(store))
    dialog = open_dialog(view, "complete-remedy")
    assert dialog.inputs["remedy"].currentText() == "Apology: A written apology"  # type: ignore[attr-defined]
    fill(dialog, done=date(2026, 2, 18))
    press_ok(dialog)
    refused(dialog, "The date done cannot be in the future (Wed 18 Feb 2026)")
    fill(dialog, done=TODAY)
    press_ok(dialog)
    assert table(view, "Remedies and outstanding actions")[0][4] == "Done Mon 16 Feb 2026"
    assert not view.case_actions["complete-remedy"].isEnabled()


def test_add_an_outstanding_action(view: CaseView, store: Store) -> None:
    view.show_case(responded(store))
    dialog = open_dialog(view, "add-action")
    press_ok(dialog)
    refused(dialog, "Describe the action")
    fill(dialog, description="Inspect the loft insulation", due=date(2026, 3, 6))
    press_ok(dialog)
    assert not dialog.isVisible()
    assert table(view, "Remedies and outstanding actions")[2] == [
        "Action (Stage 1)",
        "",
        "Inspect the loft insulation",
        "Fri 6 Mar 2026",
        "Outstanding",
    ]


def test_complete_an_outstanding_action(view: CaseView, store: Store, clock: FixedClock) -> None:
    view.show_case(responded(store))
    clock.day = date(2026, 3, 2)  # the action fell due on Fri 27 Feb
    view.reload()
    assert table(view, "Remedies and outstanding actions")[1][4] == "⚠ Overdue"
    dialog = open_dialog(view, "complete-action")
    assert dialog.inputs["action"].currentText() == (  # type: ignore[attr-defined]
        "Replace the roof felt, due Fri 27 Feb 2026"
    )
    fill(dialog, done=date(2026, 3, 3))
    press_ok(dialog)
    refused(dialog, "The date done cannot be in the future (Tue 3 Mar 2026)")
    fill(dialog, done=date(2026, 2, 27))
    press_ok(dialog)
    assert table(view, "Remedies and outstanding actions")[1][4] == "Done Fri 27 Feb 2026"
    assert last_event(view) == "Complete action"


def test_agree_how_often_to_update(view: CaseView, store: Store) -> None:
    reference = responded(store)
    view.show_case(reference)
    dialog = open_dialog(view, "agree-update-interval")
    assert dialog.inputs["every_working_days"].value() == 5  # type: ignore[attr-defined]
    with store.write() as s:  # someone else changes the case meanwhile
        stages.escalate(
            s, OFFICER, reference, requested_on=TODAY, reason="", expected_version=None, today=TODAY
        )
    fill(dialog, every_working_days=10)
    press_ok(dialog)
    assert dialog.isVisible()
    assert dialog.error.text().startswith("⚠ This case was changed by A. Smith at ")
    assert dialog.error.text().endswith("; reload to see the change")
    assert dialog.inputs["every_working_days"].value() == 10  # type: ignore[attr-defined]
    dialog.reject()
    view.reload()
    dialog = open_dialog(view, "agree-update-interval")
    fill(dialog, every_working_days=10)
    press_ok(dialog)
    assert not dialog.isVisible()
    assert view.detail is not None
    assert (view.detail.timeline[-1].what, view.detail.timeline[-1].detail) == (
        "Agree update interval",
        "update interval days: (none) → 10",  # (services word the empty value "None")
    )


# The Ombudsman ------------------------------------------------------------------------------


def test_record_the_ombudsmans_determination(view: CaseView, store: Store) -> None:
    view.show_case(responded(store, referred=date(2026, 2, 16)))
    dialog = open_dialog(view, "record-determination")
    assert dialog.windowTitle() == "Record the Ombudsman's determination…"
    fill(dialog, determined_on=date(2026, 2, 13), determination="Maladministration; pay £200")
    press_ok(dialog)
    refused(dialog, "The determination cannot be dated before the referral")
    assert dialog.inputs["determination"].toPlainText() == "Maladministration; pay £200"  # type: ignore[attr-defined]
    fill(dialog, determined_on=TODAY)
    press_ok(dialog)
    assert not dialog.isVisible()
    assert view.detail is not None
    assert view.detail.ombudsman_determination == "Maladministration; pay £200"
    assert last_event(view) == "Record determination"
