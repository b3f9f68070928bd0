"""Reading a spreadsheet of existing records (CSV or XLSX) into a header and raw rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from caseworker.domain.errors import InvalidInput

Cell = str | int | float | date | datetime | None

# Header row is row 1, so the first record is on row 2 (as a spreadsheet numbers it).
FIRST_DATA_ROW = 2


@dataclass(frozen=True)
class RawTable:
    """A spreadsheet's header and its data rows, each with the row number people see."""

    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[Cell, ...]], ...]


def _decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1252 (Excel's "CSV" on Windows)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise InvalidInput(
            "The file is neither UTF-8 nor Windows-1252 text; save it again as "
            "'CSV UTF-8' from Excel"
        ) from None


def _blank(cells: tuple[Cell, ...]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _table(lines: Iterator[tuple[Cell, ...]], source: str) -> RawTable:
    header: tuple[str, ...] | None = None
    rows: list[tuple[int, tuple[Cell, ...]]] = []
    for number, cells in enumerate(lines, start=1):
        if header is None:
            if _blank(cells):
                raise InvalidInput(f"{source}: the first row must hold the column names")
            header = tuple("" if c is None else str(c).strip() for c in cells)
            continue
        if not _blank(cells):
            rows.append((number, cells))
    if header is None:
        raise InvalidInput(f"{source} is empty: it needs a header row and one row per record")
    return RawTable(header, tuple(rows))


def read_csv(path: Path) -> RawTable:
    text = _decode(path.read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""))
    return _table((tuple(r) for r in reader), path.name)


def _excel_cell(value: object) -> Cell:
    if isinstance(value, datetime | date | str | int | float) or value is None:
        return value
    if isinstance(value, time):
        return value.isoformat()
    return str(value)


def read_xlsx(path: Path) -> RawTable:
    """The first sheet; date-formatted cells arrive as dates (native Excel dates)."""
    from openpyxl import load_workbook  # only needed for XLSX files

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InvalidInput(f"{path.name} cannot be read as an Excel workbook ({exc})") from None
    try:
        sheet = book.worksheets[0]
        lines = (tuple(_excel_cell(v) for v in row) for row in sheet.iter_rows(values_only=True))
        return _table(lines, path.name)
    finally:
        book.close()


def read_table(path: Path) -> RawTable:
    """Read a ``.csv`` or ``.xlsx`` file.

    Raises:
        InvalidInput: a missing file, another format, or an unreadable file.
    """
    if not path.is_file():
        raise InvalidInput(f"There is no file {path}")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    raise InvalidInput(f"{path.name}: only .csv and .xlsx files can be imported")
