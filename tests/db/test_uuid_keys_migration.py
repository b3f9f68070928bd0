"""Migration 0009: a store with integer keys (made by the code of revision 0006) upgraded.

The store in ``tests/data/store_0006`` was made through that code's services (see its
``make.py``); ``reads.json`` is what that code's app showed of it. After the upgrade every
row keeps its content, order and relations under a UUID key, the audit chain verifies with
every old event unchanged and one ``convert-keys`` event appended, old events' integer ids
still find their rows, and the app shows the same case views, report and export.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest
from casework import OFFICER, act
from pg_server import PgServer
from sqlalchemy import Engine, Integer, MetaData, create_engine, func, insert, select, text
from sqlalchemy.orm import Session
from upgrade_reads import app_reads

from caseworker.cli import main
from caseworker.services import followups, records
from caseworker.services.audit import verify_chain
from caseworker.services.case_view import load_case_detail
from db.engine import make_server_engine
from db.legacy_keys import EVENT_KEYS, current_id, mapping_digest, mapping_problem
from db.migrate import current_revision, current_revision_on, head_revision, upgrade_store
from db.models import AuditEvent
from db.raw import StoreError
from db.server import connect, parse_server_url
from db.store import Store, open_store

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "store_0006"
TODAY = date(2026, 6, 1)

# Each converted table: its content columns, and how its rows are ordered within a case
# before (by integer id) and after (by position) the upgrade.
CONTENT = {
    "complaint_points": "position, text, stage1_decision, stage1_reasons",
    "case_parties": "person_id, role, raised_it, auth_state, auth_method",
    "extensions": "stage, days, reason, told_on",
    "remedies": "stage, kind, description, amount_offered, amount_paid, due, done",
    "outstanding_actions": "stage, description, due, done",
    "learning": "description, improvement, recorded_on",
    "notes": "text, author, created_at",
}
OTHER_TABLES = (
    "cases",
    "people",
    "correspondence",
    "case_links",
    "case_service_areas",
    "case_themes",
    "audit_events",
    "equality_answers",
)
LINKS = (
    "SELECT a.reference, b.reference, l.reason FROM case_links l JOIN cases a "
    "ON a.id = l.case_id JOIN cases b ON b.id = l.linked_case_id ORDER BY 1, 2"
)
LETTERS = (
    "SELECT c.reference, p.name, l.sha256 FROM correspondence l JOIN cases c "
    "ON c.id = l.case_id LEFT JOIN people p ON p.id = l.person_id ORDER BY l.made_at, 3"
)


def _ordered(table: str, columns: str, order: str) -> str:
    """Each case's rows of ``table``, joined to the case, in ``order`` within it."""
    cols = ", ".join("t." + c.strip() for c in columns.split(","))
    return (
        f"SELECT c.reference, {cols} FROM {table} t JOIN cases c ON c.id = t.case_id "
        f"ORDER BY c.reference, t.{order}"
    )


HEX32 = re.compile(r"[0-9a-f]{32}")


def _rows(conn: Any, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in conn.execute(sql)]


def _before(path: Path) -> dict[str, Any]:
    """Counts, each row's content by its integer id, and each case's rows in order."""
    conn = sqlite3.connect(path)
    try:
        return _state(conn)
    finally:
        conn.close()


def _state(conn: Any) -> dict[str, Any]:
    """``_before`` on an open connection (``sqlite3`` or ``psycopg``)."""
    out: dict[str, Any] = {"counts": {}, "by_id": {}, "ordered": {}}
    for table, columns in CONTENT.items():
        out["by_id"][table] = {
            r[0]: r[1:] for r in _rows(conn, f"SELECT id, {columns} FROM {table}")
        }
        out["ordered"][table] = _rows(conn, _ordered(table, columns, "id"))
    for table in (*CONTENT, *OTHER_TABLES):
        out["counts"][table] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    out["equality"] = _rows(conn, "SELECT id, person_id, answers FROM equality_answers")
    out["events"] = _rows(conn, "SELECT seq, changes, digest FROM audit_events ORDER BY seq")
    out["links"] = _rows(conn, LINKS)
    out["letters"] = _rows(conn, LETTERS)
    return out


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    path = tmp_path_factory.mktemp("old") / "store.sqlite"
    shutil.copyfile(FIXTURE / "store.sqlite", path)
    before = _before(path)
    store = open_store(path)  # backs up, then migrates to the head
    try:
        assert current_revision(store.engine) == head_revision()
    finally:
        store.close()
    return path, before


def test_the_fixture_is_a_store_with_integer_keys() -> None:
    conn = sqlite3.connect(FIXTURE / "store.sqlite")
    try:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0006",)
        ids = [r[0] for r in conn.execute("SELECT id FROM notes ORDER BY id")]
        assert ids == list(range(1, 11))
    finally:
        conn.close()


