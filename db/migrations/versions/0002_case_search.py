"""Full-text search over cases (SQLite FTS5), filled from the cases already stored.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
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
