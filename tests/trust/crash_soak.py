"""Kill a saving process at random moments and check nothing reported saved was lost.

The CI test runs a few dozen trials; the longer run is
``python -m tests.trust.crash_soak --trials 1000`` (or ``CASEWORKER_CRASH_TRIALS=1000``
for the test).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select, text

from caseworker.services.audit import verify_chain
from db.models import AuditEvent, Case, CaseParty, ExtensionRecord, Note
from db.store import open_store

ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("crash_worker.py")


@dataclass
class Totals:
    """What the trials found (every figure but ``trials`` and ``saves`` must stay 0)."""

    trials: int = 0
    saves: int = 0
    notes: int = 0
    acknowledgements: int = 0
    extensions: int = 0
    lost: int = 0
    half_written: int = 0
    integrity_failures: int = 0
    chain_failures: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (
            self.lost or self.half_written or self.integrity_failures or self.chain_failures
        )


@dataclass
class Reported:
    """What a saver reported saved (each line printed only after its commit)."""

    saved: list[str] = field(default_factory=list)
    notes: dict[str, int] = field(default_factory=dict)
    acknowledged: list[str] = field(default_factory=list)
    extensions: dict[str, int] = field(default_factory=dict)


def _reported(output: str) -> Reported:
    out = Reported()
    for line in output.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        if parts[0] == "saved":
            out.saved.append(parts[1])
        elif parts[0] == "note" and len(parts) == 3:
            out.notes[parts[1]] = int(parts[2])
        elif parts[0] == "ack":
            out.acknowledged.append(parts[1])
        elif parts[0] == "ext" and len(parts) == 3:
            out.extensions[parts[1]] = int(parts[2])
    return out


class ForkServer:
    """The worker in ``--serve`` mode: each trial forks an already-imported saver."""

    def __init__(self) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(
            [sys.executable, str(WORKER), "--serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=ROOT,
            env=env,
            text=True,
        )

    def start(self, store_path: Path, seed: int, out: Path) -> int:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"{store_path} {seed} {out}\n")
        self.proc.stdin.flush()
        return int(self.proc.stdout.readline())

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait_for(condition: Callable[[], bool], what: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.002)


def run_trial(
    server: ForkServer, template: Path, folder: Path, rng: random.Random, totals: Totals
) -> None:
    """One trial: a fresh store, a saver killed after a random delay, then the checks."""
    store_path = folder / f"trial-{totals.trials}.sqlite"
    out = folder / f"trial-{totals.trials}.out"
    shutil.copyfile(template, store_path)
    pid = server.start(store_path, rng.randrange(1 << 30), out)
    _wait_for(lambda: out.exists() and out.read_text().startswith("ready\n"), "the saver")
    # Kill after a random number of reported saves (0 to 8) and then a random moment, so
    # kills fall among every kind of save however fast or loaded the machine is.
    wanted = rng.randint(0, 8)
    _wait_for(lambda: out.read_text().count("\n") > wanted or not _alive(pid), "the saves", 60.0)
    time.sleep(rng.uniform(0.0, 0.05))
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    _wait_for(lambda: not _alive(pid), "the saver to die")
    output = out.read_text()
    # A line cut off by the kill has no newline yet; only whole lines were reported.
    reported = _reported(output[: output.rfind("\n") + 1])
    totals.trials += 1
    totals.saves += len(reported.saved)
    totals.notes += sum(reported.notes.values())
    totals.acknowledgements += len(reported.acknowledged)
    totals.extensions += sum(reported.extensions.values())
    check_store(store_path, reported, totals)
    for suffix in ("", "-wal", "-shm"):
        store_path.with_name(store_path.name + suffix).unlink(missing_ok=True)
    out.unlink()


def check_store(path: Path, reported: Reported, totals: Totals) -> None:
    """Every reported save present; no case half-written; integrity and chain hold."""
    saved, notes = reported.saved, reported.notes
    store = open_store(path)  # recovers the WAL as any later start would
    try:
        with store.read() as s:
            for ref in reported.acknowledged:
                if s.scalar(select(Case.acknowledged).where(Case.reference == ref)) is None:
                    totals.lost += 1
                    totals.problems.append(f"{path.name}: {ref} acknowledged but not saved")
            for ref, wanted in reported.extensions.items():
                case_id = s.scalar(select(Case.id).where(Case.reference == ref))
                have = s.scalar(
                    select(func.count())
                    .select_from(ExtensionRecord)
                    .where(ExtensionRecord.case_id == case_id)
                )
                if (have or 0) < wanted:
                    totals.lost += 1
                    totals.problems.append(f"{path.name}: {ref} has {have} extensions of {wanted}")
            refs = set(s.scalars(select(Case.reference)))
            for ref in saved:
                if ref not in refs:
                    totals.lost += 1
                    totals.problems.append(f"{path.name}: {ref} reported saved but missing")
            for ref, wanted in notes.items():
                case_id = s.scalar(select(Case.id).where(Case.reference == ref))
                have = s.scalar(
                    select(func.count()).select_from(Note).where(Note.case_id == case_id)
                )
                if (have or 0) < wanted:
                    totals.lost += 1
                    totals.problems.append(f"{path.name}: {ref} has {have} notes, {wanted} saved")
            for case_id, ref in s.execute(select(Case.id, Case.reference)):
                parties = s.scalar(
                    select(func.count()).select_from(CaseParty).where(CaseParty.case_id == case_id)
                )
                logged = s.scalar(
                    select(func.count())
                    .select_from(AuditEvent)
                    .where(AuditEvent.case_id == case_id, AuditEvent.action == "log-record")
                )
                indexed = s.scalar(
                    text("SELECT count(*) FROM case_search WHERE case_id = :id"), {"id": case_id}
                )
                if not parties or logged != 1 or indexed != 1:
                    totals.half_written += 1
                    totals.problems.append(
                        f"{path.name}: {ref} half-written (parties {parties}, "
                        f"audit {logged}, search {indexed})"
                    )
            if verify_chain(s) is not None:
                totals.chain_failures += 1
                totals.problems.append(f"{path.name}: audit chain broken")
    finally:
        store.close()
    conn = sqlite3.connect(path)
    try:
        if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            totals.integrity_failures += 1
            totals.problems.append(f"{path.name}: integrity check failed")
    finally:
        conn.close()


def run_trials(trials: int, seed: int, progress: bool = False) -> Totals:
    totals = Totals()
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="caseworker-crash-") as tmp:
        folder = Path(tmp)
        template = folder / "template.sqlite"
        open_store(template).close()
        started = time.monotonic()
        server = ForkServer()
        try:
            for _ in range(trials):
                run_trial(server, template, folder, rng, totals)
                if progress and totals.trials % 50 == 0:
                    print(summary(totals, time.monotonic() - started), flush=True)
        finally:
            server.close()
    return totals


def summary(totals: Totals, seconds: float) -> str:
    return (
        f"{totals.trials} kill trials in {seconds:.0f} s: {totals.saves} cases, "
        f"{totals.notes} notes, {totals.acknowledgements} acknowledgements and "
        f"{totals.extensions} extensions reported saved; lost {totals.lost}, half-written "
        f"{totals.half_written}, integrity failures {totals.integrity_failures}, "
        f"audit chain failures {totals.chain_failures}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20260601)
    args = parser.parse_args()
    started = time.monotonic()
    totals = run_trials(args.trials, args.seed, progress=True)
    print(summary(totals, time.monotonic() - started))
    for problem in totals.problems[:50]:
        print(problem)
    return 0 if totals.ok else 1


if __name__ == "__main__":
    sys.exit(main())
