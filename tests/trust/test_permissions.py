"""Roles enforced in the service layer: refused actions name the role needed and save nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select
from trust_helpers import (
    ADMIN,
    ADVISOR,
    MANAGER,
    OFFICER,
    SAFEGUARDING_OFFICER,
    TODAY,
    counts,
    log,
    version,
)

from caseworker.services import permissions, stages
from caseworker.services.actor import LOCAL_ADMIN, Role
from caseworker.services.case_view import load_case_detail
from caseworker.services.errors import NotAllowed, NotFound
from caseworker.services.records import add_note
from caseworker.services.settings import add_closure_day, set_setting
from db.models import AuditEvent
from db.queries import CaseFilter, count_cases
from db.store import Store

SERVICES = Path(__file__).resolve().parents[2] / "caseworker" / "services"
_ACTION = re.compile(
    r"(?:record_event|finish_change)\(\s*[\w.]+,\s*[\w.]+,\s*(?:[\w.]+,\s*)?\"([a-z0-9-]+)\""
)


def recorded_actions() -> set[str]:
    """Every action name the services write to the audit trail."""
    found: set[str] = set()
    for path in SERVICES.glob("*.py"):
        found |= set(_ACTION.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_recorded_action_has_a_role() -> None:
    actions = recorded_actions()
    assert {"log-record", "acknowledge", "change-setting", "add-user", "retention-run"} <= actions
    assert sorted(actions - set(permissions.ACTIONS)) == []


@pytest.mark.parametrize(
    ("role", "action", "message"),
    [
        (
            Role.ADVISOR,
            "acknowledge",
            "Only a complaints officer, manager or administrator may acknowledge complaints; "
            "you are signed in as an advisor",
        ),
        (
            Role.OFFICER,
            "change-setting",
            "Only a manager or administrator may change settings; "
            "you are signed in as a complaints officer",
        ),
        (
            Role.MANAGER,
            "add-user",
            "Only an administrator may add user accounts; you are signed in as a manager",
        ),
    ],
)
def test_refusal_names_the_role_needed(role: Role, action: str, message: str) -> None:
    actor = {Role.ADVISOR: ADVISOR, Role.OFFICER: OFFICER, Role.MANAGER: MANAGER}[role]
    with pytest.raises(NotAllowed) as info:
        permissions.check(actor, action)
    assert str(info.value) == message


def test_each_role_includes_the_ones_below() -> None:
    assert [permissions.allowed(a, "log-record") for a in (ADVISOR, OFFICER, MANAGER, ADMIN)] == [
        True,
        True,
        True,
        True,
    ]
    assert [permissions.allowed(a, "extend") for a in (ADVISOR, OFFICER, MANAGER, ADMIN)] == [
        False,
        True,
        True,
        True,
    ]
    assert [permissions.allowed(a, "run-report") for a in (ADVISOR, OFFICER, MANAGER, ADMIN)] == [
        False,
        False,
        True,
        True,
    ]
    assert [permissions.allowed(a, "backup") for a in (ADVISOR, OFFICER, MANAGER, ADMIN)] == [
        False,
        False,
        False,
        True,
    ]
    assert permissions.allowed(LOCAL_ADMIN, "retention-run")


def test_advisor_logs_contacts_and_notes_with_new_site_area_and_theme(store: Store) -> None:
    ref = log(store, ADVISOR, site="Clowne", service_areas=("Parks",), themes=("Delay",))
    with store.write() as s:
        add_note(s, ADVISOR, ref, text="Rang back", expected_version=version(store, ref))
    with store.read() as s:
        actions = list(s.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))
    assert actions == [
        "add-service-area",
        "add-site",
        "add-theme",
        "add-person",
        "log-record",
        "add-note",
    ]


def test_advisor_cannot_acknowledge_and_nothing_is_saved(store: Store) -> None:
    ref = log(store, ADVISOR)
    before = counts(store)
    logged_version = version(store, ref)
    with pytest.raises(NotAllowed) as info, store.write() as s:
        stages.acknowledge(
            s,
            ADVISOR,
            ref,
            acknowledged=TODAY,
            definition=stages.Definition(points=("Roof",), outcomes_sought="Fix it"),
            handler="C. Patel",
            expected_version=version(store, ref),
            today=TODAY,
        )
    assert str(info.value).startswith("Only a complaints officer, manager or administrator")
    # The handler added on the way (add-staff) was rolled back with the rest.
    assert counts(store) == before
    assert version(store, ref) == logged_version


def test_officer_cannot_change_settings_manager_can(store: Store) -> None:
    before = counts(store)
    with pytest.raises(NotAllowed), store.write() as s:
        set_setting(s, OFFICER, "retention_years", 3)
    with pytest.raises(NotAllowed), store.write() as s:
        add_closure_day(s, OFFICER, TODAY, "Staff training")
    assert counts(store) == before
    with store.write() as s:
        set_setting(s, MANAGER, "retention_years", 3)
    assert counts(store)["settings"] == before["settings"] + 1


def test_restricted_case_hidden_from_those_without_access(store: Store) -> None:
    open_ref = log(store, ADVISOR)
    secret = log(store, ADVISOR, restricted=True, description="Safeguarding concern")
    for actor in (ADVISOR, OFFICER):
        with store.read() as s:
            assert count_cases(s, permissions.visible_filter(actor, CaseFilter())) == 1
            with pytest.raises(NotFound) as info:
                load_case_detail(s, secret, TODAY, actor=actor)
        # The same words as for a case that does not exist: nothing says it is there.
        assert str(info.value) == f"There is no case with reference {secret}"
        with pytest.raises(NotFound), store.write() as s:
            add_note(s, actor, secret, text="Peek", expected_version=None)
    with store.read() as s:
        assert count_cases(s, permissions.visible_filter(SAFEGUARDING_OFFICER, CaseFilter())) == 2
        assert load_case_detail(s, secret, TODAY, actor=SAFEGUARDING_OFFICER).restricted
        assert not load_case_detail(s, open_ref, TODAY, actor=ADVISOR).restricted
    notes = counts(store)["notes"]
    with store.write() as s:
        add_note(s, SAFEGUARDING_OFFICER, secret, text="Seen by S. Officer", expected_version=None)
    assert counts(store)["notes"] == notes + 1
