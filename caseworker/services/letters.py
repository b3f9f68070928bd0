"""Making letters from a case, saving them with its correspondence, and marking them sent."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseworker.domain.addressees import PartyFacts, recipients
from caseworker.domain.clocks import Clock, ClockName, find_clock
from caseworker.domain.errors import CaseworkerError, InvalidInput, RuleBroken
from caseworker.domain.letters import (
    DEFAULT_OTHER_FORMATS,
    ActionLine,
    ExtensionDetails,
    LetterCase,
    LetterContent,
    Organisation,
    Point,
    Refusal,
    RemedyLine,
    Templates,
    build_letter,
    copy_of,
    load_templates,
)
from caseworker.domain.policy import load_policy
from caseworker.domain.vocab import (
    Decision,
    ExclusionReason,
    LetterKind,
    RecordKind,
    RemedyKind,
    Status,
)
from caseworker.services.actor import Actor
from caseworker.services.case_view import CaseDetail, PartyView, PointView, load_case_detail
from caseworker.services.cases import begin_change, finish_change, get_case, not_future, set_fields
from caseworker.services.errors import NotFound
from caseworker.services.settings import get_setting
from db.models import Case, Correspondence

SENT_METHODS = ("post", "email", "hand-delivered")
_RESPONSE_KINDS = {LetterKind.STAGE1_RESPONSE: 1, LetterKind.STAGE2_RESPONSE: 2}


@dataclass(frozen=True)
class MadeLetter:
    """One saved copy of a letter."""

    correspondence_id: str
    addressee_name: str
    addressee_role: str
    pdf: bytes
    sha256: str
    content: LetterContent


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


def wants_large_print(party: PartyView) -> bool:
    """Whether the person's recorded format or adjustments ask for large print."""
    text = f"{party.preferred_format} {party.adjustments}".lower()
    return "large print" in text or "large-print" in text


def _party_facts(p: PartyView) -> PartyFacts:
    return PartyFacts(
        person_id=p.person_id,
        role=p.role,
        name=p.name,
        salutation=p.salutation,
        address=p.address,
        postcode=p.postcode,
        relationship=p.relationship,
        raised_it=p.raised_it,
        joined_later=p.joined_later,
        may_be_told=p.may_be_told,
        do_not_contact=p.do_not_contact,
    )


def _stage_for(kind: LetterKind, d: CaseDetail) -> int:
    if kind.value.startswith("stage2"):
        return 2
    if kind.value.startswith("stage1") or kind is LetterKind.ESCALATION_REFUSAL:
        return 1
    return 2 if d.escalated else 1


def _due(clocks: tuple[Clock, ...], stage: int) -> date | None:
    clock = find_clock(
        list(clocks), ClockName.STAGE1_RESPONSE if stage == 1 else ClockName.STAGE2_RESPONSE
    )
    return clock.due if clock else None


