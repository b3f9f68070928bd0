"""Every ``--out`` and backup path is checked before anything is written, and written whole."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from trust_helpers import MANAGER, OFFICER, log, sha256

from caseworker.cli import main
from caseworker.services import stages
from caseworker.services.settings import set_setting
from db.models import Correspondence
from db.output_files import OutputRefused, check_output, write_output
from db.store import Store

# The letter is made on the day of the acknowledgement (a later date would promise a past one).
DAY = "2026-02-04"


REPORT = ["report", "--from", "2026-01-01", "--to", "2026-03-31", "--format", "csv"]
ORGANISATION = {
    "name": "North Derbyshire District Council",
    "address": "Mill Lane, Clowne, S43 4JY",
    "phone": "01246 000000",
    "email": "complaints@nddc.example",
    "signatory_name": "Priya Shah",
    "signatory_role": "Complaints Manager",
}


@pytest.fixture
def engine_name() -> str:
    """Output files beside a store file (never the store, its journal or its backups)."""
    return "sqlite"


def _acknowledged_case(store: Store) -> str:
    with store.write() as s:
        set_setting(s, MANAGER, "organisation", ORGANISATION)
    ref = log(store)
    with store.write() as s:
        stages.acknowledge(
            s,
            OFFICER,
            ref,
            acknowledged=date(2026, 2, 4),
            definition=stages.Definition(
                points=("The roof still leaks",),
                outcomes_sought="Fix the roof",
                responsible_for="How our repairs team handled your reports",
            ),
            handler="A. Smith",
            expected_version=None,
            today=date(2026, 2, 4),
        )
    return ref


def _letters(store: Store) -> int:
    with store.read() as s:
        return int(s.scalar(select(func.count()).select_from(Correspondence)) or 0)


def _read_only(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``folder`` read-only; as root (who may write anyway) the check is shown it so."""
    folder.chmod(0o555)
    if os.access(folder, os.W_OK):
        real = os.access

        def access(path: object, mode: int, **kw: object) -> bool:
            if Path(str(path)) == folder and mode & os.W_OK:
                return False
            return real(path, mode, **kw)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "access", access)


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str], start: str) -> str:
    assert main(argv) == 2
    captured = capsys.readouterr()
    err = captured.err
    assert err.startswith(f"caseworker: {start}"), err
    assert err.count("\n") == 1 and "Traceback" not in err
    return err


