"""Sync: pushing 1,000 offline changes, and pulling 10,000 changed cases.

Push. Ours: ``caseworker.sync.push.push`` from a replica holding 1,000 intents (200
contacts logged and 800 notes added offline) to its server: each batch of 200 in one server
transaction, each intent replayed through its service, the device's chain links checked and
kept, the batch's audit event, then the replica's outbox marked. Baseline: the very rows our
push wrote or changed on the server (read back from a copy it pushed to, untimed) written
with ``sqlite3.executemany`` (INSERT OR REPLACE) into a fresh copy of the server, and the
outbox rows marked with one ``executemany`` UPDATE, one transaction each.

Pull. Ours: ``caseworker.sync.replica.pull_changes`` into a replica whose cursor is just
before the last change of the 10,000 most recently changed open cases of the bench store's
busiest site (the bench store is the server): the changed cases found from the audit trail,
their scope checked, every row of each (people, parties, areas, themes, extensions,
remedies, actions, learning, notes, letters, documents) read from the server and written to
the replica in chunks of 500, with list columns and search entries. Baseline: the same rows
read with ``sqlite3`` from the server by case id and written with ``executemany`` into a
fresh copy of the same replica, search entries included, in one transaction.

The server here is a store file (the bench runs on SQLite); the sync code is the same for a
PostgreSQL server.
"""

from __future__ import annotations

import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bench.items import Context
from bench.timing import Result
from caseworker.domain.vocab import Status
from caseworker.services.actor import Role
from caseworker.services.intake import NewRecord, log_record
from caseworker.services.people import PersonInput
from caseworker.services.records import add_note
from caseworker.services.users import actor_of, create_first_administrator, create_user
from caseworker.sync import pull
from caseworker.sync.push import push
from caseworker.sync.replica import create_replica, identity, pull_changes
from db.models import ReplicaIdentity, User
from db.store import Store, open_store

TODAY = date(2026, 3, 16)
CHANGES = 1_000  # in a store of 20,000 records or more; fewer in a smaller one (the smoke test)
PULLED = 10_000
PASSWORD = "a long enough pass phrase"
SITE = "Clowne"
OPEN = tuple(s.value for s in Status if s.is_open)
# Tables a push writes on the server; and a pull's case tables (parents first).
PUSH_TABLES = (
    "people",
    "cases",
    "case_parties",
    "case_service_areas",
    "notes",
    "audit_events",
    "sync_ingest",
    "device_audit_events",
    "devices",
    "case_search",
)
CASE_TABLES = tuple(pull._table(m).name for m in pull.CHILDREN)


def _stored_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    columns = [r[1] for r in conn.execute(f"PRAGMA table_xinfo({table})") if r[6] == 0]
    return ["rowid", *columns] if table == "case_search" else columns


def _all_rows(path: Path, tables: tuple[str, ...]) -> dict[str, tuple[list[str], set[Any]]]:
    conn = sqlite3.connect(path)
    try:
        out = {}
        for table in tables:
            cols = _stored_columns(conn, table)
            out[table] = (cols, set(conn.execute(f"SELECT {', '.join(cols)} FROM {table}")))
        return out
    finally:
        conn.close()


def _write_raw(path: Path, data: dict[str, tuple[list[str], list[Any]]]) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("BEGIN IMMEDIATE")
        for table, (cols, values) in data.items():
            if values:
                marks = ", ".join("?" for _ in cols)
                conn.executemany(
                    f"INSERT OR REPLACE INTO {table} ({', '.join(cols)}) VALUES ({marks})", values
                )
        conn.execute("COMMIT")
    finally:
        conn.close()


def _timed(setup: Callable[[], Any], fn: Callable[[Any], object]) -> float:
    arg = setup()
    start = time.perf_counter()
    fn(arg)
    return time.perf_counter() - start


def _result(name: str, ours: list[float], base: list[float], note: str) -> Result:
    o, b = statistics.median(ours), statistics.median(base)
    ratio = o / b if b > 0 else float("inf")
    return Result(name, o, b, ratio, "<= 3x", ratio <= 3, note)


