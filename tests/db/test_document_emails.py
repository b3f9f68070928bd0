"""Emails kept with a case: .eml and Outlook .msg, with their sender, date, subject, attachments."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from email.message import EmailMessage

from casework import OFFICER, TODAY, log
from document_files import eml, jpeg, msg, pdf
from sqlalchemy import select

from caseworker.domain.file_types import FileType
from caseworker.services.documents import attach_document, document_bytes, list_documents
from db.models import AuditEvent
from db.store import Store


def attach(store: Store, reference: str, data: bytes, name: str, **kw):  # type: ignore[no-untyped-def]
    with store.write() as s:
        return attach_document(s, OFFICER, reference, data=data, file_name=name, today=TODAY, **kw)


def documents(store: Store, reference: str):  # type: ignore[no-untyped-def]
    with store.read() as s:
        return list_documents(s, OFFICER, reference)


def test_eml_is_shown_with_sender_date_subject_and_its_attachments_kept(store: Store) -> None:
    ref = log(store)
    photo, report = jpeg(), pdf()
    done = attach(store, ref, eml(with_photo=photo, with_report=report), "complaint.eml")
    email, *kept = documents(store, ref)
    assert (email.file_type, email.title, email.received, email.sender) == (
        FileType.EMAIL,
        "Damp in my flat - photos attached",
        date(2026, 2, 3),  # the email's own date, as none was given
        "Jane Doe <jane.doe@example.org>",
    )
    assert (email.email_from, email.email_date, email.email_subject) == (
        "Jane Doe <jane.doe@example.org>",
        datetime(2026, 2, 3, 9, 15),
        "Damp in my flat - photos attached",
    )
    assert [(d.file_name, d.file_type, d.parent_id, d.sha256) for d in kept] == [
        ("damp.jpg", FileType.JPEG, email.id, hashlib.sha256(photo).hexdigest()),
        ("survey report.pdf", FileType.PDF, email.id, hashlib.sha256(report).hexdigest()),
    ]
    assert email.email_attachments == (
        ("damp.jpg", kept[0].id, ""),
        ("survey report.pdf", kept[1].id, ""),
    )
    assert done.message == (
        f"Kept 'Damp in my flat - photos attached' (Email, {done.document.size_text}) with {ref}; "
        "its 2 attachments listed with it"
    )
    with store.read() as s:
        assert document_bytes(s, OFFICER, kept[0].id)[1] == photo
        [changes] = s.scalars(select(AuditEvent.changes).where(AuditEvent.action == "add-document"))
    assert changes["attachments"] == [
        {"name": "damp.jpg", "document": kept[0].id, "note": ""},
        {"name": "survey report.pdf", "document": kept[1].id, "note": ""},
    ]
    assert changes["attachment_sha256"] == [kept[0].sha256, kept[1].sha256]


def test_an_emails_program_attachment_is_listed_not_kept(store: Store) -> None:
    ref = log(store)
    message = EmailMessage()
    message["From"] = "someone@example.net"
    message["Subject"] = "Invoice"
    message["Date"] = "Mon, 02 Feb 2026 08:00:00 +0000"
    message.set_content("See attached")
    message.add_attachment(
        b"MZ\x90\x00" + bytes(300), maintype="application", subtype="pdf", filename="invoice.pdf"
    )
    attach(store, ref, message.as_bytes(), "invoice.eml")
    [email] = documents(store, ref)
    assert email.email_attachments == (
        (
            "invoice.pdf",
            "",
            "not kept: invoice.pdf is a Windows program, not a document, whatever its name "
            "says; programs are not kept with cases (they could harm the PCs that open them)",
        ),
    )


def test_an_attachment_already_on_the_case_is_kept_once(store: Store) -> None:
    ref = log(store)
    photo = jpeg()
    first = attach(store, ref, photo, "damp.jpg", title="Photo of damp", received=date(2026, 2, 2))
    done = attach(store, ref, eml(with_photo=photo), "complaint.eml")
    assert [d.title for d in documents(store, ref)] == [
        "Photo of damp",
        "Damp in my flat - photos attached",
    ]
    assert done.document.email_attachments == (
        ("damp.jpg", first.document.id, "already kept with the case"),
    )


def test_the_same_email_twice_is_kept_once(store: Store) -> None:
    ref = log(store)
    data = eml(with_photo=jpeg())
    attach(store, ref, data, "complaint.eml")
    again = attach(store, ref, data, "complaint (1).eml")
    assert again.already_kept
    assert len(documents(store, ref)) == 2  # the email and its photo


def test_outlook_msg_is_shown_with_sender_date_subject_and_attachments(store: Store) -> None:
    ref = log(store)
    photo, report = jpeg(), pdf() + b"%" + bytes(6000)  # one in the mini stream, one not
    data = msg((("damp photo.jpg", photo), ("survey.pdf", report)))
    attach(store, ref, data, "Mould.msg", received=date(2026, 2, 4))
    email, *kept = documents(store, ref)
    assert (email.file_type, email.title, email.received) == (
        FileType.MSG,
        "Mould in the bathroom",
        date(2026, 2, 4),
    )
    assert (email.email_from, email.email_date) == (
        "Jane Doe <jane.doe@example.org>",
        datetime(2026, 2, 3, 9, 15),
    )
    assert [(d.file_name, d.file_type, d.size) for d in kept] == [
        ("damp photo.jpg", FileType.JPEG, len(photo)),
        ("survey.pdf", FileType.PDF, len(report)),
    ]
    with store.read() as s:
        assert document_bytes(s, OFFICER, kept[1].id)[1] == report
        assert document_bytes(s, OFFICER, email.id)[1] == data


def test_a_msg_that_cannot_be_read_is_still_kept_as_it_came(store: Store) -> None:
    ref = log(store)
    broken = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "__substg1.0_0037001F".encode("utf-16-le")
    attach(store, ref, broken, "odd.msg")
    [email] = documents(store, ref)
    assert (email.file_type, email.title, email.email_from, email.email_attachments) == (
        FileType.MSG,
        "odd.msg",
        "",
        (),
    )
