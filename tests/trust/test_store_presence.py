"""Only a Caseworker store is opened; reads work while another copy saves; refusals tell nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select
from trust_helpers import OFFICER, log, sha256

from caseworker.cli import main
from caseworker.services.actor import LOCAL_ADMIN, Role
from caseworker.services.demo import generate
from caseworker.services.errors import NotAllowed
from caseworker.services.users import REFUSED, create_user
from db.engine import StoreError
from db.models import AuditEvent, Case
from db.store import Store, open_store


@pytest.fixture
def engine_name() -> str:
    """A store file that is missing, empty or busy (a server store has no file)."""
    return "sqlite"


PASSWORD = "correct horse battery"
READ_COMMANDS = (
    ["cases", "--json"],
    ["audit", "verify"],
    ["audit", "head"],
    ["users", "list"],
    ["retention"],
)


def _err(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    return err


def test_a_zero_byte_store_is_refused_not_made_a_new_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "caseworker.sqlite"
    path.touch()
    message = (
        f"caseworker: {path} is empty (0 bytes), not a Caseworker store; nothing was changed. "
        "Restore a backup (caseworker restore PATH) or open another store (--db PATH)\n"
    )
    for argv in (
        *READ_COMMANDS,
        ["report", "--from", "2026-01-01", "--to", "2026-03-31", "--out", str(tmp_path / "r.csv")],
    ):
        assert main(["--db", str(path), *argv]) == 2
        assert _err(capsys) == message
    assert path.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["caseworker.sqlite"]
    with pytest.raises(StoreError):
        open_store(path, must_exist=True)


def test_a_mistyped_store_is_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "caseworkr.sqlite"
    for argv in READ_COMMANDS:
        assert main(["--db", str(path), *argv]) == 2
        assert _err(capsys).startswith(f"caseworker: There is no store at {path}; check the path")
    assert list(tmp_path.iterdir()) == []


def test_commands_that_make_a_store_on_purpose_still_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    made = tmp_path / "demo.sqlite"
    assert main(["--db", str(made), "demo", "--cases", "3", "--today", "2026-03-16"]) == 0
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    monkeypatch.setenv("CASEWORKER_NEW_PASSWORD", PASSWORD)
    args = ["users", "add", "root", "--name", "Root", "--role", "administrator"]
    assert main(["--db", str(empty), *args]) == 0
    csv = tmp_path / "in.csv"
    csv.write_text("reference,kind,received\nQ1,complaint,2026-01-05\n")
    assert main(["--db", str(tmp_path / "imported.sqlite"), "import", str(csv)]) == 0
    capsys.readouterr()
    for path, cases in ((made, 3), (empty, 0), (tmp_path / "imported.sqlite", 1)):
        with sqlite3.connect(path) as conn:
            assert conn.execute("SELECT count(*) FROM cases").fetchone() == (cases,)
        conn.close()


def test_a_damaged_store_is_left_without_new_files_beside_it(
    store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(store_path)
    log(store)
    store.close()  # checkpoints: no -wal or -shm remain
    data = bytearray(store_path.read_bytes())
    data[4096 : 4096 * 3] = b"\xa5" * 8192
    store_path.write_bytes(bytes(data))
    before = sorted(p.name for p in store_path.parent.iterdir())
    digest = sha256(store_path)
    assert main(["--db", str(store_path), "cases"]) == 2
    assert "is damaged" in _err(capsys)
    assert sorted(p.name for p in store_path.parent.iterdir()) == before
    assert sha256(store_path) == digest


def _with_accounts(store: Store) -> None:
    with store.write() as s:
        create_user(
            s,
            LOCAL_ADMIN,
            username="root",
            display_name="Root",
            role=Role.ADMINISTRATOR,
            password=PASSWORD,
            restricted_access=True,
        )


def test_sign_in_and_read_commands_work_while_another_copy_is_saving(
    store: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    log(store, OFFICER)
    _with_accounts(store)
    assert main(["--db", str(store.path), "--user", "root", "audit", "verify"]) == 2  # no password
    capsys.readouterr()
    monkeypatch.setenv("CASEWORKER_USER", "root")
    monkeypatch.setenv("CASEWORKER_PASSWORD", PASSWORD)
    assert main(["--db", str(store.path), "audit", "verify"]) == 0  # the day's backup is made
    capsys.readouterr()
    with store.read() as s:
        events = s.scalar(select(func.count()).select_from(AuditEvent))
    # Another copy is in the middle of a long import: it holds the write lock.
    writer = sqlite3.connect(store.path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE settings SET value = value")
    monkeypatch.setattr("db.raw.BUSY_TIMEOUT_MS", 300)
    try:
        for argv in READ_COMMANDS:
            assert main(["--db", str(store.path), *argv]) == 0, capsys.readouterr().err
        out = capsys.readouterr().out
        assert out.count('"reference": "CW-2026-') == 1
        assert f"Audit trail intact: {events} events" in out
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_demo_by_a_non_administrator_is_refused_before_anything_is_built(store: Store) -> None:
    calls: list[int] = []

    def progress(done: int, total: int) -> bool:
        calls.append(done)
        return True

    with pytest.raises(NotAllowed) as info:
        generate(store, 500, seed=1, today=store_today(), progress=progress, actor=OFFICER)
    assert str(info.value).startswith("Only an administrator may fill a store with demo records")
    assert calls == []
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 0


def store_today() -> object:
    from datetime import date

    return date(2026, 3, 16)


def test_lock_out_is_said_the_same_for_a_name_that_does_not_exist(
    store: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _with_accounts(store)
    monkeypatch.setenv("CASEWORKER_PASSWORD", "wrong password")
    said = []
    for user in ("root",) * 6 + ("nobody",) * 6:
        assert main(["--db", str(store.path), "--user", user, "cases"]) == 2
        said.append(_err(capsys))
    assert set(said) == {f"caseworker: {REFUSED}\n"}
