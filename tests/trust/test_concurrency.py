"""Two copies on one store: stale edits refused (never merged or lost); a busy store says so."""

from __future__ import annotations

import multiprocessing
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from trust_helpers import OFFICER, counts, log, version

import db.engine
from caseworker.services.actor import Actor, Role
from caseworker.services.errors import StaleCase
from caseworker.services.records import add_note
from db.models import Case, Note
from db.store import Store, StoreBusy, busy_message, open_store

TRIALS = 50
ROUNDS = 25
ALICE = Actor("alice", "Alice Wong", Role.OFFICER)
BOB = Actor("bob", "Bob Hale", Role.OFFICER)


@pytest.fixture
def engine_name() -> str:
    """SQLite's writers on one file; tests/trust/test_server_writers.py is the server's."""
    return "sqlite"


def notes_on(store: Store, reference: str) -> list[str]:
    with store.read() as s:
        case_id = s.scalar(select(Case.id).where(Case.reference == reference))
        return list(
            s.scalars(select(Note.text).where(Note.case_id == case_id).order_by(Note.position))
        )


def test_the_second_of_two_copies_editing_one_case_is_refused(store_path: Path) -> None:
    first, second = open_store(store_path), open_store(store_path)
    try:
        ref = log(first)
        lost = 0
        for trial in range(TRIALS):
            a, b = (first, second) if trial % 2 == 0 else (second, first)
            seen_a, seen_b = version(a, ref), version(b, ref)
            assert seen_a == seen_b
            with a.write() as s:
                add_note(s, ALICE, ref, text=f"A{trial}", expected_version=seen_a)
            with pytest.raises(StaleCase) as info, b.write() as s:
                add_note(s, BOB, ref, text=f"B{trial}", expected_version=seen_b)
            assert str(info.value).startswith("This case was changed by Alice Wong at ")
            assert str(info.value).endswith("; reload to see the change")
            lost += notes_on(a, ref)[-1] != f"A{trial}"
        assert lost == 0
        assert notes_on(first, ref) == [f"A{t}" for t in range(TRIALS)]
    finally:
        first.close()
        second.close()


def _edit_loop(
    path: str,
    reference: str,
    who: str,
    go: Any,
    queue: Any,
) -> None:
    """One copy of the app: reload, edit with the version it saw, retry when refused."""
    store = open_store(path)
    actor = Actor(who, who, Role.OFFICER)
    done: list[int] = []
    refused = 0
    rng = random.Random(who)
    go.wait()
    for n in range(ROUNDS):
        while True:
            seen = version(store, reference)
            time.sleep(rng.uniform(0, 0.02))  # a person reading the case before saving
            try:
                with store.write() as s:
                    add_note(s, actor, reference, text=f"{who} {n}", expected_version=seen)
            except StaleCase:
                refused += 1
                continue
            done.append(seen)
            break
    store.close()
    queue.put((who, done, refused))


def test_two_processes_editing_one_case_lose_no_update(store: Store) -> None:
    ref = log(store)
    start = version(store, ref)
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    go = ctx.Event()
    procs = [
        ctx.Process(target=_edit_loop, args=(str(store.path), ref, who, go, queue))
        for who in ("alice", "bob")
    ]
    for p in procs:
        p.start()
    go.set()
    results = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    saved_on = sorted(v for _who, done, _refused in results for v in done)
    # Every save was based on a different version: no two edits of one version both won.
    assert len(saved_on) == len(set(saved_on)) == 2 * ROUNDS
    notes = notes_on(store, ref)
    assert sorted(notes) == sorted(f"{who} {n}" for who in ("alice", "bob") for n in range(ROUNDS))
    assert saved_on[0] == start
    refused = sum(r for *_x, r in results)
    assert refused > 0  # the two copies really did collide
    print(f"concurrent edits: {2 * ROUNDS} saved, {refused} refused as stale, 0 lost")


HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


def hold_lock(path: Path, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline() == "locked\n"
    return proc


def test_a_store_locked_by_another_writer_says_busy_instead_of_freezing(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db.engine, "BUSY_TIMEOUT_MS", 300)
    store = open_store(store_path)
    try:
        ref = log(store, OFFICER)
        before = counts(store)
        holder = hold_lock(store_path, 30)
        try:
            started = time.monotonic()
            with pytest.raises(StoreBusy) as info, store.write() as s:
                add_note(s, OFFICER, ref, text="Waiting", expected_version=None)
            waited = time.monotonic() - started
        finally:
            holder.kill()
            holder.wait()
        assert str(info.value) == busy_message(store_path)
        assert str(info.value) == (
            f"{store_path} is busy: another copy of Caseworker (or the command line) is "
            "saving. Nothing was saved; try again in a moment"
        )
        assert 0.25 <= waited < 5
        assert counts(store) == before
        with store.write() as s:
            add_note(s, OFFICER, ref, text="Saved after", expected_version=None)
        assert counts(store)["notes"] == before["notes"] + 1
    finally:
        store.close()


def test_a_short_lock_is_waited_out(store_path: Path) -> None:
    store = open_store(store_path)
    try:
        ref = log(store, OFFICER)
        holder = hold_lock(store_path, 0.4)
        with store.write() as s:
            add_note(
                s, OFFICER, ref, text="Saved once the other copy finished", expected_version=None
            )
        holder.wait()
        with store.read() as s:
            assert s.scalar(select(func.count()).select_from(Note)) == 1
    finally:
        store.close()
