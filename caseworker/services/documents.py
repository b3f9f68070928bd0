"""Documents received and kept with a case: attached once, checked on every read."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter
from typing import Any, NamedTuple, Protocol, TypeVar

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from caseworker.domain.calendar import format_day
from caseworker.domain.errors import InvalidInput, RuleBroken
from caseworker.domain.file_types import FileType, judge_file, received_name
from caseworker.services import permissions
from caseworker.services.actor import Actor
from caseworker.services.audit import record_event
from caseworker.services.cases import begin_change, no_such_case, not_future
from caseworker.services.document_email import EmailFacts, read_email
from caseworker.services.errors import NotFound
from caseworker.services.quick_reads import setting
from caseworker.services.replication import replicated
from db.models import Case, Document, DocumentContent, new_id
from db.queries import Reader, connection_of

MAX_TITLE = 200
MAX_SENDER = 200
MB = 1024 * 1024


class DamagedDocument(RuleBroken):
    """A stored document whose bytes no longer match their SHA-256: reported, not served."""


class DocumentView(NamedTuple):
    """One document as lists show it (never its bytes).

    A named tuple rather than a frozen dataclass: a case's list makes hundreds at once, and a
    tuple is made in one step where a frozen dataclass sets each of its 16 fields in turn.
    """

    id: str
    parent_id: str | None
    title: str
    file_name: str
    received: date
    sender: str
    file_type: FileType
    size: int
    sha256: str
    email_from: str
    email_date: datetime | None
    email_subject: str
    email_attachments: tuple[tuple[str, str, str], ...]  # (name, document id or "", note)
    created_by: str
    created_at: datetime
    removed: bool

    @property
    def type_label(self) -> str:
        return self.file_type.label

    @property
    def size_text(self) -> str:
        return size_text(self.size)


@dataclass(frozen=True)
class Attached:
    """What attaching one file did, in words for the person who did it."""

    document: DocumentView
    already_kept: bool
    message: str
    attachments: tuple[Attached, ...] = ()


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < MB:
        return f"{size / 1024:.0f} KB"
    return f"{size / MB:.1f} MB"


def max_document_bytes(session: Session) -> int:
    """The largest document kept (Settings, 25 MB by default), in bytes."""
    value = setting(session, "document_max_mb")  # one plain read, no ORM row
    mb = value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 25
    return mb * MB


def too_large(name: str, size: int, limit: int) -> str:
    """The refusal for a file above the limit (the command line checks before reading)."""
    return (
        f"{name} is {size_text(size)}; the largest document kept with a case is "
        f"{size_text(limit)} (set in Settings). Nothing was attached"
    )


_FILE_TYPES = {t.value: t for t in FileType}  # a dict look-up, not an Enum call per row
_day, _moment, _new_view = date.fromisoformat, datetime.fromisoformat, tuple.__new__

_LISTED = (
    Document.id,
    Document.parent_id,
    Document.title,
    Document.file_name,
    Document.received,
    Document.sender,
    Document.file_type,
    Document.size,
    Document.sha256,
    Document.email_from,
    Document.email_date,
    Document.email_subject,
    Document.email_attachments,
    Document.created_by,
    Document.created_at,
    Document.removed_on,
)


def _view(doc: Document) -> DocumentView:
    return _row_view(tuple(getattr(doc, c.key) for c in _LISTED))


def _attachments(listed: Any) -> tuple[tuple[str, str, str], ...]:
    return tuple(
        (str(a.get("name", "")), str(a.get("document", "")), str(a.get("note", "")))
        for a in listed or ()
    )


def _row_view(r: Sequence[Any]) -> DocumentView:
    """A document from its listed columns (``_LISTED``), in that order, as Python values."""
    (did, parent, title, name, received, sender, ftype, size, digest) = r[:9]
    (e_from, e_date, e_subject, e_attached, by, at, removed_on) = r[9:]
    # tuple.__new__ directly: the named tuple's own __new__ is a Python function (the list
    # of a case's documents makes one a row)
    return _new_view(
        DocumentView,
        (
            did,
            parent,
            title,
            name,
            received,
            sender,
            _FILE_TYPES[ftype],
            size,
            digest,
            e_from,
            e_date,
            e_subject,
            _attachments(e_attached) if e_attached else (),
            by,
            at,
            removed_on is not None,
        ),
    )


def _judge(data: bytes, name: str, limit: int) -> FileType:
    if not data:
        raise InvalidInput(f"{name} is empty (0 bytes). Nothing was attached")
    if len(data) > limit:
        raise InvalidInput(too_large(name, len(data), limit))
    judged = judge_file(data)
    if judged.file_type is FileType.PROGRAM:
        raise InvalidInput(
            f"{name} is {judged.detail}, not a document, whatever its name says; programs "
            "are not kept with cases (they could harm the PCs that open them). "
            "Nothing was attached"
        )
    return judged.file_type


def _clean(text: str, limit: int, what: str) -> str:
    value = " ".join(text.split())
    if len(value) > limit:
        raise InvalidInput(
            f"The {what} can be at most {limit} characters; this one has {len(value)}"
        )
    return value


# The attach path's own statements, built once (no statement made or keyed per attach) and
# run on the session's connection in its transaction, past the ORM's unit of work.
_DOCUMENTS: Table = Document.__table__  # type: ignore[assignment]
_CONTENTS: Table = DocumentContent.__table__  # type: ignore[assignment]
_EXISTING = select(*(_DOCUMENTS.c[c.key] for c in _LISTED)).where(
    _DOCUMENTS.c.case_id == bindparam("case_id"), _DOCUMENTS.c.sha256 == bindparam("sha256")
)
_INSERT_DOCUMENT, _INSERT_CONTENT = insert(_DOCUMENTS), insert(_CONTENTS)


def _existing(session: Session, case_id: str, digest: str) -> DocumentView | None:
    """The case's document with these bytes, if it has one (its listed columns only)."""
    found = session.connection().execute(_EXISTING, {"case_id": case_id, "sha256": digest})
    row = found.first()
    return _row_view(row) if row is not None else None


