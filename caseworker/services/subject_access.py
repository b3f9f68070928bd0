"""Subject access: everything held about one person, gathered for a PDF and a JSON file."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from caseworker.domain.errors import CaseworkerError, InvalidInput
from caseworker.domain.file_types import FileType, safe_name
from caseworker.services import permissions
from caseworker.services.actor import Actor
from caseworker.services.audit import json_safe, record_event
from caseworker.services.document_io import write_new
from caseworker.services.documents import document_bytes, in_order
from caseworker.services.errors import NotFound
from db.models import (
    AuditEvent,
    Case,
    CaseParty,
    Correspondence,
    Document,
    EqualityAnswers,
    Note,
    Person,
)
from db.output_files import check_output, write_output

# Stored clocks and list columns are derived from the rest; leaving them out keeps it readable.
_DERIVED = {
    "ack_due",
    "stage1_due",
    "stage2_ack_due",
    "stage2_due",
    "next_due",
    "next_clock",
    "resident_name",
    "representative_name",
    "auth_state",
    "has_adjustments",
    "complainant_tenure",
}


@dataclass(frozen=True)
class PersonRecord:
    """Everything held about one person, as plain JSON-ready values."""

    person: dict[str, Any]
    equality: list[dict[str, Any]]
    cases: list[dict[str, Any]]
    notes: list[dict[str, Any]]
    letters: list[dict[str, Any]]
    audit: list[dict[str, Any]]
    made_at: datetime
    made_by: str
    documents: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = json_safe(
            {
                "made_at": self.made_at,
                "made_by": self.made_by,
                "person": self.person,
                "equality_monitoring": self.equality,
                "cases": self.cases,
                "notes": self.notes,
                "letters": self.letters,
                "documents": self.documents,
                "audit_entries": self.audit,
            }
        )
        return out


def find_person(session: Session, query: str) -> Person:
    """A person by id, or by their full name (any capitals) when only one person has it."""
    text = query.strip()
    if not text:
        raise InvalidInput("Give the person's id or full name")
    person = session.get(Person, text)
    if person is not None:
        return person
    # SQLite's lower() folds only A-Z, so fold the query the same way (Ó stays Ó).
    folded = "".join(c.lower() if c.isascii() else c for c in text)
    found = list(session.scalars(select(Person).where(func.lower(Person.name) == folded).limit(20)))
    if not found:
        raise NotFound(f"There is no person with the id or name {text}")
    if len(found) > 1:
        listed = "; ".join(f"{p.id} ({p.postcode or 'no postcode'})" for p in found)
        raise InvalidInput(f"{len(found)} people are called {text}; give the id of one: {listed}")
    return found[0]


def _columns(row: Any, skip: set[str] | frozenset[str] = frozenset()) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in skip}


# A case's own rows are given without their keys and bookkeeping (the integer id they had
# before migration 0009, their place in the case): they say nothing about the person. A
# complaint point's position is its number in the complaint, and is given.
_KEYS = frozenset({"id", "case_id", "legacy_id"})
_OWN = _KEYS | {"position"}


def _case(case: Case, role: str) -> dict[str, Any]:
    data = _columns(case, _DERIVED)
    data["their_role"] = role
    data["points"] = [_columns(p, _KEYS) for p in case.points]
    data["extensions"] = [_columns(e, _OWN) for e in case.extensions]
    data["remedies"] = [_columns(r, _OWN) for r in case.remedies]
    data["outstanding_actions"] = [_columns(a, _OWN) for a in case.actions]
    data["party"] = next(
        (_columns(p, _OWN | {"person_id"}) for p in case.parties if p.role == role), {}
    )
    return data


def gather_person(session: Session, actor: Actor, query: str, *, now: datetime) -> PersonRecord:
    """Everything held about a person; the export itself is audited ("export-person").

    Raises:
        NotAllowed: the actor may not export, or the person has a restricted case the
            actor has no access to.
        NotFound, InvalidInput: no such person, or the name is shared.
    """
    permissions.check(actor, "export-person")
    person = find_person(session, query)
    parties = list(session.scalars(select(CaseParty).where(CaseParty.person_id == person.id)))
    cases = sorted({p.case for p in parties}, key=lambda c: (c.received, c.reference))
    for case in cases:
        if case.restricted:
            permissions.check_restricted(actor, case.reference)
    case_ids = [c.id for c in cases]
    refs = {c.id: c.reference for c in cases}
    roles = {p.case_id: p.role for p in parties}
    notes = [
        {"case": refs[n.case_id], "at": n.created_at, "author": n.author, "text": n.text}
        for n in session.scalars(
            select(Note)
            .where(Note.case_id.in_(case_ids))
            .order_by(Note.created_at, Note.position, Note.id)
        )
    ]
    letters = [
        {
            **_columns(c, {"content", "case_id", "person_id"}),
            "case": refs.get(c.case_id, ""),
            "content_base64": base64.b64encode(c.content).decode("ascii"),
        }
        for c in session.scalars(
            select(Correspondence)
            .where(or_(Correspondence.case_id.in_(case_ids), Correspondence.person_id == person.id))
            .order_by(Correspondence.made_at)
        )
    ]
    documents = [
        _document(session, actor, d, refs[d.case_id])
        for d in in_order(session.scalars(select(Document).where(Document.case_id.in_(case_ids))))
    ]
    events = session.scalars(
        select(AuditEvent)
        .where(or_(AuditEvent.case_id.in_(case_ids), AuditEvent.case_id.is_(None)))
        .order_by(AuditEvent.seq)
    )
    audit = [
        {
            "seq": e.seq,
            "at": e.at,
            "actor": e.actor,
            "role": e.role,
            "case": refs.get(e.case_id or "", ""),
            "action": e.action,
            "changes": e.changes,
        }
        for e in events
        if e.case_id is not None or e.changes.get("person") == person.id
    ]
    equality = [
        a.answers
        for a in session.scalars(
            select(EqualityAnswers).where(EqualityAnswers.person_id == person.id)
        )
    ]
    record = PersonRecord(
        person=_columns(person),
        equality=equality,
        cases=[_case(c, roles[c.id]) for c in cases],
        notes=notes,
        letters=letters,
        audit=audit,
        made_at=now,
        made_by=actor.display_name,
        documents=documents,
    )
    record_event(
        session,
        actor,
        "export-person",
        None,
        {
            "person": person.id,
            "cases": [c.reference for c in cases],
            "documents": [d["sha256"] for d in documents],
        },
    )
    return record


def _document(session: Session, actor: Actor, doc: Document, reference: str) -> dict[str, Any]:
    """A document's facts and, unless removed or damaged, its bytes (checked) in base64."""
    item = {**_columns(doc, {"case_id"}), "case": reference}
    if doc.removed_on is None:
        try:
            _view, content = document_bytes(session, actor, doc.id)
        except CaseworkerError as exc:  # damaged: said in the export, not passed off as sound
            item["problem"] = str(exc)
        else:
            item["content_base64"] = base64.b64encode(content).decode("ascii")
    return item


