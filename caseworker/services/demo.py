"""Filling an empty store with realistic demo records quickly, by bulk insert."""

from __future__ import annotations

import gc
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Index, Table, delete, func, insert, inspect, select
from sqlalchemy.orm import Session

from caseworker.domain.errors import CaseworkerError, InvalidInput
from caseworker.domain.policy import load_policy
from caseworker.domain.vocab import RecordKind
from caseworker.services import demo_data as words
from caseworker.services import permissions
from caseworker.services.actor import LOCAL_ADMIN, Actor
from caseworker.services.audit import chain_head, forget_chain_head, record_event
from caseworker.services.demo_audit import DemoAudit
from caseworker.services.demo_letters import CaseHistory, choose_letters, make_letters
from caseworker.services.demo_rows import Area, Lookups, RowMaker
from caseworker.services.demo_timeline import Timeline, TimelineMaker
from caseworker.services.letters import LetterBatch
from caseworker.services.settings import get_setting, store_calendar
from db.bulk import insert_many
from db.dialect import set_cache_kib
from db.models import (
    Base,
    Case,
    HomesCount,
    ReferenceCounter,
    ServiceArea,
    Setting,
    Site,
    Staff,
    Theme,
)
from db.search import add_search_entries
from db.store import Store

BATCH = 10_000
YEARS = 5
OPEN_SHARE = 0.045  # held open on purpose; cases received lately are open as well (~5% in all)

# Records per year at a district council (DOMAIN.md): ~350 Stage 1 complaints, ~400 compliments.
KIND_WEIGHTS: dict[RecordKind, int] = {
    RecordKind.COMPLAINT: 350,
    RecordKind.COMPLIMENT: 400,
    RecordKind.COMMENT: 120,
    RecordKind.SERVICE_REQUEST: 250,
    RecordKind.MP_ENQUIRY: 60,
    RecordKind.COUNCILLOR_ENQUIRY: 80,
}

Progress = Callable[[int, int], bool]


class DemoCancelled(CaseworkerError):
    """The person cancelled making demo data; nothing was saved."""


@dataclass(frozen=True)
class DemoSummary:
    """What was made."""

    cases: int
    by_kind: dict[str, int]
    open_cases: int
    first_received: date
    last_received: date


def generate(
    target: Store | Session,
    n: int,
    seed: int,
    today: date,
    progress: Progress | None = None,
    *,
    actor: Actor = LOCAL_ADMIN,
) -> DemoSummary:
    """Fill an empty store with ``n`` demo records received over five years up to ``today``.

    The same seed and ``today`` give the same records. ``progress(done, total)`` is called
    after each batch; returning False cancels.

    Raises:
        InvalidInput: ``n`` is not positive, or the store already holds cases.
        DemoCancelled: cancelled; nothing is saved (with a Session, the caller's
            transaction must be rolled back, which ``Store.write`` does).
        NotAllowed: the actor is not an administrator (refused before anything is built
            or the store is locked).
    """
    permissions.check(actor, "demo-data")
    if isinstance(target, Store):
        with target.write() as session:
            return generate(session, n, seed, today, progress, actor=actor)
    session = target
    if n < 1:
        raise InvalidInput("Say how many demo records to make (at least 1)")
    existing = session.scalar(select(func.count()).select_from(Case)) or 0
    if existing:
        raise InvalidInput(
            f"Demo data goes into a new, empty store; this one already holds {existing:,} "
            "cases. Choose a new store file (--db PATH)"
        )
    return _Generator(session, n, seed, today, progress).run(actor)


