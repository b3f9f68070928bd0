"""Set-up for the desktop app's tests: offscreen Qt, a fresh store, a fake clock, a context."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ui_helpers import OFFICER, RECEIVED

from db.store import Store, open_store
from ui.clock import FixedClock
from ui.context import AppContext


@pytest.fixture(scope="session")
def template_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated, empty store, copied for each test (migrating every time is slow)."""
    path = tmp_path_factory.mktemp("ui-template") / "template.sqlite"
    open_store(path).close()
    return path


@pytest.fixture
def store_path(template_store: Path, tmp_path: Path) -> Path:
    path = tmp_path / "store.sqlite"
    shutil.copyfile(template_store, path)
    return path


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    opened = open_store(store_path)
    yield opened
    opened.close()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(RECEIVED)


@pytest.fixture
def context(store: Store, clock: FixedClock, qapp: Any) -> Iterator[AppContext]:
    ctx = AppContext(store, OFFICER, clock)
    yield ctx
    ctx.ticker.deleteLater()
