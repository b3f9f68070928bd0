"""Indexes for the work queue's counts: pending authorisations and overdue follow-ups.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# name, table, columns: the same as the ``Index`` entries in db/models.py.
INDEXES: tuple[tuple[str, str, list[str]], ...] = (
    # "Authorisations pending" counts open cases only (replaces ix_cases_auth_state).
    ("ix_cases_auth_state_status", "cases", ["auth_state", "status"]),
    # "Remedies and actions overdue": not done, due before today; ending with the case, so
    # the queue's count reads the indexes alone.
    ("ix_remedies_done_due", "remedies", ["done", "due", "case_id"]),
    ("ix_outstanding_actions_done_due", "outstanding_actions", ["done", "due", "case_id"]),
)


def upgrade() -> None:
    op.drop_index("ix_cases_auth_state", table_name="cases")
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    op.create_index("ix_cases_auth_state", "cases", ["auth_state"], unique=False)
