"""The desktop app on a store on a PostgreSQL server: the status bar says which server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pg_server import PgServer
from ui_helpers import OFFICER, RECEIVED, log

from db.queries import CaseFilter, page_cases
from db.store import Store, open_store
from ui.clock import FixedClock
from ui.context import AppContext
from ui.main_window import MainWindow


@pytest.fixture
def server_context(pg_server: PgServer, qapp: Any) -> Iterator[AppContext]:
    store: Store = open_store(pg_server.fresh_store_url())
    ctx = AppContext(store, OFFICER, FixedClock(RECEIVED))
    yield ctx
    ctx.ticker.deleteLater()
    ctx.close()


def test_the_window_works_on_a_server_and_says_which(
    qtbot: Any, server_context: AppContext
) -> None:
    store = server_context.store
    ref = log(store)
    window = MainWindow(server_context)
    qtbot.addWidget(window)
    assert store.url is not None
    where = f"{store.url.database} on {store.url.host}:{store.url.port} (as {store.url.username})"
    assert window.windowTitle() == f"Caseworker: {where}"
    assert window.statusBar().currentMessage() == f"Server: {where} · Working as A. Smith"
    # The lists read the server through its quick reader (plain psycopg, ? placeholders).
    rows = server_context.read_quick(lambda conn: page_cases(conn, CaseFilter(), limit=10))
    assert [r.reference for r in rows] == [ref]
    window.open_case(ref)
