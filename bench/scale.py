"""``python -m bench.scale URL TIMES``: a bigger store on a server, from the one in it, in SQL.

Every case, with its people and every row that belongs to it (parties, areas, themes,
points, extensions, remedies, actions, learning, notes, letters, search entries), is copied
``TIMES - 1`` more times on the server itself, each copy with new keys (``md5`` of the copy's
number and the old key: 32 hex digits, as the app's keys) and its reference suffixed
``/N``. The shared lists (sites, areas, themes, staff) stay as they are; the audit chain is
not copied (no item reads it). The secondary indexes are dropped for the load and made
again, then the tables are analysed.

For when the demo generator's store of the wanted size is not at hand: a copy of the
100,000-record store ten times over has the same mix of kinds, dates, areas and words per
record as the demo store, at a million records (see bench/README for when it was used).
"""

from __future__ import annotations

import sys
import time

from psycopg import sql

from db.server import connect, parse_server_url

# Each copied table: the columns that hold a key of a copied row (made new in each copy).
KEYS = {
    "people": ("id",),
    "cases": ("id",),
    "case_parties": ("id", "case_id", "person_id"),
    "case_service_areas": ("case_id",),
    "case_themes": ("case_id",),
    "case_links": ("case_id", "linked_case_id"),
    "complaint_points": ("id", "case_id"),
    "extensions": ("id", "case_id"),
    "remedies": ("id", "case_id"),
    "outstanding_actions": ("id", "case_id"),
    "learning": ("id", "case_id"),
    "notes": ("id", "case_id"),
    "equality_answers": ("id", "person_id"),
    "correspondence": ("id", "case_id", "person_id"),
    "documents": ("id", "case_id", "parent_id"),
    "document_contents": ("document_id",),
    "case_search": ("case_id",),
}


def _new(column: str) -> sql.Composable:
    return sql.SQL("CASE WHEN {c} IS NULL THEN NULL ELSE md5(k::text || {c}) END").format(
        c=sql.Identifier(column)
    )


def scale(url: str, times: int) -> None:
    with connect(parse_server_url(url)) as conn, conn.transaction():
        indexes = conn.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public' "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname)"
        ).fetchall()
        for index, _ in indexes:
            conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(index)))
        conn.execute("SET LOCAL session_replication_role = replica")
        for table, keys in KEYS.items():
            started = time.perf_counter()
            names = [
                r[0]
                for r in conn.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                    "'public' AND table_name = %s AND is_generated = 'NEVER' "
                    "ORDER BY ordinal_position",
                    (table,),
                )
            ]
            values: list[sql.Composable] = []
            for n in names:
                if n in keys:
                    values.append(_new(n))
                elif (table, n) in (("cases", "reference"), ("case_search", "reference")):
                    values.append(sql.SQL("{} || '/' || k").format(sql.Identifier(n)))
                elif (table, n) == ("case_search", "rowid"):
                    # The search key of the new case id (as cases.search_key is made).
                    values.append(
                        sql.SQL("('x' || substr(md5(k::text || case_id), 1, 15))::bit(60)::bigint")
                    )
                else:
                    values.append(sql.Identifier(n))
            conn.execute(
                sql.SQL(
                    "INSERT INTO {t} ({cols}) SELECT {vals} FROM {t} "
                    "CROSS JOIN generate_series(2, %s) AS k"
                ).format(
                    t=sql.Identifier(table),
                    cols=sql.SQL(", ").join(map(sql.Identifier, names)),
                    vals=sql.SQL(", ").join(values),
                ),
                (times,),
            )
            print(f"{table}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
        print("making the indexes", file=sys.stderr, flush=True)
        for _, definition in indexes:
            conn.execute(definition)
    target = parse_server_url(url)
    with connect(target) as conn:
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
        label = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            "WHERE datname = current_database()"
        ).fetchone()
        # What the database now holds, for the bench's output: "store-... x10".
        conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(str(target.database)),
                sql.Literal(f"{label[0] if label and label[0] else 'a store'} x{times}"),
            )
        )


if __name__ == "__main__":
    scale(sys.argv[1], int(sys.argv[2]))
