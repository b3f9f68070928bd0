"""What a letter reads from the store: a case in two queries, and what a batch shares, once.

Making a letter needs far less than the case view: the case row, its people, its
complaint points, extensions, remedies, actions and service areas, and the stage's due
date. :func:`read_letter` reads them in two statements (the case with its people, then
every list in one ``UNION ALL``), both built once and executed with the reference bound.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BindParameter,
    Boolean,
    CompoundSelect,
    Date,
    Integer,
    Numeric,
    Row,
    Select,
    String,
    Text,
    bindparam,
    cast,
    literal,
    null,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import InstrumentedAttribute, Session, contains_eager, joinedload
from sqlalchemy.sql.elements import ColumnElement

from caseworker.domain.addressees import PartyFacts
from caseworker.domain.calendar import WorkingCalendar
from caseworker.domain.clocks import ClockName, find_clock
from caseworker.domain.letters import (
    DEFAULT_OTHER_FORMATS,
    ActionLine,
    ExtensionDetails,
    LetterCase,
    Organisation,
    Point,
    Refusal,
    RemedyLine,
    Templates,
    load_templates,
)
from caseworker.domain.policy import load_policy
from caseworker.domain.vocab import Decision, ExclusionReason, LetterKind, RecordKind, RemedyKind
from caseworker.services.authorisation import authorisation_covers
from caseworker.services.clocks import case_clocks
from caseworker.services.errors import NotFound
from caseworker.services.settings import get_setting, store_calendar
from db.models import (
    Case,
    CaseParty,
    CaseServiceArea,
    ComplaintPoint,
    OutstandingAction,
    Remedy,
    ServiceArea,
)


@dataclass(frozen=True)
class LetterSetup:
    """What every letter of a batch shares, read once: calendar, letterhead and wording."""

    calendar: WorkingCalendar
    org: Organisation
    templates: Templates

    @classmethod
    def read(cls, session: Session) -> LetterSetup:
        folder = str(get_setting(session, "letter_templates_dir") or "")
        return cls(
            store_calendar(session),
            organisation(session),
            load_templates(Path(folder) if folder else None),
        )


def organisation(session: Session) -> Organisation:
    """The letterhead and signatory from Settings."""
    org = dict(get_setting(session, "organisation") or {})
    address = str(org.get("address", ""))
    return Organisation(
        name=str(org.get("name") or "Complaints Team"),
        address_lines=tuple(
            line.strip() for line in address.replace(",", "\n").splitlines() if line.strip()
        ),
        phone=str(org.get("phone", "")),
        email=str(org.get("email", "")),
        website=str(org.get("website", "")),
        signatory_name=str(org.get("signatory_name") or "Complaints Team"),
        signatory_role=str(org.get("signatory_role", "")),
        other_formats_text=str(org.get("other_formats") or "") or DEFAULT_OTHER_FORMATS,
        logo_path=str(org.get("logo_path") or "") or None,
    )


def asks_for_large_print(preferred_format: str, adjustments: str) -> bool:
    """Whether a person's recorded format or adjustments ask for large print."""
    text = f"{preferred_format} {adjustments}".lower()
    return "large print" in text or "large-print" in text


@dataclass(frozen=True)
class LetterParty:
    """A person on the case, as the addressee rules see them."""

    facts: PartyFacts
    large_print: bool


@dataclass(frozen=True)
class LetterSource:
    """One case as a letter of one kind reads it."""

    record_kind: RecordKind
    case: LetterCase
    parties: tuple[LetterParty, ...]

    def party(self, person_id: str) -> LetterParty:
        return next(p for p in self.parties if p.facts.person_id == person_id)


@cache
def _case_query() -> Select[Case]:
    """The case with its people (joined) and extensions (for the clocks), by reference."""
    return (
        select(Case)
        .outerjoin(Case.parties)
        .outerjoin(CaseParty.person)
        .options(
            contains_eager(Case.parties).contains_eager(CaseParty.person),
            joinedload(Case.extensions),
        )
        .where(Case.reference == bindparam("reference"))
        .order_by(CaseParty.position, CaseParty.id)
    )


# The columns the lists share in the UNION ALL; each list fills those it has.
_SHAPE: dict[str, Any] = {
    "stage": Integer(),
    "text": Text(),
    "kind": String(),
    "decision1": String(),
    "reasons1": Text(),
    "decision2": String(),
    "reasons2": Text(),
    "flag": Boolean(),
    "amount": Numeric(10, 2),
    "due": Date(),
    "done": Date(),
}


def _list(
    tag: str, order: InstrumentedAttribute[int], where: ColumnElement[bool], **columns: Any
) -> Select[Any]:
    # A typed NULL where a list lacks a column: PostgreSQL will not unite untyped NULLs with dates.
    shaped = [
        (type_coerce(columns[n], t) if n in columns else cast(null(), t)).label(n)
        for n, t in _SHAPE.items()
    ]
    return select(literal(tag).label("tag"), order.label("ord"), *shaped).where(where)


