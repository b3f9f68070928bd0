"""People, settings and reference lists: audited, validated, and reflected on the case list."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from casework import (
    MANAGER,
    OFFICER,
    events,
    last_event,
    load,
    log,
    person,
    refused_anywhere,
)
from sqlalchemy import func, select

from caseworker.domain.errors import InvalidInput
from caseworker.services import people, settings
from caseworker.services.errors import NotFound
from db.models import AuditEvent, Person, Staff
from db.queries import CaseFilter, count_cases, page_cases
from db.store import Store

# --- people --------------------------------------------------------------------------------


def test_add_person_cleans_and_audits(store: Store) -> None:
    with store.write() as s:
        added = people.add_person(
            s, OFFICER, person("  Jane Doe ", postcode=" s43 4jj ", tenure="Tenant")
        )
        person_id = added.id
    with store.read() as s:
        stored = s.get(Person, person_id)
        assert stored is not None
        assert (stored.name, stored.postcode, stored.tenure) == ("Jane Doe", "S43 4JJ", "tenant")
    event = last_event(store)
    assert (event.action, event.case_id, event.changes) == (
        "add-person",
        None,
        {"person": person_id, "name": "Jane Doe"},
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (person(" "), "A name is needed for each person"),
        (person("x" * 201), "A name can be at most 200 characters"),
        (
            person(restriction="Email only"),
            "A contact restriction needs the name of who authorised it",
        ),
        (
            person(tenure="owner"),
            "'owner' is not a known tenure; use one of: tenant, leaseholder, other-resident",
        ),
    ],
)
def test_person_validation(store: Store, data: people.PersonInput, message: str) -> None:
    refused_anywhere(store, lambda s: people.add_person(s, OFFICER, data), InvalidInput, message)


def test_update_person_refreshes_every_case_list_row_and_search(store: Store) -> None:
    first = log(store)
    person_id = load(store, first).parties[0].person_id
    second = log(store, complainants=(person_id, person("John Doe")))
    other = log(store, complainants=(person("Sam Green"),))
    before = {ref: load(store, ref).version for ref in (first, second, other)}
    with store.write() as s:
        people.update_person(
            s, MANAGER, person_id, person("Jane Brown", postcode="S80 1AB", phone="01246 000001")
        )
    assert load(store, first).resident_name == "Jane Brown"
    assert load(store, second).resident_name == "Jane Brown; John Doe"
    assert load(store, other).resident_name == "Sam Green"
    assert load(store, other).version == before[other]
    event = last_event(store)
    assert (event.action, event.actor) == ("update-person", "B. Jones")
    assert event.changes == {
        "person": person_id,
        "name": ["Jane Doe", "Jane Brown"],
        "postcode": ["S43 4JJ", "S80 1AB"],
    }
    with store.read() as s:
        rows = page_cases(s, CaseFilter(search="brown"), sort="reference")
        assert [r.reference for r in rows] == [first, second]
        assert count_cases(s, CaseFilter(search="S801AB")) == 2
        assert count_cases(s, CaseFilter(search="S43 4JJ")) == 2  # John Doe and Sam Green


def test_update_person_with_no_change_writes_nothing(store: Store) -> None:
    ref = log(store)
    person_id = load(store, ref).parties[0].person_id
    count = len(events(store))
    with store.write() as s:
        people.update_person(s, OFFICER, person_id, person())
    assert len(events(store)) == count


def test_update_unknown_person(store: Store) -> None:
    refused_anywhere(
        store,
        lambda s: people.update_person(s, OFFICER, "nobody", person()),
        NotFound,
        "There is no person with id nobody",
    )


# --- settings ------------------------------------------------------------------------------


def test_settings_default_then_set_and_audited(store: Store) -> None:
    with store.write() as s:
        assert settings.get_setting(s, "retention_years") == 6
        settings.set_setting(s, MANAGER, "retention_years", 7)
    with store.read() as s:
        assert settings.get_setting(s, "retention_years") == 7
        assert settings.get_setting(s, "no-such-key") is None
    event = last_event(store)
    assert (event.action, event.actor, event.changes) == (
        "change-setting",
        "B. Jones",
        {"retention_years": [6, 7]},
    )
    with store.write() as s:
        settings.set_setting(s, MANAGER, "retention_years", 8)
    assert last_event(store).changes == {"retention_years": [7, 8]}


def test_unknown_setting_and_nation_are_refused(store: Store) -> None:
    assert list(settings.DEFAULTS)[:3] == ["reference_prefix", "nation", "policy_housing"]
    refused_anywhere(
        store,
        lambda s: settings.set_setting(s, OFFICER, "colour", "blue"),
        InvalidInput,
        "'colour' is not a setting; known settings: " + ", ".join(settings.DEFAULTS),
    )
    refused_anywhere(
        store,
        lambda s: settings.set_setting(s, MANAGER, "nation", "wales"),
        InvalidInput,
        "'wales' is not a known nation; use one of: england-and-wales, scotland, northern-ireland",
    )


def test_changing_the_nation_recomputes_open_cases(store: Store) -> None:
    # Received Thu 24 Dec 2026: Scotland also skips 2 January (observed Mon 4 Jan 2027).
    ref = log(store, received=date(2026, 12, 24), today=date(2026, 12, 24))
    assert load(store, ref).ack_due == date(2027, 1, 5)
    with store.write() as s:
        settings.set_setting(s, MANAGER, "nation", "scotland")
    assert load(store, ref).ack_due == date(2027, 1, 6)
    event = last_event(store, ref)
    assert (event.action, event.changes) == (
        "recompute-clocks",
        {
            "reason": "nation changed",
            "ack_due": ["2027-01-05", "2027-01-06"],
            "stage1_due": ["2027-01-19", "2027-01-20"],
            "next_due": ["2027-01-05", "2027-01-06"],
        },
    )


def test_reference_lists_are_added_once_and_audited(store: Store) -> None:
    with store.write() as s:
        site = settings.ensure_site(s, OFFICER, " Clowne ")
        assert settings.ensure_site(s, OFFICER, "Clowne").id == site.id
        theme = settings.ensure_theme(s, OFFICER, "Damp and mould")
        assert settings.ensure_theme(s, OFFICER, "Damp and mould ").id == theme.id
        area = settings.ensure_service_area(s, OFFICER, "Estates")
        assert area.is_housing is False  # guessed from the name
        settings.ensure_service_area(s, MANAGER, "Estates", is_housing=True)
        staff = settings.ensure_staff(s, OFFICER, "C. Patel", "Estates")
        assert staff.service_area_id == area.id
        assert settings.ensure_staff(s, OFFICER, "C. Patel").id == staff.id
    assert [(e.action, e.changes) for e in events(store)] == [
        ("add-site", {"name": "Clowne"}),
        ("add-theme", {"name": "Damp and mould"}),
        ("add-service-area", {"name": "Estates", "is_housing": False}),
        ("change-service-area", {"name": "Estates", "is_housing": [False, True]}),
        ("add-staff", {"name": "C. Patel", "service_area": "Estates"}),
    ]
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Staff)) == 1
    refused_anywhere(
        store, lambda s: settings.ensure_site(s, OFFICER, "  "), InvalidInput, "A name is needed"
    )


def test_homes_counts(store: Store) -> None:
    with store.write() as s:
        settings.set_homes(s, MANAGER, date(2025, 4, 1), 5200)
        settings.set_homes(s, MANAGER, date(2026, 4, 1), 5150)
    with store.write() as s:
        settings.set_homes(s, MANAGER, date(2026, 4, 1), 5160)
    with store.read() as s:
        assert settings.homes_at(s, date(2025, 3, 31)) is None
        assert settings.homes_at(s, date(2026, 3, 31)) == 5200
        assert settings.homes_at(s, date(2026, 4, 1)) == 5160
    assert last_event(store).changes == {"as_of": "2026-04-01", "homes": [5150, 5160]}
    refused_anywhere(
        store,
        lambda s: settings.set_homes(s, MANAGER, date(2026, 4, 1), -1),
        InvalidInput,
        "The number of homes cannot be negative",
    )


def test_closure_day_refusals(store: Store) -> None:
    with store.write() as s:
        settings.add_closure_day(s, MANAGER, date(2026, 12, 29), "Christmas closure")
    with store.read() as s:
        assert settings.store_calendar(s).closures == frozenset({date(2026, 12, 29)})
    refused_anywhere(
        store,
        lambda s: settings.add_closure_day(s, MANAGER, date(2026, 12, 29)),
        InvalidInput,
        "2026-12-29 is already a closure day",
    )
    refused_anywhere(
        store,
        lambda s: settings.remove_closure_day(s, MANAGER, date(2026, 12, 30)),
        InvalidInput,
        "2026-12-30 is not a closure day",
    )
    with store.read() as s:
        actions = list(s.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))
    assert actions == ["add-closure-day"]


def test_person_input_is_frozen() -> None:
    with pytest.raises(AttributeError):
        person().name = "x"  # type: ignore[misc]
    assert replace(person(), name="Z").name == "Z"
