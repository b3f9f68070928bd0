"""Inserting many rows at once: SQLAlchemy's INSERT and value conversions, one executemany."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import JSON, Column, Table, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session


def insert_many(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (all with the same keys) into ``table``.

    The same as ``session.execute(insert(table), rows)`` but without building parameters
    row by row through the compiler, which dominates at a hundred thousand rows: values
    are converted by the columns' own bind processors and passed to the driver at once.
    """
    if not rows:
        return
    conn = session.connection()
    compiled = insert(table).compile(dialect=conn.dialect, column_keys=list(rows[0]))
    keys: list[str] = list(compiled.positiontup or compiled.params)
    # Columns the rows leave out get their plain default (as the compiler would give them).
    filled = [_default(table, k) for k in keys if k not in rows[0]]
    if filled:
        rows = [{**dict(filled), **r} for r in rows]
    convert = [(key, _processor(table.c[key], conn.dialect)) for key in keys]
    if all(proc is None for _, proc in convert):
        values = [tuple(r[k] for k in keys) for r in rows]
    else:
        values = [tuple(r[k] if proc is None else proc(r[k]) for k, proc in convert) for r in rows]
    if compiled.positiontup is None:  # a driver with named parameters
        conn.exec_driver_sql(str(compiled), [dict(zip(keys, v, strict=True)) for v in values])
    else:
        conn.exec_driver_sql(str(compiled), values)


def _processor(column: Column[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    """The column's bind processor; a JSON column with none (psycopg's dialect leaves JSON to
    the driver, which cannot adapt a dict passed this way) gets its value as JSON text."""
    proc = column.type.bind_processor(dialect)
    if proc is None and isinstance(column.type, JSON):
        return lambda v: None if v is None else json.dumps(v)
    return proc


def _default(table: Table, key: str) -> tuple[str, Any]:
    default = table.c[key].default
    if default is None:
        return key, None
    if not default.is_scalar:
        raise ValueError(f"{table.name}.{key} has a computed default: give it in every row")
    return key, default.arg  # type: ignore[attr-defined]
