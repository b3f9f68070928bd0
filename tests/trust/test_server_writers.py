"""Many writers on one PostgreSQL store, as real processes (tests/trust/server_writers.py).

The default run keeps each short; ``python tests/trust/server_writers.py`` runs the
1,000-trial versions whose figures are in the README.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pg_server import PgServer
from server_writers import SITES, run_imports, run_intakes, run_trials

from caseworker.services.audit import verify_chain
from db.store import open_store

pytestmark = pytest.mark.slow


def _chain_verifies(url: str) -> bool:
    store = open_store(url)
    try:
        with store.read() as s:
            return verify_chain(s) is None
    finally:
        store.close()


def test_racing_processes_lose_no_update_and_the_losers_are_told_who_won(
    pg_server: PgServer,
) -> None:
    url = pg_server.fresh_store_url()
    figures = run_trials(url, 40)
    assert figures.trials == 40
    assert set(figures.by_racers) <= set(range(2, 9))
    assert figures.saved == 40  # exactly one winner a race
    assert figures.refused == figures.writers - 40
    assert figures.lost == 0
    assert figures.told_wrong == 0
    assert _chain_verifies(url)


def test_advisors_logging_at_the_same_moment_get_different_references(
    pg_server: PgServer,
) -> None:
    url = pg_server.fresh_store_url()
    refs, stored, _seconds = run_intakes(url, 8, 6)
    assert len(refs) == 48
    assert len(set(refs)) == 48
    assert stored == 48
    # One counter: the year's numbers 1..48, none skipped or repeated.
    assert sorted(refs) == [f"CW-2026-{k:06d}" for k in range(1, 49)]
    assert _chain_verifies(url)


def test_eight_imports_at_once_add_each_shared_name_once_and_every_record_once(
    pg_server: PgServer, tmp_path: Path
) -> None:
    url = pg_server.fresh_store_url()
    figures = run_imports(url, tmp_path, files=8, rows=12)
    assert figures.imported == [12] * 8
    assert figures.cases == figures.references == 96
    assert figures.sites == sorted(SITES)
    assert figures.areas == ["Housing Repairs", "Tenancy Services", "Waste"]
    assert figures.themes == ["Communication", "Damp and mould", "Delay"]
    assert _chain_verifies(url)
