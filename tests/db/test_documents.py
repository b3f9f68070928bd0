"""Documents kept with a case: judged by content, limited in size, kept once, checked on read."""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from casework import OFFICER, TODAY, log
from document_files import docx, eml, jpeg, pdf, png
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from caseworker.domain.errors import InvalidInput
from caseworker.domain.file_types import FileType
from caseworker.services.actor import Actor, Role
from caseworker.services.case_view import later_timeline, load_case_detail
from caseworker.services.documents import (
    DamagedDocument,
    attach_document,
    document_bytes,
    list_documents,
)
from caseworker.services.errors import NotAllowed, NotFound
from caseworker.services.settings import set_setting
from db.models import AuditEvent, Document, DocumentContent
from db.store import Store

ADVISOR = Actor("aadv", "A. Advisor", Role.ADVISOR, restricted_access=False)
NO_ACCESS = Actor("nacc", "N. Access", Role.OFFICER, restricted_access=False)
RECEIVED_ON = date(2026, 2, 3)


def attach(store: Store, reference: str, data: bytes, name: str, actor: Actor = OFFICER, **kw):  # type: ignore[no-untyped-def]
    kw.setdefault("received", RECEIVED_ON)
    with store.write() as s:
        return attach_document(s, actor, reference, data=data, file_name=name, today=TODAY, **kw)


def documents(store: Store, reference: str, actor: Actor = OFFICER):  # type: ignore[no-untyped-def]
    with store.read() as s:
        return list_documents(s, actor, reference)


def read(store: Store, document_id: str, actor: Actor = OFFICER) -> bytes:
    with store.read() as s:
        return document_bytes(s, actor, document_id)[1]


def count(store: Store, table: str) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def add_document_events(store: Store) -> list[dict[str, object]]:
    with store.read() as s:
        return [
            e.changes
            for e in s.scalars(select(AuditEvent).where(AuditEvent.action == "add-document"))
        ]


def test_jpeg_and_pdf_are_kept_as_they_came_and_read_back_exactly(store: Store) -> None:
    ref = log(store)
    photo, report = jpeg(), pdf()
    first = attach(store, ref, photo, "damp.jpg", title="Photo of damp", sender="Jane Doe")
    second = attach(store, ref, report, "survey.pdf", received=date(2026, 2, 5))
    assert len(photo) < 1024
    assert first.message == f"Kept 'Photo of damp' (JPEG photo, {len(photo)} bytes) with {ref}"
    assert not first.already_kept
    listed = documents(store, ref)
    assert [(d.title, d.file_type, d.received, d.sender) for d in listed] == [
        ("Photo of damp", FileType.JPEG, RECEIVED_ON, "Jane Doe"),
        ("survey.pdf", FileType.PDF, date(2026, 2, 5), ""),
    ]
    assert listed[0].sha256 == hashlib.sha256(photo).hexdigest()
    assert listed[1].size == len(report)
    assert read(store, second.document.id) == report
    assert read(store, first.document.id) == photo
    assert (count(store, "documents"), count(store, "document_contents")) == (2, 2)


def test_each_attachment_is_an_audited_event_with_its_digest(store: Store) -> None:
    ref = log(store)
    photo = jpeg()
    done = attach(store, ref, photo, "damp.jpg", title="Photo of damp")
    [changes] = add_document_events(store)
    assert changes == {
        "document": done.document.id,
        "title": "Photo of damp",
        "file_name": "damp.jpg",
        "file_type": "jpeg",
        "size": len(photo),
        "sha256": hashlib.sha256(photo).hexdigest(),
        "received": "2026-02-03",
        "sender": "",
    }


def test_type_is_judged_from_the_content_not_the_name(store: Store) -> None:
    ref = log(store)
    attach(store, ref, pdf(), "photo.jpg")
    attach(store, ref, png(), "report.pdf")
    attach(store, ref, docx(), "letter.txt")
    attach(store, ref, b"Dear council,\nthe boiler is broken again.\n", "notes.js")
    types = [(d.file_name, d.file_type) for d in documents(store, ref)]
    assert sorted(types) == [
        ("letter.txt", FileType.DOCX),
        ("notes.js", FileType.TEXT),
        ("photo.jpg", FileType.PDF),
        ("report.pdf", FileType.PNG),
    ]


def test_a_renamed_program_is_refused_and_nothing_is_kept(store: Store) -> None:
    ref = log(store)
    program = Path(shutil.which("true") or "/bin/true").read_bytes()  # a real Linux program
    with pytest.raises(InvalidInput) as info:
        attach(store, ref, program, "invoice.pdf")
    assert str(info.value) == (
        "invoice.pdf is a Linux program, not a document, whatever its name says; programs are "
        "not kept with cases (they could harm the PCs that open them). Nothing was attached"
    )
    windows = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(118) + b"PE\x00\x00" + bytes(200)
    with pytest.raises(InvalidInput, match=r"^photo\.jpg is a Windows program, not a document"):
        attach(store, ref, windows, "photo.jpg")
    assert (count(store, "documents"), add_document_events(store)) == (0, [])


