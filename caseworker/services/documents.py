"""Documents received and kept with a case: attached once, checked on every read."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import TextClause, select, text
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from caseworker.domain.calendar import format_day
from caseworker.domain.errors import InvalidInput, RuleBroken
from caseworker.domain.file_types import FileType, judge_file, received_name
from caseworker.services import permissions
from caseworker.services.actor import Actor
from caseworker.services.audit import record_event
from caseworker.services.cases import begin_change, get_case, not_future
from caseworker.services.document_email import EmailFacts, read_email
from caseworker.services.errors import NotFound
from caseworker.services.replication import replicated
from caseworker.services.settings import get_setting
from db.models import Case, Document, DocumentContent

MAX_TITLE = 200
MAX_SENDER = 200
MB = 1024 * 1024


class DamagedDocument(RuleBroken):
    """A stored document whose bytes no longer match their SHA-256: reported, not served."""


@dataclass(frozen=True)
class DocumentView:
    """One document as lists show it (never its bytes)."""

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
    value = get_setting(session, "document_max_mb")
    mb = value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 25
    return mb * MB


def too_large(name: str, size: int, limit: int) -> str:
    """The refusal for a file above the limit (the command line checks before reading)."""
    return (
        f"{name} is {size_text(size)}; the largest document kept with a case is "
        f"{size_text(limit)} (set in Settings). Nothing was attached"
    )


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
    """A document from its listed columns (``_LISTED``), in that order."""
    (did, parent, title, name, received, sender, ftype, size, digest) = r[:9]
    (e_from, e_date, e_subject, e_attached, by, at, removed_on) = r[9:]
    return DocumentView(
        did,
        parent,
        title,
        name,
        received,
        sender,
        FileType(ftype),
        size,
        digest,
        e_from,
        e_date,
        e_subject,
        _attachments(e_attached) if e_attached else (),
        by,
        at,
        removed_on is not None,
    )


def _visible_case(session: Session, actor: Actor, reference: str) -> Case:
    return get_case(session, actor, reference)


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


def _existing(session: Session, case: Case, digest: str) -> Document | None:
    return session.scalar(
        select(Document).where(Document.case_id == case.id, Document.sha256 == digest)
    )


def _already(case: Case, name: str, doc: Document) -> str:
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
) -> Document:
    doc = Document(
        case_id=case.id,
        parent_id=parent_id,
        title=title,
        file_name=name,
        received=received,
        sender=sender,
        file_type=file_type.value,
        size=len(data),
        sha256=digest,
        email_from=facts.sender if facts else "",
        email_date=facts.sent_at if facts else None,
        email_subject=facts.subject if facts else "",
        email_attachments=[],
        created_by=actor.display_name,
        created_at=now,
    )
    session.add(doc)
    session.flush()
    session.add(DocumentContent(document_id=doc.id, content=data))
    return doc


def _audit_facts(doc: Document) -> dict[str, Any]:
    return {
        "document": doc.id,
        "title": doc.title,
        "file_name": doc.file_name,
        "file_type": doc.file_type,
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
    session.flush()
    record_event(session, actor, "add-document", case.id, changes)


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

    Raises:
        NotAllowed: the actor may not add documents, or the case is restricted to them.
        InvalidInput: empty, too large, a program, a future date, an over-long title.
    """
    permissions.check(actor, "add-document")
    case = _visible_case(session, actor, reference)
    name = received_name(file_name) or "document"
    limit = max_document_bytes(session)
    file_type = _judge(data, name, limit)
    digest = hashlib.sha256(data).hexdigest()
    clean_title = _clean(title, MAX_TITLE, "title")
    clean_sender = _clean(sender, MAX_SENDER, "sender's name")
    existing = _existing(session, case, digest)
    if existing is not None:
        return Attached(_view(existing), True, _already(case, name, existing))
    case = begin_change(session, actor, case.reference, expected_version, "add-document")
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
    doc.email_attachments = listed
    session.flush()
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
    return Attached(_view(doc), False, kept, tuple(children))


def _attach_part(
    session: Session,
    actor: Actor,
    case: Case,
    email_doc: Document,
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
    existing = _existing(session, case, digest)
    if existing is not None:
        message = _already(case, name, existing)
        return (
            {"name": name, "document": existing.id, "note": "already kept with the case"},
            Attached(_view(existing), True, message),
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
    return {"name": name, "document": doc.id, "note": ""}, Attached(_view(doc), False, message)


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


def in_order(rows: Iterable[T]) -> list[T]:
    """Documents in the order received, each email's attachments straight after it."""
    docs = list(rows)
    children: dict[str, list[T]] = {}
    for d in docs:
        if d.parent_id is not None:
            children.setdefault(d.parent_id, []).append(d)
    known = {d.id for d in docs}
    tops = sorted(
        (d for d in docs if d.parent_id is None or d.parent_id not in known),
        key=lambda d: (d.received, d.created_at, d.title, d.id),
    )
    out: list[T] = []
    for d in tops:
        out.append(d)
        out += sorted(children.get(d.id, ()), key=lambda c: (c.created_at, c.file_name, c.id))
    return out


# Plain SQL (portable): a case's documents are read as plain values and turned into views
# here, which is several times quicker than typed ORM rows for a case with hundreds.
def _list_sql(key: str) -> TextClause:
    columns = ", ".join(f"d.{col.key}" for col in _LISTED)
    return text(
        f"SELECT c.reference, c.restricted, {columns} FROM cases c "
        f"LEFT JOIN documents d ON d.case_id = c.id WHERE c.{key} = :value"
    )


_LIST_BY_REFERENCE, _LIST_BY_ID = _list_sql("reference"), _list_sql("id")


def _day(value: Any) -> Any:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _moment(value: Any) -> Any:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _plain_view(r: Sequence[Any]) -> DocumentView:
    """A document from the plain values of ``_LIST_SQL`` (strings on SQLite, typed values on
    PostgreSQL)."""
    attached = r[12]
    if isinstance(attached, str):
        attached = json.loads(attached) if attached != "[]" else ()
    return _row_view(
        (
            *r[:4],
            _day(r[4]),
            *r[5:10],
            _moment(r[10]),
            r[11],
            attached,
            r[13],
            _moment(r[14]),
            r[15],
        )
    )


def list_documents(session: Session, actor: Actor, reference: str) -> tuple[DocumentView, ...]:
    """The case's documents in the order received (their bytes are never read).

    One query for the case and its documents, read as plain values.
    """
    rows = session.execute(_LIST_BY_REFERENCE, {"value": reference.strip()}).all()
    if not rows or (rows[0][1] and not permissions.sees_restricted(actor)):
        # Given the case's id or another spelling, no such case, or one the actor may not
        # see: get_case finds it or says there is none, in the same words for each.
        case_id = get_case(session, actor, reference).id
        rows = session.execute(_LIST_BY_ID, {"value": case_id}).all()
    docs = [_plain_view(r[2:]) for r in rows if r[2] is not None]
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
