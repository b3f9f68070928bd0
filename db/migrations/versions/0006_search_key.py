"""The case's search key (its search entry's rowid) as a column, in the deadline index.

A search that matches tens of thousands of cases then pages through them in deadline order
from the index alone: FTS5 gives the matching rowids, and the deadline index holds each
case's key beside its deadline, so no case row is read until it is on the page.

The key is a virtual generated column, worked out from the case's id exactly as
``db.search.search_rowid`` does (the first 15 hex digits of the UUID as a number), so
every way a case is written keeps it right without code.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Frozen here (a migration never changes with the code after it); db.search makes the same.
_KEY = " + ".join(
    f"(instr('0123456789abcdef', substr(id, {k}, 1)) - 1) * {16 ** (15 - k)}" for k in range(1, 16)
)


# PostgreSQL has only stored generated columns, and parses hex itself.
_PG_KEY = "('x' || substr(id, 1, 15))::bit(60)::bigint"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"ALTER TABLE cases ADD COLUMN search_key BIGINT GENERATED ALWAYS AS ({_PG_KEY}) STORED"
        )
    else:
        op.execute(
            f"ALTER TABLE cases ADD COLUMN search_key INTEGER GENERATED ALWAYS AS ({_KEY}) VIRTUAL"
        )
    op.drop_index("ix_cases_next_due", table_name="cases")
    op.create_index("ix_cases_next_due", "cases", ["next_due", "reference", "search_key"])


def downgrade() -> None:
    op.drop_index("ix_cases_next_due", table_name="cases")
    op.create_index("ix_cases_next_due", "cases", ["next_due", "reference"])
    op.execute("ALTER TABLE cases DROP COLUMN search_key")