def _check_kept(conn: Any, before: dict[str, Any]) -> None:
    """Every converted row keeps its content under its old id, its order within its case
    (by position now), and every table its count; links and letters still join."""
    for table, columns in CONTENT.items():
        after = {r[0]: r[2:] for r in _rows(conn, f"SELECT legacy_id, id, {columns} FROM {table}")}
        assert after == before["by_id"][table], table
        ids = [r[0] for r in conn.execute(f"SELECT id FROM {table}")]
        assert all(HEX32.fullmatch(i) for i in ids) and len(set(ids)) == len(ids), table
        # Complaint points kept their own position; the others were given one.
        ordered = _rows(conn, _ordered(table, columns, "position"))
        assert ordered == before["ordered"][table], table
    for table in (*CONTENT, *OTHER_TABLES):
        count = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        # One event more: the conversion's own.
        assert count == before["counts"][table] + (table == "audit_events"), table
    equality = _rows(conn, "SELECT legacy_id, person_id, answers FROM equality_answers")
    assert equality == before["equality"]
    assert _rows(conn, LINKS) == before["links"]
    assert _rows(conn, LETTERS) == before["letters"]


def test_every_row_keeps_its_content_order_and_relations(
    upgraded: tuple[Path, dict[str, Any]],
) -> None:
    path, before = upgraded
    conn = sqlite3.connect(path)
    try:
        _check_kept(conn, before)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()


