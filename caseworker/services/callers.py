"""Finding the caller at intake: people by name, postcode, phone or email as typed.

Each match carries the person's earlier cases that the advisor may see, and what the
advisor must know at once (do not contact, a contact restriction, reasonable adjustments).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from caseworker.domain.calendar import format_day
from caseworker.services.actor import Actor
from caseworker.services.permissions import sees_restricted
from db.models import Case, CaseParty, Person

MAX_MATCHES = 8
MAX_CASES = 6
MIN_NAME_LETTERS = 2
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}$")
_OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
_PHONE = re.compile(r"^\+?[0-9 ()\-]{6,}$")


@dataclass(frozen=True)
class CallerCase:
    """One of the caller's earlier cases, as the advisor may see it."""

    reference: str
    kind: str
    status: str
    received: date
    next_due: date | None
    role: str  # complainant | representative


@dataclass(frozen=True)
class CallerMatch:
    """A person who may be the caller, with their visible cases and what to know at once."""

    person_id: str
    name: str
    salutation: str
    address: str
    postcode: str
    phone: str
    email: str
    tenure: str
    preferred_contact: str
    preferred_format: str
    adjustments: str
    restriction: str
    restriction_review: date | None
    do_not_contact: bool
    cases: tuple[CallerCase, ...]

    @property
    def warnings(self) -> tuple[str, ...]:
        """Do not contact, contact restriction and adjustments, in that order."""
        out = []
        if self.do_not_contact:
            out.append(f"Do not contact {self.name}")
        if self.restriction:
            review = (
                f" (review {format_day(self.restriction_review)})"
                if self.restriction_review
                else ""
            )
            out.append(f"Contact restriction: {self.restriction}{review}")
        if self.adjustments:
            out.append(f"Reasonable adjustments: {self.adjustments}")
        return tuple(out)


def postcode_forms(text: str) -> tuple[str, ...]:
    """A full UK postcode as typed (any spacing, any case), spaced and unspaced."""
    raw = re.sub(r"\s+", "", text.strip().upper())
    if not _POSTCODE.match(raw):
        return ()
    return (f"{raw[:-3]} {raw[-3:]}", raw)


def _condition(text: str) -> ColumnElement[bool] | None:
    """What the typed text is matched against: the first that it looks like."""
    typed = text.strip()
    if "@" in typed:
        return func.lower(Person.email) == typed.lower()
    postcodes = postcode_forms(typed)
    if postcodes:
        return Person.postcode.in_(postcodes)
    if _OUTWARD.match(typed.upper()):
        return Person.postcode.like(f"{typed.upper()} %")
    if _PHONE.match(typed):
        digits = re.sub(r"[^0-9+]", "", typed)
        forms = {typed, digits}
        if digits.startswith("+44"):
            forms.add("0" + digits[3:])
        elif digits.startswith("0"):
            forms.add("+44" + digits[1:])
        stored = func.replace(func.replace(Person.phone, " ", ""), "-", "")
        return or_(Person.phone.in_(forms), stored.in_(forms))
    words = [w for w in re.split(r"\s+", typed.lower()) if w]
    if sum(len(w) for w in words) < MIN_NAME_LETTERS:
        return None
    name = func.lower(Person.name)
    # Every word typed starts a word of the name: "jane do" finds "Jane Doe".
    return and_(
        *[
            or_(name.like(f"{w}%", escape="\\"), name.like(f"% {w}%", escape="\\"))
            for w in (_escape_like(w) for w in words)
        ]
    )


def _escape_like(text: str) -> str:
    """Typed % and _ are letters, not wildcards."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def find_callers(
    session: Session, actor: Actor, text: str, *, limit: int = MAX_MATCHES
) -> list[CallerMatch]:
    """People matching ``text`` (name, postcode, phone or email), with their visible cases.

    A person known only through restricted cases is not offered to someone who may not see
    those cases (finding them would show the case exists). Anonymised people are never shown.
    """
    condition = _condition(text)
    if condition is None:
        return []
    people = session.scalars(
        select(Person)
        .where(condition, Person.anonymised.is_(False))
        .order_by(Person.name, Person.id)
        .limit(limit * 4)
    ).all()
    show_restricted = sees_restricted(actor)
    out: list[CallerMatch] = []
    for person in people:
        rows = session.execute(
            select(
                Case.reference,
                Case.kind,
                Case.status,
                Case.received,
                Case.next_due,
                Case.restricted,
                CaseParty.role,
            )
            .join(CaseParty, CaseParty.case_id == Case.id)
            .where(CaseParty.person_id == person.id)
            .order_by(Case.received.desc(), Case.reference.desc())
        ).all()
        visible = [r for r in rows if show_restricted or not r.restricted]
        if rows and not visible:
            continue
        out.append(
            CallerMatch(
                person_id=person.id,
                name=person.name,
                salutation=person.salutation,
                address=person.address,
                postcode=person.postcode,
                phone=person.phone,
                email=person.email,
                tenure=person.tenure or "",
                preferred_contact=person.preferred_contact,
                preferred_format=person.preferred_format,
                adjustments=person.adjustments,
                restriction=person.restriction,
                restriction_review=person.restriction_review,
                do_not_contact=person.do_not_contact,
                cases=tuple(
                    CallerCase(r.reference, r.kind, r.status, r.received, r.next_due, r.role)
                    for r in visible[:MAX_CASES]
                ),
            )
        )
        if len(out) == limit:
            break
    return out
