"""What every store command shares: opening the chosen store and knowing who acts."""

from __future__ import annotations

import argparse
import getpass
import os
import sqlite3
import sys
from datetime import date, datetime
from pathlib import Path

from caseworker.domain.dates import parse_date
from caseworker.domain.errors import CaseworkerError, InvalidInput
from caseworker.services.actor import Actor
from caseworker.services.backups import daily_backup
from caseworker.services.errors import NotAllowed
from caseworker.services.users import NO_ACCOUNTS_ON_SERVER, may_found, needs_sign_in, sign_in
from caseworker.store_location import resolve_store
from db.engine import StoreError
from db.output_files import OutputRefused
from db.server import wants_password
from db.store import Store, open_store


class StoreUnavailable(CaseworkerError):
    """The store cannot be opened (message says why and the way out)."""


USER_VAR = "CASEWORKER_USER"
PASSWORD_VAR = "CASEWORKER_PASSWORD"


def store_from_args(
    args: argparse.Namespace, *, must_exist: bool = True, old: bool = False
) -> Store:
    """Open the chosen store; a missing or empty file is refused in one line.

    Only the commands that make a store on purpose (``demo``, ``import``, ``users add``)
    pass ``must_exist=False``; on any other command a mistyped ``--db`` must not start a
    new, empty store.

    A store on a server: libpq finds the password in PGPASSWORD or ~/.pgpass; failing
    those, it is asked for at the prompt (never taken from the command line).
    The first command of each day also backs a store file up (see ``daily_backup``).
    """
    store = open_target(resolve_store(getattr(args, "db", None)), must_exist=must_exist, old=old)
    if store.on_server:
        return store  # the server's backups are IT's (pg_dump)
    try:
        daily_backup(store, date.today())
    except (OSError, sqlite3.Error, OutputRefused) as exc:
        # A failed copy must not stop the work; say so, so someone can fix it.
        print(f"caseworker: warning: today's backup could not be made ({exc})", file=sys.stderr)
    return store


def open_target(target: Path | str, *, must_exist: bool = True, old: bool = False) -> Store:
    """Open a store file or server (asking for the server's password at a prompt if libpq
    found none).

    Raises:
        StoreUnavailable: it cannot be opened (one line saying why).
    """
    try:
        try:
            return open_store(target, must_exist=must_exist, old=old)
        except StoreError as exc:
            if not (isinstance(target, str) and wants_password(exc) and sys.stdin.isatty()):
                raise
            password = getpass.getpass("Password for the server: ")
            return open_store(target, must_exist=must_exist, password=password, old=old)
    except StoreError as exc:
        raise StoreUnavailable(str(exc)) from None


def actor_from_args(args: argparse.Namespace, store: Store) -> Actor:
    """Who acts: the local administrator until user accounts exist, then the signed-in user.

    The user comes from ``--user`` or ``CASEWORKER_USER``; the password from
    ``CASEWORKER_PASSWORD`` or a prompt (never an argument, which others could see).

    Raises:
        NotAllowed: accounts exist and no user was named, or no password can be asked for.
        SignInRefused: a wrong user name or password (failures are counted).
    """
    if not needs_sign_in(store):
        return sign_in(store, "", "", now=datetime.now())
    if may_found(store):
        raise NotAllowed(NO_ACCOUNTS_ON_SERVER)
    username = getattr(args, "user", None) or os.environ.get(USER_VAR, "")
    if not username:
        raise NotAllowed(
            "This store has user accounts: sign in with --user NAME (or set CASEWORKER_USER)"
        )
    password = os.environ.get(PASSWORD_VAR)
    if password is None:
        if not sys.stdin.isatty():
            raise NotAllowed(
                f"Give the password for {username} at the prompt, or set CASEWORKER_PASSWORD"
            )
        password = getpass.getpass(f"Password for {username}: ")
    return sign_in(store, username, password, now=datetime.now())


def today_from_args(args: argparse.Namespace) -> date:
    text = getattr(args, "today", None)
    if not text:
        return date.today()
    try:
        return parse_date(text)
    except InvalidInput as exc:
        raise InvalidInput(f"--today: {exc}") from None
