"""Benchmark: import 100,000 generated rows, then make the year's report (not part of the tests).

Run: ``python bench/import_100k.py [ROWS]``. Prints the time taken by each step.
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from caseworker.reports.periods import financial_year
from caseworker.services.actor import LOCAL_ADMIN
from caseworker.services.importer import import_records
from caseworker.services.reports import make_report
from caseworker.services.reports_data import ReportScope
from db.store import open_store

COLUMNS = (
    "reference,kind,received,channel,site,service_areas,themes,tenant,resident_name,postcode,"
    "description,acknowledged,stage1_handler,stage1_responded,stage1_decision,escalated,"
    "stage2_acknowledged,stage2_handler,stage2_responded,stage2_decision,closed"
).split(",")
AREAS = ["Housing Repairs", "Rents", "Waste", "Planning", "Council Tax", "Housing Options"]
SITES = ["Clowne", "Bolsover", "Shirebrook", "South Normanton", ""]
THEMES = ["Repairs delay", "Damp and mould", "Communication", "Staff conduct"]
KINDS = ["complaint"] * 6 + ["compliment", "comment", "mp-enquiry", "service-request"]


def uk(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def rows(n: int, rng: random.Random) -> list[list[str]]:
    out = []
    start = date(2024, 4, 1)
    for i in range(n):
        received = start + timedelta(days=rng.randrange(700))
        kind = rng.choice(KINDS)
        row = dict.fromkeys(COLUMNS, "")
        row.update(
            reference=f"OLD-{i:06d}",
            kind=kind,
            received=uk(received),
            channel=rng.choice(["telephone", "Email", "web form", "letter"]),
            site=rng.choice(SITES),
            service_areas=";".join(rng.sample(AREAS, rng.choice([1, 2]))),
            themes=rng.choice(THEMES),
            tenant=rng.choice(["yes", "no", ""]),
            resident_name=f"Resident {i}",
            postcode="S44 6JJ",
            description="Imported history",
        )
        if kind == "complaint":
            ack = received + timedelta(days=rng.randrange(1, 9))
            resp = ack + timedelta(days=rng.randrange(3, 25))
            row.update(
                acknowledged=uk(ack),
                stage1_handler=f"Officer {i % 40}",
                stage1_responded=uk(resp),
                stage1_decision="upheld",
            )
            if rng.random() < 0.15:
                esc = resp + timedelta(days=rng.randrange(1, 20))
                ack2 = esc + timedelta(days=rng.randrange(1, 7))
                row.update(
                    escalated=uk(esc),
                    stage2_acknowledged=uk(ack2),
                    stage2_handler=f"Manager {i % 7}",
                    stage2_responded=uk(ack2 + timedelta(days=rng.randrange(10, 40))),
                    stage2_decision="not upheld",
                )
        out.append([row[c] for c in COLUMNS])
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "history.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(COLUMNS)
            writer.writerows(rows(n, random.Random(7)))
        store = open_store(Path(tmp) / "store.sqlite")
        c0, t0 = time.process_time(), time.perf_counter()
        with store.read() as s:
            import_records(s, LOCAL_ADMIN, path, dry_run=True, today=date(2026, 6, 1))
        c1, t1 = time.process_time(), time.perf_counter()
        with store.write() as s:
            summary = import_records(s, LOCAL_ADMIN, path, today=date(2026, 6, 1))
        c2, t2 = time.process_time(), time.perf_counter()
        with store.read() as s:
            report = make_report(
                s, financial_year(2025), ReportScope(), actor=LOCAL_ADMIN, made_on=date(2026, 6, 1)
            )
        c3, t3 = time.process_time(), time.perf_counter()
        store.close()
    print(f"{summary.rows:,} rows (seconds elapsed / of CPU):")
    print(f"  dry run            {t1 - t0:6.1f} / {c1 - c0:6.1f}")
    print(f"  import             {t2 - t1:6.1f} / {c2 - c1:6.1f}")
    stage1 = report.by_stage[0].received
    print(f"  report for 2025-26 {t3 - t2:6.1f} / {c3 - c2:6.1f}  ({stage1:,} Stage 1 complaints)")


if __name__ == "__main__":
    main()
