"""A server store and replicas made from it, for the sync tests (tests/db and tests/sync).

The server has an administrator (ada), an officer (olly), an advisor (amy) and four open
cases: two at Bolsover, one at Shirebrook and a restricted one at Bolsover. Replicas are
copies of the migrated template filled by ``create_replica`` (the service, not the command:
no password hashing on the way), unless a test goes through the command on purpose
(``replica_by_command``, ``sync_json``). The ``server`` fixture is imported by the modules
that use it (and by tests/sync/conftest.py).
"""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from casework import new_record, person
from pg_server import PgServer
from sqlalchemy import func, select

from caseworker.cli import main
from caseworker.services.actor import Actor, Role
from caseworker.services.intake import log_record
from caseworker.services.settings import ensure_staff
from caseworker.services.stages import Definition, acknowledge
from caseworker.services.users import actor_of, create_first_administrator, create_user
from caseworker.sync.replica import create_replica
from db.models import Case, OutboxEntry, User
from db.store import Store, open_store

PASSWORD = "a long enough pass phrase"
TODAY = date(2026, 6, 1)
RECEIVED = date(2026, 5, 26)
ACKNOWLEDGED_SERVER = date(2026, 5, 27)  # the same complaint acknowledged on both sides
ACKNOWLEDGED_REPLICA = date(2026, 5, 28)
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


@pytest.fixture
def server(pg_server: PgServer) -> Iterator[Server]:
    """A fresh server store (``build_server``)."""
    srv = build_server(pg_server.fresh_store_url())
    yield srv
    srv.store.close()


def replica_of(
    server: Store, admin: Actor, template: Path, path: Path, site: str, url: str, today: date
) -> Store:
    """A replica of the ``server`` store for ``site`` in ``path`` (a copy of the migrated
    template), made by ``admin``, its server address ``url``; opened."""
    shutil.copyfile(template, path)
    local = open_store(path)
    create_replica(local, server, admin, site, url, today=today)
    return local


def make_replica(
    server: Server, template: Path, path: Path, site: str = "Bolsover", *, today: date = TODAY
) -> Store:
    """A replica of ``server`` for ``site`` in ``path`` (a copy of the migrated template)."""
    return replica_of(server.store, server.actor("ada"), template, path, site, server.url, today)


DEFINITION = Definition(points=("The roof leaks",), outcomes_sought="A dry roof")


def acknowledge_on(
    store: Store, actor: Actor, reference: str, on: date, definition: Definition = DEFINITION
) -> None:
    """Acknowledge ``reference`` on ``store`` (a replica or the server), handled by Olly."""
    with store.write() as s:
        acknowledge(
            s, actor, reference, acknowledged=on, definition=definition, handler="Olly Officer",
            expected_version=None, today=TODAY,
        )  # fmt: skip


def set_role(server: Server, username: str, role: Role) -> None:
    """Change an account's role on the server (as an administrator would)."""
    with server.store.write() as s:
        user = s.scalar(select(User).where(User.username == username))
        assert user is not None
        user.role = role.value


# The command line, in this process -----------------------------------------------------------


def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, user: str, *argv: str
) -> tuple[int, str, str]:
    """``caseworker ARGV`` signed in as ``user``: (exit code, out, err)."""
    monkeypatch.setenv("CASEWORKER_USER", user)
    monkeypatch.setenv("CASEWORKER_PASSWORD", PASSWORD)
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def replica_by_command(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    server: Server,
    path: Path,
    site: str = "Bolsover",
) -> None:
    """``caseworker --db PATH replica create --server URL --site SITE`` as ada."""
    code, out, err = cli(
        capsys, monkeypatch, "ada", "--db", str(path), "replica", "create",
        "--server", server.url, "--site", site,
    )  # fmt: skip
    assert (code, err) == (0, ""), err
    assert "a replica of" in out and f"for {site}" in out


def sync_json(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    path: Path,
    user: str = "olly",
) -> tuple[int, dict[str, Any] | None, str]:
    """``caseworker --db PATH sync --json``: (exit code, its figures or None, err)."""
    code, out, err = cli(capsys, monkeypatch, user, "--db", str(path), "sync", "--json")
    return code, (json.loads(out) if code == 0 else None), err


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
