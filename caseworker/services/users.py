"""User accounts and sign-in: Argon2 passwords, roles, and slowing down repeated failures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseworker.domain.errors import CaseworkerError, InvalidInput, RuleBroken
from caseworker.services.actor import LOCAL_ADMIN, Actor, Role
from caseworker.services.audit import record_event
from caseworker.services.errors import NotFound
from caseworker.services.permissions import ROLE_NAMES
from caseworker.services.replication import server_only
from db.dialect import Lock, serialise
from db.models import User
from db.store import Store

MIN_PASSWORD = 10
FREE_ATTEMPTS = 5  # failures allowed before sign-in slows down
FIRST_LOCK_SECONDS = 30  # doubled for each further failure...
MAX_LOCK_SECONDS = 15 * 60  # ...up to this
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
_HASHER = PasswordHasher()
# Verified against when the user name is unknown, so both failures take as long.


@cache
def _dummy_hash() -> str:
    """A hash to check unknown usernames against (same time as a real check); made on first
    use, not at import, so starting the app does not pay for it."""
    return _HASHER.hash("not a real password")


class SignInRefused(CaseworkerError):
    """A wrong user name or password, a switched-off account, or too many failures."""


@dataclass(frozen=True)
class UserView:
    """One account as the users screen lists it (never the password hash)."""

    username: str
    display_name: str
    role: Role
    active: bool
    restricted_access: bool
    locked_until: datetime | None


def parse_role(text: str) -> Role:
    """A role from its value or its plain name ('complaints officer')."""
    wanted = text.strip().lower().replace(" ", "-")
    for role in Role:
        if wanted in (role.value, ROLE_NAMES[role].replace(" ", "-")):
            return role
    names = ", ".join(ROLE_NAMES[r] for r in Role)
    raise InvalidInput(f"'{text}' is not a role; choose one of: {names}")


def any_users(session: Session) -> bool:
    """True once an administrator has created the first account (sign-in is then required)."""
    return bool(session.scalar(select(func.count()).select_from(User)))


def actor_of(user: User) -> Actor:
    return Actor(user.username, user.display_name, Role(user.role), user.restricted_access)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"A password needs at least {MIN_PASSWORD} characters")
    if len(password) > 1000:
        raise InvalidInput("A password can be at most 1,000 characters")
    if password.strip() != password:
        raise InvalidInput("A password cannot start or end with a space")


def _hash(password: str) -> str:
    _check_password(password)
    try:
        return _HASHER.hash(password)
    except UnicodeEncodeError:
        raise InvalidInput("The password contains characters that cannot be used") from None


def _get(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound(f"There is no user account called {username.strip()}")
    return user


def _active_admins(session: Session) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.role == Role.ADMINISTRATOR.value, User.active.is_(True))
        )
        or 0
    )


def create_user(
    session: Session,
    actor: Actor,
    *,
    username: str,
    display_name: str,
    role: Role,
    password: str,
    restricted_access: bool = False,
) -> UserView:
    """Add an account (administrators only; audited without the password).

    The first account must be an administrator, because from then on everyone signs in.
    """
    server_only(session, "accounts")
    name = username.strip().lower()
    if not _USERNAME.match(name):
        raise InvalidInput(
            "A user name is 2 to 40 letters, digits, dots, hyphens or underscores, "
            "starting with a letter or digit"
        )
    display = display_name.strip()
    if not display or len(display) > 120:
        raise InvalidInput("Give the person's name as it should appear (at most 120 characters)")
    if role is not Role.ADMINISTRATOR and not any_users(session):
        raise RuleBroken(
            "The first account must be an administrator: once it exists everyone signs in, "
            "and someone must be able to manage the accounts"
        )
    if session.scalar(select(User.id).where(User.username == name)) is not None:
        raise RuleBroken(f"There is already a user account called {name}")
    user = User(
        username=name,
        display_name=display,
        role=role.value,
        password_hash=_hash(password),
        active=True,
        restricted_access=restricted_access and role is not Role.ADVISOR,
        failed_attempts=0,
        locked_until=None,
    )
    session.add(user)
    session.flush()
    record_event(
        session,
        actor,
        "add-user",
        None,
        {
            "username": name,
            "display_name": display,
            "role": role.value,
            "restricted_access": user.restricted_access,
        },
    )
    return view(user)


def view(user: User) -> UserView:
    return UserView(
        user.username,
        user.display_name,
        Role(user.role),
        user.active,
        user.restricted_access,
        user.locked_until,
    )


def list_users(session: Session) -> list[UserView]:
    return [view(u) for u in session.scalars(select(User).order_by(User.username))]


def change_user(
    session: Session,
    actor: Actor,
    username: str,
    *,
    role: Role | None = None,
    active: bool | None = None,
    restricted_access: bool | None = None,
) -> UserView:
    """Change an account's role, switch it on or off, or give or take restricted access."""
    server_only(session, "accounts")
    user = _get(session, username)
    changes: dict[str, list[object]] = {}
    new_role = role.value if role is not None else user.role
    new_active = active if active is not None else user.active
    was_admin = user.role == Role.ADMINISTRATOR.value and user.active
    if was_admin and (new_role != Role.ADMINISTRATOR.value or not new_active):
        if _active_admins(session) <= 1:
            raise RuleBroken(
                f"{user.username} is the only administrator; add another before changing this"
            )
    for key, value in (
        ("role", new_role),
        ("active", new_active),
        ("restricted_access", restricted_access),
    ):
        if value is not None and getattr(user, key) != value:
            changes[key] = [getattr(user, key), value]
            setattr(user, key, value)
    if user.role == Role.ADVISOR.value and user.restricted_access:
        changes["restricted_access"] = [True, False]
        user.restricted_access = False
    if changes:
        record_event(session, actor, "change-user", None, {"username": user.username, **changes})
    return view(user)


