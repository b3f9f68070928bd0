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

import base64
import binascii
import dataclasses
import hashlib
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from caseworker.domain.errors import CaseworkerError, InvalidInput, RuleBroken
from caseworker.domain.letters import LetterContent
from caseworker.domain.vocab import LetterKind
from caseworker.services import (
    authorisation,
    documents,
    ending,
    followups,
    importer,
    letters,
    people,
    records,
    stages,
)
from caseworker.services.actor import Actor, Role
from caseworker.services.audit import record_event
from caseworker.services.intake import NewRecord, RepresentativeInput, log_record
from caseworker.services.letter_reads import LetterSetup
from caseworker.services.people import PersonInput
from caseworker.services.replication import FIELDS, locate_target, target_values
from caseworker.services.stages import (
    ActionInput,
    Definition,
    PointDecision,
    RemedyInput,
    Response,
)
from caseworker.services.users import actor_of
from caseworker.sync.conflicts import same_change_held
from caseworker.sync.resolve import resolve_conflict
from db.models import Case, Correspondence, IdSource, SyncConflict, SyncIngest, User, ids_from

# Only these classes are rebuilt from an intent's arguments (never a name taken from it).
_CLASSES: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        NewRecord,
        PersonInput,
        RepresentativeInput,
        Definition,
        Response,
        PointDecision,
        RemedyInput,
        ActionInput,
    )
}
_ENUMS: dict[str, type[Enum]] = {cls.__name__: cls for cls in (LetterKind,)}
# The service each action replays through on the server (the one it ran on the replica;
# an import runs from the file's bytes the intent carries).
SERVICES: dict[str, Callable[..., Any]] = {
    "log-record": log_record,
    "add-note": records.add_note,
    "record-learning": records.record_learning,
    "link-case": records.link_cases,
    "acknowledge": stages.acknowledge,
    "extend": stages.extend,
    "respond-stage-1": stages.respond,
    "escalate": stages.escalate,
    "acknowledge-stage-2": stages.acknowledge_stage2,
    "respond-stage-2": stages.respond_stage2,
    "refuse-escalation": stages.refuse_escalation,
    "refuse": ending.refuse,
    "withdraw": ending.withdraw,
    "close": ending.close,
    "reopen": ending.reopen,
    "pass-on": ending.pass_on,
    "reply-enquiry": ending.reply_enquiry,
    "refer-to-ombudsman": ending.refer_to_ombudsman,
    "record-determination": ending.record_determination,
    "correct-fact": ending.correct_fact,
    "add-remedy": followups.add_remedy,
    "complete-remedy": followups.complete_remedy,
    "add-action": followups.add_action,
    "complete-action": followups.complete_action,
    "agree-update-interval": followups.agree_update_interval,
    "make-letter": letters.make_letters,
    "record-letter-sent": letters.mark_sent,
    "add-document": documents.attach_document,
    "add-person": people.add_person,
    "update-person": people.update_person,
    "add-representative": authorisation.add_representative,
    "record-authorisation": authorisation.record_authorisation,
    "revoke-authorisation": authorisation.revoke_authorisation,
    "expire-authorisation": authorisation.expire_authorisation,
    "import": importer.import_file,
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
        if "__enum__" in value:
            enum = _ENUMS.get(str(value["__enum__"]))
            if enum is None:
                raise InvalidInput(
                    f"an intent names an unknown kind of value {value['__enum__']!r}"
                )
            return enum(value.get("value"))
        if "__bytes__" in value:
            return _checked_bytes(value)
        if "__date__" in value:
            return date.fromisoformat(str(value["__date__"]))
        if "__datetime__" in value:
            return datetime.fromisoformat(str(value["__datetime__"]))
        if "__decimal__" in value:
            return Decimal(str(value["__decimal__"]))
        raise InvalidInput("an intent holds a value of an unknown shape")
    return value


def _checked_bytes(value: dict[str, Any]) -> bytes:
    """A file's or letter's bytes from an intent, checked against the SHA-256 the replica
    recorded when it kept them (bytes travel once, inside the intent)."""
    try:
        data = base64.b64decode(str(value["__bytes__"]), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput("an intent holds bytes that are not base64") from None
    if hashlib.sha256(data).hexdigest() != value.get("sha256"):
        raise InvalidInput(
            "The bytes sent do not match the fingerprint (SHA-256) the PC recorded; "
            "nothing of this change was kept"
        )
    return data


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
    _device_event(
        session,
        entry,
        case,
        "sync-conflict",
        fields=[f for f, _s, _r in pairs],
        conflicts=[r.id for r in rows],
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
    session.execute(  # one plain insert (the service has flushed its own rows)
        _TAKEN,
        {
            "device_id": device,
            "device_seq": seq,
            "action": str(entry["action"]),
            "outcome": outcome.outcome,
            "conflict_ids": [c["id"] for c in outcome.conflicts],
            "at": datetime.now().replace(microsecond=0),
        },
    )
    return outcome


_TAKEN = insert(SyncIngest)
_ACCOUNTS = "caseworker_sync_accounts"


def _account(session: Session, username: str) -> User | None:
    """The server's account of that name, read once per batch (a batch's intents are
    mostly one person's; accounts do not change inside the batch's transaction)."""
    transaction = session.get_transaction()
    kept = session.info.get(_ACCOUNTS)
    if kept is None or kept[0] is not transaction:
        kept = session.info[_ACCOUNTS] = (transaction, {})
    accounts: dict[str, User | None] = kept[1]
    if username not in accounts:
        accounts[username] = session.scalar(select(User).where(User.username == username))
    return accounts[username]


def _merge(session: Session, entry: dict[str, Any]) -> Outcome:
    action = str(entry["action"])
    service = SERVICES.get(action)
    case: Case | None = None
    if entry.get("case_id") and action != "log-record":
        case = session.get(Case, str(entry["case_id"]), with_for_update=True)
        if case is None:
            return _refused(session, entry, None, "The case is not on the server")
    if service is None or action not in FIELDS:
        return _refused(session, entry, case, f"The server cannot replay {action!r}")
    user = _account(session, str(entry["username"]))
    if user is None or not user.active:
        return _refused(
            session, entry, case, f"The account {entry['username']} is not active on the server"
        )
    actor = actor_of(user)
    try:
        args, kwargs = _arguments(session, entry)
        if same_change_held(session, actor, entry, case, args, kwargs):
            return _same_change(session, entry, case)
        both = _changed_on_both_sides(session, actor, entry, case, args, kwargs)
        if both:
            return _keep(session, entry, case, both)
        with session.begin_nested(), ids_from(IdSource(list(entry.get("new_ids") or []))):
            result = service(session, actor, *args, **kwargs)
            _after_replay(session, entry, kwargs, result)
    except (CaseworkerError, IntegrityError) as exc:
        if case is not None:
            session.refresh(case)
        why = str(exc) if isinstance(exc, CaseworkerError) else _integrity(exc)
        return _refused(session, entry, case, why)
    return Outcome(int(entry["device_seq"]), "applied")


def _device_event(
    session: Session, entry: dict[str, Any], case: Case | None, action: str, **more: Any
) -> None:
    """The sync's own audit event about one pushed intent: which device, which of its
    changes and what it did, and ``more``."""
    record_event(
        session,
        sync_actor(str(entry["device_id"])),
        action,
        case.id if case is not None else None,
        {
            "device": entry["device_id"],
            "device_seq": entry["device_seq"],
            "action": entry["action"],
            **more,
        },
    )


def _same_change(session: Session, entry: dict[str, Any], case: Case | None) -> Outcome:
    """The server holds this change already (made on both sides): taken, nothing added."""
    _device_event(session, entry, case, "sync-same-change")
    return Outcome(int(entry["device_seq"]), "applied")


def _changed_on_both_sides(
    session: Session,
    actor: Actor,
    entry: dict[str, Any],
    case: Case | None,
    args: list[Any],
    kwargs: dict[str, Any],
) -> list[tuple[str, Any, Any]]:
    """The three-way merge: if a field the replica changed was changed on the server too, to
    another value, every field where the replica's value differs from the server's (nothing
    of the action is replayed). Empty: replay it."""
    action = str(entry["action"])
    if not FIELDS[action]:
        return []  # it only adds new rows: they never conflict
    if case is not None and case.version == entry.get("base_version"):
        return []  # the server's case has not moved since the replica read it
    _case, target = locate_target(session, actor, action, tuple([None, None, *args]), kwargs)
    if target is None:
        return []  # the service will say what is missing
    base = entry.get("base_values") or {}
    after = entry.get("after_values") or {}
    now = target_values(target, action)
    mine = [f for f in FIELDS[action] if after.get(f) != base.get(f)]
    if not any(now[f] != base.get(f) and now[f] != after.get(f) for f in mine):
        return []
    return [(f, now[f], after.get(f)) for f in mine if now[f] != after.get(f)]


class _RecordedLetters:
    """Hands back, in order, the PDFs the replica made, instead of rendering them again: the
    server keeps the letter the resident was sent, byte for byte."""

    def __init__(self, pdfs: tuple[bytes, ...]) -> None:
        self.pdfs = list(pdfs)
        self.given = 0

    def render(self, content: LetterContent) -> bytes:
        if self.given >= len(self.pdfs):
            raise RuleBroken(
                f"The server would make more copies of this letter than the PC made "
                f"({len(self.pdfs)}); the case's people differ"
            )
        self.given += 1
        return self.pdfs[self.given - 1]


def _after_replay(
    session: Session, entry: dict[str, Any], kwargs: dict[str, Any], result: Any
) -> None:
    """A letter keeps the time the PC made it, and every copy the PC made must be made here."""
    if entry["action"] != "make-letter":
        return
    printer = kwargs["batch"].printer
    if printer.given != len(printer.pdfs):
        raise RuleBroken(
            f"The server would make {printer.given} copies of this letter; the PC made "
            f"{len(printer.pdfs)} (the case's people differ)"
        )
    for made in result:
        row = session.get(Correspondence, made.correspondence_id)
        if row is not None:
            row.made_at = entry["created_at"]
    session.flush()


def _integrity(exc: IntegrityError) -> str:
    first = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else "a duplicate"
    return f"The server could not take it ({first})"


def _arguments(session: Session, entry: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    stored = entry["args"]
    args = list(decode(stored.get("args") or []))
    kwargs = {str(k): decode(v) for k, v in (stored.get("kwargs") or {}).items()}
    if "expected_version" in kwargs:
        kwargs["expected_version"] = None  # the merge compares the fields instead
    if entry["action"] == "log-record" and args and isinstance(args[0], NewRecord):
        reference = (entry.get("after_values") or {}).get("reference", "")
        args[0] = dataclasses.replace(args[0], reference=str(reference))
    if entry["action"] == "make-letter":
        pdfs = decode((stored.get("extra") or {}).get("pdfs") or [])
        if not all(isinstance(p, bytes) for p in pdfs):
            raise InvalidInput("a letter made offline came without its bytes")
        printer = _RecordedLetters(pdfs)
        kwargs["batch"] = letters.LetterBatch(LetterSetup.read(session), printer)  # type: ignore[arg-type]
    return args, kwargs
