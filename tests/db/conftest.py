"""Fixtures for tests on a real SQLite store: a fresh store per test, copied from a template."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from db.store import Store, open_store


def _no_fsync(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
    # Tests need not survive a power cut; test_store_and_migrations checks the real pragmas.
    dbapi_conn.execute("PRAGMA synchronous = OFF")


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    """A fresh, empty store in ``tmp_path`` (tests/conftest.py), without fsync."""
    opened = open_store(store_path)
    event.listen(opened.engine, "checkout", _no_fsync)
    yield opened
    opened.close()