def test_a_file_over_the_limit_from_settings_is_refused(store: Store) -> None:
    ref = log(store)
    with store.write() as s:
        set_setting(s, Actor("m", "M. Manager", Role.MANAGER), "document_max_mb", 1)
    big = pdf() + bytes(1024 * 1024)
    with pytest.raises(InvalidInput) as info:
        attach(store, ref, big, "big survey.pdf")
    assert str(info.value) == (
        f"big survey.pdf is {len(big) / 1048576:.1f} MB; the largest document kept with a case "
        "is 1.0 MB (set in Settings). Nothing was attached"
    )
    assert count(store, "documents") == 0
    attach(store, ref, pdf(), "small.pdf")  # under the limit: kept
    assert count(store, "documents") == 1


def test_the_default_limit_is_25_mb(store: Store) -> None:
    ref = log(store)
    with pytest.raises(
        InvalidInput, match=r"is 25\.0 MB; the largest document kept with a case is 25\.0 MB"
    ):
        attach(store, ref, b"%PDF-1.4\n" + bytes(25 * 1024 * 1024 - 9 + 1), "huge.pdf")
    # exactly 25 MB is within the limit
    assert not attach(
        store, ref, b"%PDF-1.4\n" + bytes(25 * 1024 * 1024 - 9), "max.pdf"
    ).already_kept


def test_an_empty_file_is_refused(store: Store) -> None:
    ref = log(store)
    with pytest.raises(
        InvalidInput, match=r"^empty\.pdf is empty \(0 bytes\)\. Nothing was attached$"
    ):
        attach(store, ref, b"", "empty.pdf")


def test_the_same_file_twice_is_kept_once_and_the_user_told(store: Store) -> None:
    ref = log(store)
    photo = jpeg()
    first = attach(store, ref, photo, "damp.jpg", title="Photo of damp")
    again = attach(store, ref, photo, "IMG_0001.jpg", title="Another title")
    assert again.already_kept
    assert again.document.id == first.document.id
    assert again.message == (
        f"IMG_0001.jpg is already kept with {ref} as 'Photo of damp' (received Tue 3 Feb 2026); "
        "it was not added again"
    )
    assert count(store, "documents") == 1
    assert len(add_document_events(store)) == 1
    other = log(store)  # another case may keep the same file
    assert not attach(store, other, photo, "damp.jpg").already_kept


def test_a_damaged_stored_document_is_reported_not_served(store: Store) -> None:
    ref = log(store)
    done = attach(store, ref, pdf(), "survey.pdf", title="Surveyor's report")
    with store.engine.begin() as conn:
        conn.execute(
            text("UPDATE document_contents SET content = :c WHERE document_id = :id"),
            {"c": pdf("A different report"), "id": done.document.id},
        )
    with pytest.raises(DamagedDocument) as info:
        read(store, done.document.id)
    assert str(info.value) == (
        f"The stored document 'Surveyor's report' (survey.pdf) on {ref} does not match its "
        "fingerprint (SHA-256): it is damaged and is not shown. Restore a backup that has it, "
        "or ask the sender for it again"
    )


def _tables_read(s: Session, engine_name: str, fn: Callable[[], object]) -> dict[str, int]:
    """How many times ``fn`` read the documents and document_contents tables (each engine's own
    count: SQLite's statement trace on the session's connection, PostgreSQL's per-transaction
    table statistics)."""
    names = ("documents", "document_contents")
    if engine_name == "sqlite":
        raw = s.connection().connection.driver_connection
        assert isinstance(raw, sqlite3.Connection)
        seen: list[str] = []
        raw.set_trace_callback(seen.append)
        try:
            fn()
        finally:
            raw.set_trace_callback(None)
        return {n: sum(1 for st in seen if re.search(rf"\b{n}\b", st)) for n in names}
    fn()
    rows = s.execute(
        text(
            "SELECT relname, seq_scan + coalesce(idx_scan, 0) FROM pg_stat_xact_user_tables "
            "WHERE relname IN ('documents', 'document_contents')"
        )
    ).all()
    return {n: dict(rows).get(n, 0) for n in names}


def test_listing_never_loads_the_bytes(store: Store, engine_name: str) -> None:
    ref = log(store)
    attach(store, ref, pdf(), "survey.pdf")
    with store.read() as s:
        reads = _tables_read(s, engine_name, lambda: list_documents(s, OFFICER, ref))
    assert reads["documents"] >= 1  # the count sees the list's own read...
    assert reads["document_contents"] == 0  # ...and no read of the bytes


