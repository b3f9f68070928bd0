"""The registry of benchmark items: add a module here and a line to ITEMS when its code lands."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.timing import Result
from db.store import Store


@dataclass
class Context:
    """What every item gets: the store (opened as the app opens it) and a raw connection."""

    path: Path
    store: Store
    raw: sqlite3.Connection
    runs: int


@dataclass(frozen=True)
class Item:
    """A benchmark item; ``run`` is None until the code it measures exists."""

    name: str
    target: str
    run: Callable[[Context], list[Result]] | None


def _items() -> list[Item]:
    from bench.items import (
        annual_report,
        case_list,
        cold_start,
        countdowns,
        documents,
        filter_search,
        import_rows,
        letters,
        memory,
        sign_in_start,
        sync,
    )

    return [
        Item("cold start", "<= 2x", cold_start.run),
        Item("case list page", "<= 3x and under 16 ms", case_list.run),
        Item("filter and search", "<= 3x and under 50 ms", filter_search.run),
        Item("countdowns", "<= 5x", countdowns.run),
        Item("annual report", "<= 1.5x and under 3 s", annual_report.run),
        Item("letters", "<= 1.5x", letters.run),
        Item("import", "<= 3x", import_rows.run),
        Item("memory", "under 400 MB", memory.run),
        Item("documents", "<= 1.5x; first paint <= 1.1x", documents.run),
        Item("start-up with accounts", "<= 2x; no stall over 100 ms", sign_in_start.run),
        Item("sync", "<= 3x", sync.run),
    ]


ITEMS: list[Item] = _items()
