"""On an offline replica, each replicated action also leaves an outbox intent (SITES.md).

One decorator, ``replicated``, on the services a replica may replay on the server. On a
store that is not a replica it only calls the service. On a replica, in the caller's
transaction, it records the case's version and the named fields before the action, the
action's arguments, the keys it made and the fields after, as one ``outbox`` row; the sync
package (``caseworker.sync``) replays it through the same service on the server.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import hashlib
import weakref
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import PurePath
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.orm import Session

from caseworker.domain.errors import RuleBroken
from caseworker.services.actor import Actor
from caseworker.services.audit import json_safe
from db.models import (
    Case,
    Correspondence,
    IdSource,
    OutboxEntry,
    Person,
    ReferenceBlock,
    ReplicaIdentity,
    ids_from,
)

P = ParamSpec("P")
R = TypeVar("R")

# Where an action's fields are read from (its "target"), found from its arguments: the
# case by reference (the default), a representative on it, a person, or a letter's case.
Locate = Callable[[Session, Actor, tuple[Any, ...], dict[str, Any]], tuple[Case | None, Any]]
Stored = Callable[[tuple[Any, ...], dict[str, Any]], tuple[tuple[Any, ...], dict[str, Any]]]


@dataclass(frozen=True)
class Spec:
    """How one action is recorded on a replica and replayed on the server.

    ``fields`` are the target's fields the action may change (their base values go with the
    intent, for the three-way merge); new rows (a case, a note, a remedy) never conflict.
    ``stored`` turns the call's arguments into what the intent keeps (e.g. a file's bytes for
    its path); ``changed`` says whether the call changed anything (no intent if not);
    ``extra`` keeps what the server needs from the result (a letter's bytes).
    """

    fields: tuple[str, ...] = ()
    locate: Locate | None = None
    stored: Stored | None = None
    changed: Callable[[dict[str, Any], Any], bool] | None = None
    extra: Callable[[Any], dict[str, Any]] | None = None


SPECS: dict[str, Spec] = {}
# The fields of each action (kept as its own mapping: the merge and tests read it).
FIELDS: dict[str, tuple[str, ...]] = {}

_INSIDE: ContextVar[bool] = ContextVar("caseworker_replicated_inside", default=False)
_KEY = "caseworker_replica_device"


# Engines whose store has the replica table (a store older than revision 0014 has not: it
# is opened to be upgraded, and is never a replica).
_HAS_TABLE: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


def _has_identity_table(session: Session) -> bool:
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    if _HAS_TABLE.get(engine):
        return True
    found = inspect(session.connection()).has_table(ReplicaIdentity.__tablename__)
    if found:
        _HAS_TABLE[engine] = True
    return found


# Built once and run on the connection (no ORM): every replicated action asks it.
_DEVICE_SQL = select(ReplicaIdentity.__table__.c.device_id).limit(1)


def replica_device(session: Session) -> str | None:
    """This store's device id if it is an offline replica (asked once per session)."""
    if _KEY not in session.info:
        if session.new:
            session.flush()  # as a query would (the identity may be being made)
        session.info[_KEY] = (
            session.connection().execute(_DEVICE_SQL).scalar()
            if _has_identity_table(session)
            else None
        )
    value = session.info[_KEY]
    return str(value) if value else None


def encode(value: Any) -> Any:
    """A service argument as JSON, dataclasses and enums tagged with their class name (see
    the codec in ``caseworker.sync.replay``, which rebuilds only the classes it lists).
    Bytes go whole (base64) with their SHA-256, checked when the server decodes them."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"__type__": type(value).__name__, "fields": fields}
    if isinstance(value, Enum):
        return {"__enum__": type(value).__name__, "value": value.value}
    if isinstance(value, bytes):
        return {
            "__bytes__": base64.b64encode(value).decode("ascii"),
            "sha256": hashlib.sha256(value).hexdigest(),
        }
    if isinstance(value, datetime):
        return {"__datetime__": value.isoformat()}
    if isinstance(value, date):
        return {"__date__": value.isoformat()}
    if isinstance(value, Decimal):
        return {"__decimal__": str(value)}
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    if isinstance(value, PurePath):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot record {type(value).__name__} in an outbox intent")


def without_bytes(value: Any) -> Any:
    """An encoded intent with every file's or letter's bytes dropped and their SHA-256 and
    size kept: what a replica keeps of an intent once the server has taken it (the outbox
    must not grow with every document and letter ever sent)."""
    if isinstance(value, dict):
        if "__bytes__" in value:
            size = len(base64.b64decode(str(value["__bytes__"])))
            return {"__bytes_sent__": size, "sha256": value.get("sha256")}
        return {k: without_bytes(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_bytes(v) for v in value]
    return value


def holds_bytes(value: Any) -> bool:
    """Whether an encoded intent still carries bytes."""
    if isinstance(value, dict):
        return "__bytes__" in value or any(holds_bytes(v) for v in value.values())
    if isinstance(value, list):
        return any(holds_bytes(v) for v in value)
    return False


def _extensions(case: Case) -> list[list[Any]]:
    return [
        [e.stage, e.days, e.reason, e.good_reason, json_safe(e.told_on)] for e in case.extensions
    ]


# Fields worked out from a case's rows rather than read from one column.
_WORKED_OUT: dict[str, Callable[[Any], Any]] = {"extensions": _extensions}


def target_values(target: Any, action: str) -> dict[str, Any]:
    """The fields ``action`` may change on its target, as JSON values."""
    out: dict[str, Any] = {}
    for name in FIELDS[action]:
        worked_out = _WORKED_OUT.get(name)
        out[name] = json_safe(worked_out(target) if worked_out else getattr(target, name))
    return out


def case_values(case: Case, action: str) -> dict[str, Any]:
    """The case fields ``action`` may change, as JSON values."""
    return target_values(case, action)


def _reference_arg(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
    if "reference" in kwargs:
        return str(kwargs["reference"])
    return str(args[2]) if len(args) > 2 and isinstance(args[2], str) else None


def by_reference(
    session: Session, actor: Actor, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Case | None, Any]:
    """The case named by the reference argument (the third), the target of most actions."""
    reference = _reference_arg(args, kwargs)
    if reference is None:
        return None, None
    from caseworker.services.cases import get_case

    case = get_case(session, actor, reference)
    return case, case


def no_case(
    session: Session, actor: Actor, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Case | None, Any]:
    """For an action about no one case (an import: its third argument is a file)."""
    return None, None


def representative_on_case(
    session: Session, actor: Actor, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Case | None, Any]:
    """The case and the representative (its party, the fourth argument) an action is about."""
    case, _ = by_reference(session, actor, args, kwargs)
    party_id = kwargs.get("party_id", args[3] if len(args) > 3 else None)
    party = next((p for p in case.parties if p.id == party_id), None) if case else None
    return case, party


def person_named(
    session: Session, actor: Actor, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Case | None, Any]:
    """The person (the third argument, a key) whose details an action changes."""
    person_id = kwargs.get("person_id", args[2] if len(args) > 2 else None)
    return None, session.get(Person, str(person_id)) if person_id else None


def letter_case(
    session: Session, actor: Actor, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Case | None, Any]:
    """The case of the saved letter (the third argument, a key) an action is about."""
    letter_id = kwargs.get("correspondence_id", args[2] if len(args) > 2 else None)
    row = session.get(Correspondence, str(letter_id)) if letter_id else None
    if row is None:
        return None, None
    from caseworker.services.cases import get_case

    case = get_case(session, actor, row.case_id)
    return case, case


def replicated(
    action: str,
    *,
    fields: tuple[str, ...] = (),
    locate: Locate | None = None,
    stored: Stored | None = None,
    changed: Callable[[dict[str, Any], Any], bool] | None = None,
    extra: Callable[[Any], dict[str, Any]] | None = None,
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Mark a service ``fn(session, actor, ...)`` as replayable from a replica's outbox."""
    if action in SPECS:
        raise ValueError(f"{action} is already replicated")
    SPECS[action] = Spec(fields, locate, stored, changed, extra)
    FIELDS[action] = fields

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


def locate_target(
    session: Session, actor: Actor, action: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Case | None, Any]:
    """The case an action is about and the row its fields are read from (either may be None)."""
    spec = SPECS[action]
    return (spec.locate or by_reference)(session, actor, args, kwargs)


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
    spec = SPECS[action]
    case, target = locate_target(session, actor, action, args, kwargs)
    base_version = case.version if case is not None else None
    base = target_values(target, action) if target is not None else {}
    token = _INSIDE.set(True)
    try:
        with ids_from(IdSource()) as ids:
            result = fn(*args, **kwargs)
    finally:
        _INSIDE.reset(token)
    if spec.changed is not None and not spec.changed(kwargs, result):
        return result  # a dry run, or a file already kept: nothing for the server to do
    if isinstance(result, Case) and case is None:
        case = target = result
    after = target_values(target, action) if target is not None else {}
    if case is not None:
        after["reference"] = case.reference
    kept_args, kept_kwargs = spec.stored(args[2:], kwargs) if spec.stored else (args[2:], kwargs)
    intent: dict[str, Any] = {"args": encode(list(kept_args)), "kwargs": encode_kwargs(kept_kwargs)}
    if spec.extra is not None:
        intent["extra"] = {k: encode(v) for k, v in spec.extra(result).items()}
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
            args=intent,
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
        held = list(
            session.scalars(
                select(ReferenceBlock.year).where(ReferenceBlock.device_id == device).distinct()
            )
        )
        if held and year < min(held):
            raise RuleBroken(
                f"This PC is given reference numbers for {min(held)} and later only: a contact "
                f"received in {year} is logged on the server (by a PC connected to it)"
            )
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


def server_only(session: Session, what: str) -> None:
    """Refuse, on a replica, a change the next pull would overwrite without a word: settings,
    closure days, homes counts and accounts are the server's and are copied to replicas.

    Raises:
        RuleBroken: this store is a replica.
    """
    if replica_device(session) is not None:
        raise RuleBroken(
            f"This PC holds a copy of the server's {what}: change them on the server; "
            "the change reaches this PC at its next sync"
        )
