"""Fixtures for the trust tests: real SQLite stores in ``tmp_path``."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from db.store import Store, open_store


@pytest.fixture(scope="session")
def template_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated, empty store, copied for each test (migrating every time is slow)."""
    path = tmp_path_factory.mktemp("trust-template") / "template.sqlite"
    open_store(path).close()
    return path


@pytest.fixture
def store_path(template_store: Path, tmp_path: Path) -> Path:
    path = tmp_path / "store.sqlite"
    shutil.copyfile(template_store, path)
    return path


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    """A fresh, empty store in ``tmp_path``."""
    opened = open_store(store_path)
    yield opened
    opened.close()
