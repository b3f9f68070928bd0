"""Backups with the online backup API, each with its chain head; restores that refuse bad files."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest
from trust_helpers import MANAGER, counts, log, sha256

from caseworker.cli import main
from caseworker.services.actor import LOCAL_ADMIN, Role
from caseworker.services.audit import chain_head
from caseworker.services.backups import (
    BackupRefused,
    backup_store,
    daily_backup,
    head_file,
    restore_backup,
)
from caseworker.services.users import create_user
from db.backup import backup_folder
from db.output_files import OutputRefused
from db.store import Store, open_store

NOW = datetime(2026, 6, 1, 9, 30, 0)


@pytest.fixture
def engine_name() -> str:
    """Backups and restores are of a store file (a server's are IT's, with pg_dump)."""
    return "sqlite"


def test_backup_writes_a_sound_copy_and_its_head(store: Store, tmp_path: Path) -> None:
    log(store)
    log(store)
    with store.read() as s:
        head = chain_head(s)
    (tmp_path / "out").mkdir()  # a backup's folder must exist (test_output_paths)
    made = backup_store(store, LOCAL_ADMIN, tmp_path / "out" / "copy.sqlite", now=NOW)
    assert made.head == head
    assert head_file(made.path).read_text().splitlines() == [
        "Caseworker backup copy.sqlite",
        "Made: 2026-06-01 09:30:00",
        f"Audit chain head: {head}",
        f"Short: {head[:12]}",
        f"Check a store against it: caseworker audit verify --expect-head {head}",
    ]
    with sqlite3.connect(made.path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM cases").fetchone() == (2,)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    conn.close()
    with pytest.raises(OutputRefused) as info:
        backup_store(store, LOCAL_ADMIN, made.path, now=NOW)
    assert str(info.value) == (
        f"{made.path} is a Caseworker store or backup (a database): choose another file; "
        "nothing was written"
    )


def test_only_administrators_back_up(store: Store, tmp_path: Path) -> None:
    with pytest.raises(Exception) as info:
        backup_store(store, MANAGER, tmp_path / "copy.sqlite", now=NOW)
    assert str(info.value) == (
        "Only an administrator may back up the store; you are signed in as a manager"
    )
    assert not (tmp_path / "copy.sqlite").exists()


def test_daily_backup_once_a_day_keeping_the_last_n(store: Store) -> None:
    made = [daily_backup(store, date(2026, 6, d), keep=3) for d in (1, 1, 2, 3, 4, 5)]
    assert [m.path.name if m else None for m in made] == [
        "daily-2026-06-01.sqlite",
        None,
        "daily-2026-06-02.sqlite",
        "daily-2026-06-03.sqlite",
        "daily-2026-06-04.sqlite",
        "daily-2026-06-05.sqlite",
    ]
    kept = sorted(p.name for p in backup_folder(store.path).iterdir())
    assert kept == [
        "daily-2026-06-03.sqlite",
        "daily-2026-06-03.sqlite.head.txt",
        "daily-2026-06-04.sqlite",
        "daily-2026-06-04.sqlite.head.txt",
        "daily-2026-06-05.sqlite",
        "daily-2026-06-05.sqlite.head.txt",
    ]


def test_command_line_backup_and_restore(
    store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(store_path)
    log(store)
    store.close()
    copy = tmp_path / "copy.sqlite"
    assert main(["--db", str(store_path), "backup", str(copy)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"Backed up to {copy}"
    assert out[1].endswith(f"written to {copy}.head.txt")
    store = open_store(store_path)
    log(store)  # made after the backup: kept in the before-restore copy
    store.close()
    assert main(["--db", str(store_path), "restore", str(copy)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == f"Restored {copy} to {store_path}"
    kept = Path(out[0].removeprefix("The store as it was is kept at "))
    assert kept.parent == backup_folder(store_path)
    with sqlite3.connect(kept) as conn:
        assert conn.execute("SELECT count(*) FROM cases").fetchone() == (2,)
    conn.close()
    store = open_store(store_path)
    try:
        assert counts(store)["cases"] == 1
    finally:
        store.close()
    assert main(["--db", str(store_path), "audit", "verify", "--expect-head", copy_head(copy)]) == 0


def copy_head(copy: Path) -> str:
    return head_file(copy).read_text().splitlines()[2].removeprefix("Audit chain head: ")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"not a database at all", "is not a Caseworker store (not a database)"),
        (None, "is a database, but not a Caseworker store"),
        (b"", "is not a Caseworker store (not a database)"),
    ],
)
def test_restore_refuses_a_file_that_is_not_a_store(
    store: Store, tmp_path: Path, content: bytes | None, reason: str
) -> None:
    bad = tmp_path / "bad.sqlite"
    if content is None:
        with sqlite3.connect(bad) as conn:
            conn.execute("CREATE TABLE recipes (name TEXT)")
        conn.close()
    else:
        bad.write_bytes(content)
    log(store)
    store.close()
    before = sha256(store.path)
    with pytest.raises(BackupRefused) as info:
        restore_backup(store.path, bad)
    assert str(info.value) == f"Cannot restore: {bad} {reason}. The current store was not changed"
    assert sha256(store.path) == before
    assert not backup_folder(store.path).exists()


def test_restore_refuses_a_damaged_backup(store: Store, tmp_path: Path) -> None:
    log(store)
    copy = backup_store(store, LOCAL_ADMIN, tmp_path / "copy.sqlite", now=NOW).path
    data = bytearray(copy.read_bytes())
    data[4096 * 2 : 4096 * 4] = b"\x5a" * (4096 * 2)
    copy.write_bytes(bytes(data))
    store.close()
    before = sha256(store.path)
    with pytest.raises(BackupRefused) as info:
        restore_backup(store.path, copy)
    assert str(info.value).startswith(f"Cannot restore: {copy} is damaged")
    assert sha256(store.path) == before


def test_restore_needs_an_administrator_once_accounts_exist(
    store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    copy = backup_store(store, LOCAL_ADMIN, tmp_path / "copy.sqlite", now=NOW).path
    with store.write() as s:
        create_user(
            s,
            LOCAL_ADMIN,
            username="root",
            display_name="Root",
            role=Role.ADMINISTRATOR,
            password="correct horse battery",
        )
        create_user(
            s,
            LOCAL_ADMIN,
            username="mo",
            display_name="Mo",
            role=Role.MANAGER,
            password="correct horse battery",
        )
    store.close()
    before = sha256(store.path)
    monkeypatch.setenv("CASEWORKER_PASSWORD", "correct horse battery")
    assert main(["--db", str(store.path), "--user", "mo", "restore", str(copy)]) == 2
    assert capsys.readouterr().err == (
        "caseworker: Only an administrator may restore a backup; you are signed in as a manager\n"
    )
    assert sha256(store.path) == before
    assert main(["--db", str(store.path), "--user", "root", "restore", str(copy)]) == 0


def test_the_first_command_of_the_day_backs_the_store_up(
    store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(store_path), "audit", "head"]) == 0
    assert main(["--db", str(store_path), "audit", "head"]) == 0
    assert sorted(p.name for p in backup_folder(store_path).iterdir()) == [
        f"daily-{date.today().isoformat()}.sqlite",
        f"daily-{date.today().isoformat()}.sqlite.head.txt",
    ]
