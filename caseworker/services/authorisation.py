"""Third-party authorisations: who may be told what about a resident's case."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseworker.domain.errors import InvalidInput, RuleBroken
from caseworker.domain.vocab import (
    AuthorisationMethod,
    AuthorisationScope,
    AuthorisationState,
    parse,
)
from caseworker.services import permissions
from caseworker.services.actor import Actor
from caseworker.services.cases import begin_change, finish_change, get_case, not_future
from caseworker.services.errors import NotFound
from caseworker.services.intake import RepresentativeInput, representative_party
from caseworker.services.replication import replicated, representative_on_case
from db.models import Case, CaseParty
from db.ordering import append_in_order

# What recording or revoking an authorisation changes on the representative's party row.
AUTH_FIELDS = (
    "auth_state",
    "auth_method",
    "auth_scope",
    "auth_received_on",
    "auth_expires",
    "auth_verified_by",
    "auth_revoked_on",
)


def _party(case: Case, party_id: str) -> CaseParty:
    party = next((p for p in case.parties if p.id == party_id and p.role == "representative"), None)
    if party is None:
        raise NotFound(f"Case {case.reference} has no such representative")
    return party


@replicated("add-representative")
def add_representative(
    session: Session,
    actor: Actor,
    reference: str,
    rep: RepresentativeInput,
    *,
    expected_version: int | None,
) -> CaseParty:
    """Add a representative (e.g. an MP who joined later) to a case."""
    case = begin_change(session, actor, reference, expected_version, "add-representative")
    party = representative_party(session, actor, rep)
    append_in_order(case.parties, party)
    session.flush()
    finish_change(
        session,
        actor,
        case,
        "add-representative",
        {"party": party.id, "name": party.person.name, "auth_state": party.auth_state},
    )
    return party


@replicated("record-authorisation", fields=AUTH_FIELDS, locate=representative_on_case)
def record_authorisation(
    session: Session,
    actor: Actor,
    reference: str,
    party_id: str,
    *,
    method: str,
    received_on: date,
    scope: str,
    expires: date | None,
    verified_by: str = "",
    expected_version: int | None,
    today: date,
) -> CaseParty:
    """Record that the resident authorised the representative (signed form or verbal, verified)."""
    case = begin_change(session, actor, reference, expected_version, "record-authorisation")
    party = _party(case, party_id)
    how = parse(AuthorisationMethod, method)
    sc = parse(AuthorisationScope, scope)
    not_future(received_on, "The date the authorisation was given", today)
    if how is AuthorisationMethod.VERBAL_VERIFIED and not verified_by.strip():
        raise InvalidInput("A verbal authorisation needs the name of who verified it")
    if expires is not None and expires <= received_on:
        raise InvalidInput("The authorisation must expire after the date it was given")
    before = party.auth_state
    party.auth_state = AuthorisationState.AUTHORISED.value
    party.auth_method, party.auth_scope = how.value, sc.value
    party.auth_received_on, party.auth_expires = received_on, expires
    party.auth_verified_by, party.auth_revoked_on = verified_by.strip(), None
    finish_change(
        session,
        actor,
        case,
        "record-authorisation",
        {
            "party": party.id,
            "auth_state": [before, party.auth_state],
            "method": how.value,
            "scope": sc.value,
            "expires": expires,
        },
    )
    return party


@replicated("revoke-authorisation", fields=AUTH_FIELDS, locate=representative_on_case)
def revoke_authorisation(
    session: Session,
    actor: Actor,
    reference: str,
    party_id: str,
    *,
    revoked_on: date,
    expected_version: int | None,
    today: date,
) -> CaseParty:
    case = begin_change(session, actor, reference, expected_version, "revoke-authorisation")
    party = _party(case, party_id)
    if party.auth_state == AuthorisationState.REVOKED.value:
        raise RuleBroken("That authorisation is already revoked")
    not_future(revoked_on, "The revocation date", today)
    before = party.auth_state
    party.auth_state, party.auth_revoked_on = AuthorisationState.REVOKED.value, revoked_on
    finish_change(
        session,
        actor,
        case,
        "revoke-authorisation",
        {"party": party.id, "auth_state": [before, party.auth_state]},
    )
    return party


def expire_authorisations(session: Session, actor: Actor, *, today: date) -> int:
    """Mark every authorisation whose expiry date has passed as expired (audited per case).

    Each one goes through ``expire_authorisation``, so on an offline replica every expiry is
    an intent the server replays (and the server's own expiries reach replicas at pull).
    """
    due = session.execute(
        select(Case.reference, CaseParty.id)
        .join(Case, Case.id == CaseParty.case_id)
        .where(
            CaseParty.auth_state == AuthorisationState.AUTHORISED.value,
            CaseParty.auth_expires.is_not(None),
            CaseParty.auth_expires < today,
        )
        .order_by(Case.reference, CaseParty.id)
    ).all()
    for reference, party_id in due:
        expire_authorisation(session, actor, reference, party_id, today=today)
    return len(due)


@replicated("expire-authorisation", fields=AUTH_FIELDS, locate=representative_on_case)
def expire_authorisation(
    session: Session, actor: Actor, reference: str, party_id: str, *, today: date
) -> CaseParty:
    """Mark one representative's authorisation expired: its expiry date is before ``today``.

    Raises:
        RuleBroken: the authorisation is not in force, or runs until today or later.
    """
    permissions.check(actor, "expire-authorisation")
    case = get_case(session, actor, reference, for_update=True)  # any case: dates decide
    party = _party(case, party_id)
    if party.auth_state != AuthorisationState.AUTHORISED.value:
        raise RuleBroken(
            f"The authorisation for {party.person.name} is {party.auth_state}, not in force: "
            "there is nothing to expire"
        )
    if party.auth_expires is None or party.auth_expires >= today:
        until = (
            "has no expiry date"
            if party.auth_expires is None
            else f"runs until {party.auth_expires.isoformat()}"
        )
        raise RuleBroken(f"The authorisation for {party.person.name} {until}: it has not expired")
    party.auth_state = AuthorisationState.EXPIRED.value
    finish_change(
        session,
        actor,
        case,
        "expire-authorisation",
        {"party": party.id, "expired": party.auth_expires},
    )
    return party


def authorisation_covers(party: CaseParty, case: Case, today: date) -> bool:
    """May this representative be told about this case today?

    Elected representatives acting at the resident's request need no signed form.
    """
    if party.relationship_to_resident in ("mp", "councillor"):
        return True
    if party.auth_state != AuthorisationState.AUTHORISED.value:
        return False
    if party.auth_expires is not None and party.auth_expires < today:
        return False
    return party.auth_scope in (
        AuthorisationScope.ALL_MATTERS.value,
        AuthorisationScope.THIS_COMPLAINT.value,
    )
