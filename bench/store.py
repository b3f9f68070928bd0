"""The benchmark store: made once with the demo generator and kept in bench/.cache."""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

from caseworker.services.actor import LOCAL_ADMIN
from caseworker.services.demo import generate
from db.store import open_store

TODAY = date(2026, 3, 16)  # fixed, so a cached store stays valid
DEFAULT_CACHE = Path(__file__).parent / ".cache"


def cached_store(records: int, seed: int, cache_dir: Path = DEFAULT_CACHE) -> Path:
    """The path of a store with ``records`` demo cases, making it on first use."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"store-{records}-seed{seed}-{TODAY.isoformat()}.sqlite"
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    for leftover in cache_dir.glob(partial.name + "*"):
        leftover.unlink()
    started = time.perf_counter()

    def progress(done: int, total: int) -> bool:
        print(f"\rmaking the store: {done:,} of {total:,}", end="", file=sys.stderr, flush=True)
        return True

    store = open_store(partial)
    try:
        generate(store, records, seed=seed, today=TODAY, actor=LOCAL_ADMIN, progress=progress)
    finally:
        store.close()
    partial.rename(path)
    print(
        f"\nmade {records:,} records in {time.perf_counter() - started:.0f} s: {path}",
        file=sys.stderr,
    )
    return path
