"""Every replicated action done offline on a replica reaches a real PostgreSQL server (issue 13).

One server holds a case ready for each action; one replica is made from it; every action is
done on the replica (each leaves an outbox intent); one sync replays them all through the
same services on the server. Each test then reads the server: the exact values the action
left, with the keys the replica made. Then the same field changed on both sides (extend,
respond) makes exactly one conflict each.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from casework import (
    ACKNOWLEDGED,
    DEFINITION,
    ESCALATED,
    MANAGER,
    OFFICER,
    RECEIVED,
    RESPONDED,
    RESPONSE,
    STAGE2_ACKNOWLEDGED,
    new_record,
    person,
    representative,
)
from pg_server import PgServer
from sqlalchemy import func, select
from sync_world import closed_port_url, point_at, replica_of

from caseworker.domain.errors import InvalidInput
from caseworker.domain.vocab import LetterKind
from caseworker.services import (
    authorisation,
    documents,
    ending,
    followups,
    importer,
    letters,
    people,
    records,
    stages,
)
from caseworker.services.actor import Actor, Role
from caseworker.services.intake import log_record
from caseworker.services.people import PersonInput
from caseworker.services.replication import SPECS, encode
from caseworker.services.settings import ensure_staff, set_setting
from caseworker.services.users import create_first_administrator, create_user
from caseworker.sync.replay import decode
from caseworker.sync.replica import sync
from db.models import (
    Case,
    CaseLink,
    CaseParty,
    Correspondence,
    Document,
    DocumentContent,
    Learning,
    Note,
    OutboxEntry,
    OutstandingAction,
    Person,
    Remedy,
    Staff,
    SyncConflict,
    SyncIngest,
)
from db.store import Store, open_store

PASSWORD = "a long enough pass phrase"
TODAY = date(2026, 6, 1)
RECENT = date(2026, 5, 26)  # received recently: its clocks still run on TODAY
RECENT_ACK = date(2026, 5, 27)
EXPIRED = date(2026, 5, 31)  # an authorisation that ran out the day before TODAY
ADMIN = Actor("ada", "Ada Admin", Role.ADMINISTRATOR)
SITE = "Bolsover"
IMPORT_CSV = (
    "reference,kind,received,site,service_areas,resident_name,postcode,description\n"
    "LEGACY-101,complaint,12/05/2026,Bolsover,Housing Repairs,Gil Imported,S44 6AA,"
    "Bins missed three weeks running\n"
    "LEGACY-102,compliment,13/05/2026,Bolsover,Housing Repairs,Hal Imported,S44 6AB,"
    "Thanks for the quick repair\n"
)
DEFINITION_FULL = replace(DEFINITION, responsible_for="Repairs to council homes")
ORGANISATION = {
    "name": "North Derbyshire District Council",
    "address": "Mill Lane, Clowne, S43 4JY",
    "phone": "01246 000000",
    "email": "complaints@nddc.example",
    "signatory_name": "Priya Shah",
    "signatory_role": "Complaints Manager",
}
LETTER_FILE = b"Dear council,\nThe roof is still leaking.\nJ. Doe\n"


@dataclass
class World:
    server: Store
    replica: Store
    refs: dict[str, str]  # action -> the case it was done on
    folder: Path
    made: dict[str, Any] = field(default_factory=dict)  # what the replica made, by action
    replica_letter_bytes: list[bytes] = field(default_factory=list)


def _step(store: Store, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    with store.write() as s:
        return fn(s, kwargs.pop("actor", OFFICER), *args, **kwargs)


def _server(pg_server: PgServer, url: str | None = None) -> Store:
    """A server with the two accounts the replica's people use and the handlers they name."""
    store = open_store(url or pg_server.fresh_store_url())
    with store.write() as s:
        create_first_administrator(s, username="ada", display_name="Ada Admin", password=PASSWORD)
    with store.write() as s:
        create_user(
            s, ADMIN, username="asmith", display_name="A. Smith", role=Role.OFFICER,
            password=PASSWORD,
        )  # fmt: skip
        create_user(
            s, ADMIN, username="bjones", display_name="B. Jones", role=Role.MANAGER,
            password=PASSWORD,
        )  # fmt: skip
        for name in ("A. Smith", "D. Evans"):
            ensure_staff(s, ADMIN, name)
        set_setting(s, ADMIN, "organisation", ORGANISATION)
    return store


def _complaint(store: Store, status: str, *, recent: bool = False, **fields: Any) -> str:
    """A complaint at Bolsover walked through the services on the server up to ``status``."""
    received = RECENT if recent else RECEIVED
    with store.write() as s:
        ref = log_record(
            s,
            OFFICER,
            new_record(received=received, site=SITE, **fields),
            today=TODAY,
        ).reference
    steps = ["stage-1", "stage-1-responded", "stage-2-requested", "stage-2"]
    for step in steps[: steps.index(status) + 1] if status != "logged" else []:
        if step == "stage-1":
            _step(
                store, stages.acknowledge, ref, acknowledged=RECENT_ACK if recent else ACKNOWLEDGED,
                definition=DEFINITION_FULL, handler="A. Smith", expected_version=None, today=TODAY,
            )  # fmt: skip
        elif step == "stage-1-responded":
            _step(store, stages.respond, ref, response=RESPONSE, expected_version=None, today=TODAY)
        elif step == "stage-2-requested":
            _step(
                store, stages.escalate, ref, requested_on=ESCALATED, expected_version=None,
                today=TODAY,
            )  # fmt: skip
        else:
            _step(
                store, stages.acknowledge_stage2, ref, acknowledged=STAGE2_ACKNOWLEDGED,
                handler="D. Evans", expected_version=None, today=TODAY,
            )  # fmt: skip
    return ref


