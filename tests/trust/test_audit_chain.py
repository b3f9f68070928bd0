"""``caseworker audit verify`` names the first event altered, inserted or removed."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from trust_helpers import OFFICER, log

from caseworker.cli import main
from caseworker.services.audit import GENESIS, changes_digest, event_digest
from caseworker.services.records import add_note
from db.store import open_store

Tamper = Callable[[sqlite3.Connection], None]


def fill(store_path: Path) -> list[tuple[int, str]]:
    """Three cases with a note each: 10 events (area, then person, record, note per case)."""
    store = open_store(store_path)
    try:
        for name in ("Ann Able", "Ben Baker", "Cat Cole"):
            ref = log(store, OFFICER)
            with store.write() as s:
                add_note(s, OFFICER, ref, text=f"Rang {name}", expected_version=None)
    finally:
        store.close()
    with sqlite3.connect(store_path) as conn:
        return list(conn.execute("SELECT seq, action FROM audit_events ORDER BY seq"))


def verify(store_path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = main(["--db", str(store_path), "audit", "verify", *extra])
    return code, capsys.readouterr().out.strip()


def head(store_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["--db", str(store_path), "audit", "head"]) == 0
    return capsys.readouterr().out.strip()


def tamper(store_path: Path, change: Tamper) -> None:
    with sqlite3.connect(store_path) as conn:
        change(conn)


def _renumber_from(conn: sqlite3.Connection, seq: int) -> None:
    rows = conn.execute("SELECT seq FROM audit_events WHERE seq >= ? ORDER BY seq DESC", (seq,))
    for (n,) in list(rows):
        conn.execute("UPDATE audit_events SET seq = ? WHERE seq = ?", (n + 1, n))


def _forge_in_middle(conn: sqlite3.Connection) -> None:
    """A well-formed event slipped in after event 5, digests worked out properly."""
    prev = conn.execute("SELECT digest FROM audit_events WHERE seq = 5").fetchone()[0]
    _renumber_from(conn, 6)
    at = datetime(2026, 3, 1, 10, 0, 0)
    cdigest = changes_digest({})
    digest = event_digest(prev, at, "O. Officer", "complaints-officer", None, "add-note", cdigest)
    conn.execute(
        "INSERT INTO audit_events (seq, at, actor, role, case_id, action, changes, "
        "changes_digest, prev_digest, digest) VALUES (6, ?, 'O. Officer', "
        "'complaints-officer', NULL, 'add-note', '{}', ?, ?, ?)",
        (at.isoformat(" "), cdigest, prev, digest),
    )


TAMPERINGS: list[tuple[str, Tamper, str]] = [
    (
        "a changed note text",
        lambda c: c.execute(
            "UPDATE audit_events SET changes = json_set(changes, '$.text', 'Never rang') "
            "WHERE seq = 7"
        ),
        "event 7 was altered (its changes do not match)",
    ),
    (
        "a rewrite hidden behind a retention mark",
        lambda c: c.execute(
            "UPDATE audit_events SET changes = json_set(changes, '$.text', 'forged', "
            "'$._redacted', json('true')) WHERE seq = 7"
        ),
        "event 7 was altered (its changes were rewritten behind a retention mark)",
    ),
    (
        "a note blanked by hand with retention's exact mark",
        lambda c: c.execute(
            "UPDATE audit_events SET changes = json_object('_redacted', json('true')) WHERE seq = 7"
        ),
        "event 7 was altered (blanked, but no retention run anonymised its case)",
    ),
    (
        "a retention mark that is not true",
        lambda c: c.execute(
            "UPDATE audit_events SET changes = json_object('_redacted', 1) WHERE seq = 7"
        ),
        "event 7 was altered (its changes were rewritten behind a retention mark)",
    ),
    (
        "an event retention never blanks, marked blanked",
        lambda c: c.execute(
            "UPDATE audit_events SET changes = json_object('_redacted', json('true')) WHERE seq = 1"
        ),
        "event 1 was altered (retention never blanks this kind of event)",
    ),
    (
        "a changed actor",
        lambda c: c.execute("UPDATE audit_events SET actor = 'B. Jones' WHERE seq = 4"),
        "event 4 was altered",
    ),
    (
        "a changed time",
        lambda c: c.execute("UPDATE audit_events SET at = '2026-01-01 00:00:00' WHERE seq = 9"),
        "event 9 was altered",
    ),
    (
        "an event deleted in the middle",
        lambda c: c.execute("DELETE FROM audit_events WHERE seq = 6"),
        "event 6 is missing (removed)",
    ),
    (
        "the first event deleted",
        lambda c: c.execute("DELETE FROM audit_events WHERE seq = 1"),
        "event 2 does not follow the one before it (inserted or removed)",
    ),
    (
        "a forged event with a made-up digest at the end",
        lambda c: c.execute(
            "INSERT INTO audit_events (seq, at, actor, role, case_id, action, changes, "
            "changes_digest, prev_digest, digest) VALUES (11, '2026-06-01 09:00:00', "
            "'O. Officer', 'complaints-officer', NULL, 'close', '{}', ?, ?, ?)",
            ("0" * 64, GENESIS, "f" * 64),
        ),
        "event 11 does not follow the one before it (inserted or removed)",
    ),
    (
        "a well-formed forged event slipped into the middle",
        _forge_in_middle,
        "event 7 does not follow the one before it (inserted or removed)",
    ),
]


@pytest.mark.parametrize(("what", "change", "problem"), TAMPERINGS, ids=[t[0] for t in TAMPERINGS])
def test_verify_names_the_first_tampered_event(
    store_path: Path,
    capsys: pytest.CaptureFixture[str],
    what: str,
    change: Tamper,
    problem: str,
) -> None:
    events = fill(store_path)
    assert len(events) == 10
    assert [a for _s, a in events][:4] == [
        "add-service-area",
        "add-person",
        "log-record",
        "add-note",
    ]
    code, out = verify(store_path, capsys)
    assert (code, out.split(", head")[0]) == (0, "Audit trail intact: 10 events")
    tamper(store_path, change)
    assert verify(store_path, capsys) == (1, f"Audit trail TAMPERED WITH: {problem}")


def test_a_removed_tail_is_caught_against_a_head_printed_earlier(
    store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(store_path)
    printed = head(store_path, capsys)
    assert len(printed) == 64
    assert verify(store_path, capsys, "--expect-head", printed[:12])[0] == 0
    tamper(store_path, lambda c: c.execute("DELETE FROM audit_events WHERE seq >= 9"))
    # The chain that is left is consistent in itself...
    assert verify(store_path, capsys)[0] == 0
    # ...but the head handed out earlier is gone.
    code, out = verify(store_path, capsys, "--expect-head", printed)
    assert code == 1
    assert out.startswith(
        f"Audit trail TAMPERED WITH: the head {printed} printed earlier is no longer in the chain"
    )
    assert out.endswith("after 8 events")


def test_history_rewritten_consistently_is_caught_against_an_earlier_head(
    store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Someone who recomputes every digest after an edit still cannot match an old head."""
    fill(store_path)
    printed = head(store_path, capsys)
    with sqlite3.connect(store_path) as conn:
        conn.execute("UPDATE audit_events SET actor = 'B. Jones' WHERE seq = 4")
        rows = list(
            conn.execute(
                "SELECT seq, at, actor, role, case_id, action, changes_digest "
                "FROM audit_events ORDER BY seq"
            )
        )
        prev = GENESIS
        for seq, at, actor, role, case_id, action, cdigest in rows:
            digest = event_digest(
                prev, datetime.fromisoformat(at), actor, role, case_id, action, cdigest
            )
            conn.execute(
                "UPDATE audit_events SET prev_digest = ?, digest = ? WHERE seq = ?",
                (prev, digest, seq),
            )
            prev = digest
    assert verify(store_path, capsys)[0] == 0
    assert verify(store_path, capsys, "--expect-head", printed)[0] == 1


