"""Documents in the case view: listed with the letters, attached, previewed, opened as copies."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import sys
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QTableWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import text
from ui_helpers import OFFICER, log, name_organisation

from caseworker.domain.vocab import LetterKind
from caseworker.services import stages
from caseworker.services.actor import Actor, Role
from caseworker.services.documents import attach_document
from caseworker.services.letters import make_letters
from db.store import Store
from ui.clock import FixedClock
from ui.context import AppContext
from ui.lazy_page import LazyPage
from ui.main_window import MainWindow
from ui.views.case_documents import CorrespondencePanel

sys.path.insert(0, str(Path(__file__).parent.parent / "db"))
from document_files import eml, jpeg, pdf

DAY = date(2026, 2, 4)
ADVISOR = Actor("aadv", "A. Advisor", Role.ADVISOR, restricted_access=False)


@pytest.fixture
def window(qtbot: QtBot, context: AppContext, store: Store, clock: FixedClock) -> MainWindow:
    name_organisation(store)
    clock.day = DAY
    main = MainWindow(context)
    qtbot.addWidget(main)
    return main


def case_with_papers(store: Store) -> str:
    """An acknowledged case: an email (3 Feb) with a photo, the letter (4 Feb), a report (4 Feb)."""
    ref = log(store)
    with store.write() as s:
        stages.acknowledge(
            s,
            OFFICER,
            ref,
            acknowledged=DAY,
            definition=stages.Definition(
                points=("The roof still leaks",),
                outcomes_sought="Fix the roof",
                responsible_for="How our repairs team handled your reports",
            ),
            handler="A. Smith",
            expected_version=None,
            today=DAY,
        )
    with store.write() as s:
        make_letters(s, OFFICER, ref, LetterKind.STAGE1_ACKNOWLEDGEMENT, today=DAY)
    with store.write() as s:
        attach_document(
            s, OFFICER, ref, data=eml(with_photo=jpeg()), file_name="complaint.eml", today=DAY
        )
        attach_document(
            s,
            OFFICER,
            ref,
            data=pdf(),
            file_name="survey.pdf",
            title="Surveyor's report",
            sender="R. Surveyor",
            received=DAY,
            today=DAY,
        )
    return ref


def panel_of(window: MainWindow) -> CorrespondencePanel:
    panel = window.case_view.correspondence_panel
    assert panel is not None
    return panel


def rows(panel: CorrespondencePanel) -> list[list[str]]:
    t = panel.table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]  # type: ignore[union-attr]


def test_documents_are_listed_with_the_letters_in_date_order(
    window: MainWindow, store: Store
) -> None:
    ref = case_with_papers(store)
    window.open_case(ref)
    table = rows(panel_of(window))
    # The letter is stamped when it was really made (after the documents' dates here).
    assert [r[0] for r in table[:3]] == ["Tue 3 Feb 2026", "Tue 3 Feb 2026", "Wed 4 Feb 2026"]
    assert [r[1:] for r in table] == [
        [
            "Damp in my flat - photos attached (email with 1 attachment)",
            "from Jane Doe <jane.doe@example.org>",
            "received",
            "Email, 2 KB",
        ],
        [
            "    ↳ damp.jpg (attached to the email above)",
            "from Jane Doe <jane.doe@example.org>",
            "received",
            f"JPEG photo, {len(jpeg())} bytes",
        ],
        ["Surveyor's report", "from R. Surveyor", "received", "PDF document, 1 KB"],
        ["Stage 1 acknowledgement", "Jane Doe (resident)", "", ""],
    ]


def test_enter_on_a_letter_still_opens_the_letter(
    window: MainWindow, store: Store, qtbot: QtBot
) -> None:
    from ui.letters.preview import LetterPreview

    ref = case_with_papers(store)
    window.open_case(ref)
    panel = panel_of(window)
    panel.table.setCurrentCell(3, 0)
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    previews = [w for w in window.findChildren(LetterPreview) if w.isVisible()]
    assert [p.heading.text() for p in previews] == [f"{ref}: Stage 1 acknowledgement to Jane Doe"]


def test_previews_of_a_pdf_an_image_and_an_email(window: MainWindow, store: Store) -> None:
    ref = case_with_papers(store)
    window.open_case(ref)
    panel = panel_of(window)
    email = panel.preview(0)
    assert email is not None
    assert email.text.splitlines() == [
        "From: Jane Doe <jane.doe@example.org>",
        "Sent: 09:15 Tue 3 Feb 2026",
        "Subject: Damp in my flat - photos attached",
        "",
        "Attachments (1):",
        "  damp.jpg - kept with the case",
    ]
    photo = panel.preview(1)
    assert photo is not None and [(i.width(), i.height()) for i in photo.images] == [(64, 48)]
    report = panel.preview(2)
    assert report is not None
    assert [(i.width(), i.height()) for i in report.images] == [(794, 1123)]  # A4 at 96 dpi
    # The page is drawn: the text line near the top is dark, the margin white.
    assert report.images[0].pixelColor(20, 20).name() == "#ffffff"


def test_open_in_viewer_uses_a_read_only_copy_outside_the_store_folder(
    window: MainWindow, store: Store
) -> None:
    ref = case_with_papers(store)
    window.open_case(ref)
    opened: list[QUrl] = []
    panel = panel_of(window)
    path = panel.open_in_viewer(2, opener=lambda url: opened.append(url) or True)
    assert path is not None
    assert opened == [QUrl.fromLocalFile(str(path))]
    assert path.name == "survey.pdf"
    assert store.path.parent not in path.parents
    doc = panel.document_at(2)
    assert doc is not None
    assert hashlib.sha256(path.read_bytes()).hexdigest() == doc.sha256
    assert not os.access(path, os.W_OK) or os.geteuid() == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o400


def test_a_damaged_document_is_reported_not_shown(window: MainWindow, store: Store) -> None:
    ref = case_with_papers(store)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE document_contents SET content = x'00'"))
    window.open_case(ref)
    panel = panel_of(window)
    assert panel.preview(2) is None
    assert panel.problem.text() == (
        f"⚠ The stored document 'Surveyor's report' (survey.pdf) on {ref} does not match its "
        "fingerprint (SHA-256): it is damaged and is not shown. Restore a backup that has it, "
        "or ask the sender for it again"
    )
    assert panel.open_in_viewer(2, opener=lambda _u: True) is None


def test_attach_by_the_file_list_says_what_was_kept_and_refused(
    window: MainWindow, store: Store, tmp_path: Path
) -> None:
    ref = log(store)
    window.open_case(ref)
    photo = tmp_path / "damp.jpg"
    photo.write_bytes(jpeg())
    program = tmp_path / "report.pdf"
    shutil.copyfile(shutil.which("true") or "/bin/true", program)
    panel_of(window).attach_files([photo, program, photo])
    panel = panel_of(window)  # the case reloaded: a new panel
    assert panel.notice.text().splitlines() == [
        f"Kept 'damp.jpg' (JPEG photo, {len(jpeg())} bytes) with {ref}",
        "⚠ report.pdf is a Linux program, not a document, whatever its name says; programs are "
        "not kept with cases (they could harm the PCs that open them). Nothing was attached",
        f"damp.jpg is already kept with {ref} as 'damp.jpg' (received Wed 4 Feb 2026); "
        "it was not added again",
    ]
    assert [r[1] for r in rows(panel)] == ["damp.jpg"]


def test_files_dropped_on_the_list_are_attached(
    window: MainWindow, store: Store, tmp_path: Path
) -> None:
    ref = log(store)
    window.open_case(ref)
    report = tmp_path / "survey.pdf"
    report.write_bytes(pdf())
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(report))])
    panel = panel_of(window)
    drop = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    # Qt delivers a drop only inside a real drag; the handler is what the drop calls.
    panel.dropEvent(drop)
    assert drop.isAccepted()
    assert [r[1] for r in rows(panel_of(window))] == ["survey.pdf"]


def test_an_advisor_cannot_attach(store: Store, clock: FixedClock, qtbot: QtBot) -> None:
    ref = log(store)
    context = AppContext(store, ADVISOR, clock)
    panel = CorrespondencePanel(context, ref, ())
    qtbot.addWidget(panel)
    assert not panel.attach_button.isEnabled()
    context.ticker.deleteLater()


def test_screenshot_of_the_correspondence_tab(
    window: MainWindow, store: Store, tmp_path: Path, qtbot: QtBot
) -> None:
    ref = case_with_papers(store)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    window.open_case(ref)
    window.case_view.tabs.setCurrentIndex(4)
    out = Path(os.environ.get("CASEWORKER_SHOT_DIR", tmp_path)) / "case-documents.png"
    assert window.grab().save(str(out))
    assert out.stat().st_size > 0


def test_the_timeline_tab_lists_the_documents_when_opened(
    window: MainWindow, store: Store, qtbot: QtBot
) -> None:
    ref = case_with_papers(store)
    window.show()
    qtbot.waitExposed(window)
    window.open_case(ref)
    tabs = window.case_view.tabs
    labels = [tabs.tabText(i) for i in range(tabs.count())]
    tabs.setCurrentIndex(labels.index("Ti&meline"))
    page = tabs.currentWidget()
    assert isinstance(page, LazyPage)
    table = page.page
    assert isinstance(table, QTableWidget)
    cells = [[table.item(r, c).text() for c in range(4)] for r in range(table.rowCount())]  # type: ignore[union-attr]
    documents = sorted(r[3] for r in cells if r[2] == "Add document")
    assert documents == [
        "'Damp in my flat - photos attached' (complaint.eml), Email, 2 KB, received "
        "Tue 3 Feb 2026 from Jane Doe <jane.doe@example.org>; 1 attachment listed with it",
        "'Surveyor's report' (survey.pdf), PDF document, 1 KB, received Wed 4 Feb 2026 "
        "from R. Surveyor",
    ]
    assert sorted(r[2] for r in cells) == [
        "Acknowledge",
        "Add document",
        "Add document",
        "Letter: Stage 1 acknowledgement",
        "Log record",
        "Make letter",
    ]
