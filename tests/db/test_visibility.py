"""Visibility by construction: every read of case data takes the actor, and someone without
restricted access never sees a restricted case nor learns that one exists.

Each read path is tried for a restricted case and for a reference that does not exist: the
answers must be the same (nothing there), and the same read works for someone with access.
"""

from __future__ import annotations

from datetime import date

import pytest

from caseworker.domain.errors import CaseworkerError
from caseworker.domain.vocab import LetterKind
from caseworker.services import case_list, records, stages
from caseworker.services.actor import Actor, Role
from caseworker.services.case_view import find_person_cases, load_case_detail
from caseworker.services.letter_reads import LetterSetup, read_letter
from caseworker.services.letters import letter_pdf, make_letters
from caseworker.services.settings import set_setting
from caseworker.services.work_queue import queue_items
from db.store import Store
from tests.db.casework import ACKNOWLEDGED, TODAY, act, log, person

ADVISOR = Actor("adv", "A. Advisor", Role.ADVISOR, restricted_access=False)
OFFICER_NO_ACCESS = Actor("off", "O. Officer", Role.OFFICER, restricted_access=False)
WITH_ACCESS = Actor("mgr", "M. Manager", Role.MANAGER, restricted_access=True)
WITHOUT = (ADVISOR, OFFICER_NO_ACCESS)
MISSING = "CW-2026-999999"
SECRET = person("Sam Secret", postcode="S44 6AA", phone="01246 999999", email="sam@x.example")


@pytest.fixture
def refs(store: Store) -> dict[str, str]:
    """An open restricted complaint (acknowledged, with a letter) and an ordinary one."""
    with store.write() as s:
        set_setting(
            s,
            WITH_ACCESS,
            "organisation",
            {
                "name": "Bolsover District Council",
                "address": "The Arc, Clowne, S43 4JY",
                "phone": "01246 242424",
                "email": "complaints@bolsover.gov.uk",
            },
        )
    secret = log(store, complainants=(SECRET,), restricted=True, description="Abuse at home")
    plain = log(store, complainants=(person("Pat Plain"),), description="Bins not emptied")
    act(
        store,
        stages.acknowledge,
        secret,
        acknowledged=ACKNOWLEDGED,
        definition=stages.Definition(
            points=("Nobody called back",), outcomes_sought="A call", responsible_for="Calls"
        ),
        handler="A. Smith",
        today=TODAY,
        actor=WITH_ACCESS,
    )
    with store.write() as s:
        kind = LetterKind.STAGE1_ACKNOWLEDGEMENT
        made = make_letters(s, WITH_ACCESS, secret, kind, today=ACKNOWLEDGED)
    return {"secret": secret, "plain": plain, "letter": made[0].correspondence_id}


def _message(fn: object) -> str:
    with pytest.raises(CaseworkerError) as info:
        fn()  # type: ignore[operator]
    return str(info.value)


@pytest.mark.parametrize("actor", WITHOUT, ids=["advisor", "officer-without-access"])
def test_lists_counts_and_search(store: Store, refs: dict[str, str], actor: Actor) -> None:
    everything = case_list.CaseFilter()
    by_name = case_list.CaseFilter(search="Secret")
    by_words = case_list.CaseFilter(search="abuse")
    with store.read() as s:
        shown = {r.reference for r in case_list.page(s, actor, everything)}
        assert shown == {refs["plain"]}
        assert {r.reference for r in case_list.page_at(s, actor, everything, offset=0)} == shown
        assert case_list.count(s, actor, everything) == 1
        for search in (by_name, by_words):
            assert case_list.page(s, actor, search) == []
            assert case_list.count(s, actor, search) == 0
        # The work queue's counts leave it out too (it is acknowledged and due).
        counts = {i.key: i.count for i in queue_items(s, actor, TODAY)}
        assert counts["all"] == 1
        # Someone given access sees it in all of these.
        assert {r.reference for r in case_list.page(s, WITH_ACCESS, everything)} == {
            refs["plain"],
            refs["secret"],
        }
        assert case_list.count(s, WITH_ACCESS, by_words) == 1
        assert {i.key: i.count for i in queue_items(s, WITH_ACCESS, TODAY)}["all"] == 2


@pytest.mark.parametrize("actor", WITHOUT, ids=["advisor", "officer-without-access"])
def test_person_lookup(store: Store, refs: dict[str, str], actor: Actor) -> None:
    with store.read() as s:
        for lookup in (
            {"postcode": "S44 6AA"},
            {"phone": "01246 999999"},
            {"email": "sam@x.example"},
            {"name": "Sam Secret"},
        ):
            assert find_person_cases(s, actor, **lookup) == []
            assert [c.reference for c in find_person_cases(s, WITH_ACCESS, **lookup)] == [
                refs["secret"]
            ]


@pytest.mark.parametrize("actor", WITHOUT, ids=["advisor", "officer-without-access"])
def test_case_detail_and_actions_say_only_not_found(
    store: Store, refs: dict[str, str], actor: Actor
) -> None:
    """The same words as for a reference that does not exist: nothing to tell them apart."""

    def detail(ref: str) -> str:
        with store.read() as s:
            return _message(lambda: load_case_detail(s, ref, TODAY, actor=actor))

    def note(ref: str) -> str:
        with store.write() as s:
            return _message(
                lambda: records.add_note(s, actor, ref, text="hello", expected_version=None)
            )

    secret, lower = refs["secret"], refs["secret"].lower()
    assert detail(secret) == f"There is no case with reference {secret}"
    assert detail(MISSING) == f"There is no case with reference {MISSING}"
    assert detail(lower) == f"There is no case with reference {lower}"
    assert note(secret) == f"There is no case with reference {secret}"
    assert note(MISSING) == f"There is no case with reference {MISSING}"
    with store.read() as s:
        assert load_case_detail(s, secret, TODAY, actor=WITH_ACCESS).restricted
        assert load_case_detail(s, lower, TODAY, actor=WITH_ACCESS).reference == secret


@pytest.mark.parametrize("actor", WITHOUT, ids=["advisor", "officer-without-access"])
def test_letters(store: Store, refs: dict[str, str], actor: Actor) -> None:
    letter = refs["letter"]
    with store.read() as s:
        setup = LetterSetup.read(s)
        kind = LetterKind.STAGE1_ACKNOWLEDGEMENT
        assert _message(
            lambda: read_letter(s, actor, setup, refs["secret"], kind, TODAY)
        ) == _message(lambda: read_letter(s, actor, setup, MISSING, kind, TODAY)).replace(
            MISSING, refs["secret"]
        )
        assert _message(lambda: letter_pdf(s, actor, letter)) == f"There is no letter {letter}"
        assert _message(lambda: letter_pdf(s, actor, "0" * 32)) == f"There is no letter {'0' * 32}"
        assert letter_pdf(s, WITH_ACCESS, letter).startswith(b"%PDF")


def test_an_advisor_still_finds_what_they_may_see(store: Store, refs: dict[str, str]) -> None:
    with store.read() as s:
        found = find_person_cases(s, ADVISOR, name="Pat Plain")
        assert [(c.reference, c.kind, c.status, c.received) for c in found] == [
            (refs["plain"], "complaint", "logged", date(2026, 2, 2))
        ]
        assert load_case_detail(s, refs["plain"], TODAY, actor=ADVISOR).reference == refs["plain"]
