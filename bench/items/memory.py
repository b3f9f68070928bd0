"""Memory: the peak resident memory of the desktop app itself, with Qt, on the store.

The app is started as a person starts it (``python -m caseworker``, offscreen) with
``--screenshot``: once with the case list open (the first paint of the list), and once with
every page built (the Settings page shown, which the app builds last). A small wrapper
process starts it and reads the app's peak from the kernel (``RUSAGE_CHILDREN``: the
largest child the wrapper waited for, which is only the app).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.items import Context
from bench.store import TODAY
from bench.timing import Result

LIMIT_MB = 400

_WRAPPER = """
import json, resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, capture_output=True)
print(json.dumps({"peak_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def peak_mb(command: list[str]) -> float:
    """The peak resident memory of ``command``'s process, in MB (Linux reports KB)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CASEWORKER_TODAY": TODAY.isoformat()}
    out = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *command],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return float(json.loads(out.stdout.strip().splitlines()[-1])["peak_kb"]) / 1024


def run(ctx: Context) -> list[Result]:
    shot = Path(tempfile.mkdtemp()) / "shot.png"
    results = []
    for view, label in (("cases", "case list open"), ("settings", "every page built")):
        app = [sys.executable, "-m", "caseworker", "--db", str(ctx.path)]
        started = time.perf_counter()
        peak = peak_mb([*app, "--screenshot", str(shot), "--view", view])
        elapsed = time.perf_counter() - started
        results.append(
            Result(
                f"memory ({label})",
                elapsed,
                None,
                None,
                f"under {LIMIT_MB} MB",
                peak < LIMIT_MB,
                note=f"peak RSS of the app process {peak:.0f} MB (Qt, offscreen, "
                f"--screenshot --view {view}); median_s is the whole process",
            )
        )
    return results
