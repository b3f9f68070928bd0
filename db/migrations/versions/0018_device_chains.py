"""Device audit chains kept on the server (issue 13): each link a replica pushed, so the
server checks every link at ingest and ``audit verify`` checks each device's chain. A new
table only, so it runs the same on SQLite and PostgreSQL.

Revision ID: 0018
Revises: 0014
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "device_audit_events",
        sa.Column("device_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("changes_digest", sa.String(length=64), nullable=False),
        sa.Column("prev_digest", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("device_id", "seq"),
    )


def downgrade() -> None:
    op.drop_table("device_audit_events")
