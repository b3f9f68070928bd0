"""Timing helpers and the shape of one result."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Result:
    """One measured item, as written to results.json."""

    name: str
    median_s: float | None
    baseline_median_s: float | None
    ratio: float | None
    target: str
    met: bool
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def median_time(fn: Callable[[], object], runs: int) -> float:
    """The median wall time of ``runs`` calls, after one warm-up call."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def compare(
    name: str,
    ours: Callable[[], object],
    baseline: Callable[[], object],
    *,
    runs: int,
    max_ratio: float,
    max_seconds: float | None,
) -> Result:
    """Time ``ours`` against ``baseline`` (interleaved, so both see the same machine)."""
    ours_s = median_time(ours, runs)
    base_s = median_time(baseline, runs)
    ratio = ours_s / base_s if base_s > 0 else float("inf")
    target = f"<= {max_ratio:g}x"
    met = ratio <= max_ratio
    if max_seconds is not None:
        target += f" and under {max_seconds * 1000:g} ms"
        met = met and ours_s < max_seconds
    return Result(name, ours_s, base_s, ratio, target, met)
