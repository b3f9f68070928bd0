"""Resolving sync conflicts (issue 13): an officer's audited choice, on the server or a replica.

Against a real PostgreSQL server, with replicas made as in ``test_sync_replicas``: the
acknowledgement date changed on both sides (the server's 27 May kept, the replica's 28 May in
the conflict), and an acknowledgement the server refused because its officer was demoted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from sync_world import (
    ACKNOWLEDGED_REPLICA,
    ACKNOWLEDGED_SERVER,
    TODAY,
    Server,
    acknowledge_on,
    cli,
    references,
    replica_by_command,
    server,
    set_role,
    sync_json,
)

from caseworker.services.actor import Role
from caseworker.services.errors import NotAllowed, StaleCase
from caseworker.sync.conflicts import list_conflicts
from caseworker.sync.resolve import resolve_conflict
from db.models import AuditEvent, Case, OutboxEntry, SyncConflict
from db.store import Store, open_store

__all__ = ["server"]  # a fixture, used by name


@pytest.fixture
def empty_store(template_store: Path, tmp_path: Path) -> Callable[[str], Path]:
    """A new, empty store file of that name (a copy of the migrated template)."""

    def make(name: str) -> Path:
        path = tmp_path / name
        path.write_bytes(template_store.read_bytes())
        return path

    return make


def _acknowledged_offline(
    server: Server,
    path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    """A replica made with the command in ``path``; Olly acknowledges the server's first
    complaint on it (28 May), not yet synced. Returns its reference."""
    replica_by_command(capsys, monkeypatch, server, path)
    ref = references(server.store)[0]
    replica = open_store(path)
    try:
        acknowledge_on(replica, server.actor("olly"), ref, ACKNOWLEDGED_REPLICA)
    finally:
        replica.close()
    return ref


def _field_conflict(
    server: Server,
    path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[str, str]:
    """The same complaint acknowledged on both sides on different days, synced: (ref, id)."""
    ref = _acknowledged_offline(server, path, capsys, monkeypatch)
    acknowledge_on(server.store, server.actor("ada"), ref, ACKNOWLEDGED_SERVER)
    code, result, err = sync_json(capsys, monkeypatch, path)
    assert code == 0 and result is not None and result["conflicts"] == 1, err
    with server.store.read() as s:
        conflict = s.scalars(select(SyncConflict)).one()
        return ref, conflict.id


def _case(store: Store, ref: str) -> Case:
    with store.read() as s:
        case = s.scalar(select(Case).where(Case.reference == ref))
        assert case is not None
        s.expunge(case)
        return case


def _last_event(store: Store, action: str) -> AuditEvent:
    with store.read() as s:
        event = s.scalar(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq.desc())
        )
        assert event is not None
        s.expunge(event)
        return event


def test_keeping_the_server_value_on_the_server_is_an_audited_choice(
    server: Server,
    empty_store: Callable[[str], Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = empty_store("replica.sqlite")
    ref, cid = _field_conflict(server, path, capsys, monkeypatch)
    version = _case(server.store, ref).version
    code, out, err = cli(
        capsys, monkeypatch, "olly", "--db", server.url, "conflicts", "resolve", cid,
        "--keep", "server", "--reason", "The letter went out on the 27th",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out == f"Conflict {cid} on {ref} (acknowledged): kept the server's value, 2026-05-27\n"
    case = _case(server.store, ref)
    assert (case.acknowledged, case.version) == (ACKNOWLEDGED_SERVER, version)  # unchanged
    event = _last_event(server.store, "resolve-conflict")
    assert (event.actor, event.role, event.case_id) == (
        "Olly Officer",
        "complaints-officer",
        case.id,
    )
    assert event.changes == {
        "conflict": cid,
        "reference": ref,
        "field": "acknowledged",
        "action": "acknowledge",
        "choice": "server",
        "value": "2026-05-27",
        "server_value": "2026-05-27",
        "replica_value": "2026-05-28",
        "replica_by": "Olly Officer",
        "device": event.changes["device"],
        "device_seq": 1,
        "reason": "The letter went out on the 27th",
    }
    with server.store.read() as s:
        row = s.get(SyncConflict, cid)
        assert row is not None
        assert (row.resolved_by, row.choice) == ("Olly Officer", "server")
        assert row.resolved_at is not None and event.changes["device"] == row.device_id
        day = row.resolved_at.strftime("%a %-d %b %Y")
    # Resolved once: again, or an unknown id, is one line and exit 2.
    code, out, err = cli(
        capsys, monkeypatch, "ada", "--db", server.url, "conflicts", "resolve", cid,
        "--keep", "replica",
    )  # fmt: skip
    assert (code, out) == (2, "")
    assert err == (
        f"caseworker: Conflict {cid} on {ref} was already resolved by Olly Officer on {day} "
        "(kept the server's value)\n"
    )
    assert _case(server.store, ref).acknowledged == ACKNOWLEDGED_SERVER
    code, out, err = cli(
        capsys, monkeypatch, "ada", "--db", server.url, "conflicts", "resolve", "nosuchid",
        "--keep", "server",
    )  # fmt: skip
    assert (code, out) == (2, "")
    assert err == (
        "caseworker: There is no conflict with id nosuchid "
        "(caseworker conflicts lists those to resolve)\n"
    )
    code, out, err = cli(capsys, monkeypatch, "ada", "--db", server.url, "conflicts")
    assert (code, out) == (0, "No conflicts to resolve.\n")
    # The replica learns of the choice at its next sync: nothing left to resolve there.
    code, out, err = cli(capsys, monkeypatch, "olly", "--db", str(path), "conflicts")
    assert "acknowledged (acknowledge)" in out  # not yet synced
    code, result, err = sync_json(capsys, monkeypatch, path)
    assert code == 0 and result is not None and result["pushed"] == 0, err
    code, out, err = cli(capsys, monkeypatch, "olly", "--db", str(path), "conflicts")
    assert (code, out) == (0, "No conflicts to resolve.\n")
    code, out, err = cli(
        capsys, monkeypatch, "olly", "--db", str(path), "conflicts", "--all", "--json"
    )
    (kept,) = json.loads(out)
    assert (kept["id"], kept["resolved"]) == (cid, True)


def test_taking_the_replica_value_corrects_the_field_and_advisors_may_not(
    server: Server,
    empty_store: Callable[[str], Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ref, cid = _field_conflict(server, empty_store("replica.sqlite"), capsys, monkeypatch)
    before = _case(server.store, ref)
    with server.store.write() as s, pytest.raises(NotAllowed) as refused:
        resolve_conflict(
            s, server.actor("amy"), ref, cid, keep="replica", expected_version=None, today=TODAY
        )
    assert str(refused.value) == (
        "Only a complaints officer, manager or administrator may resolve sync conflicts; "
        "you are signed in as an advisor"
    )
    with server.store.write() as s, pytest.raises(StaleCase) as stale:
        resolve_conflict(
            s,
            server.actor("olly"),
            ref,
            cid,
            keep="replica",
            expected_version=before.version - 1,
            today=TODAY,
        )
    assert str(stale.value).startswith("This case was changed by Ada Admin at ")
    with server.store.write() as s:
        done = resolve_conflict(
            s,
            server.actor("olly"),
            ref,
            cid,
            keep="replica",
            reason="She rang on the 28th",
            expected_version=before.version,
            today=TODAY,
        )
    case = _case(server.store, ref)
    assert (done.choice, done.value, done.version) == ("replica", "2026-05-28", case.version)
    assert case.version > before.version
    assert (case.acknowledged, case.status) == (ACKNOWLEDGED_REPLICA, "stage-1")
    assert case.updated_by == "Olly Officer"
    corrected = _last_event(server.store, "correct-fact")
    assert corrected.changes["acknowledged"] == ["2026-05-27", "2026-05-28"]
    assert corrected.changes["reason"] == (
        f"Sync conflict {cid}: this PC's value taken (She rang on the 28th)"
    )
    event = _last_event(server.store, "resolve-conflict")
    assert (event.changes["choice"], event.changes["value"], event.changes["reason"]) == (
        "replica",
        "2026-05-28",
        "She rang on the 28th",
    )
    assert corrected.seq < event.seq


def test_resolving_on_a_replica_is_an_intent_the_server_replays(
    server: Server,
    empty_store: Callable[[str], Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = empty_store("replica.sqlite")
    ref, cid = _field_conflict(server, path, capsys, monkeypatch)
    code, out, err = cli(
        capsys, monkeypatch, "olly", "--db", str(path), "conflicts", "resolve",
        cid, "--keep", "replica", "--reason", "Signed letter dated 28 May",
    )  # fmt: skip
    assert (code, err) == (0, ""), err
    assert out == f"Conflict {cid} on {ref} (acknowledged): took this PC's value, 2026-05-28\n"
    replica = open_store(path)
    try:
        assert _case(replica, ref).acknowledged == ACKNOWLEDGED_REPLICA
        with replica.read() as s:
            intent = s.scalars(select(OutboxEntry).where(OutboxEntry.pushed_at.is_(None))).one()
            assert (intent.action, intent.username) == ("resolve-conflict", "olly")
            assert intent.args["args"] == [ref, cid]
            assert intent.args["kwargs"]["keep"] == "replica"
        assert _case(server.store, ref).acknowledged == ACKNOWLEDGED_SERVER  # not yet synced
        code, result, err = sync_json(capsys, monkeypatch, path)
        assert (code, err) == (0, "")
        assert result is not None and (result["pushed"], result["conflicts"]) == (1, 0)
        case = _case(server.store, ref)
        assert (case.acknowledged, case.updated_by) == (ACKNOWLEDGED_REPLICA, "Olly Officer")
        with server.store.read() as s:
            row = s.get(SyncConflict, cid)
            assert row is not None and (row.resolved_by, row.choice) == ("Olly Officer", "replica")
            assert list_conflicts(s, server.actor("ada")) == []
        event = _last_event(server.store, "resolve-conflict")
        assert (event.actor, event.changes["reason"]) == (
            "Olly Officer",
            "Signed letter dated 28 May",
        )
        assert _case(replica, ref).acknowledged == ACKNOWLEDGED_REPLICA  # pulled back
        code, out, err = cli(capsys, monkeypatch, "ada", "--db", server.url, "audit", "verify")
        assert code == 0, out + err
    finally:
        replica.close()


def _refused_acknowledgement(
    server: Server,
    path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[str, str]:
    """Olly acknowledges offline, is made an advisor on the server, the replica syncs."""
    ref = _acknowledged_offline(server, path, capsys, monkeypatch)
    set_role(server, "olly", Role.ADVISOR)
    code, result, err = sync_json(capsys, monkeypatch, path, user="ada")
    assert code == 0 and result is not None and result["conflicts"] == 1, err
    with server.store.read() as s:
        conflict = s.scalars(select(SyncConflict)).one()
        assert conflict.field == "(action)"
        return ref, conflict.id


def test_a_refused_action_taken_from_the_replica_is_done_again_by_the_officer(
    server: Server,
    empty_store: Callable[[str], Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ref, cid = _refused_acknowledgement(server, empty_store("replica.sqlite"), capsys, monkeypatch)
    code, out, err = cli(capsys, monkeypatch, "ada", "--db", server.url, "conflicts", "--json")
    (listed,) = json.loads(out)
    assert listed["replica"]["value"]["args"]["kwargs"]["acknowledged"] == {
        "__date__": "2026-05-28"
    }
    code, out, err = cli(
        capsys, monkeypatch, "ada", "--db", server.url, "conflicts", "resolve", cid,
        "--keep", "replica", "--reason", "Olly acknowledged it before his role changed",
        "--today", "2026-06-01",
    )  # fmt: skip
    assert (code, err) == (0, ""), err
    assert out == (
        f"Conflict {cid} on {ref} ((action)): took this PC's value, acknowledge: "
        "status stage-1, acknowledged 2026-05-28, stage1 handler id "
        f"{listed['replica']['value']['after']['stage1_handler_id']}, outcomes sought A dry "
        "roof, responsible for , not responsible for \n"
    )
    case = _case(server.store, ref)
    assert (case.status, case.acknowledged, case.updated_by) == (
        "stage-1",
        ACKNOWLEDGED_REPLICA,
        "Ada Admin",
    )
    assert _last_event(server.store, "acknowledge").actor == "Ada Admin"
    assert _last_event(server.store, "resolve-conflict").changes["choice"] == "replica"


def test_a_refused_action_the_case_has_moved_past_is_refused_again_and_stays_open(
    server: Server,
    empty_store: Callable[[str], Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ref, cid = _refused_acknowledgement(server, empty_store("replica.sqlite"), capsys, monkeypatch)
    code, out, err = cli(
        capsys, monkeypatch, "olly", "--db", server.url, "conflicts", "resolve", cid,
        "--keep", "server",
    )  # fmt: skip
    assert (code, out) == (2, "")
    assert err == (
        "caseworker: Only a complaints officer, manager or administrator may resolve sync "
        "conflicts; you are signed in as an advisor\n"
    )
    acknowledge_on(server.store, server.actor("ada"), ref, ACKNOWLEDGED_SERVER)
    version = _case(server.store, ref).version
    code, out, err = cli(
        capsys, monkeypatch, "ada", "--db", server.url, "conflicts", "resolve", cid,
        "--keep", "replica",
    )  # fmt: skip
    assert (code, out) == (2, "")
    assert err == (
        f"caseworker: Cannot acknowledge: case {ref} is a complaint (Stage 1); only a logged "
        "complaint is acknowledged at Stage 1\n"
    )
    case = _case(server.store, ref)
    assert (case.acknowledged, case.version) == (ACKNOWLEDGED_SERVER, version)
    with server.store.read() as s:
        row = s.get(SyncConflict, cid)
        assert row is not None and row.resolved_at is None and row.choice == ""
    code, out, err = cli(
        capsys, monkeypatch, "ada", "--db", server.url, "conflicts", "resolve", cid,
        "--keep", "server", "--reason", "Acknowledged here on the 27th",
    )  # fmt: skip
    assert code == 0 and out.startswith(f"Conflict {cid} on {ref} ((action)): kept the server")
