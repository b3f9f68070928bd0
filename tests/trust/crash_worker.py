"""Saves a stream of cases through the services, reporting each only after it commits.

Four kinds of save, mixed: logging a record (case, people, search entry, audit event),
adding a note, acknowledging a complaint (its clocks) and agreeing an extension.

``python crash_worker.py STORE SEED`` saves until killed. ``python crash_worker.py --serve``
is a fork server: it imports everything once, then for each line ``STORE SEED OUT`` read
from stdin forks a saver writing its reports to OUT and prints the saver's process id,
so each kill trial costs a fork, not a Python start. The crash tests SIGKILL the savers
at random moments.
"""

from __future__ import annotations

import os
import random
import signal
import sys
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

from caseworker.services import stages
from caseworker.services.actor import LOCAL_ADMIN
from caseworker.services.intake import NewRecord, RepresentativeInput, log_record
from caseworker.services.people import PersonInput
from caseworker.services.records import add_note
from db.store import open_store

TODAY = date(2026, 6, 1)
DEFINITION = stages.Definition(
    points=("The repair was late",),
    outcomes_sought="The repair done",
    responsible_for="How the repairs team handled it",
)


def new_record(rng: random.Random, n: int) -> NewRecord:
    reps = ()
    if rng.random() < 0.3:
        reps = (
            RepresentativeInput(
                person=PersonInput(name=f"Rep {n}", postcode="S44 6JJ"),
                relationship="relative",
                auth_state="pending",
                auth_sent_on=date(2026, 2, 2),
            ),
        )
    return NewRecord(
        kind=rng.choice(("complaint", "service-request", "compliment", "mp-enquiry")),
        received=date(2026, 1, 1 + n % 28),
        complainants=(PersonInput(name=f"Resident {n}", postcode="S43 4JJ", phone=f"0{n:09d}"),),
        description=f"Contact number {n}: " + "the repair was late. " * rng.randint(1, 40),
        service_areas=(rng.choice(("Housing Repairs", "Waste", "Planning")),),
        representatives=reps,
    )


def save_until_killed(store_path: str, seed: int) -> None:
    store = open_store(store_path)
    rng = random.Random(seed)
    print("ready", flush=True)
    saved: list[str] = []
    notes: dict[str, int] = {}
    complaints: list[str] = []  # logged, not yet acknowledged
    acknowledged: list[str] = []
    extensions: dict[str, int] = {}
    for n in range(1, 100_000):
        # Each kind of save early on (a kill often comes within the first few), then a mix.
        roll = (1.0, 0.0, 0.2, 0.4)[n - 1] if n <= 4 else rng.random()
        if complaints and roll < 0.15:
            ref = complaints.pop(rng.randrange(len(complaints)))
            with store.write() as s:
                stages.acknowledge(
                    s,
                    LOCAL_ADMIN,
                    ref,
                    acknowledged=date(2026, 2, 2),
                    definition=DEFINITION,
                    handler="A. Smith",
                    expected_version=None,
                    today=TODAY,
                )
            acknowledged.append(ref)
            print(f"ack {ref}", flush=True)
            continue
        if acknowledged and roll < 0.25:
            ref = rng.choice(acknowledged)
            if extensions.get(ref, 0) < 2:
                with store.write() as s:
                    stages.extend(
                        s,
                        LOCAL_ADMIN,
                        ref,
                        days=5,
                        reason="Waiting for a surveyor",
                        told_on=date(2026, 2, 10),
                        expected_version=None,
                        today=date(2026, 2, 10),  # agreed before the response was due
                    )
                extensions[ref] = extensions.get(ref, 0) + 1
                print(f"ext {ref} {extensions[ref]}", flush=True)
                continue
        if saved and roll < 0.5:
            ref = rng.choice(saved)
            with store.write() as s:
                add_note(s, LOCAL_ADMIN, ref, text=f"Note {n}", expected_version=None)
            notes[ref] = notes.get(ref, 0) + 1
            print(f"note {ref} {notes[ref]}", flush=True)
            continue
        record = new_record(rng, n)
        if n == 1:
            record = replace(record, kind="complaint")
        with store.write() as s:
            ref = log_record(s, LOCAL_ADMIN, record, today=TODAY).reference
        saved.append(ref)
        if record.kind == "complaint":
            complaints.append(ref)
        print(f"saved {ref}", flush=True)


def warm_up() -> None:
    """Load policies and calendars once, so each forked saver starts saving at once."""
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "warm.sqlite")
        with store.write() as s:
            log_record(s, LOCAL_ADMIN, new_record(random.Random(0), 1), today=TODAY)
        store.close()


def serve() -> None:
    """Fork one saver per request line; children are reaped automatically."""
    warm_up()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    for line in sys.stdin:
        store_path, seed, out = line.split()
        pid = os.fork()
        if pid == 0:
            fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(fd, 1)
            sys.stdout = os.fdopen(1, "w", buffering=1)
            try:
                save_until_killed(store_path, int(seed))
            finally:
                os._exit(0)
        print(pid, flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "--serve":
        serve()
    else:
        save_until_killed(sys.argv[1], int(sys.argv[2]))
