"""Offline replicas against a real PostgreSQL server (issue 13, first part).

Two replicas are made from a server with ``caseworker replica create``; contacts are logged on
each while the server cannot be reached (the replica's server address points at a closed
port), ``sync`` is refused cleanly, then both sync and the server holds every record once.
"""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from casework import new_record, person
from pg_server import PgServer
from sqlalchemy import func, select

from caseworker.cli import main
from caseworker.services.actor import Actor, Role
from caseworker.services.intake import log_record
from caseworker.services.records import add_note
from caseworker.services.settings import ensure_staff
from caseworker.services.stages import Definition, acknowledge
from caseworker.services.users import actor_of, create_first_administrator, create_user
from db.models import AuditEvent, Case, Note, OutboxEntry, SyncConflict, SyncIngest, User
from db.store import Store, open_store

PASSWORD = "a long enough pass phrase"
TODAY = date(2026, 6, 1)
RECEIVED = date(2026, 5, 26)
ACKNOWLEDGED_SERVER = date(2026, 5, 27)
ACKNOWLEDGED_REPLICA = date(2026, 5, 28)


@dataclass
class Server:
    url: str
    store: Store

    def actor(self, username: str) -> Actor:
        with self.store.read() as s:
            user = s.scalar(select(User).where(User.username == username))
            assert user is not None
            return actor_of(user)


@pytest.fixture
def server(pg_server: PgServer) -> Iterator[Server]:
    """A server store with an administrator (ada), an officer (olly), an advisor (amy) and
    four open cases: two at Bolsover, one at Shirebrook, and a restricted one at Bolsover."""
    url = pg_server.fresh_store_url()
    store = open_store(url)
    with store.write() as s:
        create_first_administrator(s, username="ada", display_name="Ada Admin", password=PASSWORD)
    with store.write() as s:
        ada = actor_of(s.scalar(select(User).where(User.username == "ada")))  # type: ignore[arg-type]
        create_user(
            s,
            ada,
            username="olly",
            display_name="Olly Officer",
            role=Role.OFFICER,
            password=PASSWORD,
        )
        create_user(
            s, ada, username="amy", display_name="Amy Advisor", role=Role.ADVISOR, password=PASSWORD
        )
    with store.write() as s:  # the handler named on acknowledgements, on the shared list
        ensure_staff(
            s, actor_of(s.scalar(select(User).where(User.username == "ada"))), "Olly Officer"
        )  # type: ignore[arg-type]
    srv = Server(url, store)
    olly = srv.actor("olly")
    for site, name, restricted in (
        ("Bolsover", "Ann Server", False),
        ("Bolsover", "Bob Server", False),
        ("Shirebrook", "Cy Server", False),
        ("Bolsover", "Fay Safeguarded", True),
    ):
        with store.write() as s:
            log_record(
                s,
                olly,
                new_record(
                    received=RECEIVED,
                    site=site,
                    complainants=(person(name),),
                    restricted=restricted,
                ),
                today=TODAY,
            )
    yield srv
    store.close()


def _cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, user: str, *argv: str
) -> tuple[int, str, str]:
    monkeypatch.setenv("CASEWORKER_USER", user)
    monkeypatch.setenv("CASEWORKER_PASSWORD", PASSWORD)
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _closed_port_url(url: str) -> str:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    return url.replace(url.split("@", 1)[1].split("/", 1)[0], f"127.0.0.1:{port}")


def _point_at(replica: Path, url: str) -> None:
    with sqlite3.connect(replica) as conn:
        conn.execute("UPDATE replica_identity SET server_url = ?", (url,))


@pytest.fixture
def empty_store(template_store: Path, tmp_path: Path) -> Callable[[str], Path]:
    """A new, empty store file of that name (a copy of the migrated template: making the
    schema anew for every replica would only slow the tests; replica create takes either)."""

    def make(name: str) -> Path:
        path = tmp_path / name
        shutil.copyfile(template_store, path)
        return path

    return make


def _make(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    server: Server,
    path: Path,
    site: str,
) -> None:
    code, out, err = _cli(
        capsys,
        monkeypatch,
        "ada",
        "--db",
        str(path),
        "replica",
        "create",
        "--server",
        server.url,
        "--site",
        site,
    )
    assert (code, err) == (0, ""), err
    assert "a replica of" in out and f"for {site}" in out


