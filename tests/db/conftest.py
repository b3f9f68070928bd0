"""Fixtures for tests on a real SQLite store: a fresh store per test, copied from a template."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from db.store import Store, open_store


def _no_fsync(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
    # Tests need not survive a power cut; test_store_and_migrations checks the real pragmas.
    dbapi_conn.execute("PRAGMA synchronous = OFF")


@pytest.fixture(scope="session")
def template_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated, empty store, copied for each test (migrating every time is slow)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    open_store(path).close()
    return path


@pytest.fixture
def store(template_store: Path, tmp_path: Path) -> Iterator[Store]:
    """A fresh, empty store in ``tmp_path``."""
    path = tmp_path / "store.sqlite"
    shutil.copyfile(template_store, path)
    opened = open_store(path)
    event.listen(opened.engine, "checkout", _no_fsync)
    yield opened
    opened.close()
