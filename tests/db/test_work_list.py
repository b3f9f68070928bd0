"""Today's work: the cases to act on, the actor's first, then the team's, by next deadline."""

from __future__ import annotations

from datetime import date

from casework import DEFINITION, OFFICER, TODAY, act, log

from caseworker.services import stages
from caseworker.services.actor import Actor, Role
from caseworker.services.work_queue import WorkItem, queue_items, work_list
from db.store import Store

FRI_20_FEB = date(2026, 2, 20)


def _acknowledge(store: Store, reference: str, on: date, handler: str) -> None:
    act(
        store,
        stages.acknowledge,
        reference,
        acknowledged=on,
        definition=DEFINITION,
        handler=handler,
        today=TODAY,
    )


def _four_cases(store: Store) -> tuple[str, str, str, str]:
    team = log(store, received=date(2026, 2, 2))
    _acknowledge(store, team, date(2026, 2, 4), "B. Jones")  # Stage 1 due Wed 18 Feb
    mine = log(store, received=date(2026, 2, 2))
    _acknowledge(store, mine, date(2026, 2, 4), "A. Smith")  # Stage 1 due Wed 18 Feb
    new = log(store, received=date(2026, 2, 16))  # acknowledgement due Mon 23 Feb
    today = log(store, received=date(2026, 2, 5))
    _acknowledge(store, today, date(2026, 2, 6), "A. Smith")  # Stage 1 due Fri 20 Feb
    log(store, received=date(2026, 2, 2), kind="compliment", restricted=True)
    return team, mine, new, today


def test_mine_first_then_the_team_by_next_deadline(store: Store) -> None:
    team, mine, new, due_today = _four_cases(store)
    with store.read() as s:
        items = {i.key: i for i in queue_items(s, OFFICER, FRI_20_FEB)}
        work = work_list(s, OFFICER, items["today"].case_filter, FRI_20_FEB)
    assert items["today"].title == "Today's work"
    assert items["today"].explanation == "Overdue, due today or due by Wed 25 Feb 2026"
    # The restricted compliment (passing on due Mon 9 Feb) is the team's most overdue.
    assert [w.reference for w in work.items] == [mine, due_today, "CW-2026-000005", team, new]
    assert work.total == 5
    assert work.items[0] == WorkItem(
        reference=mine,
        kind="complaint",
        status="stage-1",
        resident="Jane Doe",
        handler="A. Smith",
        next_due=date(2026, 2, 18),
        clock="Stage 1 response",
        countdown="2 working days overdue",
        next_step="Send the Stage 1 response",
        mine=True,
        overdue=True,
        due_today=False,
        restricted=False,
    )
    assert (work.items[1].countdown, work.items[1].due_today, work.items[1].mine) == (
        "due today",
        True,
        True,
    )
    assert (work.items[2].next_step, work.items[2].countdown) == (
        "Pass it on to the service",
        "9 working days overdue",
    )
    assert (work.items[4].next_step, work.items[4].countdown, work.items[4].mine) == (
        "Acknowledge and define the complaint",
        "1 working day left",
        False,
    )


def test_an_advisor_sees_no_restricted_case_in_the_list(store: Store) -> None:
    _four_cases(store)
    advisor = Actor("cbrown", "C. Brown", Role.ADVISOR, restricted_access=False)
    with store.read() as s:
        items = {i.key: i for i in queue_items(s, advisor, FRI_20_FEB)}
        work = work_list(s, advisor, items["today"].case_filter, FRI_20_FEB)
    assert items["today"].count == 4
    assert "CW-2026-000005" not in [w.reference for w in work.items]
    assert work.total == 4


def test_each_part_is_capped_and_the_total_says_how_many(store: Store) -> None:
    _team, mine, _new, _due_today = _four_cases(store)
    with store.read() as s:
        items = {i.key: i for i in queue_items(s, OFFICER, FRI_20_FEB)}
        work = work_list(s, OFFICER, items["overdue"].case_filter, FRI_20_FEB, limit=1)
    assert [w.reference for w in work.items] == [mine, "CW-2026-000005"]
    assert work.total == 3  # the restricted compliment's passing-on is overdue too
