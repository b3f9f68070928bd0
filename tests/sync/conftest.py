"""Fixtures for the sync tests: a PostgreSQL server store with accounts and cases, and
replicas made from it (tests/db/sync_world.py holds the set-up, shared with tests/db)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
for extra in (HERE, HERE.parent, HERE.parent / "db"):  # sync_world, casework, pg_server
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from sync_world import TODAY, Server, make_replica, server  # noqa: E402

from db.store import Store  # noqa: E402

__all__ = ["server"]  # a fixture (sync_world.server), used by name


@pytest.fixture
def replica(server: Server, template_store: Path, tmp_path: Path) -> Iterator[Callable[..., Store]]:
    """Make replicas of ``server``: ``replica(name, site="Bolsover", today=TODAY)`` -> its
    open store."""
    made: list[Store] = []

    def make(name: str, site: str = "Bolsover", today: date = TODAY) -> Store:
        store = make_replica(server, template_store, tmp_path / name, site, today=today)
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()
