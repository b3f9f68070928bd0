"""Logging records of every kind: references, people, representatives, time limits, audit."""

from __future__ import annotations

from datetime import date

import pytest
from casework import (
    MANAGER,
    OFFICER,
    RECEIVED,
    TODAY,
    events,
    last_event,
    load,
    log,
    new_record,
    person,
    refused_anywhere,
    representative,
)
from sqlalchemy import select

from caseworker.domain.errors import InvalidInput, RuleBroken
from caseworker.services.actor import LOCAL_ADMIN, Actor, Role
from caseworker.services.case_view import load_case_detail
from caseworker.services.intake import log_record
from caseworker.services.settings import set_setting
from db.models import Case
from db.store import Store


def test_complaint_is_logged_with_reference_status_clocks_and_names(store: Store) -> None:
    ref = log(store)
    assert ref == "CW-2026-000001"
    case = load(store, ref)
    assert (case.kind, case.status, case.received) == ("complaint", "logged", RECEIVED)
    assert (case.policy_name, case.policy_version, case.ombudsman) == (
        "hos-2024",
        1,
        "housing-ombudsman",
    )
    assert (case.ack_due, case.stage1_due, case.stage2_ack_due, case.stage2_due) == (
        date(2026, 2, 9),
        date(2026, 2, 23),  # provisional: 10 working days from the latest acknowledgement
        None,
        None,
    )
    assert (case.next_due, case.next_clock) == (date(2026, 2, 9), "acknowledgement")
    assert (case.resident_name, case.representative_name, case.auth_state) == (
        "Jane Doe",
        "",
        "not-needed",
    )
    assert case.updated_by == "A. Smith"
    assert [p.person.postcode for p in case.parties] == ["S43 4JJ"]


def test_references_count_up_per_year_of_receipt(store: Store) -> None:
    assert [log(store), log(store), log(store, received=date(2025, 12, 31))] == [
        "CW-2026-000001",
        "CW-2026-000002",
        "CW-2025-000001",
    ]
    assert log(store) == "CW-2026-000003"


def test_reference_prefix_setting_is_used(store: Store) -> None:
    with store.write() as s:
        set_setting(s, MANAGER, "reference_prefix", " nw2 ")
    assert log(store) == "NW2-2026-000001"
    refused_anywhere(
        store,
        lambda s: set_setting(s, MANAGER, "reference_prefix", "CW-1"),
        InvalidInput,
        "The reference prefix must be 1 to 8 letters or digits, e.g. CW",
    )


def test_imported_reference_is_kept_and_cannot_be_reused(store: Store) -> None:
    assert log(store, reference="OLD-123", external_reference=" X9 ") == "OLD-123"
    assert load(store, "OLD-123").external_reference == "X9"
    refused_anywhere(
        store,
        lambda s: log_record(s, OFFICER, new_record(reference="OLD-123"), today=TODAY),
        RuleBroken,
        "Reference OLD-123 is already used by another case",
    )


@pytest.mark.parametrize(
    ("kind", "ack_due", "next_clock"),
    [
        ("complaint", date(2026, 2, 9), "acknowledgement"),
        ("service-request", None, None),
        ("compliment", date(2026, 2, 9), "pass-on"),
        ("Comment", date(2026, 2, 9), "pass-on"),
        ("MP enquiry", date(2026, 2, 16), "enquiry-reply"),
        ("councillor-enquiry", date(2026, 2, 16), "enquiry-reply"),
    ],
)
def test_every_kind_is_logged_with_its_own_clock(
    store: Store, kind: str, ack_due: date | None, next_clock: str | None
) -> None:
    ref = log(store, kind=kind)
    case = load(store, ref)
    assert case.status == "logged"
    assert (case.ack_due, case.stage1_due, case.next_due, case.next_clock) == (
        ack_due,
        date(2026, 2, 23) if kind == "complaint" else None,
        ack_due,
        next_clock,
    )


def test_group_of_complainants_and_existing_person(store: Store) -> None:
    first = log(store)
    jane_id = load(store, first).parties[0].person_id
    ref = log(store, complainants=(jane_id, person("John Doe", postcode="s44 6jj")))
    case = load(store, ref)
    assert case.resident_name == "Jane Doe; John Doe"
    assert [(p.role, p.person.name, p.raised_it) for p in case.parties] == [
        ("complainant", "Jane Doe", True),
        ("complainant", "John Doe", True),
    ]
    assert case.parties[0].person_id == jane_id
    assert case.parties[1].person.postcode == "S44 6JJ"


def test_service_areas_themes_site_and_non_housing_policy(store: Store) -> None:
    ref = log(
        store,
        service_areas=("Council Tax", "Housing Repairs", "Council Tax"),
        themes=("Communication", " ", "Communication"),
        site="Clowne",
        channel="Web form",
    )
    case = load(store, ref)
    assert (case.policy_name, case.ombudsman, case.channel) == ("lgsco-2024", "lgsco", "web-form")
    assert len(case.service_areas) == 2
    assert [a.is_primary for a in case.service_areas] == [True, False]
    assert len(case.themes) == 1
    names = [e.changes for e in events(store) if e.action == "add-service-area"]
    assert names == [
        {"name": "Council Tax", "is_housing": False},
        {"name": "Housing Repairs", "is_housing": True},
    ]


def test_representative_with_pending_authorisation(store: Store) -> None:
    ref = log(store, representatives=(representative(),))
    case = load(store, ref)
    rep = case.parties[1]
    assert (rep.role, rep.person.name, rep.relationship_to_resident) == (
        "representative",
        "J. Smith",
        "relative",
    )
    assert (rep.auth_state, rep.auth_sent_on, rep.auth_scope) == (
        "pending",
        RECEIVED,
        "this-complaint",
    )
    assert (case.representative_name, case.auth_state) == ("J. Smith", "pending")


