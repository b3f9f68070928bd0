"""Many writers on one PostgreSQL store, as real processes: the trials behind the README figures.

Run the long versions (1,000 trials, 1,000 intakes, 8 imports) with::

    .venv/bin/python tests/trust/server_writers.py            # a throwaway cluster of its own
    CASEWORKER_TEST_PG=postgresql+psycopg://postgres@HOST:PORT/postgres PGPASSFILE=... \\
        .venv/bin/python tests/trust/server_writers.py --trials 1000 --intakes 1000

``tests/trust/test_server_writers.py`` runs the same functions with fewer trials.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

HERE = Path(__file__).resolve().parent
for extra in (HERE, HERE.parent):  # trust_helpers and pg_server, when run as a script
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from caseworker.services.actor import Actor, Role  # noqa: E402
from caseworker.services.errors import StaleCase  # noqa: E402
from caseworker.services.importer import import_records  # noqa: E402
from caseworker.services.intake import NewRecord, log_record  # noqa: E402
from caseworker.services.people import PersonInput  # noqa: E402
from caseworker.services.records import add_note  # noqa: E402
from db.models import Case, Note, ServiceArea, Site, Theme  # noqa: E402
from db.store import open_store  # noqa: E402

RECEIVED = date(2026, 2, 2)
TODAY = date(2026, 6, 1)
MOST = 8  # writers in a trial: two to eight
IMPORTER = Actor("importer", "Import Manager", Role.MANAGER)


def writer(n: int) -> Actor:
    return Actor(f"writer{n}", f"Writer {n}", Role.OFFICER)


def new_record(who: int, k: int) -> NewRecord:
    return NewRecord(
        kind="complaint",
        received=RECEIVED,
        complainants=(PersonInput(name=f"Resident {who}-{k}", postcode="S43 4JJ"),),
        description="The roof has leaked since October",
        service_areas=("Housing Repairs",),
        site="Clowne",
    )


# ---- Trials: 2-8 processes save the same case, each from the version it read --------------


def _trial_worker(url: str, n: int, inbox: Any, barriers: dict[int, Any], results: Any) -> None:
    """One PC: told a case, the version it shows and how many race, saves a note from it."""
    store = open_store(url)
    actor = writer(n)
    try:
        while True:
            job = inbox.get()
            if job is None:
                return
            trial, reference, seen, racers = job
            barriers[racers].wait()  # all racers press Save together
            try:
                with store.write() as s:
                    add_note(s, actor, reference, text=f"trial {trial}", expected_version=seen)
                results.put((trial, n, "saved"))
            except StaleCase as exc:
                results.put((trial, n, str(exc)))
    finally:
        store.close()


@dataclass
class TrialFigures:
    trials: int
    writers: int  # attempts in all
    saved: int
    refused: int
    lost: int  # saves that vanished, or more than one save of one version
    told_wrong: int  # refusals that did not name the winner and the time
    by_racers: dict[int, int]
    seconds: float


def run_trials(url: str, trials: int, *, cases: int = 3, seed: int = 12) -> TrialFigures:
    """``trials`` races of 2 to 8 processes, each saving a note on the same case at once."""
    rng = random.Random(seed)
    store = open_store(url)
    refs = []
    with store.write() as s:
        for k in range(cases):
            refs.append(log_record(s, writer(0), new_record(0, k), today=TODAY).reference)
    ctx = multiprocessing.get_context("spawn")
    barriers = {k: ctx.Barrier(k) for k in range(2, MOST + 1)}
    results = ctx.Queue()
    inboxes = [ctx.Queue() for _ in range(MOST)]
    procs = [
        ctx.Process(target=_trial_worker, args=(url, n + 1, inboxes[n], barriers, results))
        for n in range(MOST)
    ]
    for p in procs:
        p.start()
    saved = refused = lost = told_wrong = attempts = 0
    by_racers: Counter[int] = Counter()
    winners: dict[str, list[int]] = {r: [] for r in refs}
    started = time.perf_counter()
    try:
        for trial in range(trials):
            racers = rng.randint(2, MOST)
            chosen = rng.sample(range(MOST), racers)
            reference = rng.choice(refs)
            with store.read() as s:
                seen = s.scalar(select(Case.version).where(Case.reference == reference))
            for n in chosen:
                inboxes[n].put((trial, reference, seen, racers))
            answers = [results.get(timeout=120) for _ in chosen]
            attempts += racers
            by_racers[racers] += 1
            won = [n for _t, n, what in answers if what == "saved"]
            saved += len(won)
            refused += racers - len(won)
            if len(won) != 1:
                lost += max(len(won) - 1, 0) or 1
                continue
            winners[reference].append(trial)
            name = writer(won[0]).display_name
            for _t, _n, what in answers:
                if what != "saved" and not (
                    what.startswith(f"This case was changed by {name} at ")
                    and what.endswith("; reload to see the change")
                ):
                    told_wrong += 1
    finally:
        for box in inboxes:
            box.put(None)
        for p in procs:
            p.join(timeout=60)
    seconds = time.perf_counter() - started
    # Every winning save is in the record, exactly once, and nothing else is.
    with store.read() as s:
        for reference, won_trials in winners.items():
            case_id = s.scalar(select(Case.id).where(Case.reference == reference))
            notes = sorted(s.scalars(select(Note.text).where(Note.case_id == case_id)))
            if notes != sorted(f"trial {t}" for t in won_trials):
                lost += 1
    store.close()
    return TrialFigures(
        trials, attempts, saved, refused, lost, told_wrong, dict(sorted(by_racers.items())), seconds
    )


# ---- Intakes: many advisors log at once, every reference different -----------------------


def _intake_worker(url: str, n: int, count: int, go: Any, results: Any) -> None:
    store = open_store(url)
    refs = []
    go.wait()
    try:
        for k in range(count):
            with store.write() as s:
                refs.append(log_record(s, writer(n), new_record(n, k), today=TODAY).reference)
    finally:
        store.close()
    results.put(refs)


def run_intakes(url: str, processes: int, each: int) -> tuple[list[str], int, float]:
    """``processes`` advisors each log ``each`` records at once; the references they were
    given, and how many cases the store holds after."""
    ctx = multiprocessing.get_context("spawn")
    go, results = ctx.Event(), ctx.Queue()
    procs = [
        ctx.Process(target=_intake_worker, args=(url, n, each, go, results))
        for n in range(processes)
    ]
    for p in procs:
        p.start()
    started = time.perf_counter()
    go.set()
    refs = [r for _ in procs for r in results.get(timeout=600)]
    seconds = time.perf_counter() - started
    for p in procs:
        p.join(timeout=60)
    store = open_store(url)
    with store.read() as s:
        stored = s.scalar(select(func.count()).select_from(Case)) or 0
    store.close()
    return refs, stored, seconds


# ---- Imports: eight imports at once, sharing sites, areas and themes ----------------------

HEADER = "reference,kind,received,channel,site,service_areas,themes,resident_name,description\n"
SITES = ("Clowne", "Bolsover", "Shirebrook", "South Normanton")
AREAS = ("Housing Repairs", "Waste", "Tenancy Services")
THEMES = ("Damp and mould", "Communication", "Delay")


def import_file(folder: Path, n: int, rows: int) -> Path:
    """A spreadsheet of ``rows`` compliments whose names overlap every other file's."""
    lines = [HEADER]
    for k in range(rows):
        site = SITES[(n + k) % len(SITES)]
        area = AREAS[k % len(AREAS)]
        theme = THEMES[(n * 7 + k) % len(THEMES)]
        lines.append(
            f"IMP{n}-{k:03d},compliment,2025-06-{1 + k % 28:02d},email,{site},{area},{theme},"
            f"Resident {n}-{k},Thank you\n"
        )
    path = folder / f"import_{n}.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _import_worker(url: str, path: str, go: Any, results: Any) -> None:
    store = open_store(url)
    go.wait()
    try:
        with store.write() as s:
            summary = import_records(s, IMPORTER, path, today=TODAY)
        results.put(summary.imported)
    except Exception as exc:  # the test reports it
        results.put(f"{type(exc).__name__}: {exc}")
    finally:
        store.close()


