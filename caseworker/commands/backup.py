"""``caseworker backup PATH``: copy the store safely while it is in use, with its chain head."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import Any

from caseworker.commands.common import actor_from_args, store_from_args
from caseworker.services.backups import backup_store, short_head


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("backup", help="copy the store to PATH (administrators)")
    p.add_argument("path", metavar="PATH", help="the new backup file")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    store = store_from_args(args, must_exist=True)
    try:
        actor = actor_from_args(args, store)
        made = backup_store(store, actor, Path(args.path).expanduser(), now=datetime.now())
    finally:
        store.close()
    print(f"Backed up to {made.path}")
    print(f"Audit chain head {short_head(made.head)} written to {made.head_file}")
    return 0
