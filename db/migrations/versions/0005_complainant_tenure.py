"""For the reports: the complainants' tenure on the case row (tenants and other residents,
the TSMs), and complaints awaiting a Stage 1 response found by index.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Best first, as ``caseworker.domain.vocab.case_tenure`` (frozen here: a migration never
# changes with the code after it).
_TENURES = ("tenant", "leaseholder", "other-resident")


def _backfill_sql() -> str:
    rank = " ".join(f"WHEN '{t}' THEN {i}" for i, t in enumerate(_TENURES))
    tenure = " ".join(f"WHEN {i} THEN '{t}'" for i, t in enumerate(_TENURES))
    return (
        f"UPDATE cases SET complainant_tenure = (SELECT CASE min(CASE p.tenure {rank} END) "
        f"{tenure} END FROM case_parties cp JOIN people p ON p.id = cp.person_id "
        "WHERE cp.case_id = cases.id AND cp.role = 'complainant')"
    )


# Complaints awaiting a Stage 1 response (none sent) received by the period end: with
# ``received`` in the index, SQLite no longer reads every complaint ever received instead.
_OLD_INDEX = ("ix_cases_kind_stage1_responded", ["kind", "stage1_responded"])
_NEW_INDEX = ("ix_cases_kind_stage1_responded_received", ["kind", "stage1_responded", "received"])


def upgrade() -> None:
    # A plain ADD COLUMN (not a batch rebuild): instant even at a million cases.
    op.add_column("cases", sa.Column("complainant_tenure", sa.String(length=20), nullable=True))
    op.execute(_backfill_sql())
    op.drop_index(_OLD_INDEX[0], table_name="cases")
    op.create_index(_NEW_INDEX[0], "cases", _NEW_INDEX[1], unique=False)


def downgrade() -> None:
    op.drop_index(_NEW_INDEX[0], table_name="cases")
    op.create_index(_OLD_INDEX[0], "cases", _OLD_INDEX[1], unique=False)
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_column("complainant_tenure")
