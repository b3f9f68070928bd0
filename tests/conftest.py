"""Shared test set-up: hypothesis profiles (bounded in CI) and a fresh store per test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from db.store import Store, open_store

settings.register_profile("ci", max_examples=200, deadline=None)
settings.register_profile("dev", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def template_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated, empty store, copied for each test (migrating every time is slow)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    open_store(path).close()
    return path


@pytest.fixture
def store_path(template_store: Path, tmp_path: Path) -> Path:
    """A fresh, empty store's file in ``tmp_path``."""
    path = tmp_path / "store.sqlite"
    shutil.copyfile(template_store, path)
    return path


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    """A fresh, empty store in ``tmp_path``."""
    opened = open_store(store_path)
    yield opened
    opened.close()
