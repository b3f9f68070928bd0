"""A server's search reads the case row's document (migration 0019): every writer keeps it
in step with the case's search entry, and the migration brings the existing cases along.

On a store file the search is FTS5, as before, and 0019 changes nothing there."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from casework import MANAGER, load, log, person
from pg_server import PgServer
from sqlalchemy import Engine, text

from caseworker.services import people
from caseworker.services.actor import LOCAL_ADMIN
from caseworker.services.importer import import_records
from db.copy import copy_rows
from db.migrate import alembic_config, current_revision, head_revision, upgrade_store
from db.queries import CaseFilter, count_cases, page_cases
from db.store import Store, open_store

DATA = Path(__file__).parent.parent / "data"

# A case's document differs from its entry's, or a case has none while it has an entry.
_STALE = (
    "SELECT count(*) FROM cases c LEFT JOIN case_search s ON s.case_id = c.id "
    "WHERE c.search_doc IS DISTINCT FROM s.doc"
)
_SERVER_INDEXES = (
    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
    "AND tablename IN ('cases', 'case_search') ORDER BY indexname"
)


def _found(store: Store, words: str) -> set[str]:
    """The references the search box finds for ``words`` (its page and its count agree)."""
    with store.read() as s:
        rows = page_cases(s, CaseFilter(search=words), limit=100)
        assert count_cases(s, CaseFilter(search=words)) == len(rows)
    return {r.reference for r in rows}


def _stale(store: Store) -> int:
    with store.read() as s:
        return int(s.execute(text(_STALE)).scalar_one())


def _before_0019() -> str:
    down = ScriptDirectory.from_config(alembic_config()).get_revision("0019").down_revision
    assert isinstance(down, str)
    return down


def _downgrade(engine: Engine, revision: str) -> None:
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def test_a_renamed_resident_is_found_by_the_new_name_only(store: Store) -> None:
    ann = log(
        store,
        complainants=(person("Ann Able", postcode="S44 6JJ"),),
        description="Broken gate",
    )
    bob = log(store, complainants=(person("Bob Brown", postcode="S80 1AA"),), description="Leak")
    assert (_found(store, "able"), _found(store, "S44 6JJ"), _found(store, "gate")) == (
        {ann},
        {ann},
        {ann},
    )
    who = load(store, ann).parties[0].person_id
    with store.write() as s:
        people.update_person(s, MANAGER, who, person("Ann Zebedee", postcode="S44 6JJ"))
    assert _found(store, "able") == set()
    assert _found(store, "zebedee") == {ann}
    assert _found(store, "gate") == {ann}
    assert _found(store, "brown leak") == {bob}
    if store.on_server:
        assert _stale(store) == 0


def test_imported_cases_are_found_by_their_references(store: Store) -> None:
    # The import writes the search entries, then the cases (on a server each case row
    # takes its entry's document as it goes in; copy-store, below, writes the other way).
    with store.write() as s:
        import_records(s, LOCAL_ADMIN, DATA / "import_q2_2025.csv", today=date(2025, 12, 1))
    with store.read() as s:
        refs = set(s.execute(text("SELECT reference FROM cases")).scalars())
    assert len(refs) == 19  # every row of the file
    for ref in refs:
        assert ref in _found(store, ref), ref
    assert _found(store, "S44 6JJ") == {"C01"}
    if store.on_server:
        assert _stale(store) == 0


def test_a_store_copied_to_a_server_finds_what_the_file_finds(
    store_path: Path, pg_server: PgServer
) -> None:
    source = open_store(store_path)
    target = open_store(pg_server.fresh_store_url())
    try:
        refs = [
            log(source, complainants=(person(name, postcode=pc),), description=words)
            for name, pc, words in (
                ("Siân Evans", "S44 6JJ", "Damp and mould in the bedroom"),
                ("Adam Brown", "S80 1AA", "Mould on the kitchen ceiling"),
                ("Zoë O'Brien", "S44 6AB", "Fence panels blown down"),
            )
        ]
        copy_rows(source, target)  # the cases go in before their search entries
        assert _stale(target) == 0
        for words, expected in (
            ("sian", {refs[0]}),
            ("mould", {refs[0], refs[1]}),
            ("S44", {refs[0], refs[2]}),
            ("zoe fence", {refs[2]}),
        ):
            assert _found(source, words) == expected, words
            assert _found(target, words) == expected, words
    finally:
        source.close()
        target.close()


def test_migration_0019_on_a_server_moves_each_document_to_its_case(
    pg_server: PgServer,
) -> None:
    store = open_store(pg_server.fresh_store_url())
    try:
        refs = [
            log(store, complainants=(person(name),), description=words)
            for name, words in (("Ann Able", "Broken gate"), ("Bob Brown", "Broken window"))
        ]
        with store.read() as s:
            at_head = {n: d for n, d in s.execute(text(_SERVER_INDEXES))}
        _downgrade(store.engine, _before_0019())
        with store.read() as s:
            columns = set(
                s.execute(
                    text(
                        "SELECT column_name FROM information_schema.columns "
                        "WHERE table_name = 'cases'"
                    )
                ).scalars()
            )
            before = {n: d for n, d in s.execute(text(_SERVER_INDEXES))}
        assert "search_doc" not in columns
        assert before["ix_case_search_doc"].endswith("USING gin (doc)")
        assert before["ix_cases_resident"].endswith("(resident_name)")
        assert upgrade_store(store.engine) is True
        assert current_revision(store.engine) == head_revision()
        with store.read() as s:
            after = {n: d for n, d in s.execute(text(_SERVER_INDEXES))}
            documents = s.execute(
                text("SELECT count(*) FROM cases WHERE search_doc IS NOT NULL")
            ).scalar_one()
        assert after == at_head
        assert after["ix_cases_search_doc"].endswith("USING gin (search_doc)")
        assert after["ix_cases_search_doc_due"].endswith(
            "USING gin (search_doc) WHERE (next_due IS NOT NULL)"
        )
        assert after["ix_cases_resident_reference"].endswith("(resident_name, reference)")
        assert {"ix_case_search_doc", "ix_cases_resident"}.isdisjoint(after)
        assert documents == 2
        # The triggers' lookups are planned on each call: a plan kept from an empty table
        # (a new store's first import) scanned the whole table for every row after it.
        with store.read() as s:
            configs = dict(
                s.execute(
                    text("SELECT proname, proconfig FROM pg_proc WHERE proname LIKE 'cw_case%'")
                ).all()
            )
        assert configs == {
            "cw_case_search_to_case": ["plan_cache_mode=force_custom_plan"],
            "cw_case_takes_search_doc": ["plan_cache_mode=force_custom_plan"],
        }
        assert _stale(store) == 0
        assert _found(store, "broken") == set(refs)
        assert _found(store, "able gate") == {refs[0]}
    finally:
        store.close()


def test_migration_0019_changes_nothing_on_a_store_file(store_path: Path) -> None:
    store = open_store(store_path)
    try:
        ref = log(store, complainants=(person("Ann Able"),), description="Broken gate")
        schema = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"
        with store.read() as s:
            at_head = s.execute(text(schema)).all()
        _downgrade(store.engine, _before_0019())
        with store.read() as s:
            assert s.execute(text(schema)).all() == at_head
        assert upgrade_store(store.engine) is True
        with store.read() as s:
            assert s.execute(text(schema)).all() == at_head
        assert _found(store, "able gate") == {ref}
    finally:
        store.close()
