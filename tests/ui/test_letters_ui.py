"""Letters in the app: the make-letter dialog, the preview (print, save, mark sent), the batch."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from caseworker.domain.letter_choice import letter_kinds, next_letter
from caseworker.domain.vocab import LetterKind
from caseworker.services import stages
from caseworker.services.actor import LOCAL_ADMIN, Actor, Role
from caseworker.services.case_view import load_case_detail
from caseworker.services.intake import NewRecord, RepresentativeInput, log_record
from caseworker.services.letters import make_letters
from caseworker.services.people import PersonInput
from caseworker.services.settings import set_setting
from db.models import Case, Correspondence
from db.store import Store
from ui.letters.batch import AcknowledgementBatch, BatchSummary, batch_action, make_acknowledgements
from ui.letters.make_letter import MakeLetterDialog
from ui.letters.preview import LetterPreview, LetterRef
from ui.widgets import to_qdate

OFFICER = Actor("asmith", "A. Smith", Role.OFFICER)
MANAGER = Actor("bjones", "B. Jones", Role.MANAGER)
RECEIVED = date(2026, 2, 2)  # Mon 2 Feb 2026
DAY = date(2026, 2, 4)  # Wed 4 Feb 2026: acknowledged, and the letters made, on this day
FULL_DEFINITION = stages.Definition(
    points=("The roof still leaks",),
    outcomes_sought="Fix the roof",
    responsible_for="How our repairs team handled your reports",
)
LONG_REASONS = "\n\n".join(
    f"Visit {n}: our surveyor found the flashing loose and the felt torn near the chimney, "
    "and the repair that followed did not hold through the next heavy rain." * 3
    for n in range(1, 9)
)


def today() -> date:
    return DAY


@pytest.fixture
def org(store: Store) -> Store:
    """The store with the organisation's letterhead set (a manager's change)."""
    with store.write() as s:
        set_setting(
            s,
            MANAGER,
            "organisation",
            {
                "name": "North Derbyshire District Council",
                "address": "Mill Lane, Clowne, S43 4JY",
                "phone": "01246 000000",
                "email": "complaints@example.gov.uk",
                "signatory_name": "Priya Shah",
                "signatory_role": "Complaints Manager",
            },
        )
    return store


def complaint(
    store: Store,
    name: str = "Jane Doe",
    *,
    acknowledged: date | None = DAY,
    definition: stages.Definition = FULL_DEFINITION,
    representatives: tuple[RepresentativeInput, ...] = (),
    **person: Any,
) -> str:
    """A complaint received on RECEIVED, acknowledged on ``acknowledged`` unless None."""
    resident = PersonInput(name=name, address="1 High Street, Clowne", postcode="S43 4JJ", **person)
    record = NewRecord(
        kind="complaint",
        received=RECEIVED,
        complainants=(resident,),
        representatives=representatives,
        description="The roof has leaked since October",
        service_areas=("Housing Repairs",),
    )
    with store.write() as s:
        reference = log_record(s, OFFICER, record, today=DAY).reference
    if acknowledged is not None:
        with store.write() as s:
            stages.acknowledge(
                s,
                OFFICER,
                reference,
                acknowledged=acknowledged,
                definition=definition,
                handler="A. Smith",
                expected_version=None,
                today=DAY,
            )
    return reference


def decide(store: Store, reference: str, reasons: str = "The repair was late") -> None:
    """Record the Stage 1 decision, the letter not sent yet."""
    response = stages.Response(
        sent_on=None,
        decision="upheld",
        reasons=reasons,
        points=(stages.PointDecision("upheld", "The roof was not fixed in time"),),
    )
    with store.write() as s:
        stages.respond(s, OFFICER, reference, response=response, expected_version=None, today=DAY)


def letters(store: Store) -> list[tuple[str, str | None, str, date | None, str]]:
    """Every saved letter: (case reference, kind, addressee, sent on, method)."""
    with store.read() as s:
        rows = s.execute(
            select(
                Case.reference,
                Correspondence.letter_kind,
                Correspondence.addressee_name,
                Correspondence.sent_on,
                Correspondence.sent_method,
            )
            .join(Case, Case.id == Correspondence.case_id)
            .order_by(Case.reference, Correspondence.made_at, Correspondence.addressee_name)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def made_preview(store: Store, qtbot: QtBot, reference: str, kind: LetterKind) -> LetterPreview:
    """A letter made through the services, shown in a preview read back from the store."""
    with store.write() as s:
        made = make_letters(s, OFFICER, reference, kind, today=DAY)
    with store.read() as s:
        views = load_case_detail(s, reference, DAY, actor=LOCAL_ADMIN).correspondence
    preview = LetterPreview(
        store, OFFICER, today, [LetterRef.from_view(reference, v) for v in views]
    )
    qtbot.addWidget(preview)
    assert [v.id for v in views] == [m.correspondence_id for m in made]
    return preview


def make_dialog(store: Store, qtbot: QtBot, reference: str) -> MakeLetterDialog:
    dialog = MakeLetterDialog(store, OFFICER, today, reference)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


# The make-letter dialog ---------------------------------------------------------------------


def test_letters_offered_follow_the_case(org: Store) -> None:
    logged = complaint(org, "Ann Logged", acknowledged=None)
    acked = complaint(org, "Ben Acked")
    decided = complaint(org, "Cat Decided")
    decide(org, decided)
    with org.read() as s:
        offered = {
            ref: letter_kinds(load_case_detail(s, ref, DAY, actor=LOCAL_ADMIN))
            for ref in (logged, acked, decided)
        }
        detail = load_case_detail(s, decided, DAY, actor=LOCAL_ADMIN)
    assert offered == {
        logged: [LetterKind.AUTHORISATION_FORM],
        acked: [LetterKind.STAGE1_ACKNOWLEDGEMENT, LetterKind.AUTHORISATION_FORM],
        decided: [
            LetterKind.STAGE1_ACKNOWLEDGEMENT,
            LetterKind.STAGE1_RESPONSE,
            LetterKind.AUTHORISATION_FORM,
        ],
    }
    made = [c.letter_kind for c in detail.correspondence]
    assert next_letter(offered[decided], made) is LetterKind.STAGE1_RESPONSE


def test_making_a_letter_saves_it_and_opens_the_preview(org: Store, qtbot: QtBot) -> None:
    reference = complaint(org)
    dialog = make_dialog(org, qtbot, reference)
    assert dialog.kind.currentText() == "Stage 1 acknowledgement"
    assert not dialog.large_print.isChecked()
    with qtbot.waitSignal(dialog.letters_made) as made:
        dialog.make_button.click()
    assert made.args == [reference]
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert letters(org) == [(reference, "stage1-acknowledgement", "Jane Doe", None, "")]
    preview = dialog.preview
    assert preview is not None
    qtbot.addWidget(preview)
    assert preview.windowTitle() == f"Stage 1 acknowledgement to Jane Doe – {reference}"
    assert preview.page_count() == 1
    assert preview.sent_state.text() == "Not marked as sent yet."
    assert not preview.choose_row.isVisibleTo(preview)
    assert [b.text() for b in preview.findChildren(QPushButton) if b.isDefault()] == ["&Close"]


def test_each_copy_can_be_chosen_and_marked_sent_on_its_own(org: Store, qtbot: QtBot) -> None:
    mp = RepresentativeInput(
        person=PersonInput(name="Ruth Jones MP", address="House of Commons", postcode="SW1A 0AA"),
        relationship="mp",
        raised_it=False,
        joined_later=True,
        auth_state="not-needed",
    )
    reference = complaint(org, representatives=(mp,))
    dialog = make_dialog(org, qtbot, reference)
    dialog.make_button.click()
    preview = dialog.preview
    assert preview is not None
    qtbot.addWidget(preview)
    assert preview.choose_row.isVisibleTo(preview)
    assert [preview.choose.itemText(i) for i in range(preview.choose.count())] == [
        "Stage 1 acknowledgement to Jane Doe",
        "Stage 1 acknowledgement to Ruth Jones MP (copy)",
    ]
    preview.choose.setCurrentIndex(1)
    assert preview.heading.text() == (
        f"{reference}: Stage 1 acknowledgement to Ruth Jones MP (copy)"
    )
    with qtbot.waitSignal(dialog.letter_marked_sent) as sent:  # forwarded for the case view
        preview.mark_button.click()
    assert sent.args == [reference, preview.letters[1].correspondence_id]
    assert letters(org) == [
        (reference, "stage1-acknowledgement", "Jane Doe", None, ""),
        (reference, "stage1-acknowledgement", "Ruth Jones MP", DAY, "post"),
    ]
    preview.choose.setCurrentIndex(0)
    assert preview.sent_state.text() == "Not marked as sent yet."
    assert preview.mark_button.isEnabled()


def test_missing_content_shows_the_message_and_keeps_the_dialog_open(
    org: Store, qtbot: QtBot
) -> None:
    no_scope = stages.Definition(points=("The roof still leaks",), outcomes_sought="Fix the roof")
    reference = complaint(org, definition=no_scope)
    dialog = make_dialog(org, qtbot, reference)
    dialog.choose(LetterKind.STAGE1_ACKNOWLEDGEMENT)
    dialog.large_print.setChecked(True)
    dialog.make_button.click()
    assert dialog.error.text() == (
        "⚠ Cannot make the Stage 1 acknowledgement letter: "
        "the case has no statement of what we are responsible for"
    )
    assert dialog.error.isVisible()
    assert dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected  # still open, nothing accepted
    assert dialog.chosen is LetterKind.STAGE1_ACKNOWLEDGEMENT
    assert dialog.large_print.isChecked()
    assert dialog.preview is None
    assert letters(org) == []


def test_large_print_is_ticked_when_the_residents_adjustments_ask(org: Store, qtbot: QtBot) -> None:
    reference = complaint(org, "Łukasz Wiśniewski", adjustments="Large print letters, please")
    dialog = make_dialog(org, qtbot, reference)
    assert dialog.large_print.isChecked()
    assert dialog.large_print_note.text() == (
        "Łukasz Wiśniewski: recorded adjustments ask for large print, "
        "so their copy is always in large print."
    )


# The preview --------------------------------------------------------------------------------


def test_preview_shows_every_page_of_a_long_letter(org: Store, qtbot: QtBot) -> None:
    reference = complaint(org)
    decide(org, reference, LONG_REASONS)
    preview = made_preview(org, qtbot, reference, LetterKind.STAGE1_RESPONSE)
    assert len(PdfReader_of(preview.pdf).pages) == 3
    assert preview.page_count() == 3
    assert preview.pages_label.text() == "3 pages"
    assert [label.accessibleName() for label in preview.page_labels] == [
        "Page 1 of 3",
        "Page 2 of 3",
        "Page 3 of 3",
    ]
    # A4 is 595.3 points wide: 793.7 pixels at 96 dpi, 992.1 at 125%, rounded up by PDFium.
    assert preview.page_labels[0].pixmap().width() == 794
    preview.zoom_in.click()
    assert preview.zoom == 1.25
    assert preview.zoom_box.currentText() == "125%"
    assert preview.page_labels[0].pixmap().width() == 993
    assert preview.page_count() == 3


def PdfReader_of(pdf: bytes) -> PdfReader:
    from io import BytesIO

    return PdfReader(BytesIO(pdf))


def test_save_as_pdf_writes_the_stored_bytes(
    org: Store, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = complaint(org)
    preview = made_preview(org, qtbot, reference, LetterKind.STAGE1_ACKNOWLEDGEMENT)
    target = tmp_path / "out" / "letter"
    target.parent.mkdir()
    asked: list[str] = []

    def ask(_parent: object, _title: str, name: str, _filter: str) -> tuple[str, str]:
        asked.append(name)
        return str(target), "PDF files (*.pdf)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", ask)
    preview.save_button.click()
    assert asked == [f"{reference} Stage 1 acknowledgement - Jane Doe.pdf"]
    saved = (tmp_path / "out" / "letter.pdf").read_bytes()
    with org.read() as s:
        stored = s.scalars(select(Correspondence)).one()
        assert saved == stored.content
        assert hashlib.sha256(saved).hexdigest() == stored.sha256


def test_printing_paints_every_page_onto_the_printer(
    org: Store, qtbot: QtBot, tmp_path: Path
) -> None:
    reference = complaint(org)
    decide(org, reference, LONG_REASONS)
    preview = made_preview(org, qtbot, reference, LetterKind.STAGE1_RESPONSE)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setResolution(150)  # a real printer's 1200 dpi is drawn at 300; slower, same pages
    preview.print_to(printer)
    printed = PdfReader(tmp_path / "printed.pdf")
    assert len(printed.pages) == 3
    assert [round(float(v)) for v in printed.pages[0].mediabox[2:]] == [595, 842]  # A4


def test_mark_sent_records_the_date_and_the_response_date(org: Store, qtbot: QtBot) -> None:
    reference = complaint(org)
    decide(org, reference)
    preview = made_preview(org, qtbot, reference, LetterKind.STAGE1_RESPONSE)
    preview.sent_on.setDate(to_qdate(date(2026, 2, 3)))
    preview.method.setCurrentIndex(preview.method.findData("email"))
    with qtbot.waitSignal(preview.marked_sent) as sent:
        preview.mark_button.click()
    assert sent.args == [reference, preview.letter.correspondence_id]
    assert letters(org) == [(reference, "stage1-response", "Jane Doe", date(2026, 2, 3), "email")]
    with org.read() as s:
        case = s.scalars(select(Case)).one()
        assert (case.status, case.stage1_responded) == ("stage-1-responded", date(2026, 2, 3))
    assert preview.sent_state.text() == "Sent on Tue 3 Feb 2026 by email."
    assert not preview.mark_button.isEnabled()
    assert preview.error.isHidden()


def test_mark_sent_refused_shows_why_and_changes_nothing(org: Store, qtbot: QtBot) -> None:
    reference = complaint(org)
    preview = made_preview(org, qtbot, reference, LetterKind.STAGE1_ACKNOWLEDGEMENT)
    preview.sent_on.setDate(to_qdate(date(2026, 1, 30)))
    preview.mark_button.click()
    assert preview.error.text() == "⚠ A letter cannot be sent before the case was received"
    assert preview.mark_button.isEnabled()
    assert letters(org) == [(reference, "stage1-acknowledgement", "Jane Doe", None, "")]


# The batch ----------------------------------------------------------------------------------


def batch_cases(store: Store) -> list[str]:
    """Three complaints acknowledged today and one acknowledged the day before."""
    due = [complaint(store, name) for name in ("Ann One", "Ben Two", "Cat Three")]
    complaint(store, "Dan Yesterday", acknowledged=date(2026, 2, 3))
    return due


def test_batch_makes_a_letter_for_each_case_acknowledged_today(org: Store, qtbot: QtBot) -> None:
    due = batch_cases(org)
    window = QDialog()
    qtbot.addWidget(window)
    batch = AcknowledgementBatch(org, OFFICER, today, window)
    action = batch_action(batch)
    assert action.shortcut().toString() == "Ctrl+Shift+B"
    with qtbot.waitSignal(batch.completed, timeout=20_000) as done:
        action.trigger()
    summary = done.args[0]
    assert summary == BatchSummary(3, 3, 3, (), cancelled=False)
    assert summary.text == "Made 3 letters for 3 cases."
    assert batch.summary_box is not None
    assert batch.summary_box.text() == "Made 3 letters for 3 cases."
    assert letters(org) == [
        (ref, "stage1-acknowledgement", name, None, "")
        for ref, name in zip(due, ("Ann One", "Ben Two", "Cat Three"), strict=True)
    ]
    assert batch.worker is not None
    batch.worker.wait()


def test_cancelling_the_batch_stops_it_and_keeps_what_was_made(org: Store, qtbot: QtBot) -> None:
    batch_cases(org)
    window = QDialog()
    qtbot.addWidget(window)
    batch = AcknowledgementBatch(org, OFFICER, today, window)
    with qtbot.waitSignal(batch.completed, timeout=20_000) as done:
        batch.start()
        assert batch.progress is not None
        cancel = batch.progress.findChild(QPushButton)
        assert cancel is not None and cancel.text() == "Cancel"
        cancel.click()
    summary = done.args[0]
    assert summary.cancelled
    assert summary.letters < 3
    assert len(letters(org)) == summary.letters
    assert summary.text.splitlines()[1] == (
        f"Stopped after {summary.cases_done} of 3 cases; the letters made so far are saved. "
        "Run the batch again to make the rest."
    )
    assert batch.worker is not None
    batch.worker.wait()


def test_batch_stopped_after_the_first_case(org: Store) -> None:
    due = batch_cases(org)
    summary = make_acknowledgements(org, OFFICER, DAY, lambda done, _total: done < 1)
    assert summary == BatchSummary(1, 1, 3, (), cancelled=True)
    assert summary.text == (
        "Made 1 letter for 1 case.\n"
        "Stopped after 1 of 3 cases; the letters made so far are saved. "
        "Run the batch again to make the rest."
    )
    assert letters(org) == [(due[0], "stage1-acknowledgement", "Ann One", None, "")]


def test_batch_reports_cases_it_could_not_do(org: Store) -> None:
    no_scope = stages.Definition(points=("The roof still leaks",), outcomes_sought="Fix the roof")
    good = complaint(org, "Ann One")
    bad = complaint(org, "Ben Two", definition=no_scope)
    summary = make_acknowledgements(org, OFFICER, DAY, lambda _done, _total: True)
    assert summary.text == (
        "Made 1 letter for 1 case.\n"
        "1 case could not be done:\n"
        f"• {bad}: Cannot make the Stage 1 acknowledgement letter: "
        "the case has no statement of what we are responsible for"
    )
    assert letters(org) == [(good, "stage1-acknowledgement", "Ann One", None, "")]
