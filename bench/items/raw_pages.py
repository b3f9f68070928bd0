"""The case list's reads done by hand on raw sqlite3: the baselines issue the SELECTs
(``ROW_SQL``, the same text as ours) that page_cases issues, without its Python."""

from __future__ import annotations

import sqlite3
from typing import Any

from db.queries import ROW_SQL, SMALL_MATCH
from db.search import MATCH_KEYS_SQL, MATCH_SQL

__all__ = ["ROW_SQL", "first_page_by_deadline", "search_page"]


def first_page_by_deadline(
    raw: sqlite3.Connection,
    where: str,
    params: tuple[Any, ...],
    limit: int = 100,
    *,
    by_key: bool = False,
) -> list[Any]:
    """Cases with a deadline in deadline order, then (if the page is not full) the rest.

    ``by_key``: a short list of cases, looked up by key (``+`` keeps SQLite off the index).
    """
    cond = f" AND ({where})" if where else ""
    rows = raw.execute(
        f"{ROW_SQL} WHERE c.next_due IS NOT NULL{cond} ORDER BY c.next_due, c.reference LIMIT ?",
        (*params, limit),
    ).fetchall()
    if len(rows) < limit:
        rows += raw.execute(
            f"{ROW_SQL} WHERE {'+' if by_key else ''}c.next_due IS NULL{cond} "
            "ORDER BY c.reference LIMIT ?",
            (*params, limit - len(rows)),
        ).fetchall()
    return rows


def search_page(raw: sqlite3.Connection, fts: str) -> list[Any]:
    """A search: a short list of matches is read first and looked up by key, as ours does."""
    ids = [r[0] for r in raw.execute(f"{MATCH_SQL} LIMIT ?", (fts, SMALL_MATCH + 1))]
    if len(ids) <= SMALL_MATCH:
        marks = ", ".join("?" * len(ids)) or "NULL"
        return first_page_by_deadline(raw, f"c.id IN ({marks})", tuple(ids), by_key=True)
    return first_page_by_deadline(raw, f"c.search_key IN ({MATCH_KEYS_SQL})", (fts,))
