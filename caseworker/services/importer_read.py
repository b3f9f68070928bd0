"""Reading a spreadsheet of existing records (CSV or XLSX) into a header and raw rows."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from caseworker.domain import text_limits as limits
from caseworker.domain.errors import CaseworkerError, InvalidInput
from caseworker.domain.text_limits import check_text

Cell = str | int | float | date | datetime | None

# Header row is row 1, so the first record is on row 2 (as a spreadsheet numbers it).
FIRST_DATA_ROW = 2


# Each imported text column is held to the limit intake has for the same field
# (``domain.text_limits``); a column not named here is a word or date (``limits.SHORT``).
# Service areas and themes are ``;``-separated lists of names, each held to ``LIST_NAME``.
_COLUMN_LIMITS: dict[str, tuple[int, bool]] = {
    "reference": (limits.REFERENCE, False),
    "resident_name": (limits.NAME, False),
    "address": (limits.ADDRESS, True),
    "postcode": (limits.POSTCODE, False),
    "phone": (limits.PHONE, False),
    "email": (limits.EMAIL, False),
    "description": (limits.FREE_TEXT, True),
    "site": (limits.LIST_NAME, False),
    "service_areas": (limits.FREE_TEXT, False),
    "themes": (limits.FREE_TEXT, False),
    "stage1_handler": (limits.LIST_NAME, False),
    "stage2_handler": (limits.LIST_NAME, False),
    "stage1_extension_reason": (limits.ADDRESS, True),
    "stage2_extension_reason": (limits.ADDRESS, True),
    "refused_reason": (limits.ADDRESS, True),
    "withdrawal_reason": (limits.ADDRESS, True),
}
_LISTS = ("service_areas", "themes")


@dataclass(frozen=True)
class CellProblem:
    """Something in the file that cannot be read, where a person can find it."""

    row: int  # 1 is the header row
    column: str
    message: str


class UnreadableRows(CaseworkerError):
    """Cells or rows of the file cannot be read; ``problems`` says where. Nothing is imported."""

    def __init__(self, problems: list[CellProblem]) -> None:
        self.problems = tuple(problems)
        first = self.problems[0]
        super().__init__(f"row {first.row}, column {first.column}: {first.message}")


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


def _column_name(header: tuple[str, ...], index: int) -> str:
    return header[index] if index < len(header) and header[index] else f"{index + 1}"


def _cell_problems(
    number: int, cells: tuple[Cell, ...], header: tuple[str, ...]
) -> list[CellProblem]:
    """Each text cell held to its column's length and character limits."""
    found: list[CellProblem] = []
    for index, cell in enumerate(cells):
        if not isinstance(cell, str) or not cell:
            continue
        column = _column_name(header, index)
        limit, lines = _COLUMN_LIMITS.get(column, (limits.SHORT, False))
        parts = cell.split(";") if column in _LISTS else [cell]
        for part in parts:
            value = part.strip() if column in _LISTS else cell
            try:
                check_text(
                    "the cell", value, limits.LIST_NAME if column in _LISTS else limit, lines=lines
                )
            except InvalidInput as exc:
                found.append(CellProblem(number, column, str(exc)))
                break
    return found


def _table(lines: Iterator[tuple[Cell, ...]], source: str) -> RawTable:
    """The header and non-blank rows; every cell checked, every problem collected.

    Raises:
        InvalidInput: no header row.
        UnreadableRows: cells too long or holding characters that cannot be saved.
    """
    header: tuple[str, ...] | None = None
    rows: list[tuple[int, tuple[Cell, ...]]] = []
    problems: list[CellProblem] = []
    for number, cells in enumerate(lines, start=1):
        if header is None:
            if _blank(cells):
                raise InvalidInput(f"{source}: the first row must hold the column names")
            header = tuple("" if c is None else str(c).strip() for c in cells)
            problems += _cell_problems(number, header, ("",) * len(header))
            continue
        if not _blank(cells):
            problems += _cell_problems(number, cells, header)
            rows.append((number, cells))
    if header is None:
        raise InvalidInput(f"{source} is empty: it needs a header row and one row per record")
    if problems:
        raise UnreadableRows(problems)
    return RawTable(header, tuple(rows))


