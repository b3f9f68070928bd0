"""Making a replica from the server, and one sync (push, then pull)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from caseworker.domain.errors import CaseworkerError, InvalidInput
from caseworker.services import permissions
from caseworker.services.actor import Actor
from caseworker.services.audit import record_event
from caseworker.services.settings import get_setting
from caseworker.sync import conflicts, pull
from caseworker.sync.push import Pushed, hand_out_block, push, refill_block
from db.models import Case, Device, ReferenceBlock, ReplicaIdentity, Site, User, new_id
from db.store import Store


class ServerUnreachable(CaseworkerError):
    """The server could not be reached (or the link dropped): nothing was lost."""


@dataclass(frozen=True)
class Made:
    device_id: str
    cases: int
    users: int


def identity(session: Session) -> ReplicaIdentity | None:
    return session.scalar(select(ReplicaIdentity).limit(1))


def create_replica(
    local: Store, server: Store, actor: Actor, site_name: str, server_url: str, *, today: date
) -> Made:
    """Fill the new, empty store ``local`` as a replica of ``server`` for one site.

    Raises:
        NotAllowed: only administrators make replicas.
        InvalidInput: no site of that name on the server, or ``local`` already holds records.
    """
    permissions.check(actor, "replica-create")
    with local.read() as s:
        if any(s.scalar(select(col).limit(1)) is not None for col in (Case.id, User.id)) or (
            identity(s) is not None
        ):
            raise InvalidInput(f"{local.label} already holds records; make a replica in a new file")
    device_id = new_id()
    with server.write() as srv:
        site = srv.scalar(select(Site).where(Site.name == site_name.strip()))
        if site is None:
            names = ", ".join(srv.scalars(select(Site.name).order_by(Site.name))) or "none yet"
            raise InvalidInput(f"The server has no site called {site_name!r} (sites: {names})")
        site_id = site.id
        head = pull.server_head(srv)
        reference = pull.read_reference(srv)
        ids = [
            str(c)
            for c in srv.scalars(
                select(Case.id).where(
                    Case.site_id == site_id,
                    Case.status.in_(pull.OPEN),
                    Case.restricted.is_(False),
                )
            )
        ]
        cases = pull.read_cases(srv, ids)
        prefix = str(get_setting(srv, "reference_prefix"))
        srv.add(
            Device(device_id=device_id, site=site.name, made_by=actor.display_name, made_at=_now())
        )
        block = hand_out_block(srv, device_id, prefix, today.year)
        record_event(
            srv,
            actor,
            "replica-create",
            None,
            {"device": device_id, "site": site.name, "cases": len(ids)},
        )
    with local.write() as s:
        pull.write_reference(s, reference)
        pull.write_cases(s, cases)
        s.add(
            ReplicaIdentity(
                device_id=device_id,
                server_url=server_url,
                site=site_name.strip(),
                site_id=site_id,
                cursor=head,
                created_at=_now(),
            )
        )
        s.add(ReferenceBlock(**block))
        s.flush()
        record_event(
            s,
            actor,
            "replica-create",
            None,
            {"device": device_id, "site": site_name, "cases": len(ids)},
        )
    return Made(device_id, len(ids), len(reference["users"]))


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


@dataclass(frozen=True)
class Synced:
    pushed: int
    pulled: int
    conflicts: int
    server: str


def pull_changes(local: Store, server: Store) -> int:
    """Bring the replica's cases and shared lists up to the server's; returns cases pulled."""
    with local.read() as s:
        me = identity(s)
        assert me is not None
        cursor, site_id = me.cursor, me.site_id
        held = {str(c) for c in s.scalars(select(Case.id))}
        waiting = pull.pending_cases(s)
        unresolved = conflicts.open_ids(s)
    with server.read() as srv:
        head = pull.server_head(srv)
        changed = pull.changed_cases(srv, cursor, head)
        scope = [c for c in pull.cases_in_scope(srv, changed, site_id, held) if c not in waiting]
        reference = pull.read_reference(srv)
        cases = pull.read_cases(srv, scope)
        resolved = conflicts.resolutions(srv, unresolved)
    with local.write() as s:
        pull.write_reference(s, reference)
        count = pull.write_cases(s, cases)
        conflicts.copy_resolutions(s, resolved)
        me = identity(s)
        assert me is not None
        me.cursor = head
        me.last_sync_at = _now()
    return count


def sync(local: Store, server: Store, *, today: date) -> Synced:
    """Push this replica's waiting changes, refill its references, then pull.

    Raises:
        ServerUnreachable: the link failed on the way (what was taken stays taken; the rest
            waits for the next sync).
    """
    with local.read() as s:
        me = identity(s)
        if me is None:
            raise InvalidInput(
                f"{local.label} is not a replica (make one with caseworker replica create)"
            )
        device_id = me.device_id
        prefix = str(get_setting(s, "reference_prefix"))
    try:
        pushed: Pushed = push(local, server, device_id)
        refill_block(local, server, device_id, prefix, today.year)
        pulled = pull_changes(local, server)
    except OperationalError as exc:
        raise ServerUnreachable(
            f"The link to the server failed during the sync ({type(exc).__name__})"
        ) from None
    return Synced(pushed.pushed, pulled, pushed.conflicts, server.label)
