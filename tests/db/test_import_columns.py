"""The import's columns for what last year's spreadsheet may hold: an extension's good reason,
withdrawals, tenure in DOMAIN.md's words, restricted cases. Each bad value is named by row
and column, and then nothing is imported.

Hand-worked (England and Wales; no bank holidays in September or October 2025): a complaint
acknowledged Tue 2 Sep 2025 is due 10 WD later, Tue 16 Sep; with the 10 WD limit of
extension, Tue 30 Sep; with all of a 15 WD extension, Tue 7 Oct.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from caseworker.reports.periods import financial_quarter
from caseworker.services.actor import LOCAL_ADMIN, Actor, Role
from caseworker.services.importer import ImportRefused, import_records
from caseworker.services.reports import make_report
from caseworker.services.reports_data import ReportScope
from db.models import AuditEvent, Case, ExtensionRecord, Person
from db.store import Store

TODAY = date(2025, 12, 1)


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "history.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def refused(store: Store, path: Path, actor: Actor = LOCAL_ADMIN) -> list[str]:
    def counts() -> tuple[int, int]:
        with store.read() as s:
            return (
                s.scalar(select(func.count()).select_from(Case)) or 0,
                s.scalar(select(func.count()).select_from(AuditEvent)) or 0,
            )

    before = counts()
    with pytest.raises(ImportRefused) as err, store.write() as s:
        import_records(s, actor, path, today=TODAY)
    assert counts() == before  # nothing at all was imported
    return [str(p) for p in err.value.problems]


def case(store: Store, reference: str) -> Case:
    with store.read() as s:
        found = s.scalar(select(Case).where(Case.reference == reference))
        assert found is not None
        s.expunge(found)
        return found


def test_good_reason_and_the_summary_of_capped_extensions(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "reference,kind,received,acknowledged,stage1_extension_days,stage1_extension_reason,"
        "stage1_extension_good_reason",
        "A,complaint,01/09/2025,02/09/2025,15,Waiting for the contractor,",
        "G,complaint,01/09/2025,02/09/2025,15,Structural engineer's survey needed,yes",
        "W,complaint,01/09/2025,02/09/2025,10,Waiting for the contractor,no",
    )
    with store.write() as s:
        summary = import_records(s, LOCAL_ADMIN, path, today=TODAY)
    assert summary.capped_extensions == 1
    assert summary.lines()[-1] == (
        "1 record has an extension beyond the policy's limit with no good reason recorded: "
        "the timescale stops at the limit"
    )
    assert case(store, "A").stage1_due == date(2025, 9, 30)
    assert case(store, "G").stage1_due == date(2025, 10, 7)
    assert case(store, "W").stage1_due == date(2025, 9, 30)
    with store.read() as s:
        good = dict(s.execute(select(ExtensionRecord.reason, ExtensionRecord.good_reason)).all())
    assert good == {
        "Waiting for the contractor": False,
        "Structural engineer's survey needed": True,
    }


def test_stage2_extension_reason_and_good_reason(store: Store, tmp_path: Path) -> None:
    # Stage 2 acknowledged Tue 2 Sep: 20 WD -> Tue 30 Sep; all 25 WD of a good-reason
    # extension -> Tue 4 Nov.
    path = write(
        tmp_path,
        "reference,kind,received,acknowledged,stage1_responded,escalated,stage2_acknowledged,"
        "stage2_extension_days,stage2_extension_reason,stage2_extension_good_reason",
        "B,complaint,04/08/2025,05/08/2025,11/08/2025,01/09/2025,02/09/2025,25,"
        "Independent surveyor's report,Yes",
    )
    with store.write() as s:
        summary = import_records(s, LOCAL_ADMIN, path, today=TODAY, dry_run=True)
    assert summary.capped_extensions == 0
    with store.write() as s:
        import_records(s, LOCAL_ADMIN, path, today=TODAY)
    assert case(store, "B").stage2_due == date(2025, 11, 4)


def test_withdrawal(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "reference,kind,received,acknowledged,withdrawn,withdrawn_by_resident,withdrawal_reason",
        "W1,complaint,18/08/2025,19/08/2025,28/08/2025,yes,Repair done; resident satisfied",
        "W2,complaint,01/09/2025,02/09/2025,10/09/2025,no,No contact after three attempts",
        "W3,complaint,01/09/2025,,03/09/2025,,",
    )
    with store.write() as s:
        summary = import_records(s, LOCAL_ADMIN, path, today=TODAY)
    assert summary.withdrawn == 3
    assert "Withdrawn: 3" in summary.lines()
    w1, w2, w3 = (case(store, r) for r in ("W1", "W2", "W3"))
    assert (w1.status, w1.withdrawn_on, w1.withdrawn_by_resident, w1.withdrawal_reason) == (
        "withdrawn",
        date(2025, 8, 28),
        True,
        "Repair done; resident satisfied",
    )
    assert (w2.withdrawn_by_resident, w3.withdrawn_by_resident) == (False, None)
    assert (w1.next_due, w2.next_due) == (None, None)  # the clocks stopped
    with store.read() as s:
        report = make_report(
            s, financial_quarter(2025, 2), ReportScope(), actor=LOCAL_ADMIN, made_on=TODAY
        )
    # Received, withdrawn, acknowledged in time (withdrawn cases are in no timeliness figure).
    assert report.table("Complaints received and acknowledged").rows[0][:4] == ("Stage 1", 3, 3, 0)


def test_tenure_in_domain_words(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "reference,kind,received,resident_name,tenure,tenant",
        "T1,complaint,01/09/2025,Ann Able,Tenant,",
        "T2,complaint,01/09/2025,Bob Brown,leaseholder,",
        "T3,complaint,01/09/2025,Cat Cole,Shared Owner,no",
        "T4,complaint,01/09/2025,Dan Dee,private-tenant,",
        "T5,complaint,01/09/2025,Eve Ely,OTHER,",
        "T6,complaint,01/09/2025,Fay Fox,other resident,",
        "T7,complaint,01/09/2025,Gus Gee,,yes",
        "T8,complaint,01/09/2025,Hal Hay,,",
    )
    with store.write() as s:
        import_records(s, LOCAL_ADMIN, path, today=TODAY)
    with store.read() as s:
        stored = dict(s.execute(select(Case.reference, Case.complainant_tenure)).all())
        people = dict(s.execute(select(Person.name, Person.tenure)).all())
    assert stored == {
        "T1": "tenant",
        "T2": "leaseholder",
        "T3": "leaseholder",
        "T4": "other-resident",
        "T5": "other-resident",
        "T6": "other-resident",
        "T7": "tenant",
        "T8": None,
    }
    assert people["Cat Cole"] == "leaseholder"


def test_restricted(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "reference,kind,received,resident_name,restricted",
        "R1,complaint,01/09/2025,Jo Hidden,yes",
        "R2,complaint,01/09/2025,Al Open,no",
    )
    manager = Actor("mjones", "M. Jones", Role.MANAGER, restricted_access=False)
    assert refused(store, path, manager) == [
        "row 2, column restricted: only an officer or manager given access to restricted "
        "cases can import a restricted case"
    ]
    with store.write() as s:
        summary = import_records(s, LOCAL_ADMIN, path, today=TODAY)
    assert "Restricted (shown only to staff given access): 1" in summary.lines()
    assert (case(store, "R1").restricted, case(store, "R2").restricted) == (True, False)


def test_bad_values_are_named_by_row_and_column(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "reference,kind,received,acknowledged,stage1_responded,stage1_extension_days,"
        "stage1_extension_reason,stage1_extension_good_reason,withdrawn,withdrawn_by_resident,"
        "closed,tenure,tenant,restricted",
        "X1,complaint,01/09/2025,02/09/2025,,15,,yes,,,,lodger,,",
        "X2,complaint,01/09/2025,02/09/2025,,,,maybe,,perhaps,,leaseholder,yes,sometimes",
        "X3,complaint,01/09/2025,02/09/2025,10/09/2025,,,,05/09/2025,yes,,,,",
        "X4,complaint,01/09/2025,02/09/2025,,,,,20/09/2025,yes,21/09/2025,,,",
        "X5,compliment,01/09/2025,,,,,,03/09/2025,,,,,",
    )
    assert refused(store, path) == [
        "row 2, column tenure: 'lodger' is not a tenure Caseworker knows; use tenant, "
        "leaseholder, shared owner, private tenant or other",
        "row 3, column tenure: 'leaseholder' disagrees with tenant 'yes'; give one of them",
        "row 3, column withdrawn_by_resident: 'perhaps' is not yes or no",
        "row 3, column stage1_extension_good_reason: 'maybe' is not yes or no",
        "row 3, column restricted: 'sometimes' is not yes or no",
        "row 4, column withdrawn: Fri 5 Sep 2025 is before the case's last step, Wed 10 Sep 2025",
        "row 5, column closed: a withdrawn complaint has no closing date; leave closed empty",
        "row 6, column withdrawn: only complaints have stages, refusals and withdrawals; leave "
        "it empty for a compliment",
    ]


def test_good_reason_needs_the_reason_written(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "reference,kind,received,acknowledged,stage1_extension_days,"
        "stage1_extension_good_reason,withdrawn_by_resident",
        "Y1,complaint,01/09/2025,02/09/2025,15,yes,",
        "Y2,complaint,01/09/2025,02/09/2025,,yes,yes",
    )
    assert refused(store, path) == [
        "row 2, column stage1_extension_good_reason: a good reason must be recorded: write it "
        "in stage1_extension_reason",
        "row 3, column stage1_extension_good_reason: is given but stage1_extension_days is empty",
        "row 3, column withdrawn_by_resident: is given but withdrawn is empty",
    ]


def test_template_spreadsheet_a_council_fills_in(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import load_workbook

    from caseworker.cli import main
    from caseworker.services.importer_rows import COLUMNS

    db = str(tmp_path / "unused.sqlite")  # writing the template opens no store
    path = tmp_path / "template.xlsx"
    assert main(["--db", db, "import", "--template", str(path)]) == 0
    assert not Path(db).exists()
    book = load_workbook(path)
    assert book.sheetnames == ["Records", "How to fill it in"]
    header = [c.value for c in book["Records"][1]]
    assert tuple(header) == COLUMNS
    notes = {r[0]: r[1:] for r in book["How to fill it in"].iter_rows(min_row=2, values_only=True)}
    assert notes["tenure"] == (
        None,
        "The resident's tenure (agrees with tenant if both are given)",
        "tenant, leaseholder, shared owner (a leaseholder), private tenant or other (another "
        "resident)",
    )
    assert notes["reference"][0] == "yes"
    # Filled in and imported as it stands.
    sheet = book["Records"]
    filled = dict.fromkeys(COLUMNS, None) | {
        "reference": "T-1",
        "kind": "complaint",
        "received": "01/09/2025",
        "tenure": "shared owner",
        "resident_name": "Ann Able",
    }
    sheet.append([filled[c] for c in COLUMNS])
    book.save(tmp_path / "filled.xlsx")
    with store.write() as s:
        summary = import_records(s, LOCAL_ADMIN, tmp_path / "filled.xlsx", today=TODAY)
    assert summary.lines()[0] == "filled.xlsx: imported 1 record"
    assert case(store, "T-1").complainant_tenure == "leaseholder"
    # An existing file is never overwritten; a wrong ending is refused.
    capsys.readouterr()
    assert main(["--db", db, "import", "--template", str(path)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["--db", db, "import", "--template", str(tmp_path / "t.csv")]) == 2
    assert "--template: t.csv must end in .xlsx" in capsys.readouterr().err


def test_readme_lists_every_import_column() -> None:
    from caseworker.services.importer_rows import COLUMNS

    readme = (Path(__file__).parent.parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Import columns", 1)[1].split("\n## ", 1)[0]
    listed = [line.split("`")[1] for line in section.splitlines() if line.startswith("| `")]
    assert tuple(listed) == COLUMNS