# ---- push ----
def _push_world(work: Path, changes: int) -> tuple[Path, Path, str]:
    """A server store and a replica of it holding ``changes`` intents (a fifth of them
    contacts logged, the rest notes); returns the files and the device."""
    server_path, replica_path = work / "server.sqlite", work / "replica.sqlite"
    server = open_store(server_path)
    with server.write() as s:
        create_first_administrator(s, username="ada", display_name="Ada Admin", password=PASSWORD)
    with server.write() as s:
        ada = actor_of(s.query(User).filter_by(username="ada").one())
        create_user(
            s, ada, username="amy", display_name="Amy Advisor", role=Role.ADVISOR,
            password=PASSWORD,
        )  # fmt: skip
        log_record(s, ada, _record(0, "Housing Repairs"), today=TODAY)  # the names offline uses
    with server.read() as s:
        ada = actor_of(s.query(User).filter_by(username="ada").one())
        amy = actor_of(s.query(User).filter_by(username="amy").one())
    local = open_store(replica_path)
    create_replica(local, server, ada, SITE, "bench", today=TODAY)
    refs: list[str] = []
    for i in range(changes // 5):
        with local.write() as s:
            refs.append(log_record(s, amy, _record(i, "Housing Repairs"), today=TODAY).reference)
    for i in range(changes - changes // 5):
        with local.write() as s:
            add_note(s, amy, refs[i % len(refs)], text=f"Rang back ({i})", expected_version=None)
    with local.read() as s:
        me = identity(s)
        assert me is not None
        device = me.device_id
    local.close()
    server.close()
    return server_path, replica_path, device


def _record(i: int, area: str) -> NewRecord:
    return NewRecord(
        kind="complaint",
        received=TODAY,
        site=SITE,
        complainants=(PersonInput(name=f"Resident {i}", postcode="S43 4JJ"),),
        description="The repair was not done",
        service_areas=(area,),
    )


def _copies(work: Path, *paths: Path) -> list[Path]:
    out = []
    for p in paths:
        dest = work / f"run-{p.name}"
        for old in work.glob(f"run-{p.name}*"):
            old.unlink()
        shutil.copy(p, dest)
        out.append(dest)
    return out


def _push_run(work: Path, server_path: Path, replica_path: Path, device: str) -> Any:
    srv, rep = _copies(work, server_path, replica_path)
    return open_store(rep), open_store(srv)


def _push(stores: tuple[Store, Store], device: str, changes: int) -> None:
    local, server = stores
    try:
        done = push(local, server, device)
        assert done.pushed == changes, done
    finally:
        local.close()
        server.close()


def _push_items(runs: int, changes: int) -> Result:
    work = Path(tempfile.mkdtemp(prefix="bench-sync-push-"))
    try:
        server_path, replica_path, device = _push_world(work, changes)
        # What our push writes: every server row new or changed, and the outbox marks.
        before = _all_rows(server_path, PUSH_TABLES)
        stores = _push_run(work, server_path, replica_path, device)
        _push(stores, device, changes)
        srv_after, rep_after = work / f"run-{server_path.name}", work / f"run-{replica_path.name}"
        after = _all_rows(srv_after, PUSH_TABLES)
        written = {t: (cols, sorted(after[t][1] - before[t][1])) for t, (cols, _r) in after.items()}
        conn = sqlite3.connect(rep_after)
        marks = conn.execute("SELECT pushed_at, outcome, seq FROM outbox").fetchall()
        conn.close()

        def baseline(paths: list[Path]) -> None:
            _write_raw(paths[0], written)
            conn = sqlite3.connect(paths[1], isolation_level=None)
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany("UPDATE outbox SET pushed_at = ?, outcome = ? WHERE seq = ?", marks)
            conn.execute("COMMIT")
            conn.close()

        ours, base = [], []
        for _ in range(runs):
            ours.append(
                _timed(lambda: _push_run(work, server_path, replica_path, device),
                       lambda st: _push(st, device, changes))
            )  # fmt: skip
            base.append(_timed(lambda: _copies(work, server_path, replica_path), baseline))
        rows = sum(len(v) for _c, v in written.values()) + len(marks)
        return _result(
            f"sync push ({changes:,} offline changes)",
            ours,
            base,
            f"{rows:,} rows written by both",
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---- pull ----
def _pull_plan(ctx: Context) -> tuple[int, int, list[str]]:
    """The busiest site, the cursor, and the cases changed after it that are in scope."""
    raw = ctx.raw
    site = raw.execute(
        f"SELECT site_id FROM cases WHERE status IN ({','.join('?' * len(OPEN))}) "
        "AND restricted = 0 GROUP BY site_id ORDER BY count(*) DESC LIMIT 1",
        OPEN,
    ).fetchone()[0]
    last = raw.execute(
        "SELECT e.case_id, max(e.seq) AS s FROM audit_events e JOIN cases c ON c.id = e.case_id "
        f"WHERE c.site_id = ? AND c.status IN ({','.join('?' * len(OPEN))}) "
        "AND c.restricted = 0 GROUP BY e.case_id ORDER BY s DESC LIMIT ?",
        (site, *OPEN, PULLED),
    ).fetchall()
    cursor = min(s for _c, s in last) - 1
    return int(site), int(cursor), [str(c) for c, _s in last]


def _pull_replica(ctx: Context, work: Path, site: int, cursor: int) -> Path:
    """An empty replica of the bench store for ``site``, with its shared lists."""
    path = work / "replica.sqlite"
    local = open_store(path)
    with ctx.store.read() as srv:
        reference = pull.read_reference(srv)
    with local.write() as s:
        pull.write_reference(s, reference)
        s.add(
            ReplicaIdentity(
                device_id="b" * 32,
                server_url="bench",
                site="bench",
                site_id=site,
                cursor=cursor,
                created_at=datetime(2026, 3, 16),
            )
        )
    local.close()
    return path


def _pull_items(ctx: Context, runs: int) -> Result:
    work = Path(tempfile.mkdtemp(prefix="bench-sync-pull-"))
    try:
        site, cursor, ids = _pull_plan(ctx)
        empty = _pull_replica(ctx, work, site, cursor)

        def fresh() -> Store:
            (path,) = _copies(work, empty)
            return open_store(path)

        def ours(local: Store) -> None:
            try:
                done = pull_changes(local, ctx.store)
                assert done.copied >= len(ids), (done, len(ids))
            finally:
                local.close()

        pulled = fresh()
        ours(pulled)
        done_path = work / f"run-{empty.name}"
        conn = sqlite3.connect(done_path)
        got = [r[0] for r in conn.execute("SELECT id FROM cases")]
        search = _stored_columns(conn, "case_search")
        search_rows = conn.execute(f"SELECT {', '.join(search)} FROM case_search").fetchall()
        conn.close()

        def baseline(paths: list[Path]) -> None:
            data: dict[str, tuple[list[str], list[Any]]] = {}
            src = sqlite3.connect(f"file:{ctx.path}?mode=ro", uri=True)
            try:
                for table, key in (("cases", "id"), *((t, "case_id") for t in CASE_TABLES)):
                    cols = _stored_columns(src, table)
                    values: list[Any] = []
                    for i in range(0, len(got), 500):
                        part = got[i : i + 500]
                        values += src.execute(
                            f"SELECT {', '.join(cols)} FROM {table} WHERE {key} IN "
                            f"({','.join('?' * len(part))})",
                            part,
                        ).fetchall()
                    data[table] = (cols, values)
                pcols = _stored_columns(src, "people")
                people = src.execute(
                    f"SELECT {', '.join(pcols)} FROM people WHERE id IN (SELECT person_id FROM "
                    f"case_parties WHERE case_id IN (SELECT value FROM json_each(?)))",
                    (__import__("json").dumps(got),),
                ).fetchall()
            finally:
                src.close()
            ordered = {"people": (pcols, people), **data, "case_search": (search, search_rows)}
            _write_raw(paths[0], ordered)

        ours_t, base_t = [], []
        for _ in range(runs):
            ours_t.append(_timed(fresh, ours))
            base_t.append(_timed(lambda: _copies(work, empty), baseline))
        return _result(
            f"sync pull ({len(got):,} changed cases)",
            ours_t,
            base_t,
            f"cursor {cursor:,}; {len(got):,} cases with their rows written by both",
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(ctx: Context) -> list[Result]:
    runs = max(1, min(ctx.runs, 3))
    records = ctx.raw.execute("SELECT count(*) FROM cases").fetchone()[0]
    changes = min(CHANGES, max(50, records // 20))
    return [_push_items(runs, changes), _pull_items(ctx, runs)]