def write_documents(data: dict[str, Any], folder: Path) -> list[Path]:
    """The documents themselves, under safe names, beside the export (never overwriting)."""
    written: list[Path] = []
    for doc in data.get("documents", []):
        content = doc.get("content_base64")
        if not content:
            continue
        folder.mkdir(exist_ok=True)
        name = safe_name(str(doc["file_name"]), FileType(doc["file_type"]))
        written.append(write_new(folder, name, base64.b64decode(content)))
    return written


def documents_folder(data: dict[str, Any], folder: Path) -> Path:
    return folder / f"person-{data['person']['id'][:8]}-{data['made_at'][:10]}-documents"


def export_paths(data: dict[str, Any], folder: Path) -> tuple[Path, Path]:
    """``person-<id>-<date>.pdf`` and ``.json`` in ``folder``."""
    stem = f"person-{data['person']['id'][:8]}-{data['made_at'][:10]}"
    return folder / f"{stem}.pdf", folder / f"{stem}.json"


def write_export(
    data: dict[str, Any], folder: Path, *, store: Path | None = None
) -> tuple[Path, Path]:
    """Write ``person-<id>.json`` and ``.pdf`` into ``folder`` (which must exist), and the
    documents into ``person-<id>-documents/`` beside them.

    Raises:
        OutputRefused: the folder is missing or read-only, or a file would be the store.
    """
    pdf_path, json_path = export_paths(data, folder)
    for path in (pdf_path, json_path):
        check_output(path, store=store)
    write_documents(data, documents_folder(data, folder))
    from caseworker.reports.subject_access_pdf import render_person_record  # ReportLab, lazily

    pdf = render_person_record(data)
    text = json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")
    write_output(json_path, text, store=store)
    write_output(pdf_path, pdf, store=store)
    return pdf_path, json_path
