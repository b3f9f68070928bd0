"""On the server: one outbox intent replayed through the same service, or kept as a conflict.

The three-way merge: an intent carries the case's version and the values of the fields its
action changes as the replica saw them (base) and as it left them (after). If the server's
case moved on and a field changed on both sides to different values, the server's values
stay and every field where the replica's differs is kept in a conflict (nothing is replayed
half). Otherwise the action is replayed as the account that made it, as the server holds that
account now; whatever the server's rules refuse becomes a conflict too, not an error that
stops the batch.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from caseworker.domain.errors import CaseworkerError, InvalidInput
from caseworker.services.actor import Actor, Role
from caseworker.services.audit import record_event
from caseworker.services.intake import NewRecord, RepresentativeInput, log_record
from caseworker.services.people import PersonInput
from caseworker.services.records import add_note
from caseworker.services.replication import FIELDS, case_values
from caseworker.services.stages import Definition, acknowledge
from caseworker.services.users import actor_of
from caseworker.sync.resolve import resolve_conflict
from db.models import Case, IdSource, SyncConflict, SyncIngest, User, ids_from

# Only these classes are rebuilt from an intent's arguments (never a name taken from it).
_CLASSES: dict[str, type[Any]] = {
    cls.__name__: cls for cls in (NewRecord, PersonInput, RepresentativeInput, Definition)
}
SERVICES: dict[str, Callable[..., Any]] = {
    "log-record": log_record,
    "add-note": add_note,
    "acknowledge": acknowledge,
    "resolve-conflict": resolve_conflict,
}
ACTION_FIELD = "(action)"  # a conflict about the whole action, refused by the server


def decode(value: Any) -> Any:
    """An argument as ``replication.encode`` wrote it (lists come back as tuples).

    Raises:
        InvalidInput: a class or shape the replay does not take.
    """
    if isinstance(value, list):
        return tuple(decode(v) for v in value)
    if isinstance(value, dict):
        if "__type__" in value:
            cls = _CLASSES.get(str(value["__type__"]))
            if cls is None or not isinstance(value.get("fields"), dict):
                raise InvalidInput(
                    f"an intent names an unknown kind of value {value['__type__']!r}"
                )
            names = {f.name for f in dataclasses.fields(cls)}
            given = {k: decode(v) for k, v in value["fields"].items() if k in names}
            return cls(**given)
        if "__date__" in value:
            return date.fromisoformat(str(value["__date__"]))
        if "__datetime__" in value:
            return datetime.fromisoformat(str(value["__datetime__"]))
        if "__decimal__" in value:
            return Decimal(str(value["__decimal__"]))
        raise InvalidInput("an intent holds a value of an unknown shape")
    return value


@dataclasses.dataclass(frozen=True)
class Outcome:
    device_seq: int
    outcome: str  # applied | conflict
    conflicts: tuple[dict[str, Any], ...] = ()
    new: bool = True  # False: taken before (the batch was pushed twice)


def conflict_row(c: SyncConflict) -> dict[str, Any]:
    """A conflict as plain values (sent back to the replica, which keeps its own copy)."""
    return {col.name: getattr(c, col.name) for col in SyncConflict.__table__.columns}


def _conflict(
    session: Session,
    entry: dict[str, Any],
    case: Case | None,
    field: str,
    server_value: Any,
    replica_value: Any,
) -> SyncConflict:
    row = SyncConflict(
        case_id=case.id if case is not None else entry.get("case_id"),
        reference=case.reference if case is not None else "",
        field=field,
        server_value=server_value,
        replica_value=replica_value,
        server_by=case.updated_by if case is not None else "",
        server_at=case.updated_at if case is not None else None,
        replica_by=str(entry["actor_name"]),
        replica_at=entry["created_at"],
        device_id=str(entry["device_id"]),
        device_seq=int(entry["device_seq"]),
        action=str(entry["action"]),
        resolved_by="",
        choice="",
    )
    session.add(row)
    return row


SYNC_ACTOR_ROLE = Role.ADMINISTRATOR


def sync_actor(device_id: str) -> Actor:
    """Who records what sync itself does on the server (the merge, not a person's action)."""
    return Actor("sync", f"Sync from device {device_id[:8]}", SYNC_ACTOR_ROLE)


def _keep(
    session: Session, entry: dict[str, Any], case: Case | None, pairs: list[tuple[str, Any, Any]]
) -> Outcome:
    rows = [_conflict(session, entry, case, f, s, r) for f, s, r in pairs]
    session.flush()
    record_event(
        session,
        sync_actor(str(entry["device_id"])),
        "sync-conflict",
        case.id if case is not None else None,
        {
            "device": entry["device_id"],
            "device_seq": entry["device_seq"],
            "action": entry["action"],
            "fields": [f for f, _s, _r in pairs],
            "conflicts": [r.id for r in rows],
        },
    )
    return Outcome(
        int(entry["device_seq"]), "conflict", tuple(conflict_row(r) for r in rows), new=True
    )


def _refused(session: Session, entry: dict[str, Any], case: Case | None, why: str) -> Outcome:
    return _keep(session, entry, case, [(ACTION_FIELD, why, _summary(entry))])


def _summary(entry: dict[str, Any]) -> dict[str, Any]:
    # The arguments and keys go with it, so an officer can have the action done again
    # (caseworker.sync.resolve) once the reason it was refused has gone.
    return {
        "action": entry["action"],
        "after": entry.get("after_values") or {},
        "args": entry.get("args") or {},
        "new_ids": list(entry.get("new_ids") or []),
    }


def replay(session: Session, entry: dict[str, Any]) -> Outcome:
    """Take one intent on the server, once: replayed, or kept as conflicts.

    ``entry`` holds an outbox row's columns. Runs in the caller's (the batch's) transaction.
    """
    device, seq = str(entry["device_id"]), int(entry["device_seq"])
    taken = session.get(SyncIngest, (device, seq))
    if taken is not None:
        return Outcome(seq, taken.outcome, (), new=False)
    outcome = _merge(session, entry)
    session.add(
        SyncIngest(
            device_id=device,
            device_seq=seq,
            action=str(entry["action"]),
            outcome=outcome.outcome,
            conflict_ids=[c["id"] for c in outcome.conflicts],
            at=datetime.now().replace(microsecond=0),
        )
    )
    session.flush()
    return outcome


def _merge(session: Session, entry: dict[str, Any]) -> Outcome:
    action = str(entry["action"])
    service = SERVICES.get(action)
    case: Case | None = None
    if entry.get("case_id") and action != "log-record":
        case = session.get(Case, str(entry["case_id"]), with_for_update=True)
        if case is None:
            return _refused(session, entry, None, "The case is not on the server")
    if service is None:
        return _refused(session, entry, case, f"The server cannot replay {action!r}")
    user = session.scalar(select(User).where(User.username == str(entry["username"])))
    if user is None or not user.active:
        return _refused(
            session, entry, case, f"The account {entry['username']} is not active on the server"
        )
    actor = actor_of(user)
    if case is not None and case.version != entry.get("base_version"):
        base = entry.get("base_values") or {}
        after = entry.get("after_values") or {}
        now = case_values(case, action)
        both = [f for f in FIELDS[action] if now[f] != base.get(f) and now[f] != after.get(f)]
        if both:
            pairs = [(f, now[f], after.get(f)) for f in FIELDS[action] if now[f] != after.get(f)]
            return _keep(session, entry, case, pairs)
    try:
        args, kwargs = _arguments(entry)
        with session.begin_nested(), ids_from(IdSource(list(entry.get("new_ids") or []))):
            service(session, actor, *args, **kwargs)
    except (CaseworkerError, IntegrityError) as exc:
        if case is not None:
            session.refresh(case)
        why = str(exc) if isinstance(exc, CaseworkerError) else _integrity(exc)
        return _refused(session, entry, case, why)
    return Outcome(int(entry["device_seq"]), "applied")


def _integrity(exc: IntegrityError) -> str:
    first = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else "a duplicate"
    return f"The server could not take it ({first})"


def _arguments(entry: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    stored = entry["args"]
    args = list(decode(stored.get("args") or []))
    kwargs = {str(k): decode(v) for k, v in (stored.get("kwargs") or {}).items()}
    if "expected_version" in kwargs:
        kwargs["expected_version"] = None  # the merge above compared the fields instead
    if entry["action"] == "log-record" and args and isinstance(args[0], NewRecord):
        reference = (entry.get("after_values") or {}).get("reference", "")
        args[0] = dataclasses.replace(args[0], reference=str(reference))
    return args, kwargs
