"""An unusable store file gets a clear message, with the way out, and is left untouched."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from trust_helpers import sha256

import db.checks
from caseworker.cli import main
from db.checks import network_filesystem
from db.engine import StoreError
from db.store import open_store

WAY_OUT = "restore a backup (caseworker restore PATH) or open another store (--db PATH)"


def refused_untouched(path: Path, message: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Opening the store (at start) and a command both give ``message``; the file is unchanged."""
    before = sha256(path)
    with pytest.raises(StoreError) as info:
        open_store(path)
    assert str(info.value) == message
    for argv in (["audit", "verify"], ["cases"]):
        assert main(["--db", str(path), *argv]) == 2
        assert capsys.readouterr().err == f"caseworker: {message}\n"
    assert sha256(path) == before


def test_not_a_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("Shopping list: milk, eggs\n")
    refused_untouched(path, f"{path} is not a Caseworker store (not a database); {WAY_OUT}", capsys)


def test_damaged_store(store_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = bytearray(store_path.read_bytes())
    page = 4096
    data[page : page * 3] = b"\xa5" * (page * 2)  # two pages of the tables overwritten
    store_path.write_bytes(bytes(data))
    before = sha256(store_path)
    with pytest.raises(StoreError) as info:
        open_store(store_path)
    assert str(info.value).startswith(f"{store_path} is damaged")
    assert str(info.value).endswith(WAY_OUT)
    assert main(["--db", str(store_path), "audit", "verify"]) == 2
    assert capsys.readouterr().err == f"caseworker: {info.value}\n"
    assert sha256(store_path) == before


def test_another_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.close()
    refused_untouched(path, f"{path} is a database, but not a Caseworker store; {WAY_OUT}", capsys)


def test_store_from_a_newer_caseworker(
    store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite3.connect(store_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    refused_untouched(
        store_path,
        "This store was made by a newer version of Caseworker; install that version, "
        "or open another store",
        capsys,
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only files")
def test_read_only_store(store_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store_path.chmod(0o444)
    refused_untouched(
        store_path,
        f"{store_path} is read-only: Caseworker needs to write to the file and its folder; "
        "copy it somewhere you can write to, or ask IT to fix the permissions",
        capsys,
    )


def test_missing_store_for_a_command_that_needs_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "gone" / "store.sqlite"
    for argv in (["audit", "head"], ["backup", str(tmp_path / "b.sqlite")], ["retention"]):
        assert main(["--db", str(path), *argv]) == 2
        assert capsys.readouterr().err == (
            f"caseworker: There is no store at {path}; check the path (--db PATH or "
            "CASEWORKER_DB), or restore a backup there (caseworker restore BACKUP)\n"
        )
    assert not path.parent.exists()


def test_network_drives_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    share = tmp_path / "share"
    share.mkdir()
    mounts = tmp_path / "mounts"
    mounts.write_text(
        "/dev/vda / ext4 rw 0 0\n"
        f"//fileserver/complaints {share} cifs rw,vers=3.0 0 0\n"
        f"server:/export {tmp_path / 'nfs'} nfs4 rw 0 0\n"
    )
    monkeypatch.setattr(db.checks, "MOUNTS", mounts)
    assert network_filesystem(share / "cw.sqlite", mounts) == "cifs"
    assert network_filesystem(tmp_path / "nfs" / "deep" / "cw.sqlite", mounts) == "nfs4"
    assert network_filesystem(tmp_path / "local.sqlite", mounts) is None
    assert network_filesystem(Path("\\\\fileserver\\complaints\\cw.sqlite")) == "network share"
    path = share / "cw.sqlite"
    message = (
        f"{path} is on a network drive (cifs). A Caseworker store must be on this PC's own "
        "disk: SQLite cannot keep records safe on a network drive. Move the store to a local "
        "folder; for several PCs sharing one store, use a PostgreSQL server (--db "
        "postgresql+psycopg://USER@HOST/DATABASE; README 'Running on a server')"
    )
    with pytest.raises(StoreError) as info:
        open_store(path)
    assert str(info.value) == message
    assert main(["--db", str(path), "cases"]) == 2
    assert capsys.readouterr().err == f"caseworker: {message}\n"
    assert not path.exists()


def test_a_sound_store_opens_and_is_not_rewritten_by_a_read(
    store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copy.sqlite"
    shutil.copyfile(store_path, copy)
    assert main(["--db", str(copy), "audit", "verify"]) == 0
    assert capsys.readouterr().out.startswith("Audit trail intact: 0 events")