def _record(store: Store, kind: str) -> str:
    with store.write() as s:
        return log_record(
            s, OFFICER, new_record(kind=kind, received=RECEIVED, site=SITE), today=TODAY
        ).reference


def _prepare(server: Store) -> dict[str, str]:
    """On the server: a case in the state each action needs (all open, at Bolsover)."""
    refs = {
        "log-record": "",
        "import": "",
        "add-person": "",
        "acknowledge": _complaint(server, "logged", recent=True),
        "add-note": _complaint(server, "logged"),
        "record-learning": _complaint(server, "stage-1-responded"),
        "link-case": _complaint(server, "logged"),
        "extend": _complaint(server, "stage-1", recent=True),
        "respond-stage-1": _complaint(server, "stage-1"),
        "escalate": _complaint(server, "stage-1-responded"),
        "acknowledge-stage-2": _complaint(server, "stage-2-requested"),
        "respond-stage-2": _complaint(server, "stage-2"),
        "refuse-escalation": _complaint(server, "stage-2-requested"),
        "refuse": _complaint(server, "logged"),
        "withdraw": _complaint(server, "stage-1"),
        "close": _complaint(server, "stage-1-responded"),
        "reopen": _complaint(server, "stage-1-responded"),
        "pass-on": _record(server, "compliment"),
        "reply-enquiry": _record(server, "mp-enquiry"),
        "refer-to-ombudsman": _complaint(server, "stage-1-responded"),
        "record-determination": _complaint(server, "stage-1-responded"),
        "correct-fact": _complaint(server, "logged"),
        "add-remedy": _complaint(server, "stage-1-responded"),
        "complete-remedy": _complaint(server, "stage-1-responded"),
        "add-action": _complaint(server, "stage-1-responded"),
        "complete-action": _complaint(server, "stage-1-responded"),
        "agree-update-interval": _complaint(server, "stage-1"),
        "make-letter": _complaint(server, "stage-1", recent=True),
        "record-letter-sent": "",  # the letter made offline, marked sent offline
        "add-document": _complaint(server, "logged"),
        "update-person": _complaint(server, "logged", complainants=(person("Ivy Moved"),)),
        "add-representative": _complaint(server, "logged"),
        "record-authorisation": _complaint(server, "logged", representatives=(representative(),)),
        "revoke-authorisation": _complaint(
            server,
            "logged",
            representatives=(
                representative(
                    auth_state="authorised", auth_method="signed-form", auth_received_on=RECEIVED
                ),
            ),
        ),
        "expire-authorisation": _complaint(
            server,
            "logged",
            representatives=(
                representative(
                    auth_state="authorised",
                    auth_method="signed-form",
                    auth_received_on=RECEIVED,
                    auth_expires=EXPIRED,
                ),
            ),
        ),
    }
    refs["record-letter-sent"] = refs["make-letter"]
    refs["link-case:other"] = _complaint(server, "logged")
    remedy_case, action_case = refs["complete-remedy"], refs["complete-action"]
    _step(
        server, followups.add_remedy, remedy_case, kind="financial", description="Time and trouble",
        amount_offered=Decimal("75.00"), expected_version=None, today=TODAY,
    )  # fmt: skip
    _step(
        server, followups.add_action, action_case, description="Clear the gutter", due=None,
        expected_version=None,
    )  # fmt: skip
    return refs


def _party(s: Any, ref: str, role: str = "representative") -> CaseParty:
    case = s.scalar(select(Case).where(Case.reference == ref))
    return next(p for p in case.parties if p.role == role)


