"""The outbox hook on a replica (a store file with a replica identity): what an intent holds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from casework import MANAGER, OFFICER, log, new_record
from sqlalchemy import func, select

from caseworker.domain.errors import RuleBroken
from caseworker.services.actor import Role
from caseworker.services.documents import attach_document
from caseworker.services.importer import import_records
from caseworker.services.intake import log_record
from caseworker.services.replication import encode
from caseworker.services.settings import ensure_staff, set_setting
from caseworker.services.stages import Definition, acknowledge
from caseworker.services.users import create_user
from caseworker.sync.replay import decode
from db.models import AuditEvent, Case, OutboxEntry, ReferenceBlock, ReplicaIdentity, User
from db.store import Store, open_store

TODAY = date(2026, 6, 1)
DEVICE = "d" * 32


@pytest.fixture
def replica(store_path: object) -> Iterator[Store]:
    """A store file that holds one case and a handler from before it became a replica, with a
    block of references 41 to 60 for 2026."""
    store = open_store(store_path)  # type: ignore[arg-type]
    log(store, received=date(2026, 5, 26), site="Bolsover")
    with store.write() as s:
        ensure_staff(s, OFFICER, "A. Smith")
    with store.write() as s:
        s.add(
            ReplicaIdentity(
                device_id=DEVICE,
                server_url="postgresql+psycopg://u@127.0.0.1:1/db",
                site="Bolsover",
                cursor=0,
                created_at=datetime(2026, 6, 1, 9, 0),
            )
        )
        s.add(
            ReferenceBlock(
                device_id=DEVICE, prefix="CW", year=2026, first=41, last=60, next_number=41
            )
        )
    yield store
    store.close()


def test_an_acknowledgement_leaves_one_intent_with_base_and_after_values(replica: Store) -> None:
    with replica.read() as s:
        case = s.scalars(select(Case)).one()
        ref, version = case.reference, case.version
    with replica.write() as s:
        acknowledge(
            s,
            OFFICER,
            ref,
            acknowledged=date(2026, 5, 28),
            definition=Definition(points=("Leak",), outcomes_sought="Repair"),
            handler="A. Smith",
            expected_version=version,
            today=TODAY,
        )
    with replica.read() as s:
        entry = s.scalars(select(OutboxEntry)).one()
        assert (entry.device_id, entry.device_seq, entry.action) == (DEVICE, 1, "acknowledge")
        assert (entry.username, entry.actor_name, entry.base_version) == (
            "asmith",
            "A. Smith",
            version,
        )
        assert entry.base_values["status"] == "logged" and entry.base_values["acknowledged"] is None
        assert entry.after_values["status"] == "stage-1"
        assert entry.after_values["acknowledged"] == "2026-05-28"
        assert entry.after_values["outcomes_sought"] == "Repair"
        assert entry.args["args"] == [ref]
        assert decode(entry.args["kwargs"]["definition"]) == Definition(
            points=("Leak",), outcomes_sought="Repair"
        )
        assert entry.pushed_at is None


def test_an_offline_contact_takes_its_reference_from_the_devices_block(replica: Store) -> None:
    with replica.write() as s:
        case = log_record(s, OFFICER, new_record(received=TODAY, site="Bolsover"), today=TODAY)
        ref, case_id = case.reference, case.id
    assert ref == "CW-2026-000041"
    with replica.read() as s:
        entry = s.scalars(select(OutboxEntry)).one()
        assert (entry.action, entry.case_id) == ("log-record", case_id)
        assert entry.after_values == {"reference": ref}
        assert case_id in entry.new_ids  # the server is given the same keys
        block = s.scalars(select(ReferenceBlock)).one()
        assert block.next_number == 42


def test_a_new_site_offline_is_refused_and_nothing_is_saved(replica: Store) -> None:
    with pytest.raises(RuleBroken) as caught, replica.write() as s:
        log_record(s, OFFICER, new_record(received=TODAY, site="Whitwell"), today=TODAY)
    assert str(caught.value) == (
        "There is no site called 'Whitwell' on this PC's list. Choose one from the list; new "
        "names are added on the server and arrive at the next sync"
    )
    with replica.read() as s:
        assert s.scalar(select(func.count()).select_from(OutboxEntry)) == 0
        assert s.scalar(select(func.count()).select_from(Case)) == 1


def test_an_exhausted_block_asks_for_a_sync(replica: Store) -> None:
    with replica.write() as s:
        s.scalars(select(ReferenceBlock)).one().next_number = 61
    with pytest.raises(RuleBroken, match="no reference numbers left for 2026: sync"):
        with replica.write() as s:
            log_record(s, OFFICER, new_record(received=TODAY, site="Bolsover"), today=TODAY)


def test_an_intent_cannot_name_a_class_the_replay_does_not_list() -> None:
    assert decode(encode(Definition(points=("a",), outcomes_sought="b"))) == Definition(
        points=("a",), outcomes_sought="b"
    )
    with pytest.raises(Exception, match="unknown kind of value 'Popen'"):
        decode({"__type__": "Popen", "fields": {"args": "rm -rf /"}})


def test_settings_and_accounts_are_changed_on_the_server_only(replica: Store) -> None:
    with replica.read() as s:
        before = s.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(RuleBroken) as caught, replica.write() as s:
        set_setting(s, MANAGER, "retention_years", 7)
    assert str(caught.value) == (
        "This PC holds a copy of the server's settings: change them on the server; "
        "the change reaches this PC at its next sync"
    )
    with pytest.raises(RuleBroken, match="copy of the server's accounts"), replica.write() as s:
        create_user(
            s, MANAGER, username="newbie", display_name="New Bie", role=Role.ADVISOR,
            password="a long enough pass phrase",
        )  # fmt: skip
    with replica.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == before
        assert s.scalar(select(func.count()).select_from(User)) == 0


def test_a_file_already_kept_or_a_dry_run_import_leaves_no_intent(
    replica: Store, tmp_path: Path
) -> None:
    ref = _only_reference(replica)
    for _ in range(2):  # the second is already kept: nothing for the server to do
        with replica.write() as s:
            attach_document(s, OFFICER, ref, data=b"A letter\n", file_name="a.txt", today=TODAY)
    csv = tmp_path / "rows.csv"
    csv.write_text("reference,kind,received,site\nX-1,compliment,12/05/2026,Bolsover\n")
    with replica.read() as s:
        summary = import_records(s, MANAGER, csv, dry_run=True, today=TODAY)
    assert (summary.rows, summary.imported) == (1, 0)
    with replica.read() as s:
        assert list(s.scalars(select(OutboxEntry.action))) == ["add-document"]
        entry = s.scalars(select(OutboxEntry)).one()
        assert decode(entry.args["kwargs"]["data"]) == b"A letter\n"


def _only_reference(store: Store) -> str:
    with store.read() as s:
        return s.scalars(select(Case.reference)).one()
