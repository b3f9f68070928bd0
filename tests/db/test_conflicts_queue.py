"""The work queue's "Conflicts to resolve" and resolving on either engine (issue 13).

Conflict rows are written as sync leaves them; the choice goes through the real service, on
SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from casework import OFFICER, TODAY, acknowledge, load, log
from sqlalchemy import select

from caseworker.domain.errors import InvalidInput
from caseworker.services.actor import Actor, Role
from caseworker.services.work_queue import conflicts_item, work_list
from caseworker.sync.conflicts import list_conflicts
from caseworker.sync.resolve import resolve_conflict
from db.models import AuditEvent, SyncConflict
from db.store import Store

ADVISOR = Actor("amy", "Amy Advisor", Role.ADVISOR)
RESTRICTED_OFFICER = Actor("asmith", "A. Smith", Role.OFFICER)  # given access (the default)
UNTRUSTED = Actor("bbrown", "B. Brown", Role.OFFICER, restricted_access=False)


def _conflict(store: Store, reference: str, seq: int, field: str = "acknowledged") -> str:
    case = load(store, reference)
    with store.write() as s:
        row = SyncConflict(
            case_id=case.id,
            reference=reference,
            field=field,
            server_value="2026-02-04",
            replica_value="2026-02-05",
            server_by="A. Smith",
            server_at=datetime(2026, 2, 4, 9, 0),
            replica_by="Olly Officer",
            replica_at=datetime(2026, 2, 5, 11, 15),
            device_id="e" * 32,
            device_seq=seq,
            action="acknowledge",
            resolved_by="",
            choice="",
        )
        s.add(row)
        s.flush()
        return row.id


def test_flagged_cases_are_counted_for_those_who_may_see_them(store: Store) -> None:
    plain, secret = log(store), log(store, restricted=True)
    log(store)  # a case with no conflict: not in the count
    with store.read() as s:
        assert conflicts_item(s, OFFICER) is None  # nothing flagged: no such count
    for ref in (plain, secret):
        acknowledge(store, ref)
    first = _conflict(store, plain, 1)
    second = _conflict(store, plain, 2, field="stage1_handler_id")
    _conflict(store, secret, 3)
    with store.read() as s:
        item = conflicts_item(s, UNTRUSTED)
        assert item is not None
        assert (item.key, item.title, item.count) == ("conflicts", "Conflicts to resolve", 1)
        assert [w.reference for w in work_list(s, UNTRUSTED, item.case_filter, TODAY).items] == [
            plain
        ]
        seen = conflicts_item(s, RESTRICTED_OFFICER)
        assert seen is not None and seen.count == 2
        assert [c.reference for c in list_conflicts(s, UNTRUSTED)] == [plain, plain]
    with store.write() as s:
        done = resolve_conflict(
            s, OFFICER, plain, first, keep="server", expected_version=None, today=TODAY
        )
    assert (done.choice, done.value, done.resolved_by) == ("server", "2026-02-04", "A. Smith")
    with store.write() as s:
        resolve_conflict(
            s,
            OFFICER,
            plain,
            second,
            keep="server",
            reason="Handler stays",
            expected_version=None,
            today=TODAY,
        )
    with store.read() as s:
        item = conflicts_item(s, UNTRUSTED)
        assert item is not None and item.count == 0  # only the restricted one is left
        events = list(s.scalars(select(AuditEvent).where(AuditEvent.action == "resolve-conflict")))
        assert [(e.changes["field"], e.changes["reason"]) for e in events] == [
            ("acknowledged", ""),
            ("stage1_handler_id", "Handler stays"),
        ]


def test_a_conflict_on_a_restricted_case_is_no_conflict_to_those_without_access(
    store: Store,
) -> None:
    secret = log(store, restricted=True)
    acknowledge(store, secret)
    cid = _conflict(store, secret, 1)
    with store.write() as s, pytest.raises(InvalidInput) as refused:
        resolve_conflict(
            s, UNTRUSTED, secret, cid, keep="server", expected_version=None, today=TODAY
        )
    assert str(refused.value) == (
        f"There is no conflict with id {cid} (caseworker conflicts lists those to resolve)"
    )
    with store.write() as s, pytest.raises(InvalidInput) as wrong_case:
        resolve_conflict(
            s,
            RESTRICTED_OFFICER,
            "CW-2026-999999",
            cid,
            keep="server",
            expected_version=None,
            today=TODAY,
        )
    assert str(wrong_case.value) == f"Conflict {cid} is not on case CW-2026-999999"
    with store.write() as s, pytest.raises(InvalidInput) as bad_choice:
        resolve_conflict(
            s, RESTRICTED_OFFICER, secret, cid, keep="both", expected_version=None, today=TODAY
        )
    assert str(bad_choice.value) == "Choose which value to keep: server or replica, not 'both'"
    with store.read() as s:
        row = s.get(SyncConflict, cid)
        assert row is not None and row.resolved_at is None
