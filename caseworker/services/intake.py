"""Logging a new contact of any kind, with its people, areas and clocks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from caseworker.domain import text_limits as limits
from caseworker.domain.calendar import format_day
from caseworker.domain.errors import InvalidInput, RuleBroken
from caseworker.domain.policy import Policy, load_policy
from caseworker.domain.text_limits import check_text
from caseworker.domain.vocab import (
    AuthorisationMethod,
    AuthorisationScope,
    AuthorisationState,
    Channel,
    RecordKind,
    Relationship,
    Status,
    parse,
)
from caseworker.services.actor import Actor
from caseworker.services.cases import finish_change, not_future
from caseworker.services.people import PersonInput, add_person
from caseworker.services.records import link_cases
from caseworker.services.replication import block_reference, replicated
from caseworker.services.settings import (
    ensure_service_area,
    ensure_site,
    ensure_theme,
    get_setting,
)
from db.dialect import Lock, serialise
from db.models import Case, CaseParty, CaseServiceArea, CaseTheme, Person, ReferenceCounter
from db.ordering import append_in_order


@dataclass(frozen=True)
class RepresentativeInput:
    """Someone acting for the resident, and their third-party authorisation."""

    person: PersonInput | None = None
    person_id: str | None = None
    relationship: str = "other"
    raised_it: bool = True
    joined_later: bool = False
    auth_state: str = "pending"
    auth_method: str = ""
    auth_sent_on: date | None = None
    auth_received_on: date | None = None
    auth_scope: str = "this-complaint"
    auth_expires: date | None = None
    auth_verified_by: str = ""


@dataclass(frozen=True)
class NewRecord:
    """Everything an advisor captures when logging a contact."""

    kind: str
    received: date
    complainants: tuple[PersonInput | str, ...]  # new person, or an existing person's id
    description: str
    channel: str = "telephone"
    site: str = ""
    service_areas: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    desired_outcome: str = ""
    issue_date: date | None = None
    aware_date: date | None = None
    time_limit_reason: str = ""
    representatives: tuple[RepresentativeInput, ...] = ()
    restricted: bool = False
    policy: str = ""
    external_reference: str = ""
    reference: str = ""  # imported records keep their own
    links: tuple[str, ...] = ()  # earlier cases this repeat contact is linked to


def time_limit_start(policy: Policy, received: date) -> date:
    """The earliest date an issue can be from and still be in time."""
    start: date = received - relativedelta(months=policy.time_limit_months)
    return start


def over_time_limit(policy: Policy, received: date, issue: date | None, aware: date | None) -> bool:
    """True when the later of the issue and awareness dates is before the time limit."""
    known = [d for d in (issue, aware) if d is not None]
    return bool(known) and max(known) < time_limit_start(policy, received)


def next_reference(session: Session, year: int) -> str:
    serialise(session, Lock.RECORD)  # one counter: no two writers take the same number
    prefix = str(get_setting(session, "reference_prefix"))
    offline = block_reference(session, prefix, year)  # a replica gives its own block's
    if offline is not None:
        return offline
    counter = session.get(ReferenceCounter, (prefix, year))
    if counter is None:
        counter = ReferenceCounter(prefix=prefix, year=year, last=0)
        session.add(counter)
    while True:
        counter.last += 1
        ref = f"{prefix}-{year}-{counter.last:06d}"
        if session.scalar(select(Case.id).where(Case.reference == ref)) is None:
            return ref


def choose_policy(session: Session, area_is_housing: bool | None, requested: str) -> Policy:
    key = "policy_housing" if area_is_housing in (True, None) else "policy_other"
    policy = load_policy(requested or str(get_setting(session, key)))
    if policy.three_stage or policy.informal_of:
        # The Code allows two stages only; a three-stage scheme is kept for older records.
        raise InvalidInput(
            f"{policy.name} is an older three-stage scheme, kept for importing records "
            "handled under it; a new case follows a two-stage policy"
        )
    return policy


def _person(session: Session, actor: Actor, item: PersonInput | str) -> Person:
    if isinstance(item, str):
        person = session.get(Person, item)
        if person is None:
            raise InvalidInput(f"There is no person with id {item}")
        return person
    return add_person(session, actor, item)


def representative_party(session: Session, actor: Actor, rep: RepresentativeInput) -> CaseParty:
    """A representative's part in a case, with their authorisation checked."""
    if rep.person is None and rep.person_id is None:
        raise InvalidInput("A representative needs a name")
    relationship = parse(Relationship, rep.relationship)
    state = parse(AuthorisationState, rep.auth_state)
    method = parse(AuthorisationMethod, rep.auth_method) if rep.auth_method else None
    scope = parse(AuthorisationScope, rep.auth_scope) if rep.auth_scope else None
    if state is AuthorisationState.AUTHORISED:
        if method is None:
            raise InvalidInput(
                "Say how the authorisation was given: signed form or verbal, verified"
            )
        if rep.auth_received_on is None:
            raise InvalidInput("Give the date the authorisation was given")
        if method is AuthorisationMethod.VERBAL_VERIFIED and not rep.auth_verified_by.strip():
            raise InvalidInput("A verbal authorisation needs the name of who verified it")
    if state is AuthorisationState.PENDING and rep.auth_sent_on is None:
        raise InvalidInput("Give the date the authorisation form was sent")
    person = _person(session, actor, rep.person or rep.person_id or "")
    return CaseParty(
        person=person,
        role="representative",
        raised_it=rep.raised_it,
        joined_later=rep.joined_later,
        relationship_to_resident=relationship.value,
        auth_state=state.value,
        auth_method=method.value if method else "",
        auth_sent_on=rep.auth_sent_on,
        auth_received_on=rep.auth_received_on,
        auth_scope=scope.value if scope else "",
        auth_expires=rep.auth_expires,
        auth_verified_by=rep.auth_verified_by.strip(),
    )