def reset_password(session: Session, actor: Actor, username: str, password: str) -> None:
    """An administrator sets a forgotten password; the account is unlocked too."""
    server_only(session, "accounts")
    user = _get(session, username)
    user.password_hash = _hash(password)
    user.failed_attempts = 0
    user.locked_until = None
    record_event(session, actor, "reset-password", None, {"username": user.username})


def change_own_password(
    session: Session, actor: Actor, old_password: str, new_password: str
) -> None:
    """A signed-in user changes their own password, giving the old one."""
    server_only(session, "accounts")
    user = _get(session, actor.username)
    if not _verifies(user.password_hash, old_password):
        raise SignInRefused("The current password is not right")
    user.password_hash = _hash(new_password)
    record_event(session, actor, "change-own-password", None, {"username": user.username})


def _verifies(stored: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError, UnicodeEncodeError):
        return False


def lock_seconds(failures: int) -> int:
    """How long sign-in waits after ``failures`` wrong passwords in a row."""
    if failures < FREE_ATTEMPTS:
        return 0
    return int(min(FIRST_LOCK_SECONDS * 2 ** (failures - FREE_ATTEMPTS), MAX_LOCK_SECONDS))


def _wait_text(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} seconds"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


# One refusal for every wrong sign-in, whether or not the account exists and whether or not
# it is waiting after wrong tries: the message must not tell a stranger that a name is real.
REFUSED = (
    "The user name or password is not right. After 5 wrong tries in a row, sign-in waits "
    "(30 seconds, then longer) before the next one; an administrator can reset a password"
)


@dataclass(frozen=True)
class _Outcome:
    """What a sign-in decided, and what must be saved for it (if anything)."""

    result: Actor | SignInRefused
    failed_attempts: int
    locked_until: datetime | None
    new_hash: str | None = None


def _judge(user: User | None, password: str, now: datetime) -> _Outcome:
    """Decide a sign-in from the user's row as read (no transaction is held meanwhile)."""
    if user is None:
        _verifies(_dummy_hash(), password)  # the same time as a real check
        return _Outcome(SignInRefused(REFUSED), 0, None)
    if user.locked_until is not None and now < user.locked_until:
        _verifies(_dummy_hash(), password)
        return _Outcome(SignInRefused(REFUSED), user.failed_attempts, user.locked_until)
    if not _verifies(user.password_hash, password):
        failures = user.failed_attempts + 1
        seconds = lock_seconds(failures)
        until = now + timedelta(seconds=seconds) if seconds else user.locked_until
        return _Outcome(SignInRefused(REFUSED), failures, until)
    if not user.active:
        refused = SignInRefused(
            f"The account {user.username} is switched off; ask an administrator"
        )
        return _Outcome(refused, user.failed_attempts, user.locked_until)
    rehash = _HASHER.hash(password) if _HASHER.check_needs_rehash(user.password_hash) else None
    return _Outcome(actor_of(user), 0, None, rehash)


