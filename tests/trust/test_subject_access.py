"""Subject access: everything held about one person, as a PDF and a JSON file."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from trust_helpers import ADVISOR, MANAGER, OFFICER, log

from caseworker.cli import main
from caseworker.services.actor import Actor
from caseworker.services.errors import NotAllowed
from caseworker.services.people import PersonInput
from caseworker.services.records import add_note
from caseworker.services.subject_access import gather_person
from db.models import CaseParty
from db.store import Store

NOW = datetime(2026, 6, 1, 9, 0, 0)


def two_cases_for_jane(store: Store) -> tuple[str, str, str]:
    first = log(store)
    with store.read() as s:
        jane = s.scalar(select(CaseParty.person_id))
    assert jane is not None
    second = log(store, complainants=(jane,), description="Bins not collected on Elm Road")
    log(store, complainants=(PersonInput(name="Sam Other"),), description="Someone else's")
    with store.write() as s:
        add_note(s, OFFICER, second, text="Jane rang about the bins", expected_version=None)
    return jane, first, second


def test_export_person_writes_a_pdf_and_a_json_of_everything(
    store: Store, cli_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jane, first, second = two_cases_for_jane(store)
    store.close()
    out = tmp_path / "sar"
    out.mkdir()  # the folder must exist (test_output_paths)
    assert main(["--db", cli_db, "export-person", "jane doe", "--out", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "2 cases, 1 notes, 0 letters, 4 audit entries"
    pdf_path = Path(lines[1].removeprefix("Wrote "))
    json_path = Path(lines[2].removeprefix("Wrote "))
    assert pdf_path.parent == json_path.parent == out
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["person"]["id"] == jane
    assert data["person"]["postcode"] == "S43 4JJ"
    assert [c["reference"] for c in data["cases"]] == [first, second]
    assert [c["their_role"] for c in data["cases"]] == ["complainant", "complainant"]
    assert data["cases"][1]["description"] == "Bins not collected on Elm Road"
    assert [n["text"] for n in data["notes"]] == ["Jane rang about the bins"]
    assert [(e["action"], e["case"]) for e in data["audit_entries"]] == [
        ("add-person", ""),
        ("log-record", first),
        ("log-record", second),
        ("add-note", second),
    ]
    assert "Sam Other" not in json_path.read_text(encoding="utf-8")
    text = "".join(page.extract_text() for page in PdfReader(pdf_path).pages)
    assert "Everything we hold about Jane Doe" in text
    assert "Bins not collected on Elm Road" in text
    assert "Jane rang about the bins" in text
    assert "Sam Other" not in text


def test_who_may_export_and_restricted_cases(store: Store) -> None:
    log(store, restricted=True, description="Safeguarding concern")
    with pytest.raises(NotAllowed) as info, store.write() as s:
        gather_person(s, ADVISOR, "Jane Doe", now=NOW)
    assert str(info.value) == (
        "Only a manager or administrator may export everything held about a person; "
        "you are signed in as an advisor"
    )
    no_access = Actor("m2", "M. Two", MANAGER.role, restricted_access=False)
    with pytest.raises(NotAllowed), store.write() as s:
        gather_person(s, no_access, "Jane Doe", now=NOW)
    with store.write() as s:
        record = gather_person(
            s,
            Actor("boss", "The Boss", MANAGER.role, restricted_access=True),
            "Jane Doe",
            now=NOW,
        )
    assert [c["description"] for c in record.cases] == ["Safeguarding concern"]


def test_a_shared_name_asks_for_the_id(store: Store) -> None:
    log(store)
    log(store)
    with pytest.raises(Exception) as info, store.write() as s:
        gather_person(s, MANAGER, "Jane Doe", now=NOW)
    assert str(info.value).startswith("2 people are called Jane Doe; give the id of one: ")
