"""A hostile or broken spreadsheet is refused by row and column, and nothing is imported."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from trust_helpers import OFFICER, counts, sha256

from caseworker.cli import main
from caseworker.domain.errors import InvalidInput
from caseworker.domain.text_limits import check_text
from caseworker.services.people import PersonInput, add_person
from db.store import Store

HEADER = "reference,kind,received,resident_name,description\n"


def _row(n: int, name: str = "", description: str = "Repairs late") -> str:
    return f"Q{n},complaint,2026-01-05,{name or f'Resident {n}'},{description}\n"


_CLI_DB: list[str] = [""]


@pytest.fixture(autouse=True)
def _signed_in(cli_db: str) -> None:
    """The command line's way to this test's store (signed in, on a server)."""
    _CLI_DB[0] = cli_db


def _import(store: Store, path: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """Import through the command line; refused with exit 2, every problem listed."""
    before = counts(store)
    assert main(["--db", _CLI_DB[0], "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.startswith("caseworker: Nothing was imported: the file has ")
    assert counts(store) == before
    return [line.strip() for line in err.splitlines()[1:]]


def test_a_quote_left_open_is_refused_naming_its_row_and_column(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "q.csv"
    path.write_text(
        'reference,kind,received,resident_name\nQ1,complaint,2026-01-05,"Jane\n'
        "Q2,complaint,2026-01-05,Bob\n"
    )
    assert _import(store, path, capsys) == [
        'row 2, column resident_name: a quote (") opened here is never closed, so the rest of '
        "the file would run into this cell; close the quote or remove it"
    ]


def test_a_quote_open_on_row_40_of_100_is_found_there(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [_row(n) for n in range(2, 102)]
    rows[38] = 'Q40,complaint,2026-01-05,Resident 40,"The repair was\n'
    path = tmp_path / "q.csv"
    path.write_text(HEADER + "".join(rows))
    assert _import(store, path, capsys) == [
        'row 40, column description: a quote (") opened here is never closed, so the rest of '
        "the file would run into this cell; close the quote or remove it"
    ]


def test_rows_merged_by_a_stray_closing_quote_are_refused(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The quote opened on row 5 is closed by a stray quote on a later line: CSV reads one
    # name holding the residents of the rows between. A name holds no line breaks.
    rows = [_row(n) for n in range(2, 102)]
    rows[3] = 'Q5,complaint,2026-01-05,"Jane,Repairs\n'
    rows[5] = 'Q7,complaint,2026-01-05,Bob",Repairs\n'
    path = tmp_path / "q.csv"
    path.write_text(HEADER + "".join(rows))
    assert _import(store, path, capsys) == [
        "row 5, column resident_name: the cell contains a line break, which cannot be saved"
    ]


def test_fields_past_intakes_limits_and_nul_characters_are_refused(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "long.csv"
    path.write_text(
        HEADER
        + _row(2, name="N" * 100_000)
        + _row(3, description="d" * 131_073)
        + _row(4, name="Jane\x00Doe")
        + _row(5, name="Jane Doe")
    )
    assert _import(store, path, capsys) == [
        "row 2, column resident_name: the cell can be at most 200 characters",
        "row 3, column description: the cell can be at most 20,000 characters",
        "row 4, column resident_name: the cell contains a NUL character, which cannot be saved",
    ]


def test_intake_holds_names_to_the_same_limit(store: Store) -> None:
    """One definition: the person form and the import refuse the same name."""
    with pytest.raises(InvalidInput, match="A name can be at most 200 characters"):
        check_text("A name", "N" * 201, 200)
    with store.write() as s, pytest.raises(InvalidInput) as info:
        add_person(s, OFFICER, PersonInput(name="Jane\x00Doe"))
    assert str(info.value) == "A name contains a NUL character, which cannot be saved"


def _xlsx(path: Path, rows: list[list[object]], damage: tuple[str, str] | None = None) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    if damage is not None:
        with zipfile.ZipFile(path) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        name = "xl/worksheets/sheet1.xml"
        parts[name] = parts[name].replace(damage[0].encode(), damage[1].encode())
        with zipfile.ZipFile(path, "w") as z:
            for n, data in parts.items():
                z.writestr(n, data)
    return path


def test_malformed_xlsx_row_data_is_named_by_row_and_column(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header = ["reference", "kind", "received", "resident_name"]
    path = _xlsx(
        tmp_path / "bad.xlsx",
        [header, ["X1", "complaint", "2026-01-05", "Jane"], ["X2", "complaint", 12345, "Bob"]],
        damage=("<v>12345</v>", "<v>not a number</v>"),
    )
    before = sha256(path)
    problems = _import(store, path, capsys)
    assert len(problems) == 1
    assert problems[0].startswith("row 3, column received: this row cannot be read (")
    assert sha256(path) == before


def test_xlsx_cells_get_the_same_limits(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header = ["reference", "kind", "received", "resident_name", "site"]
    path = _xlsx(
        tmp_path / "long.xlsx",
        [
            header,
            ["X1", "complaint", "2026-01-05", "N" * 40_000, "Depot"],
            ["X2", "complaint", "2026-01-05", "Bob", "S" * 121],
        ],
    )
    assert _import(store, path, capsys) == [
        "row 2, column resident_name: the cell can be at most 200 characters",
        "row 3, column site: the cell can be at most 120 characters",
    ]
