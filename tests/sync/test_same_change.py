"""The same change made on the PC and on the server merges silently: no conflict, one row.

The same two cases linked, the same person added as a representative, the same
acknowledgement, the same extension. Different values on the two sides still make a conflict.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from casework import representative
from sqlalchemy import func, select
from sync_world import TODAY, Server

from caseworker.services.authorisation import add_representative
from caseworker.services.records import link_cases
from caseworker.services.stages import Definition, acknowledge, extend
from caseworker.sync.replica import sync
from db.models import AuditEvent, Case, CaseLink, CaseParty, SyncConflict, SyncIngest
from db.store import Store

DEFINITION = Definition(points=("Damp in the bedroom",), outcomes_sought="A dry bedroom")


def _ref(server: Server, name: str) -> str:
    with server.store.read() as s:
        return str(s.scalar(select(Case.reference).where(Case.resident_name == name)))


def _on_both(pc: Store, server: Server, fn: Callable[..., Any], *args: Any, **kw: Any) -> None:
    for store in (pc, server.store):
        with store.write() as s:
            fn(s, server.actor("olly"), *args, **kw)


def _count(store: Store, model: type[Any], *where: Any) -> int:
    with store.read() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _actions(store: Store, reference: str) -> list[str]:
    with store.read() as s:
        case_id = s.scalar(select(Case.id).where(Case.reference == reference))
        stmt = select(AuditEvent.action).where(AuditEvent.case_id == case_id)
        return list(s.scalars(stmt.order_by(AuditEvent.seq)))


def _taken_silently(server: Server, pushed: int) -> None:
    with server.store.read() as s:
        assert s.scalars(select(SyncIngest.outcome)).all() == ["applied"] * pushed
        assert s.scalars(select(SyncConflict)).all() == []


def test_the_same_two_cases_linked_on_both_sides_make_one_link(
    server: Server, replica: Callable[..., Store]
) -> None:
    ann, bob = _ref(server, "Ann Server"), _ref(server, "Bob Server")
    pc = replica("pc.sqlite")
    _on_both(pc, server, link_cases, ann, bob, reason="Same roof", expected_version=None)
    done = sync(pc, server.store, today=TODAY)
    assert (done.pushed, done.conflicts) == (1, 0)
    _taken_silently(server, 1)
    for store in (server.store, pc):  # one link each way, on both sides after the pull
        with store.read() as s:
            links = s.execute(select(CaseLink.case_id, CaseLink.linked_case_id)).all()
            ids = {ref: cid for ref, cid in s.execute(select(Case.reference, Case.id))}
        assert sorted(links) == sorted([(ids[ann], ids[bob]), (ids[bob], ids[ann])])
    assert _actions(server.store, ann)[-2:] == ["link-case", "sync-same-change"]


def test_the_same_person_added_as_representative_on_both_sides_is_one_party(
    server: Server, replica: Callable[..., Store]
) -> None:
    ann, bob = _ref(server, "Ann Server"), _ref(server, "Bob Server")
    with server.store.write() as s:  # J. Smith already acts for Ann: a person both sides know
        first = add_representative(
            s, server.actor("olly"), ann, representative(), expected_version=None
        )
        person_id = first.person_id
    pc = replica("pc.sqlite")
    again = representative(person=None, person_id=person_id)
    _on_both(pc, server, add_representative, bob, again, expected_version=None)
    done = sync(pc, server.store, today=TODAY)
    assert (done.pushed, done.conflicts) == (1, 0)
    _taken_silently(server, 1)
    for store in (server.store, pc):
        with store.read() as s:
            bob_id = s.scalar(select(Case.id).where(Case.reference == bob))
        mine = (CaseParty.case_id == bob_id, CaseParty.person_id == person_id)
        assert _count(store, CaseParty, *mine) == 1


def test_the_same_acknowledgement_and_extension_on_both_sides_are_taken_once(
    server: Server, replica: Callable[..., Store]
) -> None:
    ann = _ref(server, "Ann Server")
    pc = replica("pc.sqlite")
    _on_both(
        pc, server, acknowledge, ann, acknowledged=TODAY, definition=DEFINITION,
        handler="Olly Officer", expected_version=None, today=TODAY,
    )  # fmt: skip
    _on_both(
        pc, server, extend, ann, days=5, reason="Waiting for a survey", told_on=TODAY,
        expected_version=None, today=TODAY,
    )  # fmt: skip
    done = sync(pc, server.store, today=TODAY)
    assert (done.pushed, done.conflicts) == (2, 0)
    _taken_silently(server, 2)
    with server.store.read() as s:
        case = s.scalar(select(Case).where(Case.reference == ann))
        assert case is not None
        assert (case.status, case.acknowledged) == ("stage-1", TODAY)
        assert [(e.days, e.reason) for e in case.extensions] == [(5, "Waiting for a survey")]
    assert _actions(server.store, ann)[-4:] == [
        "acknowledge", "extend", "sync-same-change", "sync-same-change",
    ]  # fmt: skip


def test_different_values_on_the_two_sides_still_make_a_conflict(
    server: Server, replica: Callable[..., Store]
) -> None:
    ann = _ref(server, "Ann Server")
    with server.store.write() as s:
        acknowledge(
            s, server.actor("olly"), ann, acknowledged=TODAY, definition=DEFINITION,
            handler="Olly Officer", expected_version=None, today=TODAY,
        )  # fmt: skip
    pc = replica("pc.sqlite")
    for store, days in ((pc, 10), (server.store, 5)):
        with store.write() as s:
            extend(
                s, server.actor("olly"), ann, days=days, reason="Waiting for a survey",
                told_on=TODAY, expected_version=None, today=TODAY,
            )  # fmt: skip
    done = sync(pc, server.store, today=TODAY)
    assert (done.pushed, done.conflicts) == (1, 1)
    with server.store.read() as s:
        conflict = s.scalars(select(SyncConflict)).one()
        assert (conflict.field, conflict.server_value, conflict.replica_value) == (
            "extensions",
            [[1, 5, "Waiting for a survey", False, "2026-06-01"]],
            [[1, 10, "Waiting for a survey", False, "2026-06-01"]],
        )


def test_an_acknowledgement_with_other_complaint_points_is_not_taken_as_the_same(
    server: Server, replica: Callable[..., Store]
) -> None:
    ann = _ref(server, "Ann Server")
    pc = replica("pc.sqlite")
    for store, point in ((pc, "Damp in the bedroom"), (server.store, "Mould in the kitchen")):
        with store.write() as s:
            acknowledge(
                s, server.actor("olly"), ann, acknowledged=TODAY,
                definition=Definition(points=(point,), outcomes_sought="A dry bedroom"),
                handler="Olly Officer", expected_version=None, today=TODAY,
            )  # fmt: skip
    done = sync(pc, server.store, today=TODAY)
    assert (done.pushed, done.conflicts) == (1, 1)  # the PC's points are kept, not dropped
    with server.store.read() as s:
        conflict = s.scalars(select(SyncConflict)).one()
        assert (conflict.field, conflict.action) == ("(action)", "acknowledge")
        case = s.scalar(select(Case).where(Case.reference == ann))
        assert case is not None and [p.text for p in case.points] == ["Mould in the kitchen"]
    assert "sync-same-change" not in _actions(server.store, ann)
