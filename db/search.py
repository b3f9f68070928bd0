"""Full-text search of cases: the one place that knows it is SQLite FTS5 or PostgreSQL's
``tsvector``.

Both index the same ``case_search`` rows (rowid, case id, reference, names, contacts,
description) and match alike: accents and case ignored, anything but letters and digits a
word break, every word a prefix and all required, a whole postcode exactly in the contacts.
On PostgreSQL the folding is the migration's ``cw_fold`` (``unaccent``), the document the
generated ``doc`` column, the contacts weighted B; triggers copy each entry's ``doc`` to its
case row (``cases.search_doc``, migration 0019), and a search matches there, with the case
row's GIN indexes, so it reads no second table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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


@dataclass(frozen=True)
class SearchMatch:
    """What a person typed as a condition (one ``?``) and its argument: on ``case_search``
    (a store file's FTS5 table), or on the case row itself (a server's ``search_doc``)."""

    where: str
    arg: str
    on_case_row: bool = False

    @property
    def ids_sql(self) -> str:
        """The matching cases' ids."""
        if self.on_case_row:
            return f"SELECT id FROM cases WHERE {self.where}"
        return f"SELECT case_id FROM case_search WHERE {self.where}"

    @property
    def case_condition(self) -> str:
        """The condition on a case row ``c`` of the case list: on a store file, by search key
        (FTS5 gives the matching rowids from its index alone, and the deadline index holds
        each case's key, so a page needs no case row but its own); on a server, the case
        row's document."""
        if self.on_case_row:
            return self.where.replace("search_doc", "c.search_doc", 1)
        return f"c.search_key IN (SELECT rowid FROM case_search WHERE {self.where})"


# Every word a prefix, all required; the words folded on the server as the index is.
_PG_WORDS = (
    "search_doc @@ to_tsquery('simple', regexp_replace(btrim(cw_fold(?)), ' +', ':* & ', 'g') "
    "|| ':*')"
)
_PG_POSTCODE = "search_doc @@ to_tsquery('simple', cw_fold(?) || ':B')"
_ALNUM = re.compile(r"[^\W_]+", re.UNICODE)


def search_match(words: str, *, server: bool) -> SearchMatch | None:
    """The search for ``words`` on a store file (FTS5) or a server (tsvector), or None if
    there is nothing to search for (blank or punctuation only)."""
    if not server:
        q = fts_query(words)
        return None if q is None else SearchMatch("case_search MATCH ?", q)
    pc = _POSTCODE.match(words)
    if pc:
        return SearchMatch(_PG_POSTCODE, (pc.group(1) + pc.group(2)).upper(), on_case_row=True)
    terms = _ALNUM.findall(words)
    if not terms:
        return None
    return SearchMatch(_PG_WORDS, " ".join(terms), on_case_row=True)


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


# One case's search entry, read by its key on the driver (%s on the server, ? on a file).
_ENTRY_SQL = {
    server: "SELECT case_id, reference, names, contacts, description FROM case_search "
    f"WHERE rowid = {'%s' if server else '?'}"
    for server in (False, True)
}


def index_case(
    session: Session, case_id: str, reference: str, names: str, contacts: str, description: str
) -> None:
    """Write (or rewrite) one case's search entry; left as it is if it already reads so (a
    note or a document changes none of it, and rewriting a full-text entry is costly).

    On a server it is one upsert, so an entry whose text is unchanged leaves its case row's
    document as it is (the trigger writes the case row only when the document changes).
    """
    from sqlalchemy import text  # not at the top: the case list reads search without it

    from db.dialect import on_server

    rowid = search_rowid(case_id)
    current = (
        session.connection()  # the entry alone is read: nothing of the session's is flushed
        .exec_driver_sql(_ENTRY_SQL[on_server(session)], (rowid,))
        .first()
    )
    if current is not None and tuple(current) == (
        case_id,
        reference,
        names,
        contacts,
        description,
    ):
        return
    insert = (
        "INSERT INTO case_search (rowid, case_id, reference, names, contacts, description) "
        "VALUES (:rowid, :id, :ref, :names, :contacts, :description)"
    )
    if on_server(session):
        insert += (
            " ON CONFLICT (rowid) DO UPDATE SET case_id = EXCLUDED.case_id, "
            "reference = EXCLUDED.reference, names = EXCLUDED.names, "
            "contacts = EXCLUDED.contacts, description = EXCLUDED.description"
        )
    else:
        drop_search_entry(session, case_id)  # FTS5 has no upsert
    session.execute(
        text(insert),
        {
            "rowid": rowid,
            "id": case_id,
            "ref": reference,
            "names": names,
            "contacts": contacts,
            "description": description,
        },
    )


def drop_search_entry(session: Session, case_id: str) -> None:
    """Remove one case's search entry (a replica's case that left its scope)."""
    from sqlalchemy import text

    session.execute(
        text("DELETE FROM case_search WHERE rowid = :rowid"), {"rowid": search_rowid(case_id)}
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
