"""Accounts and sign-in: Argon2 hashes, roles, slowing down failures, the command line."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from trust_helpers import OFFICER

from caseworker.cli import main
from caseworker.domain.errors import RuleBroken
from caseworker.services.actor import LOCAL_ADMIN, Actor, Role
from caseworker.services.errors import NotAllowed
from caseworker.services.users import (
    NO_ACCOUNTS_ON_SERVER,
    REFUSED,
    SignInRefused,
    change_user,
    create_user,
    lock_seconds,
    reset_password,
    sign_in,
)
from db.models import AuditEvent, User
from db.store import Store

NOW = datetime(2026, 6, 1, 9, 0, 0)
PASSWORD = "correct horse battery"


def add(store: Store, username: str, role: Role, actor: Actor = LOCAL_ADMIN) -> None:
    with store.write() as s:
        create_user(
            s,
            actor,
            username=username,
            display_name=username.title(),
            role=role,
            password=PASSWORD,
            restricted_access=True,
        )


def test_no_accounts_means_the_local_administrator(store: Store) -> None:
    """A store file; a store on a server has no built-in administrator."""
    if store.on_server:
        with pytest.raises(SignInRefused) as info:
            sign_in(store, "", "", now=NOW)
        assert str(info.value) == NO_ACCOUNTS_ON_SERVER
    else:
        assert sign_in(store, "", "", now=NOW) == LOCAL_ADMIN


def test_first_account_must_be_an_administrator(store: Store) -> None:
    with pytest.raises(RuleBroken) as info, store.write() as s:
        create_user(
            s, LOCAL_ADMIN, username="amy", display_name="Amy", role=Role.ADVISOR, password=PASSWORD
        )
    assert str(info.value) == (
        "The first account must be an administrator: once it exists everyone signs in, "
        "and someone must be able to manage the accounts"
    )


def test_sign_in_gives_the_users_actor_and_stores_only_an_argon2_hash(store: Store) -> None:
    add(store, "root", Role.ADMINISTRATOR)
    add(store, "amy", Role.ADVISOR, actor=sign_in(store, "root", PASSWORD, now=NOW))
    assert sign_in(store, "AMY", PASSWORD, now=NOW) == Actor("amy", "Amy", Role.ADVISOR, False)
    with store.read() as s:
        stored = s.scalar(select(User.password_hash).where(User.username == "amy"))
        payloads = [e.changes for e in s.scalars(select(AuditEvent))]
    assert stored is not None and stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert all(PASSWORD not in str(p) for p in payloads)
    assert payloads[1] == {
        "username": "amy",
        "display_name": "Amy",
        "role": "advisor",
        "restricted_access": False,
    }


def test_wrong_password_and_unknown_user_say_the_same(store: Store) -> None:
    add(store, "root", Role.ADMINISTRATOR)
    for name, password in (("root", "wrong password!"), ("nobody", PASSWORD)):
        with pytest.raises(SignInRefused) as info:
            sign_in(store, name, password, now=NOW)
        assert str(info.value) == REFUSED


def test_repeated_failures_slow_down_and_are_saved(store: Store) -> None:
    add(store, "root", Role.ADMINISTRATOR)
    assert [lock_seconds(n) for n in (4, 5, 6, 7, 11, 20)] == [0, 30, 60, 120, 900, 900]
    for _ in range(4):
        with pytest.raises(SignInRefused):
            sign_in(store, "root", "wrong password!", now=NOW)
    with pytest.raises(SignInRefused) as info:
        sign_in(store, "root", "wrong password!", now=NOW)
    # The same words as for a name that does not exist: a lock-out tells no one the
    # account is real.
    assert str(info.value) == REFUSED
    with pytest.raises(SignInRefused) as info:
        sign_in(store, "nobody", "wrong password!", now=NOW)
    assert str(info.value) == REFUSED
    with store.read() as s:
        user = s.scalar(select(User).where(User.username == "root"))
        assert user is not None
        assert (user.failed_attempts, user.locked_until) == (5, NOW + timedelta(seconds=30))
    # Even the right password waits out the delay.
    with pytest.raises(SignInRefused) as info:
        sign_in(store, "root", PASSWORD, now=NOW + timedelta(seconds=10))
    assert str(info.value) == REFUSED
    with pytest.raises(SignInRefused) as info:
        sign_in(store, "root", "wrong again!!", now=NOW + timedelta(seconds=31))
    with store.read() as s:
        user = s.scalar(select(User).where(User.username == "root"))
        assert user is not None
        assert (user.failed_attempts, user.locked_until) == (6, NOW + timedelta(seconds=91))
    actor = sign_in(store, "root", PASSWORD, now=NOW + timedelta(seconds=92))
    assert actor.role is Role.ADMINISTRATOR
    with store.read() as s:
        user = s.scalar(select(User).where(User.username == "root"))
        assert user is not None and (user.failed_attempts, user.locked_until) == (0, None)


def test_administrator_resets_a_forgotten_password_and_unlocks(store: Store) -> None:
    add(store, "root", Role.ADMINISTRATOR)
    root = sign_in(store, "root", PASSWORD, now=NOW)
    add(store, "olly", Role.OFFICER, actor=root)
    for _ in range(6):
        with pytest.raises(SignInRefused):
            sign_in(store, "olly", "forgotten it", now=NOW)
    with pytest.raises(NotAllowed), store.write() as s:
        reset_password(s, OFFICER, "olly", "a new password")
    with store.write() as s:
        reset_password(s, root, "olly", "a new password")
    assert sign_in(store, "olly", "a new password", now=NOW).role is Role.OFFICER


def test_the_last_administrator_stays_and_switched_off_accounts_cannot_sign_in(
    store: Store,
) -> None:
    add(store, "root", Role.ADMINISTRATOR)
    root = sign_in(store, "root", PASSWORD, now=NOW)
    with pytest.raises(RuleBroken) as info, store.write() as s:
        change_user(s, root, "root", role=Role.MANAGER)
    assert str(info.value) == "root is the only administrator; add another before changing this"
    add(store, "mo", Role.MANAGER, actor=root)
    with store.write() as s:
        change_user(s, root, "mo", active=False)
    with pytest.raises(SignInRefused) as refused:
        sign_in(store, "mo", PASSWORD, now=NOW)
    assert str(refused.value) == "The account mo is switched off; ask an administrator"


def cli(store_path: Path, *argv: str) -> int:
    return main(["--db", str(store_path), *argv])


def test_command_line_signs_in_with_user_and_password(
    store_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CASEWORKER_USER", raising=False)
    monkeypatch.delenv("CASEWORKER_PASSWORD", raising=False)
    monkeypatch.setenv("CASEWORKER_NEW_PASSWORD", PASSWORD)
    assert cli(store_path, "users", "add", "root", "--name", "Root", "--role", "administrator") == 0
    assert cli(store_path, "audit", "head") == 2
    assert capsys.readouterr().err == (
        "caseworker: This store has user accounts: sign in with --user NAME "
        "(or set CASEWORKER_USER)\n"
    )
    assert cli(store_path, "--user", "root", "audit", "head") == 2
    assert capsys.readouterr().err == (
        "caseworker: Give the password for root at the prompt, or set CASEWORKER_PASSWORD\n"
    )
    monkeypatch.setenv("CASEWORKER_PASSWORD", "not the password")
    assert cli(store_path, "--user", "root", "audit", "head") == 2
    assert capsys.readouterr().err == f"caseworker: {REFUSED}\n"
    monkeypatch.setenv("CASEWORKER_PASSWORD", PASSWORD)
    args = ("users", "add", "ann", "--name", "Ann Advisor", "--role", "advisor")
    assert cli(store_path, "--user", "root", *args) == 0
    monkeypatch.setenv("CASEWORKER_USER", "ann")
    assert cli(store_path, "backup", str(store_path.with_name("copy.sqlite"))) == 2
    assert capsys.readouterr().err == (
        "caseworker: Only an administrator may back up the store; you are signed in as an advisor\n"
    )
    assert not store_path.with_name("copy.sqlite").exists()
    assert cli(store_path, "--user", "root", "users", "list") == 0
    assert capsys.readouterr().out.splitlines()[-2:] == [
        "ann                  Ann Advisor                    advisor",
        "root                 Root                           administrator",
    ]
