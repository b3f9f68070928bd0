"""Helpers for tests on a real store: actors, hand-worked dates, quick intake, snapshots."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from caseworker.domain.errors import CaseworkerError
from caseworker.services import stages
from caseworker.services.actor import Actor, Role
from caseworker.services.intake import NewRecord, RepresentativeInput, log_record
from caseworker.services.people import PersonInput
from db.models import AuditEvent, Case
from db.store import Store

OFFICER = Actor("asmith", "A. Smith", Role.OFFICER)
MANAGER = Actor("bjones", "B. Jones", Role.MANAGER)

# Hand-worked dates (England and Wales, policy hos-2024), used across the tests:
RECEIVED = date(2026, 2, 2)  # Mon 2 Feb 2026
ACK_DUE = date(2026, 2, 9)  # 5 working days from receipt
ACKNOWLEDGED = date(2026, 2, 4)  # Wed 4 Feb 2026
STAGE1_DUE = date(2026, 2, 18)  # 10 working days from the acknowledgement
RESPONDED = date(2026, 2, 16)
ESCALATED = date(2026, 3, 2)  # Mon 2 Mar 2026
STAGE2_ACK_DUE = date(2026, 3, 9)
STAGE2_ACKNOWLEDGED = date(2026, 3, 6)  # Fri 6 Mar 2026
# 20 working days from Fri 6 Mar 2026, skipping Good Friday and Easter Monday:
STAGE2_DUE = date(2026, 4, 7)
TODAY = date(2026, 6, 1)

# Tables whose rows belong to a case (counted to show a refused action added nothing).
CASE_TABLES = (
    "complaint_points",
    "case_parties",
    "extensions",
    "remedies",
    "outstanding_actions",
    "learning",
    "case_links",
    "notes",
    "case_service_areas",
    "case_themes",
)


def person(name: str = "Jane Doe", **fields: Any) -> PersonInput:
    """A resident as an advisor would type them."""
    defaults: dict[str, Any] = {
        "address": "1 High Street, Clowne",
        "postcode": "S43 4JJ",
        "phone": "01246 000001",
    }
    defaults.update(fields)
    return PersonInput(name=name, **defaults)


def new_record(**fields: Any) -> NewRecord:
    """A complaint received on RECEIVED unless told otherwise."""
    values: dict[str, Any] = {
        "kind": "complaint",
        "received": RECEIVED,
        "complainants": (person(),),
        "description": "The roof has leaked since October",
        "service_areas": ("Housing Repairs",),
    }
    values.update(fields)
    return NewRecord(**values)


def log(store: Store, actor: Actor = OFFICER, today: date = TODAY, **fields: Any) -> str:
    """Log a record in its own transaction; returns its reference."""
    with store.write() as s:
        return log_record(s, actor, new_record(**fields), today=today).reference


def version(store: Store, reference: str) -> int:
    with store.read() as s:
        v = s.scalar(select(Case.version).where(Case.reference == reference))
    assert v is not None
    return v


def act(store: Store, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run one service call in its own transaction with the case's current version.

    The first positional argument after the function is the case reference.
    """
    reference = args[0]
    kwargs.setdefault("expected_version", version(store, reference))
    with store.write() as s:
        result = fn(s, kwargs.pop("actor", OFFICER), *args, **kwargs)
        return result


DEFINITION = stages.Definition(
    points=("The roof still leaks", "Nobody called back"),
    outcomes_sought="Fix the roof and apologise",
    not_responsible_for="The neighbour's gutter",
)


def acknowledge(store: Store, reference: str, handler: str = "A. Smith") -> None:
    act(
        store,
        stages.acknowledge,
        reference,
        acknowledged=ACKNOWLEDGED,
        definition=DEFINITION,
        handler=handler,
        today=TODAY,
    )


RESPONSE = stages.Response(
    sent_on=RESPONDED,
    decision="partly-upheld",
    reasons="The repair was late; the call-back was made",
    points=(
        stages.PointDecision("upheld", "The roof was not fixed in time"),
        stages.PointDecision("not-upheld", "We called on 10 February"),
    ),
)


def respond(store: Store, reference: str) -> None:
    act(store, stages.respond, reference, response=RESPONSE, today=TODAY)


def escalate(store: Store, reference: str) -> None:
    act(store, stages.escalate, reference, requested_on=ESCALATED, today=TODAY)