def _already(case: Case, name: str, doc: DocumentView) -> str:
    return (
        f"{name} is already kept with {case.reference} as '{doc.title}' "
        f"(received {format_day(doc.received)}); it was not added again"
    )


def _store(
    session: Session,
    actor: Actor,
    case: Case,
    *,
    data: bytes,
    digest: str,
    file_type: FileType,
    name: str,
    title: str,
    received: date,
    sender: str,
    parent_id: str | None,
    facts: EmailFacts | None,
    now: datetime,
) -> DocumentView:
    """Insert the document's row and its bytes (two plain inserts, no unit of work: the bytes
    are handed to the driver as they are, never copied or compared)."""
    values: dict[str, Any] = {
        "id": new_id(),
        "case_id": case.id,
        "parent_id": parent_id,
        "title": title,
        "file_name": name,
        "received": received,
        "sender": sender,
        "file_type": file_type.value,
        "size": len(data),
        "sha256": digest,
        "email_from": facts.sender if facts else "",
        "email_date": facts.sent_at if facts else None,
        "email_subject": facts.subject if facts else "",
        "email_attachments": [],
        "created_by": actor.display_name,
        "created_at": now,
        "removed_on": None,
    }
    connection = session.connection()
    connection.execute(_INSERT_DOCUMENT, values)
    connection.execute(_INSERT_CONTENT, {"document_id": values["id"], "content": data})
    return _row_view(tuple(values[c.key] for c in _LISTED))


def _audit_facts(doc: DocumentView) -> dict[str, Any]:
    return {
        "document": doc.id,
        "title": doc.title,
        "file_name": doc.file_name,
        "file_type": doc.file_type.value,
        "size": doc.size,
        "sha256": doc.sha256,
        "received": doc.received,
        "sender": doc.sender,
    }


def _audit_change(session: Session, actor: Actor, case: Case, changes: dict[str, Any]) -> None:
    """Move the case's version and audit the attachment.

    Unlike ``finish_change`` the case's clocks, list columns and search entry are not
    worked out again: a document changes none of them.
    """
    case.updated_at = datetime.now().replace(microsecond=0)
    case.updated_by = actor.display_name
    flag_modified(case, "updated_at")
    record_event(session, actor, "add-document", case.id, changes)  # flushes the case first


