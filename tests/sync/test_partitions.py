"""Partitions: three replicas and a server, links cut and healed (a TCP proxy per replica),
random edits on every side, syncs cut mid-batch, and a crash between the server's commit and
the outbox being marked (``partitions.Partitions``). Invariants after every step: no outbox
entry lost, every replica value applied or kept in a conflict, every chain verifies,
references unique; after a final sync every replica equals the server for its scope.

The default run is short (CI's budget); ``python tests/sync/soak.py --rounds 1000`` is the
long one, with its figures in the README.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test
from partitions import STATS, WORLD, Partitions, build_world, pgpass_for_proxies
from pg_server import PgServer

SHORT = settings(
    max_examples=2,
    stateful_step_count=12,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=(Phase.explicit, Phase.generate),  # no shrinking: each step is a real sync
)


@pytest.fixture
def world(
    pg_server: PgServer,
    template_store: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[None]:
    given = os.environ.get("PGPASSFILE")
    if given:
        monkeypatch.setenv("PGPASSFILE", str(pgpass_for_proxies(Path(given), tmp_path / "pgpass")))
    WORLD[:] = [build_world(pg_server, template_store, tmp_path)]
    yield
    for proxy in WORLD[0].proxies:
        proxy.close()
    pg_server.drop_database(WORLD[0].template_db)
    WORLD.clear()


@pytest.mark.slow
def test_three_replicas_through_cuts_heals_and_crashes_lose_nothing(world: None) -> None:
    STATS.clear()
    run_state_machine_as_test(Partitions, settings=SHORT)
    assert STATS["examples"] >= 2 and STATS["final syncs compared"] == STATS["examples"]
    assert STATS["sync rounds"] >= 6 * STATS["examples"]  # at least the final two rounds
