"""Bringing a store's schema up to date with Alembic, backing it up first when needed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from db.engine import StoreError, make_engine

_MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        rev: str | None = MigrationContext.configure(conn).get_current_revision()
        conn.rollback()
        return rev


def upgrade_store(
    engine: Engine,
    revision: str = "head",
    before_migrating: Callable[[str | None], None] | None = None,
) -> bool:
    """Apply pending migrations; returns True if any ran.

    Args:
        engine: the store.
        revision: target revision (``head`` normally; tests pick older ones).
        before_migrating: called with the current revision when a migration is
            actually pending on a store that already has one (used to back up).

    Raises:
        StoreError: the store was made by a newer Caseworker than this one.
    """
    script = ScriptDirectory.from_config(alembic_config())
    current = current_revision(engine)
    known = {s.revision for s in script.walk_revisions()}
    if current is not None and current not in known:
        raise StoreError(
            "This store was made by a newer version of Caseworker; install that version, "
            "or open another store"
        )
    target = script.get_current_head() if revision == "head" else revision
    if current == target:
        return False
    if current is not None and before_migrating is not None:
        before_migrating(current)
    cfg = alembic_config()
    # A separate engine with foreign keys off (batch rebuilds would cascade deletes).
    migrating = make_engine(str(engine.url.database), foreign_keys=False)
    try:
        with migrating.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    finally:
        migrating.dispose()
    return True
