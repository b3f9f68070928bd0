"""An officer's choice on a sync conflict: keep the server's value or take the replica's.

Keeping the server's value changes nothing on the case. Taking the replica's value is a
change like any other, through the same case services (role, version, lifecycle): a field
that can be corrected goes through ``correct_fact``; an action the server refused is done
again through its own service, as the person resolving it. Either way the choice (who, when,
which value, why) is one ``resolve-conflict`` audit event. On a replica the choice is itself
an outbox intent (``@replicated``), replayed on the server at the next sync.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from caseworker.domain.calendar import format_day
from caseworker.domain.errors import InvalidInput, RuleBroken
from caseworker.services import permissions
from caseworker.services.actor import Actor
from caseworker.services.audit import json_safe, record_event
from caseworker.services.cases import check_version, get_case
from caseworker.services.ending import CORRECTABLE, correct_fact
from caseworker.services.replication import replicated
from db.models import Case, IdSource, SyncConflict, ids_from

ACTION = "resolve-conflict"
KEEP_SERVER = "server"
KEEP_REPLICA = "replica"
CHOICES = (KEEP_SERVER, KEEP_REPLICA)
ACTION_FIELD = "(action)"  # as caseworker.sync.replay names a conflict about a whole action
CHOICE_WORDS = {KEEP_SERVER: "kept the server's value", KEEP_REPLICA: "took this PC's value"}


@dataclass(frozen=True)
class Resolution:
    """What was chosen, by whom and when; ``version`` is the case's after the choice."""

    conflict_id: str
    reference: str
    field: str
    choice: str
    value: Any
    resolved_by: str
    resolved_at: datetime
    version: int | None


def value_text(field: str, value: Any) -> str:
    """A side's value in words: a refused action's summary is named, not dumped."""
    if field == ACTION_FIELD and isinstance(value, dict):
        after = value.get("after") or {}
        shown = ", ".join(
            f"{k.replace('_', ' ')} {v}" for k, v in after.items() if k != "reference"
        )
        what = str(value.get("action", "")).replace("-", " ")
        return f"{what}{': ' + shown if shown else ''}"
    if value is None:
        return "(blank)"
    return value if isinstance(value, str) else json.dumps(value)


def find_conflict(session: Session, actor: Actor, conflict_id: str) -> SyncConflict:
    """The conflict with that id, if the actor may see its case.

    Raises:
        InvalidInput: no such conflict, or it is on a restricted case the actor may not see
            (the same words, so nothing leaks).
    """
    wanted = conflict_id.strip()
    row = session.get(SyncConflict, wanted, with_for_update=True) if wanted else None
    hidden = False
    if row is not None and row.case_id:
        case = session.get(Case, row.case_id)
        hidden = case is not None and case.restricted and not permissions.sees_restricted(actor)
    if row is None or hidden:
        raise InvalidInput(
            f"There is no conflict with id {wanted or '(blank)'} "
            "(caseworker conflicts lists those to resolve)"
        )
    return row


