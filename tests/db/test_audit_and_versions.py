"""The audit chain holds until a row is tampered with; stale edits are refused by every action."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from casework import (
    MANAGER,
    OFFICER,
    TODAY,
    act,
    complaint_at,
    events,
    load,
    log,
    refused,
    representative,
    version,
)
from sqlalchemy import text
from sqlalchemy.orm import Session

from caseworker.services import authorisation, ending, followups, records, stages
from caseworker.services.audit import GENESIS, ChainProblem, chain_head, verify_chain
from caseworker.services.errors import StaleCase
from db.store import Store

# --- the chain -----------------------------------------------------------------------------


def _busy_store(store: Store) -> str:
    ref = complaint_at(store, "stage-1-responded")
    act(store, records.add_note, ref, text="Called the resident")
    return ref


def test_empty_store_has_the_genesis_head(store: Store) -> None:
    with store.read() as s:
        assert verify_chain(s) is None
        assert chain_head(s) == GENESIS


def test_untouched_chain_verifies(store: Store) -> None:
    _busy_store(store)
    all_events = events(store)
    assert [e.seq for e in all_events] == list(range(1, len(all_events) + 1))
    assert all_events[0].prev_digest == GENESIS
    assert all(b.prev_digest == a.digest for a, b in itertools.pairwise(all_events))
    with store.read() as s:
        assert verify_chain(s) is None
        assert chain_head(s) == all_events[-1].digest


def _tamper(store: Store, sql: str) -> ChainProblem | None:
    with store.engine.begin() as conn:
        conn.execute(text(sql))
    with store.read() as s:
        return verify_chain(s)


def test_altered_changes_are_named(store: Store) -> None:
    _busy_store(store)
    altered = (
        "jsonb_set(changes::jsonb, '{text}', '\"Never called\"')::json"
        if store.on_server
        else "json_set(changes, '$.text', 'Never called')"
    )
    problem = _tamper(
        store, f"UPDATE audit_events SET changes = {altered} WHERE action = 'add-note'"
    )
    seq = events(store)[-1].seq
    assert problem == ChainProblem(seq, f"event {seq} was altered (its changes do not match)")


def test_altered_actor_is_named(store: Store) -> None:
    _busy_store(store)
    problem = _tamper(store, "UPDATE audit_events SET actor = 'Someone Else' WHERE seq = 3")
    assert problem == ChainProblem(3, "event 3 was altered")


def test_removed_event_is_named(store: Store) -> None:
    _busy_store(store)
    problem = _tamper(store, "DELETE FROM audit_events WHERE seq = 4")
    assert problem == ChainProblem(4, "event 4 is missing (removed)")


def test_removed_last_event_changes_the_head(store: Store) -> None:
    _busy_store(store)
    head = events(store)[-1].digest
    assert (
        _tamper(store, "DELETE FROM audit_events WHERE seq = (SELECT max(seq) FROM audit_events)")
        is None
    )
    with store.read() as s:
        assert chain_head(s) != head


def test_inserted_event_is_named(store: Store) -> None:
    _busy_store(store)
    last = events(store)[-1]
    problem = _tamper(
        store,
        "INSERT INTO audit_events (seq, at, actor, role, case_id, action, changes, "
        "changes_digest, prev_digest, digest) SELECT seq + 1, at, actor, role, case_id, action, "
        f"changes, changes_digest, '{'1' * 64}', digest FROM audit_events WHERE seq = {last.seq}",
    )
    new = last.seq + 1
    assert problem == ChainProblem(
        new, f"event {new} does not follow the one before it (inserted or removed)"
    )


# --- stale versions ------------------------------------------------------------------------

Action = Callable[[Session, str], Any]
NO_VERSION: dict[str, Any] = {"expected_version": 1}

STALE_ACTIONS: dict[str, Action] = {
    "acknowledge": lambda s, r: stages.acknowledge(
        s,
        OFFICER,
        r,
        acknowledged=TODAY,
        definition=stages.Definition(("x",), "y"),
        handler="C. Patel",
        today=TODAY,
        **NO_VERSION,
    ),
    "extend": lambda s, r: stages.extend(
        s, OFFICER, r, days=1, reason="x", told_on=TODAY, today=TODAY, **NO_VERSION
    ),
    "respond": lambda s, r: stages.respond(
        s, OFFICER, r, response=stages.Response(TODAY, "upheld", "x"), today=TODAY, **NO_VERSION
    ),
    "escalate": lambda s, r: stages.escalate(
        s, OFFICER, r, requested_on=TODAY, today=TODAY, **NO_VERSION
    ),
    "acknowledge_stage2": lambda s, r: stages.acknowledge_stage2(
        s, OFFICER, r, acknowledged=TODAY, handler="D. Evans", today=TODAY, **NO_VERSION
    ),
    "respond_stage2": lambda s, r: stages.respond_stage2(
        s, OFFICER, r, response=stages.Response(TODAY, "upheld", "x"), today=TODAY, **NO_VERSION
    ),
    "refuse_escalation": lambda s, r: stages.refuse_escalation(
        s, OFFICER, r, refused_on=TODAY, reason="x", today=TODAY, **NO_VERSION
    ),
    "refuse": lambda s, r: ending.refuse(
        s, OFFICER, r, refused_on=TODAY, reason="other", explanation="x", today=TODAY, **NO_VERSION
    ),
    "withdraw": lambda s, r: ending.withdraw(
        s, OFFICER, r, withdrawn_on=TODAY, today=TODAY, **NO_VERSION
    ),
    "close": lambda s, r: ending.close(s, OFFICER, r, closed_on=TODAY, today=TODAY, **NO_VERSION),
    "reopen": lambda s, r: ending.reopen(s, OFFICER, r, reason="x", **NO_VERSION),
    "pass_on": lambda s, r: ending.pass_on(
        s, OFFICER, r, passed_on=TODAY, to="x", today=TODAY, **NO_VERSION
    ),
    "reply_enquiry": lambda s, r: ending.reply_enquiry(
        s, OFFICER, r, replied_on=TODAY, reply="x", today=TODAY, **NO_VERSION
    ),
    "refer_to_ombudsman": lambda s, r: ending.refer_to_ombudsman(
        s, OFFICER, r, referred_on=TODAY, today=TODAY, **NO_VERSION
    ),
    "record_determination": lambda s, r: ending.record_determination(
        s, OFFICER, r, determined_on=TODAY, determination="x", today=TODAY, **NO_VERSION
    ),
    "correct_fact": lambda s, r: ending.correct_fact(
        s, OFFICER, r, field="description", value="y", reason="x", today=TODAY, **NO_VERSION
    ),
    "add_representative": lambda s, r: authorisation.add_representative(
        s, OFFICER, r, representative(), **NO_VERSION
    ),
    "record_authorisation": lambda s, r: authorisation.record_authorisation(
        s,
        OFFICER,
        r,
        1,
        method="signed-form",
        received_on=TODAY,
        scope="all-matters",
        expires=None,
        today=TODAY,
        **NO_VERSION,
    ),
    "revoke_authorisation": lambda s, r: authorisation.revoke_authorisation(
        s, OFFICER, r, 1, revoked_on=TODAY, today=TODAY, **NO_VERSION
    ),
    "add_remedy": lambda s, r: followups.add_remedy(
        s, OFFICER, r, kind="financial", amount_offered=Decimal(10), today=TODAY, **NO_VERSION
    ),
    "complete_remedy": lambda s, r: followups.complete_remedy(
        s, OFFICER, r, 1, done=TODAY, today=TODAY, **NO_VERSION
    ),
    "add_action": lambda s, r: followups.add_action(
        s, OFFICER, r, description="x", due=None, **NO_VERSION
    ),
    "complete_action": lambda s, r: followups.complete_action(
        s, OFFICER, r, 1, done=TODAY, today=TODAY, **NO_VERSION
    ),
    "record_learning": lambda s, r: records.record_learning(
        s, OFFICER, r, description="x", improvement="y", today=TODAY, **NO_VERSION
    ),
    "link_cases": lambda s, r: records.link_cases(s, OFFICER, r, "CW-2026-000001", **NO_VERSION),
    "add_note": lambda s, r: records.add_note(s, OFFICER, r, text="x", **NO_VERSION),
}

STALE = "This case was changed by B. Jones at 10:42 on Wed 4 Feb 2026; reload to see the change"


@pytest.mark.parametrize("name", list(STALE_ACTIONS))
def test_every_action_refuses_a_stale_version(store: Store, name: str) -> None:
    log(store)
    ref = log(store)
    act(store, records.add_note, ref, text="A change by someone else", actor=MANAGER)
    assert version(store, ref) > 1
    with store.engine.begin() as conn:
        conn.execute(
            text("UPDATE cases SET updated_at = '2026-02-04 10:42:00.000000' WHERE reference = :r"),
            {"r": ref},
        )
    refused(store, ref, lambda s: STALE_ACTIONS[name](s, ref), StaleCase, STALE)


def test_two_people_editing_the_same_case(store: Store) -> None:
    ref = log(store)
    seen = version(store, ref)  # both open the case
    act(store, records.add_note, ref, text="First", actor=MANAGER, expected_version=seen)
    case = load(store, ref)
    with pytest.raises(StaleCase) as info, store.write() as s:
        records.add_note(s, OFFICER, ref, text="Second", expected_version=seen)
    assert str(info.value) == (
        f"This case was changed by B. Jones at {case.updated_at:%H:%M} on "
        f"{case.updated_at:%a} {case.updated_at.day} {case.updated_at:%b %Y}; "
        "reload to see the change"
    )
    act(store, records.add_note, ref, text="Second", expected_version=case.version)
    assert version(store, ref) > case.version


def test_version_changes_with_every_action(store: Store) -> None:
    ref = log(store)
    seen = [version(store, ref)]
    for text_ in ("one", "two"):
        act(store, records.add_note, ref, text=text_)
        seen.append(version(store, ref))
    assert seen == sorted(set(seen))
    assert load(store, ref).updated_by == "A. Smith"
    assert date.today() >= load(store, ref).updated_at.date()
