"""UUID keys for every row an offline replica can make (SITES.md, "Keys").

A case's own rows (complaint points, parties, extensions, remedies, outstanding actions,
learning, notes) and a person's equality answers had integer keys, which two PCs working
apart would hand out twice. Each gets a UUID as 32 hex characters, as cases, people and
letters already have. Rows whose order matters get a ``position`` among their case's rows
of the same kind (their old integer order), since a UUID says nothing about what came first.

Old audit events name some of these rows by their integer id ({"note": 3}); those events
are history and are never rewritten (their digests cover them). Each converted row keeps its
old id in ``legacy_id``, and one event is appended to the chain ("convert-keys") recording
how many rows of each table were converted and a SHA-256 of the whole mapping, so the mapping
the old events are read through is itself covered by the chain
(``db.legacy_keys.mapping_digest`` recomputes it).

No other table refers to these rows: nothing else needs rewriting (letters name cases and
people, whose keys were already UUIDs; drafts hold form text).

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0006"
branch_labels = None
depends_on = None

# Table -> the column a row's position counts within (None: no position added; complaint
# points already carry theirs). Frozen here: a migration never changes with the code after it.
TABLES: dict[str, str | None] = {
    "complaint_points": None,
    "case_parties": "case_id",
    "extensions": "case_id",
    "remedies": "case_id",
    "outstanding_actions": "case_id",
    "learning": "case_id",
    "notes": "case_id",
    "equality_answers": None,
}
_GENESIS = "0" * 64
ACTOR, ROLE, ACTION = "Caseworker upgrade", "system", "convert-keys"


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def mapping_digest(conn: sa.Connection) -> str:
    """SHA-256 over "table old-id new-id" lines, tables in ``TABLES`` order, by old id."""
    h = hashlib.sha256()
    for table in TABLES:
        rows = conn.exec_driver_sql(
            f"SELECT legacy_id, id FROM {table} WHERE legacy_id IS NOT NULL ORDER BY legacy_id"
        )
        h.update("".join(f"{table} {old} {new}\n" for old, new in rows).encode())
    return h.hexdigest()


def _uuid_sql(dialect: str) -> str:
    """SQL for a fresh random (version 4) UUID as 32 hex characters, one per row."""
    if dialect == "postgresql":
        return "replace(gen_random_uuid()::text, '-', '')"
    # SQLite: 12 random hex digits, the version (4), 3 more, the variant (8, 9, a or b), 15 more.
    return (
        "lower(hex(randomblob(6))) || '4' || substr(lower(hex(randomblob(2))), 2) || "
        "substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(8))), 2)"
    )


def _number(conn: sa.Connection, table: str, group: str | None) -> int:
    """Give each row its new key (and position); the old key goes to ``legacy_id``.

    Set-based (one UPDATE each), so a million rows take seconds, not minutes.
    """
    keys = f"new_id = {_uuid_sql(conn.dialect.name)}, legacy_id = {table}.id"
    if group:
        # One pass: the keys, and each case's rows numbered in their old (integer, so time) order.
        conn.execute(
            sa.text(
                f"UPDATE {table} SET {keys}, position = r.pos FROM (SELECT id AS old, "
                f"row_number() OVER (PARTITION BY {group} ORDER BY id) AS pos FROM {table}) AS r "
                f"WHERE {table}.id = r.old"
            )
        )
    else:
        conn.execute(sa.text(f"UPDATE {table} SET {keys}"))
    count: int = conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
    return count


def _append_event(conn: sa.Connection, converted: dict[str, int]) -> None:
    """One event on the chain: what was converted, and the digest of the mapping."""
    events = sa.table(
        "audit_events",
        sa.column("seq", sa.Integer),
        sa.column("at", sa.DateTime),
        sa.column("actor", sa.String),
        sa.column("role", sa.String),
        sa.column("case_id", sa.String),
        sa.column("action", sa.String),
        sa.column("changes", sa.JSON),
        sa.column("changes_digest", sa.String),
        sa.column("prev_digest", sa.String),
        sa.column("digest", sa.String),
    )
    prev = conn.scalar(sa.select(events.c.digest).order_by(events.c.seq.desc()).limit(1))
    prev = prev or _GENESIS
    changes = {"revision": revision, "rows": converted, "mapping_sha256": mapping_digest(conn)}
    cdigest = hashlib.sha256(_canonical(changes)).hexdigest()
    at = datetime.now().replace(microsecond=0)
    body = [prev, at.isoformat(), ACTOR, ROLE, "", ACTION, cdigest]
    conn.execute(
        events.insert().values(
            at=at,
            actor=ACTOR,
            role=ROLE,
            case_id=None,
            action=ACTION,
            changes=changes,
            changes_digest=cdigest,
            prev_digest=prev,
            digest=hashlib.sha256(_canonical(body)).hexdigest(),
        )
    )


def upgrade() -> None:
    conn = op.get_bind()
    converted: dict[str, int] = {}
    for table, group in TABLES.items():
        # Plain ADD COLUMNs (instant on both engines); the rebuild below makes them the key.
        op.add_column(table, sa.Column("new_id", sa.String(length=32), nullable=True))
        op.add_column(table, sa.Column("legacy_id", sa.Integer(), nullable=True))
        if group:
            op.add_column(table, sa.Column("position", sa.Integer(), nullable=True))
        count = _number(conn, table, group)
        if count:
            converted[table] = count
        # Batch mode: on SQLite the table is rebuilt (foreign keys are off while it is,
        # db.migrate); on PostgreSQL these are plain ALTERs.
        # (The new key is declared the primary key as the table is read, so the rebuilt
        # table has it once the old key is dropped.)
        with op.batch_alter_table(
            table,
            recreate="auto",
            reflect_args=[sa.Column("new_id", sa.String(length=32), primary_key=True)],
        ) as batch:
            batch.drop_column("id")
            batch.alter_column(
                "new_id",
                new_column_name="id",
                existing_type=sa.String(length=32),
                nullable=False,
            )
            if group:
                batch.alter_column("position", existing_type=sa.Integer(), nullable=False)
        if conn.dialect.name != "sqlite":  # altered in place: the dropped key's constraint went
            op.create_primary_key(f"{table}_pkey", table, ["id"])
    if converted:
        _append_event(conn, converted)


def downgrade() -> None:
    raise NotImplementedError(
        "Migration 0009 cannot be undone: rows made since have no integer key. Restore the "
        "backup made before the upgrade instead."
    )