def test_representative_already_authorised(store: Store) -> None:
    rep = representative(
        auth_state="authorised",
        auth_method="verbal-verified",
        auth_received_on=RECEIVED,
        auth_verified_by="C. Patel",
        auth_scope="all-matters",
    )
    case = load(store, log(store, representatives=(rep,)))
    party = case.parties[1]
    assert (party.auth_state, party.auth_method, party.auth_verified_by, party.auth_scope) == (
        "authorised",
        "verbal-verified",
        "C. Patel",
        "all-matters",
    )
    assert case.auth_state == "authorised"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"person": None}, "A representative needs a name"),
        (
            {"auth_state": "authorised"},
            "Say how the authorisation was given: signed form or verbal, verified",
        ),
        (
            {"auth_state": "authorised", "auth_method": "signed-form"},
            "Give the date the authorisation was given",
        ),
        (
            {
                "auth_state": "authorised",
                "auth_method": "verbal, verified",
                "auth_received_on": RECEIVED,
            },
            "A verbal authorisation needs the name of who verified it",
        ),
        ({"auth_sent_on": None}, "Give the date the authorisation form was sent"),
        (
            {"relationship": "cousin"},
            "'cousin' is not a known relationship; use one of: relative, friend, advocate, "
            "solicitor, mp, councillor, other",
        ),
    ],
)
def test_representative_validation(store: Store, fields: dict[str, object], message: str) -> None:
    log(store)
    refused_anywhere(
        store,
        lambda s: log_record(
            s, OFFICER, new_record(representatives=(representative(**fields),)), today=TODAY
        ),
        InvalidInput,
        message,
    )


def test_complaint_over_the_time_limit_is_refused_without_a_reason(store: Store) -> None:
    log(store)
    refused_anywhere(
        store,
        lambda s: log_record(s, OFFICER, new_record(issue_date=date(2025, 1, 31)), today=TODAY),
        RuleBroken,
        "The issue is more than 12 months old (before Sun 2 Feb 2025); record a reason to "
        "accept it anyway, or refuse it as over the time limit",
    )


def test_time_limit_counts_from_the_later_of_issue_and_awareness(store: Store) -> None:
    # The issue is old, but the resident only became aware of it on the limit date itself.
    ref = log(store, issue_date=date(2024, 5, 1), aware_date=date(2025, 2, 2))
    assert load(store, ref).time_limit_reason == ""


def test_complaint_over_the_time_limit_is_accepted_with_a_reason(store: Store) -> None:
    ref = log(
        store,
        issue_date=date(2024, 5, 1),
        time_limit_reason=" The resident was in hospital ",
    )
    case = load(store, ref)
    assert (case.issue_date, case.time_limit_reason) == (
        date(2024, 5, 1),
        "The resident was in hospital",
    )


def test_other_kinds_are_not_held_to_the_time_limit(store: Store) -> None:
    ref = log(store, kind="service-request", issue_date=date(2020, 1, 1))
    assert load(store, ref).kind == "service-request"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"received": date(2026, 6, 2)},
            "The date received cannot be in the future (Tue 2 Jun 2026)",
        ),
        ({"complainants": ()}, "Who is this from? Add the resident (or residents, for a group)"),
        ({"description": "  "}, "Describe what the contact is about"),
        (
            {"issue_date": date(2026, 2, 3)},
            "The date of the issue (Tue 3 Feb 2026) cannot be after the date received",
        ),
        (
            {"aware_date": date(2026, 2, 3)},
            "The date they became aware (Tue 3 Feb 2026) cannot be after the date received",
        ),
        (
            {"kind": "moan"},
            "'moan' is not a known record kind; use one of: complaint, service-request, "
            "compliment, comment, mp-enquiry, councillor-enquiry",
        ),
        ({"complainants": ("no-such-id",)}, "There is no person with id no-such-id"),
        ({"complainants": (person(" "),)}, "A name is needed for each person"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(
    store: Store, fields: dict[str, object], message: str
) -> None:
    refused_anywhere(
        store,
        lambda s: log_record(s, OFFICER, new_record(**fields), today=TODAY),
        InvalidInput,
        message,
    )


def test_log_is_audited_with_actor_and_values(store: Store) -> None:
    clerk = Actor("kclerk", "K. Clerk", Role.ADVISOR)
    ref = log(store, actor=clerk)
    event = last_event(store, ref)
    assert (event.action, event.actor, event.role) == ("log-record", "K. Clerk", "advisor")
    assert event.changes == {
        "reference": "CW-2026-000001",
        "kind": "complaint",
        "received": "2026-02-02",
        "policy": "hos-2024",
        "clocks": {
            "ack_due": [None, "2026-02-09"],
            "stage1_due": [None, "2026-02-23"],
            "next_due": [None, "2026-02-09"],
            "next_clock": [None, "acknowledgement"],
        },
    }
    assert [e.action for e in events(store)] == ["add-service-area", "add-person", "log-record"]


def test_restricted_flag_is_stored(store: Store) -> None:
    ref = log(store, restricted=True)
    with store.read() as s:
        assert s.scalar(select(Case.restricted).where(Case.reference == ref)) is True


def test_a_repeat_contact_is_linked_to_the_earlier_case_as_it_is_logged(store: Store) -> None:
    earlier = log(store)
    later = log(store, links=(earlier,))
    with store.read() as s:
        assert load_case_detail(s, later, TODAY, actor=LOCAL_ADMIN).linked == (earlier,)
        assert load_case_detail(s, earlier, TODAY, actor=LOCAL_ADMIN).linked == (later,)
