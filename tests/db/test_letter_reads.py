"""The letter read: everything a letter says about a case, from two queries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from casework import ACKNOWLEDGED, DEFINITION, TODAY, act, log, person
from sqlalchemy import event

from caseworker.domain.addressees import PartyFacts
from caseworker.domain.letters import ActionLine, ExtensionDetails, Point, RemedyLine
from caseworker.domain.policy import load_policy
from caseworker.domain.vocab import Decision, LetterKind, RecordKind, RemedyKind
from caseworker.services import stages
from caseworker.services.actor import LOCAL_ADMIN
from caseworker.services.cases import begin_change, get_case
from caseworker.services.errors import NotFound
from caseworker.services.intake import RepresentativeInput
from caseworker.services.letter_reads import LetterParty, LetterSetup, read_letter
from db.store import Store

EXTENDED_ON = date(2026, 2, 10)
# Stage 1 was due Wed 18 Feb 2026; five more working days: Thu 19 ... Wed 25 Feb.
EXTENDED_DUE = date(2026, 2, 25)


@contextmanager
def statements(store: Store) -> Iterator[list[str]]:
    """The SQL statements run on the store while the block runs."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        seen.append(sql)

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", record)


def _responded_case(store: Store) -> str:
    log(store, service_areas=("Estate Services",))  # listed before the case's primary area
    ref = log(
        store,
        complainants=(
            person(
                "Ms Anna Wiśniewski", salutation="Ms Wiśniewski", preferred_format="Large print"
            ),
            person("Mr Tom Wiśniewski", address="14 Station Road\nShirebrook", postcode="NG20 8AA"),
        ),
        representatives=(
            RepresentativeInput(
                person=person("Ruth Jones MP"),
                relationship="mp",
                raised_it=False,
                joined_later=True,
                auth_state="not-needed",
            ),
            RepresentativeInput(
                person=person("Ben Carter"),
                relationship="friend",
                raised_it=False,
                auth_sent_on=date(2026, 2, 2),
            ),
        ),
        service_areas=("Housing Repairs", "Estate Services"),
    )
    act(
        store,
        stages.acknowledge,
        ref,
        acknowledged=ACKNOWLEDGED,
        definition=DEFINITION,
        handler="A. Smith",
        today=TODAY,
    )
    act(
        store,
        stages.extend,
        ref,
        days=5,
        reason="We are waiting for the roofer's report.",
        told_on=EXTENDED_ON,
        today=EXTENDED_ON,
    )
    response = stages.Response(
        sent_on=None,
        decision="partly-upheld",
        reasons="The repair was late; the call-back was made",
        points=(
            stages.PointDecision("upheld", "The roof was not fixed in time"),
            stages.PointDecision("not-upheld", "We called on 10 February"),
        ),
        remedies=(
            stages.RemedyInput(
                "financial", "For the wet carpet", Decimal("75.5"), date(2026, 3, 6)
            ),
            stages.RemedyInput("apology", "We are sorry the repair took so long"),
        ),
        actions=(stages.ActionInput("Replace the roof tiles", date(2026, 3, 13)),),
    )
    act(store, stages.respond, ref, response=response, today=TODAY)
    return ref


