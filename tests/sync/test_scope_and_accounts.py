"""What a replica holds after a pull (its scope), large pulls in chunks, references for last
year, and accounts: signing in offline, server lock-outs and role changes at the next sync."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest
from casework import new_record, person
from sqlalchemy import select
from sync_world import PASSWORD, TODAY, Server, references

from caseworker.domain.errors import RuleBroken
from caseworker.services.actor import Role
from caseworker.services.audit import record_event
from caseworker.services.ending import withdraw
from caseworker.services.intake import log_record
from caseworker.services.records import add_note
from caseworker.services.stages import Definition, acknowledge
from caseworker.services.users import REFUSED, SignInRefused, change_user, sign_in
from caseworker.sync import pull
from caseworker.sync.replica import pull_changes, sync
from db.models import Case, Person, ReplicaIdentity, Site
from db.search import search_match
from db.store import Store


def _log(server: Server, name: str, site: str = "Bolsover", *, restricted: bool = False) -> str:
    with server.store.write() as s:
        return log_record(
            s,
            server.actor("olly"),
            new_record(
                received=TODAY, site=site, complainants=(person(name),), restricted=restricted
            ),
            today=TODAY,
        ).reference


def _set_on_server(server: Server, reference: str, **fields: object) -> None:
    """A change no service makes yet (moving a case to another site, restricting it), made
    as a correction would be: the row changed and an event naming the case appended."""
    with server.store.write() as s:
        case = s.scalar(select(Case).where(Case.reference == reference))
        assert case is not None
        if "site" in fields:
            fields["site_id"] = s.scalar(select(Site.id).where(Site.name == fields.pop("site")))
        record_event(s, server.actor("ada"), "correct-fact", case.id, {"fields": sorted(fields)})
        for key, value in fields.items():
            setattr(case, key, value)
        case.version += 1


def _people(store: Store) -> list[str]:
    with store.read() as s:
        return sorted(s.scalars(select(Person.name)))


def _found(store: Store, words: str) -> int:
    match = search_match(words, server=False)
    assert match is not None
    with store.read() as s:
        return len(s.connection().exec_driver_sql(match.ids_sql, (match.arg,)).all())


def test_cases_that_leave_the_replicas_scope_are_taken_off_it(
    server: Server, replica: Callable[..., Store]
) -> None:
    a = replica("a.sqlite")
    ref0, ref1, ref2, _restricted = references(server.store)
    assert references(a) == [ref0, ref1]
    with a.write() as s:  # Olly works at this PC: the cases he handles belong here too
        add_note(s, server.actor("olly"), ref1, text="Rang back", expected_version=None)
    sync(a, server.store, today=TODAY)

    with server.store.write() as s:
        withdraw(
            s, server.actor("olly"), ref0, withdrawn_on=TODAY, expected_version=None, today=TODAY
        )
    _set_on_server(server, ref1, restricted=True)
    new = _log(server, "Gil New")
    with server.store.write() as s:  # a Shirebrook case Olly takes on
        acknowledge(
            s,
            server.actor("ada"),
            ref2,
            acknowledged=TODAY,
            definition=Definition(points=("Noise",), outcomes_sought="Quiet"),
            handler="Olly Officer",
            expected_version=None,
            today=TODAY,
        )
    done = sync(a, server.store, today=TODAY)
    assert (done.pulled, done.removed) == (2, 2)
    assert references(a) == sorted([ref2, new])
    # The people of the cases that left went with them, and so did their search entries.
    assert _people(a) == ["Cy Server", "Gil New"]
    assert (_found(a, "Ann"), _found(a, "Bob"), _found(a, "Gil")) == (0, 0, 1)

    _set_on_server(server, new, site="Shirebrook")  # moved to another site
    done = sync(a, server.store, today=TODAY)
    assert (done.pulled, done.removed) == (0, 1)
    assert references(a) == [ref2] and _people(a) == ["Cy Server"]


def test_a_case_with_a_change_waiting_stays_until_the_server_has_it(
    server: Server, replica: Callable[..., Store]
) -> None:
    a = replica("a.sqlite")
    ref0 = references(a)[0]
    with server.store.write() as s:
        withdraw(
            s, server.actor("olly"), ref0, withdrawn_on=TODAY, expected_version=None, today=TODAY
        )
    with a.write() as s:
        add_note(s, server.actor("amy"), ref0, text="Rang back", expected_version=None)
    with a.read() as s:
        assert pull.pending_cases(s) != set()
    assert pull_changes(a, server.store).removed == 0  # a pull alone: the note still waits
    assert ref0 in references(a)
    done = sync(a, server.store, today=TODAY)  # pushed, then the withdrawn case leaves
    assert (done.pushed, done.removed) == (1, 1) and ref0 not in references(a)


def test_a_large_pull_goes_in_chunks_and_one_cut_short_is_done_again_whole(
    server: Server, replica: Callable[..., Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    a = replica("a.sqlite")
    new = [_log(server, f"Resident {i}") for i in range(7)]
    with a.read() as s:
        cursor = s.scalar(select(ReplicaIdentity.cursor))
    written: list[int] = []
    real = pull.write_cases

    def write_then_fail(session, data):  # type: ignore[no-untyped-def]
        if len(written) == 2:
            raise OSError("the disk is full")
        written.append(len(data["cases"]))
        return real(session, data)

    monkeypatch.setattr(pull, "write_cases", write_then_fail)
    with pytest.raises(OSError):
        pull_changes(a, server.store, chunk=3)
    assert written == [3, 3]
    with a.read() as s:  # the cursor did not move: the next pull takes every case again
        assert s.scalar(select(ReplicaIdentity.cursor)) == cursor
    monkeypatch.setattr(pull, "write_cases", real)
    assert pull_changes(a, server.store, chunk=3).copied == 7
    assert references(a) == sorted([*references(server.store)[:2], *new])


def test_a_contact_received_last_year_takes_a_number_from_last_years_block(
    server: Server, replica: Callable[..., Store]
) -> None:
    # Made on 5 January 2027: the PC holds 200 numbers for 2027 and 20 for 2026.
    january = date(2027, 1, 5)
    a = replica("jan.sqlite", today=january)
    amy = server.actor("amy")
    with a.write() as s:
        late = log_record(
            s,
            amy,
            new_record(received=date(2026, 12, 30), site="Bolsover"),
            today=january,
        ).reference
    with a.write() as s:
        now = log_record(
            s, amy, new_record(received=january, site="Bolsover"), today=january
        ).reference
    # The server had given 4 numbers of 2026 when the PC was made: its block is 5 to 24.
    assert (late, now) == ("CW-2026-000005", "CW-2027-000001")
    with pytest.raises(RuleBroken) as refused, a.write() as s:
        log_record(s, amy, new_record(received=date(2025, 12, 1), site="Bolsover"), today=january)
    assert str(refused.value) == (
        "This PC is given reference numbers for 2026 and later only: a contact received in "
        "2025 is logged on the server (by a PC connected to it)"
    )
    assert sync(a, server.store, today=january).pushed == 2
    with server.store.read() as s:
        assert s.scalar(select(Case.received).where(Case.reference == late)) == date(2026, 12, 30)
    # The server's own next 2026 number comes after every number it handed out.
    assert _log(server, "After The Blocks") == "CW-2026-000025"


def test_accounts_sign_in_offline_and_server_changes_apply_at_the_next_sync(
    server: Server, replica: Callable[..., Store]
) -> None:
    a = replica("a.sqlite")
    at = datetime(2026, 6, 1, 9, 0)
    # Offline, the site's accounts from the last sync sign in on the PC.
    assert sign_in(a, "amy", PASSWORD, now=at).display_name == "Amy Advisor"
    assert sign_in(a, "olly", PASSWORD, now=at).role is Role.OFFICER
    with server.store.write() as s:
        change_user(s, server.actor("ada"), "olly", role=Role.ADVISOR)
        change_user(s, server.actor("ada"), "amy", active=False)
    for _ in range(6):  # wrong passwords on the server: ada is locked out there
        with pytest.raises(SignInRefused):
            sign_in(server.store, "ada", "not the pass phrase", now=at)
    # Until the PC syncs it knows none of that.
    assert sign_in(a, "amy", PASSWORD, now=at).display_name == "Amy Advisor"
    sync(a, server.store, today=TODAY)
    with pytest.raises(SignInRefused) as off:
        sign_in(a, "amy", PASSWORD, now=at)
    assert str(off.value) == "The account amy is switched off; ask an administrator"
    assert sign_in(a, "olly", PASSWORD, now=at).role is Role.ADVISOR
    with pytest.raises(SignInRefused) as locked:
        sign_in(a, "ada", PASSWORD, now=at)  # the right password, but locked out
    assert str(locked.value) == REFUSED
