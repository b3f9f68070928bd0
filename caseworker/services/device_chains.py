"""Each replica's own audit chain, kept and checked link by link on the server (SITES.md).

A replica sends with every batch the links of its chain the server does not hold yet: for
each event the fields its digest covers (sequence, time, actor, role, case, action, the
digest of its changes, the previous digest, its digest), never the changes themselves. The
server checks that they follow on from the last link it holds, with no gap and no fork, and
recomputes every digest; ``audit verify`` on the server checks every device's chain again,
and that each batch's recorded device head is in it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from caseworker.domain.errors import CaseworkerError
from caseworker.services.audit import GENESIS, event_digest
from db.models import AuditEvent, DeviceAuditEvent

SYNC_BATCH = "sync-batch"


class ChainRefused(CaseworkerError):
    """A batch whose device chain has a gap, a fork or an altered link: nothing applied."""


@dataclass(frozen=True)
class Link:
    """One event of a chain as its digest covers it."""

    seq: int
    at: datetime
    actor: str
    role: str
    case_id: str | None
    action: str
    changes_digest: str
    prev_digest: str
    digest: str

    def as_row(self, device_id: str) -> dict[str, Any]:
        return {"device_id": device_id, **self.__dict__}


def _link(row: AuditEvent | DeviceAuditEvent) -> Link:
    return Link(
        row.seq,
        row.at,
        row.actor,
        row.role,
        row.case_id,
        row.action,
        row.changes_digest,
        row.prev_digest,
        row.digest,
    )


def short(device_id: str) -> str:
    return device_id[:8]


def local_links(session: Session, after: int) -> list[Link]:
    """On a replica: its own chain's links numbered after ``after``, oldest first."""
    stmt = select(AuditEvent).where(AuditEvent.seq > after).order_by(AuditEvent.seq)
    return [_link(e) for e in session.scalars(stmt)]


def held_head(session: Session, device_id: str) -> tuple[int, str]:
    """On the server: the device's newest link it holds (0 and the genesis digest if none)."""
    row = session.execute(
        select(DeviceAuditEvent.seq, DeviceAuditEvent.digest)
        .where(DeviceAuditEvent.device_id == device_id)
        .order_by(DeviceAuditEvent.seq.desc())
        .limit(1)
    ).first()
    return (int(row[0]), str(row[1])) if row is not None else (0, GENESIS)


def _recomputed(link: Link) -> str:
    return event_digest(
        link.prev_digest,
        link.at,
        link.actor,
        link.role,
        link.case_id,
        link.action,
        link.changes_digest,
    )


def follow_on(
    device_id: str, held: tuple[int, str], links: Sequence[Link], held_digests: dict[int, str]
) -> tuple[list[Link], str | None]:
    """The links of ``links`` the server does not hold yet, and the first problem if any.

    ``held`` is the newest link the server holds; ``held_digests`` the digests it holds for
    any sent link numbered at or below it (a link sent again must be the same link).
    """
    seq, digest = held
    new: list[Link] = []
    for link in links:
        where = f"device {short(device_id)}, event {link.seq}"
        if link.seq <= seq:
            if held_digests.get(link.seq) != link.digest:
                return new, (
                    f"{where}: differs from the event {link.seq} the server holds "
                    "(a fork: the PC's chain was rewritten or restored from an older copy)"
                )
            continue
        if link.seq != seq + 1:
            return new, (
                f"{where}: event {seq + 1} is missing (a gap: the server holds the chain up to "
                f"event {seq})"
            )
        if link.prev_digest != digest:
            return new, (
                f"{where}: does not follow event {seq} (a fork: its previous digest is not the "
                "one the server holds)"
            )
        if _recomputed(link) != link.digest:
            return new, f"{where}: was altered (its digest does not match its contents)"
        new.append(link)
        seq, digest = link.seq, link.digest
    return new, None


def take_links(session: Session, device_id: str, links: Sequence[Link]) -> tuple[int, str]:
    """On the server, in the batch's transaction: check the device's links and keep the new
    ones; returns the device's newest link (sequence, digest).

    Raises:
        ChainRefused: a gap, a fork or an altered link (the caller's transaction rolls back,
            so nothing of the batch is applied).
    """
    held = held_head(session, device_id)
    again = [link.seq for link in links if link.seq <= held[0]]
    held_digests: dict[int, str] = {}
    if again:
        held_digests = {
            int(s): str(d)
            for s, d in session.execute(
                select(DeviceAuditEvent.seq, DeviceAuditEvent.digest).where(
                    DeviceAuditEvent.device_id == device_id, DeviceAuditEvent.seq.in_(again)
                )
            )
        }
    new, problem = follow_on(device_id, held, links, held_digests)
    if problem is not None:
        raise ChainRefused(
            f"The server refused this PC's changes: its audit chain does not check out "
            f"({problem}). Nothing was applied; the changes wait on this PC. Ask IT to look "
            "at it (caseworker audit verify on this PC and on the server)"
        )
    if new:
        session.execute(insert(DeviceAuditEvent), [link.as_row(device_id) for link in new])
    return (new[-1].seq, new[-1].digest) if new else held


@dataclass(frozen=True)
class DeviceChainProblem:
    device_id: str
    seq: int
    problem: str


def _check_device(device_id: str, links: Iterable[Link]) -> DeviceChainProblem | None:
    seq, digest = 0, GENESIS
    for link in links:
        where = f"device {short(device_id)}, event {link.seq}"
        if link.seq != seq + 1:
            return DeviceChainProblem(
                device_id, seq + 1, f"device {short(device_id)}, event {seq + 1}: missing (a gap)"
            )
        if link.prev_digest != digest:
            return DeviceChainProblem(
                device_id, link.seq, f"{where}: does not follow event {seq} (a fork)"
            )
        if _recomputed(link) != link.digest:
            return DeviceChainProblem(device_id, link.seq, f"{where}: was altered")
        seq, digest = link.seq, link.digest
    return None


def verify_device_chains(session: Session) -> tuple[int, DeviceChainProblem | None]:
    """On the server: check every device's chain link by link, and that the device head
    each ``sync-batch`` event recorded is in it. Returns how many devices' chains were
    checked and the first problem, naming the device and the event."""
    devices = [
        str(d)
        for d in session.scalars(
            select(DeviceAuditEvent.device_id).distinct().order_by(DeviceAuditEvent.device_id)
        )
    ]
    digests: dict[str, dict[int, str]] = {}
    for device_id in devices:
        stmt = (
            select(DeviceAuditEvent)
            .where(DeviceAuditEvent.device_id == device_id)
            .order_by(DeviceAuditEvent.seq)
        )
        links = [_link(row) for row in session.scalars(stmt)]
        problem = _check_device(device_id, links)
        if problem is not None:
            return len(devices), problem
        digests[device_id] = {link.seq: link.digest for link in links}
    batches = select(AuditEvent.changes).where(AuditEvent.action == SYNC_BATCH)
    for changes in session.scalars(batches):
        device_id = str(changes.get("device", ""))
        seq, head = changes.get("device_seq"), changes.get("device_head")
        if not isinstance(seq, int) or not seq:  # a batch from before chains were kept
            continue
        if digests.get(device_id, {}).get(seq) != head:
            return len(devices), DeviceChainProblem(
                device_id,
                seq,
                f"device {short(device_id)}, event {seq}: the server took a batch up to this "
                "event, and it is no longer in the device's chain (removed or rewritten)",
            )
    return len(devices), None