def _events_and_last(conn: Any) -> tuple[list[tuple[Any, ...]], tuple[Any, ...]]:
    """Every event's (seq, changes, digest), and the newest event's who, what and link."""
    events = _rows(conn, "SELECT seq, changes, digest FROM audit_events ORDER BY seq")
    last = conn.execute(
        "SELECT actor, role, case_id, action, changes, prev_digest FROM audit_events "
        "ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    return events, last


def _check_conversion_event(
    target: str, events: list[tuple[Any, ...]], last: tuple[Any, ...], before: dict[str, Any]
) -> None:
    """Old events are unchanged, one convert-keys event follows them naming every converted
    table's rows, and the chain and the old-id mapping it recorded verify."""
    assert events[:-1] == before["events"]  # history never rewritten
    actor, role, case_id, action, changes, prev = last
    assert (actor, role, case_id, action, prev) == (
        "Caseworker upgrade",
        "system",
        None,
        "convert-keys",
        before["events"][-1][2],
    )
    recorded = changes if isinstance(changes, dict) else json.loads(changes)
    assert recorded["revision"] == "0009"
    counts = before["counts"]
    assert recorded["rows"] == {table: counts[table] for table in CONTENT} | {"equality_answers": 1}
    assert counts["notes"] == 10 and counts["remedies"] > 0 and counts["learning"] > 0
    store = open_store(target)
    try:
        with Session(store.engine) as s:
            assert verify_chain(s) is None
            # The mapping old events are read through is the one the chain recorded.
            assert mapping_digest(s) == recorded["mapping_sha256"]
    finally:
        store.close()


def test_the_audit_chain_verifies_with_old_events_unchanged_and_one_appended(
    upgraded: tuple[Path, dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, before = upgraded
    conn = sqlite3.connect(path)
    try:
        events, last = _events_and_last(conn)
    finally:
        conn.close()
    _check_conversion_event(str(path), events, last, before)
    assert main(["--db", str(path), "audit", "verify"]) == 0
    head = events[-1][2]
    assert (
        capsys.readouterr().out == f"Audit trail intact: {len(events)} events, head {head[:12]}\n"
    )


def _old_ids_found(store: Store, events: list[tuple[Any, ...]]) -> int:
    """How many integer ids named in old events find their rows (each checked)."""
    found = 0
    with Session(store.engine) as s:
        for _seq, changes, _digest in events:
            data = json.loads(changes) if isinstance(changes, str) else changes
            for key, model in EVENT_KEYS.items():
                if not isinstance(data.get(key), int):
                    continue
                case_id = (
                    s.execute(model.__table__.select().where(model.legacy_id == data[key]))
                    .one()
                    .case_id
                )
                new = current_id(s, key, case_id, data[key])
                assert new is not None and HEX32.fullmatch(new)
                row = s.get(model, new)
                assert row is not None and row.legacy_id == data[key]
                if key == "note":
                    assert row.text == data["text"]  # type: ignore[union-attr]
                found += 1
        # An id no row had finds nothing.
        assert current_id(s, "note", case_id, 999) is None
    return found


def test_old_events_integer_ids_still_find_their_rows(
    upgraded: tuple[Path, dict[str, Any]],
) -> None:
    path, before = upgraded
    store = open_store(path)
    try:
        # The three notes and the note on the linked case, the party, two remedies (one
        # completed), two actions (one completed), the learning.
        assert _old_ids_found(store, before["events"]) == 12
    finally:
        store.close()


def test_the_app_shows_the_same_after_the_upgrade(upgraded: tuple[Path, dict[str, Any]]) -> None:
    path, _ = upgraded
    saved = json.loads((FIXTURE / "reads.json").read_text())
    store = open_store(path)
    try:
        reads = app_reads(store, saved["references"])
    finally:
        store.close()
    # What later migrations added, at its value for a case that never had it: set apart
    # by name, so anything else new or changed still fails the comparison.
    assert reads["export"].pop("documents") == []
    for case in reads["export"]["cases"]:
        assert case.pop("withdrawn_by_resident") is None
    assert reads == saved["reads"]


def test_a_migrated_case_takes_new_rows_after_its_old_ones(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    shutil.copyfile(FIXTURE / "store.sqlite", path)
    saved = json.loads((FIXTURE / "reads.json").read_text())
    ref = saved["references"][0]
    store: Store = open_store(path)
    try:
        note = act(store, records.add_note, ref, text="After the upgrade")
        assert HEX32.fullmatch(note.id) and (note.position, note.legacy_id) == (4, None)
        with store.read() as s:
            detail = load_case_detail(s, ref, TODAY, actor=OFFICER)
        notes = [e.detail for e in detail.notes]
        assert notes == [
            "Called Ms Kowalska",
            "Surveyor booked",
            "Survey done",
            "After the upgrade",
        ]
        # The new note's event names it by its UUID, which finds it as an old id would.
        with store.read() as s:
            event = s.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
            assert event is not None and event.changes == {
                "note": note.id,
                "text": "After the upgrade",
            }
            assert event.case_id is not None
            assert current_id(s, "note", event.case_id, note.id) == note.id
        # A migrated remedy is completed by its new key.
        open_remedy = next(r for r in detail.remedies if r.done is None)
        assert open_remedy.description == "A written apology"
        act(
            store,
            followups.complete_remedy,
            ref,
            open_remedy.id,
            done=TODAY,
            amount_paid=None,
            today=TODAY,
        )
        with store.read() as s:
            detail = load_case_detail(s, ref, TODAY, actor=OFFICER)
            assert verify_chain(s) is None
        assert [(r.description, r.done, r.amount_offered) for r in detail.remedies] == [
            ("Time and trouble", TODAY, Decimal("150.00")),
            ("A written apology", TODAY, None),
        ]
    finally:
        store.close()


def test_an_altered_old_id_mapping_is_reported_by_audit_verify(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "store.sqlite"
    shutil.copyfile(FIXTURE / "store.sqlite", path)
    open_store(path).close()  # the upgrade
    assert main(["--db", str(path), "audit", "verify"]) == 0
    capsys.readouterr()
    conn = sqlite3.connect(path)
    try:
        # Two notes swap their old ids: old events would now name the wrong notes.
        conn.execute("UPDATE notes SET legacy_id = -legacy_id WHERE legacy_id IN (7, 8)")
        conn.execute("UPDATE notes SET legacy_id = 15 + legacy_id WHERE legacy_id IN (-7, -8)")
        conn.commit()
        seq = conn.execute("SELECT max(seq) FROM audit_events").fetchone()[0]
    finally:
        conn.close()
    assert main(["--db", str(path), "audit", "verify"]) == 1
    assert capsys.readouterr().out == (
        "Audit trail TAMPERED WITH: the old ids kept since the upgrade to UUID keys "
        f"(event {seq}) were altered; old events no longer find their rows for certain\n"
    )


def test_a_new_store_has_nothing_to_convert_and_no_conversion_event(store: Store) -> None:
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == 0
        assert mapping_problem(s) is None


# -- The same upgrade on a PostgreSQL store that holds integer keys --------------------------


def _load_into_server(path: Path, engine: Engine) -> None:
    """Every row of the old store file, as it is, into a server store at revision 0006.

    Both schemas are read from the databases themselves (the models describe the newest
    revision, not 0006); values pass through SQLAlchemy's types on each side, as
    ``copy-store`` does.
    """
    src_engine = create_engine(f"sqlite:///{path}")
    old, server = MetaData(), MetaData()
    old.reflect(src_engine)
    server.reflect(engine)
    try:
        with src_engine.connect() as src, engine.begin() as dst:
            for table in server.sorted_tables:
                if table.name == "alembic_version":
                    continue
                if table.name == "case_search":
                    columns = "rowid, case_id, reference, names, contacts, description"
                    rows = [
                        dict(r._mapping)
                        for r in src.execute(text(f"SELECT {columns} FROM case_search"))
                    ]
                    marks = ", ".join(f":{c.strip()}" for c in columns.split(","))
                    dst.execute(text(f"INSERT INTO case_search ({columns}) VALUES ({marks})"), rows)
                    continue
                names = [c.name for c in table.columns if c.computed is None]
                source = old.tables[table.name]
                rows = [
                    dict(r._mapping) for r in src.execute(select(*(source.c[n] for n in names)))
                ]
                if rows:
                    dst.execute(insert(table), rows)
            # Integer keys were given: each table's counter continues after them.
            for table in server.sorted_tables:
                for col in table.primary_key.columns:
                    if col.autoincrement is True or (
                        col.autoincrement == "auto" and isinstance(col.type, Integer)
                    ):
                        dst.execute(
                            text(
                                f"SELECT setval(pg_get_serial_sequence('{table.name}', "
                                f"'{col.name}'), coalesce(max({col.name}), 0) + 1, false) "
                                f"FROM {table.name}"
                            )
                        )
    finally:
        src_engine.dispose()


def _schema(conn: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Keys, foreign keys and indexes of a server store, to compare two stores' schemas."""
    return {
        "constraints": _rows(
            conn,
            "SELECT conrelid::regclass::text, contype, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE connamespace = 'public'::regnamespace "
            "AND contype IN ('p', 'f', 'u') ORDER BY 1, 2, 3",
        ),
        "columns": _rows(
            conn,
            "SELECT table_name, column_name, data_type, is_nullable "
            "FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2",
        ),
        "indexes": _rows(
            conn,
            "SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2",
        ),
    }


@pytest.fixture(scope="module")
def server_upgraded(pg_server: PgServer) -> tuple[str, dict[str, Any]]:
    """The old store's rows in a server store at revision 0006, then upgraded to the head."""
    url = pg_server.url_for(pg_server.create_database())
    engine = make_server_engine(parse_server_url(url))
    try:
        upgrade_store(engine, "0006")
        _load_into_server(FIXTURE / "store.sqlite", engine)
        with engine.connect() as conn:
            raw = conn.connection.driver_connection
            assert current_revision_on(conn) == "0006"
            ids = [r[0] for r in raw.execute("SELECT id FROM notes ORDER BY id")]  # type: ignore[union-attr]
            assert ids == list(range(1, 11))  # integer keys, as the file had
            before = _state(raw)
            conn.rollback()
    finally:
        engine.dispose()
    with pytest.raises(StoreError, match="older Caseworker"):
        open_store(url)  # a server store is not migrated by whoever opens it
    store = open_store(url, upgrade=True)  # caseworker upgrade
    try:
        assert current_revision(store.engine) == head_revision()
    finally:
        store.close()
    return url, before


def _server_raw(url: str) -> psycopg.Connection[Any]:
    return connect(parse_server_url(url))


def test_a_server_store_keeps_every_row_with_its_links(
    server_upgraded: tuple[str, dict[str, Any]], pg_server: PgServer
) -> None:
    url, before = server_upgraded
    assert before["counts"]["notes"] == 10 and before["counts"]["audit_events"] == 27
    with _server_raw(url) as conn:
        _check_kept(conn, before)
        converted = _schema(conn)
    # The converted store's keys, foreign keys, columns and indexes are a new store's.
    with _server_raw(pg_server.fresh_store_url()) as conn:
        assert converted == _schema(conn)


def test_a_server_stores_old_ids_still_find_their_rows(
    server_upgraded: tuple[str, dict[str, Any]],
) -> None:
    url, before = server_upgraded
    store = open_store(url)
    try:
        assert _old_ids_found(store, before["events"]) == 12
    finally:
        store.close()


def test_a_server_stores_audit_chain_verifies_with_the_conversion_event(
    server_upgraded: tuple[str, dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, before = server_upgraded
    with _server_raw(url) as conn:
        events, last = _events_and_last(conn)
    _check_conversion_event(url, events, last, before)
    # As IT would check it: the first administrator, then audit verify.
    monkeypatch.setenv("CASEWORKER_NEW_PASSWORD", "a long admin password")
    assert (
        main(
            ["--db", url, "users", "add", "admin", "--name", "Ann Admin", "--role", "administrator"]
        )
        == 0
    )
    monkeypatch.setenv("CASEWORKER_USER", "admin")
    monkeypatch.setenv("CASEWORKER_PASSWORD", "a long admin password")
    capsys.readouterr()
    assert main(["--db", url, "audit", "verify"]) == 0
    with _server_raw(url) as conn:
        n, head = conn.execute(
            "SELECT count(*), (SELECT digest FROM audit_events ORDER BY seq DESC LIMIT 1) "
            "FROM audit_events"
        ).fetchone()
    assert n == len(events) + 1  # the administrator's creation
    assert capsys.readouterr().out == f"Audit trail intact: {n} events, head {head[:12]}\n"