def test_new_events_after_a_printed_head_are_fine(
    store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(store_path)
    printed = head(store_path, capsys)
    store = open_store(store_path)
    try:
        log(store, OFFICER)
    finally:
        store.close()
    code, out = verify(store_path, capsys, "--expect-head", printed)
    assert code == 0
    assert out.startswith("Audit trail intact: 12 events, head ")


def test_expect_head_must_look_like_a_hash(
    store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(store_path), "audit", "verify", "--expect-head", "xyz"]) == 2
    assert capsys.readouterr().err == (
        "caseworker: --expect-head takes a head hash of at least 8 hex characters\n"
    )


def test_verify_refuses_a_missing_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere.sqlite"
    assert main(["--db", str(missing), "audit", "verify"]) == 2
    assert capsys.readouterr().err == (
        f"caseworker: There is no store at {missing}; check the path (--db PATH or "
        "CASEWORKER_DB), or restore a backup there (caseworker restore BACKUP)\n"
    )
    assert not missing.exists()


def test_a_rewrite_behind_a_retention_mark_is_caught_with_the_head_printed_earlier(
    store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(store_path)
    printed = head(store_path, capsys)
    tamper(
        store_path,
        lambda c: c.execute(
            "UPDATE audit_events SET changes = json_set(changes, '$.text', 'forged', "
            "'$._redacted', json('true')) WHERE seq = 10"
        ),
    )
    assert verify(store_path, capsys, "--expect-head", printed) == (
        1,
        "Audit trail TAMPERED WITH: event 10 was altered (its changes were rewritten behind a "
        "retention mark)",
    )
