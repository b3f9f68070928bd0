"""The order of a case's own rows (parties, remedies, notes...): a position, not the id.

Their ids are UUIDs, so they say nothing about which came first; each row keeps its place
among its case's rows of the same kind, given when it is added.
"""

from __future__ import annotations

from typing import Protocol, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Learning, Note


class _Positioned(Protocol):
    position: int


_Row = TypeVar("_Row", bound=_Positioned)


def append_in_order(rows: list[_Row], row: _Row) -> _Row:
    """Append ``row`` to a case's collection (``case.remedies``...), after the others."""
    row.position = max((r.position for r in rows), default=0) + 1
    rows.append(row)
    return row


def next_position(session: Session, model: type[Note] | type[Learning], case_id: str) -> int:
    """The position for a new note or learning item on the case (one after the last)."""
    last = session.scalar(select(func.max(model.position)).where(model.case_id == case_id))
    return (last or 0) + 1