@replicated("add-document", changed=lambda _kwargs, attached: not attached.already_kept)
def attach_document(
    session: Session,
    actor: Actor,
    reference: str,
    *,
    data: bytes,
    file_name: str,
    title: str = "",
    received: date | None = None,
    sender: str = "",
    today: date,
    expected_version: int | None = None,
) -> Attached:
    """Keep a received file with a case (audited "add-document"), or say it is already kept.

    The type is judged from the bytes. An email's sender, date and subject are read from it,
    and each attachment it carried is kept as a document of its own (listed on the email,
    with the reason for any not kept). ``received`` defaults to the email's date, else today.
    The bytes are hashed once; the case is read once (locked on a server).

    Raises:
        NotAllowed: the actor may not add documents, or the case is restricted to them.
        InvalidInput: empty, too large, a program, a future date, an over-long title.
        RuleBroken: the case changed since ``expected_version``.
    """
    permissions.check(actor, "add-document")
    name = received_name(file_name) or "document"
    clean_title = _clean(title, MAX_TITLE, "title")
    clean_sender = _clean(sender, MAX_SENDER, "sender's name")
    case = begin_change(session, actor, reference, expected_version, "add-document")
    limit = max_document_bytes(session)
    file_type = _judge(data, name, limit)
    digest = hashlib.sha256(data).hexdigest()
    existing = _existing(session, case.id, digest)
    if existing is not None:
        return Attached(existing, True, _already(case, name, existing))
    facts = read_email(data, file_type) if file_type.is_email else None
    when = received or (facts.sent_at.date() if facts and facts.sent_at else today)
    not_future(when, "The date received", today)
    now = datetime.now().replace(microsecond=0)
    doc = _store(
        session,
        actor,
        case,
        data=data,
        digest=digest,
        file_type=file_type,
        name=name,
        title=clean_title or (facts.subject[:MAX_TITLE] if facts and facts.subject else name),
        received=when,
        sender=clean_sender or (facts.sender[:MAX_SENDER] if facts else ""),
        parent_id=None,
        facts=facts,
        now=now,
    )
    children: list[Attached] = []
    listed: list[dict[str, str]] = []
    for part in facts.attachments if facts else ():
        child = _attach_part(session, actor, case, doc, part.name, part.data, limit, now)
        listed.append(child[0])
        if child[1] is not None:
            children.append(child[1])
    if listed:
        session.connection().execute(
            update(_DOCUMENTS).where(_DOCUMENTS.c.id == doc.id).values(email_attachments=listed)
        )
        doc = doc._replace(email_attachments=_attachments(listed))
    changes = _audit_facts(doc)
    if facts is not None:
        changes["email"] = {
            "from": doc.email_from,
            "date": doc.email_date,
            "subject": doc.email_subject,
        }
        changes["attachments"] = listed
        changes["attachment_sha256"] = [c.document.sha256 for c in children if not c.already_kept]
    _audit_change(session, actor, case, changes)
    kept = f"Kept '{doc.title}' ({file_type.label}, {size_text(doc.size)}) with {case.reference}"
    if listed:
        kept += f"; its {len(listed)} attachment{'s' if len(listed) != 1 else ''} listed with it"
    return Attached(doc, False, kept, tuple(children))


def _attach_part(
    session: Session,
    actor: Actor,
    case: Case,
    email_doc: DocumentView,
    raw_name: str,
    data: bytes,
    limit: int,
    now: datetime,
) -> tuple[dict[str, str], Attached | None]:
    """One attachment of an email: kept as its own document, or listed with why not."""
    name = received_name(raw_name) or "attachment"
    try:
        file_type = _judge(data, name, limit)
    except InvalidInput as err:
        note = str(err).removesuffix(". Nothing was attached")
        return {"name": name, "document": "", "note": f"not kept: {note}"}, None
    digest = hashlib.sha256(data).hexdigest()
    existing = _existing(session, case.id, digest)
    if existing is not None:
        message = _already(case, name, existing)
        return (
            {"name": name, "document": existing.id, "note": "already kept with the case"},
            Attached(existing, True, message),
        )
    doc = _store(
        session,
        actor,
        case,
        data=data,
        digest=digest,
        file_type=file_type,
        name=name,
        title=name,
        received=email_doc.received,
        sender=email_doc.sender,
        parent_id=email_doc.id,
        facts=None,  # an attached email is kept whole, not opened up in turn
        now=now,
    )
    message = f"Kept '{name}' ({file_type.label}, {size_text(doc.size)}) from the email"
    return {"name": name, "document": doc.id, "note": ""}, Attached(doc, False, message)


