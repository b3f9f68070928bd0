"""The report as JSON (for scripts), CSV and XLSX (every table)."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

from caseworker.reports.model import Cell, Report, StageFigures


def _plain(cell: Cell) -> Any:
    if isinstance(cell, Decimal):
        return float(cell)
    return cell


def _stage_json(s: StageFigures) -> dict[str, int]:
    return {
        "stage": s.stage,
        "received": s.received,
        "withdrawn": s.withdrawn,
        "acknowledged_in_time": s.acknowledged_in_time,
        "responded": s.responded,
        "within_code": s.within_code,
        "within_local": s.within_local,
        "pending": s.pending,
        "overdue": s.overdue,
        "late": s.late,
        "extended": s.extended,
    }


def report_json(report: Report) -> str:
    """``by_stage``, ``tsm`` (one decimal place; CH02 as percentages) and every table."""
    tsm = report.tsm
    return json.dumps(
        {
            "title": report.title,
            "organisation": report.organisation,
            "period": {
                "label": report.period_label,
                "from": report.start.isoformat(),
                "to": report.end.isoformat(),
            },
            "scope": report.scope,
            "made_on": report.made_on.isoformat(),
            "audit_chain_head": report.audit_head,
            "by_stage": [_stage_json(s) for s in report.by_stage],
            "tsm": {
                "CH01_1": _plain(tsm.ch01_1),
                "CH01_2": _plain(tsm.ch01_2),
                "CH02_1": _plain(tsm.ch02_1),
                "CH02_2": _plain(tsm.ch02_2),
                "homes": tsm.homes,
                "year_start": tsm.year_start.isoformat(),
            },
            "tables": [
                {
                    "number": t.number,
                    "section": t.section,
                    "title": t.title,
                    "columns": list(t.columns),
                    "rows": [[_plain(c) for c in row] for row in t.rows],
                    "note": t.note,
                }
                for t in report.tables
            ],
        },
        indent=2,
        ensure_ascii=False,
    )


# A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV
# injection"); a name typed at intake as ``=HYPERLINK(...)`` must stay text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Text a spreadsheet will show as typed: a formula start gets a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, str):
        return neutralise(cell)
    return str(cell)  # numbers (a negative count stays a number)


def _xlsx_value(cell: Cell) -> Any:
    return neutralise(cell) if isinstance(cell, str) else _plain(cell)


def report_csv(report: Report) -> bytes:
    """Every table one after another, each under a ``Table N: title`` line (UTF-8 with BOM,
    so Excel shows the pound sign)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_text(f"{report.title}: {report.organisation}".rstrip(": "))])
    writer.writerow(
        [_text(f"{report.period_label} ({report.start} to {report.end}); {report.scope}")]
    )
    for t in report.tables:
        writer.writerow([])
        writer.writerow([_text(f"Table {t.number}: {t.title}")])
        writer.writerow([_text(c) for c in t.columns])
        writer.writerows([_text(c) for c in row] for row in t.rows)
    return out.getvalue().encode("utf-8-sig")


def _append(sheet: Any, values: list[Cell]) -> None:
    """One row, every text cell stored as text (never as a formula), formula starts neutralised."""
    sheet.append([_xlsx_value(v) for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def report_xlsx(report: Report) -> bytes:
    """A contents sheet, then one sheet per table."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    contents = book.active
    assert contents is not None
    contents.title = "Contents"
    _append(contents, [report.title])
    contents["A1"].font = Font(bold=True, size=14)
    _append(contents, [report.organisation])
    _append(contents, [f"{report.period_label}: {report.start} to {report.end}"])
    _append(contents, [f"Scope: {report.scope}"])
    contents.append([])
    for t in report.tables:
        _append(contents, [f"Table {t.number}", t.title, t.section])
        sheet = book.create_sheet(f"Table {t.number}")
        _append(sheet, [f"Table {t.number}: {t.title}"])
        sheet["A1"].font = Font(bold=True)
        _append(sheet, list(t.columns))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in t.rows:
            _append(sheet, list(row))
        if t.note:
            sheet.append([])
            _append(sheet, [t.note])
        sheet.column_dimensions["A"].width = 36
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
