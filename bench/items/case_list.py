"""Case list page: the first 100 rows as row objects, in the default order and sorted by name."""

from __future__ import annotations

from typing import Any

from bench.items import Context
from bench.items.raw_pages import ROW_SQL, first_page_by_deadline
from bench.server import ServerContext, on_server
from bench.timing import Result, compare
from db.queries import CaseFilter, CaseRow, page_cases


def run(ctx: Context) -> list[Result]:
    # Each baseline issues, through raw sqlite3, the SELECTs page_cases issues.
    baselines: dict[str, Any] = {
        "next_due": lambda: first_page_by_deadline(ctx.raw, "", ()),
        "resident_name": lambda: ctx.raw.execute(
            f"{ROW_SQL} ORDER BY c.resident_name, c.reference LIMIT 100"
        ).fetchall(),
    }
    results = []
    for sort, label in (("next_due", "default order"), ("resident_name", "sorted by resident")):

        def ours(sort: str = sort) -> list[CaseRow]:
            with ctx.store.quick.read() as conn:
                rows = page_cases(conn, CaseFilter(include_restricted=True), sort=sort, limit=100)
            assert len(rows) == 100
            return rows

        assert [r.reference for r in ours()] == [r[1] for r in baselines[sort]()]
        results.append(
            compare(
                f"case list page ({label})",
                ours,
                baselines[sort],
                runs=ctx.runs,
                max_ratio=3,
                max_seconds=0.016,
            )
        )
    return results


def run_server(ctx: ServerContext) -> list[Result]:
    """The same pages on a PostgreSQL store; the baseline replays the SQL ours sent."""
    results = []
    for sort, label in (("next_due", "default order"), ("resident_name", "sorted by resident")):

        def ours(sort: str = sort) -> list[CaseRow]:
            with ctx.store.quick.read() as conn:
                rows = page_cases(conn, CaseFilter(include_restricted=True), sort=sort, limit=100)
            assert len(rows) == 100
            return rows

        name = f"case list page ({label})"
        statements = ctx.quick_statements(
            on_server(name),
            lambda conn, sort=sort: page_cases(  # type: ignore[misc]
                conn, CaseFilter(include_restricted=True), sort=sort, limit=100
            ),
        )
        results.append(
            compare(
                name,
                ours,
                ctx.baseline(statements),
                runs=ctx.runs,
                max_ratio=3,
                max_seconds=0.016,
            )
        )
    return results
