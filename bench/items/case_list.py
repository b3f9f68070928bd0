"""Case list page: the first 100 rows as row objects, in the default order and sorted by name."""

from __future__ import annotations

from bench.items import Context
from bench.timing import Result, compare
from db.queries import CaseFilter, page_cases

# The SELECT page_cases issues, written out for the raw sqlite3 baseline.
ROW_SQL = (
    "SELECT c.id, c.reference, c.kind, c.status, c.resident_name, c.representative_name, "
    "coalesce(a.name, ''), coalesce(s.name, ''), c.received, c.next_due, c.next_clock, "
    "c.handler_name, c.auth_state, c.restricted, c.has_adjustments, c.version "
    "FROM cases c LEFT OUTER JOIN service_areas a ON a.id = c.primary_service_area_id "
    "LEFT OUTER JOIN sites s ON s.id = c.site_id"
)

ORDERS = {
    "next_due": "c.next_due IS NULL, c.next_due, c.reference",
    "resident_name": "c.resident_name, c.reference",
}


def run(ctx: Context) -> list[Result]:
    results = []
    for sort, label in (("next_due", "default order"), ("resident_name", "sorted by resident")):

        def ours(sort: str = sort) -> object:
            with ctx.store.read() as session:
                rows = page_cases(session, CaseFilter(), sort=sort, limit=100)
            assert len(rows) == 100
            return rows

        def baseline(sort: str = sort) -> object:
            return ctx.raw.execute(f"{ROW_SQL} ORDER BY {ORDERS[sort]} LIMIT 100").fetchall()

        results.append(
            compare(
                f"case list page ({label})",
                ours,
                baseline,
                runs=ctx.runs,
                max_ratio=3,
                max_seconds=0.016,
            )
        )
    return results
