"""Import: 100,000 spreadsheet rows from a CSV into a copy of an empty store.

Ours: ``caseworker.services.importer.import_records`` (reads and checks every row, adds
the new sites, areas, themes and handlers, computes each case's stored clocks, writes the
cases, people, parties, areas, themes, extensions, search entries and audit events).

Baseline: ``sqlite3.executemany`` of the very rows our import wrote (read back from a store
it filled once, untimed) into the same tables of another copy of the empty store, with the
same indexes and the full-text index, in one transaction. It does no reading, checking or
clock arithmetic: it is the floor the database itself sets.

Rows come from ``bench/import_100k.py``'s generator; a suite run on a store of fewer
records (the smoke test) imports as many rows as the store has records.
"""

from __future__ import annotations

import csv
import random
import shutil
import sqlite3
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from psycopg import sql
from sqlalchemy.engine import URL

from bench.capture import Statement, recording_engine, replay, same_answers
from bench.import_100k import COLUMNS, rows
from bench.items import Context
from bench.server import ServerContext, create_database, drop_database
from bench.timing import Result, compare
from caseworker.services.actor import LOCAL_ADMIN
from caseworker.services.importer import import_records
from db.server import connect
from db.store import open_store

ROWS = 100_000
TODAY = date(2026, 6, 1)
# Everything an import writes, parents first.
TABLES = (
    "sites",
    "service_areas",
    "themes",
    "staff",
    "people",
    "cases",
    "case_parties",
    "case_service_areas",
    "case_themes",
    "extensions",
    "audit_events",
    "case_search",
)


def _import(store_path: Path, csv_path: Path) -> None:
    store = open_store(store_path)
    try:
        with store.write() as session:
            import_records(session, LOCAL_ADMIN, csv_path, today=TODAY)
    finally:
        store.close()


def _written(path: Path) -> dict[str, tuple[list[str], list[tuple[object, ...]]]]:
    """Every row of the tables an import writes: column names and values as stored."""
    conn = sqlite3.connect(path)
    try:
        out = {}
        for table in TABLES:
            # Stored columns only (not generated ones such as cases.search_key); the
            # search entries with their rowids, as ours writes them.
            columns = [r[1] for r in conn.execute(f"PRAGMA table_xinfo({table})") if r[6] == 0]
            if table == "case_search":
                columns.insert(0, "rowid")
            cur = conn.execute(f"SELECT {', '.join(columns)} FROM {table}")
            out[table] = (columns, cur.fetchall())
        return out
    finally:
        conn.close()


def _executemany(path: Path, data: dict[str, tuple[list[str], list[tuple[object, ...]]]]) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("BEGIN IMMEDIATE")
        for table, (columns, values) in data.items():
            marks = ", ".join("?" for _ in columns)
            conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", values)
        conn.execute("COMMIT")
    finally:
        conn.close()


def run(ctx: Context) -> list[Result]:
    records = ctx.raw.execute("SELECT count(*) FROM cases").fetchone()[0]
    n = min(ROWS, records)
    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    try:
        csv_path = work / "history.csv"
        with csv_path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(COLUMNS)
            writer.writerows(rows(n, random.Random(7)))
        empty = work / "empty.sqlite"
        open_store(empty).close()
        filled = work / "filled.sqlite"
        shutil.copy(empty, filled)
        _import(filled, csv_path)
        data = _written(filled)

        def fresh() -> Path:
            """A copy of the empty store (the last run's copy removed first)."""
            path = work / "run.sqlite"
            for old in work.glob("run.sqlite*"):
                old.unlink()
            shutil.copy(empty, path)
            return path

        result = compare(
            f"import ({n:,} rows)",
            lambda: _import(fresh(), csv_path),
            lambda: _executemany(fresh(), data),
            runs=max(1, min(ctx.runs, 3)),
            max_ratio=3,
            max_seconds=None,
        )
        return [result]
    finally:
        shutil.rmtree(work, ignore_errors=True)


# The server run's databases: an empty migrated store, and the one each run imports into.
EMPTY_DB = "bench_import_empty"
RUN_DB = "bench_import_run"


def _import_on_server(url: URL, csv_path: Path) -> None:
    store = open_store(url.render_as_string(hide_password=False))
    try:
        with store.write() as session:
            import_records(session, LOCAL_ADMIN, csv_path, today=TODAY)
    finally:
        store.close()


def _captured_import(url: URL, csv_path: Path) -> list[Statement]:
    """Every statement the import sends once it has its connection (the writer's lock,
    reads of the reference lists, the inserts), with what came back."""
    store = open_store(url.render_as_string(hide_password=False))
    log: list[Statement] = []
    try:
        with recording_engine(store.engine, log), store.write() as session:
            import_records(session, LOCAL_ADMIN, csv_path, today=TODAY)
    finally:
        store.close()
    return log


def _replay_on_server(url: URL, statements: list[Statement]) -> list[Any]:
    conn = connect(url)
    try:
        with conn.transaction():
            return replay(conn, statements)
    finally:
        conn.close()


def _counts(url: URL) -> dict[str, int]:
    conn = connect(url)
    try:
        count = sql.SQL("SELECT count(*) FROM {}")
        out = {}
        for t in TABLES:
            row = conn.execute(count.format(sql.Identifier(t))).fetchone()
            assert row is not None
            out[t] = int(row[0])
        return out
    finally:
        conn.close()


def run_server(ctx: ServerContext) -> list[Result]:
    """The import into an empty store on the server; the baseline replays, on raw psycopg in
    one transaction, every statement ours sent (captured from a first, untimed import)."""
    records = int(ctx.value("SELECT count(*) FROM cases"))
    n = min(ROWS, records)
    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    url = ctx.url
    try:
        csv_path = work / "history.csv"
        with csv_path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(COLUMNS)
            writer.writerows(rows(n, random.Random(7)))
        empty = create_database(url, EMPTY_DB)
        open_store(empty.render_as_string(hide_password=False)).close()

        def fresh() -> URL:
            return create_database(url, RUN_DB, template=EMPTY_DB)

        target = fresh()
        statements = _captured_import(target, csv_path)
        landed = _counts(target)
        replayed: list[Any] = []

        def baseline() -> None:
            replayed[:] = _replay_on_server(target, statements)

        result = compare(
            f"import ({n:,} rows)",
            lambda: _import_on_server(target, csv_path),
            baseline,
            runs=max(1, min(ctx.runs, 3)),
            max_ratio=3,
            max_seconds=None,
            setup=fresh,
            warm_up=False,  # a long item: the capture above was its first run
        )
        # The last replay (the baseline runs after ours) got the same answers and left the
        # same rows as our import.
        wrong = same_answers(statements, replayed)
        if wrong or _counts(target) != landed:
            raise AssertionError(f"the replayed import differs from ours: {wrong or 'rows'}")
        note = f"{landed['cases']:,} cases landed; {len(statements)} statements replayed"
        return [replace(result, note=note)]
    finally:
        drop_database(url, RUN_DB)
        drop_database(url, EMPTY_DB)
        shutil.rmtree(work, ignore_errors=True)
