"""Finding the caller at intake: as typed, with only the cases the advisor may see."""

from __future__ import annotations

from datetime import date

from casework import OFFICER, RECEIVED
from sqlalchemy import select

from caseworker.services.actor import Actor, Role
from caseworker.services.callers import CallerCase, find_callers, postcode_forms
from caseworker.services.intake import NewRecord, log_record
from caseworker.services.people import PersonInput
from db.models import Case, CaseParty
from db.store import Store

ADVISOR = Actor("cbrown", "C. Brown", Role.ADVISOR, restricted_access=False)
JANE = PersonInput(
    name="Jane Doe",
    postcode="S43 4JJ",
    phone="01246 242424",
    email="Jane.Doe@example.org",
    adjustments="Large print letters",
    restriction="Single point of contact: A. Smith",
    restriction_authorised_by="B. Jones",
    restriction_review=date(2026, 8, 1),
    do_not_contact=True,
)


def _log(store: Store, who: PersonInput | str, received: date, **fields: object) -> str:
    values: dict[str, object] = {
        "kind": "complaint",
        "received": received,
        "complainants": (who,),
        "description": "The roof leaks",
    }
    values.update(fields)
    with store.write() as s:
        return log_record(s, OFFICER, NewRecord(**values), today=received).reference  # type: ignore[arg-type]


def _jane_with_two_cases(store: Store) -> tuple[str, str, str]:
    first = _log(store, JANE, RECEIVED)
    with store.read() as s:
        person_id = s.scalar(select(CaseParty.person_id).join(Case).where(Case.reference == first))
    assert person_id is not None
    second = _log(store, person_id, date(2026, 3, 2), kind="service-request")
    return person_id, first, second


def test_found_by_postcode_as_typed_with_cases_newest_first(store: Store) -> None:
    person_id, first, second = _jane_with_two_cases(store)
    with store.read() as s:
        matches = find_callers(s, ADVISOR, "s434jj")
    assert [m.person_id for m in matches] == [person_id]
    jane = matches[0]
    assert jane.cases == (
        CallerCase(second, "service-request", "logged", date(2026, 3, 2), None, "complainant"),
        CallerCase(first, "complaint", "logged", RECEIVED, date(2026, 2, 9), "complainant"),
    )
    assert jane.warnings == (
        "Do not contact Jane Doe",
        "Contact restriction: Single point of contact: A. Smith (review Sat 1 Aug 2026)",
        "Reasonable adjustments: Large print letters",
    )


def test_found_by_phone_email_and_name_however_spelt(store: Store) -> None:
    person_id, _, _ = _jane_with_two_cases(store)
    _log(store, PersonInput(name="John Dobson", postcode="S44 6BB"), RECEIVED)
    with store.read() as s:
        for typed in ("01246242424", "+44 1246 242424", "jane.doe@EXAMPLE.org", "jane do", "DOE"):
            assert [m.person_id for m in find_callers(s, ADVISOR, typed)] == [person_id], typed
        assert [m.name for m in find_callers(s, ADVISOR, "do")] == ["Jane Doe", "John Dobson"]
        assert [m.name for m in find_callers(s, ADVISOR, "S44")] == ["John Dobson"]
        assert find_callers(s, ADVISOR, "%") == []  # a wildcard is a letter, and too short
        assert find_callers(s, ADVISOR, "j%e") == []


def test_restricted_cases_are_kept_from_an_advisor(store: Store) -> None:
    person_id, first, second = _jane_with_two_cases(store)
    hidden = _log(store, person_id, date(2026, 4, 1), restricted=True)
    _log(store, PersonInput(name="Jane Dobbs", postcode="S43 4JJ"), RECEIVED, restricted=True)
    with store.read() as s:
        advisor_sees = find_callers(s, ADVISOR, "S43 4JJ")
        officer_sees = find_callers(s, OFFICER, "S43 4JJ")
    # Jane Dobbs is known only through a restricted case: not offered to the advisor.
    assert [m.name for m in advisor_sees] == ["Jane Doe"]
    assert [c.reference for c in advisor_sees[0].cases] == [second, first]
    assert [m.name for m in officer_sees] == ["Jane Dobbs", "Jane Doe"]
    assert [c.reference for c in officer_sees[1].cases] == [hidden, second, first]


def test_postcode_forms() -> None:
    assert postcode_forms(" s43  4jj ") == ("S43 4JJ", "S434JJ")
    assert postcode_forms("SW1A1AA") == ("SW1A 1AA", "SW1A1AA")
    assert postcode_forms("jane") == ()