def test_report_out_never_overwrites_the_store_or_its_journal(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    log(store)
    path = store.path
    # The -wal and -shm exist while the store is open (SQLite itself changes them).
    targets = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
    assert all(t.exists() for t in targets)
    for target in targets:
        err = _refused(["--db", str(path), *REPORT, "--out", str(target)], capsys, str(target))
        assert "nothing was written" in err
    # A relative spelling and a symbolic link resolve to the store too.
    link = path.with_name("report.csv")
    link.symlink_to(path)
    _refused(["--db", str(path), *REPORT, "--out", str(link)], capsys, str(link))
    dotted = path.parent / "." / path.name
    _refused(["--db", str(path), *REPORT, "--out", str(dotted)], capsys, str(dotted))
    assert not any(b"Table 1:" in t.read_bytes() for t in targets)
    assert main(["--db", str(path), "cases", "--json"]) == 0
    assert capsys.readouterr().out.count('"reference"') == 1
    assert main(["--db", str(path), "audit", "verify"]) == 0


def test_report_out_never_overwrites_another_store_or_a_backup(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log(store)
    assert main(["--db", str(store.path), "audit", "verify"]) == 0  # makes the day's backup
    other = tmp_path / "elsewhere" / "copy.csv"  # a store under an innocent name
    other.parent.mkdir()
    shutil.copyfile(store.path, other)
    hard = tmp_path / "hard.csv"
    os.link(store.path, hard)  # the same file by another name
    backups = store.path.with_name(store.path.name + ".backups")
    daily = sorted(backups.glob("daily-*.sqlite"))
    assert daily, "the command line made the day's backup"
    for target in (other, hard, daily[0], Path(f"{daily[0]}.head.txt")):
        digest = sha256(target)
        _refused(["--db", str(store.path), *REPORT, "--out", str(target)], capsys, str(target))
        assert sha256(target) == digest


def test_report_out_into_a_bad_folder_is_one_line(
    store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = ["--db", str(store.path)]
    missing = tmp_path / "no such folder" / "r.csv"
    _refused([*db, *REPORT, "--out", str(missing)], capsys, f"The folder {missing.parent} does not")
    _refused([*db, *REPORT, "--out", str(tmp_path)], capsys, f"{tmp_path} is a folder")
    locked = tmp_path / "locked"
    locked.mkdir()
    _read_only(locked, monkeypatch)
    out = locked / "r.csv"
    _refused([*db, *REPORT, "--out", str(out)], capsys, f"Cannot write to the folder {locked}")
    assert list(locked.iterdir()) == []
    locked.chmod(0o755)


def test_report_is_written_whole_and_replaces_an_old_one(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "q4.csv"
    out.write_text("old report")
    assert main(["--db", str(store.path), *REPORT, "--out", str(out)]) == 0
    text = out.read_bytes().decode("utf-8-sig")
    assert "old report" not in text and "\r\nTable 1: " in text
    assert [p.name for p in out.parent.iterdir()] == ["q4.csv"]  # no temporary file left


def test_letter_out_the_store_is_refused_and_nothing_is_recorded(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ref = _acknowledged_case(store)
    before = sha256(store.path)
    db = ["--db", str(store.path)]
    _refused(
        [*db, "letter", ref, "stage1-acknowledgement", "--today", DAY, "--out", str(store.path)],
        capsys,
        "",
    )
    missing = tmp_path / "letters" / "ack.pdf"
    _refused(
        [*db, "letter", ref, "stage1-acknowledgement", "--today", DAY, "--out", str(missing)],
        capsys,
        f"The folder {missing.parent} does not exist",
    )
    assert _letters(store) == 0
    assert main([*db, "audit", "verify"]) == 0
    del before  # the store changes (its daily backup, sign-in); what matters is no letter


def test_a_letter_whose_file_cannot_be_written_is_not_recorded(
    store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ref = _acknowledged_case(store)
    out = tmp_path / "ack.pdf"
    assert main(["--db", str(store.path), "audit", "verify"]) == 0  # the day's backup is made
    capsys.readouterr()

    def disk_full(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    err = _refused(
        [
            "--db",
            str(store.path),
            "letter",
            ref,
            "stage1-acknowledgement",
            "--today",
            DAY,
            "--out",
            str(out),
        ],
        capsys,
        f"Cannot write {out}",
    )
    assert "No space left on device" in err
    monkeypatch.undo()
    assert _letters(store) == 0
    assert not out.exists() and list(tmp_path.glob(".ack.pdf*")) == []
    assert (
        main(
            [
                "--db",
                str(store.path),
                "letter",
                ref,
                "stage1-acknowledgement",
                "--today",
                DAY,
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert _letters(store) == 1 and out.read_bytes().startswith(b"%PDF")


def test_backup_into_a_missing_or_read_only_folder_is_one_line(
    store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = ["--db", str(store.path)]
    missing = tmp_path / "nowhere" / "b.sqlite"
    _refused([*db, "backup", str(missing)], capsys, f"The folder {missing.parent} does not exist")
    _refused([*db, "backup", str(store.path)], capsys, f"{store.path} is the store itself")
    locked = tmp_path / "locked"
    locked.mkdir()
    _read_only(locked, monkeypatch)
    _refused([*db, "backup", str(locked / "b.sqlite")], capsys, "Cannot write to the folder")
    assert list(locked.iterdir()) == []
    locked.chmod(0o755)


def test_export_person_into_a_missing_folder_is_refused_before_the_export_is_audited(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log(store)
    missing = tmp_path / "sar"
    _refused(
        ["--db", str(store.path), "export-person", "Jane Doe", "--out", str(missing)],
        capsys,
        f"The folder {missing} does not exist",
    )


def test_write_output_checks_then_writes_atomically(store: Store, tmp_path: Path) -> None:
    with pytest.raises(OutputRefused, match="is the store itself"):
        write_output(store.path, b"x", store=store.path)
    with pytest.raises(OutputRefused, match="store's backups folder"):
        check_output(store.path.with_name("store.sqlite.backups") / "x.csv", store=store.path)
    out = tmp_path / "a.txt"
    assert write_output(out, b"one") == out.resolve()
    assert write_output(out, b"two") == out.resolve()
    assert out.read_bytes() == b"two"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.name for p in tmp_path.iterdir() if not p.name.endswith(".part")
    )