def _sync(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    path: Path,
    user: str = "olly",
) -> tuple[int, dict[str, object] | None, str]:
    code, out, err = _cli(capsys, monkeypatch, user, "--db", str(path), "sync", "--json")
    return code, (json.loads(out) if code == 0 else None), err


def _references(store: Store) -> list[str]:
    with store.read() as s:
        return sorted(s.scalars(select(Case.reference)))


def test_two_replicas_work_offline_and_sync_every_record_once(
    server: Server,
    tmp_path: Path,
    empty_store: Callable[[str], Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One replica in a new file (the command makes the store), one in an empty store.
    a_path, b_path = tmp_path / "bolsover.sqlite", empty_store("bolsover-laptop.sqlite")
    _make(capsys, monkeypatch, server, a_path, "Bolsover")
    _make(capsys, monkeypatch, server, b_path, "Bolsover")
    a, b = open_store(a_path), open_store(b_path)
    try:
        # Each replica holds the site's two open cases, as the server has them: not
        # Shirebrook's, nor the restricted one (CW-2026-000004).
        server_refs = _references(server.store)
        assert len(server_refs) == 4
        assert _references(a) == _references(b) == server_refs[:2]
        with a.read() as s:
            held = s.scalar(select(Case).where(Case.reference == server_refs[0]))
            assert held is not None and held.resident_name == "Ann Server"
            assert s.scalar(select(func.count()).select_from(User)) == 3

        offline = _closed_port_url(server.url)
        _point_at(a_path, offline)
        _point_at(b_path, offline)
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

        code, result, err = _sync(capsys, monkeypatch, a_path)
        assert code == 3 and result is None
        assert (
            err.count("\n") == 1 and "Cannot reach the server" in err and "3 change(s) wait" in err
        )
        with a.read() as s:
            assert (
                s.scalar(
                    select(func.count())
                    .select_from(OutboxEntry)
                    .where(OutboxEntry.pushed_at.is_(None))
                )
                == 3
            )

        _point_at(a_path, server.url)
        _point_at(b_path, server.url)
        code, result, err = _sync(capsys, monkeypatch, a_path)
        assert code == 0, err
        assert result is not None and result["pushed"] == 3 and result["conflicts"] == 0
        code, result_b, err = _sync(capsys, monkeypatch, b_path)
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
        code, out, err = _cli(capsys, monkeypatch, "ada", "--db", server.url, "audit", "verify")
        assert code == 0 and out.startswith("Audit trail intact"), (out, err)
        code, out, err = _cli(capsys, monkeypatch, "ada", "--db", str(a_path), "audit", "verify")
        assert code == 0 and out.startswith("Audit trail intact"), (out, err)  # its own chain

        # After the second sync every replica holds what the server holds for its site.
        code, again, err = _sync(capsys, monkeypatch, a_path)
        assert code == 0 and again is not None and again["pushed"] == 0 and again["conflicts"] == 0
        assert (
            _references(a)
            == _references(b)
            == sorted([server_refs[0], server_refs[1], a1_ref, b1_ref])
        )
        with b.read() as s:
            texts = sorted(s.scalars(select(Note.text)))
            assert texts == ["Leak photographed", "Rang back from the contact centre"]
    finally:
        a.close()
        b.close()


def test_the_same_field_changed_on_both_sides_keeps_the_server_value_and_one_conflict(
    server: Server,
    tmp_path: Path,
    empty_store: Callable[[str], Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = empty_store("replica.sqlite")
    _make(capsys, monkeypatch, server, path, "Bolsover")
    ref = _references(server.store)[0]
    replica = open_store(path)
    try:
        definition = Definition(points=("The roof leaks",), outcomes_sought="A dry roof")
        with replica.write() as s:
            acknowledge(
                s,
                server.actor("olly"),
                ref,
                acknowledged=ACKNOWLEDGED_REPLICA,
                definition=definition,
                handler="Olly Officer",
                expected_version=None,
                today=TODAY,
            )
        with server.store.write() as s:
            acknowledge(
                s,
                server.actor("ada"),
                ref,
                acknowledged=ACKNOWLEDGED_SERVER,
                definition=definition,
                handler="Olly Officer",
                expected_version=None,
                today=TODAY,
            )
        code, result, err = _sync(capsys, monkeypatch, path)
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
        code, out, err = _cli(capsys, monkeypatch, "olly", "--db", str(path), "conflicts", "--json")
        assert code == 0, err
        listed = json.loads(out)
        assert [
            (c["reference"], c["field"], c["server"]["value"], c["replica"]["value"])
            for c in listed
        ] == [(ref, "acknowledged", "2026-05-27", "2026-05-28")]
        code, out, err = _cli(capsys, monkeypatch, "ada", "--db", server.url, "conflicts")
        assert code == 0 and f"{ref}  acknowledged (acknowledge)" in out
        assert (
            "server:  2026-05-27  (Ada Admin" in out and "replica: 2026-05-28  (Olly Officer" in out
        )
    finally:
        replica.close()


def test_an_action_the_server_no_longer_allows_is_a_conflict_and_the_batch_goes_on(
    server: Server,
    tmp_path: Path,
    empty_store: Callable[[str], Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = empty_store("replica.sqlite")
    _make(capsys, monkeypatch, server, path, "Bolsover")
    ref = _references(server.store)[0]
    replica = open_store(path)
    try:
        olly = server.actor("olly")
        with replica.write() as s:
            acknowledge(
                s,
                olly,
                ref,
                acknowledged=ACKNOWLEDGED_REPLICA,
                definition=Definition(points=("Damp",), outcomes_sought="No more damp"),
                handler="Olly Officer",
                expected_version=None,
                today=TODAY,
            )
        with replica.write() as s:
            add_note(s, olly, ref, text="Visited", expected_version=None)
        with server.store.write() as s:  # meanwhile Olly is made an advisor on the server
            user = s.scalar(select(User).where(User.username == "olly"))
            assert user is not None
            user.role = Role.ADVISOR.value
        code, result, err = _sync(capsys, monkeypatch, path, user="ada")
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
    finally:
        replica.close()


def test_a_batch_pushed_twice_changes_nothing(
    server: Server,
    tmp_path: Path,
    empty_store: Callable[[str], Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = empty_store("replica.sqlite")
    code, out, err = _cli(
        capsys, monkeypatch, "ada", "--db", str(path), "replica", "create",
        "--server", server.url, "--site", "Whitwell",
    )  # fmt: skip
    assert (code, out) == (2, "")
    assert (
        err
        == "caseworker: The server has no site called 'Whitwell' (sites: Bolsover, Shirebrook)\n"
    )
    _make(capsys, monkeypatch, server, path, "Bolsover")
    replica = open_store(path)
    try:
        amy = server.actor("amy")
        with replica.write() as s:
            ref = log_record(
                s, amy, new_record(received=TODAY, site="Bolsover"), today=TODAY
            ).reference
        with replica.write() as s:
            add_note(s, amy, ref, text="Called back", expected_version=None)
        code, result, err = _sync(capsys, monkeypatch, path)
        assert code == 0 and result is not None and result["pushed"] == 2, err

        def counts() -> tuple[int, int, int, int, str]:
            with server.store.read() as s:
                return (
                    s.scalar(select(func.count()).select_from(Case)) or 0,
                    s.scalar(select(func.count()).select_from(Note)) or 0,
                    s.scalar(select(func.count()).select_from(AuditEvent)) or 0,
                    s.scalar(select(func.count()).select_from(SyncIngest)) or 0,
                    str(
                        s.scalar(select(AuditEvent.digest).order_by(AuditEvent.seq.desc()).limit(1))
                    ),
                )

        before = counts()
        assert before[:2] == (5, 1) and before[3] == 2
        # A crash after the server's commit, before the replica marked the batch: it waits again.
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE outbox SET pushed_at = NULL, outcome = ''")
        code, result, err = _sync(capsys, monkeypatch, path)
        assert (
            code == 0 and result is not None and result["pushed"] == 2 and result["conflicts"] == 0
        ), err
        assert counts() == before
    finally:
        replica.close()