@dataclass
class ImportFigures:
    imported: list[Any]
    cases: int
    references: int
    sites: list[str]
    areas: list[str]
    themes: list[str]


def run_imports(url: str, folder: Path, files: int = 8, rows: int = 25) -> ImportFigures:
    paths = [import_file(folder, n, rows) for n in range(files)]
    ctx = multiprocessing.get_context("spawn")
    go, results = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_import_worker, args=(url, str(p), go, results)) for p in paths]
    for p in procs:
        p.start()
    go.set()
    imported = [results.get(timeout=600) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    store = open_store(url)
    with store.read() as s:
        figures = ImportFigures(
            imported=imported,
            cases=s.scalar(select(func.count()).select_from(Case)) or 0,
            references=s.scalar(select(func.count(func.distinct(Case.reference)))) or 0,
            sites=sorted(s.scalars(select(Site.name))),
            areas=sorted(s.scalars(select(ServiceArea.name))),
            themes=sorted(s.scalars(select(Theme.name))),
        )
    store.close()
    return figures


def _fresh(server: Any) -> str:
    url: str = server.fresh_store_url()
    return url


def main(argv: list[str] | None = None) -> int:
    import tempfile

    from pg_server import start_server

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--intakes", type=int, default=1000, help="records, over 8 processes")
    parser.add_argument("--import-rows", type=int, default=125, help="rows in each of 8 files")
    args = parser.parse_args(argv)
    server = start_server()
    if isinstance(server, str):
        print(server, file=sys.stderr)
        return 2
    try:
        t = run_trials(_fresh(server), args.trials)
        print(
            f"trials: {t.trials} races of 2-8 processes {t.by_racers}; {t.writers} saves tried, "
            f"{t.saved} saved, {t.refused} refused as stale, {t.lost} lost, "
            f"{t.told_wrong} refusals not naming the winner; {t.seconds:.0f} s"
        )
        refs, stored, seconds = run_intakes(_fresh(server), 8, args.intakes // 8)
        print(
            f"intakes: {len(refs)} logged by 8 processes at once, {len(set(refs))} different "
            f"references, {stored} cases stored; {seconds:.0f} s"
        )
        with tempfile.TemporaryDirectory() as folder:
            f = run_imports(_fresh(server), Path(folder), 8, args.import_rows)
        print(
            f"imports: 8 at once of {args.import_rows} rows: imported {f.imported}; "
            f"{f.cases} cases, {f.references} references; sites {f.sites}; "
            f"areas {f.areas}; themes {f.themes}"
        )
        ok = t.lost == 0 and t.told_wrong == 0 and len(set(refs)) == len(refs) == stored
        return 0 if ok else 1
    finally:
        server.close()


if __name__ == "__main__":
    sys.exit(main())