def acknowledge_stage2(store: Store, reference: str, handler: str = "D. Evans") -> None:
    act(
        store,
        stages.acknowledge_stage2,
        reference,
        acknowledged=STAGE2_ACKNOWLEDGED,
        handler=handler,
        today=TODAY,
    )


def complaint_at(store: Store, status: str, **fields: Any) -> str:
    """A complaint walked through the services up to ``status``."""
    steps: list[Callable[[Store, str], None]] = {
        "logged": [],
        "stage-1": [acknowledge],
        "stage-1-responded": [acknowledge, respond],
        "stage-2-requested": [acknowledge, respond, escalate],
        "stage-2": [acknowledge, respond, escalate, acknowledge_stage2],
    }[status]
    reference = log(store, **fields)
    for step in steps:
        step(store, reference)
    return reference


def representative(**fields: Any) -> RepresentativeInput:
    values: dict[str, Any] = {
        "person": PersonInput(name="J. Smith", address="2 Low Road", postcode="S44 6JJ"),
        "relationship": "relative",
        "auth_state": "pending",
        "auth_sent_on": RECEIVED,
    }
    values.update(fields)
    return RepresentativeInput(**values)


@dataclass(frozen=True)
class Snapshot:
    """Everything stored about a case, and the store's audit count."""

    case: dict[str, Any]
    related: dict[str, int]
    audit_events: int


def snapshot(store: Store, reference: str) -> Snapshot:
    """Read the case's row and related counts afresh (a new session, raw SQL)."""
    with store.engine.connect() as conn:
        row = (
            conn.execute(text("SELECT * FROM cases WHERE reference = :r"), {"r": reference})
            .mappings()
            .one()
        )
        related = {
            table: int(
                conn.execute(
                    text(f"SELECT count(*) FROM {table} WHERE case_id = :id"), {"id": row["id"]}
                ).scalar_one()
            )
            for table in CASE_TABLES
        }
        events = int(conn.execute(text("SELECT count(*) FROM audit_events")).scalar_one())
        conn.rollback()
    return Snapshot(dict(row), related, events)


def refused(
    store: Store,
    reference: str,
    fn: Callable[[Session], Any],
    error: type[CaseworkerError],
    message: str,
) -> None:
    """``fn`` raises ``error`` with exactly ``message`` and the store is left as it was."""
    before = snapshot(store, reference)
    with pytest.raises(error) as info, store.write() as s:
        fn(s)
    assert str(info.value) == message
    assert snapshot(store, reference) == before


def events(store: Store, reference: str | None = None) -> list[AuditEvent]:
    """The audit events (of one case, or all), oldest first, read afresh."""
    with store.read() as s:
        stmt = select(AuditEvent).order_by(AuditEvent.seq)
        if reference is not None:
            case_id = s.scalar(select(Case.id).where(Case.reference == reference))
            stmt = stmt.where(AuditEvent.case_id == case_id)
        found = list(s.scalars(stmt))
        s.expunge_all()
    return found


def last_event(store: Store, reference: str | None = None) -> AuditEvent:
    return events(store, reference)[-1]


def audit_count(store: Store) -> int:
    with store.read() as s:
        return int(s.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def load(store: Store, reference: str) -> Case:
    """The case as stored, read in a fresh session (relationships loaded, then detached)."""
    with store.read() as s:
        case = s.scalar(select(Case).where(Case.reference == reference))
        assert case is not None
        for rel in (
            "points",
            "parties",
            "extensions",
            "remedies",
            "actions",
            "service_areas",
            "themes",
        ):
            getattr(case, rel)
        for party in case.parties:
            _ = party.person
        s.expunge_all()
    return case


def store_counts(store: Store) -> dict[str, int]:
    """Row counts of the tables a new record writes to."""
    tables = ("cases", "people", "case_parties", "audit_events", "service_areas", "staff")
    with store.engine.connect() as conn:
        counts = {
            t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in tables
        }
        conn.rollback()
    return counts


def refused_anywhere(
    store: Store, fn: Callable[[Session], Any], error: type[CaseworkerError], message: str
) -> None:
    """Like ``refused``, for actions not on one case: no table gains or loses a row."""
    before = store_counts(store)
    with pytest.raises(error) as info, store.write() as s:
        fn(s)
    assert str(info.value) == message
    assert store_counts(store) == before
