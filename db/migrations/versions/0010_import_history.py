"""Whether the resident asked for a withdrawal (imported history can say either way).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (not a batch rebuild): instant even at a million cases. Empty for
    # withdrawals recorded before: not known.
    op.add_column("cases", sa.Column("withdrawn_by_resident", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_column("withdrawn_by_resident")
