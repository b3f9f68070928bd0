"""An imported extension beyond the policy's limit with no good reason: the timescale stops
at the limit (DOMAIN.md "Extensions"), in every figure of the report.

Hand-worked (England and Wales, no bank holidays between August and November 2025):
- A (Stage 1): received Mon 1 Sep 2025, acknowledged Tue 2 Sep; 10 WD from 2 Sep = Tue 16 Sep,
  plus the 10 WD limit = Tue 30 Sep. A 15 WD extension agreed, with no good reason recorded;
  the response sent Fri 3 Oct is LATE by 3 WD (1, 2, 3 Oct). Counted in full it would have
  been due Tue 7 Oct, in time.
- B (Stage 2): Stage 1 received Mon 4 Aug, acknowledged Tue 5 Aug (due Tue 19 Aug), sent
  Mon 11 Aug: in time. Escalated Mon 1 Sep, Stage 2 acknowledged Tue 2 Sep; 20 WD = Tue
  30 Sep, plus the 20 WD limit = Tue 28 Oct. A 25 WD extension, no good reason; sent Fri
  31 Oct: LATE by 3 WD (29, 30, 31 Oct). In full it would have been due Tue 4 Nov.
- C (Stage 1 control, within the limit): received Mon 1 Sep, acknowledged Tue 2 Sep, 10 WD
  extension: due Tue 30 Sep, sent Tue 30 Sep: in time.
Report: Q3 2025-26 (1 Oct to 31 Dec 2025): A's Stage 1 and B's Stage 2 responses are sent in
the period (C's and B's Stage 1 in Q2). Year to date (from 1 Apr 2025), tenants'
Stage 1 responses: A (late), B (in time), C (in time) = 2 of 3; Stage 2: B (late) = 0 of 1.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from caseworker.reports.model import Report
from caseworker.reports.periods import financial_quarter
from caseworker.services.actor import LOCAL_ADMIN
from caseworker.services.importer import import_records
from caseworker.services.reports import make_report
from caseworker.services.reports_data import ReportScope
from db.models import Case
from db.store import Store

TODAY = date(2026, 1, 15)
Q3 = financial_quarter(2025, 3)
HEADER = (
    "reference,kind,received,tenant,service_areas,acknowledged,stage1_extension_days,"
    "stage1_responded,escalated,stage2_acknowledged,stage2_extension_days,stage2_responded,"
    "closed"
)
ROWS = (
    "A,complaint,01/09/2025,yes,Housing Repairs,02/09/2025,15,03/10/2025,,,,,",
    "B,complaint,04/08/2025,yes,Housing Repairs,05/08/2025,,11/08/2025,01/09/2025,02/09/2025,"
    "25,31/10/2025,",
    "C,complaint,01/09/2025,yes,Housing Repairs,02/09/2025,10,30/09/2025,,,,,",
)


@pytest.fixture
def report(store: Store, tmp_path: Path) -> Report:
    path = tmp_path / "history.csv"
    path.write_text("\n".join((HEADER, *ROWS)) + "\n", encoding="utf-8")
    with store.write() as s:
        import_records(s, LOCAL_ADMIN, path, today=TODAY)
    with store.read() as s:
        return make_report(s, Q3, ReportScope(), actor=LOCAL_ADMIN, made_on=TODAY, homes=1000)


def test_stored_due_dates_stop_at_the_limit(report: Report, store: Store) -> None:
    with store.read() as s:
        due = {c.reference: (c.stage1_due, c.stage2_due) for c in s.query(Case)}
    assert due == {
        "A": (date(2025, 9, 30), None),
        "B": (date(2025, 8, 19), date(2025, 10, 28)),
        "C": (date(2025, 9, 30), None),
    }


def test_timeliness(report: Report) -> None:
    # stage, responded, within local (n, %), within the Code (n, %), pending, overdue
    assert list(report.table("Responses sent and timeliness").rows) == [
        ("Stage 1", 1, 0, Decimal("0.0"), 0, Decimal("0.0"), 0, 0),
        ("Stage 2", 1, 0, Decimal("0.0"), 0, Decimal("0.0"), 0, 0),
    ]


def test_days_late_from_the_capped_date(report: Report) -> None:
    title = "Late responses: how late, and whether an extension was agreed"
    assert list(report.table(title).rows) == [
        ("Stage 1", "Yes", 1, 1, 0, 0, 3),  # A: 3 WD after Tue 30 Sep
        ("Stage 1", "No", 0, 0, 0, 0, 0),
        ("Stage 2", "Yes", 1, 1, 0, 0, 3),  # B: 3 WD after Tue 28 Oct
        ("Stage 2", "No", 0, 0, 0, 0, 0),
    ]


def test_self_assessment_rows(report: Report) -> None:
    rows = {
        r[0]: r[1:] for r in report.table("Evidence for the self-assessment against the Code").rows
    }
    assert rows["Stage 1 responses sent within the Code's timescale"] == (0, 1, Decimal("0.0"))
    assert rows["Stage 2 responses sent within the Code's timescale"] == (0, 1, Decimal("0.0"))


def test_tenant_satisfaction_measures(report: Report) -> None:
    assert report.tsm.ch02_1 == Decimal("66.7")  # 2 of 3: B's and C's Stage 1, not A's
    assert report.tsm.ch02_2 == Decimal("0.0")  # B's Stage 2 is late
    rows = {r[0]: r[2:] for r in report.table("Tenant Satisfaction Measures, year to date").rows}
    assert rows["CH02 (1)"] == (2, 3, Decimal("66.7"))
    assert rows["CH02 (2)"] == (0, 1, Decimal("0.0"))
