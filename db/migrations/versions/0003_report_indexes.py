"""Indexes for the reports: complaints by date received and responded, refusals, referrals.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# name, table, columns: the same as the ``Index`` entries in db/models.py.
INDEXES: tuple[tuple[str, str, list[str]], ...] = (
    # Complaints by the date each figure counts them on. Kind comes first so that a query
    # for complaints over a date range is not planned on ix_cases_kind_status instead.
    ("ix_cases_kind_received", "cases", ["kind", "received"]),
    ("ix_cases_kind_stage1_responded", "cases", ["kind", "stage1_responded"]),
    ("ix_cases_kind_escalated", "cases", ["kind", "escalated"]),
    ("ix_cases_kind_stage2_responded", "cases", ["kind", "stage2_responded"]),
    ("ix_cases_refused_on", "cases", ["refused_on"]),
    ("ix_cases_ombudsman_referred_on", "cases", ["ombudsman_referred_on"]),
    ("ix_remedies_offered_on", "remedies", ["offered_on"]),
    ("ix_remedies_done", "remedies", ["done"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
