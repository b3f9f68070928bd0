"""Everything the case view shows, as frozen dataclasses (no ORM object leaves services)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, defer

from caseworker.domain.calendar import format_day
from caseworker.domain.clocks import Clock
from caseworker.domain.file_types import FileType
from caseworker.domain.policy import load_policy
from caseworker.domain.vocab import (
    AuthorisationState,
    Channel,
    Decision,
    LetterKind,
    RecordKind,
    Status,
)
from caseworker.services.actor import Actor
from caseworker.services.authorisation import authorisation_covers
from caseworker.services.cases import get_case
from caseworker.services.clocks import case_clocks
from caseworker.services.documents import size_text
from caseworker.services.permissions import sees_restricted
from caseworker.services.settings import store_calendar
from caseworker.services.stages import staff_name
from db.models import (
    AuditEvent,
    Case,
    CaseLink,
    CaseParty,
    Correspondence,
    Learning,
    Note,
    Person,
    ServiceArea,
    Site,
    Theme,
)


@dataclass(frozen=True)
class PartyView:
    party_id: str
    person_id: str
    role: str  # complainant | representative
    name: str
    salutation: str
    address: str
    postcode: str
    phone: str
    email: str
    tenure: str | None
    relationship: str
    raised_it: bool
    joined_later: bool
    auth_state: str
    auth_method: str
    auth_sent_on: date | None
    auth_received_on: date | None
    auth_scope: str
    auth_expires: date | None
    may_be_told: bool
    do_not_contact: bool
    adjustments: str
    preferred_contact: str
    preferred_format: str
    restriction: str
    restriction_review: date | None


@dataclass(frozen=True)
class PointView:
    position: int
    text: str
    stage1_decision: str | None
    stage1_reasons: str
    stage2_decision: str | None
    stage2_reasons: str


@dataclass(frozen=True)
class ExtensionView:
    stage: int
    days: int
    reason: str
    good_reason: bool
    told_on: date | None


@dataclass(frozen=True)
class RemedyView:
    id: str
    stage: int
    kind: str
    description: str
    amount_offered: Decimal | None
    amount_paid: Decimal | None
    due: date | None
    done: date | None


@dataclass(frozen=True)
class ActionView:
    id: str
    stage: int
    description: str
    due: date | None
    done: date | None


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    who: str
    what: str
    detail: str


@dataclass(frozen=True)
class CorrespondenceView:
    id: str
    kind: str
    letter_kind: str | None
    addressee_name: str
    addressee_role: str
    made_at: datetime
    template: str
    template_version: int | None
    sha256: str
    sent_on: date | None
    sent_method: str
    large_print: bool


@dataclass(frozen=True)
class CaseDetail:
    """One case as the case view and the letters see it."""

    id: str
    reference: str
    version: int
    kind: str
    status: str
    received: date
    issue_date: date | None
    aware_date: date | None
    channel: str | None
    site: str
    service_areas: tuple[str, ...]
    themes: tuple[str, ...]
    policy_name: str
    policy_label: str
    ombudsman: str
    restricted: bool
    description: str
    desired_outcome: str
    outcomes_sought: str
    responsible_for: str
    not_responsible_for: str
    points: tuple[PointView, ...]
    acknowledged: date | None
    stage1_handler: str
    stage1_responded: date | None
    stage1_decision: str | None
    stage1_reasons: str
    escalated: date | None
    escalation_reason: str
    stage2_acknowledged: date | None
    stage2_handler: str
    stage2_responded: date | None
    stage2_decision: str | None
    stage2_reasons: str
    escalation_refused_on: date | None
    escalation_refusal_reason: str
    replied: date | None
    reply_text: str
    refused_on: date | None
    refusal_reason: str | None
    refusal_explanation: str
    withdrawn_on: date | None
    closed_on: date | None
    ombudsman_referred_on: date | None
    ombudsman_determination: str
    parties: tuple[PartyView, ...]
    extensions: tuple[ExtensionView, ...]
    remedies: tuple[RemedyView, ...]
    actions: tuple[ActionView, ...]
    clocks: tuple[Clock, ...]
    linked: tuple[str, ...]
    notes: tuple[TimelineEntry, ...]
    learning: tuple[tuple[str, str], ...]
    correspondence: tuple[CorrespondenceView, ...]
    timeline: tuple[TimelineEntry, ...]
    banners: tuple[str, ...]
    updated_by: str
    updated_at: datetime

    @property
    def complainants(self) -> tuple[PartyView, ...]:
        return tuple(p for p in self.parties if p.role == "complainant")

    @property
    def representatives(self) -> tuple[PartyView, ...]:
        return tuple(p for p in self.parties if p.role == "representative")


def _banners(parties: tuple[PartyView, ...], restricted: bool) -> tuple[str, ...]:
    out: list[str] = []
    if restricted:
        out.append(
            "Restricted case: safeguarding. Share nothing without checking with the case officer."
        )
    for p in parties:
        if p.role == "representative" and not p.may_be_told:
            state = AuthorisationState(p.auth_state)
            since = ""
            if state is AuthorisationState.PENDING and p.auth_sent_on:
                since = f" since {format_day(p.auth_sent_on)[:-5]}"
            out.append(
                f"Do not discuss personal details with {p.name}: "
                f"authorisation {state.label.lower()}{since}"
            )
        if p.do_not_contact:
            out.append(f"Do not contact {p.name}")
        if p.restriction:
            review = f" (review {format_day(p.restriction_review)})" if p.restriction_review else ""
            out.append(f"Contact restriction for {p.name}: {p.restriction}{review}")
        if p.adjustments:
            out.append(f"Reasonable adjustments for {p.name}: {p.adjustments}")
    return tuple(out)


def load_case_detail(session: Session, reference: str, today: date, *, actor: Actor) -> CaseDetail:
    """The case with every clock judged as at ``today``.

    A restricted case is NotFound to anyone without access, as if it did not exist.
    """
    case: Case = get_case(session, actor, reference, with_children=True)
    cal = store_calendar(session)
    parties = tuple(
        PartyView(
            party_id=p.id,
            person_id=p.person.id,
            role=p.role,
            name=p.person.name,
            salutation=p.person.salutation,
            address=p.person.address,
            postcode=p.person.postcode,
            phone=p.person.phone,
            email=p.person.email,
            tenure=p.person.tenure,
            relationship=p.relationship_to_resident,
            raised_it=p.raised_it,
            joined_later=p.joined_later,
            auth_state=p.auth_state,
            auth_method=p.auth_method,
            auth_sent_on=p.auth_sent_on,
            auth_received_on=p.auth_received_on,
            auth_scope=p.auth_scope,
            auth_expires=p.auth_expires,
            may_be_told=p.role == "complainant" or authorisation_covers(p, case, today),
            do_not_contact=p.person.do_not_contact,
            adjustments=p.person.adjustments,
            preferred_contact=p.person.preferred_contact,
            preferred_format=p.person.preferred_format,
            restriction=p.person.restriction,
            restriction_review=p.person.restriction_review,
        )
        for p in case.parties
    )
    area_names = dict(session.execute(select(ServiceArea.id, ServiceArea.name)).all())
    areas = sorted(case.service_areas, key=lambda a: not a.is_primary)
    theme_names = dict(session.execute(select(Theme.id, Theme.name)).all())
    site = session.get(Site, case.site_id) if case.site_id else None
    notes = tuple(
        TimelineEntry(n.created_at, n.author, "Note", n.text)
        for n in session.scalars(
            select(Note).where(Note.case_id == case.id).order_by(Note.position)
        )
    )
    corr = tuple(
        CorrespondenceView(
            c.id,
            c.kind,
            c.letter_kind,
            c.addressee_name,
            c.addressee_role,
            c.made_at,
            c.template,
            c.template_version,
            c.sha256,
            c.sent_on,
            c.sent_method,
            c.large_print,
        )
        for c in session.scalars(
            select(Correspondence)
            .options(defer(Correspondence.content))  # the PDFs are read only when opened
            .where(Correspondence.case_id == case.id)
            .order_by(Correspondence.made_at)
        )
    )
    events = [
        _entry(e)
        for e in session.scalars(
            select(AuditEvent)
            .where(AuditEvent.case_id == case.id, AuditEvent.action.not_in(LATER_ACTIONS))
            .order_by(AuditEvent.seq)
        )
    ]
    events += [
        TimelineEntry(
            c.made_at,
            "",
            f"Letter: {LetterKind(c.letter_kind).label if c.letter_kind else c.kind}",
            f"to {c.addressee_name}",
        )
        for c in corr
    ]
    linked = tuple(
        session.scalars(
            select(Case.reference)
            .join(CaseLink, CaseLink.linked_case_id == Case.id)
            .where(CaseLink.case_id == case.id)
        )
    )
    learning = tuple(
        (item.description, item.improvement)
        for item in session.scalars(
            select(Learning).where(Learning.case_id == case.id).order_by(Learning.position)
        )
    )
    policy = load_policy(case.policy_name)
    return CaseDetail(
        id=case.id,
        reference=case.reference,
        version=case.version,
        kind=case.kind,
        status=case.status,
        received=case.received,
        issue_date=case.issue_date,
        aware_date=case.aware_date,
        channel=case.channel,
        site=site.name if site else "",
        service_areas=tuple(area_names[a.service_area_id] for a in areas),
        themes=tuple(theme_names[t.theme_id] for t in case.themes),
        policy_name=case.policy_name,
        policy_label=policy.label,
        ombudsman=case.ombudsman,
        restricted=case.restricted,
        description=case.description,
        desired_outcome=case.desired_outcome,
        outcomes_sought=case.outcomes_sought,
        responsible_for=case.responsible_for,
        not_responsible_for=case.not_responsible_for,
        points=tuple(
            PointView(
                p.position,
                p.text,
                p.stage1_decision,
                p.stage1_reasons,
                p.stage2_decision,
                p.stage2_reasons,
            )
            for p in case.points
        ),
        acknowledged=case.acknowledged,
        stage1_handler=staff_name(session, case.stage1_handler_id),
        stage1_responded=case.stage1_responded,
        stage1_decision=case.stage1_decision,
        stage1_reasons=case.stage1_reasons,
        escalated=case.escalated,
        escalation_reason=case.escalation_reason,
        stage2_acknowledged=case.stage2_acknowledged,
        stage2_handler=staff_name(session, case.stage2_handler_id),
        stage2_responded=case.stage2_responded,
        stage2_decision=case.stage2_decision,
        stage2_reasons=case.stage2_reasons,
        escalation_refused_on=case.escalation_refused_on,
        escalation_refusal_reason=case.escalation_refusal_reason,
        replied=case.replied,
        reply_text=case.reply_text,
        refused_on=case.refused_on,
        refusal_reason=case.refusal_reason,
        refusal_explanation=case.refusal_explanation,
        withdrawn_on=case.withdrawn_on,
        closed_on=case.closed_on,
        ombudsman_referred_on=case.ombudsman_referred_on,
        ombudsman_determination=case.ombudsman_determination,
        parties=parties,
        extensions=tuple(
            ExtensionView(e.stage, e.days, e.reason, e.good_reason, e.told_on)
            for e in case.extensions
        ),
        remedies=tuple(
            RemedyView(
                r.id, r.stage, r.kind, r.description, r.amount_offered, r.amount_paid, r.due, r.done
            )
            for r in case.remedies
        ),
        actions=tuple(
            ActionView(a.id, a.stage, a.description, a.due, a.done) for a in case.actions
        ),
        clocks=tuple(case_clocks(case, cal, today)),
        linked=linked,
        notes=notes,
        learning=learning,
        correspondence=corr,
        timeline=tuple(sorted(events, key=lambda e: e.at)),
        banners=_banners(parties, case.restricted),
        updated_by=case.updated_by,
        updated_at=case.updated_at,
    )


# Events the case view does not read up front: a case can gather hundreds (one per document
# received), and the first paint must not grow with them. The Timeline tab, built when first
# shown, reads them in one query (``later_timeline``).
LATER_ACTIONS = ("add-document",)


def _entry(e: AuditEvent) -> TimelineEntry:
    return TimelineEntry(
        e.at, e.actor, e.action.replace("-", " ").capitalize(), _summarise(e.changes)
    )


def later_timeline(session: Session, actor: Actor, case_id: str) -> tuple[TimelineEntry, ...]:
    """The case's timeline entries left out of ``load_case_detail`` (``LATER_ACTIONS``: the
    documents received), oldest first, in one query.

    Raises:
        NotFound: no such case, or one restricted from the actor.
    """
    case = get_case(session, actor, case_id)
    return tuple(
        _document_entry(e)
        for e in session.scalars(
            select(AuditEvent)
            .where(AuditEvent.case_id == case.id, AuditEvent.action.in_(LATER_ACTIONS))
            .order_by(AuditEvent.seq)
        )
    )


def _document_entry(e: AuditEvent) -> TimelineEntry:
    """A document received, in words: its title, name, type, size, date and sender (the
    digests and ids stay in the audit trail and the Correspondence tab)."""
    c = e.changes
    if not {"title", "file_type", "size", "received"} <= c.keys():
        return _entry(e)  # blanked by retention: as any other event
    kind = FileType(c["file_type"]).label if c["file_type"] in _FILE_TYPES else c["file_type"]
    words = f"'{c['title']}'"
    if c.get("file_name") and c["file_name"] != c["title"]:
        words += f" ({c['file_name']})"
    words += f", {kind}, {size_text(int(c['size']))}, received {_plain(c['received'])}"
    if c.get("sender"):
        words += f" from {c['sender']}"
    listed = c.get("attachments") or ()
    if listed:
        words += f"; {len(listed)} attachment{'s' if len(listed) != 1 else ''} listed with it"
    return TimelineEntry(e.at, e.actor, "Add document", words)


_FILE_TYPES = frozenset(t.value for t in FileType)


# A machine value's label, for every vocabulary the audit trail holds (built once).
_LABELS: dict[str, str] = {
    m.value: m.label
    for vocab in reversed((Status, RecordKind, Decision, LetterKind, AuthorisationState, Channel))
    for m in vocab
}


def _plain(value: object) -> str:
    """An audited value as a person reads it: dates written out, labels for machine values."""
    if value is None or value == "":
        return "(none)"
    if isinstance(value, str):
        try:
            return format_day(date.fromisoformat(value))
        except ValueError:
            pass
        label = _LABELS.get(value)
        if label is not None:
            return label
    return str(value)


def _summarise(changes: dict[str, object]) -> str:
    """The changes of an audit event in words (clock columns left out: the clocks show them)."""
    parts = []
    for key, value in changes.items():
        if key == "clocks":
            continue
        name = key.replace("_", " ")
        if isinstance(value, list) and len(value) == 2 and not isinstance(value[0], list):
            parts.append(f"{name}: {_plain(value[0])} → {_plain(value[1])}")
        else:
            parts.append(f"{name}: {_plain(value)}")
    return "; ".join(parts)


class PersonCase(NamedTuple):
    """One of a resident's other cases, as the New contact form lists them."""

    reference: str
    kind: str
    status: str
    received: date


def find_person_cases(
    session: Session,
    actor: Actor,
    name: str = "",
    postcode: str = "",
    phone: str = "",
    email: str = "",
) -> list[PersonCase]:
    """Other cases of a resident (by name and postcode, phone or email), newest first, that
    the actor may see (a restricted case is left out, so its existence does not show).
    """
    conds = []
    if postcode.strip():
        conds.append(Person.postcode == postcode.strip().upper())
    if phone.strip():
        conds.append(Person.phone == phone.strip())
    if email.strip():
        conds.append(Person.email == email.strip())
    if not conds and name.strip():
        conds.append(Person.name == name.strip())
    if not conds:
        return []
    stmt = (
        select(Case.reference, Case.kind, Case.status, Case.received)
        .join(CaseParty, CaseParty.case_id == Case.id)
        .join(Person, Person.id == CaseParty.person_id)
        .where(or_(*conds))
    )
    if not sees_restricted(actor):
        stmt = stmt.where(Case.restricted.is_(False))
    rows = session.execute(stmt.distinct().order_by(Case.received.desc()).limit(20))
    return [PersonCase(r.reference, r.kind, r.status, r.received) for r in rows]
