"""Cold start: a new process until the window has painted the queue and the case list.

Ours is ``caseworker --screenshot`` on the 1M store, dated the store's "today" (so the
queue's counts are those of a working day, not of a store eight months stale). The app
paints the work queue and the first page of the case list from the quick reader, then
(in normal use) opens the full store and builds the other pages; ``--screenshot`` of the
queue or the list saves the window at that first paint. The time until every page is
built (a screenshot of the Settings page) is measured too and given in the note.

The note also gives each process's CPU time (user and system, all its threads, from the
kernel's ``RUSAGE_CHILDREN``), median of the timed runs, for ours and the bare window: on a
machine shared with other work the wall times swing with the load, the CPU times much less,
so their ratio shows whether a change in the wall-time ratio is the app's or the machine's.

Both processes run as an installed app does, with compiled bytecode (the warm-up run
writes it where ``PYTHONDONTWRITEBYTECODE`` would stop it).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.items import Context
from bench.store import TODAY
from bench.timing import Result, compare, median_times

# The baseline: the least a PySide6 program can do to open a window and save it.
BARE = (
    "import sys\n"
    "from PySide6.QtWidgets import QApplication, QLabel\n"
    "app = QApplication(sys.argv)\n"
    "w = QLabel('hello'); w.resize(1280, 800); w.show(); app.processEvents()\n"
    "w.grab().save(sys.argv[1])\n"
)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "QT_QPA_PLATFORM": "offscreen", "CASEWORKER_TODAY": TODAY.isoformat()}


def _run(cmd: list[str], cpu: list[float] | None = None) -> None:
    """Run ``cmd`` to its end; with ``cpu``, append the CPU seconds it used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, env=_env(), capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if cpu is not None:
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)


def _cpu_note(ours: list[float], bare: list[float]) -> str:
    """Median CPU time of the timed runs (the first of each list is the warm-up)."""
    mine, base = statistics.median(ours[1:]), statistics.median(bare[1:])
    return (
        f"CPU time: ours {mine * 1000:.0f} ms, bare window {base * 1000:.0f} ms "
        f"({mine / base:.2f}x)"
    )


def _app(ctx: Context, view: str, out: Path) -> list[str]:
    return [
        sys.executable, "-m", "caseworker", "--db", str(ctx.path),
        "--screenshot", str(out), "--view", view,
    ]  # fmt: skip


def run(ctx: Context) -> list[Result]:
    out = Path(tempfile.mkdtemp()) / "shot.png"
    runs = max(3, min(ctx.runs, 5))
    results = []
    for view in ("queue", "cases"):
        ours: list[float] = []
        bare: list[float] = []
        result = compare(
            f"cold start ({view})",
            lambda view=view, ours=ours: _run(_app(ctx, view, out), ours),  # type: ignore[misc]
            lambda bare=bare: _run([sys.executable, "-c", BARE, str(out)], bare),  # type: ignore[misc]
            runs=runs,
            max_ratio=2,
            max_seconds=None,
        )
        results.append((result, _cpu_note(ours, bare)))
    (ready,) = median_times([lambda: _run(_app(ctx, "settings", out))], runs)
    note = f"every page built (Settings shown) after {ready * 1000:.0f} ms"
    return [Result(r.name, r.median_s, r.baseline_median_s, r.ratio, r.target, r.met,
                   f"{cpu}; {note}")
            for r, cpu in results]  # fmt: skip
