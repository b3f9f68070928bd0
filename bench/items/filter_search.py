"""Filter and search: overdue cases in one service area; search by surname, postcode, words."""

from __future__ import annotations

from typing import Any

from bench.items import Context
from bench.items.case_list import ROW_SQL
from bench.store import TODAY
from bench.timing import Result, compare
from db.queries import OPEN_STATUSES, CaseFilter, CaseRow, page_cases
from db.search import fts_query

ORDER = " ORDER BY c.next_due IS NULL, c.next_due, c.reference LIMIT 100"


def _probes(ctx: Context) -> list[tuple[str, CaseFilter, str, tuple[object, ...]]]:
    raw = ctx.raw
    area_id = raw.execute("SELECT id FROM service_areas WHERE name = 'Housing Repairs'").fetchone()[
        0
    ]
    postcode = raw.execute(
        "SELECT p.postcode FROM case_parties cp JOIN people p ON p.id = cp.person_id "
        "ORDER BY cp.id LIMIT 1"
    ).fetchone()[0]
    marks = ", ".join("?" * len(OPEN_STATUSES))
    overdue_sql = (
        f"{ROW_SQL} WHERE c.status IN ({marks}) AND c.id IN (SELECT case_id FROM "
        "case_service_areas WHERE service_area_id = ?) AND c.next_due < ?" + ORDER
    )
    search_sql = (
        f"{ROW_SQL} WHERE c.id IN (SELECT case_id FROM case_search WHERE case_search MATCH ?)"
        + ORDER
    )
    probes: list[tuple[str, CaseFilter, str, tuple[object, ...]]] = [
        (
            "overdue in one service area",
            CaseFilter(open_only=True, service_area_id=area_id, due_before=TODAY),
            overdue_sql,
            (*OPEN_STATUSES, area_id, TODAY.isoformat()),
        )
    ]
    for label, words in (
        ("surname", "Wiśniewski"),
        ("postcode", postcode),
        ("description words", "leaking boiler"),
    ):
        probes.append(
            (f"search by {label}", CaseFilter(search=words), search_sql, (fts_query(words),))
        )
    return probes


def run(ctx: Context) -> list[Result]:
    results = []
    for label, f, sql, params in _probes(ctx):

        def ours(f: CaseFilter = f) -> list[CaseRow]:
            with ctx.store.read() as session:
                return page_cases(session, f, limit=100)

        def baseline(sql: str = sql, params: tuple[object, ...] = params) -> list[Any]:
            return ctx.raw.execute(sql, params).fetchall()

        assert len(ours()) == len(baseline()), label  # the same question, the same answer
        results.append(
            compare(
                f"filter and search ({label})",
                ours,
                baseline,
                runs=ctx.runs,
                max_ratio=3,
                max_seconds=0.050,
            )
        )
    return results
