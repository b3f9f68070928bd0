"""The same searches on a store file (FTS5) and on a server (tsvector + GIN) find the same cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from casework import log, person
from pg_server import PgServer

from db.queries import CaseFilter, count_cases, page_cases
from db.store import Store, open_store

# name, postcode, email, description
PEOPLE = (
    ("Siân Evans", "S44 6JJ", "", "Damp and mould in the bedroom"),
    ("Sian Jones", "S43 4JJ", "sian.jones@example.org", "The boiler's pressure drops"),
    ("Zoë O'Brien", "S44 6AB", "", "Fence panels blown down"),
    ("Adam Brown", "S80 1AA", "a.brown@mail.test", "Mould on the kitchen ceiling"),
    ("Bryony Smith-Jones", "NG20 8XY", "", "Noise from the flat above (No. 12)"),
    ("Łukasz Nowak", "S44 6JX", "", "Repairs to the front door; no reply since 3 Nov"),
)

# What a person might type, and the residents it must find (the same on both engines).
SEARCHES: dict[str, set[str]] = {
    "Sian": {"Siân Evans", "Sian Jones"},
    "siân": {"Siân Evans", "Sian Jones"},
    "SIAN EV": {"Siân Evans"},
    "Zoe": {"Zoë O'Brien"},
    "o'brien": {"Zoë O'Brien"},
    "S44 6JJ": {"Siân Evans"},
    "s446jj": {"Siân Evans"},
    "S44": {"Siân Evans", "Zoë O'Brien", "Łukasz Nowak"},
    "mould": {"Siân Evans", "Adam Brown"},
    "mould kitchen": {"Adam Brown"},
    "jones": {"Sian Jones", "Bryony Smith-Jones"},
    "smith-jones": {"Bryony Smith-Jones"},
    "example": {"Sian Jones"},
    "a.brown@mail.test": {"Adam Brown"},
    "boiler": {"Sian Jones"},
    "boilers": set(),
    "łukasz": {"Łukasz Nowak"},
    "12": {"Bryony Smith-Jones"},
    "!!!": set(),
    "nobody": set(),
}


def _fill(store: Store) -> dict[str, str]:
    refs = {}
    for name, postcode, email, description in PEOPLE:
        who = person(name, postcode=postcode, email=email, phone="")
        refs[log(store, complainants=(who,), description=description)] = name
    return refs


def _found(store: Store, refs: dict[str, str], words: str) -> set[str]:
    with store.read() as s:
        rows = page_cases(s, CaseFilter(search=words), limit=100)
        assert count_cases(s, CaseFilter(search=words)) == len(rows)
    return {refs[r.reference] for r in rows}


@pytest.fixture
def both(store_path: Path, pg_server: PgServer) -> tuple[Store, Store]:
    file_store = open_store(store_path)
    server_store = open_store(pg_server.fresh_store_url())
    yield file_store, server_store
    file_store.close()
    server_store.close()


def test_the_same_searches_find_the_same_cases_on_both_engines(
    both: tuple[Store, Store],
) -> None:
    file_store, server_store = both
    on_file, on_server = _fill(file_store), _fill(server_store)
    for words, expected in SEARCHES.items():
        assert _found(file_store, on_file, words) == expected, f"store file: {words!r}"
        assert _found(server_store, on_server, words) == expected, f"server: {words!r}"


def test_letters_without_a_decomposition_are_folded_on_the_server_only(
    both: tuple[Store, Store],
) -> None:
    """The one known difference (README): FTS5 removes only accents Unicode can decompose,
    so "Lukasz" does not find "Łukasz" in a store file; PostgreSQL's unaccent folds Ł too."""
    file_store, server_store = both
    on_file, on_server = _fill(file_store), _fill(server_store)
    assert _found(file_store, on_file, "Lukasz") == set()
    assert _found(server_store, on_server, "Lukasz") == {"Łukasz Nowak"}