def letter_case(d: CaseDetail, kind: LetterKind) -> LetterCase:
    """The plain facts a letter of ``kind`` needs from the case, for the stage it is about."""
    policy = load_policy(d.policy_name)
    stage = _stage_for(kind, d)
    decision_text = d.stage2_decision if stage == 2 else d.stage1_decision

    def point(p: PointView) -> Point:
        decision = p.stage2_decision if stage == 2 else p.stage1_decision
        reasons = p.stage2_reasons if stage == 2 else p.stage1_reasons
        return Point(p.text, Decision(decision) if decision else None, reasons)

    points = tuple(point(p) for p in d.points)
    exts = [e for e in d.extensions if e.stage == stage]
    extension = (
        ExtensionDetails(_due(d.clocks, stage), exts[-1].reason, sum(e.days for e in exts))
        if exts
        else None
    )
    refusal = (
        Refusal(ExclusionReason(d.refusal_reason), d.refusal_explanation)
        if d.refusal_reason
        else None
    )
    return LetterCase(
        reference=d.reference,
        record_kind=RecordKind(d.kind),
        received=d.received,
        resident_name=" and ".join(p.name for p in d.complainants),
        stage=stage,
        points=points,
        outcomes_sought=d.outcomes_sought,
        responsible_for=d.responsible_for,
        not_responsible_for=d.not_responsible_for,
        response_due=_due(d.clocks, stage),
        escalation_requested=d.escalated,
        decision=Decision(decision_text) if decision_text else None,
        reasons=d.stage2_reasons if stage == 2 else d.stage1_reasons,
        remedies=tuple(
            RemedyLine(RemedyKind(r.kind), r.description, r.amount_offered, r.due)
            for r in d.remedies
            if r.stage == stage
        ),
        actions=tuple(ActionLine(a.description, a.due, a.done) for a in d.actions),
        extension=extension,
        refusal=refusal,
        escalation_refusal_reason=d.escalation_refusal_reason,
        about=d.description,
        service_area=d.service_areas[0] if d.service_areas else "",
        enquiry_reply=d.reply_text,
        ombudsman=policy.ombudsman,
        escalation_window_days=policy.escalation_window_days,
        time_limit_months=policy.time_limit_months,
    )


def _templates(session: Session) -> Templates:
    folder = str(get_setting(session, "letter_templates_dir") or "")
    return load_templates(Path(folder) if folder else None)


def make_letters(
    session: Session,
    actor: Actor,
    reference: str,
    kind: LetterKind,
    *,
    today: date,
    large_print: bool = False,
    expected_version: int | None = None,
) -> list[MadeLetter]:
    """Make a letter (one per addressee, plus copies) and save each with the correspondence.

    Raises:
        MissingContent: the case lacks what the letter must say (nothing is saved).
        RuleBroken: nobody may receive the letter.
    """
    from caseworker.letters import render_pdf  # ReportLab loads on the first letter, not at start

    case = begin_change(session, reference, expected_version)
    detail = load_case_detail(session, case.reference, today)
    facts = letter_case(detail, kind)
    org = organisation(session)
    templates = _templates(session)
    parties = {p.person_id: p for p in detail.parties}
    made: list[MadeLetter] = []
    main: LetterContent | None = None
    for r in recipients(
        kind, RecordKind(detail.kind), tuple(_party_facts(p) for p in detail.parties)
    ):
        lp = large_print or wants_large_print(parties[r.person_id])
        if r.addressee.role.value == "copy" and main is not None:
            content = replace(copy_of(main, r.addressee), large_print=lp)
        else:
            content = build_letter(
                kind,
                replace(facts, copy_to=r.copy_to, large_print=lp),
                org,
                r.addressee,
                today,
                templates,
            )
            main = content
        pdf = render_pdf(content, org)
        digest = hashlib.sha256(pdf).hexdigest()
        row = Correspondence(
            case_id=case.id,
            kind="letter",
            letter_kind=kind.value,
            addressee_name=r.addressee.name,
            addressee_role=r.addressee.role.value,
            person_id=r.person_id,
            title=content.subject,
            made_at=datetime.now().replace(microsecond=0),
            made_by=actor.display_name,
            template=content.template_name,
            template_version=content.template_version,
            large_print=lp,
            content=pdf,
            sha256=digest,
        )
        session.add(row)
        session.flush()
        made.append(
            MadeLetter(row.id, r.addressee.name, r.addressee.role.value, pdf, digest, content)
        )
    finish_change(
        session,
        actor,
        case,
        "make-letter",
        {
            "letter_kind": kind.value,
            "copies": [[m.addressee_name, m.addressee_role, m.sha256] for m in made],
        },
    )
    return made


def letter_pdf(session: Session, correspondence_id: str) -> bytes:
    """The exact bytes of a saved letter (checked against its SHA-256)."""
    row = session.get(Correspondence, correspondence_id)
    if row is None:
        raise NotFound(f"There is no letter {correspondence_id}")
    if hashlib.sha256(row.content).hexdigest() != row.sha256:
        raise RuleBroken(
            f"The saved letter {correspondence_id} does not match its fingerprint (SHA-256)"
        )
    return row.content


