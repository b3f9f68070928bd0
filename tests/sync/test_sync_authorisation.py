"""Third-party authorisations travel both ways: recorded, expired and withdrawn (revoked) on a
replica reach the server at push, replayed through the authorisation service; done on the
server they reach the replica at pull. The server is a real PostgreSQL, replicas SQLite.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from casework import representative
from sqlalchemy import select
from sync_world import TODAY, Server

from caseworker.services.authorisation import (
    add_representative,
    expire_authorisation,
    expire_authorisations,
    record_authorisation,
    revoke_authorisation,
)
from caseworker.sync.replica import identity, sync
from db.models import AuditEvent, Case, CaseParty, OutboxEntry, SyncConflict, SyncIngest
from db.store import Store

GIVEN = date(2026, 5, 28)
EXPIRES = date(2026, 6, 30)
LATER = date(2026, 7, 1)  # the day after it runs out


def _ref(server: Server, name: str) -> str:
    with server.store.read() as s:
        return str(s.scalar(select(Case.reference).where(Case.resident_name == name)))


def _do(store: Store, server: Server, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    with store.write() as s:
        return fn(s, server.actor(kwargs.pop("who", "olly")), *args, **kwargs)


def _authorised(**fields: Any) -> Any:
    values = {
        "auth_state": "authorised",
        "auth_method": "signed-form",
        "auth_received_on": GIVEN,
        "auth_expires": EXPIRES,
    }
    return representative(**{**values, **fields})


def _auth(store: Store, party_id: str) -> tuple[Any, ...]:
    with store.read() as s:
        p = s.get(CaseParty, party_id)
        assert p is not None
        return (p.auth_state, p.auth_method, p.auth_received_on, p.auth_expires, p.auth_revoked_on)


def _events(store: Store, reference: str) -> list[tuple[str, str, dict[str, Any]]]:
    with store.read() as s:
        case_id = s.scalar(select(Case.id).where(Case.reference == reference))
        rows = s.execute(
            select(AuditEvent.action, AuditEvent.actor, AuditEvent.changes)
            .where(AuditEvent.case_id == case_id)
            .order_by(AuditEvent.seq)
        ).all()
    return [(a, who, dict(changes)) for a, who, changes in rows]


def test_an_authorisation_made_offline_its_expiry_and_its_withdrawal_reach_the_server(
    server: Server, replica: Callable[..., Store]
) -> None:
    ann, bob = _ref(server, "Ann Server"), _ref(server, "Bob Server")
    pc = replica("pc.sqlite")
    party = _do(pc, server, add_representative, ann, representative(), expected_version=None).id
    _do(
        pc, server, record_authorisation, ann, party, method="signed-form", received_on=GIVEN,
        scope="this-complaint", expires=EXPIRES, expected_version=None, today=TODAY,
    )  # fmt: skip
    done = sync(pc, server.store, today=TODAY)
    assert (done.pushed, done.conflicts) == (2, 0)
    assert _auth(server.store, party) == ("authorised", "signed-form", GIVEN, EXPIRES, None)

    with pc.write() as s:  # a day after it ran out, on the PC
        assert expire_authorisations(s, server.actor("olly"), today=LATER) == 1
    with pc.read() as s:
        entry = s.scalars(select(OutboxEntry).order_by(OutboxEntry.device_seq.desc())).first()
        assert entry is not None
        states = (entry.base_values["auth_state"], entry.after_values["auth_state"])
        assert (entry.action, states) == ("expire-authorisation", ("authorised", "expired"))
    done = sync(pc, server.store, today=LATER)
    assert (done.pushed, done.conflicts) == (1, 0)
    assert _auth(server.store, party) == ("expired", "signed-form", GIVEN, EXPIRES, None)
    assert _events(server.store, ann)[-1] == (
        "expire-authorisation", "Olly Officer", {"party": party, "expired": "2026-06-30"},
    )  # fmt: skip

    withdrawn = _do(pc, server, add_representative, bob, _authorised(), expected_version=None).id
    _do(
        pc, server, revoke_authorisation, bob, withdrawn, revoked_on=LATER,
        expected_version=None, today=LATER,
    )  # fmt: skip
    done = sync(pc, server.store, today=LATER)
    assert (done.pushed, done.conflicts) == (2, 0)
    assert _auth(server.store, withdrawn) == ("revoked", "signed-form", GIVEN, EXPIRES, LATER)
    assert _auth(pc, withdrawn) == ("revoked", "signed-form", GIVEN, EXPIRES, LATER)


def test_an_authorisation_its_expiry_and_its_withdrawal_on_the_server_reach_the_replica(
    server: Server, replica: Callable[..., Store]
) -> None:
    ann, bob = _ref(server, "Ann Server"), _ref(server, "Bob Server")
    pc = replica("pc.sqlite")
    expiring = _do(
        server.store, server, add_representative, ann, _authorised(), expected_version=None
    ).id
    withdrawn = _do(
        server.store, server, add_representative, bob, _authorised(auth_expires=None),
        expected_version=None,
    ).id  # fmt: skip
    done = sync(pc, server.store, today=TODAY)
    assert (done.pushed, done.pulled) == (0, 2)
    assert _auth(pc, expiring) == ("authorised", "signed-form", GIVEN, EXPIRES, None)
    assert _auth(pc, withdrawn) == ("authorised", "signed-form", GIVEN, None, None)

    with server.store.write() as s:
        assert expire_authorisations(s, server.actor("olly"), today=LATER) == 1
    _do(
        server.store, server, revoke_authorisation, bob, withdrawn, revoked_on=LATER,
        expected_version=None, today=LATER,
    )  # fmt: skip
    done = sync(pc, server.store, today=LATER)
    assert (done.pushed, done.pulled, done.conflicts) == (0, 2, 0)
    assert _auth(pc, expiring) == ("expired", "signed-form", GIVEN, EXPIRES, None)
    assert _auth(pc, withdrawn) == ("revoked", "signed-form", GIVEN, None, LATER)


def test_the_same_expiry_on_both_sides_is_taken_without_a_conflict(
    server: Server, replica: Callable[..., Store]
) -> None:
    ann = _ref(server, "Ann Server")
    party = _do(server.store, server, add_representative, ann, _authorised(), expected_version=None)
    pc = replica("pc.sqlite")  # holds the authorisation as the server gave it
    for store in (pc, server.store):
        _do(store, server, expire_authorisation, ann, party.id, today=LATER)
    done = sync(pc, server.store, today=LATER)
    assert (done.pushed, done.conflicts) == (1, 0)
    assert _auth(server.store, party.id) == ("expired", "signed-form", GIVEN, EXPIRES, None)
    actions = [(a, who) for a, who, _c in _events(server.store, ann)]
    assert (
        actions[-2:]
        == [
            ("expire-authorisation", "Olly Officer"),  # the server's own, once
            ("sync-same-change", f"Sync from device {_device(pc)[:8]}"),
        ]
    )
    with server.store.read() as s:
        assert s.scalars(select(SyncIngest.outcome)).all() == ["applied"]
        assert s.scalars(select(SyncConflict)).all() == []


def test_an_expiry_made_offline_after_the_server_renewed_it_is_a_conflict(
    server: Server, replica: Callable[..., Store]
) -> None:
    ann = _ref(server, "Ann Server")
    party = _do(server.store, server, add_representative, ann, _authorised(), expected_version=None)
    pc = replica("pc.sqlite")
    _do(
        server.store, server, record_authorisation, ann, party.id, method="signed-form",
        received_on=date(2026, 6, 29), scope="all-matters", expires=date(2027, 6, 30),
        expected_version=None, today=date(2026, 6, 29),
    )  # fmt: skip
    _do(pc, server, expire_authorisation, ann, party.id, today=LATER)
    done = sync(pc, server.store, today=LATER)
    assert (done.pushed, done.conflicts) == (1, 1)
    assert _auth(server.store, party.id) == (
        "authorised", "signed-form", date(2026, 6, 29), date(2027, 6, 30), None,
    )  # fmt: skip
    with server.store.read() as s:
        conflict = s.scalars(select(SyncConflict)).one()
        assert (conflict.field, conflict.action, conflict.server_value) == (
            "(action)",
            "expire-authorisation",
            "The authorisation for J. Smith runs until 2027-06-30: it has not expired",
        )


def _device(store: Store) -> str:
    with store.read() as s:
        me = identity(s)
        assert me is not None
        return me.device_id
