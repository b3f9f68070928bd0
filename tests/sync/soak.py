"""The partition soak: the ``partitions.Partitions`` state machine run until at least
``--rounds`` sync rounds have been tried, with the figures printed (for the README).

    .venv/bin/python tests/sync/soak.py --rounds 1000
    CASEWORKER_TEST_PG=postgresql+psycopg://postgres@HOST:PORT/postgres PGPASSFILE=... \\
        .venv/bin/python tests/sync/soak.py --rounds 1000

Without ``CASEWORKER_TEST_PG`` it starts a throwaway PostgreSQL cluster of its own.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
for extra in (HERE, HERE.parent):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from hypothesis import HealthCheck, Phase, settings  # noqa: E402
from hypothesis.stateful import run_state_machine_as_test  # noqa: E402
from partitions import STATS, WORLD, Partitions, build_world, pgpass_for_proxies  # noqa: E402
from pg_server import start_server  # noqa: E402

from db.store import open_store  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1000, help="sync rounds to try at least")
    parser.add_argument("--steps", type=int, default=40, help="steps in each example")
    args = parser.parse_args(argv)
    pg = start_server()
    if isinstance(pg, str):
        print(f"soak: {pg}", file=sys.stderr)
        return 2
    folder = Path(tempfile.mkdtemp(prefix="cw-soak-"))
    given = os.environ.get("PGPASSFILE")
    if given:
        os.environ["PGPASSFILE"] = str(pgpass_for_proxies(Path(given), folder / "pgpass"))
    template = folder / "template.sqlite"
    open_store(template).close()
    WORLD[:] = [build_world(pg, template, folder)]
    each = settings(
        max_examples=3,
        stateful_step_count=args.steps,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=(Phase.explicit, Phase.generate),
    )
    started = time.monotonic()
    try:
        while STATS["sync rounds"] < args.rounds:
            run_state_machine_as_test(Partitions, settings=each)
            print(
                f"soak: {time.monotonic() - started:.0f} s {dict(STATS)}",
                file=sys.stderr,
                flush=True,
            )
    finally:
        for proxy in WORLD[0].proxies:
            proxy.close()
        pg.close()
    took = time.monotonic() - started
    print(f"Partition soak: {took:.0f} s, every invariant held after every step")
    for key in sorted(STATS):
        print(f"  {key}: {STATS[key]:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
