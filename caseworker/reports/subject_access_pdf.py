"""The subject access PDF: everything held about one person, in plain sections."""

from __future__ import annotations

import json
from io import BytesIO
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from caseworker.letters.pdf import markup
from caseworker.letters.styles import ACCENT, FONT, FONT_BOLD, RULE, register_fonts

_BODY = ParagraphStyle("sar-body", fontName=FONT, fontSize=9, leading=12)
_SMALL = ParagraphStyle("sar-small", fontName=FONT, fontSize=7.5, leading=9.5)
_TITLE = ParagraphStyle("sar-title", fontName=FONT_BOLD, fontSize=15, leading=19, textColor=ACCENT)
_HEADING = ParagraphStyle(
    "sar-heading",
    fontName=FONT_BOLD,
    fontSize=11.5,
    leading=15,
    spaceBefore=10,
    spaceAfter=4,
    textColor=ACCENT,
)
_SUB = ParagraphStyle("sar-sub", fontName=FONT_BOLD, fontSize=9.5, leading=13, spaceBefore=6)


def _text(value: Any) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _fields(data: dict[str, Any], style: ParagraphStyle = _BODY) -> Table:
    rows = [
        [Paragraph(markup(key.replace("_", " ")), _SMALL), Paragraph(markup(_text(v)), style)]
        for key, v in data.items()
        if not isinstance(v, list) or not v or not isinstance(v[0], dict)
    ]
    table = Table(rows or [["-", "-"]], colWidths=[45 * mm, 125 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _rows(items: list[dict[str, Any]], keys: tuple[str, ...], widths: tuple[float, ...]) -> Table:
    head = [Paragraph(markup(k.replace("_", " ")), _SMALL) for k in keys]
    body = [[Paragraph(markup(_text(item.get(k))), _SMALL) for k in keys] for item in items]
    table = Table([head, *body], colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def render_person_record(data: dict[str, Any]) -> bytes:
    """The PDF of a subject access export (``PersonRecord.as_json()``)."""
    register_fonts()
    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title="Subject access export",
    )
    person = data["person"]
    story: list[Any] = [
        Paragraph(markup(f"Everything we hold about {person['name']}"), _TITLE),
        Paragraph(markup(f"Made {data['made_at']} by {data['made_by']}"), _BODY),
        Paragraph("Personal details", _HEADING),
        _fields(person),
    ]
    if data["equality_monitoring"]:
        story += [Paragraph("Equality monitoring (voluntary)", _HEADING)]
        story += [_fields(a) for a in data["equality_monitoring"]]
    story.append(Paragraph(f"Cases ({len(data['cases'])})", _HEADING))
    for case in data["cases"]:
        story.append(Paragraph(markup(f"{case['reference']}: {case['kind']}"), _SUB))
        story.append(_fields(case))
        for part in ("points", "extensions", "remedies", "outstanding_actions"):
            for item in case[part]:
                story += [Spacer(0, 2), _fields({f"{part.replace('_', ' ')}": "", **item})]
    story.append(Paragraph(f"Notes ({len(data['notes'])})", _HEADING))
    if data["notes"]:
        story.append(_rows(data["notes"], ("case", "at", "author", "text"), (30, 30, 30, 80)))
    story.append(Paragraph(f"Letters and documents ({len(data['letters'])})", _HEADING))
    if data["letters"]:
        story.append(
            _rows(
                data["letters"],
                ("case", "letter_kind", "addressee_name", "made_at", "sent_on", "sha256"),
                (28, 30, 30, 28, 20, 34),
            )
        )
        story.append(Paragraph("The letters themselves are in the JSON file.", _SMALL))
    documents = data.get("documents", [])
    story.append(Paragraph(f"Documents received ({len(documents)})", _HEADING))
    if documents:
        story.append(
            _rows(
                documents,
                ("case", "received", "title", "file_name", "sender", "sha256"),
                (28, 20, 36, 30, 22, 34),
            )
        )
        story.append(
            Paragraph("The documents themselves are in the folder beside this file.", _SMALL)
        )
    story.append(Paragraph(f"Audit entries ({len(data['audit_entries'])})", _HEADING))
    if data["audit_entries"]:
        story.append(
            _rows(
                data["audit_entries"],
                ("seq", "at", "actor", "case", "action", "changes"),
                (10, 26, 24, 26, 24, 60),
            )
        )
    doc.build(story)
    return out.getvalue()
