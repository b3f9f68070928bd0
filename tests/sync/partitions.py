"""Three replicas and a server, links cut and healed: the Hypothesis state machine behind
``test_partitions.py`` (short) and ``soak.py`` (1,000 rounds and more).

The world (a server store with accounts and cases, three replicas made from it) is built
once per run and copied for each example: a PostgreSQL template database and three SQLite
files. Each replica reaches the server only through its own ``proxy.Proxy``.
"""

from __future__ import annotations

import shutil
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
for extra in (HERE, HERE.parent, HERE.parent / "db"):  # proxy, pg_server, casework
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from casework import new_record, person  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule  # noqa: E402
from pg_server import PgServer  # noqa: E402
from proxy import Proxy  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.exc import DBAPIError  # noqa: E402
from sync_world import TODAY, Server, build_server, make_replica  # noqa: E402

from caseworker.domain.errors import CaseworkerError  # noqa: E402
from caseworker.services.audit import verify_chain  # noqa: E402
from caseworker.services.device_chains import verify_device_chains  # noqa: E402
from caseworker.services.ending import withdraw  # noqa: E402
from caseworker.services.intake import log_record  # noqa: E402
from caseworker.services.records import add_note, link_cases  # noqa: E402
from caseworker.services.stages import Definition, acknowledge, extend  # noqa: E402
from caseworker.sync import pull  # noqa: E402
from caseworker.sync.replica import ServerUnreachable, identity, sync  # noqa: E402
from db.models import (  # noqa: E402
    AuditEvent,
    Case,
    CaseLink,
    Note,
    OutboxEntry,
    SyncConflict,
    SyncIngest,
)
from db.raw import StoreError  # noqa: E402
from db.store import Store, open_store  # noqa: E402

SITES = ("Bolsover", "Bolsover", "Shirebrook")  # the three replicas' sites
OFFLINE = (ServerUnreachable, StoreError, DBAPIError)
STATS: Counter[str] = Counter()  # what the runs did, for the soak's figures


@dataclass
class World:
    """What each example copies: the server's template database and the replicas' files."""

    pg: PgServer
    template_db: str
    files: list[Path]
    folder: Path
    proxies: list[Proxy]


def build_world(pg: PgServer, template_store: Path, folder: Path) -> World:
    """The server and three replicas, once; kept as a template database and three files."""
    url = pg.fresh_store_url()
    server = build_server(url)
    files = []
    for i, site in enumerate(SITES):
        path = folder / f"world-{i}.sqlite"
        make_replica(server, template_store, path, site).close()
        files.append(path)
    server.store.close()
    name = str(make_url(url).database)
    with pg.admin() as conn:  # a template must have no one connected
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
        )
    admin = make_url(pg.url_for("postgres"))
    proxies = [Proxy(admin.host or "127.0.0.1", admin.port or 5432) for _ in SITES]
    return World(pg, name, files, folder, proxies)


def pgpass_for_proxies(pgpass: Path, out: Path) -> Path:
    """A copy of the password file whose lines also match any port (the proxies' ports)."""
    lines = pgpass.read_text().splitlines()
    extra = []
    for line in lines:
        parts = line.split(":")
        if len(parts) >= 5:
            extra.append(":".join([parts[0], "*", *parts[2:]]))
    out.write_text("\n".join([*lines, *extra]) + "\n")
    out.chmod(0o600)
    return out


WORLD: list[World] = []  # set by the test or the soak before the machine runs
_examples = iter(range(10**9))