@cache
def _lists_query() -> CompoundSelect[Any]:
    """The case's points, remedies, actions and service areas, tagged, in their order."""
    case_id: BindParameter[str] = bindparam("case_id")
    p, r, a = ComplaintPoint, Remedy, OutstandingAction
    area = CaseServiceArea
    return union_all(
        _list(
            "point",
            p.position,
            p.case_id == case_id,
            text=p.text,
            decision1=p.stage1_decision,
            reasons1=p.stage1_reasons,
            decision2=p.stage2_decision,
            reasons2=p.stage2_reasons,
        ),
        _list(
            "remedy",
            r.position,
            r.case_id == case_id,
            stage=r.stage,
            kind=r.kind,
            text=r.description,
            amount=r.amount_offered,
            due=r.due,
        ),
        _list(
            "action", a.position, a.case_id == case_id, text=a.description, due=a.due, done=a.done
        ),
        _list(
            "area",
            area.service_area_id,
            (area.case_id == case_id) & (ServiceArea.id == area.service_area_id),
            text=ServiceArea.name,
            flag=area.is_primary,
        ),
    ).order_by("tag", "ord")


def _point(row: Row[Any], stage: int) -> Point:
    decision = row.decision2 if stage == 2 else row.decision1
    reasons = row.reasons2 if stage == 2 else row.reasons1
    return Point(row.text, Decision(decision) if decision else None, reasons)


def _stage_for(kind: LetterKind, escalated: date | None) -> int:
    if kind.value.startswith("stage2"):
        return 2
    if kind.value.startswith("stage1") or kind is LetterKind.ESCALATION_REFUSAL:
        return 1
    return 2 if escalated else 1


def _service_area(areas: Sequence[Row[Any]]) -> str:
    """The primary service area, else the first."""
    first = next((a for a in areas if a.flag), areas[0] if areas else None)
    return str(first.text) if first is not None else ""


def read_letter(
    session: Session, setup: LetterSetup, reference: str, kind: LetterKind, today: date
) -> LetterSource:
    """The facts a letter of ``kind`` needs from the case, for the stage it is about.

    Raises:
        NotFound: no case has that reference.
    """
    case = session.scalars(_case_query(), {"reference": reference}).unique().one_or_none()
    if case is None:
        raise NotFound(f"There is no case with reference {reference}")
    lists: dict[str, list[Row[Any]]] = {"point": [], "remedy": [], "action": [], "area": []}
    for row in session.execute(_lists_query(), {"case_id": case.id}):
        lists[row.tag].append(row)
    stage = _stage_for(kind, case.escalated)
    clock = find_clock(
        case_clocks(case, setup.calendar, today),
        ClockName.STAGE1_RESPONSE if stage == 1 else ClockName.STAGE2_RESPONSE,
    )
    due = clock.due if clock else None
    extensions = [e for e in case.extensions if e.stage == stage]
    decision = case.stage2_decision if stage == 2 else case.stage1_decision
    policy = load_policy(case.policy_name)
    parties = tuple(
        LetterParty(
            PartyFacts(
                person_id=p.person.id,
                role=p.role,
                name=p.person.name,
                salutation=p.person.salutation,
                address=p.person.address,
                postcode=p.person.postcode,
                relationship=p.relationship_to_resident,
                raised_it=p.raised_it,
                joined_later=p.joined_later,
                may_be_told=p.role == "complainant" or authorisation_covers(p, case, today),
                do_not_contact=p.person.do_not_contact,
            ),
            asks_for_large_print(p.person.preferred_format, p.person.adjustments),
        )
        for p in case.parties
    )
    facts = LetterCase(
        reference=case.reference,
        record_kind=RecordKind(case.kind),
        received=case.received,
        resident_name=" and ".join(p.facts.name for p in parties if p.facts.role == "complainant"),
        stage=stage,
        points=tuple(_point(row, stage) for row in lists["point"]),
        outcomes_sought=case.outcomes_sought,
        responsible_for=case.responsible_for,
        not_responsible_for=case.not_responsible_for,
        response_due=due,
        escalation_requested=case.escalated,
        decision=Decision(decision) if decision else None,
        reasons=case.stage2_reasons if stage == 2 else case.stage1_reasons,
        remedies=tuple(
            RemedyLine(RemedyKind(r.kind), r.text, r.amount, r.due)
            for r in lists["remedy"]
            if r.stage == stage
        ),
        actions=tuple(ActionLine(a.text, a.due, a.done) for a in lists["action"]),
        extension=(
            ExtensionDetails(due, extensions[-1].reason, sum(e.days for e in extensions))
            if extensions
            else None
        ),
        refusal=(
            Refusal(ExclusionReason(case.refusal_reason), case.refusal_explanation)
            if case.refusal_reason
            else None
        ),
        escalation_refusal_reason=case.escalation_refusal_reason,
        about=case.description,
        service_area=_service_area(lists["area"]),
        enquiry_reply=case.reply_text,
        ombudsman=policy.ombudsman,
        escalation_window_days=policy.escalation_window_days,
        time_limit_months=policy.time_limit_months,
    )
    return LetterSource(RecordKind(case.kind), facts, parties)