class _Ordered(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def parent_id(self) -> str | None: ...
    @property
    def received(self) -> date: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def title(self) -> str: ...
    @property
    def file_name(self) -> str: ...


T = TypeVar("T", bound=_Ordered)


_RECEIVED_ORDER = attrgetter("received", "created_at", "title", "id")
_ATTACHMENT_ORDER = attrgetter("created_at", "file_name", "id")


def in_order(rows: Iterable[T]) -> list[T]:
    """Documents in the order received, each email's attachments straight after it."""
    docs = list(rows)
    children: dict[str, list[T]] = {}
    for d in docs:
        if d.parent_id is not None:
            children.setdefault(d.parent_id, []).append(d)
    if not children:  # no email with attachments: one sort
        return sorted(docs, key=_RECEIVED_ORDER)
    known = {d.id for d in docs}
    tops = sorted(
        (d for d in docs if d.parent_id is None or d.parent_id not in known), key=_RECEIVED_ORDER
    )
    out: list[T] = []
    for d in tops:
        out.append(d)
        out += sorted(children.get(d.id, ()), key=_ATTACHMENT_ORDER)
    return out


# Plain SQL (portable) on the DB-API connection (``db.queries.connection_of``): a case's
# documents are read as plain values and made into views in one step, with no SQLAlchemy
# result or typed rows on the way, which a case with hundreds of documents notices.
_COLUMNS = ", ".join(f"d.{col.key}" for col in _LISTED)
_LIST_SQL = (
    f"SELECT c.reference, c.restricted, {_COLUMNS} FROM cases c "
    "LEFT JOIN documents d ON d.case_id = c.id WHERE c.{key} = ? "
    "ORDER BY d.received, d.created_at, d.title, d.id"  # in_order's order
)
_LIST_BY_REFERENCE, _LIST_BY_ID = _LIST_SQL.format(key="reference"), _LIST_SQL.format(key="id")
# Another spelling of the reference, or the case's id (as get_case takes them).
_FIND_CASE = "SELECT id FROM cases WHERE reference = ? OR id = ?"


# Where _LIST_SQL's row holds the values SQLite gives as text (after the case's two columns).
_RECEIVED, _EMAIL_DATE, _ATTACHED, _CREATED = (
    2 + [c.key for c in _LISTED].index(key)
    for key in ("received", "email_date", "email_attachments", "created_at")
)


def _plain_views(rows: Iterable[Sequence[Any]]) -> list[DocumentView]:
    """The documents of ``_LIST_SQL``'s rows (after the case's two columns), as plain values:
    strings on SQLite (converted here), typed values on PostgreSQL. One pass, each row made
    into its view by ``_row_view`` (the list of a case with hundreds of documents is read
    each time its tab is shown)."""
    out: list[DocumentView] = []
    add, view = out.append, _row_view
    for r in rows:
        if r[2] is None:
            continue  # the case has no documents (the LEFT JOIN's one row)
        if r[_RECEIVED].__class__ is str:  # SQLite: every date and time comes as ISO text
            r = list(r)
            r[_RECEIVED], r[_CREATED] = _day(r[_RECEIVED]), _moment(r[_CREATED])
            if r[_EMAIL_DATE] is not None:
                r[_EMAIL_DATE] = _moment(r[_EMAIL_DATE])
            r[_ATTACHED] = json.loads(r[_ATTACHED]) if r[_ATTACHED] != "[]" else ()
        add(view(r[2:]))
    return out


def list_documents(reader: Reader, actor: Actor, reference: str) -> tuple[DocumentView, ...]:
    """The case's documents in the order received (their bytes are never read).

    ``reader`` is a session, or the quick reader's connection (as the case view reads).
    One query for the case and its documents, read as plain values.

    Raises:
        NotFound: no such case, or one restricted from the actor (in the same words).
    """
    conn = connection_of(reader)
    wanted = reference.strip()
    rows = conn.execute(_LIST_BY_REFERENCE, (wanted,)).fetchall()
    if not rows:
        found = conn.execute(_FIND_CASE, (wanted.upper(), wanted)).fetchone()
        rows = conn.execute(_LIST_BY_ID, (found[0],)).fetchall() if found else []
    if not rows or (rows[0][1] and not permissions.sees_restricted(actor)):
        raise no_such_case(wanted)
    docs = _plain_views(rows)
    if isinstance(conn, sqlite3.Connection) and all(d.parent_id is None for d in docs):
        # Already in order (the SQL's ORDER BY, in SQLite's binary collation, as Python
        # compares): no email with attachments to place under it. A server's collation may
        # order titles otherwise, so its rows are sorted here.
        return tuple(docs)
    return tuple(in_order(docs))


def document_bytes(session: Session, actor: Actor, document_id: str) -> tuple[DocumentView, bytes]:
    """A document and its exact bytes, checked against the SHA-256 taken when it came in.

    Raises:
        NotFound: no such document (or it belongs to a restricted case the actor cannot see).
        DamagedDocument: the stored bytes no longer match; nothing is served.
        RuleBroken: removed under the retention policy.
    """
    doc = session.get(Document, document_id)
    if doc is None:
        raise NotFound(f"There is no document {document_id}")
    case = session.get(Case, doc.case_id)
    assert case is not None
    if case.restricted and not permissions.sees_restricted(actor):
        raise NotFound(f"There is no document {document_id}")
    if doc.removed_on is not None:
        raise RuleBroken(
            f"'{doc.title or doc.id}' was removed under the retention policy on "
            f"{format_day(doc.removed_on)}; only its fingerprint (SHA-256) is kept"
        )
    row = session.get(DocumentContent, doc.id)
    content = row.content if row is not None else b""
    if hashlib.sha256(content).hexdigest() != doc.sha256:
        raise DamagedDocument(
            f"The stored document '{doc.title}' ({doc.file_name}) on {case.reference} does not "
            "match its fingerprint (SHA-256): it is damaged and is not shown. "
            "Restore a backup that has it, or ask the sender for it again"
        )
    return _view(doc), content
