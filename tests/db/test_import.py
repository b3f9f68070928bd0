"""Importing existing records: what lands, and every problem found with nothing imported."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from caseworker.cli import main
from caseworker.services.actor import LOCAL_ADMIN
from caseworker.services.importer import ImportCancelled, ImportRefused, import_records
from db.models import AuditEvent, Case, ExtensionRecord, Person
from db.search import search_match
from db.store import Store

DATA = Path(__file__).parent.parent / "data"
TODAY = date(2025, 12, 1)
HEADER = "reference,kind,received,stage1_decision,acknowledged,stage1_responded,tenant"


def write(tmp_path: Path, body: str, name: str = "in.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(body.encode(encoding))
    return path


def counts(store: Store) -> tuple[int, int]:
    with store.read() as s:
        return (
            s.scalar(select(func.count()).select_from(Case)) or 0,
            s.scalar(select(func.count()).select_from(AuditEvent)) or 0,
        )


def refused(store: Store, path: Path) -> list[str]:
    before = counts(store)
    with pytest.raises(ImportRefused) as err, store.write() as s:
        import_records(s, LOCAL_ADMIN, path, today=TODAY)
    assert counts(store) == before  # nothing at all was imported
    return [str(p) for p in err.value.problems]


def test_what_an_imported_case_holds(store: Store) -> None:
    with store.write() as s:
        summary = import_records(s, LOCAL_ADMIN, DATA / "import_q2_2025.csv", today=TODAY)
    assert summary.rows == 19
    assert summary.new_sites == ("Clowne", "Bolsover", "Shirebrook")
    assert summary.new_handlers == ("Pat Cole", "Sam Lee", "Ann Fox", "Kim Ray")
    with store.read() as s:
        c03 = s.scalar(select(Case).where(Case.reference == "C03"))
        assert c03 is not None
        assert (c03.status, c03.policy_name, c03.ombudsman) == (
            "stage-1-responded",
            "hos-2024",
            "housing-ombudsman",
        )
        # Stored clocks as the services write them: ack due Mon 21 Jul; 10 + 5 WD from
        # Tue 15 Jul = Tue 5 Aug; responded, so no next deadline.
        assert (c03.ack_due, c03.stage1_due, c03.next_due) == (
            date(2025, 7, 21),
            date(2025, 8, 5),
            None,
        )
        assert (c03.resident_name, c03.handler_name) == ("Dan Dee", "Pat Cole")
        ext = s.scalar(select(ExtensionRecord).where(ExtensionRecord.case_id == c03.id))
        assert ext is not None and (ext.stage, ext.days, ext.reason) == (
            1,
            5,
            "Contractor report awaited",
        )
        c05 = s.scalar(select(Case).where(Case.reference == "C05"))
        assert c05 is not None
        assert (c05.status, c05.policy_name, c05.next_due, c05.next_clock) == (
            "stage-1",
            "lgsco-2024",
            date(2025, 9, 16),
            "stage1-response",
        )
        c07 = s.scalar(select(Case).where(Case.reference == "C07"))
        assert c07 is not None
        assert (c07.status, c07.refused_on, c07.refusal_reason) == (
            "refused",
            date(2025, 8, 13),
            "over-time-limit",
        )
        # Found by the search box like any other case.
        match = search_match("S44", server=store.on_server)
        assert match is not None
        found = s.execute(text(match.ids_sql.replace("?", ":q")), {"q": match.arg}).scalars()
        hits = s.scalars(select(Case.reference).where(Case.id.in_(list(found)))).all()
        assert hits == ["C01"]
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "import")).all()
        assert len(events) == 1
        assert events[0].changes["references"][:3] == ["R01", "R02", "C01"]


def test_errors_are_reported_with_row_and_column(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"{HEADER}\n"
        "A1,complaint,31/02/2025,,,,yes\n"  # no 31 February
        "A2,complaint,2025-03-03,Uphold,04/03/2025,10/03/2025,no\n"  # misspelt decision
        "A3,complaint,03/25/2025,,,,maybe\n"  # US style; tenant not yes/no
        "A4,complaint,01/04/25,,,,\n",  # two-digit year
    )
    assert refused(store, path) == [
        "row 2, column received: '31/02/2025' is not a real date",
        "row 3, column stage1_decision: 'Uphold' is not a known decision; use one of: upheld, "
        "partly-upheld, not-upheld",
        "row 4, column received: '03/25/2025' looks like a US-style date (month first); use "
        "DD/MM/YYYY",
        "row 4, column tenant: 'maybe' is not yes or no",
        "row 5, column received: '01/04/25' has a two-digit year; write the year in full",
    ]


def test_unknown_and_missing_columns_are_named(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "reference,kind,complainant\nA1,complaint,Ann\n")
    problems = refused(store, path)
    assert problems[0].startswith(
        "row 1, column complainant: 'complainant' is not a column Caseworker imports"
    )
    assert problems[1] == "row 1, column received: the required column 'received' is missing"


def test_history_is_checked_for_order_but_not_against_the_code(
    store: Store, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "reference,kind,received,acknowledged,stage1_responded,escalated\n"
        "B1,complaint,10/03/2025,05/03/2025,,\n"
        "B2,complaint,10/03/2025,,,20/03/2025\n",
    )
    assert refused(store, path) == [
        "row 2, column acknowledged: The acknowledgement (Wed 5 Mar 2025) cannot be before the "
        "date received (Mon 10 Mar 2025)",
        "row 3, column escalated: Stage 2 can only be requested after the Stage 1 response has "
        "been sent",
    ]
    # A late acknowledgement (due Mon 17 Mar) imports as late, without complaint.
    late = write(
        tmp_path,
        "reference,kind,received,acknowledged\nB3,complaint,10/03/2025,31/03/2025\n",
        "late.csv",
    )
    with store.write() as s:
        import_records(s, LOCAL_ADMIN, late, today=TODAY)
    with store.read() as s:
        case = s.scalar(select(Case).where(Case.reference == "B3"))
        assert case is not None and (case.ack_due, case.acknowledged) == (
            date(2025, 3, 17),
            date(2025, 3, 31),
        )


def test_a_reference_already_in_the_store_is_refused(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path, "reference,kind,received\nD1,compliment,01/04/2025\nD1,comment,02/04/2025\n"
    )
    assert refused(store, path) == ["row 3, column reference: D1 is also on row 2"]
    once = write(tmp_path, "reference,kind,received\nD1,compliment,01/04/2025\n", "once.csv")
    with store.write() as s:
        import_records(s, LOCAL_ADMIN, once, today=TODAY)
    assert refused(store, once) == ["row 2, column reference: D1 is already in the store"]


def test_windows_1252_and_bom(store: Store, tmp_path: Path) -> None:
    body = "reference,kind,received,resident_name\nE1,complaint,01/04/2025,Siân O’Neill\n"
    cp = write(tmp_path, body, "cp.csv", encoding="cp1252")
    bom = write(tmp_path, body.replace("E1", "E2"), "bom.csv", encoding="utf-8-sig")
    with store.write() as s:
        import_records(s, LOCAL_ADMIN, cp, today=TODAY)
        import_records(s, LOCAL_ADMIN, bom, today=TODAY)
    with store.read() as s:
        assert s.scalars(select(Person.name).order_by(Person.name)).all() == [
            "Siân O’Neill",
            "Siân O’Neill",
        ]


def test_dry_run_writes_nothing_and_cancel_rolls_back(store: Store) -> None:
    before = counts(store)
    with store.read() as s:
        summary = import_records(
            s, LOCAL_ADMIN, DATA / "import_q2_2025.csv", dry_run=True, today=TODAY
        )
    assert summary.lines()[-1] == "Dry run: nothing was written."
    assert "New service areas (to be added): Housing Repairs, Waste, Rents, Planning" in (
        summary.lines()
    )
    assert counts(store) == before
    with pytest.raises(ImportCancelled), store.write() as s:
        import_records(
            s,
            LOCAL_ADMIN,
            DATA / "import_q2_2025.csv",
            today=TODAY,
            progress=lambda done, total: done < total // 2 or done == 0,
        )
    assert counts(store) == before


def test_command_line(
    store: Store, cli_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = cli_db
    store.close()
    args = ["--db", db, "import", str(DATA / "import_q2_2025.csv"), "--today", "2025-12-01"]
    assert main([*args, "--dry-run"]) == 0
    assert "would import 19 records" in capsys.readouterr().out
    assert main(args) == 0
    assert "imported 19 records" in capsys.readouterr().out
    assert main(args) == 2  # the same references again
    assert "row 2, column reference: R01 is already in the store" in capsys.readouterr().err
    out = tmp_path / "q2.json"
    assert (
        main(
            [
                "--db",
                db,
                "report",
                "--from",
                "2025-07-01",
                "--to",
                "30/09/2025",
                "--homes",
                "2400",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert '"CH01_2": 1.3' in out.read_text()
