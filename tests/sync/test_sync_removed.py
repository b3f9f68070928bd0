"""``caseworker sync`` says how many cases left this PC at the pull (closed or withdrawn
elsewhere, no longer the site's or its people's), in words and as ``"removed"`` in JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from sync_world import PASSWORD, TODAY, Server, references

from caseworker.cli import main
from caseworker.services.ending import reopen, withdraw
from db.models import Case
from db.store import Store, open_store


def _withdraw(server: Server, name: str) -> str:
    with server.store.write() as s:
        ref = str(s.scalar(select(Case.reference).where(Case.resident_name == name)))
        withdraw(
            s, server.actor("olly"), ref, withdrawn_on=TODAY, reason="Sorted out",
            expected_version=None, today=TODAY,
        )  # fmt: skip
    return ref


def _sync(
    path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *extra: str
) -> str:
    monkeypatch.setenv("CASEWORKER_USER", "olly")
    monkeypatch.setenv("CASEWORKER_PASSWORD", PASSWORD)
    code = main(["--db", str(path), "sync", "--today", TODAY.isoformat(), *extra])
    out, err = capsys.readouterr()
    assert (code, err) == (0, ""), err
    return out


def test_sync_says_how_many_cases_left_this_pc(
    server: Server,
    replica: Callable[..., Store],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pc = replica("pc.sqlite")
    pc.close()  # the command opens it itself
    path = tmp_path / "pc.sqlite"
    label = server.store.label
    _withdraw(server, "Ann Server")
    _withdraw(server, "Bob Server")
    assert _sync(path, capsys, monkeypatch) == (
        f"Synced with {label}: 0 change(s) sent, 0 case(s) brought up to date, "
        "0 conflict(s) to resolve; 2 cases no longer held here were removed\n"
    )
    assert _held(path) == []
    _reopen(server, "Ann Server")  # open again at its site: it comes back at the next pull
    assert json.loads(_sync(path, capsys, monkeypatch, "--json")) == {
        "pushed": 0, "pulled": 1, "conflicts": 0, "removed": 0, "server": label,
    }  # fmt: skip
    _withdraw(server, "Ann Server")
    assert _sync(path, capsys, monkeypatch) == (
        f"Synced with {label}: 0 change(s) sent, 0 case(s) brought up to date, "
        "0 conflict(s) to resolve; 1 case no longer held here was removed\n"
    )
    _reopen(server, "Bob Server")
    _sync(path, capsys, monkeypatch)
    _withdraw(server, "Bob Server")
    assert json.loads(_sync(path, capsys, monkeypatch, "--json")) == {
        "pushed": 0, "pulled": 0, "conflicts": 0, "removed": 1, "server": label,
    }  # fmt: skip
    assert _sync(path, capsys, monkeypatch) == (  # nothing left: no word about removals
        f"Synced with {label}: 0 change(s) sent, 0 case(s) brought up to date, "
        "0 conflict(s) to resolve\n"
    )


def _reopen(server: Server, name: str) -> None:
    with server.store.write() as s:
        ref = str(s.scalar(select(Case.reference).where(Case.resident_name == name)))
        reopen(s, server.actor("olly"), ref, reason="She rang again", expected_version=None)


def _held(path: Path) -> list[str]:
    store = open_store(path)
    try:
        return references(store)
    finally:
        store.close()