class Partitions(RuleBasedStateMachine):
    """Edits on every side (log a contact, add a note, acknowledge, extend, withdraw, link
    two cases), cuts, heals, pushes, pulls, and crashes mid-sync."""

    def __init__(self) -> None:
        super().__init__()
        world = WORLD[0]
        self.world = world
        self.db = world.pg.create_database(template=world.template_db)
        self.url = world.pg.url_for(self.db)
        self.server = Server(self.url, open_store(self.url))
        n = next(_examples)
        self.paths = []
        for i, src in enumerate(world.files):
            path = world.folder / f"ex{n}-{i}.sqlite"
            shutil.copyfile(src, path)
            self.paths.append(path)
        self.replicas = [open_store(p) for p in self.paths]
        self.devices = []
        for r in self.replicas:
            with r.read() as s:
                me = identity(s)
                assert me is not None
                self.devices.append(me.device_id)
        for proxy in world.proxies:
            proxy.heal()
        self.made = [0, 0, 0]  # intents made on each replica
        self.checked: set[tuple[int, int]] = set()  # (replica, sequence) taken and checked
        self.links: list[Store | None] = [None, None, None]  # each replica's way to the server
        self.day = 0
        STATS["examples"] += 1

    # ---- helpers ----
    def _today(self) -> date:
        return TODAY + timedelta(days=self.day // 10)

    def _side(self, side: int) -> tuple[Store, bool]:
        """Side 0-2: a replica; 3: the server."""
        if side == 3:
            return self.server.store, False
        return self.replicas[side], True

    def _held(self, store: Store) -> list[str]:
        with store.read() as s:
            return sorted(s.scalars(select(Case.reference).where(Case.restricted.is_(False))))

    def _did(self, side: int, action: Any) -> None:
        store, is_replica = self._side(side)
        try:
            with store.write() as s:
                action(s)
        except CaseworkerError:  # refused by the rules (e.g. acknowledged already)
            STATS["refused locally"] += 1
            return
        STATS[f"edits on {'a replica' if is_replica else 'the server'}"] += 1
        if is_replica:
            self.made[side] += 1

    # ---- rules: edits ----
    @rule(side=st.integers(0, 3), name=st.sampled_from(["Ann", "Bo", "Cy", "Di", "Ed"]))
    def log_contact(self, side: int, name: str) -> None:
        site = SITES[side] if side < 3 else "Bolsover"
        record = new_record(received=self._today(), site=site, complainants=(person(name),))
        self._did(
            side,
            lambda s: log_record(s, self.server.actor("amy"), record, today=self._today()),
        )

    @rule(side=st.integers(0, 3), pick=st.integers(0, 10**6), text=st.text("abc ", max_size=8))
    def note(self, side: int, pick: int, text: str) -> None:
        refs = self._held(self._side(side)[0])
        if refs:
            ref = refs[pick % len(refs)]
            self._did(
                side,
                lambda s: add_note(
                    s, self.server.actor("amy"), ref, text=f"note {text}", expected_version=None
                ),
            )

    @rule(side=st.integers(0, 3), pick=st.integers(0, 10**6), back=st.integers(0, 3))
    def acknowledge(self, side: int, pick: int, back: int) -> None:
        refs = self._held(self._side(side)[0])
        if refs:
            ref = refs[pick % len(refs)]
            who = "olly" if side < 3 else "ada"
            self._did(
                side,
                lambda s: acknowledge(
                    s,
                    self.server.actor(who),
                    ref,
                    acknowledged=self._today() - timedelta(days=back),
                    definition=Definition(points=("Damp",), outcomes_sought="Dry"),
                    handler="Olly Officer",
                    expected_version=None,
                    today=self._today(),
                ),
            )

    def _officer(self, side: int) -> Any:
        return self.server.actor("olly" if side < 3 else "ada")

    def _pick(self, side: int, pick: int) -> str | None:
        refs = self._held(self._side(side)[0])
        return refs[pick % len(refs)] if refs else None

    @rule(side=st.integers(0, 3), pick=st.integers(0, 10**6), days=st.integers(1, 10))
    def extend(self, side: int, pick: int, days: int) -> None:
        ref = self._pick(side, pick)
        if ref is not None:
            self._did(
                side,
                lambda s: extend(
                    s, self._officer(side), ref, days=days, reason="Waiting for a survey",
                    told_on=self._today(), expected_version=None, today=self._today(),
                ),
            )  # fmt: skip

    @rule(side=st.integers(0, 3), pick=st.integers(0, 10**6))
    def withdraw(self, side: int, pick: int) -> None:
        ref = self._pick(side, pick)
        if ref is not None:
            self._did(
                side,
                lambda s: withdraw(
                    s, self._officer(side), ref, withdrawn_on=self._today(),
                    reason="Sorted out", expected_version=None, today=self._today(),
                ),
            )  # fmt: skip

    @rule(side=st.integers(0, 3), one=st.integers(0, 10**6), two=st.integers(0, 10**6))
    def link(self, side: int, one: int, two: int) -> None:
        """Link two cases (often the same two on several sides: merged as one link)."""
        refs = self._held(self._side(side)[0])
        if len(refs) > 1 and one % len(refs) != two % len(refs):
            first, second = sorted((refs[one % len(refs)], refs[two % len(refs)]))
            self._did(
                side,
                lambda s: link_cases(
                    s, self._officer(side), first, second, reason="Same repair",
                    expected_version=None,
                ),
            )  # fmt: skip

    @rule()
    def next_day(self) -> None:
        self.day += 10

    # ---- rules: the link ----
    @rule(i=st.integers(0, 2))
    def cut(self, i: int) -> None:
        self.world.proxies[i].cut()
        STATS["cuts"] += 1

    @rule(i=st.integers(0, 2))
    def heal(self, i: int) -> None:
        self.world.proxies[i].heal()

    def _link(self, i: int) -> Store:
        """Replica ``i``'s server store through its proxy, opened once an example and its
        connections dropped before each sync: every sync connects afresh, as after a cut,
        without building the engine (and compiling every statement) again."""
        link = self.links[i]
        if link is None:
            link = self.links[i] = open_store(self.world.proxies[i].url(self.url))
        link.engine.dispose()
        with link.engine.connect():  # the link is up (kept in the pool for the sync)
            pass
        return link

    def _sync(self, i: int) -> bool:
        STATS["sync rounds"] += 1
        try:
            server = self._link(i)
        except OFFLINE:
            STATS["syncs refused: offline"] += 1
            return False
        try:
            done = sync(self.replicas[i], server, today=self._today())
        except OFFLINE:
            STATS["syncs cut short"] += 1
            return False
        STATS["syncs completed"] += 1
        STATS["intents pushed"] += done.pushed
        STATS["cases pulled"] += done.pulled
        STATS["cases removed from a replica"] += done.removed
        return True

    @rule(i=st.integers(0, 2))
    def sync_now(self, i: int) -> None:
        self._sync(i)

    @rule()
    def sync_everyone(self) -> None:
        for i in range(3):
            self._sync(i)

    @rule(i=st.integers(0, 2), n=st.integers(1, 3))
    def cut_mid_sync(self, i: int, n: int) -> None:
        """The link drops as the n-th commit of the sync goes out: the server rolls back."""
        self.world.proxies[i].cut_at_commit(n)
        STATS["cuts mid-sync (before a commit)"] += 1
        self._sync(i)
        self.world.proxies[i].heal()

    @rule(i=st.integers(0, 2), n=st.integers(1, 2))
    def crash_after_server_commit(self, i: int, n: int) -> None:
        """The server commits the n-th transaction; the replica never hears back."""
        self.world.proxies[i].cut_at_commit(n, after=True)
        STATS["crashes after the server's commit"] += 1
        self._sync(i)
        self.world.proxies[i].heal()

    # ---- invariants ----
    @invariant()
    def no_outbox_entry_lost(self) -> None:
        with self.server.store.read() as srv:
            taken = {
                (d, q): o
                for d, q, o in srv.execute(
                    select(SyncIngest.device_id, SyncIngest.device_seq, SyncIngest.outcome)
                )
            }
        for i, r in enumerate(self.replicas):
            with r.read() as s:
                rows = s.execute(select(OutboxEntry.device_seq, OutboxEntry.pushed_at)).all()
            assert sorted(q for q, _p in rows) == list(range(1, self.made[i] + 1))
            for q, pushed in rows:  # marked pushed only once the server has taken it
                assert pushed is None or (self.devices[i], q) in taken
            mine = {q for d, q in taken if d == self.devices[i]}
            assert mine <= {q for q, _p in rows}  # nothing the server took that the PC lacks

    @invariant()
    def every_value_applied_or_in_a_conflict(self) -> None:
        """Each intent the server took is checked at the step it was taken (what it left is
        never deleted, so checking it again at every later step would find the same)."""
        for i, r in enumerate(self.replicas):
            with self.server.store.read() as srv:
                taken = [
                    (seq, outcome, ids)
                    for seq, outcome, ids in srv.execute(
                        select(
                            SyncIngest.device_seq, SyncIngest.outcome, SyncIngest.conflict_ids
                        ).where(SyncIngest.device_id == self.devices[i])
                    )
                    if (i, seq) not in self.checked
                ]
            if not taken:
                continue
            with r.read() as s:
                entries = {
                    e.device_seq: (e.action, e.case_id, list(e.new_ids or []))
                    for e in s.scalars(select(OutboxEntry))
                }
            with self.server.store.read() as srv:
                for seq, outcome, conflict_ids in taken:
                    self.checked.add((i, seq))
                    action, case_id, new_ids = entries[seq]
                    if outcome == "conflict":
                        kept = srv.scalar(
                            select(func.count())
                            .select_from(SyncConflict)
                            .where(
                                SyncConflict.device_id == self.devices[i],
                                SyncConflict.device_seq == seq,
                            )
                        )
                        assert kept and kept == len(conflict_ids)
                        continue
                    assert outcome == "applied"
                    case = srv.get(Case, case_id)
                    assert case is not None
                    if action == "add-note":
                        assert (
                            srv.scalar(
                                select(func.count()).select_from(Note).where(Note.id.in_(new_ids))
                            )
                            == 1
                        )
                    if action == "acknowledge":
                        assert case.acknowledged is not None
                    if action == "link-case":  # made here, or the same link made elsewhere
                        assert srv.scalar(
                            select(func.count())
                            .select_from(CaseLink)
                            .where(CaseLink.case_id == case_id)
                        )

    @invariant()
    def every_chain_verifies(self) -> None:
        with self.server.store.read() as s:
            assert verify_chain(s) is None
            assert verify_device_chains(s)[1] is None
        for r in self.replicas:
            with r.read() as s:
                assert verify_chain(s) is None

    @invariant()
    def references_unique(self) -> None:
        seen: dict[str, str] = {}
        for store in (self.server.store, *self.replicas):
            with store.read() as s:
                for ref, cid in s.execute(select(Case.reference, Case.id)):
                    assert seen.setdefault(ref, cid) == cid, ref
        ids = list(seen.values())
        assert len(ids) == len(set(ids))

    # ---- the end: heal, sync everyone twice, compare ----
    def teardown(self) -> None:
        try:
            self._final_sync_and_compare()
        finally:
            for r in self.replicas:
                r.close()
            for link in self.links:
                if link is not None:
                    link.close()
            self.server.store.close()
            self.world.pg.drop_database(self.db)
            for p in self.paths:
                for suffix in ("", "-wal", "-shm"):
                    p.with_name(p.name + suffix).unlink(missing_ok=True)

    def _final_sync_and_compare(self) -> None:
        for proxy in self.world.proxies:
            proxy.heal()
        for _round in range(2):  # the second round brings each the others' changes
            for i in range(3):
                assert self._sync(i), "a sync failed with every link healed"
        STATS["final syncs compared"] += 1
        with self.server.store.read() as srv:
            STATS["conflicts kept"] += int(
                srv.scalar(select(func.count()).select_from(SyncConflict)) or 0
            )
            STATS["same changes merged silently"] += int(
                srv.scalar(
                    select(func.count())
                    .select_from(AuditEvent)
                    .where(AuditEvent.action == "sync-same-change")
                )
                or 0
            )
            rows = srv.execute(
                select(
                    Case.id,
                    Case.site_id,
                    Case.status,
                    Case.restricted,
                    Case.stage1_handler_id,
                    Case.stage2_handler_id,
                    Case.version,
                    Case.acknowledged,
                )
            ).all()
            notes = _notes(srv)
        for i, r in enumerate(self.replicas):
            with r.read() as s:
                me = identity(s)
                assert me is not None
                site_id = me.site_id
                staff = set(pull.site_handlers(s))
                assert pull.pending_cases(s) == set()
                mine = {
                    c.id: (c.version, c.status, c.acknowledged) for c in s.scalars(select(Case))
                }
                my_notes = _notes(s)
            scope = {
                cid: (version, status, ack)
                for cid, site, status, restricted, h1, h2, version, ack in rows
                if pull.in_scope(site, status, restricted, (h1, h2), site_id, staff)
            }
            assert mine == scope, f"replica {i} differs from the server for its scope"
            assert {c: n for c, n in my_notes.items() if c in scope} == {
                c: n for c, n in notes.items() if c in scope
            }


def _notes(session: Any) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for cid, nid in session.execute(select(Note.case_id, Note.id)):
        out.setdefault(cid, set()).add(nid)
    return out