def _offline(world: World) -> None:
    """Every replicated action, done on the replica (no server is asked meanwhile)."""
    r, refs, made = world.replica, world.refs, world.made
    made["log-record"] = _step(
        r, log_record, new_record(received=TODAY, site=SITE, complainants=(person("Kit New"),)),
        today=TODAY,
    ).reference  # fmt: skip
    made["log-record:note"] = _step(  # an action on a case made offline: its key is known
        r, records.add_note, made["log-record"], text="Called back", expected_version=None
    ).id
    csv = world.folder / "legacy.csv"
    csv.write_text(IMPORT_CSV, encoding="utf-8")
    _step(r, importer.import_records, csv, today=TODAY, actor=MANAGER)
    made["add-person"] = _step(r, people.add_person, PersonInput(name="Lou Walk-in")).id
    _step(
        r, stages.acknowledge, refs["acknowledge"], acknowledged=TODAY, definition=DEFINITION,
        handler="A. Smith", expected_version=None, today=TODAY,
    )  # fmt: skip
    made["add-note"] = _step(
        r, records.add_note, refs["add-note"], text="Rang from the library", expected_version=None
    ).id
    made["record-learning"] = _step(
        r, records.record_learning, refs["record-learning"], description="Gutters missed",
        improvement="Check gutters at every visit", expected_version=None, today=TODAY,
    ).id  # fmt: skip
    _step(
        r, records.link_cases, refs["link-case"], refs["link-case:other"], reason="Same roof",
        expected_version=None,
    )  # fmt: skip
    made["extend"] = _step(
        r, stages.extend, refs["extend"], days=10, reason="Waiting for the surveyor",
        told_on=TODAY, expected_version=None, today=TODAY,
    ).extensions[-1].id  # fmt: skip
    _step(
        r, stages.respond, refs["respond-stage-1"],
        response=stages.Response(
            sent_on=date(2026, 2, 20), decision="upheld", reasons="The repair was late",
            remedies=(stages.RemedyInput("apology", "We are sorry"),),
        ),
        expected_version=None, today=TODAY,
    )  # fmt: skip
    _step(
        r, stages.escalate, refs["escalate"], requested_on=date(2026, 3, 3),
        reason="Still leaking", expected_version=None, today=TODAY,
    )  # fmt: skip
    _step(
        r, stages.acknowledge_stage2, refs["acknowledge-stage-2"], acknowledged=date(2026, 3, 9),
        handler="D. Evans", expected_version=None, today=TODAY,
    )  # fmt: skip
    _step(
        r, stages.respond_stage2, refs["respond-stage-2"],
        response=stages.Response(
            sent_on=date(2026, 3, 20), decision="not-upheld", reasons="The roof was sound",
            actions=(stages.ActionInput("Inspect again in autumn", date(2026, 10, 1)),),
        ),
        expected_version=None, today=TODAY,
    )  # fmt: skip
    _step(
        r, stages.refuse_escalation, refs["refuse-escalation"], refused_on=date(2026, 3, 5),
        reason="Nothing new was raised", expected_version=None, today=TODAY,
    )  # fmt: skip
    _step(
        r, ending.refuse, refs["refuse"], refused_on=date(2026, 2, 10), reason="legal-proceedings",
        explanation="The matter is before the county court", expected_version=None, today=TODAY,
    )  # fmt: skip
    _step(
        r, ending.withdraw, refs["withdraw"], withdrawn_on=date(2026, 2, 12),
        reason="Fixed by the landlord", expected_version=None, today=TODAY,
    )  # fmt: skip
    _step(
        r, ending.close, refs["close"], closed_on=date(2026, 2, 27), expected_version=None,
        today=TODAY,
    )  # fmt: skip
    _step(
        r, ending.close, refs["reopen"], closed_on=date(2026, 2, 27), expected_version=None,
        today=TODAY,
    )  # fmt: skip
    _step(
        r, ending.reopen, refs["reopen"], reason="The resident rang: still leaking",
        expected_version=None,
    )  # fmt: skip
    _step(
        r, ending.pass_on, refs["pass-on"], passed_on=date(2026, 2, 5), to="Parks team",
        expected_version=None, today=TODAY,
    )  # fmt: skip
    _step(
        r, ending.reply_enquiry, refs["reply-enquiry"], replied_on=date(2026, 2, 9),
        reply="The repair is booked for 12 February", expected_version=None, today=TODAY,
    )  # fmt: skip
    _step(
        r, ending.refer_to_ombudsman, refs["refer-to-ombudsman"], referred_on=date(2026, 4, 1),
        expected_version=None, today=TODAY,
    )  # fmt: skip
    _step(
        r, ending.refer_to_ombudsman, refs["record-determination"], referred_on=date(2026, 4, 2),
        expected_version=None, today=TODAY,
    )  # fmt: skip
    _step(
        r, ending.record_determination, refs["record-determination"],
        determined_on=date(2026, 5, 15), determination="Maladministration; pay £100",
        expected_version=None, today=TODAY,
    )  # fmt: skip
    _step(
        r, ending.correct_fact, refs["correct-fact"], field="description",
        value="The roof and the gutter leak", reason="Typed in a hurry", expected_version=None,
        today=TODAY,
    )  # fmt: skip
    made["add-remedy"] = _step(
        r, followups.add_remedy, refs["add-remedy"], kind="financial", description="Redecoration",
        amount_offered=Decimal("120.50"), due=date(2026, 6, 30), expected_version=None,
        today=TODAY,
    ).id  # fmt: skip
    with r.read() as s:
        remedy_id = s.scalar(select(Case).where(Case.reference == refs["complete-remedy"]))
        remedy_id = remedy_id.remedies[0].id  # type: ignore[union-attr]
        action = s.scalar(select(Case).where(Case.reference == refs["complete-action"]))
        action_id = action.actions[0].id  # type: ignore[union-attr]
    made["complete-remedy"], made["complete-action"] = remedy_id, action_id
    _step(
        r, followups.complete_remedy, refs["complete-remedy"], remedy_id, done=date(2026, 5, 29),
        amount_paid=Decimal("75.00"), expected_version=None, today=TODAY,
    )  # fmt: skip
    made["add-action"] = _step(
        r, followups.add_action, refs["add-action"], description="Replace the fascia",
        due=date(2026, 7, 1), expected_version=None,
    ).id  # fmt: skip
    _step(
        r, followups.complete_action, refs["complete-action"], action_id,
        done=date(2026, 5, 30), expected_version=None, today=TODAY,
    )  # fmt: skip
    _step(
        r, followups.agree_update_interval, refs["agree-update-interval"], every_working_days=5,
        expected_version=None,
    )  # fmt: skip
    letters_made = _step(
        r, letters.make_letters, refs["make-letter"], LetterKind.STAGE1_ACKNOWLEDGEMENT,
        today=TODAY,
    )  # fmt: skip
    made["make-letter"] = [m.correspondence_id for m in letters_made]
    world.replica_letter_bytes = [m.pdf for m in letters_made]
    _step(r, letters.mark_sent, made["make-letter"][0], sent_on=TODAY, method="post", today=TODAY)
    made["add-document"] = _step(
        r, documents.attach_document, refs["add-document"], data=LETTER_FILE,
        file_name="resident-letter.txt", title="Letter from the resident",
        received=date(2026, 5, 20), sender="J. Doe", today=TODAY,
    ).document.id  # fmt: skip
    with r.read() as s:
        ivy = _party(s, refs["update-person"], "complainant").person_id
    made["update-person"] = ivy
    _step(
        r, people.update_person, ivy,
        PersonInput(name="Ivy Moved", address="9 New Road, Clowne", postcode="s43 9zz",
                    phone="01246 999999"),
    )  # fmt: skip
    made["add-representative"] = _step(
        r, authorisation.add_representative, refs["add-representative"],
        representative(person=PersonInput(name="Cllr Rep", address="Town Hall"),
                       relationship="councillor"),
        expected_version=None,
    ).id  # fmt: skip
    with r.read() as s:
        pending = _party(s, refs["record-authorisation"]).id
        authorised = _party(s, refs["revoke-authorisation"]).id
        expiring = _party(s, refs["expire-authorisation"]).id
    made["record-authorisation"], made["revoke-authorisation"] = pending, authorised
    made["expire-authorisation"] = expiring
    assert _step(r, authorisation.expire_authorisations, today=TODAY) == 1
    _step(
        r, authorisation.record_authorisation, refs["record-authorisation"], pending,
        method="verbal-verified", received_on=date(2026, 5, 20), scope="all-matters",
        expires=date(2027, 5, 20), verified_by="A. Smith", expected_version=None, today=TODAY,
    )  # fmt: skip
    _step(
        r, authorisation.revoke_authorisation, refs["revoke-authorisation"], authorised,
        revoked_on=date(2026, 5, 30), expected_version=None, today=TODAY,
    )  # fmt: skip


