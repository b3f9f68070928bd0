"""Once the server has taken a batch, the replica's outbox keeps each entry and the SHA-256 of
its bytes, not the bytes (a document's, a letter's, an import's file): a replica does not
grow with everything it ever sent. A crash between the server's commit and the outbox being
marked keeps the bytes until the push is done again, which changes nothing on the server
(idempotent on device and sequence) and then drops them.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from partitions import pgpass_for_proxies
from proxy import Proxy
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sync_world import TODAY, Server

from caseworker.services.documents import attach_document
from caseworker.services.replication import holds_bytes
from caseworker.sync.replica import ServerUnreachable, sync
from db.models import Case, Document, DocumentContent, OutboxEntry, SyncIngest
from db.raw import StoreError
from db.store import Store, open_store

LETTER = b"Dear council,\nThe damp is back in the bedroom.\nAnn\n"
DIGEST = hashlib.sha256(LETTER).hexdigest()


@pytest.fixture
def proxy(server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Proxy]:
    """A TCP proxy in front of the server (its password file entry matches any port)."""
    given = os.environ.get("PGPASSFILE")
    if given:
        monkeypatch.setenv("PGPASSFILE", str(pgpass_for_proxies(Path(given), tmp_path / "pgpass")))
    url = make_url(server.url)
    made = Proxy(url.host or "127.0.0.1", url.port or 5432)
    yield made
    made.close()


def _attach(pc: Store, server: Server) -> None:
    with pc.read() as s:
        ref = s.scalar(select(Case.reference).where(Case.resident_name == "Ann Server"))
    with pc.write() as s:
        attach_document(
            s, server.actor("olly"), str(ref), data=LETTER, file_name="ann.txt",
            title="Letter from Ann", received=date(2026, 5, 29), sender="Ann", today=TODAY,
        )  # fmt: skip


def _entry(pc: Store) -> OutboxEntry:
    with pc.read() as s:
        entry = s.scalars(select(OutboxEntry)).one()
        s.expunge(entry)
        return entry


def _on_server(server: Server) -> tuple[int, int, list[bytes]]:
    with server.store.read() as s:
        docs = s.scalar(select(func.count()).select_from(Document).where(Document.sha256 == DIGEST))
        taken = s.scalar(select(func.count()).select_from(SyncIngest))
        contents = list(s.scalars(select(DocumentContent.content)))
    return int(docs or 0), int(taken or 0), contents


def test_a_pushed_entry_keeps_the_digest_and_drops_the_bytes(
    server: Server, replica: Callable[..., Store]
) -> None:
    pc = replica("pc.sqlite")
    _attach(pc, server)
    before = _entry(pc)
    assert holds_bytes(before.args) and before.pushed_at is None
    done = sync(pc, server.store, today=TODAY)
    assert (done.pushed, done.conflicts) == (1, 0)
    after = _entry(pc)
    assert (after.device_seq, after.action, after.outcome) == (1, "add-document", "applied")
    assert after.pushed_at is not None and not holds_bytes(after.args)
    assert after.args["kwargs"]["data"] == {"__bytes_sent__": len(LETTER), "sha256": DIGEST}
    assert after.args["kwargs"]["file_name"] == "ann.txt"  # the rest of the intent is kept
    assert _on_server(server) == (1, 1, [LETTER])


def test_a_push_cut_after_the_servers_commit_is_done_again_and_then_drops_the_bytes(
    server: Server, replica: Callable[..., Store], proxy: Proxy
) -> None:
    pc = replica("pc.sqlite")
    _attach(pc, server)
    through_proxy = open_store(proxy.url(server.url))
    try:
        proxy.cut_at_commit(1, after=True)  # the batch commits; its reply never comes back
        with pytest.raises((ServerUnreachable, StoreError)):  # the link dropped
            sync(pc, through_proxy, today=TODAY)
    finally:
        through_proxy.close()
    waiting = _entry(pc)
    assert waiting.pushed_at is None and holds_bytes(waiting.args)  # nothing lost on the PC
    assert _on_server(server) == (1, 1, [LETTER])  # the server has taken it
    proxy.heal()
    through_proxy = open_store(proxy.url(server.url))
    try:
        done = sync(pc, through_proxy, today=TODAY)
    finally:
        through_proxy.close()
    assert (done.pushed, done.conflicts) == (1, 0)  # sent again: the server knew it
    assert _on_server(server) == (1, 1, [LETTER])  # one document, one intake, the same bytes
    after = _entry(pc)
    assert after.pushed_at is not None and not holds_bytes(after.args)
    assert after.args["kwargs"]["data"] == {"__bytes_sent__": len(LETTER), "sha256": DIGEST}