def mark_sent(
    session: Session,
    actor: Actor,
    correspondence_id: str,
    *,
    sent_on: date,
    method: str,
    expected_version: int | None = None,
    today: date,
) -> Correspondence:
    """Record when and how a letter went; a response letter's date becomes the response date."""
    row = session.get(Correspondence, correspondence_id)
    if row is None:
        raise NotFound(f"There is no letter {correspondence_id}")
    if method not in SENT_METHODS:
        raise InvalidInput(
            f"'{method}' is not a way of sending; use one of: {', '.join(SENT_METHODS)}"
        )
    case = session.get(Case, row.case_id)
    assert case is not None
    begin_change(session, case.reference, expected_version)
    not_future(sent_on, "The date sent", today)
    if sent_on < case.received:
        raise RuleBroken("A letter cannot be sent before the case was received")
    if row.sent_on is not None:
        raise RuleBroken(f"This letter was already marked sent on {row.sent_on.isoformat()}")
    row.sent_on, row.sent_method = sent_on, method
    changes: dict[str, object] = {"letter": row.id, "sent_on": sent_on, "method": method}
    stage = _RESPONSE_KINDS.get(LetterKind(row.letter_kind)) if row.letter_kind else None
    if stage is not None and row.addressee_role != "copy":
        prefix = f"stage{stage}"
        awaiting = Status.STAGE_1 if stage == 1 else Status.STAGE_2
        if getattr(case, f"{prefix}_responded") is None and case.status == awaiting.value:
            responded = Status.STAGE_1_RESPONDED if stage == 1 else Status.STAGE_2_RESPONDED
            changes.update(
                set_fields(case, **{f"{prefix}_responded": sent_on, "status": responded.value})
            )
    finish_change(session, actor, case, "record-letter-sent", changes)
    return row


def acknowledgements_due(session: Session, today: date) -> list[str]:
    """Complaints acknowledged today (either stage) with no acknowledgement letter yet."""
    made = select(Correspondence.case_id).where(
        Correspondence.letter_kind.in_(
            [LetterKind.STAGE1_ACKNOWLEDGEMENT.value, LetterKind.STAGE2_ACKNOWLEDGEMENT.value]
        )
    )
    rows = session.scalars(
        select(Case.reference)
        .where(
            ((Case.acknowledged == today) & (Case.status == Status.STAGE_1.value))
            | ((Case.stage2_acknowledged == today) & (Case.status == Status.STAGE_2.value)),
            Case.id.not_in(made),
        )
        .order_by(Case.reference)
    )
    return list(rows)


def batch_acknowledgements(
    session: Session,
    actor: Actor,
    *,
    today: date,
    progress: Callable[[int, int], bool] | None = None,
) -> tuple[list[MadeLetter], list[str]]:
    """Make every acknowledgement letter due today; returns (made, problems).

    ``progress(done, total)`` returning False cancels; the caller's transaction
    then rolls back (raise) or commits what was made (return) as it chooses.
    """
    refs = acknowledgements_due(session, today)
    made: list[MadeLetter] = []
    problems: list[str] = []
    for i, ref in enumerate(refs):
        if progress is not None and not progress(i, len(refs)):
            break
        case = get_case(session, ref)
        kind = (
            LetterKind.STAGE2_ACKNOWLEDGEMENT
            if case.status == Status.STAGE_2.value
            else LetterKind.STAGE1_ACKNOWLEDGEMENT
        )
        try:
            with session.begin_nested():
                made.extend(make_letters(session, actor, ref, kind, today=today))
        except CaseworkerError as exc:
            problems.append(f"{ref}: {exc}")
    if progress is not None:
        progress(len(refs), len(refs))
    return made, problems