def _open_quote(text: str, start: int) -> int:
    """The field (0-based) of the record starting at ``start`` whose quote is never closed."""
    field, at_start, quoted, opened = 0, True, False, 0
    i = start
    while i < len(text):
        ch = text[i]
        if quoted:
            if ch == '"':
                if text.startswith('"', i + 1):
                    i += 1
                else:
                    quoted = False
        elif ch == '"' and at_start:
            quoted, opened = True, field
        elif ch == ",":
            field += 1
            at_start = True
            i += 1
            continue
        elif ch in "\r\n":
            field, at_start = 0, True
            i += 1
            continue
        at_start = False
        i += 1
    return opened


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts += [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    return starts


def _csv_rows(text: str, header: list[tuple[str, ...]]) -> Iterator[tuple[Cell, ...]]:
    """Rows of the CSV; a quote left open or an over-long field is reported where it is."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    record = 0
    while True:
        line = reader.line_num  # physical lines read so far: the record starts after them
        record += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            start = _line_starts(text)[min(line, len(_line_starts(text)) - 1)]
            names = header[0] if header else ()
            if "end of data" in str(exc):
                column = _column_name(names, _open_quote(text, start))
                message = (
                    'a quote (") opened here is never closed, so the rest of the file would '
                    "run into this cell; close the quote or remove it"
                )
            else:
                column = "(a cell)"
                message = f"this row cannot be read as CSV ({exc})"
            raise UnreadableRows([CellProblem(record, column, message)]) from None
        row = tuple(cells)
        if not header:
            header.append(tuple(c.strip() for c in row))
        yield row


def read_csv(path: Path) -> RawTable:
    text = _decode(path.read_bytes())
    before = csv.field_size_limit()
    # The file is in memory already: let the reader take any field, so an over-long one is
    # reported with its row and column by the cell check (not as csv's own error).
    csv.field_size_limit(max(before, len(text) + 1))
    try:
        return _table(_csv_rows(text, []), path.name)
    finally:
        csv.field_size_limit(before)


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
        return _table(_xlsx_rows(sheet.iter_rows(values_only=True)), path.name)
    except UnreadableRows as exc:
        header = _xlsx_header(book)
        raise UnreadableRows([_name_column(p, path, header) for p in exc.problems]) from None
    finally:
        book.close()


def _xlsx_header(book: object) -> tuple[str, ...]:
    try:
        first = next(book.worksheets[0].iter_rows(values_only=True, max_row=1))  # type: ignore[attr-defined]
        return tuple("" if c is None else str(c).strip() for c in first)
    except Exception:  # the header itself is damaged
        return ()


_CELL = re.compile(r'<c\b[^>]*\br="([A-Z]+)(\d+)"[^>]*?(?:/>|>(.*?)</c>)', re.S)


def _name_column(problem: CellProblem, path: Path, header: tuple[str, ...]) -> CellProblem:
    """The column of a cell openpyxl could not read, found in the sheet's XML (best effort).

    A number cell that is not a number, or a true/false cell that is neither, is the usual
    damage; its column letter is turned into the header's name.
    """
    from openpyxl.utils import column_index_from_string

    if problem.column != "(a cell)":
        return problem
    try:
        with zipfile.ZipFile(path) as z:
            name = next(n for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
            xml = z.read(name).decode("utf-8", errors="replace")
    except (OSError, StopIteration, zipfile.BadZipFile):
        return problem
    for match in _CELL.finditer(xml):
        letters, row, body = match.group(1), int(match.group(2)), match.group(3) or ""
        if row != problem.row:
            continue
        kind = re.search(r'\bt="(\w+)"', match.group(0)[: match.group(0).find(">")])
        value = re.search(r"<v>(.*?)</v>", body, re.S)
        if value is None:
            continue
        text, t = value.group(1), kind.group(1) if kind else "n"
        try:
            if t == "n":
                float(text)
            elif t in ("s", "b"):
                int(text)
        except ValueError:
            index = column_index_from_string(letters) - 1
            return CellProblem(problem.row, _column_name(header, index), problem.message)
    return problem


def _xlsx_rows(rows: Iterator[tuple[object, ...]]) -> Iterator[tuple[Cell, ...]]:
    """Rows of the sheet; a row openpyxl cannot read is reported by its number."""
    number = 0
    while True:
        number += 1
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # openpyxl raises many kinds for damaged row data
            reason = str(exc) or type(exc).__name__
            raise UnreadableRows(
                [CellProblem(number, "(a cell)", f"this row cannot be read ({reason[:200]})")]
            ) from None
        yield tuple(_excel_cell(v) for v in row)


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