def test_a_stage1_response_reads_every_fact_the_letter_prints(store: Store) -> None:
    ref = _responded_case(store)
    with store.read() as s:
        source = read_letter(
            s, LOCAL_ADMIN, LetterSetup.read(s), ref, LetterKind.STAGE1_RESPONSE, TODAY
        )
        assert get_case(s, LOCAL_ADMIN, ref).stage1_due == EXTENDED_DUE  # the stored clock agrees
    case = source.case
    assert source.record_kind is RecordKind.COMPLAINT
    assert (case.reference, case.record_kind, case.received, case.stage) == (
        ref,
        RecordKind.COMPLAINT,
        date(2026, 2, 2),
        1,
    )
    assert case.resident_name == "Ms Anna Wiśniewski and Mr Tom Wiśniewski"
    assert case.points == (
        Point("The roof still leaks", Decision.UPHELD, "The roof was not fixed in time"),
        Point("Nobody called back", Decision.NOT_UPHELD, "We called on 10 February"),
    )
    assert (case.outcomes_sought, case.responsible_for, case.not_responsible_for) == (
        "Fix the roof and apologise",
        "",
        "The neighbour's gutter",
    )
    assert (case.decision, case.reasons) == (
        Decision.PARTLY_UPHELD,
        "The repair was late; the call-back was made",
    )
    assert case.response_due == EXTENDED_DUE
    assert case.extension == ExtensionDetails(
        EXTENDED_DUE, "We are waiting for the roofer's report.", 5
    )
    assert case.remedies == (
        RemedyLine(RemedyKind.FINANCIAL, "For the wet carpet", Decimal("75.50"), date(2026, 3, 6)),
        RemedyLine(RemedyKind.APOLOGY, "We are sorry the repair took so long", None, None),
    )
    assert case.actions == (ActionLine("Replace the roof tiles", date(2026, 3, 13), None),)
    assert (case.refusal, case.escalation_requested, case.about, case.service_area) == (
        None,
        None,
        "The roof has leaked since October",
        "Housing Repairs",
    )
    policy = load_policy("hos-2024")
    assert (case.ombudsman, case.escalation_window_days, case.time_limit_months) == (
        policy.ombudsman,
        policy.escalation_window_days,
        policy.time_limit_months,
    )


def test_people_come_with_what_the_addressee_rules_and_large_print_need(store: Store) -> None:
    ref = _responded_case(store)
    with store.read() as s:
        source = read_letter(
            s, LOCAL_ADMIN, LetterSetup.read(s), ref, LetterKind.STAGE1_RESPONSE, TODAY
        )
    people = [
        (p.facts.name, p.facts.role, p.facts.may_be_told, p.large_print) for p in source.parties
    ]
    assert people == [
        ("Ms Anna Wiśniewski", "complainant", True, True),
        ("Mr Tom Wiśniewski", "complainant", True, False),
        ("Ruth Jones MP", "representative", True, False),  # elected: no form needed
        ("Ben Carter", "representative", False, False),  # authorisation pending
    ]
    tom = source.parties[1]
    assert tom == LetterParty(
        PartyFacts(
            person_id=tom.facts.person_id,
            role="complainant",
            name="Mr Tom Wiśniewski",
            salutation="",
            address="14 Station Road\nShirebrook",
            postcode="NG20 8AA",
            raised_it=True,
            may_be_told=True,
        ),
        False,
    )
    assert source.party(tom.facts.person_id) is tom


def test_the_read_is_two_queries_even_after_the_case_was_loaded(store: Store) -> None:
    ref = _responded_case(store)
    with store.write() as s:
        setup = LetterSetup.read(s)
        with statements(store) as fresh:
            first = read_letter(s, LOCAL_ADMIN, setup, ref, LetterKind.STAGE1_RESPONSE, TODAY)
    with store.write() as s:
        setup = LetterSetup.read(s)
        # As making a letter does, before it reads:
        begin_change(s, LOCAL_ADMIN, ref, None, "make-letter")
        with statements(store) as loaded:
            again = read_letter(s, LOCAL_ADMIN, setup, ref, LetterKind.STAGE1_RESPONSE, TODAY)
    assert (len(fresh), len(loaded)) == (2, 2)
    assert again == first


def test_a_stage2_letter_reads_the_stage2_facts_and_a_missing_case_is_not_found(
    store: Store,
) -> None:
    ref = _responded_case(store)
    with store.read() as s:
        setup = LetterSetup.read(s)
        source = read_letter(s, LOCAL_ADMIN, setup, ref, LetterKind.STAGE2_ACKNOWLEDGEMENT, TODAY)
        with pytest.raises(NotFound, match="There is no case with reference CW-0000-000000"):
            read_letter(s, LOCAL_ADMIN, setup, "CW-0000-000000", LetterKind.STAGE1_RESPONSE, TODAY)
    case = source.case
    assert (case.stage, case.decision, case.reasons, case.extension, case.remedies) == (
        2,
        None,
        "",
        None,
        (),
    )
    assert [p.decision for p in case.points] == [None, None]
    assert case.response_due is None  # Stage 2 has not started
