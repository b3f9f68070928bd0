"""A complaint's life driven through the real widgets, seen on the case view, list and queue."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from ui_helpers import OFFICER, log

from db.store import Store
from ui.clock import FixedClock
from ui.context import AppContext
from ui.dialogs.base import FieldsDialog
from ui.dialogs.extend import ExtendDialog
from ui.dialogs.respond import RespondDialog
from ui.models.case_table import COUNTDOWN
from ui.views.case_list import CaseListView
from ui.views.case_view import CaseView
from ui.views.intake import IntakeView
from ui.views.work_queue import WorkQueueView
from ui.widgets import select_value, to_qdate


def _row(view: CaseListView, reference: str) -> list[str]:
    model = view.model
    for r in range(model.rowCount()):
        if model.reference_at(r) == reference:
            return [str(model.index(r, c).data()) for c in range(model.columnCount())]
    raise AssertionError(f"{reference} is not in the list")


def _clock_texts(view: CaseView) -> list[tuple[str, str, str]]:
    assert view.detail is not None
    return [(c.label, c.due.isoformat(), c.countdown) for c in view.detail.clocks]


def _enabled(view: CaseView) -> set[str]:
    return {name for name, action in view.case_actions.items() if action.isEnabled()}


def test_complaint_through_both_stages(
    qtbot, context: AppContext, clock: FixedClock, store: Store
) -> None:
    intake = IntakeView(context)
    queue = WorkQueueView(context)
    cases = CaseListView(context)
    view = CaseView(context)
    for w in (intake, queue, cases, view):
        qtbot.addWidget(w)

    # Log the complaint through the form, as an advisor would type it.
    qtbot.keyClicks(intake.name, "Jane Doe")
    qtbot.keyClicks(intake.postcode, "s43 4jj")
    qtbot.keyClicks(intake.description, "The roof has leaked since October")
    qtbot.keyClicks(intake.desired_outcome, "Fix the roof")
    intake.primary_area.setEditText("Housing Repairs")
    intake.site.setEditText("Clowne")
    qtbot.mouseClick(intake.save_button, Qt.MouseButton.LeftButton)
    assert intake.error.isHidden()
    reference = "CW-2026-000001"
    assert intake.draft_label.text() == f"Logged as {reference}."
    assert intake.name.text() == ""

    assert queue.count("awaiting-ack") == 1
    assert queue.count("all") == 1
    assert queue.buttons["awaiting-ack"].accessibleName() == "Awaiting acknowledgement: 1 case"
    row = _row(cases, reference)
    assert row[1:5] == ["Complaint", "Logged", "Mon 9 Feb 2026", "5 working days left"]
    assert row[5:10] == ["Jane Doe", "Housing Repairs", "Clowne", "Mon 2 Feb 2026", ""]

    view.show_case(reference)
    assert view.title.text() == f"{reference}: Complaint"
    assert _enabled(view) == {
        "acknowledge",
        "refuse",
        "withdraw",
        "correct-fact",
        "record-learning",
        "link-case",
        "add-note",
        "make-letter",
        "add-representative",
    }

    # Acknowledge with the complaint definition on Wed 4 Feb.
    clock.day = date(2026, 2, 4)
    ack = view.open_action("acknowledge")
    assert isinstance(ack, FieldsDialog)
    ack.inputs["handler"].setEditText("C. Patel")  # type: ignore[attr-defined]
    ack.inputs["points"].setPlainText("The roof still leaks\nNobody called back")  # type: ignore[attr-defined]
    ack.accept()
    assert ack.error.isHidden()
    assert view.detail is not None and view.detail.status == "stage-1"
    assert _clock_texts(view) == [
        ("Acknowledgement", "2026-02-09", "met on Wed 4 Feb 2026"),
        ("Stage 1 response", "2026-02-18", "10 working days left"),
    ]
    assert "respond" in _enabled(view) and "acknowledge" not in _enabled(view)
    assert queue.count("awaiting-ack") == 0
    assert _row(cases, reference)[2] == "Stage 1"
    assert _row(cases, reference)[9] == "C. Patel"

    # Extend by 5 working days on Mon 16 Feb: the new date shows as the days are typed.
    clock.day = date(2026, 2, 16)
    view.reload()
    extend = view.open_action("extend")
    assert isinstance(extend, ExtendDialog)
    extend.days.setValue(5)
    assert extend.new_due.text() == (
        "Wed 25 Feb 2026 (now Wed 18 Feb 2026); "
        "5 of 10 working days of extension allowed at Stage 1"
    )
    extend.days.setValue(12)
    assert extend.new_due.text().endswith(
        "12 of 10 working days of extension allowed at Stage 1. This is beyond the limit: record "
        "the good reason above and tick the box."
    )
    assert extend.good_reason.isEnabled()
    extend.days.setValue(5)
    assert not extend.good_reason.isEnabled()
    qtbot.keyClicks(extend.reason, "Waiting for the roofer's report")
    extend.accept()
    assert extend.error.isHidden()
    assert _clock_texts(view)[1] == ("Stage 1 response", "2026-02-25", "7 working days left")
    assert _row(cases, reference)[3] == "Wed 25 Feb 2026"

    # Record the Stage 1 response on Fri 20 Feb, a decision per point, a remedy and an action.
    clock.day = date(2026, 2, 20)
    view.reload()
    respond = view.open_action("respond")
    assert isinstance(respond, RespondDialog)
    select_value(respond.decision, "partly-upheld")
    respond.reasons.setPlainText("The repair was late; the call-back was made")
    select_value(respond.point_rows[0][0], "upheld")
    respond.point_rows[0][1].setText("The roof was not fixed in time")
    select_value(respond.point_rows[1][0], "not-upheld")
    respond.point_rows[1][1].setText("We called on 10 February")
    respond.add_remedy_row()
    respond.remedy_rows[0][1].setText("A written apology")
    respond.add_action_row()
    respond.action_rows[0][0].setText("Replace the roof tiles")
    respond.action_rows[0][1].setDate(to_qdate(date(2026, 3, 6)))
    respond.accept()
    assert respond.error.isHidden()
    d = view.detail
    assert d is not None and d.status == "stage-1-responded"
    assert (d.stage1_decision, d.points[0].stage1_decision) == ("partly-upheld", "upheld")
    assert [(r.kind, r.description) for r in d.remedies] == [("apology", "A written apology")]
    assert [(a.description, a.due) for a in d.actions] == [
        ("Replace the roof tiles", date(2026, 3, 6))
    ]
    assert _row(cases, reference)[2] == "Stage 1 responded"
    assert "escalate" in _enabled(view)

    # Escalate on Mon 2 Mar; Stage 2 awaits acknowledgement.
    clock.day = date(2026, 3, 2)
    view.reload()
    escalate = view.open_action("escalate")
    assert escalate is not None
    escalate.accept()
    assert view.detail is not None and view.detail.status == "stage-2-requested"
    queue.refresh()
    assert queue.count("awaiting-stage2-ack") == 1
    assert _row(cases, reference)[2:6] == [
        "Stage 2 requested",
        "Mon 9 Mar 2026",
        "5 working days left",
        "Jane Doe",
    ]

    # Acknowledge Stage 2 on Wed 4 Mar by someone other than the Stage 1 handler.
    clock.day = date(2026, 3, 4)
    view.reload()
    ack2 = view.open_action("acknowledge-stage-2")
    assert isinstance(ack2, FieldsDialog)
    ack2.inputs["handler"].setEditText("D. Evans")  # type: ignore[attr-defined]
    ack2.accept()
    assert ack2.error.isHidden()
    assert view.detail is not None and view.detail.status == "stage-2"
    assert _clock_texts(view)[-1] == ("Stage 2 response", "2026-04-01", "20 working days left")
    assert queue.count("awaiting-stage2-ack") == 0
    assert _row(cases, reference)[9] == "D. Evans"

    # The Stage 2 final response on Fri 20 Mar.
    clock.day = date(2026, 3, 20)
    view.reload()
    final = view.open_action("respond-stage-2")
    assert isinstance(final, RespondDialog)
    select_value(final.decision, "upheld")
    final.reasons.setPlainText("The delay was ours")
    for combo, why in final.point_rows:
        select_value(combo, "upheld")
        why.setText("Agreed on review")
    final.accept()
    assert final.error.isHidden()
    assert view.detail is not None and view.detail.status == "stage-2-responded"
    assert _enabled(view) >= {"close", "refer-to-ombudsman"}
    assert _row(cases, reference)[2] == "Stage 2 responded"
    assert _row(cases, reference)[COUNTDOWN] == ""
    timeline = [e.what for e in view.detail.timeline]
    assert timeline == [
        "Log record",
        "Acknowledge",
        "Extend",
        "Respond stage 1",
        "Escalate",
        "Acknowledge stage 2",
        "Respond stage 2",
    ]
    queue.refresh()
    assert queue.count("all") == 1
    assert queue.count("overdue") == 0


def test_refuse_another_complaint(qtbot, context: AppContext, store: Store) -> None:
    reference = log(
        store, issue_date=date(2024, 1, 10), time_limit_reason="Resident was in hospital"
    )
    view = CaseView(context)
    cases = CaseListView(context)
    queue = WorkQueueView(context)
    for w in (view, cases, queue):
        qtbot.addWidget(w)
    view.show_case(reference)
    refuse = view.open_action("refuse")
    assert isinstance(refuse, FieldsDialog)
    select_value(refuse.inputs["reason"], "legal-proceedings")  # type: ignore[arg-type]
    refuse.inputs["explanation"].setPlainText("Court proceedings have started")  # type: ignore[attr-defined]
    refuse.accept()
    assert refuse.error.isHidden()
    d = view.detail
    assert d is not None
    assert (d.status, d.refusal_reason, d.refused_on) == (
        "refused",
        "legal-proceedings",
        date(2026, 2, 2),
    )
    assert _enabled(view) == {
        "reopen",
        "refer-to-ombudsman",
        "correct-fact",
        "record-learning",
        "link-case",
        "add-note",
        "make-letter",
    }
    assert _row(cases, reference)[2:3] == ["Refused"]
    assert _row(cases, reference)[COUNTDOWN] == ""
    assert queue.count("all") == 0
    assert queue.count("awaiting-ack") == 0


def test_refused_action_shows_its_message_and_keeps_the_input(
    qtbot, context: AppContext, clock: FixedClock, store: Store
) -> None:
    reference = log(store)
    view = CaseView(context)
    qtbot.addWidget(view)
    view.show_case(reference)
    dialog = view.open_action("acknowledge")
    assert isinstance(dialog, FieldsDialog)
    dialog.inputs["handler"].setEditText("C. Patel")  # type: ignore[attr-defined]
    dialog.inputs["outcomes_sought"].setPlainText("")  # type: ignore[attr-defined]
    dialog.inputs["points"].setPlainText("The roof still leaks")  # type: ignore[attr-defined]
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.error.text() == "⚠ Record the outcomes the resident is seeking"
    assert dialog.error.accessibleDescription() == "Record the outcomes the resident is seeking"
    assert not dialog.error.isHidden()
    assert dialog.inputs["points"].toPlainText() == "The roof still leaks"  # type: ignore[attr-defined]
    assert dialog.inputs["handler"].currentText() == "C. Patel"  # type: ignore[attr-defined]
    assert view.detail is not None and view.detail.status == "logged"

    # Put it right in the same dialog: it saves and the message goes.
    dialog.inputs["outcomes_sought"].setPlainText("Fix the roof")  # type: ignore[attr-defined]
    dialog.accept()
    assert dialog.error.isHidden()
    assert view.detail is not None and view.detail.status == "stage-1"


def test_stage2_by_the_stage1_handler_is_refused_in_the_dialog(
    qtbot, context: AppContext, clock: FixedClock, store: Store
) -> None:
    from caseworker.services import stages

    reference = log(store)
    with store.write() as s:
        stages.acknowledge(
            s,
            OFFICER,
            reference,
            acknowledged=date(2026, 2, 2),
            handler="C. Patel",
            definition=stages.Definition(("Roof",), "Fix it"),
            expected_version=None,
            today=date(2026, 2, 2),
        )
        stages.respond(
            s,
            OFFICER,
            reference,
            response=stages.Response(date(2026, 2, 2), "upheld", "Late"),
            expected_version=None,
            today=date(2026, 2, 2),
        )
        stages.escalate(
            s,
            OFFICER,
            reference,
            requested_on=date(2026, 2, 2),
            expected_version=None,
            today=date(2026, 2, 2),
        )
    view = CaseView(context)
    qtbot.addWidget(view)
    view.show_case(reference)
    dialog = view.open_action("acknowledge-stage-2")
    assert isinstance(dialog, FieldsDialog)
    dialog.inputs["handler"].setEditText("C. Patel")  # type: ignore[attr-defined]
    dialog.accept()
    assert dialog.error.text() == (
        "⚠ Stage 2 must be handled by someone other than the Stage 1 handler, C. Patel"
    )
    assert dialog.inputs["handler"].currentText() == "C. Patel"  # type: ignore[attr-defined]
    assert view.detail is not None and view.detail.status == "stage-2-requested"
