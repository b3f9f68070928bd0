"""Full-text search over cases (SQLite FTS5; on PostgreSQL a tsvector with a GIN index),
filled from the cases already stored.

On PostgreSQL the text is folded as FTS5's ``unicode61 remove_diacritics 2`` does: accents
off (``unaccent``), lower case, and anything but letters and digits a word break; the
contacts carry weight B, so a postcode can be matched in them alone.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


# Frozen here (a migration never changes with the code after it); db.search queries them.
_PG = (
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE OR REPLACE FUNCTION cw_fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT "
    "PARALLEL SAFE AS $$ SELECT lower(regexp_replace(public.unaccent("
    "'public.unaccent'::regdictionary, $1), '[^[:alnum:]]+', ' ', 'g')) $$",
    "CREATE TABLE case_search (rowid BIGINT PRIMARY KEY, case_id VARCHAR(32) NOT NULL, "
    "reference TEXT NOT NULL DEFAULT '', names TEXT NOT NULL DEFAULT '', "
    "contacts TEXT NOT NULL DEFAULT '', description TEXT NOT NULL DEFAULT '', "
    "doc tsvector GENERATED ALWAYS AS ("
    "to_tsvector('simple', cw_fold(reference || ' ' || names || ' ' || description)) || "
    "setweight(to_tsvector('simple', cw_fold(contacts)), 'B')) STORED)",
    "CREATE INDEX ix_case_search_doc ON case_search USING gin (doc)",
)


def _upgrade_postgresql() -> None:
    for sql in _PG:
        op.execute(sql)
    op.execute(
        "INSERT INTO case_search (rowid, case_id, reference, names, contacts, description) "
        "SELECT ('x' || substr(c.id, 1, 15))::bit(60)::bigint, c.id, c.reference, "
        "c.resident_name || ' ' || c.representative_name, "
        "COALESCE((SELECT string_agg(p.postcode || ' ' || replace(p.postcode, ' ', '') || ' ' "
        "|| p.phone || ' ' || p.email, ' ') FROM case_parties cp JOIN people p "
        "ON p.id = cp.person_id WHERE cp.case_id = c.id), ''), c.description FROM cases c"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
        return
    op.execute(
        "CREATE VIRTUAL TABLE case_search USING fts5("
        "case_id UNINDEXED, reference, names, contacts, description, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    # Existing cases get their entries with the rowid db.search.search_rowid gives them.
    conn = op.get_bind()
    rows = conn.exec_driver_sql(
        "SELECT c.id, c.reference, c.resident_name || ' ' || c.representative_name, "
        "COALESCE((SELECT group_concat(p.postcode || ' ' || replace(p.postcode, ' ', '') || ' ' "
        "|| p.phone || ' ' || p.email, ' ') FROM case_parties cp JOIN people p "
        "ON p.id = cp.person_id WHERE cp.case_id = c.id), ''), c.description FROM cases c"
    ).fetchall()
    if rows:
        conn.exec_driver_sql(
            "INSERT INTO case_search (rowid, case_id, reference, names, contacts, description) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(int(r[0][:15], 16), *r) for r in rows],
        )


def downgrade() -> None:
    op.execute("DROP TABLE case_search")
