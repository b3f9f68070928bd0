"""``python -m bench [--records N] [--only NAME] [--out PATH]``: run the benchmark suite."""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.items import ITEMS, Context, Item
from bench.store import DEFAULT_CACHE, cached_store
from bench.timing import Result
from db.store import open_store

DEFAULT_OUT = Path(__file__).parent / "results.json"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--records", type=int, default=1_000_000, metavar="N")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help="run only this item (repeatable)",
    )
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="PATH")
    p.add_argument("--runs", type=int, default=9, help="timed runs per item (the median is kept)")
    p.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE, metavar="DIR")
    return p


def _chosen(only: list[str]) -> list[Item]:
    if not only:
        return ITEMS
    names = {i.name for i in ITEMS}
    unknown = [n for n in only if n not in names]
    if unknown:
        raise SystemExit(f"unknown item {unknown[0]!r}; items: {', '.join(sorted(names))}")
    return [i for i in ITEMS if i.name in only]


def _fmt(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:.2f} ms"


def _print(results: list[Result]) -> None:
    print(f"{'item':<48} {'median':>11} {'baseline':>11} {'ratio':>7}  {'target':<24} met")
    for r in results:
        ratio = "-" if r.ratio is None else f"{r.ratio:.2f}"
        print(
            f"{r.name:<48} {_fmt(r.median_s):>11} {_fmt(r.baseline_median_s):>11} {ratio:>7}  "
            f"{r.target:<24} {'yes' if r.met else 'NO'}"
        )
        if r.note:
            print(f"    {r.note}")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    items = _chosen(args.only)
    path = cached_store(args.records, args.seed, args.cache_dir)
    store = open_store(path)
    raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    ctx = Context(path=path, store=store, raw=raw, runs=args.runs)
    results: list[Result] = []
    try:
        for item in items:
            if item.run is None:
                print(f"{item.name}: not yet implemented", file=sys.stderr)
                results.append(
                    Result(item.name, None, None, None, item.target, False, "not yet implemented")
                )
                continue
            print(f"{item.name}...", file=sys.stderr, flush=True)
            results.extend(item.run(ctx))
    finally:
        raw.close()
        store.close()
    _print(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps([r.as_json() for r in results], indent=2) + "\n")
    print(f"written to {args.out} ({args.records:,} records)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
