"""``caseworker users``: list, add and change accounts, and reset passwords (administrators)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

from caseworker.commands.common import actor_from_args, store_from_args
from caseworker.domain.errors import InvalidInput, RuleBroken
from caseworker.services import permissions
from caseworker.services.actor import Role
from caseworker.services.permissions import ROLE_NAMES
from caseworker.services.users import (
    NO_ACCOUNTS_ON_SERVER,
    change_user,
    create_first_administrator,
    create_user,
    list_users,
    may_found,
    parse_role,
    reset_password,
)

NEW_PASSWORD_VAR = "CASEWORKER_NEW_PASSWORD"


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("users", help="user accounts and roles (administrators)")
    sub = p.add_subparsers(dest="users_command", required=True)
    sub.add_parser("list", help="list the accounts").set_defaults(handler=run_list)
    a = sub.add_parser("add", help="add an account (the first must be an administrator)")
    a.add_argument("username")
    a.add_argument("--name", required=True, help="the name shown on cases and letters")
    a.add_argument(
        "--role", required=True, help="advisor, complaints officer, manager, administrator"
    )
    a.add_argument("--restricted-access", action="store_true", help="may see restricted cases")
    a.set_defaults(handler=run_add)
    r = sub.add_parser("reset-password", help="set a new password for a user who forgot theirs")
    r.add_argument("username")
    r.set_defaults(handler=run_reset)
    c = sub.add_parser("set", help="change an account's role, access or whether it is on")
    c.add_argument("username")
    c.add_argument("--role")
    on = c.add_mutually_exclusive_group()
    on.add_argument("--active", dest="active", action="store_true", default=None)
    on.add_argument("--inactive", dest="active", action="store_false")
    access = c.add_mutually_exclusive_group()
    access.add_argument("--restricted-access", dest="access", action="store_true", default=None)
    access.add_argument("--no-restricted-access", dest="access", action="store_false")
    c.set_defaults(handler=run_set)


def new_password(username: str) -> str:
    """From CASEWORKER_NEW_PASSWORD, or asked for twice at the prompt."""
    env = os.environ.get(NEW_PASSWORD_VAR)
    if env is not None:
        return env
    if not sys.stdin.isatty():
        raise InvalidInput(f"Give the new password at the prompt, or set {NEW_PASSWORD_VAR}")
    first = getpass.getpass(f"New password for {username}: ")
    if getpass.getpass("The same again: ") != first:
        raise InvalidInput("The two passwords are not the same; nothing was changed")
    return first


def run_list(args: argparse.Namespace) -> int:
    store = store_from_args(args, must_exist=True)
    try:
        actor = actor_from_args(args, store)
        permissions.check(actor, "change-user")
        with store.read() as session:
            users = list_users(session)
    finally:
        store.close()
    if not users:
        print("No accounts: this store runs as its local administrator, without sign-in.")
    for u in users:
        flags = [] if u.active else ["switched off"]
        if u.restricted_access:
            flags.append("restricted access")
        extra = f" ({', '.join(flags)})" if flags else ""
        print(f"{u.username:<20} {u.display_name:<30} {ROLE_NAMES[u.role]}{extra}")
    return 0


def run_add(args: argparse.Namespace) -> int:
    role = parse_role(args.role)
    store = store_from_args(args, must_exist=False)  # the first account may make the store
    try:
        if may_found(store):  # an empty store on a server: its first administrator
            if role is not Role.ADMINISTRATOR:
                raise RuleBroken(NO_ACCOUNTS_ON_SERVER)
            password = new_password(args.username)
            with store.write() as session:
                made = create_first_administrator(
                    session, username=args.username, display_name=args.name, password=password
                )
            print(f"Added {made.username} ({ROLE_NAMES[made.role]}); from now on everyone signs in")
            return 0
        actor = actor_from_args(args, store)
        password = new_password(args.username)
        with store.write() as session:
            made = create_user(
                session,
                actor,
                username=args.username,
                display_name=args.name,
                role=role,
                password=password,
                restricted_access=args.restricted_access,
            )
    finally:
        store.close()
    print(f"Added {made.username} ({ROLE_NAMES[made.role]}); from now on everyone signs in")
    return 0


def run_reset(args: argparse.Namespace) -> int:
    store = store_from_args(args, must_exist=True)
    try:
        actor = actor_from_args(args, store)
        permissions.check(actor, "reset-password")
        password = new_password(args.username)
        with store.write() as session:
            reset_password(session, actor, args.username, password)
    finally:
        store.close()
    print(f"New password set for {args.username}; their account is unlocked")
    return 0


def run_set(args: argparse.Namespace) -> int:
    role = parse_role(args.role) if args.role else None
    store = store_from_args(args, must_exist=True)
    try:
        actor = actor_from_args(args, store)
        with store.write() as session:
            u = change_user(
                session,
                actor,
                args.username,
                role=role,
                active=args.active,
                restricted_access=args.access,
            )
    finally:
        store.close()
    state = "on" if u.active else "switched off"
    access = "with" if u.restricted_access else "without"
    print(f"{u.username}: {ROLE_NAMES[u.role]}, {state}, {access} restricted access")
    return 0