def _replica(server: Store, template: Path, path: Path) -> Store:
    """A Bolsover replica of ``server`` (never synced through its address: the tests pass
    the server's store to ``sync`` themselves)."""
    return replica_of(server, ADMIN, template, path, SITE, "postgresql://unused", TODAY)


@pytest.fixture(scope="module")
def world(
    pg_server: PgServer, template_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    server = _server(pg_server)
    refs = _prepare(server)
    folder = tmp_path_factory.mktemp("sync-actions")
    replica = _replica(server, template_store, folder / "replica.sqlite")
    w = World(server, replica, refs, folder)
    _offline(w)
    with replica.read() as s:
        w.made["intents"] = s.scalar(select(func.count()).select_from(OutboxEntry))
    w.made["synced"] = sync(replica, server, today=TODAY)
    yield w
    replica.close()
    server.close()


def _case(s: Any, ref: str) -> Case:
    case = s.scalar(select(Case).where(Case.reference == ref))
    assert case is not None
    return case


def _staff_id(s: Any, name: str) -> int:
    return int(s.scalar(select(Staff.id).where(Staff.name == name)))


Check = Callable[[World, Any], None]


def _log_record(w: World, s: Any) -> None:
    case = _case(s, w.made["log-record"])
    assert (case.resident_name, case.received, case.status) == ("Kit New", TODAY, "logged")
    assert case.updated_by == "A. Smith"
    note = s.get(Note, w.made["log-record:note"])
    assert (note.case_id, note.text) == (case.id, "Called back")


def _import(w: World, s: Any) -> None:
    got = s.execute(
        select(Case.reference, Case.kind, Case.received, Case.resident_name, Case.description)
        .where(Case.reference.like("LEGACY-%"))
        .order_by(Case.reference)
    ).all()
    assert [tuple(g) for g in got] == [
        ("LEGACY-101", "complaint", date(2026, 5, 12), "Gil Imported",
         "Bins missed three weeks running"),
        ("LEGACY-102", "compliment", date(2026, 5, 13), "Hal Imported",
         "Thanks for the quick repair"),
    ]  # fmt: skip


def _add_person(w: World, s: Any) -> None:
    assert s.get(Person, w.made["add-person"]).name == "Lou Walk-in"


def _acknowledge(w: World, s: Any) -> None:
    case = _case(s, w.refs["acknowledge"])
    assert (case.status, case.acknowledged) == ("stage-1", TODAY)
    assert [p.text for p in case.points] == list(DEFINITION.points)


def _add_note(w: World, s: Any) -> None:
    note = s.get(Note, w.made["add-note"])
    assert (note.text, note.author) == ("Rang from the library", "A. Smith")
    assert note.case_id == _case(s, w.refs["add-note"]).id


def _record_learning(w: World, s: Any) -> None:
    item = s.get(Learning, w.made["record-learning"])
    assert (item.description, item.improvement, item.recorded_on) == (
        "Gutters missed", "Check gutters at every visit", TODAY,
    )  # fmt: skip


def _link_case(w: World, s: Any) -> None:
    one, other = _case(s, w.refs["link-case"]), _case(s, w.refs["link-case:other"])
    links = s.execute(select(CaseLink.case_id, CaseLink.linked_case_id, CaseLink.reason)).all()
    assert sorted(tuple(x) for x in links) == sorted(
        [(one.id, other.id, "Same roof"), (other.id, one.id, "Same roof")]
    )


def _extend(w: World, s: Any) -> None:
    case = _case(s, w.refs["extend"])
    got = [(e.id, e.stage, e.days, e.reason, e.told_on, e.recorded_on) for e in case.extensions]
    assert got == [(w.made["extend"], 1, 10, "Waiting for the surveyor", TODAY, TODAY)]


def _respond(w: World, s: Any) -> None:
    case = _case(s, w.refs["respond-stage-1"])
    assert (case.status, case.stage1_decision, case.stage1_reasons, case.stage1_responded) == (
        "stage-1-responded", "upheld", "The repair was late", date(2026, 2, 20),
    )  # fmt: skip
    assert [(r.kind, r.description, r.offered_on) for r in case.remedies] == [
        ("apology", "We are sorry", date(2026, 2, 20))
    ]


def _escalate(w: World, s: Any) -> None:
    case = _case(s, w.refs["escalate"])
    assert (case.status, case.escalated, case.escalation_reason) == (
        "stage-2-requested", date(2026, 3, 3), "Still leaking",
    )  # fmt: skip


def _acknowledge_stage2(w: World, s: Any) -> None:
    case = _case(s, w.refs["acknowledge-stage-2"])
    assert (case.status, case.stage2_acknowledged, case.stage2_handler_id) == (
        "stage-2", date(2026, 3, 9), _staff_id(s, "D. Evans"),
    )  # fmt: skip


def _respond_stage2(w: World, s: Any) -> None:
    case = _case(s, w.refs["respond-stage-2"])
    assert (case.status, case.stage2_decision, case.stage2_responded) == (
        "stage-2-responded", "not-upheld", date(2026, 3, 20),
    )  # fmt: skip
    assert [(a.stage, a.description, a.due) for a in case.actions] == [
        (2, "Inspect again in autumn", date(2026, 10, 1))
    ]


def _refuse_escalation(w: World, s: Any) -> None:
    case = _case(s, w.refs["refuse-escalation"])
    assert (case.status, case.escalation_refused_on, case.escalation_refusal_reason) == (
        "closed", date(2026, 3, 5), "Nothing new was raised",
    )  # fmt: skip


def _refuse(w: World, s: Any) -> None:
    case = _case(s, w.refs["refuse"])
    assert (case.status, case.refused_on, case.refusal_reason, case.refusal_explanation) == (
        "refused", date(2026, 2, 10), "legal-proceedings",
        "The matter is before the county court",
    )  # fmt: skip


def _withdraw(w: World, s: Any) -> None:
    case = _case(s, w.refs["withdraw"])
    assert (case.status, case.withdrawn_on, case.withdrawal_reason) == (
        "withdrawn", date(2026, 2, 12), "Fixed by the landlord",
    )  # fmt: skip


def _close(w: World, s: Any) -> None:
    case = _case(s, w.refs["close"])
    assert (case.status, case.closed_on) == ("closed", date(2026, 2, 27))


def _reopen(w: World, s: Any) -> None:
    case = _case(s, w.refs["reopen"])
    assert (case.status, case.closed_on) == ("stage-1-responded", None)


def _pass_on(w: World, s: Any) -> None:
    case = _case(s, w.refs["pass-on"])
    assert (case.status, case.replied, case.reply_text) == (
        "closed", date(2026, 2, 5), "Passed to Parks team",
    )  # fmt: skip


def _reply_enquiry(w: World, s: Any) -> None:
    case = _case(s, w.refs["reply-enquiry"])
    assert (case.status, case.replied, case.reply_text) == (
        "closed", date(2026, 2, 9), "The repair is booked for 12 February",
    )  # fmt: skip


def _refer(w: World, s: Any) -> None:
    assert _case(s, w.refs["refer-to-ombudsman"]).ombudsman_referred_on == date(2026, 4, 1)


def _determination(w: World, s: Any) -> None:
    case = _case(s, w.refs["record-determination"])
    assert (case.ombudsman_referred_on, case.ombudsman_determined_on) == (
        date(2026, 4, 2), date(2026, 5, 15),
    )  # fmt: skip
    assert case.ombudsman_determination == "Maladministration; pay £100"


def _correct(w: World, s: Any) -> None:
    assert _case(s, w.refs["correct-fact"]).description == "The roof and the gutter leak"


def _add_remedy(w: World, s: Any) -> None:
    remedy = s.get(Remedy, w.made["add-remedy"])
    assert (remedy.kind, remedy.description, remedy.amount_offered, remedy.due) == (
        "financial", "Redecoration", Decimal("120.50"), date(2026, 6, 30),
    )  # fmt: skip
    assert remedy.case_id == _case(s, w.refs["add-remedy"]).id


def _complete_remedy(w: World, s: Any) -> None:
    remedy = s.get(Remedy, w.made["complete-remedy"])
    assert (remedy.done, remedy.amount_paid) == (date(2026, 5, 29), Decimal("75.00"))


def _add_action(w: World, s: Any) -> None:
    action = s.get(OutstandingAction, w.made["add-action"])
    assert (action.stage, action.description, action.due) == (
        1, "Replace the fascia", date(2026, 7, 1),
    )  # fmt: skip


def _complete_action(w: World, s: Any) -> None:
    assert s.get(OutstandingAction, w.made["complete-action"]).done == date(2026, 5, 30)


def _update_interval(w: World, s: Any) -> None:
    assert _case(s, w.refs["agree-update-interval"]).update_interval_days == 5


def _make_letter(w: World, s: Any) -> None:
    rows = [s.get(Correspondence, i) for i in w.made["make-letter"]]
    assert [r.content for r in rows] == w.replica_letter_bytes  # the very bytes sent
    assert [r.sha256 for r in rows] == [
        hashlib.sha256(b).hexdigest() for b in w.replica_letter_bytes
    ]
    assert {r.case_id for r in rows} == {_case(s, w.refs["make-letter"]).id}
    assert [(r.letter_kind, r.made_by) for r in rows] == [("stage1-acknowledgement", "A. Smith")]


def _letter_sent(w: World, s: Any) -> None:
    row = s.get(Correspondence, w.made["make-letter"][0])
    assert (row.sent_on, row.sent_method) == (TODAY, "post")


def _add_document(w: World, s: Any) -> None:
    doc = s.get(Document, w.made["add-document"])
    assert (doc.title, doc.file_name, doc.received, doc.sender, doc.size) == (
        "Letter from the resident", "resident-letter.txt", date(2026, 5, 20), "J. Doe",
        len(LETTER_FILE),
    )  # fmt: skip
    assert doc.sha256 == hashlib.sha256(LETTER_FILE).hexdigest()
    assert s.get(DocumentContent, doc.id).content == LETTER_FILE


def _update_person(w: World, s: Any) -> None:
    ivy = s.get(Person, w.made["update-person"])
    assert (ivy.address, ivy.postcode, ivy.phone) == (
        "9 New Road, Clowne", "S43 9ZZ", "01246 999999",
    )  # fmt: skip


def _add_representative(w: World, s: Any) -> None:
    party = s.get(CaseParty, w.made["add-representative"])
    assert (party.role, party.relationship_to_resident, party.person.name) == (
        "representative", "councillor", "Cllr Rep",
    )  # fmt: skip


def _record_authorisation(w: World, s: Any) -> None:
    p = s.get(CaseParty, w.made["record-authorisation"])
    got = (p.auth_state, p.auth_method, p.auth_scope, p.auth_received_on, p.auth_expires)
    assert got == (
        "authorised", "verbal-verified", "all-matters", date(2026, 5, 20), date(2027, 5, 20),
    )  # fmt: skip
    assert p.auth_verified_by == "A. Smith"


def _revoke_authorisation(w: World, s: Any) -> None:
    p = s.get(CaseParty, w.made["revoke-authorisation"])
    assert (p.auth_state, p.auth_revoked_on) == ("revoked", date(2026, 5, 30))


def _expire_authorisation(w: World, s: Any) -> None:
    p = s.get(CaseParty, w.made["expire-authorisation"])
    assert (p.auth_state, p.auth_expires, p.auth_revoked_on) == ("expired", EXPIRED, None)


CHECKS: dict[str, Check] = {
    "log-record": _log_record,
    "import": _import,
    "add-person": _add_person,
    "acknowledge": _acknowledge,
    "add-note": _add_note,
    "record-learning": _record_learning,
    "link-case": _link_case,
    "extend": _extend,
    "respond-stage-1": _respond,
    "escalate": _escalate,
    "acknowledge-stage-2": _acknowledge_stage2,
    "respond-stage-2": _respond_stage2,
    "refuse-escalation": _refuse_escalation,
    "refuse": _refuse,
    "withdraw": _withdraw,
    "close": _close,
    "reopen": _reopen,
    "pass-on": _pass_on,
    "reply-enquiry": _reply_enquiry,
    "refer-to-ombudsman": _refer,
    "record-determination": _determination,
    "correct-fact": _correct,
    "add-remedy": _add_remedy,
    "complete-remedy": _complete_remedy,
    "add-action": _add_action,
    "complete-action": _complete_action,
    "agree-update-interval": _update_interval,
    "make-letter": _make_letter,
    "record-letter-sent": _letter_sent,
    "add-document": _add_document,
    "update-person": _update_person,
    "add-representative": _add_representative,
    "record-authorisation": _record_authorisation,
    "revoke-authorisation": _revoke_authorisation,
    "expire-authorisation": _expire_authorisation,
}


# Replicated actions whose replay is checked in a module of their own.
CHECKED_ELSEWHERE = {"resolve-conflict": "tests/db/test_sync_resolve.py"}


def test_every_replicated_action_is_checked_here() -> None:
    assert sorted(CHECKS) == sorted(set(SPECS) - set(CHECKED_ELSEWHERE))


def test_one_sync_applies_every_intent_once_without_conflicts(world: World) -> None:
    # One intent per action, plus the close before the reopen, the referral before the
    # determination and a note on the contact logged offline.
    assert world.made["intents"] == len(CHECKS) + 3
    assert (world.made["synced"].pushed, world.made["synced"].conflicts) == (len(CHECKS) + 3, 0)
    with world.server.read() as s:
        outcomes = s.execute(select(SyncIngest.action, SyncIngest.outcome)).all()
        assert sorted({a for a, _o in outcomes}) == sorted(CHECKS)
        assert {o for _a, o in outcomes} == {"applied"}
        assert s.scalar(select(func.count()).select_from(SyncConflict)) == 0
    with world.replica.read() as s:
        assert s.scalar(
            select(func.count()).select_from(OutboxEntry).where(OutboxEntry.pushed_at.is_(None))
        ) == 0  # fmt: skip


# Records these actions end, with no handler at the site, leave the replica's scope (a
# replica holds its site's open cases and the cases its people handle): the pull removes them.
LEAVE_SCOPE = {"pass-on", "refuse", "reply-enquiry"}


@pytest.mark.parametrize("action", sorted(CHECKS))
def test_the_server_holds_what_the_replica_did(world: World, action: str) -> None:
    with world.server.read() as s:
        CHECKS[action](world, s)
    with world.replica.read() as s:  # and the replica, after its pull, the same (or gone)
        if action in LEAVE_SCOPE:
            ref = world.refs[action]
            assert s.scalar(select(Case).where(Case.reference == ref)) is None
        else:
            CHECKS[action](world, s)


def test_bytes_that_do_not_match_their_fingerprint_are_refused() -> None:
    wrapped = encode(b"the real letter")
    wrapped["__bytes__"] = encode(b"something else")["__bytes__"]
    with pytest.raises(InvalidInput, match="do not match the fingerprint"):
        decode(wrapped)
    assert decode(encode(b"the real letter")) == b"the real letter"


# Both sides ------------------------------------------------------------------------------


@pytest.fixture
def pair(
    pg_server: PgServer, template_store: Path, tmp_path: Path
) -> Iterator[tuple[Store, Store, str, str]]:
    """A server with a recent Stage 1 complaint and an older one, and a replica holding both."""
    server = _server(pg_server)
    recent = _complaint(server, "stage-1", recent=True)
    older = _complaint(server, "stage-1")
    replica = _replica(server, template_store, tmp_path / "replica.sqlite")
    yield server, replica, recent, older
    replica.close()
    server.close()


def test_extending_on_both_sides_keeps_the_servers_extension_and_one_conflict(
    pair: tuple[Store, Store, str, str],
) -> None:
    server, replica, ref, _older = pair
    for store, days, reason in ((replica, 10, "Surveyor booked"), (server, 5, "Awaiting quote")):
        _step(
            store, stages.extend, ref, days=days, reason=reason, told_on=TODAY,
            expected_version=None, today=TODAY,
        )  # fmt: skip
    synced = sync(replica, server, today=TODAY)
    assert (synced.pushed, synced.conflicts) == (1, 1)
    with server.read() as s:
        case = _case(s, ref)
        assert [(e.days, e.reason) for e in case.extensions] == [(5, "Awaiting quote")]
        conflict = s.scalars(select(SyncConflict)).one()
        assert (conflict.reference, conflict.field, conflict.action) == (
            ref,
            "extensions",
            "extend",
        )
        assert conflict.server_value == [[1, 5, "Awaiting quote", False, "2026-06-01"]]
        assert conflict.replica_value == [[1, 10, "Surveyor booked", False, "2026-06-01"]]
        assert (conflict.server_by, conflict.replica_by) == ("A. Smith", "A. Smith")


def test_responding_on_both_sides_keeps_the_servers_decision_and_one_conflict(
    pair: tuple[Store, Store, str, str],
) -> None:
    server, replica, _recent, ref = pair
    for store, decision in ((replica, "upheld"), (server, "not-upheld")):
        _step(
            store, stages.respond, ref,
            response=stages.Response(RESPONDED, decision, "We looked at the repair log"),
            expected_version=None, today=TODAY,
        )  # fmt: skip
    synced = sync(replica, server, today=TODAY)
    assert (synced.pushed, synced.conflicts) == (1, 1)
    with server.read() as s:
        case = _case(s, ref)
        assert (case.stage1_decision, case.stage1_responded) == ("not-upheld", RESPONDED)
        conflict = s.scalars(select(SyncConflict)).one()
        assert (conflict.field, conflict.server_value, conflict.replica_value) == (
            "stage1_decision", "not-upheld", "upheld",
        )  # fmt: skip
        assert conflict.action == "respond-stage-1"
    with replica.read() as s:  # the replica shows the server's decision after its pull
        assert _case(s, ref).stage1_decision == "not-upheld"


def test_a_new_name_in_an_import_offline_is_refused_in_one_line(
    pair: tuple[Store, Store, str, str], tmp_path: Path
) -> None:
    _server_store, replica, _recent, _older = pair
    csv = tmp_path / "new.csv"
    csv.write_text(
        "reference,kind,received,site,themes\nNEW-1,complaint,12/05/2026,Whitwell,Noise\n",
        encoding="utf-8",
    )
    with pytest.raises(Exception) as caught:
        _step(replica, importer.import_records, csv, today=TODAY, actor=MANAGER)
    assert str(caught.value) == (
        "This PC is offline and cannot add new names to its lists: site 'Whitwell', "
        "theme 'Noise'. Add them on the server and sync, then import again; nothing was imported"
    )
    with replica.read() as s:
        assert s.scalar(select(func.count()).select_from(OutboxEntry)) == 0
        assert s.scalar(select(Case.id).where(Case.reference == "NEW-1")) is None


# As a new user would try it ----------------------------------------------------------------


def _caseworker(user: str, *argv: str) -> subprocess.CompletedProcess[str]:
    """The installed ``caseworker`` command, signed in as ``user``."""
    command = Path(sys.executable).with_name("caseworker")
    env = {**os.environ, "CASEWORKER_USER": user, "CASEWORKER_PASSWORD": PASSWORD}
    return subprocess.run(
        [str(command), *argv], capture_output=True, text=True, env=env, timeout=600, check=False
    )


def _import_file(folder: Path, name: str, references: tuple[str, ...]) -> Path:
    path = folder / name
    rows = "".join(
        f"{ref},complaint,1{i}/05/2026,Bolsover,Housing Repairs,Resident {ref},"
        f"S44 6A{i},Old record {ref}\n"
        for i, ref in enumerate(references)
    )
    path.write_text(
        "reference,kind,received,site,service_areas,resident_name,postcode,description\n" + rows,
        encoding="utf-8",
    )
    return path


def _letter_rows(store: Store, reference: str) -> list[tuple[str, bytes, str]]:
    with store.read() as s:
        case = _case(s, reference)
        rows = s.scalars(select(Correspondence).where(Correspondence.case_id == case.id))
        return sorted((r.id, r.content, r.sha256) for r in rows)


def test_two_replicas_import_and_make_letters_offline_then_sync_through_the_command(
    pg_server: PgServer, template_store: Path, tmp_path: Path
) -> None:
    url = pg_server.fresh_store_url()
    server = _server(pg_server, url)
    letter_refs = [_complaint(server, "stage-1", recent=True) for _ in range(2)]
    paths = {"a": tmp_path / "contact-centre.sqlite", "b": tmp_path / "laptop.sqlite"}
    shutil.copyfile(template_store, paths["b"])  # one new file, one empty store
    try:
        for path in paths.values():
            made = _caseworker(
                "ada", "--db", str(path), "replica", "create", "--server", url, "--site", SITE
            )
            assert (made.returncode, made.stderr) == (0, ""), made.stderr
        offline = closed_port_url(url)  # the server cannot be reached from here on
        for path in paths.values():
            point_at(path, offline)
        imports = {"a": ("OLD-A1", "OLD-A2"), "b": ("OLD-B1",)}
        for (key, path), ref in zip(paths.items(), letter_refs, strict=True):
            csv = _import_file(tmp_path, f"{key}.csv", imports[key])
            done = _caseworker(
                "bjones", "--db", str(path), "import", str(csv), "--today", "2026-06-01"
            )
            assert done.returncode == 0, done.stderr
            letter = _caseworker(
                "asmith", "--db", str(path), "letter", ref, "stage1-acknowledgement",
                "--out", str(tmp_path / f"{key}.pdf"), "--today", "2026-06-01",
            )  # fmt: skip
            assert letter.returncode == 0, letter.stderr
            refused = _caseworker("asmith", "--db", str(path), "sync")
            assert (refused.returncode, refused.stdout) == (3, "")
            assert refused.stderr.count("\n") == 1 and "2 change(s) wait" in refused.stderr
        for path in paths.values():
            point_at(path, url)  # the link is back
        pushed = []
        for path in paths.values():
            synced = _caseworker("asmith", "--db", str(path), "sync", "--json")
            assert synced.returncode == 0, synced.stderr
            pushed.append(json.loads(synced.stdout))
        assert [(p["pushed"], p["conflicts"]) for p in pushed] == [(2, 0), (2, 0)]

        with server.read() as s:
            refs = list(s.scalars(select(Case.reference).where(Case.reference.like("OLD-%"))))
            assert sorted(refs) == ["OLD-A1", "OLD-A2", "OLD-B1"]  # every record once
            assert _case(s, "OLD-A2").resident_name == "Resident OLD-A2"
        for key, ref in zip(paths, letter_refs, strict=True):
            replica = open_store(paths[key])
            try:
                on_replica = _letter_rows(replica, ref)
            finally:
                replica.close()
            on_server = _letter_rows(server, ref)
            assert on_server == on_replica and len(on_server) == 1  # with its case, same bytes
            assert on_server[0][1] == (tmp_path / f"{key}.pdf").read_bytes()
            assert on_server[0][2] == hashlib.sha256(on_server[0][1]).hexdigest()
        verified = _caseworker("ada", "--db", url, "audit", "verify")
        assert verified.returncode == 0 and verified.stdout.startswith("Audit trail intact")
        for path in paths.values():
            again = _caseworker("asmith", "--db", str(path), "sync", "--json")
            assert again.returncode == 0 and json.loads(again.stdout)["pushed"] == 0
    finally:
        server.close()
