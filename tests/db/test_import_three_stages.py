"""Records from an older three-stage scheme (DOMAIN.md: Bolsover's Informal, Formal and
Stage 3), imported and reported as the Code counts them: each Informal and Formal stage
received is a Stage 1 complaint, the local Stage 3 a Stage 2; a table per local stage.

Hand-worked (England and Wales: no bank holidays from September to November 2025). Local
timescales from receipt: Informal 3, Formal 15, Stage 3 20 working days; the Code's from
the acknowledgement: Stage 1 10, Stage 2 20.
- R1 Informal only: received and acknowledged Wed 1 Oct; local due Mon 6 Oct, Code due
  Wed 15 Oct; answered Mon 6 Oct: within both.
- R2 Informal: received and acknowledged Thu 2 Oct; local due Tue 7 Oct, Code due Thu 16
  Oct; answered Fri 10 Oct: late locally, within the Code.
  Formal: asked Mon 13 Oct, acknowledged Tue 14 Oct; local due Mon 3 Nov, Code due Tue 28
  Oct; answered Fri 31 Oct: within local, late by the Code.
  Stage 3: asked Mon 3 Nov, acknowledged Tue 4 Nov; local due Mon 1 Dec, Code due Tue 2
  Dec; answered Mon 1 Dec: within both.
- R3 (a tenant) Informal: received and acknowledged Mon 6 Oct; local due Thu 9 Oct;
  answered Wed 8 Oct: within both. Formal: asked Thu 9 Oct, acknowledged Fri 10 Oct; local
  due Thu 30 Oct, Code due Fri 24 Oct; answered Mon 3 Nov: late by both.
- R4 under the Code: acknowledged Thu 2 Oct, due Thu 16 Oct, answered Thu 16 Oct: within.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from caseworker.reports.periods import financial_quarter
from caseworker.services.actor import LOCAL_ADMIN
from caseworker.services.importer import ImportRefused, import_records
from caseworker.services.reports import make_report
from caseworker.services.reports_data import ReportScope
from db.models import AuditEvent, Case, CaseLink
from db.store import Store

TODAY = date(2026, 1, 15)
HEADER = (
    "reference,kind,received,acknowledged,stage1_responded,escalated,stage2_acknowledged,"
    "stage2_responded,stage3_received,stage3_acknowledged,stage3_responded,stage3_handler,"
    "closed,tenure,policy"
)
ROWS = (
    "R1,complaint,01/10/2025,01/10/2025,06/10/2025,,,,,,,,06/10/2025,,local-three-stage",
    "R2,complaint,02/10/2025,02/10/2025,10/10/2025,13/10/2025,14/10/2025,31/10/2025,"
    "03/11/2025,04/11/2025,01/12/2025,B. Khan,01/12/2025,,local-three-stage",
    "R3,complaint,06/10/2025,06/10/2025,08/10/2025,09/10/2025,10/10/2025,03/11/2025,"
    ",,,,03/11/2025,tenant,local-three-stage",
    "R4,complaint,01/10/2025,02/10/2025,16/10/2025,,,,,,,,16/10/2025,,hos-2024",
)


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "three-stages.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def imported(store: Store, tmp_path: Path) -> list[str]:
    with store.write() as s:
        summary = import_records(s, LOCAL_ADMIN, write(tmp_path, HEADER, *ROWS), today=TODAY)
    return summary.lines()


def test_a_three_stage_history_is_kept_as_two_linked_records(store: Store, tmp_path: Path) -> None:
    lines = imported(store, tmp_path)
    assert lines[0] == "three-stages.csv: imported 6 records"
    assert lines[-1] == (
        "Three-stage histories that reached the Formal stage: 2 (each kept as two linked "
        "records, the Formal stage and Stage 3 under its reference + -FORMAL; each local stage "
        "received counts as a Stage 1 complaint)"
    )
    with store.read() as s:
        cases = {c.reference: c for c in s.scalars(select(Case).where(Case.reference.like("R2%")))}
        informal, formal = cases["R2"], cases["R2-FORMAL"]
        assert (informal.policy_name, informal.status) == ("local-three-stage-informal", "closed")
        assert (informal.received, informal.stage1_responded, informal.closed_on) == (
            date(2025, 10, 2),
            date(2025, 10, 10),
            date(2025, 10, 13),  # the Informal stage ended when the Formal one was asked for
        )
        assert informal.stage1_due == date(2025, 10, 7)  # 3 working days from receipt
        assert (formal.policy_name, formal.status) == ("local-three-stage", "closed")
        assert (formal.received, formal.acknowledged, formal.stage1_responded) == (
            date(2025, 10, 13),
            date(2025, 10, 14),
            date(2025, 10, 31),
        )
        assert formal.stage1_due == date(2025, 11, 3)  # 15 working days from receipt
        assert (formal.escalated, formal.stage2_acknowledged, formal.stage2_responded) == (
            date(2025, 11, 3),
            date(2025, 11, 4),
            date(2025, 12, 1),
        )
        assert formal.stage2_due == date(2025, 12, 1)  # 20 working days from receipt
        assert formal.handler_name == "B. Khan"  # the Stage 3 handler
        links = set(s.execute(select(CaseLink.case_id, CaseLink.linked_case_id)).all())
        assert (formal.id, informal.id) in links and (informal.id, formal.id) in links


def test_reported_by_the_codes_stages_and_by_local_stage(store: Store, tmp_path: Path) -> None:
    imported(store, tmp_path)
    with store.read() as s:
        report = make_report(
            s,
            financial_quarter(2025, 3),
            ReportScope(),
            actor=LOCAL_ADMIN,
            made_on=TODAY,
            homes=1000,
        )
    # The Code's stages: Informal R1 R2 R3, Formal R2 R3 and R4 at Stage 1; R2's Stage 3.
    by_stage = {s.stage: s for s in report.by_stage}
    one, two = by_stage[1], by_stage[2]
    assert (one.received, one.responded, one.within_local, one.within_code) == (6, 6, 4, 4)
    assert (two.received, two.responded, two.within_local, two.within_code) == (1, 1, 1, 1)
    table = report.table("By local stage: Local three-stage scheme (Informal, Formal, Stage 3)")
    assert table.rows == (
        ("Informal", "Stage 1", "3 working days", "10 working days", 3, 3, 2,
         Decimal("66.7"), 3, Decimal("100.0")),
        ("Formal", "Stage 1", "15 working days", "10 working days", 2, 2, 1,
         Decimal("50.0"), 0, Decimal("0.0")),
        ("Stage 3", "Stage 2", "20 working days", "20 working days", 1, 1, 1,
         Decimal("100.0"), 1, Decimal("100.0")),
        ("Stage 1 total (Informal and Formal)", "Stage 1", "", "", 5, 5, 3,
         Decimal("60.0"), 3, Decimal("60.0")),
    )  # fmt: skip
    # Received by month: all six Stage 1 complaints in October, the Stage 2 in November.
    months = report.table("Records received by kind and month")
    assert months.row("Stage 1 complaints")[1:] == (6, 0, 0, 6)
    assert months.row("Stage 2 complaints")[1:] == (0, 1, 0, 1)
    # TSMs: R3 is a tenant's, with two Stage 1 complaints (its Informal and Formal stages),
    # one answered within the Code: CH01 (1) 2 per 1,000 homes, CH02 (1) 50.0%.
    assert (report.tsm.ch01_1, report.tsm.ch02_1) == (Decimal("2.0"), Decimal("50.0"))


def test_a_report_with_no_three_stage_records_has_no_such_table(
    store: Store, tmp_path: Path
) -> None:
    with store.write() as s:
        import_records(s, LOCAL_ADMIN, write(tmp_path, HEADER, ROWS[3]), today=TODAY)
    with store.read() as s:
        report = make_report(
            s, financial_quarter(2025, 3), ReportScope(), actor=LOCAL_ADMIN, made_on=TODAY
        )
    assert not [t for t in report.tables if t.title.startswith("By local stage")]


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (
            "X,complaint,01/10/2025,01/10/2025,06/10/2025,,,,03/11/2025,,,,,,hos-2024",
            "row 2, column stage3_received: only a record under a three-stage policy has a "
            "Stage 3; give policy local-three-stage, with the Informal stage in the Stage 1 "
            "columns and the Formal stage in the Stage 2 columns",
        ),
        (
            "X,complaint,01/10/2025,01/10/2025,06/10/2025,,,,,,,,06/10/2025,,"
            "local-three-stage-informal",
            "row 2, column policy: local-three-stage-informal is for the Informal stage of "
            "local-three-stage records; give policy local-three-stage, with the Informal stage "
            "in the Stage 1 columns",
        ),
        (
            "X,complaint,01/10/2025,01/10/2025,,13/10/2025,,,,,,,,,local-three-stage",
            "row 2, column escalated: the Formal stage (escalated) follows the Informal "
            "stage's response: give stage1_responded (for a complaint that started at the "
            "Formal stage, leave the Informal stage's columns empty and give escalated as the "
            "date received)",
        ),
        (
            "X,complaint,01/10/2025,01/10/2025,06/10/2025,,,,03/11/2025,,,,,,local-three-stage",
            "row 2, column stage3_received: is given but escalated (the Formal stage) is "
            "empty; for a complaint that started at the Formal stage, give escalated as the "
            "date received",
        ),
        (  # Stage 3 answered before it was acknowledged: named by the spreadsheet's column
            "X,complaint,01/10/2025,01/10/2025,06/10/2025,13/10/2025,14/10/2025,31/10/2025,"
            "03/11/2025,10/11/2025,05/11/2025,,,,local-three-stage",
            "row 2, column stage3_responded: The Stage 3 response (Wed 5 Nov 2025) cannot be "
            "before the Stage 3 acknowledgement (Mon 10 Nov 2025)",
        ),
        (
            "X,complaint,01/10/2025,01/10/2025,06/10/2025,13/10/2025,14/10/2025,31/10/2025,"
            "03/11/2025,04/11/2025,1/12/2025,,,,local-three-stage\n"
            "X-FORMAL,complaint,01/10/2025,,,,,,,,,,,,hos-2024",
            "row 3, column reference: X-FORMAL is also on row 2",
        ),
    ],
)
def test_bad_three_stage_rows_are_named_and_nothing_is_imported(
    store: Store, tmp_path: Path, row: str, problem: str
) -> None:
    with store.read() as s:
        before = s.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(ImportRefused) as err, store.write() as s:
        import_records(s, LOCAL_ADMIN, write(tmp_path, HEADER, row), today=TODAY)
    found = [str(p) for p in err.value.problems]
    assert problem in found
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 0
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_the_local_stage_table_in_the_pdf_and_json(store: Store, tmp_path: Path) -> None:
    import json

    from pdf_text import pdf_pages

    from caseworker.reports.pdf import report_pdf
    from caseworker.reports.writers import report_json

    imported(store, tmp_path)
    with store.read() as s:
        report = make_report(
            s, financial_quarter(2025, 3), ReportScope(), actor=LOCAL_ADMIN, made_on=TODAY
        )
    title = "By local stage: Local three-stage scheme (Informal, Formal, Stage 3)"
    tables = {t["title"]: t for t in json.loads(report_json(report))["tables"]}
    assert tables[title]["rows"][3] == [
        "Stage 1 total (Informal and Formal)", "Stage 1", "", "", 5, 5, 3, 60.0, 3, 60.0,
    ]  # fmt: skip
    number = report.table(title).number
    words = "\n".join("\n".join(p) for p in pdf_pages(report_pdf(report)))
    assert f"Table {number}: {title}" in words.replace("\n", " ")
    assert "Stage 1 total (Informal and Formal)" in words


def test_a_new_case_cannot_follow_a_three_stage_policy(store: Store) -> None:
    from caseworker.domain.errors import InvalidInput
    from caseworker.services.intake import choose_policy

    with store.read() as s, pytest.raises(InvalidInput) as err:
        choose_policy(s, True, "local-three-stage")
    assert str(err.value) == (
        "local-three-stage is an older three-stage scheme, kept for importing records handled "
        "under it; a new case follows a two-stage policy"
    )


# Histories that started at the Formal stage (no Informal stage): escalated is the day the
# complaint was received and the Informal stage's columns are empty. Hand-worked:
# - F1 (a tenant): received, Formal asked Tue 7 Oct, acknowledged Wed 8 Oct; local due
#   (15 working days from receipt) Tue 28 Oct, the Code's (10 from the acknowledgement) Wed
#   22 Oct; answered Fri 24 Oct: within the local timescale, late by the Code.
# - F2: received, Formal asked and acknowledged Wed 1 Oct; local due Wed 22 Oct, Code due
#   Wed 15 Oct; answered Mon 20 Oct: within local, late by the Code. Stage 3 asked Tue 21
#   Oct, acknowledged Wed 22 Oct; local due (20 from receipt) Tue 18 Nov, Code due (20 from
#   the acknowledgement) Wed 19 Nov; answered Wed 19 Nov: late locally, within the Code.
FORMAL_ROWS = (
    "F1,complaint,07/10/2025,,,07/10/2025,08/10/2025,24/10/2025,,,,,24/10/2025,tenant,"
    "local-three-stage",
    "F2,complaint,01/10/2025,,,01/10/2025,01/10/2025,20/10/2025,21/10/2025,22/10/2025,"
    "19/11/2025,B. Khan,19/11/2025,,local-three-stage",
)


def test_a_history_that_started_at_the_formal_stage_is_one_record(
    store: Store, tmp_path: Path
) -> None:
    with store.write() as s:
        summary = import_records(s, LOCAL_ADMIN, write(tmp_path, HEADER, *FORMAL_ROWS), today=TODAY)
    assert summary.lines() == [
        "three-stages.csv: imported 2 records",
        "  Complaint: 2",
        "New handlers (added): B. Khan",
        "Three-stage histories that started at the Formal stage: 2 (each kept as one record "
        "under its own reference, with no Informal stage; its Formal stage counts as a Stage 1 "
        "complaint)",
    ]
    with store.read() as s:
        cases = {c.reference: c for c in s.scalars(select(Case))}
        assert sorted(cases) == ["F1", "F2"]
        one, two = cases["F1"], cases["F2"]
        assert (one.policy_name, one.status) == ("local-three-stage", "closed")
        assert one.complainant_tenure == "tenant"
        assert (one.received, one.acknowledged, one.stage1_responded, one.closed_on) == (
            date(2025, 10, 7),
            date(2025, 10, 8),
            date(2025, 10, 24),
            date(2025, 10, 24),
        )
        assert one.stage1_due == date(2025, 10, 28)  # 15 working days from receipt
        assert one.escalated is None
        assert (two.received, two.acknowledged, two.stage1_responded) == (
            date(2025, 10, 1),
            date(2025, 10, 1),
            date(2025, 10, 20),
        )
        assert two.stage1_due == date(2025, 10, 22)
        assert (two.escalated, two.stage2_acknowledged, two.stage2_responded) == (
            date(2025, 10, 21),
            date(2025, 10, 22),
            date(2025, 11, 19),
        )
        assert two.stage2_due == date(2025, 11, 18)  # 20 working days from receipt
        assert two.handler_name == "B. Khan"
        assert s.scalar(select(func.count()).select_from(CaseLink)) == 0
        report = make_report(
            s,
            financial_quarter(2025, 3),
            ReportScope(),
            actor=LOCAL_ADMIN,
            made_on=TODAY,
            homes=1000,
        )
    by_stage = {s.stage: s for s in report.by_stage}
    one_, two_ = by_stage[1], by_stage[2]
    assert (one_.received, one_.responded, one_.within_local, one_.within_code) == (2, 2, 2, 0)
    assert (two_.received, two_.responded, two_.within_local, two_.within_code) == (1, 1, 0, 1)
    table = report.table("By local stage: Local three-stage scheme (Informal, Formal, Stage 3)")
    assert table.rows == (
        ("Informal", "Stage 1", "3 working days", "10 working days", 0, 0, 0, None, 0, None),
        ("Formal", "Stage 1", "15 working days", "10 working days", 2, 2, 2,
         Decimal("100.0"), 0, Decimal("0.0")),
        ("Stage 3", "Stage 2", "20 working days", "20 working days", 1, 1, 0,
         Decimal("0.0"), 1, Decimal("100.0")),
        ("Stage 1 total (Informal and Formal)", "Stage 1", "", "", 2, 2, 2,
         Decimal("100.0"), 0, Decimal("0.0")),
    )  # fmt: skip
    # TSMs: F1 is a tenant's Stage 1 complaint, late by the Code: CH01 (1) 1 per 1,000
    # homes, CH02 (1) 0.0%.
    assert (report.tsm.ch01_1, report.tsm.ch02_1) == (Decimal("1.0"), Decimal("0.0"))


@pytest.mark.parametrize(
    ("row", "problems"),
    [
        (  # a Formal stage asked for two days after receipt, with no Informal stage before it
            "X,complaint,07/10/2025,,,09/10/2025,10/10/2025,24/10/2025,,,,,24/10/2025,,"
            "local-three-stage",
            [
                "row 2, column escalated: Thu 9 Oct 2025 is not the date received (Tue 7 Oct "
                "2025), and no Informal stage is given: for a complaint that started at the "
                "Formal stage, escalated is the date received; else give the Informal stage in "
                "the Stage 1 columns (acknowledged, stage1_responded)"
            ],
        ),
        (  # the Formal stage's columns without escalated
            "X,complaint,07/10/2025,,,,08/10/2025,24/10/2025,,,,,,,local-three-stage",
            [
                f"row 2, column {c}: is given but escalated (the Formal stage) is empty; for a "
                "complaint that started at the Formal stage, give escalated as the date received"
                for c in ("stage2_acknowledged", "stage2_responded")
            ],
        ),
        (  # answered before it was acknowledged: named by the spreadsheet's column
            "X,complaint,07/10/2025,,,07/10/2025,10/10/2025,09/10/2025,,,,,,,local-three-stage",
            [
                "row 2, column stage2_responded: The Formal stage response (Thu 9 Oct 2025) "
                "cannot be before the acknowledgement (Fri 10 Oct 2025)"
            ],
        ),
        (  # a date received that is no date
            "X,complaint,32/10/2025,,,07/10/2025,08/10/2025,24/10/2025,,,,,,,local-three-stage",
            ["row 2, column received: '32/10/2025' is not a real date"],
        ),
    ],
)
def test_bad_rows_that_started_at_the_formal_stage_are_named_and_nothing_is_imported(
    store: Store, tmp_path: Path, row: str, problems: list[str]
) -> None:
    with pytest.raises(ImportRefused) as err, store.write() as s:
        import_records(s, LOCAL_ADMIN, write(tmp_path, HEADER, FORMAL_ROWS[0], row), today=TODAY)
    assert [str(p) for p in err.value.problems] == [p.replace("row 2", "row 3") for p in problems]
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 0
