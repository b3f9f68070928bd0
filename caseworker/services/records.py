"""Notes, learning and links between cases."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseworker.domain.errors import InvalidInput, RuleBroken
from caseworker.services.actor import Actor
from caseworker.services.cases import begin_change, finish_change, get_case
from caseworker.services.replication import replicated
from db.models import CaseLink, Learning, Note
from db.ordering import next_position

MAX_NOTE = 20_000


@replicated("add-note")
def add_note(
    session: Session, actor: Actor, reference: str, *, text: str, expected_version: int | None
) -> Note:
    case = begin_change(session, actor, reference, expected_version, "add-note")
    body = text.strip()
    if not body:
        raise InvalidInput("The note is empty")
    if len(body) > MAX_NOTE:
        raise InvalidInput(
            f"A note can be at most {MAX_NOTE:,} characters; this one has {len(body):,}"
        )
    note = Note(
        case_id=case.id,
        position=next_position(session, Note, case.id),
        text=body,
        author=actor.display_name,
        created_at=datetime.now().replace(microsecond=0),
    )
    session.add(note)
    session.flush()
    finish_change(session, actor, case, "add-note", {"note": note.id, "text": body})
    return note


@replicated("record-learning")
def record_learning(
    session: Session,
    actor: Actor,
    reference: str,
    *,
    description: str,
    improvement: str,
    expected_version: int | None,
    today: date,
) -> Learning:
    case = begin_change(session, actor, reference, expected_version, "record-learning")
    if not description.strip():
        raise InvalidInput("Describe what was learned")
    item = Learning(
        case_id=case.id,
        position=next_position(session, Learning, case.id),
        description=description.strip(),
        improvement=improvement.strip(),
        recorded_on=today,
    )
    session.add(item)
    session.flush()
    finish_change(
        session,
        actor,
        case,
        "record-learning",
        {"learning": item.id, "description": item.description, "improvement": item.improvement},
    )
    return item


@replicated("link-case")
def link_cases(
    session: Session,
    actor: Actor,
    reference: str,
    other_reference: str,
    *,
    reason: str = "",
    expected_version: int | None,
) -> None:
    """Link a case to an earlier one about the same issue (both ways)."""
    case = begin_change(session, actor, reference, expected_version, "link-case")
    other = get_case(session, actor, other_reference)
    if other.id == case.id:
        raise RuleBroken("A case cannot be linked to itself")
    exists = session.scalar(
        select(CaseLink).where(CaseLink.case_id == case.id, CaseLink.linked_case_id == other.id)
    )
    if exists is not None:
        raise RuleBroken(f"{case.reference} is already linked to {other.reference}")
    session.add(CaseLink(case_id=case.id, linked_case_id=other.id, reason=reason.strip()))
    session.add(CaseLink(case_id=other.id, linked_case_id=case.id, reason=reason.strip()))
    session.flush()
    finish_change(
        session, actor, case, "link-case", {"linked": other.reference, "reason": reason.strip()}
    )
