"""The benchmark store: made once with the demo generator and kept in bench/.cache."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from caseworker.services.actor import LOCAL_ADMIN
from caseworker.services.demo import generate
from db.store import open_store

TODAY = date(2026, 3, 16)  # fixed, so a cached store stays valid
DEFAULT_CACHE = Path(__file__).parent / ".cache"


def cached_store(records: int, seed: int, cache_dir: Path = DEFAULT_CACHE) -> Path:
    """The path of a store with ``records`` demo cases, making it on first use."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"store-{records}-seed{seed}-{TODAY.isoformat()}.sqlite"
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    for leftover in cache_dir.glob(partial.name + "*"):
        leftover.unlink()
    started = time.perf_counter()

    def progress(done: int, total: int) -> bool:
        print(f"\rmaking the store: {done:,} of {total:,}", end="", file=sys.stderr, flush=True)
        return True

    store = open_store(partial)
    try:
        generate(store, records, seed=seed, today=TODAY, actor=LOCAL_ADMIN, progress=progress)
    finally:
        store.close()
    partial.rename(path)
    print(
        f"\nmade {records:,} records in {time.perf_counter() - started:.0f} s: {path}",
        file=sys.stderr,
    )
    return path


def store_name(records: int, seed: int) -> str:
    """What a benchmark store is: its size, seed and day (the cached file's name)."""
    return f"store-{records}-seed{seed}-{TODAY.isoformat()}"


FILLS = ("copy", "generate")


def server_store(url: str, records: int, seed: int, cache_dir: Path, fill: str = "copy") -> None:
    """Make sure the PostgreSQL database at ``url`` holds the benchmark store.

    A database that holds it already (its comment names the store) is used as it is. An
    empty one is filled, either (``copy``) from the cached store file with COPY, or
    (``generate``) by the demo generator writing to the server.

    Raises:
        SystemExit: the database holds something else (it is left untouched).
    """
    from psycopg import sql

    from db.server import connect, parse_server_url

    name = store_name(records, seed)
    target = parse_server_url(url)
    with connect(target) as conn:
        comment = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            "WHERE datname = current_database()"
        ).fetchone()
        if comment is not None and comment[0] == name:
            return
        if comment is not None and str(comment[0]).startswith("store-"):
            # Another benchmark store (e.g. made by bench.scale): used as it is, named.
            print(f"the store in {target.database}: {comment[0]}", file=sys.stderr)
            return
        tables = conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ).fetchone()
        if tables is not None and tables[0]:
            raise SystemExit(
                f"{target.database} holds tables but not the benchmark store {name}; "
                "give an empty database"
            )
    started = time.perf_counter()
    if fill == "copy":
        counts = copy_to_server(cached_store(records, seed, cache_dir), url)
        rows = sum(counts.values())
        how = f"copied {rows:,} rows from the store file"
    else:
        store = open_store(url)
        try:
            generate(store, records, seed=seed, today=TODAY, actor=LOCAL_ADMIN)
        finally:
            store.close()
        how = "generated on the server"
    with connect(target) as conn:
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
        conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(str(target.database)), sql.Literal(name)
            )
        )
    print(
        f"{how} in {time.perf_counter() - started:.0f} s: {name} in {target.database}",
        file=sys.stderr,
    )


def _copy_as_csv(
    cli: str,
    path: Path,
    dst: Any,
    table: str,
    names: list[tuple[str, bool]],
    target: Any,
) -> int:
    """One table through the ``sqlite3`` program's CSV output straight into COPY (no Python
    per row): quoted empty text stays text, an empty field is NULL, bytes go as hex."""
    from psycopg import sql

    select = ", ".join(
        f"CASE WHEN {n} IS NULL THEN NULL ELSE '\\x' || hex({n}) END" if blob else n
        for n, blob in names
    )
    query = f"SELECT {select} FROM {table}"
    proc = subprocess.Popen([cli, "-readonly", "-csv", str(path), query], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    with dst.cursor().copy(target + sql.SQL(" (FORMAT csv)")) as out:
        while chunk := proc.stdout.read(1 << 20):
            out.write(chunk)
    if proc.wait() != 0:
        raise SystemExit(f"sqlite3 could not read {table} from {path}")
    row = dst.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()
    return int(row[0])


# Migration 0019: a case row inserted takes its search entry's document.
_DOC_TRIGGER = "tr_case_takes_search_doc"


def copy_to_server(path: Path, url: str) -> dict[str, int]:
    """Copy every row of the store file ``path`` into the empty database at ``url``.

    The schema is made by the app's migrations; the rows go in with COPY, the secondary
    indexes are dropped for the load and made again after it, foreign keys are not checked
    row by row (the source store checked them), and the integer keys' counters continue
    after the copied keys. Returns the rows copied per table.
    """
    import sqlite3

    from psycopg import sql

    from db.server import connect, parse_server_url

    open_store(url).close()  # the schema, by the migrations
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    counts: dict[str, int] = {}
    with connect(parse_server_url(url)) as dst, dst.transaction():
        indexes = dst.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public' "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname)"
        ).fetchall()
        for index, _ in indexes:
            dst.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(index)))
        dst.execute("SET LOCAL session_replication_role = replica")
        columns: dict[str, list[tuple[str, bool]]] = {}
        for table, column, kind in dst.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'public' AND is_generated = 'NEVER' "
            "AND table_name != 'alembic_version' ORDER BY table_name, ordinal_position"
        ):
            columns.setdefault(table, []).append((column, kind == "bytea"))
        # A server's case row has its search document (migration 0019), a file's has not:
        # the row takes it from its entry by the migration's trigger, kept on for this
        # load, so the entries go in first.
        doc_trigger = ("search_doc", False) in columns["cases"]
        if doc_trigger:
            columns["cases"].remove(("search_doc", False))
        order = sorted(columns, key=lambda t: (t != "case_search", t))
        cli = shutil.which("sqlite3")
        for table in order:
            names = columns[table]
            if table == "cases" and doc_trigger:
                dst.execute(f"ALTER TABLE cases ENABLE ALWAYS TRIGGER {_DOC_TRIGGER}")
            print(f"copying {table}", file=sys.stderr, flush=True)
            cols = sql.SQL(", ").join(sql.Identifier(n) for n, _ in names)
            target = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table), cols)
            if cli is not None:
                counts[table] = _copy_as_csv(cli, path, dst, table, names, target)
                continue
            counts[table] = 0
            with dst.cursor().copy(target) as out:
                select = f"SELECT {', '.join(n for n, _ in names)} FROM {table}"
                for row in src.execute(select):
                    out.write_row(row)
                    counts[table] += 1
        if doc_trigger:
            dst.execute(f"ALTER TABLE cases ENABLE TRIGGER {_DOC_TRIGGER}")
        print("making the indexes", file=sys.stderr, flush=True)
        for _, definition in indexes:
            dst.execute(definition)
        for table, column in dst.execute(
            "SELECT c.relname, a.attname FROM pg_class c JOIN pg_attribute a "
            "ON a.attrelid = c.oid WHERE a.attnum > 0 AND NOT a.attisdropped "
            "AND pg_get_serial_sequence(quote_ident(c.relname), a.attname) "
            "IS NOT NULL AND c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace"
        ).fetchall():
            dst.execute(
                sql.SQL(
                    "SELECT setval(pg_get_serial_sequence({t}, {c}), "
                    "coalesce(max({col}), 0) + 1, false) FROM {tab}"
                ).format(
                    t=sql.Literal(table),
                    c=sql.Literal(column),
                    col=sql.Identifier(column),
                    tab=sql.Identifier(table),
                )
            )
    src.close()
    return counts
