"""One background sync attempt of a replica, and the status line it leaves for people.

The desktop app runs ``attempt_sync`` off the GUI thread every few minutes (``ui.sync_status``);
the wording of the status bar is here, without Qt, so the command line and the tests read the
same sentences.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.exc import OperationalError

from caseworker.domain.errors import CaseworkerError
from caseworker.services.actor import Actor
from caseworker.sync.conflicts import count_open_conflicts
from caseworker.sync.push import waiting
from caseworker.sync.replica import Synced, identity, sync
from db.engine import StoreError
from db.store import Store, open_store

OK = "ok"
OFFLINE = "offline"
CONFLICTS = "conflicts"


@dataclass(frozen=True)
class Attempt:
    """What one attempt found: whether the server was reached, and what waits on this PC."""

    reached: bool
    at: datetime
    waiting: int
    conflicts: int
    error: str = ""
    synced: Synced | None = None


def counts(local: Store, actor: Actor) -> tuple[int, int]:
    """(changes waiting to be sent, conflicts to resolve) on this PC."""
    with local.read() as s:
        return waiting(s), count_open_conflicts(s, actor)


def attempt_sync(
    local: Store,
    actor: Actor,
    *,
    now: datetime,
    today: date,
    open_server: Callable[[str], Store] | None = None,
) -> Attempt:
    """Sync the replica ``local`` with its server once; an unreachable server is an answer,
    not an error (nothing is lost: the changes wait in the outbox)."""
    with local.read() as s:
        me = identity(s)
        if me is None:
            raise CaseworkerError(f"{local.label} is not a replica")
        url = me.server_url
    opener = open_server or (lambda u: open_store(u, must_exist=True))
    done: Synced | None = None
    error = ""
    try:
        server = opener(url)
        try:
            done = sync(local, server, today=today)
        finally:
            server.close()
    except (StoreError, OperationalError, CaseworkerError) as exc:
        error = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    left, conflicts = counts(local, actor)
    return Attempt(done is not None, now, left, conflicts, error, done)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def status_line(
    *, reached: bool, offline_since: datetime | None, waiting: int, conflicts: int
) -> tuple[str, str]:
    """The status bar's words and its kind (``ok``, ``offline``, ``conflicts``, for the icon).

    "Server: up to date"; "Offline since 10:42 — 7 changes waiting"; "2 conflicts to resolve"
    (with the offline words first when both hold).
    """
    to_resolve = _plural(conflicts, "conflict", "conflicts") + " to resolve"
    if not reached:
        since = f"{offline_since:%H:%M}" if offline_since is not None else "start-up"
        text = f"Offline since {since} — {_plural(waiting, 'change', 'changes')} waiting"
        return (f"{text} · {to_resolve}" if conflicts else text), OFFLINE
    if conflicts:
        return to_resolve, CONFLICTS
    if waiting:
        return f"Server: {_plural(waiting, 'change', 'changes')} waiting to be sent", OK
    return "Server: up to date", OK
