"""People: residents and representatives, found once and linked to all their cases."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseworker.domain import text_limits as limits
from caseworker.domain.errors import InvalidInput
from caseworker.domain.text_limits import check_text
from caseworker.domain.vocab import Tenure, parse
from caseworker.services.actor import Actor
from caseworker.services.audit import record_event
from caseworker.services.cases import refresh_list_columns
from caseworker.services.errors import NotFound
from caseworker.services.replication import person_named, replicated
from db.models import CaseParty, Person


@dataclass(frozen=True)
class PersonInput:
    """What an advisor types about a person."""

    name: str
    salutation: str = ""
    address: str = ""
    postcode: str = ""
    phone: str = ""
    email: str = ""
    tenure: str = ""
    preferred_contact: str = ""
    preferred_format: str = ""
    disabilities: str = ""
    adjustments: str = ""
    adjustments_review: date | None = None
    restriction: str = ""
    restriction_authorised_by: str = ""
    restriction_review: date | None = None
    do_not_contact: bool = False


# What an advisor may type about a person (the import holds rows to the same limits).
_LIMITS = (
    ("name", "A name", limits.NAME, False),
    ("salutation", "The salutation", limits.NAME, False),
    ("address", "The address", limits.ADDRESS, True),
    ("postcode", "The postcode", limits.POSTCODE, False),
    ("phone", "The phone number", limits.PHONE, False),
    ("email", "The email address", limits.EMAIL, False),
)


def _clean(data: PersonInput) -> dict[str, object]:
    values = asdict(data)
    for key, value in values.items():
        if isinstance(value, str):
            values[key] = value.strip()
    if not values["name"]:
        raise InvalidInput("A name is needed for each person")
    for key, label, limit, lines in _LIMITS:
        check_text(label, str(values[key]), limit, lines=lines)
    values["postcode"] = str(values["postcode"]).upper()
    values["tenure"] = parse(Tenure, str(values["tenure"])).value if values["tenure"] else None
    if values["restriction"] and not values["restriction_authorised_by"]:
        raise InvalidInput("A contact restriction needs the name of who authorised it")
    return values


@replicated("add-person")
def add_person(session: Session, actor: Actor, data: PersonInput) -> Person:
    """Record a new person (audited)."""
    person = Person(**_clean(data))
    session.add(person)
    session.flush()
    record_event(session, actor, "add-person", None, {"person": person.id, "name": person.name})
    return person


@replicated("update-person", fields=tuple(f.name for f in fields(PersonInput)), locate=person_named)
def update_person(session: Session, actor: Actor, person_id: str, data: PersonInput) -> Person:
    """Change a person's details (audited with before and after)."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"There is no person with id {person_id}")
    changes: dict[str, list[object]] = {}
    for key, value in _clean(data).items():
        before = getattr(person, key)
        if before != value:
            changes[key] = [before, value]
            setattr(person, key, value)
    if changes:
        record_event(session, actor, "update-person", None, {"person": person.id, **changes})
        session.flush()
        for party in session.scalars(select(CaseParty).where(CaseParty.person_id == person.id)):
            refresh_list_columns(session, party.case)
    return person
