"""The case list, its counts and its search, as an actor may see them.

Every read takes the Actor: restricted (safeguarding) cases are in the rows and the counts
only for staff given access. No SQLAlchemy here either (the first window is painted from
these on a plain sqlite3 connection).
"""

from __future__ import annotations

from caseworker.services.actor import Actor
from caseworker.services.permissions import visible_filter
from db.queries import (
    CaseFilter,
    CaseRow,
    NamedItem,
    Reader,
    SortKey,
    count_cases,
    page_cases,
    page_cases_at,
    service_areas,
    sites,
    sort_key,
)

__all__ = [
    "CaseFilter",
    "CaseRow",
    "NamedItem",
    "SortKey",
    "count",
    "page",
    "page_at",
    "service_areas",
    "sites",
    "sort_key",
]


def page(
    reader: Reader,
    actor: Actor,
    case_filter: CaseFilter,
    *,
    sort: str = "next_due",
    descending: bool = False,
    after: SortKey | None = None,
    limit: int = 100,
) -> list[CaseRow]:
    """One page of the cases the filter shows that the actor may see (keyset paging)."""
    return page_cases(
        reader,
        visible_filter(actor, case_filter),
        sort=sort,
        descending=descending,
        after=after,
        limit=limit,
    )


def page_at(
    reader: Reader,
    actor: Actor,
    case_filter: CaseFilter,
    *,
    sort: str = "next_due",
    descending: bool = False,
    offset: int,
    limit: int = 100,
) -> list[CaseRow]:
    """A page far from any cached one (a scroll-bar jump), of what the actor may see."""
    return page_cases_at(
        reader,
        visible_filter(actor, case_filter),
        sort=sort,
        descending=descending,
        offset=offset,
        limit=limit,
    )


def count(reader: Reader, actor: Actor, case_filter: CaseFilter) -> int:
    """How many cases the filter shows that the actor may see."""
    return count_cases(reader, visible_filter(actor, case_filter))
