"""Half-typed forms kept in the store so closing the app or a crash loses nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db.models import Draft


def save_draft(
    session: Session, owner: str, form: str, data: dict[str, Any], *, now: datetime
) -> None:
    """Keep (or replace) ``owner``'s draft of ``form``.

    Drafts are personal scratch, not records, so they are not audited.
    """
    draft = session.scalar(select(Draft).where(Draft.owner == owner, Draft.form == form))
    if draft is None:
        session.add(Draft(owner=owner, form=form, data=dict(data), updated_at=now))
    else:
        draft.data = dict(data)
        draft.updated_at = now


def load_draft(session: Session, owner: str, form: str) -> dict[str, Any] | None:
    """``owner``'s draft of ``form``, or None when there is none."""
    data = session.scalar(select(Draft.data).where(Draft.owner == owner, Draft.form == form))
    return dict(data) if data is not None else None


def clear_draft(session: Session, owner: str, form: str) -> None:
    """Forget the draft (the form was saved or cleared)."""
    session.execute(delete(Draft).where(Draft.owner == owner, Draft.form == form))
