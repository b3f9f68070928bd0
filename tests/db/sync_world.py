"""A server store and replicas made from it, for the sync tests (tests/db and tests/sync).

The server has an administrator (ada), an officer (olly), an advisor (amy) and four open
cases: two at Bolsover, one at Shirebrook and a restricted one at Bolsover. Replicas are
copies of the migrated template filled by ``create_replica`` (the service, not the command:
no password hashing on the way), unless a test goes through the command on purpose.
"""

from __future__ import annotations

import shutil
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from casework import new_record, person
from sqlalchemy import func, select

from caseworker.services.actor import Actor, Role
from caseworker.services.intake import log_record
from caseworker.services.settings import ensure_staff
from caseworker.services.users import actor_of, create_first_administrator, create_user
from caseworker.sync.replica import create_replica
from db.models import Case, OutboxEntry, User
from db.store import Store, open_store

PASSWORD = "a long enough pass phrase"
TODAY = date(2026, 6, 1)
RECEIVED = date(2026, 5, 26)
SERVER_CASES = (
    ("Bolsover", "Ann Server", False),
    ("Bolsover", "Bob Server", False),
    ("Shirebrook", "Cy Server", False),
    ("Bolsover", "Fay Safeguarded", True),
)


@dataclass
class Server:
    url: str
    store: Store
    actors: dict[str, Actor] = field(default_factory=dict)

    def actor(self, username: str) -> Actor:
        if username not in self.actors:
            with self.store.read() as s:
                user = s.scalar(select(User).where(User.username == username))
                assert user is not None
                self.actors[username] = actor_of(user)
        return self.actors[username]


def build_server(url: str, cases: tuple[tuple[str, str, bool], ...] = SERVER_CASES) -> Server:
    """Fill the empty server store at ``url`` with the accounts and cases above."""
    store = open_store(url)
    with store.write() as s:
        create_first_administrator(s, username="ada", display_name="Ada Admin", password=PASSWORD)
    srv = Server(url, store)
    with store.write() as s:
        ada = srv.actor("ada")
        create_user(
            s, ada, username="olly", display_name="Olly Officer", role=Role.OFFICER,
            password=PASSWORD,
        )  # fmt: skip
        create_user(
            s, ada, username="amy", display_name="Amy Advisor", role=Role.ADVISOR, password=PASSWORD
        )
    with store.write() as s:  # the handler named on acknowledgements, on the shared list
        ensure_staff(s, srv.actor("ada"), "Olly Officer")
    for site, name, restricted in cases:
        with store.write() as s:
            log_record(
                s,
                srv.actor("olly"),
                new_record(
                    received=RECEIVED,
                    site=site,
                    complainants=(person(name),),
                    restricted=restricted,
                ),
                today=TODAY,
            )
    return srv


def make_replica(
    server: Server, template: Path, path: Path, site: str = "Bolsover", *, today: date = TODAY
) -> Store:
    """A replica of ``server`` for ``site`` in ``path`` (a copy of the migrated template)."""
    shutil.copyfile(template, path)
    local = open_store(path)
    create_replica(local, server.store, server.actor("ada"), site, server.url, today=today)
    return local


def references(store: Store) -> list[str]:
    with store.read() as s:
        return sorted(s.scalars(select(Case.reference)))


def waiting(store: Store) -> int:
    with store.read() as s:
        stmt = select(func.count()).select_from(OutboxEntry).where(OutboxEntry.pushed_at.is_(None))
        return int(s.scalar(stmt) or 0)


def closed_port_url(url: str) -> str:
    """``url`` with its host and port replaced by a port nothing listens on."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return url.replace(url.split("@", 1)[1].split("/", 1)[0], f"127.0.0.1:{port}")


def point_at(replica: Path, url: str) -> None:
    """Make the replica's server address ``url`` (a closed port: offline; a proxy)."""
    with sqlite3.connect(replica) as conn:
        conn.execute("UPDATE replica_identity SET server_url = ?", (url,))


@contextmanager
def raw(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection to a replica's file (to tamper with it as an attacker would)."""
    conn = sqlite3.connect(path)
    try:
        with conn:
            yield conn
    finally:
        conn.close()