@replicated("log-record")
def log_record(session: Session, actor: Actor, new: NewRecord, *, today: date) -> Case:
    """Log a complaint, service request, compliment, comment or enquiry.

    Raises:
        InvalidInput: a missing or impossible value, named.
        RuleBroken: e.g. a complaint over the time limit with no reason to accept it.
    """
    kind = parse(RecordKind, new.kind)
    channel = parse(Channel, new.channel) if new.channel else None
    not_future(new.received, "The date received", today)
    if not new.complainants:
        raise InvalidInput("Who is this from? Add the resident (or residents, for a group)")
    if not new.description.strip():
        raise InvalidInput("Describe what the contact is about")
    check_text("The description", new.description, limits.FREE_TEXT, lines=True)
    for label, d in (
        ("The date of the issue", new.issue_date),
        ("The date they became aware", new.aware_date),
    ):
        if d is not None and d > new.received:
            raise InvalidInput(f"{label} ({format_day(d)}) cannot be after the date received")
    areas = [ensure_service_area(session, actor, a) for a in new.service_areas if a.strip()]
    policy = choose_policy(session, areas[0].is_housing if areas else None, new.policy)
    if (
        kind is RecordKind.COMPLAINT
        and over_time_limit(policy, new.received, new.issue_date, new.aware_date)
        and not new.time_limit_reason.strip()
    ):
        raise RuleBroken(
            f"The issue is more than {policy.time_limit_months} months old (before "
            f"{format_day(time_limit_start(policy, new.received))}); record a reason to accept "
            "it anyway, or refuse it as over the time limit"
        )
    reference = new.reference.strip() or next_reference(session, new.received.year)
    if new.reference and session.scalar(select(Case.id).where(Case.reference == reference)):
        raise RuleBroken(f"Reference {reference} is already used by another case")
    now = datetime.now().replace(microsecond=0)
    case = Case(
        reference=reference,
        external_reference=new.external_reference.strip(),
        kind=kind.value,
        status=Status.LOGGED.value,
        received=new.received,
        issue_date=new.issue_date,
        aware_date=new.aware_date,
        time_limit_reason=new.time_limit_reason.strip(),
        channel=channel.value if channel else None,
        site_id=ensure_site(session, actor, new.site).id if new.site.strip() else None,
        primary_service_area_id=areas[0].id if areas else None,
        policy_name=policy.name,
        policy_version=policy.version,
        ombudsman=policy.ombudsman.kind.value,
        restricted=new.restricted,
        description=new.description.strip(),
        desired_outcome=new.desired_outcome.strip(),
        created_at=now,
        updated_at=now,
        updated_by=actor.display_name,
    )
    for i, area in enumerate(dict.fromkeys(areas)):
        case.service_areas.append(CaseServiceArea(service_area_id=area.id, is_primary=i == 0))
    for theme in dict.fromkeys(ensure_theme(session, actor, t) for t in new.themes if t.strip()):
        case.themes.append(CaseTheme(theme_id=theme.id))
    for item in new.complainants:
        append_in_order(
            case.parties,
            CaseParty(person=_person(session, actor, item), role="complainant", raised_it=True),
        )
    for rep in new.representatives:
        append_in_order(case.parties, representative_party(session, actor, rep))
    session.add(case)
    session.flush()
    finish_change(
        session,
        actor,
        case,
        "log-record",
        {
            "reference": reference,
            "kind": kind.value,
            "received": new.received,
            "policy": policy.label,
        },
    )
    for other in new.links:
        link_cases(
            session, actor, case.reference, other, reason="Repeat contact", expected_version=None
        )
    return case
