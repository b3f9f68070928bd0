"""``python -m bench [--records N] [--only NAME] [--out PATH] [--db URL]``: run the benchmark
suite (``--db``: the items that also run on a PostgreSQL store, there)."""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from bench.items import ITEMS, Context, Item
from bench.server import ServerContext, on_server, open_raw, parse_server_url
from bench.store import DEFAULT_CACHE, FILLS, cached_store, server_store
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
    p.add_argument(
        "--db",
        metavar="URL",
        help="a PostgreSQL database (postgresql+psycopg://USER@HOST/DB): run the list, search, "
        "report and import items on the store there, filling it first if it is empty",
    )
    p.add_argument(
        "--fill",
        choices=FILLS,
        default="copy",
        help="how an empty database gets the store: COPY from the cached store file "
        "(default, quicker) or the demo generator writing to the server",
    )
    p.add_argument(
        "--explain",
        type=Path,
        metavar="FILE",
        help="with --db: write EXPLAIN (ANALYZE, BUFFERS) of each read of every result, the "
        "missed targets first",
    )
    return p


def _server_items() -> dict[str, Callable[[ServerContext], list[Result]]]:
    """The items that also run on a PostgreSQL store, by name."""
    from bench.items import annual_report, case_list, filter_search, import_rows

    return {
        "case list page": case_list.run_server,
        "filter and search": filter_search.run_server,
        "annual report": annual_report.run_server,
        "import": import_rows.run_server,
    }


def _run_on_server(args: argparse.Namespace) -> list[Result]:
    runners = _server_items()
    unknown = [n for n in args.only if n not in runners]
    if unknown:
        raise SystemExit(
            f"item {unknown[0]!r} does not run on a server; items: {', '.join(runners)}"
        )
    server_store(args.db, args.records, args.seed, args.cache_dir, args.fill)
    store = open_store(args.db)
    url = parse_server_url(args.db)
    raw = open_raw(url)
    ctx = ServerContext(url=url, store=store, raw=raw, runs=args.runs)
    results: list[Result] = []
    try:
        for name, run in runners.items():
            if args.only and name not in args.only:
                continue
            print(f"{name} (server)...", file=sys.stderr, flush=True)
            results.extend(replace(r, name=on_server(r.name)) for r in run(ctx))
        if args.explain is not None:
            # The missed targets first; the met ones too, to show where their time goes.
            shown = sorted((r for r in results if r.name in ctx.statements), key=lambda r: r.met)
            args.explain.write_text(
                "\n".join(
                    f"# {r.name} ({'met' if r.met else 'MISSED'})\n{ctx.profile(r.name)}"
                    for r in shown
                )
            )
            missed = sum(not r.met for r in shown)
            print(
                f"profiles of {len(shown)} results ({missed} missed) in {args.explain}",
                file=sys.stderr,
            )
    finally:
        raw.close()
        store.close()
    return results


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
    w = max([48, *(len(r.name) for r in results)])
    print(f"{'item':<{w}} {'median':>11} {'baseline':>11} {'ratio':>7}  {'target':<24} met")
    for r in results:
        ratio = "-" if r.ratio is None else f"{r.ratio:.2f}"
        print(
            f"{r.name:<{w}} {_fmt(r.median_s):>11} {_fmt(r.baseline_median_s):>11} {ratio:>7}  "
            f"{r.target:<24} {'yes' if r.met else 'NO'}"
        )
        if r.note:
            print(f"    {r.note}")


def _write(out: Path, results: list[Result]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps([r.as_json() for r in results], indent=2) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.db is not None:
        on_server = _run_on_server(args)
        _print(on_server)
        _write(args.out, on_server)
        print(f"written to {args.out} ({args.records:,} records on {args.db})")
        return 0
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
    _write(args.out, results)
    print(f"written to {args.out} ({args.records:,} records)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
