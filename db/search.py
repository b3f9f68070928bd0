"""Full-text search of cases: the one place that knows it is SQLite FTS5."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(words: str) -> str | None:
    """Turn what a person typed into a safe FTS5 query (each word a prefix, all required)."""
    terms = _WORD.findall(words)
    if not terms:
        return None
    return " ".join(f'"{t}"*' for t in terms)


def index_case(
    session: Session, case_id: str, reference: str, names: str, contacts: str, description: str
) -> None:
    """Write (or rewrite) one case's search entry."""
    session.execute(text("DELETE FROM case_search WHERE case_id = :id"), {"id": case_id})
    session.execute(
        text(
            "INSERT INTO case_search (case_id, reference, names, contacts, description) "
            "VALUES (:id, :ref, :names, :contacts, :description)"
        ),
        {
            "id": case_id,
            "ref": reference,
            "names": names,
            "contacts": contacts,
            "description": description,
        },
    )


def add_search_entries(session: Session, entries: list[dict[str, str]]) -> None:
    """Search entries for new cases in one go (bulk import).

    Each entry has the keys ``id``, ``ref``, ``names``, ``contacts`` and ``description``.
    """
    if entries:
        session.execute(
            text(
                "INSERT INTO case_search (case_id, reference, names, contacts, description) "
                "VALUES (:id, :ref, :names, :contacts, :description)"
            ),
            entries,
        )


def contacts_text(postcodes: list[str], phones: list[str], emails: list[str]) -> str:
    """Postcodes are indexed with and without their space, so 'S44 6JJ' and 'S446JJ' both match."""
    parts: list[str] = []
    for pc in postcodes:
        if pc:
            parts.extend([pc, pc.replace(" ", "")])
    parts.extend(p for p in phones if p)
    parts.extend(e for e in emails if e)
    return " ".join(parts)


MATCH_SQL = "SELECT case_id FROM case_search WHERE case_search MATCH :q"
