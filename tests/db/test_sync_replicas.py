"""Offline replicas against a real PostgreSQL server (issue 13, first part).

Two replicas are made from a server with ``caseworker replica create``; contacts are logged on
each while the server cannot be reached (the replica's server address points at a closed
port), ``sync`` is refused cleanly, then both sync and the server holds every record once.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from casework import new_record, person
from sqlalchemy import func, select
from sync_world import (
    ACKNOWLEDGED_REPLICA,
    ACKNOWLEDGED_SERVER,
    TODAY,
    Server,
    acknowledge_on,
    cli,
    closed_port_url,
    point_at,
    references,
    replica_by_command,
    server,
    set_role,
    sync_json,
)

from caseworker.services.actor import Role
from caseworker.services.intake import log_record
from caseworker.services.records import add_note
from caseworker.services.stages import Definition
from db.models import AuditEvent, Case, Note, OutboxEntry, SyncConflict, SyncIngest, User
from db.store import Store, open_store

__all__ = ["server"]  # a fixture (sync_world), used by name


@dataclass
class Replica:
    path: Path
    store: Store
    first: str  # the reference of the server's first case (a Bolsover case it holds)


@pytest.fixture
def make_replica(
    server: Server,
    tmp_path: Path,
    template_store: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[..., Replica]]:
    """``make_replica(name, empty=True)``: a Bolsover replica made with the command, in a copy
    of the migrated empty template (``empty=False``: a new file the command makes), opened."""
    made: list[Store] = []

    def make(name: str, *, empty: bool = True) -> Replica:
        path = tmp_path / name
        if empty:  # making the schema anew for every replica would only slow the tests
            path.write_bytes(template_store.read_bytes())
        replica_by_command(capsys, monkeypatch, server, path, "Bolsover")
        store = open_store(path)
        made.append(store)
        return Replica(path, store, references(server.store)[0])

    yield make
    for store in made:
        store.close()


def test_two_replicas_work_offline_and_sync_every_record_once(
    server: Server,
    make_replica: Callable[..., Replica],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One replica in a new file (the command makes the store), one in an empty store.
    ra = make_replica("bolsover.sqlite", empty=False)
    rb = make_replica("bolsover-laptop.sqlite")
    a, b, a_path, b_path = ra.store, rb.store, ra.path, rb.path
    # Each replica holds the site's two open cases, as the server has them: not
    # Shirebrook's, nor the restricted one (CW-2026-000004).
    server_refs = references(server.store)
    assert len(server_refs) == 4
    assert references(a) == references(b) == server_refs[:2]
    with a.read() as s:
        held = s.scalar(select(Case).where(Case.reference == server_refs[0]))
        assert held is not None and held.resident_name == "Ann Server"
        assert s.scalar(select(func.count()).select_from(User)) == 3

    offline = closed_port_url(server.url)
    point_at(a_path, offline)
    point_at(b_path, offline)
    amy = server.actor("amy")
    with a.write() as s:
        a1 = log_record(
            s,
            amy,
            new_record(received=TODAY, site="Bolsover", complainants=(person("Dee Offline"),)),
            today=TODAY,
        )
        a1_ref, a1_id = a1.reference, a1.id
    with a.write() as s:
        note = add_note(
            s,
            amy,
            server_refs[0],
            text="Rang back from the contact centre",
            expected_version=None,
        )
        note_id = note.id
    with a.write() as s:
        add_note(s, amy, a1_ref, text="Leak photographed", expected_version=None)
    with b.write() as s:
        b1_ref = log_record(
            s,
            amy,
            new_record(received=TODAY, site="Bolsover", complainants=(person("Eve Laptop"),)),
            today=TODAY,
        ).reference
    # References come from each device's own block: never the same number twice.
    assert len({a1_ref, b1_ref, *server_refs}) == 6

    code, result, err = sync_json(capsys, monkeypatch, a_path)
    assert code == 3 and result is None
    assert err.count("\n") == 1 and "Cannot reach the server" in err and "3 change(s) wait" in err
    with a.read() as s:
        assert (
            s.scalar(
                select(func.count()).select_from(OutboxEntry).where(OutboxEntry.pushed_at.is_(None))
            )
            == 3
        )

    point_at(a_path, server.url)
    point_at(b_path, server.url)
    code, result, err = sync_json(capsys, monkeypatch, a_path)
    assert code == 0, err
    assert result is not None and result["pushed"] == 3 and result["conflicts"] == 0
    code, result_b, err = sync_json(capsys, monkeypatch, b_path)
    assert code == 0, err
    # B sent its contact and took A's (the site's open cases changed on the server).
    assert result_b is not None and result_b["pushed"] == 1 and result_b["conflicts"] == 0
    # Pulled: A's new case, the case A added a note to, and B's own as the server took it.
    assert result_b["pulled"] == 3

    with server.store.read() as s:
        refs = list(s.scalars(select(Case.reference)))
        assert sorted(refs) == sorted([*server_refs, a1_ref, b1_ref])  # each once
        made = s.scalar(select(Case).where(Case.reference == a1_ref))
        assert made is not None and made.id == a1_id  # the same key everywhere
        assert made.resident_name == "Dee Offline" and made.updated_by == "Amy Advisor"
        notes = s.execute(select(Note.id, Note.text)).all()
        assert sorted(t for _i, t in notes) == [
            "Leak photographed",
            "Rang back from the contact centre",
        ]
        assert note_id in {i for i, _t in notes}
        assert s.scalar(select(func.count()).select_from(SyncIngest)) == 4
    code, out, err = cli(capsys, monkeypatch, "ada", "--db", server.url, "audit", "verify")
    assert code == 0 and out.startswith("Audit trail intact"), (out, err)
    code, out, err = cli(capsys, monkeypatch, "ada", "--db", str(a_path), "audit", "verify")
    assert code == 0 and out.startswith("Audit trail intact"), (out, err)  # its own chain

    # After the second sync every replica holds what the server holds for its site.
    code, again, err = sync_json(capsys, monkeypatch, a_path)
    assert code == 0 and again is not None and again["pushed"] == 0 and again["conflicts"] == 0
    assert (
        references(a) == references(b) == sorted([server_refs[0], server_refs[1], a1_ref, b1_ref])
    )
    with b.read() as s:
        texts = sorted(s.scalars(select(Note.text)))
        assert texts == ["Leak photographed", "Rang back from the contact centre"]


def test_the_same_field_changed_on_both_sides_keeps_the_server_value_and_one_conflict(
    server: Server,
    make_replica: Callable[..., Replica],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made = make_replica("replica.sqlite")
    path, replica, ref = made.path, made.store, made.first
    acknowledge_on(replica, server.actor("olly"), ref, ACKNOWLEDGED_REPLICA)
    acknowledge_on(server.store, server.actor("ada"), ref, ACKNOWLEDGED_SERVER)
    code, result, err = sync_json(capsys, monkeypatch, path)
    assert code == 0, err
    assert result is not None and result["pushed"] == 1 and result["conflicts"] == 1
    with server.store.read() as s:
        case = s.scalar(select(Case).where(Case.reference == ref))
        assert case is not None and case.acknowledged == ACKNOWLEDGED_SERVER  # server's kept
        rows = s.scalars(select(SyncConflict)).all()
        assert [
            (c.reference, c.field, c.server_value, c.replica_value, c.server_by, c.replica_by)
            for c in rows
        ] == [(ref, "acknowledged", "2026-05-27", "2026-05-28", "Ada Admin", "Olly Officer")]
    with replica.read() as s:  # the replica now shows the server's value, and the conflict
        case = s.scalar(select(Case).where(Case.reference == ref))
        assert case is not None and case.acknowledged == ACKNOWLEDGED_SERVER
    code, out, err = cli(capsys, monkeypatch, "olly", "--db", str(path), "conflicts", "--json")
    assert code == 0, err
    listed = json.loads(out)
    assert [
        (c["reference"], c["field"], c["server"]["value"], c["replica"]["value"]) for c in listed
    ] == [(ref, "acknowledged", "2026-05-27", "2026-05-28")]
    code, out, err = cli(capsys, monkeypatch, "ada", "--db", server.url, "conflicts")
    assert code == 0 and f"{ref}  acknowledged (acknowledge)" in out
    assert "server:  2026-05-27  (Ada Admin" in out and "replica: 2026-05-28  (Olly Officer" in out


def test_an_action_the_server_no_longer_allows_is_a_conflict_and_the_batch_goes_on(
    server: Server,
    make_replica: Callable[..., Replica],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made = make_replica("replica.sqlite")
    path, replica, ref = made.path, made.store, made.first
    olly = server.actor("olly")
    damp = Definition(points=("Damp",), outcomes_sought="No more damp")
    acknowledge_on(replica, olly, ref, ACKNOWLEDGED_REPLICA, damp)
    with replica.write() as s:
        add_note(s, olly, ref, text="Visited", expected_version=None)
    set_role(server, "olly", Role.ADVISOR)  # meanwhile Olly is made an advisor on the server
    code, result, err = sync_json(capsys, monkeypatch, path, user="ada")
    assert code == 0, err
    assert result is not None and result["pushed"] == 2 and result["conflicts"] == 1
    with server.store.read() as s:
        case = s.scalar(select(Case).where(Case.reference == ref))
        assert case is not None and case.status == "logged" and case.acknowledged is None
        assert list(s.scalars(select(Note.text))) == ["Visited"]  # advisors may add notes
        conflict = s.scalars(select(SyncConflict)).one()
        assert conflict.field == "(action)" and conflict.action == "acknowledge"
        assert conflict.server_value == (
            "Only a complaints officer, manager or administrator may acknowledge "
            "complaints; you are signed in as an advisor"
        )


def test_a_batch_pushed_twice_changes_nothing(
    server: Server,
    tmp_path: Path,
    make_replica: Callable[..., Replica],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    whitwell = tmp_path / "whitwell.sqlite"
    code, out, err = cli(
        capsys, monkeypatch, "ada", "--db", str(whitwell), "replica", "create",
        "--server", server.url, "--site", "Whitwell",
    )  # fmt: skip
    assert (code, out) == (2, "")
    assert (
        err
        == "caseworker: The server has no site called 'Whitwell' (sites: Bolsover, Shirebrook)\n"
    )
    assert not whitwell.exists()  # the new file it began is taken away again
    made = make_replica("replica.sqlite")
    path, replica = made.path, made.store
    amy = server.actor("amy")
    with replica.write() as s:
        ref = log_record(s, amy, new_record(received=TODAY, site="Bolsover"), today=TODAY).reference
    with replica.write() as s:
        add_note(s, amy, ref, text="Called back", expected_version=None)
    code, result, err = sync_json(capsys, monkeypatch, path)
    assert code == 0 and result is not None and result["pushed"] == 2, err

    def counts() -> tuple[int, int, int, int, str]:
        with server.store.read() as s:
            return (
                s.scalar(select(func.count()).select_from(Case)) or 0,
                s.scalar(select(func.count()).select_from(Note)) or 0,
                s.scalar(select(func.count()).select_from(AuditEvent)) or 0,
                s.scalar(select(func.count()).select_from(SyncIngest)) or 0,
                str(s.scalar(select(AuditEvent.digest).order_by(AuditEvent.seq.desc()).limit(1))),
            )

    before = counts()
    assert before[:2] == (5, 1) and before[3] == 2
    # A crash after the server's commit, before the replica marked the batch: it waits again.
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE outbox SET pushed_at = NULL, outcome = ''")
    code, result, err = sync_json(capsys, monkeypatch, path)
    assert (
        code == 0 and result is not None and result["pushed"] == 2 and result["conflicts"] == 0
    ), err
    assert counts() == before
