"""Bringing a store's schema up to date with Alembic, backing it up first when needed."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine

from db.checks import newest_revision_file
from db.engine import StoreError, is_server, make_engine
from db.raw import stored_revision as raw_revision
from db.server import ServerConnection, stored_server_revision

if TYPE_CHECKING:
    from alembic.config import Config

_MIGRATIONS = Path(__file__).parent / "migrations"
__all__ = ["newest_revision_file", "upgrade_store"]

# The advisory lock key that serialises migrations on a server (any fixed number; "CWMG").
MIGRATION_LOCK = 0x43574D47


def stored_revision(engine: Engine) -> str | None:
    """The store's revision (``db.raw.stored_revision`` on one of the engine's connections)."""
    with engine.connect() as conn:
        driver = conn.connection.driver_connection
        if isinstance(driver, sqlite3.Connection):
            rev = raw_revision(driver)
        else:
            assert driver is not None
            rev = stored_server_revision(ServerConnection(driver))
        conn.rollback()
        return rev


def known_revisions() -> set[str]:
    """Every revision this program's migrations know."""
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


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


def current_revision_on(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    rev: str | None = MigrationContext.configure(conn).get_current_revision()
    return rev


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        rev = current_revision_on(conn)
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
    if is_server(engine):
        # PostgreSQL alters tables in place and runs the whole upgrade in one transaction;
        # the advisory lock makes a second PC starting at the same moment wait, then find
        # nothing to do.
        with engine.begin() as conn:
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            if current_revision_on(conn) == target:
                return False
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
        return True
    # A separate engine with foreign keys off (batch rebuilds would cascade deletes).
    migrating = make_engine(str(engine.url.database), foreign_keys=False)
    try:
        with migrating.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    finally:
        migrating.dispose()
    return True
