"""Offline replicas and sync (issue 13): identity, outbox, conflicts, ingest log, devices,
reference blocks. New tables only, so it runs the same on SQLite and PostgreSQL.

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "replica_identity",
        sa.Column("device_id", sa.String(length=32), nullable=False),
        sa.Column("server_url", sa.Text(), nullable=False),
        sa.Column("site", sa.String(length=120), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("cursor", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_sync_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("device_id"),
    )
    op.create_table(
        "outbox",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("device_id", sa.String(length=32), nullable=False),
        sa.Column("device_seq", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("actor_name", sa.String(length=120), nullable=False),
        sa.Column("args", sa.JSON(), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=True),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("base_values", sa.JSON(), nullable=False),
        sa.Column("after_values", sa.JSON(), nullable=False),
        sa.Column("new_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("pushed_at", sa.DateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("device_id", "device_seq", name="uq_outbox_device_seq"),
    )
    op.create_index("ix_outbox_pushed", "outbox", ["pushed_at", "seq"])
    op.create_table(
        "sync_conflicts",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=True),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("server_value", sa.JSON(), nullable=False),
        sa.Column("replica_value", sa.JSON(), nullable=False),
        sa.Column("server_by", sa.String(length=120), nullable=False),
        sa.Column("server_at", sa.DateTime(), nullable=True),
        sa.Column("replica_by", sa.String(length=120), nullable=False),
        sa.Column("replica_at", sa.DateTime(), nullable=True),
        sa.Column("device_id", sa.String(length=32), nullable=False),
        sa.Column("device_seq", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("resolved_by", sa.String(length=120), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("choice", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sync_conflicts_case_id", "sync_conflicts", ["case_id"])
    op.create_table(
        "sync_ingest",
        sa.Column("device_id", sa.String(length=32), nullable=False),
        sa.Column("device_seq", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("conflict_ids", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("device_id", "device_seq"),
    )
    op.create_table(
        "devices",
        sa.Column("device_id", sa.String(length=32), nullable=False),
        sa.Column("site", sa.String(length=120), nullable=False),
        sa.Column("made_by", sa.String(length=120), nullable=False),
        sa.Column("made_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("device_id"),
    )
    op.create_table(
        "reference_blocks",
        sa.Column("device_id", sa.String(length=32), nullable=False),
        sa.Column("prefix", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("first", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.Column("next_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("device_id", "prefix", "year", "first"),
    )


def downgrade() -> None:
    op.drop_table("reference_blocks")
    op.drop_table("devices")
    op.drop_table("sync_ingest")
    op.drop_index("ix_sync_conflicts_case_id", table_name="sync_conflicts")
    op.drop_table("sync_conflicts")
    op.drop_index("ix_outbox_pushed", table_name="outbox")
    op.drop_table("outbox")
    op.drop_table("replica_identity")
