"""Set-up for the desktop app's tests: offscreen Qt, a fresh store, a fake clock, a context."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists

from collections.abc import Iterator
from typing import Any

import pytest
from ui_helpers import OFFICER, RECEIVED

from db.store import Store
from ui.clock import FixedClock
from ui.context import AppContext


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(RECEIVED)


@pytest.fixture
def context(store: Store, clock: FixedClock, qapp: Any) -> Iterator[AppContext]:
    ctx = AppContext(store, OFFICER, clock)
    yield ctx
    ctx.ticker.deleteLater()


@pytest.fixture
def admin_context(store: Store, clock: FixedClock, qapp: Any) -> Iterator[AppContext]:
    """The store's built-in local administrator (settings, demo data, every page)."""
    from caseworker.services.actor import LOCAL_ADMIN

    ctx = AppContext(store, LOCAL_ADMIN, clock)
    yield ctx
    ctx.ticker.deleteLater()


@pytest.fixture
def engine_name() -> str:
    """The desktop app's tests run on a store file (the services' tests cover both engines)."""
    return "sqlite"
