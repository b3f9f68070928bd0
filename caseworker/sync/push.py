"""Pushing a replica's outbox: one server transaction per batch, idempotent on (device, seq)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseworker.services.audit import record_event
from caseworker.services.device_chains import SYNC_BATCH, Link, held_head, local_links, take_links
from caseworker.services.replication import holds_bytes, without_bytes
from caseworker.sync.replay import Outcome, replay, sync_actor
from db.dialect import Lock, serialise
from db.models import Device, OutboxEntry, ReferenceBlock, ReferenceCounter, SyncConflict
from db.store import Store

BATCH = 200
BLOCK = 200  # reference numbers handed to a device at a time (refilled when half are used)
PAST_BLOCK = 20  # for last year's contacts, logged late


@dataclass(frozen=True)
class Pushed:
    pushed: int
    conflicts: int


def _entry(row: OutboxEntry) -> dict[str, Any]:
    return {col.name: getattr(row, col.name) for col in OutboxEntry.__table__.columns}


def pending(session: Session, limit: int | None = None) -> list[dict[str, Any]]:
    stmt = select(OutboxEntry).where(OutboxEntry.pushed_at.is_(None)).order_by(OutboxEntry.seq)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [_entry(r) for r in session.scalars(stmt)]


def waiting(session: Session) -> int:
    """How many changes on this replica the server has not taken yet."""
    stmt = select(func.count()).select_from(OutboxEntry).where(OutboxEntry.pushed_at.is_(None))
    return int(session.scalar(stmt) or 0)


def take_batch(
    server: Session, device_id: str, entries: list[dict[str, Any]], links: list[Link]
) -> list[Outcome]:
    """On the server, in its transaction: check the device's chain links the batch carries
    (a gap, a fork or an altered link refuses the whole batch), replay each intent once, and
    append one audit event naming the device and its newest chain link.

    Raises:
        ChainRefused: the device's chain does not follow on from what the server holds.
    """
    before = held_head(server, device_id)
    head_seq, head = take_links(server, device_id, links)
    outcomes = [replay(server, e) for e in entries]
    new = [o for o in outcomes if o.new]
    device = server.get(Device, device_id)
    if device is not None:
        device.last_seen = datetime.now().replace(microsecond=0)
    if new or head_seq != before[0]:
        record_event(
            server,
            sync_actor(device_id),
            SYNC_BATCH,
            None,
            {
                "device": device_id,
                "sequences": [new[0].device_seq, new[-1].device_seq] if new else [],
                "applied": sum(o.outcome == "applied" for o in new),
                "conflicts": sum(len(o.conflicts) for o in new),
                "device_seq": head_seq,
                "device_head": head,
            },
        )
    return outcomes


def mark_pushed(local: Session, outcomes: list[Outcome], device_id: str) -> int:
    """On the replica: entries the server took are done; its conflicts are kept here too."""
    now = datetime.now().replace(microsecond=0)
    conflicts = 0
    rows = {
        r.device_seq: r
        for r in local.scalars(
            select(OutboxEntry).where(
                OutboxEntry.device_id == device_id,
                OutboxEntry.device_seq.in_([o.device_seq for o in outcomes]),
            )
        )
    }  # the batch's entries in one read
    for o in outcomes:
        row = rows.get(o.device_seq)
        if row is not None:
            row.pushed_at = now
            row.outcome = o.outcome
            if holds_bytes(row.args):  # taken: the digest stays, the bytes go
                row.args = without_bytes(row.args)
        for c in o.conflicts:
            if local.get(SyncConflict, c["id"]) is None:
                local.add(SyncConflict(**c))
            conflicts += 1
    local.flush()
    return conflicts


def push(local: Store, server: Store, device_id: str) -> Pushed:
    """Push every waiting intent, a batch at a time, each with the links of this PC's audit
    chain the server does not hold yet (a batch of links only when no intent waits).

    A crash after the server's commit and before the replica marks the batch leaves it
    waiting; pushed again, the server finds each (device, sequence) taken and changes
    nothing.

    Raises:
        ChainRefused: the server found a gap, fork or altered link in this PC's chain.
    """
    total = conflicts = 0
    while True:
        with server.read() as srv:
            held, _digest = held_head(srv, device_id)
        with local.read() as s:
            entries = pending(s, BATCH)
            links = local_links(s, held)
        if not entries and not links:
            return Pushed(total, conflicts)
        with server.write() as srv:
            outcomes = take_batch(srv, device_id, entries, links)
        with local.write() as s:
            conflicts += mark_pushed(s, outcomes, device_id)
        total += len(entries)
        if not entries:
            return Pushed(total, conflicts)


def refill_block(
    local: Store, server: Store, device_id: str, prefix: str, year: int, size: int = BLOCK
) -> None:
    """Give the device another block of ``size`` references for ``year`` when it has fewer
    than half of that left."""
    with local.read() as s:
        left = sum(
            b.last - b.next_number + 1
            for b in s.scalars(
                select(ReferenceBlock).where(
                    ReferenceBlock.device_id == device_id,
                    ReferenceBlock.prefix == prefix,
                    ReferenceBlock.year == year,
                )
            )
        )
    if left >= size // 2:
        return
    with server.write() as srv:
        block = hand_out_block(srv, device_id, prefix, year, size)
    with local.write() as s:
        s.add(ReferenceBlock(**block))


def hand_out_block(
    server: Session, device_id: str, prefix: str, year: int, size: int = BLOCK
) -> dict[str, Any]:
    """On the server: the next ``size`` numbers of the year's counter, given to the device
    (the server's own references continue after them; gaps are fine)."""
    serialise(server, Lock.RECORD)  # the same counter the server's own intake takes from
    counter = server.get(ReferenceCounter, (prefix, year))
    if counter is None:
        counter = ReferenceCounter(prefix=prefix, year=year, last=0)
        server.add(counter)
    first = counter.last + 1
    counter.last += size
    block = {
        "device_id": device_id,
        "prefix": prefix,
        "year": year,
        "first": first,
        "last": first + size - 1,
        "next_number": first,
    }
    server.add(ReferenceBlock(**block))
    server.flush()
    return block
