"""Opening store files that cannot be used, and a store made at the first revision upgraded."""

from __future__ import annotations

import os
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from casework import TODAY, act, events, load, log
from sqlalchemy import text

from caseworker.services import records
from caseworker.services.audit import verify_chain
from caseworker.services.case_view import load_case_detail
from db.engine import StoreError, make_engine
from db.migrate import current_revision, head_revision, newest_revision_file, upgrade_store
from db.queries import CaseFilter, count_cases, page_cases
from db.store import Store, open_store

WAY_OUT = "restore a backup (caseworker restore PATH) or open another store (--db PATH)"


def _refused(path: Path, message: str) -> None:
    before = path.read_bytes()
    with pytest.raises(StoreError) as info:
        open_store(path)
    assert str(info.value) == message
    assert path.read_bytes() == before


def test_new_store_is_at_head_with_wal(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store.sqlite")
    try:
        assert current_revision(store.engine) == head_revision()
        with store.engine.connect() as conn:
            pragmas = [
                conn.execute(text(f"PRAGMA {p}")).scalar_one()
                for p in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")
            ]
        assert pragmas == ["wal", 1, 2, 5000]
    finally:
        store.close()


def test_text_file_is_not_a_store(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Shopping list: milk, eggs\n")
    _refused(path, f"{path} is not a Caseworker store (not a database); {WAY_OUT}")


def test_random_bytes_are_not_a_store(tmp_path: Path) -> None:
    path = tmp_path / "random.sqlite"
    path.write_bytes(bytes((i * 97 + 13) % 256 for i in range(8192)))
    _refused(path, f"{path} is not a Caseworker store (not a database); {WAY_OUT}")


def test_damaged_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "damaged.sqlite"
    path.write_bytes(b"SQLite format 3\x00" + bytes((i * 31 + 7) % 256 for i in range(8176)))
    with pytest.raises(StoreError) as info:
        open_store(path)
    assert str(info.value).startswith(f"{path} is damaged or not a database (")
    assert str(info.value).endswith(f"); {WAY_OUT}")


def test_other_database_is_not_a_store(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE pets (name TEXT)")
    conn.commit()
    conn.close()
    _refused(path, f"{path} is a database, but not a Caseworker store; {WAY_OUT}")


def test_folder_is_not_a_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as info:
        open_store(tmp_path)
    assert str(info.value) == f"{tmp_path} is a folder, not a Caseworker store; {WAY_OUT}"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to read-only files")
def test_read_only_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    open_store(path).close()
    path.chmod(0o444)
    _refused(
        path,
        f"{path} is read-only: Caseworker needs to write to the file and its folder; copy it "
        "somewhere you can write to, or ask IT to fix the permissions",
    )


def test_store_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    store = open_store(path)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))
    store.close()
    _refused(
        path,
        "This store was made by a newer version of Caseworker; install that version, or open "
        "another store",
    )


# --- migrating a store made at the first revision ------------------------------------------

_CASE_COLUMNS = {
    "id": "c" * 32,
    "reference": "CW-2025-000007",
    "external_reference": "OLD/7",
    "kind": "complaint",
    "status": "stage-1",
    "received": "2025-11-03",
    "acknowledged": "2025-11-05",
    "time_limit_reason": "",
    "policy_name": "hos-2024",
    "policy_version": 1,
    "ombudsman": "housing-ombudsman",
    "restricted": 0,
    "description": "Mould in the bathroom after the leak",
    "desired_outcome": "",
    "outcomes_sought": "Treat the mould",
    "responsible_for": "",
    "not_responsible_for": "",
    "stage1_reasons": "",
    "escalation_reason": "",
    "stage2_reasons": "",
    "escalation_refusal_reason": "",
    "reply_text": "",
    "refusal_explanation": "",
    "withdrawal_reason": "",
    "ombudsman_determination": "",
    "ack_due": "2025-11-10",
    "stage1_due": "2025-11-19",
    "next_due": "2025-11-19",
    "next_clock": "stage1-response",
    "resident_name": "Olga Kowalska",
    "representative_name": "",
    "handler_name": "C. Patel",
    "auth_state": "not-needed",
    "has_adjustments": 0,
    "version": 3,
    "created_at": "2025-11-03 09:00:00.000000",
    "updated_at": "2025-11-05 10:42:00.000000",
    "updated_by": "C. Patel",
}

_PERSON = {
    "id": "p" * 32,
    "name": "Olga Kowalska",
    "salutation": "Ms Kowalska",
    "address": "3 Mill Lane, Shirebrook",
    "postcode": "NG20 8AA",
    "phone": "01623 000003",
    "email": "olga@example.org",
    "tenure": "tenant",
    "preferred_contact": "",
    "preferred_format": "",
    "disabilities": "",
    "adjustments": "",
    "restriction": "",
    "restriction_authorised_by": "",
    "do_not_contact": 0,
    "anonymised": 0,
}


def _insert(conn: object, table: str, row: dict[str, object]) -> None:
    columns = ", ".join(row)
    values = ", ".join(f":{c}" for c in row)
    conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({values})"), row)  # type: ignore[attr-defined]


def _party(case_id: str, person_id: str, role: str = "complainant") -> dict[str, object]:
    return {
        "case_id": case_id,
        "person_id": person_id,
        "role": role,
        "raised_it": 1,
        "joined_later": 0,
        "relationship_to_resident": "",
        "auth_state": "not-needed",
        "auth_method": "",
        "auth_scope": "",
        "auth_verified_by": "",
    }


def test_store_made_at_the_first_revision_upgrades_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    engine = make_engine(path)
    assert upgrade_store(engine, "0001") is True
    assert current_revision(engine) == "0001"
    with engine.begin() as conn:
        _insert(conn, "people", _PERSON)
        _insert(conn, "cases", _CASE_COLUMNS)
        _insert(conn, "case_parties", _party(str(_CASE_COLUMNS["id"]), str(_PERSON["id"])))
        _insert(
            conn,
            "complaint_points",
            {
                "case_id": _CASE_COLUMNS["id"],
                "position": 1,
                "text": "Mould came back",
                "stage1_reasons": "",
                "stage2_reasons": "",
            },
        )
        tables = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master"))}
    assert "case_search" not in tables
    engine.dispose()

    store = open_store(path)  # upgrades to head, backing up first
    try:
        assert current_revision(store.engine) == head_revision()
        assert len(list((tmp_path / "old.sqlite.backups").iterdir())) == 1
        case = load(store, "CW-2025-000007")
        assert (case.id, case.status, case.received, case.acknowledged, case.version) == (
            "c" * 32,
            "stage-1",
            date(2025, 11, 3),
            date(2025, 11, 5),
            3,
        )
        assert (case.stage1_due, case.next_due, case.resident_name) == (
            date(2025, 11, 19),
            date(2025, 11, 19),
            "Olga Kowalska",
        )
        assert case.complainant_tenure == "tenant"  # filled in by migration 0005
        assert [p.text for p in case.points] == ["Mould came back"]
        assert [p.person.email for p in case.parties] == ["olga@example.org"]
        with store.read() as s:
            detail = load_case_detail(s, "CW-2025-000007", TODAY)
            assert (detail.stage1_handler, detail.complainants[0].salutation) == (
                "",
                "Ms Kowalska",
            )
            for search in ("kowalska", "NG20 8AA", "ng208aa", "bathroom mould", "2025-000007"):
                found = [r.reference for r in page_cases(s, CaseFilter(search=search))]
                assert found == ["CW-2025-000007"]
            assert count_cases(s, CaseFilter(search="kitchen")) == 0
        # The migrated case takes new work, and new cases sit beside it.
        act(store, records.add_note, "CW-2025-000007", text="Migrated fine")
        assert [e.action for e in events(store, "CW-2025-000007")] == ["add-note"]
        assert log(store) == "CW-2026-000001"
        with store.read() as s:
            assert count_cases(s, CaseFilter(search="Kowalska")) == 1
            assert verify_chain(s) is None
        assert load(store, "CW-2025-000007").version == 4
    finally:
        store.close()


def test_migration_0005_puts_the_complainants_tenure_on_each_case(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "old.sqlite")
    upgrade_store(engine, "0001")
    tenures = {"t": "tenant", "l": "leaseholder", "o": "other-resident", "n": None}
    parties = {  # case: (person, role) ...
        "1": (("o", "complainant"), ("t", "complainant")),
        "2": (("o", "complainant"), ("l", "complainant")),
        "3": (("n", "complainant"),),
        "4": (("o", "complainant"), ("t", "representative")),  # the resident's tenure only
        "5": (),
    }
    with engine.begin() as conn:
        for key, tenure in tenures.items():
            _insert(conn, "people", {**_PERSON, "id": key * 32, "tenure": tenure})
        for n, linked in parties.items():
            _insert(conn, "cases", {**_CASE_COLUMNS, "id": n * 32, "reference": f"OLD-{n}"})
            for key, role in linked:
                _insert(conn, "case_parties", _party(n * 32, key * 32, role))
    engine.dispose()
    store = open_store(tmp_path / "old.sqlite")
    try:
        with store.read() as s:
            found = dict(s.execute(text("SELECT reference, complainant_tenure FROM cases")).all())
        assert found == {
            "OLD-1": "tenant",
            "OLD-2": "leaseholder",
            "OLD-3": None,
            "OLD-4": "other-resident",
            "OLD-5": None,
        }
    finally:
        store.close()


def test_upgrading_a_store_at_head_does_nothing(store: Store) -> None:
    assert upgrade_store(store.engine) is False


def test_newest_revision_file_is_alembics_head() -> None:

    assert newest_revision_file() == head_revision()
