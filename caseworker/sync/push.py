"""Pushing a replica's outbox: one server transaction per batch, idempotent on (device, seq)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseworker.services.audit import chain_head, record_event
from caseworker.sync.replay import Outcome, replay, sync_actor
from db.models import Device, OutboxEntry, ReferenceBlock, ReferenceCounter, SyncConflict
from db.store import Store

BATCH = 200
BLOCK = 200  # reference numbers handed to a device at a time (refilled when half are used)


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
    server: Session, device_id: str, entries: list[dict[str, Any]], head: str
) -> list[Outcome]:
    """On the server, in its transaction: replay each intent once; one audit event for the
    batch naming the device and its newest audit digest."""
    outcomes = [replay(server, e) for e in entries]
    new = [o for o in outcomes if o.new]
    device = server.get(Device, device_id)
    if device is not None:
        device.last_seen = datetime.now().replace(microsecond=0)
    if new:
        record_event(
            server,
            sync_actor(device_id),
            "sync-batch",
            None,
            {
                "device": device_id,
                "sequences": [new[0].device_seq, new[-1].device_seq],
                "applied": sum(o.outcome == "applied" for o in new),
                "conflicts": sum(len(o.conflicts) for o in new),
                "device_head": head,
            },
        )
    return outcomes


def mark_pushed(local: Session, outcomes: list[Outcome], device_id: str) -> int:
    """On the replica: entries the server took are done; its conflicts are kept here too."""
    now = datetime.now().replace(microsecond=0)
    conflicts = 0
    for o in outcomes:
        row = local.scalar(
            select(OutboxEntry).where(
                OutboxEntry.device_id == device_id, OutboxEntry.device_seq == o.device_seq
            )
        )
        if row is not None:
            row.pushed_at = now
            row.outcome = o.outcome
        for c in o.conflicts:
            if local.get(SyncConflict, c["id"]) is None:
                local.add(SyncConflict(**c))
            conflicts += 1
    local.flush()
    return conflicts


def push(local: Store, server: Store, device_id: str) -> Pushed:
    """Push every waiting intent, a batch at a time.

    A crash after the server's commit and before the replica marks the batch leaves it
    waiting; pushed again, the server finds each (device, sequence) taken and changes
    nothing.
    """
    total = conflicts = 0
    while True:
        with local.read() as s:
            entries = pending(s, BATCH)
            head = chain_head(s)
        if not entries:
            return Pushed(total, conflicts)
        with server.write() as srv:
            outcomes = take_batch(srv, device_id, entries, head)
        with local.write() as s:
            conflicts += mark_pushed(s, outcomes, device_id)
        total += len(entries)


def refill_block(local: Store, server: Store, device_id: str, prefix: str, year: int) -> None:
    """Give the device another block of references for ``year`` when half of its are used."""
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
    if left >= BLOCK // 2:
        return
    with server.write() as srv:
        block = hand_out_block(srv, device_id, prefix, year)
    with local.write() as s:
        s.add(ReferenceBlock(**block))


def hand_out_block(server: Session, device_id: str, prefix: str, year: int) -> dict[str, Any]:
    """On the server: the next ``BLOCK`` numbers of the year's counter, given to the device
    (the server's own references continue after them; gaps are fine)."""
    counter = server.get(ReferenceCounter, (prefix, year))
    if counter is None:
        counter = ReferenceCounter(prefix=prefix, year=year, last=0)
        server.add(counter)
    first = counter.last + 1
    counter.last += BLOCK
    block = {
        "device_id": device_id,
        "prefix": prefix,
        "year": year,
        "first": first,
        "last": first + BLOCK - 1,
        "next_number": first,
    }
    server.add(ReferenceBlock(**block))
    server.flush()
    return block
