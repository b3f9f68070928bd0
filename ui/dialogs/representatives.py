"""Dialogs for representatives: adding one, and recording or revoking their authorisation."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from caseworker.domain.vocab import (
    AuthorisationMethod,
    AuthorisationScope,
    AuthorisationState,
    Relationship,
)
from caseworker.services import authorisation
from caseworker.services.case_view import CaseDetail, PartyView
from caseworker.services.intake import RepresentativeInput
from caseworker.services.people import PersonInput
from ui.context import AppContext
from ui.dialogs.base import Field, Submit, case_call
from ui.labels import label_of

# States a representative can be added in; an authorisation already given is recorded
# afterwards with its own dialog, which asks how it was given and what it covers.
_ADD_STATES: tuple[tuple[str, object], ...] = (
    ("Not needed (an MP or councillor, at the resident's request)", "not-needed"),
    ("Pending: authorisation form sent", "pending"),
)
_REVOCABLE = (AuthorisationState.PENDING.value, AuthorisationState.AUTHORISED.value)

ACTIONS = ("add-representative", "record-authorisation", "revoke-authorisation")


def _describe(rep: PartyView) -> str:
    """E.g. ``J. Smith (relative): pending``."""
    relationship = label_of(Relationship, rep.relationship).lower()
    state = label_of(AuthorisationState, rep.auth_state).lower()
    return f"{rep.name} ({relationship}): {state}"


def revocable(detail: CaseDetail) -> tuple[PartyView, ...]:
    """Representatives whose authorisation is pending or given, so can be withdrawn."""
    return tuple(r for r in detail.representatives if r.auth_state in _REVOCABLE)


def unavailable(detail: CaseDetail) -> frozenset[str]:
    """The actions about a representative that the case has none for (the lifecycle table
    decides the rest)."""
    missing = set()
    if not detail.representatives:
        missing.add("record-authorisation")
    if not revocable(detail):
        missing.add("revoke-authorisation")
    return frozenset(missing)


def fields_for(
    action: str, context: AppContext, detail: CaseDetail
) -> tuple[list[Field], Submit, str]:
    """The fields, service call and introduction of one of these dialogs."""
    if action == "add-representative":
        return _add_representative(context, detail)
    if action == "record-authorisation":
        return (
            [
                Field("party", "&Representative", "choice", _choices(detail.representatives)),
                Field("method", "&How it was given", "vocab", vocab=AuthorisationMethod),
                Field("received_on", "&Given on", "date"),
                Field("verified_by", "&Verified by (for a verbal authorisation)", "text"),
                Field("scope", "&Covers", "vocab", vocab=AuthorisationScope),
                Field("expires", "&Expires", "optional-date"),
            ],
            case_call(authorisation.record_authorisation, context, detail, target="party"),
            "Once authorised, the representative may be told about the matters it covers "
            "until it expires. A verbal authorisation needs the name of who verified it.",
        )
    if action == "revoke-authorisation":
        return (
            [
                Field("party", "&Representative", "choice", _choices(revocable(detail))),
                Field("revoked_on", "&Revoked on", "date"),
            ],
            case_call(authorisation.revoke_authorisation, context, detail, target="party"),
            "From this date the representative must not be told personal details, and letters "
            "no longer go to them.",
        )
    raise KeyError(action)


def _choices(reps: tuple[PartyView, ...]) -> tuple[tuple[str, object], ...]:
    return tuple((_describe(r), r.party_id) for r in reps)


def _add_representative(context: AppContext, detail: CaseDetail) -> tuple[list[Field], Submit, str]:
    def add(session: Session, v: dict[str, Any]) -> Any:
        pending = v["auth_state"] == AuthorisationState.PENDING.value
        rep = RepresentativeInput(
            person=PersonInput(
                name=v["name"],
                salutation=v["salutation"],
                address=v["address"],
                postcode=v["postcode"],
                phone=v["phone"],
                email=v["email"],
            ),
            relationship=v["relationship"],
            raised_it=v["raised_it"],
            joined_later=not v["raised_it"],
            auth_state=v["auth_state"],
            auth_sent_on=v["auth_sent_on"] if pending else None,
        )
        return authorisation.add_representative(
            session, context.actor, detail.reference, rep, expected_version=detail.version
        )

    return (
        [
            Field("name", "&Name", "text"),
            Field("salutation", "&Salutation (e.g. Dear Ms Jones)", "text"),
            Field("relationship", "R&elationship to the resident", "vocab", vocab=Relationship),
            Field("address", "&Address", "text"),
            Field("postcode", "&Postcode", "text"),
            Field("phone", "P&hone", "text"),
            Field("email", "E&mail", "text"),
            Field("raised_it", "They &raised the complaint for the resident", "check"),
            Field("auth_state", "Au&thorisation", "choice", _ADD_STATES, default=None),
            Field("auth_sent_on", "&Form sent on", "date"),
        ],
        add,
        "Someone acting for the resident, such as a relative, an advocate or an MP who joined "
        "later. Until the resident authorises them, do not discuss personal details with them "
        "(an MP or councillor acting at the resident's request is the exception). If the "
        "resident has already authorised them, add them and then record the authorisation.",
    )
