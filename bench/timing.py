"""Timing helpers and the shape of one result."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
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


def median_times(
    fns: Sequence[Callable[[], object]],
    runs: int,
    setup: Callable[[], object] | None = None,
    *,
    warm_up: bool = True,
) -> list[float]:
    """Each function's median wall time over ``runs`` calls, after a warm-up call of each;
    the functions are called in turn, so a change in the machine's load falls on all alike.
    ``setup`` (untimed) runs before every call, e.g. to give each a fresh empty store;
    ``warm_up`` False skips the warm-up calls (for long items whose set-up ran them once)."""
    for fn in fns if warm_up else ():
        if setup is not None:
            setup()
        fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for fn, timed in zip(fns, times, strict=True):
            if setup is not None:
                setup()
            start = time.perf_counter()
            fn()
            timed.append(time.perf_counter() - start)
    return [statistics.median(t) for t in times]


def compare(
    name: str,
    ours: Callable[[], object],
    baseline: Callable[[], object],
    *,
    runs: int,
    max_ratio: float,
    max_seconds: float | None,
    setup: Callable[[], object] | None = None,
    warm_up: bool = True,
) -> Result:
    """Time ``ours`` against ``baseline``, in turn (``median_times``)."""
    ours_s, base_s = median_times([ours, baseline], runs, setup, warm_up=warm_up)
    ratio = ours_s / base_s if base_s > 0 else float("inf")
    target = f"<= {max_ratio:g}x"
    met = ratio <= max_ratio
    if max_seconds is not None:
        target += f" and under {max_seconds * 1000:g} ms"
        met = met and ours_s < max_seconds
    return Result(name, ours_s, base_s, ratio, target, met)
