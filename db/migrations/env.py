"""Alembic environment: runs on the connection db.migrate hands it."""

from __future__ import annotations

from alembic import context

from db.models import Base

# FTS5 virtual tables and their shadow tables are made by hand in migrations.
_FTS_PREFIX = "case_search"


def _include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    return not (type_ == "table" and name is not None and name.startswith(_FTS_PREFIX))


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:  # pragma: no cover - only when run from the alembic CLI
        raise RuntimeError("run migrations through db.migrate.upgrade_store")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        include_object=_include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