def attempt_sign_in(
    session: Session, username: str, password: str, *, now: datetime
) -> Actor | SignInRefused:
    """Check a sign-in in the caller's transaction, counting failures.

    The refusal is returned, not raised, so the caller commits the failure count
    (raising would roll it back). ``sign_in`` is the way in for a store.
    """
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    outcome = _judge(user, password, now)
    if user is not None:
        _save(user, outcome)
    return outcome.result


def _save(user: User, outcome: _Outcome) -> None:
    user.failed_attempts = outcome.failed_attempts
    user.locked_until = outcome.locked_until
    if outcome.new_hash is not None:
        user.password_hash = outcome.new_hash


def _changes(user: User, outcome: _Outcome) -> bool:
    return (
        user.failed_attempts != outcome.failed_attempts
        or user.locked_until != outcome.locked_until
        or outcome.new_hash is not None
    )


NO_ACCOUNTS_ON_SERVER = (
    "This store is on a server and has no user accounts yet: make the first administrator "
    'with caseworker users add NAME --name "Full Name" --role administrator'
)


def sign_in(store: Store, username: str, password: str, *, now: datetime) -> Actor:
    """Sign in to the store (a store file's local administrator while it has no accounts;
    a store on a server has no built-in administrator).

    The account is read in a read transaction and the password checked with no
    transaction open, so sign-in works while another copy is saving (a long import);
    only a change to the failure count (or a password rehash) is then written, briefly.

    Raises:
        SignInRefused: with the reason, after the failure count is saved.
        StoreBusy: a failure count could not be saved because the store stayed busy.
    """
    name = username.strip().lower()
    with store.read() as session:
        if not any_users(session):
            if store.on_server:
                raise SignInRefused(NO_ACCOUNTS_ON_SERVER)
            return LOCAL_ADMIN
        user = session.scalar(select(User).where(User.username == name))
        if user is not None:
            session.expunge(user)
    outcome = _judge(user, password, now)
    if user is not None and _changes(user, outcome):
        with store.write() as session:
            row = session.scalar(select(User).where(User.username == name))
            if row is not None:
                if outcome.failed_attempts > user.failed_attempts:
                    # Count from the row as it is now: wrong tries elsewhere meanwhile count too.
                    failures = row.failed_attempts + 1
                    seconds = lock_seconds(failures)
                    until = now + timedelta(seconds=seconds) if seconds else row.locked_until
                    outcome = _Outcome(outcome.result, failures, until)
                _save(row, outcome)
    if isinstance(outcome.result, SignInRefused):
        raise outcome.result
    return outcome.result


def needs_sign_in(store: Store) -> bool:
    """True once the store has accounts, and always on a server (accounts are required)."""
    if store.on_server:
        return True
    with store.read() as session:
        return any_users(session)


def may_found(store: Store) -> bool:
    """True for a store on a server with no accounts yet: its first administrator is made
    without signing in (whoever can log in to the database is trusted by IT to do so)."""
    if not store.on_server:
        return False
    with store.read() as session:
        return not any_users(session)


def create_first_administrator(
    session: Session, *, username: str, display_name: str, password: str
) -> UserView:
    """The first account of a store on a server: an administrator, recorded as making
    themselves (there is no built-in administrator to act for them).

    Raises:
        RuleBroken: the store has accounts already (an administrator adds the rest).
    """
    serialise(session, Lock.RECORD)  # two people founding at once: one wins
    if any_users(session):
        raise RuleBroken(
            "This store has user accounts already: sign in as an administrator to add more"
        )
    founder = Actor(username.strip().lower(), display_name.strip(), Role.ADMINISTRATOR)
    return create_user(
        session,
        founder,
        username=username,
        display_name=display_name,
        role=Role.ADMINISTRATOR,
        password=password,
    )
