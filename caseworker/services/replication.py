"""On an offline replica, each replicated action also leaves an outbox intent (SITES.md).

One decorator, ``replicated``, on the services a replica may replay on the server. On a
store that is not a replica it only calls the service. On a replica, in the caller's
transaction, it records the case's version and the named fields before the action, the
action's arguments, the keys it made and the fields after, as one ``outbox`` row; the sync
package (``caseworker.sync``) replays it through the same service on the server.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseworker.domain.errors import RuleBroken
from caseworker.services.actor import Actor
from caseworker.services.audit import json_safe
from db.models import Case, IdSource, OutboxEntry, ReferenceBlock, ReplicaIdentity, ids_from

P = ParamSpec("P")
R = TypeVar("R")

# The case fields each replicated action may change (their base values go with the intent,
# for the three-way merge on the server). New rows (a case, a note) never conflict.
FIELDS: dict[str, tuple[str, ...]] = {
    "log-record": (),
    "add-note": (),
    "acknowledge": (
        "status",
        "acknowledged",
        "stage1_handler_id",
        "outcomes_sought",
        "responsible_for",
        "not_responsible_for",
    ),
    # The choice on a sync conflict (caseworker.sync.resolve): the fields it may change
    # go through correct_fact or the refused action's own service, which check the version.
    "resolve-conflict": (),
}

_INSIDE: ContextVar[bool] = ContextVar("caseworker_replicated_inside", default=False)
_KEY = "caseworker_replica_device"


def replica_device(session: Session) -> str | None:
    """This store's device id if it is an offline replica (asked once per session)."""
    if _KEY not in session.info:
        session.info[_KEY] = session.scalar(select(ReplicaIdentity.device_id).limit(1))
    value = session.info[_KEY]
    return str(value) if value else None


def encode(value: Any) -> Any:
    """A service argument as JSON, dataclasses tagged with their class name (see the codec
    in ``caseworker.sync.replay``, which rebuilds only the classes it lists)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"__type__": type(value).__name__, "fields": fields}
    if isinstance(value, datetime):
        return {"__datetime__": value.isoformat()}
    if isinstance(value, date):
        return {"__date__": value.isoformat()}
    if isinstance(value, Decimal):
        return {"__decimal__": str(value)}
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot record {type(value).__name__} in an outbox intent")


def case_values(case: Case, action: str) -> dict[str, Any]:
    """The fields ``action`` may change, as JSON values."""
    return {name: json_safe(getattr(case, name)) for name in FIELDS[action]}


def _reference_arg(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
    if "reference" in kwargs:
        return str(kwargs["reference"])
    return str(args[2]) if len(args) > 2 and isinstance(args[2], str) else None


def replicated(action: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Mark a service ``fn(session, actor, ...)`` as replayable from a replica's outbox."""
    if action not in FIELDS:
        raise ValueError(f"{action} has no field list in FIELDS")

    def wrap(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def inner(*args: P.args, **kwargs: P.kwargs) -> R:
            session = args[0]
            actor = args[1]
            assert isinstance(session, Session) and isinstance(actor, Actor)
            if _INSIDE.get() or replica_device(session) is None:
                return fn(*args, **kwargs)
            return _record(fn, action, session, actor, args, kwargs)

        return inner

    return wrap


def _record(
    fn: Callable[..., R],
    action: str,
    session: Session,
    actor: Actor,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> R:
    device = replica_device(session)
    assert device is not None
    reference = _reference_arg(args, kwargs)
    case = None
    if reference is not None:
        from caseworker.services.cases import get_case

        case = get_case(session, actor, reference)
    base_version = case.version if case is not None else None
    base = case_values(case, action) if case is not None else {}
    token = _INSIDE.set(True)
    try:
        with ids_from(IdSource()) as ids:
            result = fn(*args, **kwargs)
    finally:
        _INSIDE.reset(token)
    if isinstance(result, Case) and case is None:
        case = result
    after = case_values(case, action) if case is not None else {}
    if case is not None:
        after["reference"] = case.reference
    last = session.scalar(
        select(func.max(OutboxEntry.device_seq)).where(OutboxEntry.device_id == device)
    )
    session.add(
        OutboxEntry(
            device_id=device,
            device_seq=(last or 0) + 1,
            action=action,
            username=actor.username,
            actor_name=actor.display_name,
            args={"args": encode(list(args[2:])), "kwargs": encode_kwargs(kwargs)},
            case_id=case.id if case is not None else None,
            base_version=base_version,
            base_values=base,
            after_values=after,
            new_ids=ids.made,
            created_at=datetime.now().replace(microsecond=0),
            outcome="",
        )
    )
    session.flush()
    return result


def encode_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {key: encode(value) for key, value in kwargs.items()}


def block_reference(session: Session, prefix: str, year: int) -> str | None:
    """On a replica, the next reference from this device's block for ``year``; None elsewhere.

    Raises:
        RuleBroken: the replica has used every number it was given for that year.
    """
    device = replica_device(session)
    if device is None:
        return None
    block = session.scalar(
        select(ReferenceBlock)
        .where(
            ReferenceBlock.device_id == device,
            ReferenceBlock.prefix == prefix,
            ReferenceBlock.year == year,
            ReferenceBlock.next_number <= ReferenceBlock.last,
        )
        .order_by(ReferenceBlock.first)
        .limit(1)
    )
    if block is None:
        raise RuleBroken(
            f"This PC has no reference numbers left for {year}: sync with the server "
            "(caseworker sync) to get more, then log the contact"
        )
    number = block.next_number
    block.next_number = number + 1
    return f"{prefix}-{year}-{number:06d}"


def no_new_names_offline(session: Session, what: str, name: str) -> None:
    """Refuse a new site, service area, theme or member of staff on a replica.

    These shared lists keep the server's integer keys; a name added on two PCs offline would
    meet as two rows. New names are added on the server and reach replicas at their next sync.

    Raises:
        RuleBroken: this store is a replica.
    """
    if replica_device(session) is not None:
        raise RuleBroken(
            f"There is no {what} called {name.strip()!r} on this PC's list. Choose one from "
            "the list; new names are added on the server and arrive at the next sync"
        )
