"""Third-party authorisations: adding representatives, recording, revoking, expiring; banners."""

from __future__ import annotations

from datetime import date

import pytest
from casework import (
    OFFICER,
    RECEIVED,
    TODAY,
    act,
    complaint_at,
    events,
    last_event,
    load,
    log,
    person,
    refused,
    representative,
    version,
)

from caseworker.domain.errors import InvalidInput, RuleBroken
from caseworker.services import authorisation
from caseworker.services.actor import LOCAL_ADMIN
from caseworker.services.case_view import load_case_detail
from caseworker.services.errors import NotFound
from caseworker.services.intake import RepresentativeInput
from caseworker.services.people import PersonInput
from db.store import Store

MP = RepresentativeInput(
    person=PersonInput(name="Rt Hon P. Jones MP", address="House of Commons"),
    relationship="mp",
    raised_it=False,
    joined_later=True,
    auth_state="not-needed",
)


def _rep_party(store: Store, ref: str) -> int:
    return next(p.id for p in load(store, ref).parties if p.role == "representative")


def _banners(store: Store, ref: str, today: date = TODAY) -> tuple[str, ...]:
    with store.read() as s:
        return load_case_detail(s, ref, today, actor=LOCAL_ADMIN).banners


def test_add_an_mp_who_joined_later(store: Store) -> None:
    ref = complaint_at(store, "stage-1")
    party = act(store, authorisation.add_representative, ref, MP)
    case = load(store, ref)
    assert (case.representative_name, case.auth_state) == ("Rt Hon P. Jones MP", "not-needed")
    assert [(p.role, p.relationship_to_resident, p.joined_later) for p in case.parties] == [
        ("complainant", "", False),
        ("representative", "mp", True),
    ]
    assert last_event(store, ref).changes == {
        "party": party.id,
        "name": "Rt Hon P. Jones MP",
        "auth_state": "not-needed",
    }
    assert _banners(store, ref) == ()


def test_add_representative_is_validated(store: Store) -> None:
    ref = log(store)
    refused(
        store,
        ref,
        lambda s: authorisation.add_representative(
            s, OFFICER, ref, representative(auth_sent_on=None), expected_version=None
        ),
        InvalidInput,
        "Give the date the authorisation form was sent",
    )