def test_the_quick_reader_lists_what_a_session_lists(store: Store) -> None:
    """The case view lists on the store's quick reader (plain DB-API), the command line in a
    session: the same documents, in the same order, with the same typed values."""
    ref = log(store)
    email = attach(store, ref, eml(with_report=pdf()), "complaint.eml").document
    attach(store, ref, jpeg(), "damp.jpg", title="Photo", received=date(2026, 1, 30))
    with store.read() as s:
        by_session = list_documents(s, OFFICER, ref)
    with store.quick.read() as conn:
        by_quick = list_documents(conn, OFFICER, ref)
        by_lower = list_documents(conn, OFFICER, ref.lower())
        [case_id] = conn.execute("SELECT id FROM cases WHERE reference = ?", (ref,)).fetchall()
        by_id = list_documents(conn, OFFICER, case_id[0])
    assert by_quick == by_session == by_lower == by_id
    assert [(d.title, d.parent_id == email.id) for d in by_quick] == [
        ("Photo", False),
        ("Damp in my flat - photos attached", False),
        ("survey report.pdf", True),
    ]
    photo = by_quick[0]
    assert (photo.received, photo.file_type, photo.removed) == (
        date(2026, 1, 30),
        FileType.JPEG,
        False,
    )
    assert isinstance(photo.created_at, datetime)
    assert by_quick[1].email_date == datetime(2026, 2, 3, 9, 15)
    assert by_quick[1].email_attachments == (("survey report.pdf", by_quick[2].id, ""),)


def test_listing_a_case_that_is_not_there_or_hidden_says_the_same(store: Store) -> None:
    hidden = log(store, restricted=True)
    attach(store, hidden, jpeg(), "damp.jpg")
    with store.quick.read() as conn:
        for actor, ref in ((NO_ACCESS, hidden), (OFFICER, "CW-2099-999999")):
            with pytest.raises(NotFound) as info:
                list_documents(conn, actor, ref)
            assert str(info.value) == f"There is no case with reference {ref}"


def test_an_advisor_may_not_attach(store: Store) -> None:
    ref = log(store)
    with pytest.raises(NotAllowed) as info:
        attach(store, ref, jpeg(), "damp.jpg", actor=ADVISOR)
    assert str(info.value) == (
        "Only a complaints officer, manager or administrator may add documents; "
        "you are signed in as an advisor"
    )
    assert count(store, "documents") == 0


def test_restricted_cases_documents_follow_the_restriction(store: Store) -> None:
    ref = log(store, restricted=True)
    done = attach(store, ref, jpeg(), "damp.jpg")  # OFFICER has restricted access
    hidden = f"There is no case with reference {ref}"  # as for a case that does not exist
    with pytest.raises(NotFound) as info:
        documents(store, ref, NO_ACCESS)
    assert str(info.value) == hidden
    with pytest.raises(NotFound):
        attach(store, ref, png(), "more.png", actor=NO_ACCESS)
    with pytest.raises(NotFound) as found:
        read(store, done.document.id, NO_ACCESS)
    assert str(found.value) == f"There is no document {done.document.id}"
    assert len(documents(store, ref)) == 1


def test_received_date_cannot_be_in_the_future(store: Store) -> None:
    ref = log(store)
    with pytest.raises(InvalidInput, match=r"^The date received cannot be in the future"):
        attach(store, ref, jpeg(), "damp.jpg", received=date(2026, 6, 2))


def test_a_hostile_file_name_keeps_no_folder_part(store: Store) -> None:
    ref = log(store)
    attach(store, ref, jpeg(), "..\\..\\Windows/System32/evil\x00.jpg")
    with store.read() as s:
        assert s.scalar(select(Document.file_name)) == "evil.jpg"
        assert s.scalar(select(func.count()).select_from(DocumentContent)) == 1


def test_the_case_detail_leaves_documents_to_the_timeline_tab(store: Store) -> None:
    """load_case_detail (the case view's first paint) reads no document events; the Timeline
    tab reads them when it is opened, in one query, worded as before."""
    ref = log(store)
    photo = attach(store, ref, jpeg(), "damp.jpg", title="Photo of damp", sender="Jane Doe")
    report = attach(store, ref, pdf(), "survey.pdf", received=date(2026, 2, 5))
    with store.read() as s:
        detail = load_case_detail(s, ref, TODAY, actor=OFFICER)
        statements: list[str] = []

        def seen(_c, _cur, statement, *_a) -> None:  # type: ignore[no-untyped-def]
            statements.append(statement)

        event.listen(store.engine, "before_cursor_execute", seen)
        later = later_timeline(s, OFFICER, detail.id)
        event.remove(store.engine, "before_cursor_execute", seen)
    assert sum("FROM audit_events" in st for st in statements) == 1
    assert [e.what for e in detail.timeline] == ["Log record"]
    assert [(e.who, e.what) for e in later] == [(OFFICER.display_name, "Add document")] * 2
    assert [e.detail for e in later] == [
        f"'Photo of damp' (damp.jpg), JPEG photo, {photo.document.size} bytes, "
        "received Tue 3 Feb 2026 from Jane Doe",
        f"'survey.pdf', PDF document, {report.document.size_text}, received Thu 5 Feb 2026",
    ]


def test_the_timeline_tab_read_follows_the_restriction(store: Store) -> None:
    ref = log(store, restricted=True)
    attach(store, ref, jpeg(), "damp.jpg")
    with store.read() as s:
        case_id = load_case_detail(s, ref, TODAY, actor=OFFICER).id
        assert len(later_timeline(s, OFFICER, case_id)) == 1
        with pytest.raises(NotFound) as info:
            later_timeline(s, NO_ACCESS, case_id)
    assert str(info.value) == f"There is no case with reference {case_id}"
