"""Make ``store.sqlite`` (a store at revision 0006, integer keys) and ``reads.json``.

Run with the code as it was before migration 0009 (commit 0e9e96c), from the worktree:

    git archive 0e9e96c | tar -x -C /tmp/old_cw
    PYTHONPATH=/tmp/old_cw:tests/db python tests/data/store_0006/make.py

The store holds forty demo records and two complaints worked through the services: a
representative authorised, three notes made in the same second, remedies, actions, an
extension, learning, a link, two letters, equality answers, and the audit events that name
those rows by their integer ids. ``reads.json`` is what that code's app showed of it.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

from casework import (
    ACKNOWLEDGED,
    OFFICER,
    RESPONSE,
    TODAY,
    act,
    log,
    person,
    representative,
)
from sqlalchemy import text
from upgrade_reads import MANAGER, PERSON, app_reads

from caseworker.domain.vocab import LetterKind
from caseworker.services import authorisation, demo, followups, records, stages
from caseworker.services.letters import make_letters
from caseworker.services.settings import set_setting
from db.store import Store, open_store

HERE = Path(__file__).parent
DEFINITION = stages.Definition(
    points=("The roof still leaks", "Nobody called back"),
    outcomes_sought="Fix the roof and apologise",
    responsible_for="How our repairs team handled your reports",
)
EXTENDED = date(2026, 2, 10)  # before the Stage 1 response was due


def fill(store: Store) -> list[str]:
    demo.generate(store, 40, seed=12, today=TODAY)
    with store.write() as s:
        set_setting(
            s,
            MANAGER,
            "organisation",
            {
                "name": "North Derbyshire District Council",
                "address": "Mill Lane, Clowne, S43 4JY",
                "phone": "01246 000000",
                "email": "complaints@nddc.example",
                "signatory_name": "Priya Shah",
                "signatory_role": "Complaints Manager",
            },
        )
    olga = person(PERSON, postcode="NG20 8AA", email="olga@example.org", tenure="tenant")
    first = log(store, complainants=(olga,), representatives=(representative(),))
    second = log(store, complainants=(person("Ben Ode"),), description="Damp in the hall")
    with store.read() as s:
        rep_party = s.execute(
            text(
                "SELECT cp.id FROM case_parties cp JOIN cases c ON c.id = cp.case_id "
                "WHERE c.reference = :r AND cp.role = 'representative'"
            ),
            {"r": first},
        ).scalar_one()
    act(
        store,
        authorisation.record_authorisation,
        first,
        rep_party,
        method="signed-form",
        received_on=ACKNOWLEDGED,
        scope="all-matters",
        expires=None,
        today=TODAY,
    )
    for ref in (first, second):
        act(
            store,
            stages.acknowledge,
            ref,
            acknowledged=ACKNOWLEDGED,
            definition=DEFINITION,
            handler="A. Smith",
            today=TODAY,
        )
        with store.write() as s:
            make_letters(s, OFFICER, ref, LetterKind.STAGE1_ACKNOWLEDGEMENT, today=ACKNOWLEDGED)
    act(
        store,
        stages.extend,
        first,
        days=10,
        reason="Waiting for a survey",
        told_on=EXTENDED,
        today=EXTENDED,
    )
    for body in ("Called Ms Kowalska", "Surveyor booked", "Survey done"):
        act(store, records.add_note, first, text=body)
    act(store, stages.respond, first, response=RESPONSE, today=TODAY)
    remedy = act(
        store,
        followups.add_remedy,
        first,
        kind="financial",
        description="Time and trouble",
        amount_offered=Decimal("150.00"),
        today=TODAY,
    )
    act(
        store,
        followups.add_remedy,
        first,
        kind="apology",
        description="A written apology",
        today=TODAY,
    )
    act(
        store,
        followups.complete_remedy,
        first,
        remedy.id,
        done=TODAY,
        amount_paid=Decimal("150.00"),
        today=TODAY,
    )
    action = act(store, followups.add_action, first, description="Re-inspect the roof", due=None)
    act(store, followups.add_action, first, description="Clear the gutter", due=None)
    act(store, followups.complete_action, first, action.id, done=TODAY, today=TODAY)
    act(
        store,
        records.record_learning,
        first,
        description="Surveys were booked late",
        improvement="Book surveys at acknowledgement",
        today=TODAY,
    )
    act(store, records.link_cases, second, first, reason="Same block")
    act(store, records.add_note, second, text="Linked to the roof complaint")
    with store.write() as s:
        s.execute(
            text(
                "INSERT INTO equality_answers (person_id, answers) SELECT id, :a FROM people "
                "WHERE name = :n"
            ),
            {"a": json.dumps({"age": "45-54", "disability": "no"}), "n": PERSON},
        )
    with store.read() as s:
        busiest = s.execute(
            text(
                "SELECT c.reference FROM cases c ORDER BY (SELECT count(*) FROM remedies r "
                "WHERE r.case_id = c.id) + (SELECT count(*) FROM extensions e "
                "WHERE e.case_id = c.id) DESC, c.reference LIMIT 6"
            )
        ).scalars()
        return [first, second, *busiest]


def main() -> int:
    path = HERE / "store.sqlite"
    for p in HERE.glob("store.sqlite*"):
        p.unlink()
    store = open_store(path)
    try:
        references = fill(store)
        reads = app_reads(store, references)
    finally:
        store.close()
    conn = sqlite3.connect(path)
    conn.execute("VACUUM")
    conn.close()
    (HERE / "reads.json").write_text(
        json.dumps({"references": references, "reads": reads}, indent=1, sort_keys=True) + "\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
