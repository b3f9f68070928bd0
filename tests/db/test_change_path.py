"""The shared change path (begin_change, finish_change, record_event): what it reads and the
chain it keeps, on both engines."""

from __future__ import annotations

from typing import Any

from casework import OFFICER, log, person
from sqlalchemy import event

from caseworker.services import people, records
from caseworker.services.audit import GENESIS, record_event, verify_chain
from db.models import AuditEvent, Case
from db.store import Store


def test_the_chain_holds_when_a_savepoint_takes_an_event_back(store: Store) -> None:
    """A sync batch replays each intent in a savepoint: an event a rolled-back savepoint
    took away is not the head the next event follows."""
    ref = log(store)
    with store.write() as s:
        case_id = s.query(Case.id).filter_by(reference=ref).scalar()
        first = record_event(s, OFFICER, "add-note", case_id, {"n": 1})
        nested = s.begin_nested()
        taken_back = record_event(s, OFFICER, "add-note", case_id, {"n": 2})
        nested.rollback()
        after = record_event(s, OFFICER, "add-note", case_id, {"n": 3})
        kept = s.begin_nested()
        inside = record_event(s, OFFICER, "add-note", case_id, {"n": 4})
        kept.commit()
        last = record_event(s, OFFICER, "add-note", case_id, {"n": 5})
        assert after.prev_digest == first.digest != taken_back.digest
        assert inside.prev_digest == after.digest
        assert last.prev_digest == inside.digest
    with store.read() as s:
        assert verify_chain(s) is None
        changes = [e.changes for e in s.query(AuditEvent).order_by(AuditEvent.seq)][-4:]
    assert changes == [{"n": 1}, {"n": 3}, {"n": 4}, {"n": 5}]


def test_each_transaction_reads_the_head_afresh(store: Store) -> None:
    ref = log(store)
    with store.write() as s:
        case_id = s.query(Case.id).filter_by(reference=ref).scalar()
        one = record_event(s, OFFICER, "add-note", case_id, {"n": 1})
    with store.write() as s:
        two = record_event(s, OFFICER, "add-note", case_id, {"n": 2})
    assert two.prev_digest == one.digest != GENESIS
    with store.read() as s:
        assert verify_chain(s) is None


def _statements(store: Store, fn: Any) -> list[str]:
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split()).lower())

    event.listen(store.engine, "before_cursor_execute", note)
    try:
        fn()
    finally:
        event.remove(store.engine, "before_cursor_execute", note)
    return seen


def test_a_change_reads_the_case_once_and_none_of_its_rows_one_by_one(store: Store) -> None:
    ref = log(store, complainants=(person("Jane Doe"), person("John Doe")))

    def note() -> None:
        with store.write() as s:
            records.add_note(s, OFFICER, ref, text="Rang back", expected_version=None)

    seen = _statements(store, note)
    reads = [q for q in seen if q.startswith("select")]
    assert len([q for q in reads if "from cases" in q]) == 1  # the case, with its state
    for table in ("remedies", "outstanding_actions", "extensions", "case_parties", "people"):
        assert len([q for q in reads if f"from {table}" in q or f"join {table}" in q]) <= 1
    assert not [
        q for q in seen if q.startswith(("delete from case_search", "insert into case_search"))
    ]
    with store.read() as s:
        case = s.query(Case).filter_by(reference=ref).one()
        assert case.resident_name == "Jane Doe; John Doe"
        assert verify_chain(s) is None


def test_a_changed_person_reaches_the_list_columns_and_search(store: Store) -> None:
    ref = log(store)
    with store.read() as s:
        case = s.query(Case).filter_by(reference=ref).one()
        person_id = case.parties[0].person_id
    with store.write() as s:
        people.update_person(s, OFFICER, person_id, person("Jane Smith", adjustments="Large print"))
    with store.read() as s:
        case = s.query(Case).filter_by(reference=ref).one()
        assert (case.resident_name, case.has_adjustments) == ("Jane Smith", True)
        names = (
            s.connection()
            .exec_driver_sql(f"SELECT names FROM case_search WHERE case_id = '{case.id}'")
            .scalar()
        )
        assert names == "Jane Smith "