def test_pending_authorisation_banner_then_signed_form(store: Store) -> None:
    ref = log(store, representatives=(representative(),))
    assert _banners(store, ref) == (
        "Do not discuss personal details with J. Smith: authorisation pending since Mon 2 Feb",
    )
    party_id = _rep_party(store, ref)
    act(
        store,
        authorisation.record_authorisation,
        ref,
        party_id,
        method="signed form",
        received_on=date(2026, 2, 10),
        scope="this-complaint",
        expires=date(2027, 2, 10),
        today=TODAY,
    )
    case = load(store, ref)
    rep = case.parties[1]
    assert (rep.auth_state, rep.auth_method, rep.auth_received_on, rep.auth_expires) == (
        "authorised",
        "signed-form",
        date(2026, 2, 10),
        date(2027, 2, 10),
    )
    assert case.auth_state == "authorised"
    event = last_event(store, ref)
    assert (event.action, event.changes) == (
        "record-authorisation",
        {
            "party": party_id,
            "auth_state": ["pending", "authorised"],
            "method": "signed-form",
            "scope": "this-complaint",
            "expires": "2027-02-10",
        },
    )
    assert _banners(store, ref) == ()


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"method": "verbal-verified"},
            InvalidInput,
            "A verbal authorisation needs the name of who verified it",
        ),
        (
            {"expires": date(2026, 2, 10)},
            InvalidInput,
            "The authorisation must expire after the date it was given",
        ),
        (
            {"received_on": date(2026, 6, 2)},
            InvalidInput,
            "The date the authorisation was given cannot be in the future (Tue 2 Jun 2026)",
        ),
        ({"party_id": "9" * 32}, NotFound, "Case CW-2026-000001 has no such representative"),
        ({"party_id": "complainant"}, NotFound, "Case CW-2026-000001 has no such representative"),
    ],
)
def test_record_authorisation_refusals(
    store: Store, kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    ref = log(store, representatives=(representative(),))
    values: dict[str, object] = {
        "party_id": _rep_party(store, ref),
        "method": "signed-form",
        "received_on": date(2026, 2, 10),
        "scope": "all-matters",
        "expires": None,
        "expected_version": None,
        "today": TODAY,
    }
    values.update(kwargs)
    if values["party_id"] == "complainant":
        values["party_id"] = load(store, ref).parties[0].id
    party_id = values.pop("party_id")
    refused(
        store,
        ref,
        lambda s: authorisation.record_authorisation(s, OFFICER, ref, party_id, **values),  # type: ignore[arg-type]
        error,
        message,
    )


def test_revoke_authorisation(store: Store) -> None:
    rep = representative(
        auth_state="authorised", auth_method="signed-form", auth_received_on=RECEIVED
    )
    ref = log(store, representatives=(rep,))
    party_id = _rep_party(store, ref)
    act(
        store,
        authorisation.revoke_authorisation,
        ref,
        party_id,
        revoked_on=date(2026, 3, 1),
        today=TODAY,
    )
    case = load(store, ref)
    assert (case.parties[1].auth_state, case.parties[1].auth_revoked_on, case.auth_state) == (
        "revoked",
        date(2026, 3, 1),
        "revoked",
    )
    assert last_event(store, ref).changes == {
        "party": party_id,
        "auth_state": ["authorised", "revoked"],
    }
    assert _banners(store, ref) == (
        "Do not discuss personal details with J. Smith: authorisation revoked",
    )
    refused(
        store,
        ref,
        lambda s: authorisation.revoke_authorisation(
            s, OFFICER, ref, party_id, revoked_on=TODAY, expected_version=None, today=TODAY
        ),
        RuleBroken,
        "That authorisation is already revoked",
    )


def test_expire_authorisations_past_their_date(store: Store) -> None:
    def authorised(expires: date) -> RepresentativeInput:
        return representative(
            auth_state="authorised",
            auth_method="signed-form",
            auth_received_on=RECEIVED,
            auth_expires=expires,
        )

    old = log(store, representatives=(authorised(date(2026, 3, 1)),))
    current = log(store, representatives=(authorised(date(2026, 3, 2)),))
    before = version(store, old)
    with store.write() as s:
        assert authorisation.expire_authorisations(s, OFFICER, today=date(2026, 3, 2)) == 1
    assert load(store, old).parties[1].auth_state == "expired"
    assert load(store, old).auth_state == "expired"
    assert load(store, current).parties[1].auth_state == "authorised"
    assert version(store, old) > before
    event = last_event(store, old)
    assert (event.action, event.changes) == (
        "expire-authorisation",
        {"party": _rep_party(store, old), "expired": "2026-03-01"},
    )
    assert [e.action for e in events(store, current)] == ["log-record"]
    assert _banners(store, old, date(2026, 3, 2)) == (
        "Do not discuss personal details with J. Smith: authorisation expired",
    )
    with store.write() as s:
        assert authorisation.expire_authorisations(s, OFFICER, today=date(2026, 3, 2)) == 0


def test_banners_for_restricted_cases_and_people(store: Store) -> None:
    resident = person(
        adjustments="Large print letters",
        restriction="Contact by email only",
        restriction_authorised_by="B. Jones",
        restriction_review=date(2026, 8, 1),
    )
    ref = log(
        store,
        restricted=True,
        complainants=(resident, person("John Doe", do_not_contact=True)),
    )
    assert _banners(store, ref) == (
        "Restricted case: safeguarding. Share nothing without checking with the case officer.",
        "Contact restriction for Jane Doe: Contact by email only (review Sat 1 Aug 2026)",
        "Reasonable adjustments for Jane Doe: Large print letters",
        "Do not contact John Doe",
    )
    assert load(store, ref).has_adjustments is True