class _Generator:
    def __init__(
        self, session: Session, n: int, seed: int, today: date, progress: Progress | None
    ) -> None:
        self.session = session
        self.n = n
        self.seed = seed
        self.today = today
        self.progress = progress
        self.rng = random.Random(seed)
        self.cal = store_calendar(session)

    def _tick(self, done: int) -> None:
        if self.progress is not None and self.progress(done, self.n) is False:
            raise DemoCancelled("Making demo data was cancelled; nothing was saved")

    def run(self, actor: Actor) -> DemoSummary:
        self._tick(0)
        lookups = self._reference_lists()
        timelines = self._timelines()
        prefix = str(get_setting(self.session, "reference_prefix"))
        policies = (
            load_policy(str(get_setting(self.session, "policy_housing"))),
            load_policy(str(get_setting(self.session, "policy_other"))),
        )
        maker = RowMaker(self.rng, self.cal, policies, lookups, self.today)
        letters = choose_letters(timelines, self.today)
        audit = DemoAudit(chain_head(self.session))
        deferred: list[CaseHistory] = []  # cases with letters, finished once indexed
        counters: Counter[int] = Counter()
        kinds: Counter[str] = Counter()
        open_cases = 0
        set_cache_kib(self.session, 262144)
        indexes = self._drop_indexes()
        # A million long-lived timelines would make every garbage collection walk them all.
        gc.freeze()
        try:
            for done, t in enumerate(timelines, start=1):
                steps = letters.get(done - 1, ())
                year = t.received.year
                counters[year] += 1
                kinds[t.kind.value] += 1
                open_cases += t.status.is_open
                maker.case(t, f"{prefix}-{year}-{counters[year]:06d}", steps)
                if done % BATCH == 0 or done == self.n:
                    self._flush(maker, audit, deferred)
                    self._tick(done)
            for index in indexes:
                index.create(self.session.connection())
            self._letters(audit, deferred)
        finally:
            gc.unfreeze()
            set_cache_kib(self.session, 2000)
        self._insert(
            ReferenceCounter.__table__,
            [{"prefix": prefix, "year": y, "last": last} for y, last in sorted(counters.items())],
        )
        summary = DemoSummary(
            cases=self.n,
            by_kind=dict(sorted(kinds.items())),
            open_cases=open_cases,
            first_received=timelines[0].received,
            last_received=timelines[-1].received,
        )
        record_event(
            self.session,
            actor,
            "demo-data",
            None,
            {
                "cases": self.n,
                "seed": self.seed,
                "today": self.today,
                "by_kind": summary.by_kind,
                "open": open_cases,
                "letters": audit.letters,
            },
        )
        return summary

    # Reference lists ----------------------------------------------------------------

    def _insert(self, table: Any, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.session.execute(insert(table), rows)

    def _reference_lists(self) -> Lookups:
        s = self.session
        s.execute(delete(Setting).where(Setting.key == "organisation"))
        self._insert(Setting, [{"key": "organisation", "value": words.ORGANISATION}])
        start = self.today.year - YEARS
        homes = [
            {"as_of": date(y, 4, 1), "homes": 5000 + 40 * (y - start)}
            for y in range(start, self.today.year + 1)
        ]
        s.execute(delete(HomesCount))
        self._insert(HomesCount, homes)
        site_ids = self._ensure(Site, [{"name": name, "active": True} for name, *_ in words.SITES])
        area_ids = self._ensure(
            ServiceArea,
            [{"name": a, "is_housing": h, "active": True} for a, h, *_ in words.SERVICE_AREAS],
        )
        theme_names = list(dict.fromkeys(t for ts in words.THEMES.values() for t in ts))
        theme_ids = self._ensure(Theme, [{"name": t} for t in theme_names])
        staff_ids = self._ensure(
            Staff,
            [
                {"name": name, "email": "", "service_area_id": area_ids[area], "active": True}
                for name, area in words.STAFF
            ],
        )
        areas = tuple(
            Area(
                id=area_ids[name],
                name=name,
                is_housing=housing,
                theme_ids=tuple(theme_ids[t] for t in words.THEMES[name]),
                staff=tuple((staff_ids[s], s) for s, a in words.STAFF if a == name),
            )
            for name, housing, *_ in words.SERVICE_AREAS
        )
        return Lookups(
            sites=tuple(
                (site_ids[name], districts, town) for name, town, districts, _ in words.SITES
            ),
            site_weights=tuple(w for *_, w in words.SITES),
            areas=areas,
            complaint_weights=tuple(a[2] for a in words.SERVICE_AREAS),
            other_weights=tuple(a[3] for a in words.SERVICE_AREAS),
            all_staff=tuple((staff_ids[s], s) for s, _ in words.STAFF),
        )

    def _ensure(self, model: type[Base], rows: list[dict[str, Any]]) -> dict[str, int]:
        """Ids by name, adding the names the store does not have yet."""
        table: Table = model.__table__  # type: ignore[assignment]
        have = dict(self.session.execute(select(table.c.name, table.c.id)).all())
        self._insert(table, [r for r in rows if r["name"] not in have])
        return dict(self.session.execute(select(table.c.name, table.c.id)).all())

    # Cases --------------------------------------------------------------------------

    def _timelines(self) -> list[Timeline]:
        """Every case's dates, sorted by date received (references follow that order)."""
        rng, today = self.rng, self.today
        maker = TimelineMaker(rng, self.cal, today)
        kinds = list(KIND_WEIGHTS)
        drawn = rng.choices(kinds, list(KIND_WEIGHTS.values()), k=self.n)
        first = today - timedelta(days=365 * YEARS)
        span = (today - first).days
        timelines: list[Timeline] = []
        for kind in drawn:
            if rng.random() < OPEN_SHARE:
                timelines.append(maker.open_at_today(kind))
            else:
                received = first + timedelta(days=rng.randint(0, span))
                timelines.append(maker.forward(kind, received))
        timelines.sort(key=lambda t: t.received)
        return timelines

    def _drop_indexes(self) -> list[Index]:
        """Indexes of the bulk tables, dropped while filling (building them after is faster).

        Dropping is part of the transaction, so a cancelled run leaves them in place.
        """
        conn = self.session.connection()
        dropped: list[Index] = []
        for name in RowMaker.TABLES:
            if name == "case_search":
                continue
            # Only those the store has: a server's migrations replace some of the models'
            # (0019's resident index), and those are left in place.
            present = {i["name"] for i in inspect(conn).get_indexes(name)}
            for index in sorted(Base.metadata.tables[name].indexes, key=lambda i: str(i.name)):
                if index.name in present:
                    index.drop(conn)
                    dropped.append(index)
        return dropped

    def _flush(self, maker: RowMaker, audit: DemoAudit, deferred: list[CaseHistory]) -> None:
        """Insert the batch's rows and chain each case's events; a case with letters waits
        for them (``_letters``)."""
        rows = maker.tables.rows
        for name in RowMaker.TABLES:
            if name == "case_search":
                continue
            insert_many(self.session, Base.metadata.tables[name], rows[name])
        add_search_entries(self.session, rows["case_search"])
        maker.tables.clear()
        events: list[dict[str, Any]] = []
        for h in maker.histories:
            if h.letters:
                deferred.append(h)
            else:
                events += audit.rows(h.case_id, h.events, h.minute)
        maker.histories.clear()
        insert_many(self.session, Base.metadata.tables["audit_events"], events)
        forget_chain_head(self.session)  # chained here, not by record_event

    def _letters(self, audit: DemoAudit, deferred: list[CaseHistory]) -> None:
        """Make the letters of the cases that had them, reading each case back from the
        store (indexed again by now) as the app does, and chain those cases' events with
        their letters', in the order things happened."""
        if not deferred:
            return
        batch = LetterBatch.start(self.session)
        letters: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        for h in deferred:
            rows, made = make_letters(self.session, batch, h)
            letters += rows
            events += audit.rows(h.case_id, h.events + made, h.minute)
        audit.letters = len(letters)
        insert_many(self.session, Base.metadata.tables["correspondence"], letters)
        insert_many(self.session, Base.metadata.tables["audit_events"], events)
        forget_chain_head(self.session)  # chained here, not by record_event
