"""``caseworker demo``: fill a new store with realistic demo records (bulk insert)."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from caseworker.commands.common import actor_from_args, store_from_args, today_from_args
from caseworker.services.demo import generate


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("demo", help="fill a new, empty store with demo records")
    p.add_argument("--cases", type=int, required=True, metavar="N", help="how many records")
    p.add_argument("--seed", type=int, default=1, metavar="S", help="same seed, same records")
    p.add_argument("--today", metavar="D", help="the last day records are received")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    today = today_from_args(args)
    store = store_from_args(args, must_exist=False)  # makes a new store on purpose
    started = time.monotonic()

    def progress(done: int, total: int) -> bool:
        print(f"\r{done:,} of {total:,} records", end="", file=sys.stderr, flush=True)
        return True

    try:
        summary = generate(
            store,
            args.cases,
            seed=args.seed,
            today=today,
            actor=actor_from_args(args, store),
            progress=progress,
        )
    finally:
        store.close()
    print(file=sys.stderr)
    kinds = ", ".join(f"{count:,} {kind}" for kind, count in summary.by_kind.items())
    print(
        f"Made {summary.cases:,} demo records ({kinds}), received "
        f"{summary.first_received.isoformat()} to {summary.last_received.isoformat()}; "
        f"{summary.open_cases:,} open; in {time.monotonic() - started:.0f} s"
    )
    return 0
