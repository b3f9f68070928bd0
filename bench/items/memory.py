"""Memory: peak resident memory of a process with the store open on the case list."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from bench.items import Context
from bench.timing import Result

LIMIT_MB = 400

_SCRIPT = """
import json, re, resource, sys
from db.queries import CaseFilter, count_cases, page_cases
from db.store import open_store
store = open_store(sys.argv[1])
with store.read() as session:
    total = count_cases(session, CaseFilter())
    rows = page_cases(session, CaseFilter(), limit=100)
store.close()
# VmHWM is this program's own peak; ru_maxrss on Linux also counts the parent it was
# forked from before exec (the benchmark process, which may hold the whole generator).
try:
    status = open("/proc/self/status").read()
    peak_kb = int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1))
except OSError:
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"peak_mb": peak_kb / 1024, "rows": len(rows), "total": total}))
"""


def run(ctx: Context) -> list[Result]:
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(ctx.path)],
        check=True,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    found = json.loads(out.stdout.strip().splitlines()[-1])
    peak = float(found["peak_mb"])
    return [
        Result(
            "memory",
            elapsed,
            None,
            None,
            f"under {LIMIT_MB} MB",
            peak < LIMIT_MB,
            note=f"peak RSS {peak:.0f} MB opening the store and the first page "
            f"({found['rows']} of {found['total']:,} rows); median_s is the whole process",
        )
    ]
