"""Retention: blanking the personal data of cases closed longer ago than the retention period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from caseworker.domain.errors import InvalidInput
from caseworker.domain.vocab import Status
from caseworker.services import permissions
from caseworker.services.actor import Actor
from caseworker.services.audit import PERSON_ACTIONS, REDACTED, record_event, redacted_changes
from caseworker.services.cases import refresh_list_columns
from caseworker.services.settings import get_setting
from db.models import (
    AuditEvent,
    Case,
    CaseParty,
    Correspondence,
    Document,
    DocumentContent,
    Note,
    Person,
)

REMOVED = "[removed under the retention policy]"
ANONYMOUS = "Anonymised"
ENDED = (Status.CLOSED.value, Status.REFUSED.value, Status.WITHDRAWN.value)

# Free text on a case that may hold personal data (the description keeps the REMOVED mark).
CASE_TEXT = (
    "external_reference",
    "time_limit_reason",
    "desired_outcome",
    "outcomes_sought",
    "responsible_for",
    "not_responsible_for",
    "stage1_reasons",
    "escalation_reason",
    "stage2_reasons",
    "escalation_refusal_reason",
    "reply_text",
    "refusal_explanation",
    "withdrawal_reason",
    "ombudsman_determination",
)
PERSON_TEXT = (
    "salutation",
    "address",
    "postcode",
    "phone",
    "email",
    "preferred_contact",
    "preferred_format",
    "disabilities",
    "adjustments",
    "restriction",
    "restriction_authorised_by",
)


@dataclass(frozen=True)
class ExpiredCase:
    """One case the run anonymises (nothing personal: the list is shown before the run)."""

    reference: str
    kind: str
    ended_on: date
    people: int
    notes: int
    letters: int
    documents: int = 0


@dataclass(frozen=True)
class RetentionReport:
    years: int
    cutoff: date  # cases ended before this day are expired
    cases: tuple[ExpiredCase, ...]
    people_anonymised: int
    events_redacted: int
    dry_run: bool


def retention_years(session: Session) -> int:
    value = get_setting(session, "retention_years")
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100:
        raise InvalidInput(
            f"The retention period must be a whole number of years from 1 to 100, not {value!r};"
            " change it in Settings"
        )
    return value


def expired_cases(session: Session, today: date) -> tuple[int, date, list[Case]]:
    """Ended cases whose end is more than the retention period before ``today``."""
    years = retention_years(session)
    cutoff = today - relativedelta(years=years)
    ended = func.coalesce(Case.closed_on, Case.refused_on, Case.withdrawn_on)
    cases = list(
        session.scalars(
            select(Case)
            .where(Case.status.in_(ENDED), ended < cutoff, Case.description != REMOVED)
            .order_by(ended, Case.reference)
        )
    )
    return years, cutoff, cases


def _count(
    session: Session, model: type[Note] | type[Correspondence] | type[Document], case_id: str
) -> int:
    return int(
        session.scalar(select(func.count()).select_from(model).where(model.case_id == case_id)) or 0
    )


def _summary(session: Session, case: Case) -> ExpiredCase:
    ended = case.closed_on or case.refused_on or case.withdrawn_on
    assert ended is not None
    return ExpiredCase(
        case.reference,
        case.kind,
        ended,
        len(case.parties),
        _count(session, Note, case.id),
        _count(session, Correspondence, case.id),
        _count(session, Document, case.id),
    )


def _blank_person(person: Person) -> None:
    person.name = ANONYMOUS
    for key in PERSON_TEXT:
        setattr(person, key, "")
    person.adjustments_review = None
    person.restriction_review = None
    person.do_not_contact = False
    person.anonymised = True


def _anonymise_people(session: Session, case: Case, expired_ids: set[str]) -> set[str]:
    """Blank the case's people, or unlink those who still have a live case elsewhere.

    Returns the ids of people blanked in place.
    """
    blanked: set[str] = set()
    for party in case.parties:
        person = party.person
        other_live = session.scalar(
            select(CaseParty.id)
            .where(CaseParty.person_id == person.id, CaseParty.case_id.not_in(expired_ids))
            .limit(1)
        )
        if other_live is None:
            if not person.anonymised:
                _blank_person(person)
                blanked.add(person.id)
        else:
            # Keep only what the figures need (tenure) on a stand-in.
            party.person = Person(name=ANONYMOUS, tenure=person.tenure, anonymised=True)
    return blanked


def _anonymise_case(session: Session, actor: Actor, case: Case) -> None:
    case.description = REMOVED
    for key in CASE_TEXT:
        setattr(case, key, "")
    for point in case.points:
        point.text = REMOVED
        point.stage1_reasons = ""
        point.stage2_reasons = ""
    for ext in case.extensions:
        ext.reason = ""
    for remedy in case.remedies:
        remedy.description = ""
    for action in case.actions:
        action.description = REMOVED
    for note in session.scalars(select(Note).where(Note.case_id == case.id)):
        note.text = REMOVED
    for letter in session.scalars(select(Correspondence).where(Correspondence.case_id == case.id)):
        # The SHA-256 stays, so the letter can still be shown to have existed.
        letter.content = b""
        letter.addressee_name = ""
        letter.title = ""
        letter.person_id = None
    case.updated_by = actor.display_name


def _remove_documents(session: Session, case: Case, today: date) -> list[dict[str, object]]:
    """Remove the case's documents' bytes and names; their digests go into the run's event.

    The row stays (type, size, received, SHA-256), as a letter's does, so the record shows
    a document existed and a copy held elsewhere can be matched to it.
    """
    removed: list[dict[str, object]] = []
    if session.get_bind().dialect.name == "sqlite":
        # Zero the freed pages, so the removed bytes do not linger in the store file.
        session.execute(text("PRAGMA secure_delete = ON"))
    rows = select(Document).where(Document.case_id == case.id)
    for doc in session.scalars(rows.order_by(Document.created_at, Document.id)):
        if doc.removed_on is not None:
            continue
        content = session.get(DocumentContent, doc.id)
        if content is not None:
            session.delete(content)
        removed.append(
            {"case": case.reference, "sha256": doc.sha256, "size": doc.size, "type": doc.file_type}
        )
        doc.title = doc.file_name = doc.sender = doc.email_from = doc.email_subject = ""
        doc.email_attachments = []
        doc.removed_on = today
    return removed


def _redact_events(session: Session, case_ids: set[str], person_ids: set[str]) -> int:
    redacted = 0
    stmt = select(AuditEvent).where(
        AuditEvent.case_id.in_(case_ids)
        | (AuditEvent.case_id.is_(None) & AuditEvent.action.in_(PERSON_ACTIONS))
    )
    for event in session.scalars(stmt):
        if REDACTED in event.changes:
            continue
        if event.case_id is None and event.changes.get("person") not in person_ids:
            continue
        # The chain covers changes_digest, not the changes, so it still verifies; verify
        # accepts exactly this shape (audit.redacted_changes) and nothing else.
        event.changes = redacted_changes(event.action, event.case_id, event.changes)
        redacted += 1
    return redacted


def run_retention(
    session: Session, actor: Actor, *, today: date, dry_run: bool = True
) -> RetentionReport:
    """List (dry run) or anonymise the cases past the retention period (administrators).

    Kept for the figures: kind, status, dates, channel, site, service areas, themes,
    decisions, remedy kinds and amounts, tenure. Blanked: people (unless they have
    another live case), every free text, letter contents, and the audit payloads about
    them; documents lose their bytes and names, keeping type, size and SHA-256 (listed in
    the run's event). The run itself is audited ("retention-run").
    """
    permissions.check(actor, "retention-run")
    years, cutoff, cases = expired_cases(session, today)
    summaries = tuple(_summary(session, c) for c in cases)
    if dry_run:
        return RetentionReport(years, cutoff, summaries, 0, 0, True)
    expired_ids = {c.id for c in cases}
    blanked: set[str] = set()
    documents: list[dict[str, object]] = []
    for case in cases:
        blanked |= _anonymise_people(session, case, expired_ids)
        _anonymise_case(session, actor, case)
        documents += _remove_documents(session, case, today)
        session.flush()
        refresh_list_columns(session, case)
    redacted = _redact_events(session, expired_ids, blanked)
    session.flush()
    record_event(
        session,
        actor,
        "retention-run",
        None,
        {
            "years": years,
            "cutoff": cutoff,
            "cases": [s.reference for s in summaries],
            "people_anonymised": len(blanked),
            "events_redacted": redacted,
            "documents_removed": documents,
        },
    )
    return RetentionReport(years, cutoff, summaries, len(blanked), redacted, False)
