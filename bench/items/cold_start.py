"""Cold start: a new process until the window has painted the queue and the case list.

Ours is ``caseworker --screenshot`` on the 1M store, dated the store's "today" (so the
queue's counts are those of a working day, not of a store eight months stale). The app
paints the work queue and the first page of the case list from the quick reader, then
(in normal use) opens the full store and builds the other pages; ``--screenshot`` of the
queue or the list saves the window at that first paint. The time until every page is
built (a screenshot of the Settings page) is measured too and given in the note.

Both processes run as an installed app does, with compiled bytecode (the warm-up run
writes it where ``PYTHONDONTWRITEBYTECODE`` would stop it).
"""

from __future__ import annotations

import os
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


def _run(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, env=_env(), capture_output=True)


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
        result = compare(
            f"cold start ({view})",
            lambda view=view: _run(_app(ctx, view, out)),  # type: ignore[misc]
            lambda: _run([sys.executable, "-c", BARE, str(out)]),
            runs=runs,
            max_ratio=2,
            max_seconds=None,
        )
        results.append(result)
    (ready,) = median_times([lambda: _run(_app(ctx, "settings", out))], runs)
    note = f"every page built (Settings shown) after {ready * 1000:.0f} ms"
    return [Result(r.name, r.median_s, r.baseline_median_s, r.ratio, r.target, r.met, note)
            for r in results]  # fmt: skip
