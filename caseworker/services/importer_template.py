"""What each import column holds, and a template spreadsheet a council can fill in."""

from __future__ import annotations

import io

from caseworker.domain.policy import available_policies, load_policy
from caseworker.domain.vocab import Channel, Decision, RecordKind
from caseworker.services.importer_rows import COLUMNS, REQUIRED

_YES_NO = "yes or no"

# Column -> (what it holds, the values it takes). One line each, in the order of COLUMNS.
COLUMN_HELP: dict[str, tuple[str, str]] = {
    "reference": (
        "The record's reference, unique in the file and the store",
        "up to 40 characters",
    ),
    "kind": ("What the record is", ", ".join(k.value for k in RecordKind)),
    "received": ("The date it was received", "DD/MM/YYYY or YYYY-MM-DD"),
    "issue_date": ("When the matter complained about happened", "a date"),
    "channel": ("How it came in", ", ".join(c.value for c in Channel)),
    "site": ("The contact centre or office that took it", "a name"),
    "service_areas": ("The service areas it concerns, the main one first", "names separated by ;"),
    "themes": ("Its themes", "names separated by ;"),
    "tenant": ("Whether the resident is the landlord's tenant (older spreadsheets)", _YES_NO),
    "tenure": (
        "The resident's tenure (agrees with tenant if both are given)",
        "tenant, leaseholder, shared owner (a leaseholder), private tenant or other (another "
        "resident)",
    ),
    "resident_name": ("The resident's name", "text"),
    "address": ("The resident's address", "text"),
    "postcode": ("The resident's postcode", "text"),
    "phone": ("The resident's phone number", "text"),
    "email": ("The resident's email address", "text"),
    "description": ("What the record is about", "text"),
    "acknowledged": ("Complaints: the Stage 1 acknowledgement date", "a date"),
    "stage1_handler": ("Who handled Stage 1", "a name"),
    "stage1_extension_days": ("Working days of extension agreed at Stage 1, in all", "a number"),
    "stage1_extension_reason": ("Why Stage 1 was extended", "text"),
    "stage1_extension_good_reason": (
        "The reason is a good reason to go beyond the policy's limit (without one, the "
        "timescale stops at the limit)",
        _YES_NO,
    ),
    "stage1_responded": ("The date the Stage 1 response was sent", "a date"),
    "stage1_decision": ("The Stage 1 decision", ", ".join(d.value for d in Decision)),
    "escalated": (
        "The date Stage 2 was asked for (three-stage policy: the Formal stage; a complaint "
        "that started at the Formal stage gives the date received, with no Stage 1 columns)",
        "a date",
    ),
    "stage2_acknowledged": ("The Stage 2 acknowledgement date", "a date"),
    "stage2_handler": ("Who handled Stage 2", "a name"),
    "stage2_extension_days": ("Working days of extension agreed at Stage 2, in all", "a number"),
    "stage2_extension_reason": ("Why Stage 2 was extended", "text"),
    "stage2_extension_good_reason": (
        "The reason is a good reason to go beyond the policy's limit",
        _YES_NO,
    ),
    "stage2_responded": ("The date the Stage 2 final response was sent", "a date"),
    "stage2_decision": ("The Stage 2 decision", ", ".join(d.value for d in Decision)),
    "stage3_received": (
        "Three-stage policy only (Stage 1 columns: the Informal stage, Stage 2: the Formal "
        "stage): the date Stage 3 was asked for",
        "a date",
    ),
    "stage3_acknowledged": ("The Stage 3 acknowledgement date", "a date"),
    "stage3_handler": ("Who handled Stage 3", "a name"),
    "stage3_extension_days": ("Working days of extension agreed at Stage 3, in all", "a number"),
    "stage3_extension_reason": ("Why Stage 3 was extended", "text"),
    "stage3_extension_good_reason": (
        "The reason is a good reason to go beyond the policy's limit",
        _YES_NO,
    ),
    "stage3_responded": ("The date the Stage 3 final response was sent", "a date"),
    "stage3_decision": ("The Stage 3 decision", ", ".join(d.value for d in Decision)),
    "refused_reason": (
        "Not taken on as a complaint: why (matched to an exclusion reason by its words)",
        "text",
    ),
    "withdrawn": ("The date the complaint was withdrawn (leave closed empty)", "a date"),
    "withdrawn_by_resident": ("The resident asked for it to be withdrawn", _YES_NO),
    "withdrawal_reason": ("Why it was withdrawn", "text"),
    "closed": ("The date the record was closed", "a date"),
    "restricted": (
        "A safeguarding case shown only to staff given access (needs such access to import)",
        _YES_NO,
    ),
    "policy": (
        "The policy it was handled under (empty: the store's default); local-three-stage for "
        "records of an older scheme of three stages (Informal, Formal, Stage 3)",
        ", ".join(p for p in available_policies() if not load_policy(p).informal_of),
    ),
}


def template_xlsx() -> bytes:
    """A workbook with the columns to fill in (sheet "Records") and what each holds."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    records = book.active
    assert records is not None
    records.title = "Records"
    records.append(list(COLUMNS))
    for cell in records[1]:
        cell.font = Font(bold=True)
    records.freeze_panes = "A2"
    for i, name in enumerate(COLUMNS, start=1):
        records.column_dimensions[records.cell(1, i).column_letter].width = max(12, len(name) + 2)
    notes = book.create_sheet("How to fill it in")
    notes.append(["Column", "Required", "What it holds", "Values"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for name in COLUMNS:
        what, values = COLUMN_HELP[name]
        notes.append([name, "yes" if name in REQUIRED else "", what, values])
    notes.append([])
    notes.append(
        [
            "One record per row of the Records sheet. Dates as DD/MM/YYYY (or date cells). "
            "Every problem is listed with its row and column, and then nothing is imported."
        ]
    )
    for letter, width in zip("ABCD", (30, 10, 80, 60), strict=True):
        notes.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
