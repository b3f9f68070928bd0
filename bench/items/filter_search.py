"""Filter and search: overdue cases in one service area; search by surname, postcode, words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench.items import Context
from bench.items.raw_pages import first_page_by_deadline, search_page
from bench.server import ServerContext, on_server
from bench.store import TODAY
from bench.timing import Result, compare
from db.queries import OPEN_STATUSES, CaseFilter, CaseRow, page_cases
from db.search import fts_query


def _probes(ctx: Context) -> list[tuple[str, CaseFilter, Callable[[], list[Any]]]]:
    raw = ctx.raw
    area_id = raw.execute("SELECT id FROM service_areas WHERE name = 'Housing Repairs'").fetchone()[
        0
    ]
    postcode = raw.execute(
        "SELECT p.postcode FROM case_parties cp JOIN people p ON p.id = cp.person_id "
        "ORDER BY cp.id LIMIT 1"
    ).fetchone()[0]
    marks = ", ".join("?" * len(OPEN_STATUSES))
    overdue_where = (
        f"+c.status IN ({marks}) AND EXISTS (SELECT case_id FROM case_service_areas "
        "WHERE case_id = c.id AND service_area_id = ?) AND c.next_due < ?"
    )
    overdue_params = (*OPEN_STATUSES, area_id, TODAY.isoformat())
    probes: list[tuple[str, CaseFilter, Callable[[], list[Any]]]] = [
        (
            "overdue in one service area",
            CaseFilter(
                open_only=True, service_area_id=area_id, due_before=TODAY, include_restricted=True
            ),
            lambda: first_page_by_deadline(raw, overdue_where, overdue_params),
        )
    ]
    for label, words in (
        ("surname", "Wiśniewski"),
        ("postcode", postcode),
        ("description words", "leaking boiler"),
    ):
        fts = fts_query(words)
        assert fts is not None
        probes.append(
            (
                f"search by {label}",
                CaseFilter(search=words, include_restricted=True),
                lambda fts=fts: search_page(raw, fts),  # type: ignore[misc]
            )
        )
    return probes


def run(ctx: Context) -> list[Result]:
    results = []
    for label, f, baseline in _probes(ctx):

        def ours(f: CaseFilter = f) -> list[CaseRow]:
            with ctx.store.quick.read() as conn:
                return page_cases(conn, f, limit=100)

        # The same question, the same answer.
        assert [r.reference for r in ours()] == [r[1] for r in baseline()], label
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


def _server_filters(ctx: ServerContext) -> list[tuple[str, CaseFilter]]:
    """The same four questions on a PostgreSQL store (its area id and first postcode)."""
    area_id = ctx.value("SELECT id FROM service_areas WHERE name = 'Housing Repairs'")
    postcode = ctx.value(
        "SELECT p.postcode FROM case_parties cp JOIN people p ON p.id = cp.person_id "
        "ORDER BY cp.id LIMIT 1"
    )
    overdue = CaseFilter(
        open_only=True, service_area_id=area_id, due_before=TODAY, include_restricted=True
    )
    filters = [("overdue in one service area", overdue)]
    for label, words in (
        ("surname", "Wiśniewski"),
        ("postcode", postcode),
        ("description words", "leaking boiler"),
    ):
        filters.append((f"search by {label}", CaseFilter(search=words, include_restricted=True)))
    return filters


def run_server(ctx: ServerContext) -> list[Result]:
    """The same filters and searches on a PostgreSQL store; the baseline replays ours' SQL."""
    results = []
    for label, f in _server_filters(ctx):

        def ours(f: CaseFilter = f) -> list[CaseRow]:
            with ctx.store.quick.read() as conn:
                return page_cases(conn, f, limit=100)

        name = f"filter and search ({label})"
        statements = ctx.quick_statements(
            on_server(name),
            lambda conn, f=f: page_cases(conn, f, limit=100),  # type: ignore[misc]
        )
        results.append(
            compare(
                name,
                ours,
                ctx.baseline(statements),
                runs=ctx.runs,
                max_ratio=3,
                max_seconds=0.050,
            )
        )
    return results
