"""``caseworker upgrade``: bring the store on a server up to date (administrators)."""

from __future__ import annotations

import argparse
from typing import Any

from caseworker.commands.common import StoreUnavailable, actor_from_args, store_from_args
from caseworker.services import permissions
from db.migrate import head_revision, upgrade_store


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "upgrade", help="bring the store on a server up to date with this program (administrators)"
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # Opened as it is (an older schema), to sign in; a store file is brought up to date
    # whenever it is opened, so for one this only says it is.
    store = store_from_args(args, must_exist=True, old=True)
    try:
        permissions.check(actor_from_args(args, store), "upgrade")
        try:
            changed = upgrade_store(store.engine)
        except Exception as exc:  # the upgrade is one transaction on a server: nothing kept
            raise StoreUnavailable(f"The upgrade failed and changed nothing: {exc}") from None
    finally:
        store.close()
    state = "brought up to date" if changed else "already up to date"
    print(f"{store.label}: {state} (schema {head_revision()})")
    return 0
