"""Fixtures for tests on a real store: a fresh store per test, on each engine."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event

from db.store import Store, open_store


def _no_fsync(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
    # Tests need not survive a power cut; test_store_and_migrations checks the real pragmas.
    dbapi_conn.execute("PRAGMA synchronous = OFF")


@pytest.fixture
def store(store_target: str) -> Iterator[Store]:
    """A fresh, empty store (tests/conftest.py), without fsync on SQLite."""
    opened = open_store(store_target)
    if not opened.on_server:  # the test server runs with fsync off already
        event.listen(opened.engine, "checkout", _no_fsync)
    yield opened
    opened.close()
