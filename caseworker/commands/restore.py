"""``caseworker restore PATH``: replace the store with a checked backup, keeping the old one."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from caseworker.commands.common import StoreUnavailable, actor_from_args, store_from_args
from caseworker.services import permissions
from caseworker.services.backups import check_restorable, restore_backup
from caseworker.store_location import resolve_store_path
from db.raw import StoreError


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "restore", help="replace the store with a backup (the current store is kept)"
    )
    p.add_argument("path", metavar="PATH", help="the backup file to restore")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    source = Path(args.path).expanduser()
    try:
        target = resolve_store_path(getattr(args, "db", None))
    except StoreError as exc:
        raise StoreUnavailable(str(exc)) from None
    check_restorable(source)
    if target.exists():
        # A store that opens is guarded by its accounts; a damaged one cannot be signed
        # in to, and whoever can reach the file may already copy it (see docs/security.md).
        try:
            store = store_from_args(args, must_exist=True)
        except StoreUnavailable:
            store = None
        if store is not None:
            try:
                permissions.check(actor_from_args(args, store), "restore")
            finally:
                store.close()
    kept = restore_backup(target, source)
    store_from_args(args).close()  # brings an older backup's schema up to date
    if kept is not None:
        print(f"The store as it was is kept at {kept}")
    print(f"Restored {source} to {target}")
    return 0
