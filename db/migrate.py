"""Bringing a store's schema up to date with Alembic, backing it up first when needed."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from db.checks import newest_revision_file
from db.engine import StoreError, make_engine
from db.raw import stored_revision as raw_revision

if TYPE_CHECKING:
    from alembic.config import Config

_MIGRATIONS = Path(__file__).parent / "migrations"
__all__ = ["newest_revision_file", "upgrade_store"]


def stored_revision(engine: Engine) -> str | None:
    """The store's revision (``db.raw.stored_revision`` on one of the engine's connections)."""
    with engine.connect() as conn:
        driver = conn.connection.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        rev = raw_revision(driver)
        conn.rollback()
        return rev


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

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
    if revision == "head" and stored_revision(engine) == newest_revision_file():
        return False  # the usual start: nothing to do, and no need to load Alembic
    from alembic import command
    from alembic.script import ScriptDirectory

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
