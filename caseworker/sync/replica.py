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
from caseworker.sync.push import BLOCK, PAST_BLOCK, Pushed, hand_out_block, push, refill_block
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
        ids = [str(c) for c in srv.scalars(pull.scope_query(site_id))]
        cases = pull.read_cases(srv, ids)
        prefix = str(get_setting(srv, "reference_prefix"))
        srv.add(
            Device(device_id=device_id, site=site.name, made_by=actor.display_name, made_at=_now())
        )
        blocks = [hand_out_block(srv, device_id, prefix, y, n) for y, n in block_years(today)]
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
        s.add_all(ReferenceBlock(**block) for block in blocks)
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
    removed: int = 0


@dataclass(frozen=True)
class Pulled:
    copied: int  # cases brought up to date (new to the replica or changed)
    removed: int  # cases that left its scope (closed elsewhere, moved, restricted)


def pull_changes(local: Store, server: Store, *, chunk: int = pull.PULL_CHUNK) -> Pulled:
    """Bring the replica's cases and shared lists up to the server's.

    The server's cases changed since the replica's cursor are copied ``chunk`` at a time,
    each chunk read in its own server transaction and written in its own local one (a large
    pull holds neither side for long); cases that left the replica's scope are removed.
    The cursor moves only at the end, so a pull cut short is done again, whole, next time.
    """
    with local.read() as s:
        me = identity(s)
        assert me is not None
        cursor, site_id = me.cursor, me.site_id
        held = {str(c) for c in s.scalars(select(Case.id))}
        waiting = pull.pending_cases(s)
        site_staff = set(pull.site_handlers(s))
        unresolved = conflicts.open_ids(s)
    with server.read() as srv:
        head = pull.server_head(srv)
        changed = pull.changed_cases(srv, cursor, head)
        known = held | set(changed)
        changed += [c for c in pull.handled_by(srv, site_staff) if c not in known]
        changed = [c for c in changed if c not in waiting]
        scope = set(pull.cases_in_scope(srv, changed, site_id, site_staff))
        reference = pull.read_reference(srv)
        resolved = conflicts.resolutions(srv, unresolved)
    with local.write() as s:
        pull.write_reference(s, reference)
        conflicts.copy_resolutions(s, resolved)  # chosen anywhere: nothing to resolve here
    wanted = [c for c in changed if c in scope]
    copied = 0
    for i in range(0, len(wanted), chunk):
        with server.read() as srv:
            cases = pull.read_cases(srv, wanted[i : i + chunk])
        with local.write() as s:
            copied += pull.write_cases(s, cases)
    leaving = [c for c in changed if c in held and c not in scope]
    with local.write() as s:
        removed = pull.remove_cases(s, leaving)
        me = identity(s)
        assert me is not None
        me.cursor = head
        me.last_sync_at = _now()
    return Pulled(copied, removed)


def block_years(today: date) -> list[tuple[int, int]]:
    """The years a device holds reference numbers for, and how many it is given at a time:
    this year's, and a smaller block for last year's (a contact received in December is
    often logged in January)."""
    return [(today.year, BLOCK), (today.year - 1, PAST_BLOCK)]


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
        for year, size in block_years(today):
            refill_block(local, server, device_id, prefix, year, size)
        pulled = pull_changes(local, server)
    except OperationalError as exc:
        raise ServerUnreachable(
            f"The link to the server failed during the sync ({type(exc).__name__})"
        ) from None
    return Synced(pushed.pushed, pulled.copied, pushed.conflicts, server.label, pulled.removed)
