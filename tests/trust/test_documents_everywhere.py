"""Documents go wherever the record goes: the command line, subject access, backups, retention."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import sys
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select, text
from trust_helpers import ADMIN, OFFICER, log

from caseworker.cli import main
from caseworker.services.audit import verify_chain
from caseworker.services.documents import attach_document, list_documents
from caseworker.services.ending import close
from caseworker.services.retention import run_retention
from db.models import AuditEvent, Case, DocumentContent
from db.store import Store, open_store

sys.path.insert(0, str(Path(__file__).parent.parent / "db"))
from document_files import eml, jpeg, pdf

TODAY = date(2026, 6, 1)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cli(store_path: Path, *argv: str) -> int:
    return main(["--db", str(store_path), *argv])


def three_files(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = [folder / "damp.jpg", folder / "survey.pdf", folder / "complaint.eml"]
    files[0].write_bytes(jpeg())
    files[1].write_bytes(pdf())
    files[2].write_bytes(eml(with_photo=jpeg((30, 30, 30))))
    return files


@pytest.fixture
def demo_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, str]:
    """A demo store, as a new user would make one, and one of its open complaints."""
    path = tmp_path / "demo.sqlite"
    assert cli(path, "demo", "--cases", "20", "--seed", "3", "--today", "2026-03-16") == 0
    store = open_store(path)
    with store.read() as s:
        ref = s.scalar(
            select(Case.reference)
            .where(Case.kind == "complaint", Case.restricted.is_(False))
            .order_by(Case.reference)
            .limit(1)
        )
    store.close()
    assert ref is not None
    capsys.readouterr()
    return path, ref


def test_attach_three_files_and_get_them_back_with_the_same_sha256(
    demo_case: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, ref = demo_case
    files = three_files(tmp_path / "in")
    assert (
        cli(path, "attach", ref, *map(str, files), "--from", "Jane Doe", "--today", "2026-03-16")
        == 0
    )
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"Kept 'damp.jpg' (JPEG photo, {files[0].stat().st_size} bytes) with {ref}"
    assert (
        out[3] == f"  Kept 'damp.jpg' (JPEG photo, {len(jpeg((30, 30, 30)))} bytes) from the email"
    )
    assert cli(path, "documents", ref, "--out", str(tmp_path / "out")) == 2
    assert capsys.readouterr().err == (
        f"caseworker: The folder {tmp_path / 'out'} does not exist: create it first or choose "
        "another\n"
    )
    (tmp_path / "out").mkdir()
    assert cli(path, "documents", ref, "--out", str(tmp_path / "out")) == 0
    written = {
        Path(line.split("  ")[0]).name: line.split("sha256 ")[1]
        for line in capsys.readouterr().out.splitlines()
    }
    assert sorted(written) == ["complaint.eml", "damp (2).jpg", "damp.jpg", "survey.pdf"]
    for f in files:
        assert sha(tmp_path / "out" / f.name) == sha(f) or f.name == "damp.jpg"
    # The two photos called damp.jpg (one sent alone, one in the email) are both there.
    photos = {sha(tmp_path / "out" / n) for n in ("damp.jpg", "damp (2).jpg")}
    assert photos == {sha(files[0]), hashlib.sha256(jpeg((30, 30, 30))).hexdigest()}
    assert sha(tmp_path / "out" / "survey.pdf") == sha(files[1])
    assert sha(tmp_path / "out" / "complaint.eml") == sha(files[2])
    # Writing out again never overwrites: new names beside the old ones.
    before = sha(tmp_path / "out" / "survey.pdf")
    assert cli(path, "documents", ref, "--out", str(tmp_path / "out")) == 0
    assert sha(tmp_path / "out" / "survey (2).pdf") == before


def test_export_person_includes_the_documents(
    demo_case: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, ref = demo_case
    files = three_files(tmp_path / "in")
    assert cli(path, "attach", ref, *map(str, files), "--today", "2026-03-16") == 0
    store = open_store(path)
    with store.read() as s:
        person = s.execute(
            text(
                "SELECT p.id FROM people p JOIN case_parties cp ON cp.person_id = p.id "
                "JOIN cases c ON c.id = cp.case_id "
                "WHERE c.reference = :r AND cp.role = 'complainant'"
            ),
            {"r": ref},
        ).scalar_one()
    store.close()
    capsys.readouterr()
    (tmp_path / "sar").mkdir()  # an output folder must exist (test_output_paths)
    assert cli(path, "export-person", person, "--out", str(tmp_path / "sar")) == 0
    lines = capsys.readouterr().out.splitlines()
    folder = Path(lines[3].split(" into ")[1])
    assert lines[3] == f"Wrote 4 of 4 documents into {folder}"
    data = json.loads(Path(lines[2].removeprefix("Wrote ")).read_text(encoding="utf-8"))
    mine = [d for d in data["documents"] if d["case"] == ref]
    assert [d["file_name"] for d in mine] == ["complaint.eml", "damp.jpg", "damp.jpg", "survey.pdf"]
    by_name = {d["sha256"]: base64.b64decode(d["content_base64"]) for d in mine}
    assert by_name[sha(files[1])] == files[1].read_bytes()
    assert sorted(sha(p) for p in folder.iterdir()) == sorted(d["sha256"] for d in mine)
    pdf_text = "".join(p.extract_text() for p in PdfReader(lines[1].removeprefix("Wrote ")).pages)
    assert "Documents received (4)" in pdf_text


def test_a_backup_restored_elsewhere_still_has_the_documents(
    demo_case: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, ref = demo_case
    files = three_files(tmp_path / "in")
    assert cli(path, "attach", ref, *map(str, files), "--today", "2026-03-16") == 0
    assert cli(path, "backup", str(tmp_path / "backup.sqlite")) == 0
    elsewhere = tmp_path / "other pc" / "store.sqlite"
    elsewhere.parent.mkdir()
    assert cli(elsewhere, "demo", "--cases", "1", "--seed", "9") == 0  # a store already there
    assert cli(elsewhere, "restore", str(tmp_path / "backup.sqlite")) == 0
    capsys.readouterr()
    (tmp_path / "restored").mkdir()
    assert cli(elsewhere, "documents", ref, "--out", str(tmp_path / "restored")) == 0
    got = sorted(sha(p) for p in (tmp_path / "restored").iterdir())
    assert got == sorted(
        [
            sha(files[0]),
            sha(files[1]),
            sha(files[2]),
            hashlib.sha256(jpeg((30, 30, 30))).hexdigest(),
        ]
    )


def test_retention_removes_documents_with_the_case_and_the_audit_keeps_their_digests(
    store: Store,
) -> None:
    ref = log(store, kind="compliment", received=date(2019, 5, 1), description="Thanks")
    photo, report = jpeg(), pdf()
    with store.write() as s:
        for data, name in ((photo, "thanks.jpg"), (report, "card.pdf")):
            attach_document(
                s, OFFICER, ref, data=data, file_name=name, received=date(2019, 5, 2), today=TODAY
            )
    with store.write() as s:
        close(s, OFFICER, ref, closed_on=date(2019, 6, 3), expected_version=None, today=TODAY)
    with store.write() as s:
        dry = run_retention(s, ADMIN, today=TODAY)
    assert [(c.reference, c.documents) for c in dry.cases] == [(ref, 2)]
    with store.write() as s:
        run_retention(s, ADMIN, today=TODAY, dry_run=False)
    with store.read() as s:
        docs = list_documents(s, ADMIN, ref)
        assert sorted((d.title, d.file_name, d.removed, d.sha256) for d in docs) == sorted(
            [
                ("", "", True, hashlib.sha256(photo).hexdigest()),
                ("", "", True, hashlib.sha256(report).hexdigest()),
            ]
        )
        assert s.scalar(select(text("count(*)")).select_from(DocumentContent)) == 0
        event = s.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
        assert event.action == "retention-run"
        assert sorted(event.changes["documents_removed"], key=lambda d: d["type"]) == [
            {
                "case": ref,
                "sha256": hashlib.sha256(photo).hexdigest(),
                "size": len(photo),
                "type": "jpeg",
            },
            {
                "case": ref,
                "sha256": hashlib.sha256(report).hexdigest(),
                "size": len(report),
                "type": "pdf",
            },
        ]
        assert verify_chain(s) is None
    store.close()
    if store.path is not None:  # a SQLite store: the bytes are gone from its files too
        for file in store.path.parent.glob(f"{store.path.name}*"):
            assert photo not in file.read_bytes(), file


def test_attach_refuses_bad_input_in_one_line_and_keeps_nothing(
    store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(store_path)
    ref = log(store)
    store.close()
    good = tmp_path / "good.pdf"
    good.write_bytes(pdf())
    program = tmp_path / "photo.jpg"
    shutil.copyfile(shutil.which("true") or "/bin/true", program)
    cases = [
        (
            [str(good), str(program)],
            "caseworker: photo.jpg is a Linux program, not a document, whatever its name says; "
            "programs are not kept with cases (they could harm the PCs that open them). "
            "Nothing was attached\n",
        ),
        (
            [str(tmp_path / "missing.pdf")],
            f"caseworker: {tmp_path / 'missing.pdf'} does not exist. Nothing was attached\n",
        ),
        (
            [str(tmp_path)],
            f"caseworker: {tmp_path} is a folder, not a file. Nothing was attached\n",
        ),
        (
            [str(good), "--received", "31/02/2026"],
            "caseworker: --received: '31/02/2026' is not a real date\n",
        ),
        (
            [str(good), str(good), "--title", "Report"],
            "caseworker: --title names one file; attach the files one at a time to title each\n",
        ),
    ]
    for argv, message in cases:
        assert cli(store_path, "attach", ref, *argv) == 2
        assert capsys.readouterr().err == message
    assert cli(store_path, "documents", ref) == 0
    assert capsys.readouterr().out == f"{ref}: no documents\n"
    assert cli(store_path, "documents", ref, "--out", str(good)) == 2
    assert capsys.readouterr().err == f"caseworker: --out {good} is a file, not a folder\n"


def test_a_file_over_the_limit_is_refused_before_it_is_read(
    store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(store_path)
    ref = log(store)
    store.close()
    big = tmp_path / "big.pdf"
    with big.open("wb") as f:
        f.write(b"%PDF-1.4\n")
        f.truncate(26 * 1024 * 1024)  # sparse: 26 MB on paper
    assert cli(store_path, "attach", ref, str(big)) == 2
    assert capsys.readouterr().err == (
        f"caseworker: {big} is 26.0 MB; the largest document kept with a case is 25.0 MB "
        "(set in Settings). Nothing was attached\n"
    )


@pytest.mark.skipif(os.name == "nt", reason="links need privileges on Windows")
def test_documents_out_never_writes_through_a_planted_link_or_a_hostile_name(
    store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(store_path)
    ref = log(store)
    with store.write() as s:
        attach_document(
            s,
            OFFICER,
            ref,
            data=b"rm -rf ~\n",
            file_name="../../.bashrc",
            received=TODAY,
            today=TODAY,
        )
        attach_document(
            s,
            OFFICER,
            ref,
            data=pdf(),
            file_name="C:\\Windows\\report.pdf",
            received=TODAY,
            today=TODAY,
        )
    store.close()
    out = tmp_path / "out"
    out.mkdir()
    target = tmp_path / "victim.txt"
    target.write_text("precious")
    (out / "report.pdf").symlink_to(target)
    assert cli(store.path, "documents", ref, "--out", str(out)) == 0
    assert target.read_text() == "precious"
    assert sorted(p.name for p in out.iterdir()) == ["bashrc.txt", "report (2).pdf", "report.pdf"]
    assert (out / "bashrc.txt").read_bytes() == b"rm -rf ~\n"
    assert not (tmp_path / ".bashrc").exists()
