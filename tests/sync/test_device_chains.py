"""Each replica's audit chain, checked link by link by the server at every batch and again by
``caseworker audit verify`` on the server (issue 13: "the server checks every link when it
takes a batch ... names any gap or fork")."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import delete, func, select, update
from sync_world import PASSWORD, TODAY, Server, references, waiting

from caseworker.cli import main
from caseworker.services.audit import GENESIS, verify_chain
from caseworker.services.device_chains import ChainRefused, verify_device_chains
from caseworker.services.records import add_note
from caseworker.sync.replica import identity, sync
from db.models import AuditEvent, DeviceAuditEvent, Note, SyncIngest
from db.store import Store


def _device(store: Store) -> str:
    with store.read() as s:
        me = identity(s)
        assert me is not None
        return me.device_id


def _links(server: Server, device: str) -> list[tuple[int, str, str]]:
    with server.store.read() as s:
        stmt = (
            select(DeviceAuditEvent.seq, DeviceAuditEvent.prev_digest, DeviceAuditEvent.digest)
            .where(DeviceAuditEvent.device_id == device)
            .order_by(DeviceAuditEvent.seq)
        )
        return [(int(q), str(p), str(d)) for q, p, d in s.execute(stmt)]


def _local_chain(store: Store) -> list[tuple[int, str, str]]:
    with store.read() as s:
        stmt = select(AuditEvent.seq, AuditEvent.prev_digest, AuditEvent.digest).order_by(
            AuditEvent.seq
        )
        return [(int(q), str(p), str(d)) for q, p, d in s.execute(stmt)]


def _note(server: Server, store: Store, ref: str, text: str) -> None:
    with store.write() as s:
        add_note(s, server.actor("amy"), ref, text=text, expected_version=None)


def _server_counts(server: Server) -> tuple[int, int, int, int]:
    with server.store.read() as s:
        return tuple(  # type: ignore[return-value]
            int(s.scalar(select(func.count()).select_from(t)) or 0)
            for t in (Note, SyncIngest, AuditEvent, DeviceAuditEvent)
        )


def test_the_server_keeps_each_devices_chain_and_records_its_newest_digest(
    server: Server, replica: Callable[..., Store]
) -> None:
    a, b = replica("a.sqlite"), replica("b.sqlite")
    ref = references(a)[0]
    _note(server, a, ref, "Rang back")
    _note(server, a, ref, "Rang again")
    _note(server, b, ref, "Called in")
    assert sync(a, server.store, today=TODAY).pushed == 2
    assert sync(b, server.store, today=TODAY).pushed == 1
    # The server holds each device's whole chain as the device has it: replica-create, then
    # one event per note.
    assert _links(server, _device(a)) == _local_chain(a)
    assert [q for q, _p, _d in _links(server, _device(a))] == [1, 2, 3]
    assert _links(server, _device(b)) == _local_chain(b)
    assert _local_chain(a)[0][1] == GENESIS
    with server.store.read() as s:
        batches = [
            e.changes
            for e in s.scalars(
                select(AuditEvent).where(AuditEvent.action == "sync-batch").order_by(AuditEvent.seq)
            )
        ]
        assert verify_chain(s) is None
        assert verify_device_chains(s) == (2, None)
    assert [(c["device"], c["device_seq"], c["device_head"], c["sequences"]) for c in batches] == [
        (_device(a), 3, _local_chain(a)[-1][2], [1, 2]),
        (_device(b), 2, _local_chain(b)[-1][2], [1, 1]),
    ]
    # Nothing new: no batch, no event. A later note sends only the links after the held ones.
    before = _server_counts(server)
    assert sync(a, server.store, today=TODAY).pushed == 0
    assert _server_counts(server) == before
    _note(server, a, ref, "Letter posted")
    assert sync(a, server.store, today=TODAY).pushed == 1
    assert [q for q, _p, _d in _links(server, _device(a))] == [1, 2, 3, 4]


def _refused(server: Server, store: Store) -> str:
    with pytest.raises(ChainRefused) as caught:
        sync(store, server.store, today=TODAY)
    return str(caught.value)


def _explain(device: str, problem: str) -> str:
    return (
        "The server refused this PC's changes: its audit chain does not check out "
        f"(device {device[:8]}, {problem}). Nothing was applied; the changes wait on this PC. "
        "Ask IT to look at it (caseworker audit verify on this PC and on the server)"
    )


def test_a_batch_whose_chain_has_a_missing_link_is_refused_and_nothing_applied(
    server: Server, replica: Callable[..., Store]
) -> None:
    a = replica("a.sqlite")
    ref = references(a)[0]
    _note(server, a, ref, "One")
    _note(server, a, ref, "Two")
    with a.write() as s:  # the first note's event taken out of the PC's chain
        s.execute(delete(AuditEvent).where(AuditEvent.seq == 2))
    before = _server_counts(server)
    message = _refused(server, a)
    assert message == _explain(
        _device(a), "event 3: event 2 is missing (a gap: the server holds the chain up to event 1)"
    )
    assert _server_counts(server) == before  # no note, no ingest, no event, no link
    assert waiting(a) == 2  # both changes still wait on the PC


def test_an_altered_link_is_refused(server: Server, replica: Callable[..., Store]) -> None:
    a = replica("a.sqlite")
    ref = references(a)[0]
    _note(server, a, ref, "One")
    with a.write() as s:  # someone changes who did it, leaving the digests alone
        s.execute(update(AuditEvent).where(AuditEvent.seq == 2).values(actor="Ada Admin"))
    before = _server_counts(server)
    assert _refused(server, a) == _explain(
        _device(a), "event 2: was altered (its digest does not match its contents)"
    )
    assert _server_counts(server) == before and waiting(a) == 1


def test_a_forked_chain_is_refused(server: Server, replica: Callable[..., Store]) -> None:
    """The PC restored from an older copy after a sync: its new events reuse numbers the
    server already holds with other digests."""
    a = replica("a.sqlite")
    ref = references(a)[0]
    _note(server, a, ref, "One")
    _note(server, a, ref, "Two")
    sync(a, server.store, today=TODAY)
    with a.write() as s:  # as if the file were put back to before the second note...
        s.execute(delete(AuditEvent).where(AuditEvent.seq == 3))
    _note(server, a, ref, "Three")  # ...and work went on: a different event 3, then event 4
    _note(server, a, ref, "Four")
    before = _server_counts(server)
    assert _refused(server, a) == _explain(
        _device(a),
        "event 4: does not follow event 3 (a fork: its previous digest is not the one the "
        "server holds)",
    )
    assert _server_counts(server) == before and waiting(a) == 2


def _verify(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, server: Server
) -> tuple[int, str]:
    monkeypatch.setenv("CASEWORKER_USER", "ada")
    monkeypatch.setenv("CASEWORKER_PASSWORD", PASSWORD)
    code = main(["--db", server.url, "audit", "verify"])
    out, err = capsys.readouterr()
    assert err == ""
    return code, out


def test_audit_verify_on_the_server_checks_every_device_chain_and_names_a_gap_or_fork(
    server: Server,
    replica: Callable[..., Store],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, b = replica("a.sqlite"), replica("b.sqlite")
    ref = references(a)[0]
    for text in ("One", "Two", "Three"):
        _note(server, a, ref, text)
    _note(server, b, ref, "Four")
    sync(a, server.store, today=TODAY)
    sync(b, server.store, today=TODAY)
    code, out = _verify(capsys, monkeypatch, server)
    assert code == 0 and out.endswith("; 2 device chain(s) intact\n"), out
    assert out.startswith("Audit trail intact: ")
    dev = _device(a)

    def tamper(stmt: object) -> tuple[int, str]:
        with server.store.write() as s:
            s.execute(stmt)  # type: ignore[call-overload]
        return _verify(capsys, monkeypatch, server)

    links = {q: d for q, _p, d in _links(server, dev)}
    # A link rewritten with another previous digest: a fork at that link.
    assert tamper(
        update(DeviceAuditEvent)
        .where(DeviceAuditEvent.device_id == dev, DeviceAuditEvent.seq == 3)
        .values(prev_digest="f" * 64)
    ) == (
        1,
        f"Audit trail TAMPERED WITH: device {dev[:8]}, event 3: does not follow event 2 (a fork)\n",
    )
    tamper(
        update(DeviceAuditEvent)
        .where(DeviceAuditEvent.device_id == dev, DeviceAuditEvent.seq == 3)
        .values(prev_digest=links[2])
    )
    # A link taken out of the middle: a gap.
    assert tamper(
        delete(DeviceAuditEvent).where(DeviceAuditEvent.device_id == dev, DeviceAuditEvent.seq == 2)
    ) == (1, f"Audit trail TAMPERED WITH: device {dev[:8]}, event 2: missing (a gap)\n")


def test_audit_verify_names_a_device_chain_cut_short_after_the_server_took_it(
    server: Server,
    replica: Callable[..., Store],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a = replica("a.sqlite")
    _note(server, a, references(a)[0], "One")
    sync(a, server.store, today=TODAY)
    dev = _device(a)
    with server.store.write() as s:  # the newest link removed: the rest still links up
        s.execute(
            delete(DeviceAuditEvent).where(
                DeviceAuditEvent.device_id == dev, DeviceAuditEvent.seq == 2
            )
        )
    assert _verify(capsys, monkeypatch, server) == (
        1,
        f"Audit trail TAMPERED WITH: device {dev[:8]}, event 2: the server took a batch up to "
        "this event, and it is no longer in the device's chain (removed or rewritten)\n",
    )


def test_sync_on_the_command_line_says_why_in_one_line(
    server: Server,
    replica: Callable[..., Store],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a = replica("a.sqlite")
    _note(server, a, references(a)[0], "One")
    with a.write() as s:
        s.execute(delete(AuditEvent).where(AuditEvent.seq == 1))
    assert a.path is not None
    monkeypatch.setenv("CASEWORKER_USER", "amy")
    monkeypatch.setenv("CASEWORKER_PASSWORD", PASSWORD)
    code = main(["--db", str(a.path), "sync"])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert (
        err
        == "caseworker: "
        + _explain(
            _device(a),
            "event 2: event 1 is missing (a gap: the server holds the chain up to event 0)",
        )
        + "\n"
    )
