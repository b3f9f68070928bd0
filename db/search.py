"""Full-text search of cases: the one place that knows it is SQLite FTS5."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_WORD = re.compile(r"\w+", re.UNICODE)
_POSTCODE = re.compile(r"^\s*([A-Za-z]{1,2}\d[A-Za-z\d]?)\s*(\d[A-Za-z]{2})\s*$")


def fts_query(words: str) -> str | None:
    """Turn what a person typed into a safe FTS5 query.

    A whole postcode matches that postcode exactly (indexed without its space), so
    "S44 6JJ" does not pull in every "S44" in the district; otherwise each word is a
    prefix and all are required.
    """
    pc = _POSTCODE.match(words)
    if pc:
        return f'contacts : "{(pc.group(1) + pc.group(2)).upper()}"'
    terms = _WORD.findall(words)
    if not terms:
        return None
    return " ".join(f'"{t}"*' for t in terms)


def search_rowid(case_id: str) -> int:
    """The search entry's rowid, from the case's id (so it is found without a scan).

    The first 15 hex digits of the UUID: 60 random bits, unique in practice. The cases
    table keeps it too, as the generated column ``search_key`` (``search_key_sql``).
    """
    return int(case_id[:15], 16)


def search_key_sql(column: str) -> str:
    """``search_rowid`` as an SQL expression on a case-id column (SQLite has no hex parse)."""
    return " + ".join(
        f"(instr('0123456789abcdef', substr({column}, {k}, 1)) - 1) * {16 ** (15 - k)}"
        for k in range(1, 16)
    )


def index_case(
    session: Session, case_id: str, reference: str, names: str, contacts: str, description: str
) -> None:
    """Write (or rewrite) one case's search entry."""
    from sqlalchemy import text  # not at the top: the case list reads search without it

    rowid = search_rowid(case_id)
    session.execute(text("DELETE FROM case_search WHERE rowid = :rowid"), {"rowid": rowid})
    session.execute(
        text(
            "INSERT INTO case_search (rowid, case_id, reference, names, contacts, description) "
            "VALUES (:rowid, :id, :ref, :names, :contacts, :description)"
        ),
        {
            "rowid": rowid,
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
    from sqlalchemy import text

    if entries:
        session.execute(
            text(
                "INSERT INTO case_search (rowid, case_id, reference, names, contacts, "
                "description) VALUES (:rowid, :id, :ref, :names, :contacts, :description)"
            ),
            [{"rowid": search_rowid(e["id"]), **e} for e in entries],
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


MATCH_SQL = "SELECT case_id FROM case_search WHERE case_search MATCH ?"
# The matching search keys (rowids), read from the index alone.
MATCH_KEYS_SQL = "SELECT rowid FROM case_search WHERE case_search MATCH ?"
