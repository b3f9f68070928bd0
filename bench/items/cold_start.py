"""Cold start: a new process until the window has painted the queue and the case list."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.items import Context
from bench.timing import Result, compare

# The baseline: the least a PySide6 program can do to open a window and save it.
BARE = (
    "import sys\n"
    "from PySide6.QtWidgets import QApplication, QLabel\n"
    "app = QApplication(sys.argv)\n"
    "w = QLabel('hello'); w.resize(1280, 800); w.show(); app.processEvents()\n"
    "w.grab().save(sys.argv[1])\n"
)


def _run(cmd: list[str]) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    subprocess.run(cmd, check=True, env=env, capture_output=True)


def run(ctx: Context) -> list[Result]:
    out = Path(tempfile.mkdtemp()) / "shot.png"
    results = []
    for view in ("queue", "cases"):

        def ours(view: str = view) -> object:
            _run(
                [
                    sys.executable,
                    "-m",
                    "caseworker",
                    "--db",
                    str(ctx.path),
                    "--screenshot",
                    str(out),
                    "--view",
                    view,
                ]
            )
            return None

        def baseline() -> object:
            _run([sys.executable, "-c", BARE, str(out)])
            return None

        results.append(
            compare(
                f"cold start ({view})",
                ours,
                baseline,
                runs=max(3, min(ctx.runs, 5)),
                max_ratio=2,
                max_seconds=None,
            )
        )
    return results
