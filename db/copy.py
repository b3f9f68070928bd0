"""Copying a store into an empty PostgreSQL database: every row, in one transaction."""

from __future__ import annotations

from sqlalchemy import Computed, Integer, insert, select, text

from db.models import Base
from db.raw import StoreError
from db.store import Store

BATCH = 5000
# The search entries are kept by hand (FTS5 on a file, tsvector on a server): their columns.
_SEARCH = "rowid, case_id, reference, names, contacts, description"


def copy_rows(source: Store, target: Store) -> dict[str, int]:
    """Copy every row of ``source`` into ``target`` (a new, empty store at the same schema).

    Keys, versions, letter bytes and the audit chain are copied as they are, so the copy's
    chain head is the source's. Returns the rows copied per table.

    Raises:
        StoreError: ``target`` is not empty (nothing is written).
    """
    counts: dict[str, int] = {}
    with source.read() as src, target.write() as dst:
        conn = dst.connection()
        for table in Base.metadata.sorted_tables:
            if conn.execute(select(table).limit(1)).first() is not None:
                raise StoreError(
                    f"{target.label} already holds records ({table.name}); nothing was copied"
                )
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if not isinstance(c.computed, Computed)]
            result = src.execute(select(*columns)).mappings()
            counts[table.name] = 0
            while batch := result.fetchmany(BATCH):
                conn.execute(insert(table), [dict(r) for r in batch])
                counts[table.name] += len(batch)
        rows = src.execute(text(f"SELECT {_SEARCH} FROM case_search")).all()
        if rows:
            conn.execute(
                text(
                    f"INSERT INTO case_search ({_SEARCH}) VALUES "
                    "(:rowid, :case_id, :reference, :names, :contacts, :description)"
                ),
                [dict(r._mapping) for r in rows],
            )
        counts["case_search"] = len(rows)
        # Integer keys were copied as they were: the server's counters continue after them.
        for table in Base.metadata.sorted_tables:
            keys = list(table.primary_key.columns)
            for col in keys if len(keys) == 1 else []:
                if isinstance(col.type, Integer) and col.autoincrement in (True, "auto"):
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', "
                            f"'{col.name}'), coalesce(max({col.name}), 0) + 1, false) "
                            f"FROM {table.name}"
                        )
                    )
    return counts