@replicated(ACTION)
def resolve_conflict(
    session: Session,
    actor: Actor,
    reference: str | None,
    conflict_id: str,
    *,
    keep: str,
    reason: str = "",
    expected_version: int | None,
    today: date,
) -> Resolution:
    """Resolve one conflict on case ``reference`` (None: a conflict about no case here).

    Raises:
        NotAllowed: advisors do not resolve conflicts; or the role the change needs.
        InvalidInput: no such conflict (or not on that case), or ``keep`` is neither
            "server" nor "replica".
        RuleBroken: already resolved; or the replica's value cannot be taken (the lifecycle
            table, a stale version, a field that is not corrected this way).
    """
    permissions.check(actor, ACTION)
    if keep not in CHOICES:
        raise InvalidInput(f"Choose which value to keep: server or replica, not {keep!r}")
    row = find_conflict(session, actor, conflict_id)
    if (reference or "").strip().upper() != row.reference.upper():
        raise InvalidInput(f"Conflict {row.id} is not on case {reference or '(none)'}")
    if row.resolved_at is not None:
        raise RuleBroken(
            f"Conflict {row.id} on {row.reference or 'a case not on the server'} was already "
            f"resolved by {row.resolved_by} on {format_day(row.resolved_at.date())} "
            f"({CHOICE_WORDS.get(row.choice, row.choice)})"
        )
    case: Case | None = None
    if keep == KEEP_REPLICA:
        case = _take_replica(session, actor, row, reason, expected_version, today)
        value = row.replica_value
    else:
        if row.reference:
            case = get_case(session, actor, row.reference, for_update=True)
            check_version(case, expected_version)
        value = row.server_value
    now = datetime.now().replace(microsecond=0)
    row.resolved_by = actor.display_name
    row.resolved_at = now
    row.choice = keep
    session.flush()
    record_event(
        session,
        actor,
        ACTION,
        row.case_id if case is not None else None,
        {
            "conflict": row.id,
            "reference": row.reference,
            "field": row.field,
            "action": row.action,
            "choice": keep,
            "value": json_safe(value),
            "server_value": json_safe(row.server_value),
            "replica_value": json_safe(row.replica_value),
            "replica_by": row.replica_by,
            "device": row.device_id,
            "device_seq": row.device_seq,
            "reason": reason.strip(),
        },
    )
    return Resolution(
        row.id,
        row.reference,
        row.field,
        keep,
        value,
        actor.display_name,
        now,
        case.version if case is not None else None,
    )


def _take_replica(
    session: Session,
    actor: Actor,
    row: SyncConflict,
    reason: str,
    expected_version: int | None,
    today: date,
) -> Case:
    """Make the replica's value the case's, through the service that makes such a change."""
    if not row.reference:
        raise RuleBroken(
            "This PC's change is about a case the server does not hold; keep the server's "
            "side and log the contact again if it is still needed"
        )
    if row.field == ACTION_FIELD:
        return _do_again(session, actor, row, expected_version, today)
    if row.field not in CORRECTABLE:
        raise RuleBroken(
            f"Cannot take this PC's {row.field.replace('_', ' ')} on {row.reference}: only "
            f"recorded facts ({', '.join(CORRECTABLE)}) are corrected this way; keep the "
            "server's value and change the case from its page"
        )
    why = reason.strip() or "no reason given"
    return correct_fact(
        session,
        actor,
        row.reference,
        field=row.field,
        value="" if row.replica_value is None else str(row.replica_value),
        reason=f"Sync conflict {row.id}: this PC's value taken ({why})",
        expected_version=expected_version,
        today=today,
    )


def _do_again(
    session: Session, actor: Actor, row: SyncConflict, expected_version: int | None, today: date
) -> Case:
    """An action the server refused, done now by ``actor`` through its own service."""
    from caseworker.sync import replay  # replay's service table names this module's service

    intent: dict[str, Any] = row.replica_value if isinstance(row.replica_value, dict) else {}
    service = replay.SERVICES.get(row.action)
    stored = intent.get("args")
    if service is None or not isinstance(stored, dict) or not stored:
        raise RuleBroken(
            f"This PC's {row.action.replace('-', ' ')} on {row.reference} cannot be done again "
            "from here; keep the server's side and do it from the case's page"
        )
    # Rebuilt as the server's replay rebuilds them (a letter's recorded bytes, the reference).
    entry = {
        "action": row.action,
        "args": stored,
        "after_values": intent.get("after") or {},
        "created_at": row.replica_at,
    }
    args, kwargs = replay._arguments(session, entry)
    if "expected_version" in kwargs:
        kwargs["expected_version"] = expected_version
    if "today" in kwargs:
        kwargs["today"] = today
    with ids_from(IdSource(list(intent.get("new_ids") or []))):
        result = service(session, actor, *args, **kwargs)
        replay._after_replay(session, entry, kwargs, result)
    return get_case(session, actor, row.reference)
