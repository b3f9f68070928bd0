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


def compare(
    name: str,
    ours: Callable[[], object],
    baseline: Callable[[], object],
    *,
    runs: int,
    max_ratio: float,
    max_seconds: float | None,
) -> Result:
    """Time ``ours`` against ``baseline``, interleaved (one of each in turn, after a warm-up
    of each), so a change in the machine's load falls on both alike."""
    ours(), baseline()
    ours_times: list[float] = []
    base_times: list[float] = []
    for _ in range(runs):
        for fn, times in ((ours, ours_times), (baseline, base_times)):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    ours_s, base_s = statistics.median(ours_times), statistics.median(base_times)
    ratio = ours_s / base_s if base_s > 0 else float("inf")
    target = f"<= {max_ratio:g}x"
    met = ratio <= max_ratio
    if max_seconds is not None:
        target += f" and under {max_seconds * 1000:g} ms"
        met = met and ours_s < max_seconds
    return Result(name, ours_s, base_s, ratio, target, met)
