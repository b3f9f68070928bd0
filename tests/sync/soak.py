"""The partition soak: the ``partitions.Partitions`` state machine run until at least
``--rounds`` sync rounds have been tried, with the figures printed (for the README).

    .venv/bin/python tests/sync/soak.py --rounds 1000 --out /tmp/soak.md
    CASEWORKER_TEST_PG=postgresql+psycopg://postgres@HOST:PORT/postgres PGPASSFILE=... \\
        .venv/bin/python tests/sync/soak.py --rounds 1000 --out /tmp/soak.md

Without ``CASEWORKER_TEST_PG`` it starts a throwaway PostgreSQL cluster of its own.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
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
    parser.add_argument("--out", type=Path, help="also write the figures here (Markdown)")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
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
        shutil.rmtree(folder, ignore_errors=True)
    took = time.monotonic() - started
    report = figures(took, load_before, os.getloadavg(), args.steps)
    print(report)
    if args.out is not None:
        args.out.write_text(report + "\n")
    return 0


def figures(
    took: float,
    load_before: tuple[float, float, float],
    load_after: tuple[float, float, float],
    steps: int,
) -> str:
    """The soak's figures as the README shows them, every one counted by this process."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_mb = usage.ru_maxrss / 1024  # kB on Linux
    cpu = usage.ru_utime + usage.ru_stime
    rounds = STATS["sync rounds"]
    lines = [
        f"Partition soak: one process, {took / 60:.1f} min, {rounds:,} sync rounds "
        f"({rounds / took:.2f} a second), up to {steps} steps an example; every invariant "
        "held after every step and every example's final sync-and-compare passed.",
        f"CPU time {cpu:.0f} s ({cpu / max(rounds, 1):.2f} s a round, this process alone); "
        f"peak memory {peak_mb:.0f} MB; load average {load_before[0]:.1f} at the start, "
        f"{load_after[0]:.1f} at the end.",
        "",
        "| what | count |",
        "|---|---|",
    ]
    lines += [f"| {key} | {STATS[key]:,} |" for key in ORDER if key in STATS]
    lines += [f"| {key} | {STATS[key]:,} |" for key in sorted(STATS) if key not in ORDER]
    return "\n".join(lines)


# The order the README's table gives the figures in.
ORDER = (
    "sync rounds",
    "syncs completed",
    "syncs refused: offline",
    "syncs cut short",
    "cuts",
    "cuts mid-sync (before a commit)",
    "crashes after the server's commit",
    "edits on a replica",
    "edits on the server",
    "refused locally",
    "intents pushed",
    "cases pulled",
    "cases removed from a replica",
    "conflicts kept",
    "same changes merged silently",
    "examples",
    "final syncs compared",
)

if __name__ == "__main__":
    sys.exit(main())
