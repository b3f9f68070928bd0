"""Every figure of the Q2 2025-26 report over a hand-built spreadsheet, worked out by hand.

The spreadsheet is ``tests/data/import_q2_2025.csv`` (and the same rows as XLSX). Period:
Q2 2025-26, Tue 1 Jul to Tue 30 Sep 2025; year to date from 1 Apr 2025. England and Wales
bank holidays in play: Mon 25 Aug 2025. All cases are under hos-2024 or lgsco-2024 (same
timescales: ack 5, Stage 1 10 from ack, Stage 2 ack 5, Stage 2 20 from ack), except C11
(receipt-based-local: responses counted from receipt).

Hand-worked clocks (WD = working days):
- R01 (Q1): recv Tue 6 May, ack Thu 8 May (due 13 May), due 22 May, responded 20 May: in time.
- C01: recv Tue 1 Jul, ack Thu 3 Jul (due Tue 8 Jul), Stage 1 due Thu 17 Jul, sent 15 Jul: in time.
  Two service areas (Housing Repairs first, Rents): unique once, split twice.
- C02: recv Mon 7 Jul, ack due Mon 14 Jul, acknowledged Wed 16 Jul: LATE acknowledgement;
  due 10 WD from 16 Jul = Wed 30 Jul, sent 25 Jul: in time. Not a tenant.
- C03: recv Mon 14 Jul, ack Tue 15 Jul, 5 WD extension: due 15 WD from 15 Jul = Tue 5 Aug,
  sent Tue 12 Aug: late by 5 WD (6, 7, 8, 11, 12 Aug), WITH an extension.
- C04: recv Fri 1 Aug, ack Mon 4 Aug, due Mon 18 Aug, sent Mon 1 Sep: late by 9 WD (skipping
  the 25 Aug bank holiday), WITHOUT extension. Escalated Wed 3 Sep, Stage 2 ack Fri 5 Sep (due
  Wed 10 Sep) by Sam Lee, the Stage 1 handler too; Stage 2 due Fri 3 Oct: PENDING at 30 Sep.
- C05: recv Mon 1 Sep, ack Tue 2 Sep, due Tue 16 Sep, no response: OVERDUE at 30 Sep. Not a
  tenant; no site (counts under "Not recorded").
- C06: recv Fri 26 Sep; acknowledged 1 Oct and responded 10 Oct, both AFTER the period end, so
  at 30 Sep it is unacknowledged (not acknowledged in time) and awaiting: ack due Fri 3 Oct,
  provisional response due 17 Oct: PENDING.
- C07, C08: refused (over time limit on 13 Aug; legal proceedings on 10 Sep): not Stage 1.
- C09: recv Mon 18 Aug, ack Tue 19 Aug, withdrawn 28 Aug: received, but in no timeliness figure.
- C10: Stage 1 in Q1 (recv Mon 2 Jun, ack 3 Jun, due 17 Jun, sent 16 Jun: in time). Escalated
  Tue 1 Jul, Stage 2 ack Fri 4 Jul (due Tue 8 Jul), 10 WD extension: due 30 WD from 4 Jul =
  Fri 15 Aug, sent Tue 12 Aug: in time. Referred to the Housing Ombudsman 10 Sep, determined 25 Sep.
- C11 (receipt-based-local): recv Tue 1 Jul, ack Tue 8 Jul; local Stage 1 due 10 WD from receipt
  = Tue 15 Jul, Code due 10 WD from ack = Tue 22 Jul; sent 14 Jul: in time under both.
  Escalated Mon 21 Jul, Stage 2 ack Wed 23 Jul; local Stage 2 due 20 WD from the request = Mon
  18 Aug, Code due 20 WD from the ack = Wed 20 Aug; sent Wed 20 Aug: LATE locally (by 2 WD,
  no extension) but WITHIN the Code.
- C12-C16: compliment, comment, MP enquiry, councillor enquiry, service request (no person).
- C17: received 2 Oct, after the period: counted nowhere.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from caseworker.reports.model import Report, StageFigures, TenantMeasures
from caseworker.reports.periods import financial_quarter
from caseworker.reports.writers import report_csv, report_json, report_xlsx
from caseworker.services import ending, followups, records, settings
from caseworker.services.actor import LOCAL_ADMIN
from caseworker.services.importer import import_records
from caseworker.services.reports import make_report
from caseworker.services.reports_data import ReportScope
from db.store import Store

DATA = Path(__file__).parent.parent / "data"
CSV_FILE = DATA / "import_q2_2025.csv"
TODAY = date(2025, 12, 1)
Q2 = financial_quarter(2025, 2)
DATE_COLUMNS = {
    "received",
    "acknowledged",
    "stage1_responded",
    "escalated",
    "stage2_acknowledged",
    "stage2_responded",
    "closed",
}


def as_xlsx(csv_path: Path, out: Path) -> Path:
    """The same rows as an Excel workbook, dates as native Excel dates."""
    import csv

    from caseworker.domain.dates import parse_date

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    with csv_path.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    sheet.append(header)
    for row in rows[1:]:
        cells: list[object] = []
        for name, value in zip(header, row, strict=True):
            if name in DATE_COLUMNS and value:
                cells.append(datetime.combine(parse_date(value), datetime.min.time()))
            elif name.endswith("extension_days") and value:
                cells.append(int(value))
            else:
                cells.append(value or None)
        sheet.append(cells)
    book.save(out)
    return out


def load(store: Store, path: Path) -> None:
    """Import the spreadsheet, then what the spreadsheet has no columns for, via the services."""
    a = LOCAL_ADMIN
    with store.write() as s:
        import_records(s, a, path, today=TODAY)
    with store.write() as s:
        ending.withdraw(
            s, a, "C09", withdrawn_on=date(2025, 8, 28), expected_version=None, today=TODAY
        )
        money = followups.add_remedy(
            s,
            a,
            "C01",
            kind="financial",
            amount_offered=Decimal("150"),
            expected_version=None,
            today=date(2025, 7, 15),
        )
        followups.complete_remedy(
            s,
            a,
            "C01",
            money.id,
            done=date(2025, 7, 30),
            amount_paid=Decimal("150"),
            expected_version=None,
            today=date(2025, 7, 30),
        )
        followups.add_remedy(
            s, a, "C10", kind="apology", expected_version=None, today=date(2025, 8, 12)
        )
        followups.add_remedy(
            s, a, "C10", kind="explanation", expected_version=None, today=date(2025, 10, 2)
        )  # after the period: not counted
        records.record_learning(
            s,
            a,
            "C04",
            description="Repairs were not booked promptly",
            improvement="Daily check of unbooked repairs",
            expected_version=None,
            today=date(2025, 9, 2),
        )
        ending.refer_to_ombudsman(
            s, a, "C10", referred_on=date(2025, 9, 10), expected_version=None, today=TODAY
        )
        ending.record_determination(
            s,
            a,
            "C10",
            determined_on=date(2025, 9, 25),
            determination="No maladministration",
            expected_version=None,
            today=TODAY,
        )
        settings.set_homes(s, a, date(2025, 4, 1), 2000)


@pytest.fixture(params=["csv", "xlsx"])
def report(request: pytest.FixtureRequest, store: Store, tmp_path: Path) -> Iterator[Report]:
    path = CSV_FILE if request.param == "csv" else as_xlsx(CSV_FILE, tmp_path / "q2.xlsx")
    load(store, path)
    with store.read() as s:
        yield make_report(s, Q2, ReportScope(), actor=LOCAL_ADMIN, made_on=TODAY)


def rows(report: Report, title: str) -> list[tuple[object, ...]]:
    return list(report.table(title).rows)


def test_records_by_kind_month_and_quarter(report: Report) -> None:
    t = report.table("Records received by kind and month")
    assert t.columns == ("Kind", "Jul 2025", "Aug 2025", "Sep 2025", "Total")
    assert list(t.rows) == [
        ("Stage 1 complaints", 4, 2, 2, 8),  # C01 C02 C03 C11 | C04 C09 | C05 C06
        ("Stage 2 complaints", 2, 0, 1, 3),  # C10 C11 | - | C04
        ("Compliments", 1, 0, 0, 1),
        ("Comments", 0, 1, 0, 1),
        ("MP enquiries", 0, 0, 1, 1),
        ("Councillor enquiries", 1, 0, 0, 1),
        ("Service requests", 0, 1, 0, 1),
    ]
    t = report.table("Records received by quarter, financial year to date")
    assert t.columns == ("Kind", "Q1", "Q2", "Year to date")
    assert list(t.rows) == [
        ("Stage 1 complaints", 2, 8, 10),  # Q1: R01, C10
        ("Stage 2 complaints", 0, 3, 3),
        ("Compliments", 1, 1, 2),  # Q1: R02
        ("Comments", 0, 1, 1),
        ("MP enquiries", 0, 1, 1),
        ("Councillor enquiries", 0, 1, 1),
        ("Service requests", 0, 1, 1),
    ]


def test_stage_figures(report: Report) -> None:
    assert report.by_stage == (
        # Stage 1: 8 received, C09 withdrawn; acknowledged in time 5 of 7 (C02 late, C06 not
        # yet); responses C01 C02 C03 C04 C11, in time C01 C02 C11 under both; pending C06,
        # overdue C05; extended C03.
        StageFigures(
            1,
            received=8,
            withdrawn=1,
            acknowledged_in_time=5,
            responded=5,
            within_local=3,
            within_code=3,
            pending=1,
            overdue=1,
            late=2,
            extended=1,
        ),
        # Stage 2: C10 C11 C04; responses C10 (in time), C11 (late locally, in time by the
        # Code); pending C04; extended C10.
        StageFigures(
            2,
            received=3,
            withdrawn=0,
            acknowledged_in_time=3,
            responded=2,
            within_local=1,
            within_code=2,
            pending=1,
            overdue=0,
            late=1,
            extended=1,
        ),
    )
    assert rows(report, "Complaints received and acknowledged") == [
        ("Stage 1", 8, 1, 5, Decimal("71.4"), 1),  # 5/7 = 71.43
        ("Stage 2", 3, 0, 3, Decimal("100.0"), 1),
    ]
    assert rows(report, "Responses sent and timeliness") == [
        ("Stage 1", 5, 3, Decimal("60.0"), 3, Decimal("60.0"), 1, 1),
        ("Stage 2", 2, 1, Decimal("50.0"), 2, Decimal("100.0"), 1, 0),
    ]


def test_late_responses_and_extensions(report: Report) -> None:
    assert rows(report, "Late responses: how late, and whether an extension was agreed") == [
        ("Stage 1", "Yes", 1, 1, 0, 0, 5),  # C03, 5 WD late
        ("Stage 1", "No", 1, 0, 1, 0, 9),  # C04, 9 WD late
        ("Stage 2", "Yes", 0, 0, 0, 0, 0),
        ("Stage 2", "No", 1, 1, 0, 0, 2),  # C11, 2 WD late (local policy)
    ]
    assert rows(report, "Extensions") == [
        ("Stage 1", 1, 5, 0, 0),  # C03: 5 WD, within the 10 WD limit
        ("Stage 2", 1, 10, 0, 0),  # C10: 10 WD, within the 20 WD limit
    ]


def test_service_areas_and_sites(report: Report) -> None:
    assert rows(report, "By service area: unique and split by department") == [
        # C01 is about Housing Repairs (main) and Rents: once in unique, in both in split.
        ("Housing Repairs", 5, 5, 3, 3, 1, 0),  # S1 C01 C03 C04 C06 C11; S2 C04 C10 C11; C12
        ("Planning", 1, 1, 0, 0, 0, 0),  # C05 (C14 is an MP enquiry)
        ("Rents", 2, 3, 0, 0, 0, 0),  # unique C02 C09; split + C01
        ("Waste", 0, 0, 0, 0, 0, 1),  # C13
        ("Total", 8, 9, 3, 3, 1, 1),
    ]
    # Columns: Stage 1, Stage 2, compliments, comments, MP, councillor, service requests.
    assert rows(report, "By site (contact centre area)") == [
        ("Bolsover", 3, 1, 0, 0, 1, 0, 0),  # C02 C06 C11; C11; C14
        ("Clowne", 2, 2, 1, 0, 0, 0, 1),  # C01 C04; C04 C10; C12; C16
        ("Shirebrook", 2, 0, 0, 0, 0, 0, 0),  # C03 C09
        ("Not recorded", 1, 0, 0, 1, 0, 1, 0),  # C05; C13; C15
        ("Total", 8, 3, 1, 1, 1, 1, 1),
    ]


def test_channels_tenure_themes(report: Report) -> None:
    assert rows(report, "By method of contact") == [
        ("Email", 2, 1, 1, 0, 0, 1, 0),  # C02 C11; C11; C12; C15
        ("Face to face", 1, 0, 0, 0, 0, 0, 0),  # C09
        ("Letter", 1, 0, 0, 0, 1, 0, 0),  # C05; C14
        ("Telephone", 3, 2, 0, 0, 0, 0, 1),  # C01 C04 C06; C04 C10; C16
        ("Web form", 1, 0, 0, 1, 0, 0, 0),  # C03; C13
        ("Total", 8, 3, 1, 1, 1, 1, 1),
    ]
    assert rows(report, "Tenants and other residents") == [
        ("Tenants", 6, 3, 0, 0, 0, 0, 0),  # C01 C03 C04 C06 C09 C11; C04 C10 C11
        ("Leaseholders", 0, 0, 0, 0, 0, 0, 0),
        ("Other residents", 2, 0, 0, 0, 0, 0, 0),  # tenant "no": C02 C05
        ("Not recorded", 0, 0, 1, 1, 1, 1, 1),
        ("Total", 8, 3, 1, 1, 1, 1, 1),
    ]
    assert rows(report, "Themes") == [
        ("Repairs delay", 3, 3),  # C03 C04 C11; C04 C10 C11
        ("Communication", 2, 0),  # C01 C02
        ("Damp and mould", 2, 0),  # C01 C06
        ("Staff conduct", 1, 0),  # C05
        ("No theme recorded", 1, 0),  # C09
    ]


def test_decisions_and_remedies(report: Report) -> None:
    assert rows(report, "Decisions") == [
        ("Upheld", 2, Decimal("40.0"), 1, Decimal("50.0")),  # C01 C04; C11
        ("Partly upheld", 1, Decimal("20.0"), 1, Decimal("50.0")),  # C02; C10
        ("Not upheld", 2, Decimal("40.0"), 0, Decimal("0.0")),  # C03 C11
        ("Not recorded", 0, Decimal("0.0"), 0, Decimal("0.0")),
        ("Total", 5, Decimal("100.0"), 2, Decimal("100.0")),
    ]
    assert rows(report, "Remedies offered and money paid") == [
        ("Apology", 1, Decimal("0"), Decimal("0")),
        ("Financial", 1, Decimal("150.00"), Decimal("150.00")),
        ("Total", 2, Decimal("150.00"), Decimal("150.00")),
    ]


def test_refusals_ombudsman_learning(report: Report) -> None:
    assert rows(report, "Refused complaints by reason") == [
        ("Over time limit", 1),  # C07: "...more than 12 months ago (time limit)"
        ("Legal proceedings", 1),  # C08: "Court proceedings have started"
        ("Already considered", 0),
        ("Statutory appeal", 0),
        ("Other organisation", 0),
        ("Councillor conduct", 0),
        ("Government policy", 0),
        ("Other", 0),
        ("Stage 2 request refused", 0),
        ("Total", 2),
    ]
    assert rows(report, "Ombudsman referrals and determinations") == [
        ("Housing Ombudsman", 1, 1),
        ("Local Government and Social Care Ombudsman", 0, 0),
        ("Total", 1, 1),
    ]
    assert rows(report, "Ombudsman determinations") == [
        ("C10", "Housing Ombudsman", "2025-09-25", "No maladministration")
    ]
    assert rows(report, "Service improvements") == [
        ("C04", "2025-09-02", "Repairs were not booked promptly", "Daily check of unbooked repairs")
    ]


def test_tenant_satisfaction_measures(report: Report) -> None:
    # Year to date, tenants only. Stage 1 received: R01 C10 C01 C03 C04 C06 C09 C11 = 8;
    # Stage 2: C10 C11 C04 = 3; Stage 1 responses R01 C10 C01 C03 C04 C11 = 6, within the
    # Code R01 C10 C01 C11 = 4; Stage 2 responses C10 C11, both within the Code.
    assert report.tsm == TenantMeasures(
        ch01_1=Decimal("4.0"),  # 8 / 2000 * 1000
        ch01_2=Decimal("1.5"),  # 3 / 2000 * 1000
        ch02_1=Decimal("66.7"),  # 4 / 6
        ch02_2=Decimal("100.0"),
        homes=2000,
        year_start=date(2025, 4, 1),
    )
    assert rows(report, "Tenant Satisfaction Measures, year to date") == [
        ("CH01 (1)", "Stage 1 complaints per 1,000 homes", 8, 2000, Decimal("4.0")),
        ("CH01 (2)", "Stage 2 complaints per 1,000 homes", 3, 2000, Decimal("1.5")),
        ("CH02 (1)", "Stage 1 responses within the Code's timescales (%)", 4, 6, Decimal("66.7")),
        ("CH02 (2)", "Stage 2 responses within the Code's timescales (%)", 2, 2, Decimal("100.0")),
    ]


def test_self_assessment_evidence(report: Report) -> None:
    assert rows(report, "Evidence for the self-assessment against the Code") == [
        ("Stage 1 complaints acknowledged within 5 working days (the Code)", 5, 7, Decimal("71.4")),
        ("Stage 2 requests acknowledged within 5 working days (the Code)", 3, 3, Decimal("100.0")),
        ("Stage 1 responses sent within the Code's timescale", 3, 5, Decimal("60.0")),
        ("Stage 2 responses sent within the Code's timescale", 2, 2, Decimal("100.0")),
        ("Extensions beyond the Code's limit", 0, 2, Decimal("0.0")),
        ("... of which a good reason was recorded", 0, 0, None),
        # C04's Stage 2 handler is its Stage 1 handler (imported history is not refused).
        ("Stage 2 handled by someone other than the Stage 1 handler", 2, 3, Decimal("66.7")),
        (
            "Stage 1 responses with the response letter on file (made by Caseworker, which checks "
            "the required content)",
            0,
            5,
            Decimal("0.0"),
        ),
        (
            "Stage 2 responses with the response letter on file (made by Caseworker, which checks "
            "the required content)",
            0,
            2,
            Decimal("0.0"),
        ),
    ]


def test_homes_override_rounds_halves_up(store: Store) -> None:
    load(store, CSV_FILE)
    with store.read() as s:
        report = make_report(s, Q2, ReportScope(), actor=LOCAL_ADMIN, made_on=TODAY, homes=2400)
    assert report.tsm.ch01_1 == Decimal("3.3")  # 8000 / 2400 = 3.33
    assert report.tsm.ch01_2 == Decimal("1.3")  # 3000 / 2400 = 1.25, half rounded up


def test_past_period_does_not_change_with_the_day_it_is_run(store: Store) -> None:
    load(store, CSV_FILE)
    with store.read() as s:
        early = make_report(s, Q2, ReportScope(), actor=LOCAL_ADMIN, made_on=date(2025, 10, 1))
        late = make_report(s, Q2, ReportScope(), actor=LOCAL_ADMIN, made_on=date(2027, 1, 1))
    assert early.tables == late.tables
    assert early.by_stage == late.by_stage


def test_scopes(store: Store) -> None:
    load(store, CSV_FILE)
    with store.read() as s:
        housing = make_report(
            s, Q2, ReportScope(housing_only=True), actor=LOCAL_ADMIN, made_on=TODAY
        )
        rents = make_report(
            s, Q2, ReportScope(service_area="rents"), actor=LOCAL_ADMIN, made_on=TODAY
        )
        clowne = make_report(s, Q2, ReportScope(site="Clowne"), actor=LOCAL_ADMIN, made_on=TODAY)
    # Housing Ombudsman cases: main area Housing Repairs (C01 C03 C04 C06 C11; C10 at Stage 2).
    assert [s.received for s in housing.by_stage] == [5, 3]
    # Rents in any position: C01 C02 C09.
    assert [s.received for s in rents.by_stage] == [3, 0]
    # Clowne: C01 C04; C04 C10.
    assert [s.received for s in clowne.by_stage] == [2, 2]


def test_outputs(report: Report) -> None:
    data = json.loads(report_json(report))
    assert data["by_stage"][0] == {
        "stage": 1,
        "received": 8,
        "withdrawn": 1,
        "acknowledged_in_time": 5,
        "responded": 5,
        "within_code": 3,
        "within_local": 3,
        "pending": 1,
        "overdue": 1,
        "late": 2,
        "extended": 1,
    }
    assert data["by_stage"][1]["within_code"] == 2
    assert {k: data["tsm"][k] for k in ("CH01_1", "CH01_2", "CH02_1", "CH02_2")} == {
        "CH01_1": 4.0,
        "CH01_2": 1.5,
        "CH02_1": 66.7,
        "CH02_2": 100.0,
    }
    text = report_csv(report).decode("utf-8-sig")
    assert "Table 4: Responses sent and timeliness\r\n" in text
    assert "Stage 1,5,3,60.0,3,60.0,1,1\r\n" in text
    assert report_xlsx(report)[:2] == b"PK"
    # No personal data: residents' names and postcodes appear in no output.
    for output in (text, report_json(report)):
        assert "Bob Brown" not in output
        assert "S44 6JJ" not in output


def test_pdf(store: Store) -> None:
    from pdf_text import pdf_pages

    from caseworker.reports.pdf import report_pdf

    load(store, CSV_FILE)
    with store.write() as s:
        settings.set_setting(s, LOCAL_ADMIN, "organisation", {"name": "Bolsover District Council"})
    with store.read() as s:
        report = make_report(s, Q2, ReportScope(), actor=LOCAL_ADMIN, made_on=TODAY)
    pdf = report_pdf(report)
    assert pdf.startswith(b"%PDF")
    pages = pdf_pages(pdf)
    words = "\n".join("\n".join(p) for p in pages)
    assert "Bolsover District Council" in words
    assert "Period: Quarter 2 of 2025-26 (1 July 2025 to 30 September 2025)" in words
    assert f"Audit trail check: {report.audit_head}" in words
    assert "Table 19: Evidence for the self-assessment against the Code" in words
    assert "71.4%" in words
    assert "Bob Brown" not in words
    # The contents is whole on page 2: page 3 (after its footer) starts the first section.
    assert "Contents" in pages[1]
    assert any(line.startswith("Table 19: Evidence") for line in pages[1])
    assert pages[2][2:4] == ["1. Records received", "Table 1: Records received by kind and month"]
