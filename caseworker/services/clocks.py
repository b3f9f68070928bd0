"""Keeping each case's stored due dates in step with the pure clock functions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseworker.domain.calendar import WorkingCalendar
from caseworker.domain.clocks import (
    CaseFacts,
    Clock,
    ClockName,
    Extension,
    compute_clocks,
    find_clock,
)
from caseworker.domain.policy import Policy, load_policy
from caseworker.domain.vocab import RecordKind, Status
from caseworker.services.actor import Actor
from caseworker.services.audit import record_event
from caseworker.services.settings import store_calendar
from db.models import Case


def stopped_on(
    status: str,
    refused_on: date | None,
    withdrawn_on: date | None,
    escalation_refused_on: date | None,
    closed_on: date | None,
) -> date | None:
    """The date a case's clocks stopped: refused, withdrawn, escalation refused or closed."""
    stopped = refused_on or withdrawn_on or escalation_refused_on
    if stopped is None and status == Status.CLOSED.value:
        stopped = closed_on
    return stopped


def facts_of(case: Case, extensions: Sequence[tuple[int, Extension]] | None = None) -> CaseFacts:
    """The dates of a stored case that drive its clocks.

    ``extensions``: the case's extensions in order, each with its stage, when the caller has
    read them already (else the case's own rows are loaded).
    """
    if extensions is None:
        extensions = [
            (e.stage, Extension(e.days, e.reason, e.good_reason, e.told_on))
            for e in case.extensions
        ]

    def exts(stage: int) -> tuple[Extension, ...]:
        return tuple(x for s, x in extensions if s == stage)

    stopped = stopped_on(
        case.status, case.refused_on, case.withdrawn_on, case.escalation_refused_on, case.closed_on
    )
    return CaseFacts(
        kind=RecordKind(case.kind),
        received=case.received,
        acknowledged=case.acknowledged,
        stage1_extensions=exts(1),
        stage1_responded=case.stage1_responded,
        escalated=case.escalated,
        stage2_acknowledged=case.stage2_acknowledged,
        stage2_extensions=exts(2),
        stage2_responded=case.stage2_responded,
        replied=case.replied,
        stopped_on=stopped,
    )


def case_clocks(case: Case, cal: WorkingCalendar, today: date) -> list[Clock]:
    return compute_clocks(facts_of(case), load_policy(case.policy_name), cal, today)


# Due dates never depend on `today`; only states do. Any date works for storing them.
_ANY_DAY = date(2000, 1, 1)


def clock_columns(
    facts: CaseFacts, policy: Policy, cal: WorkingCalendar, status: str
) -> dict[str, date | str | None]:
    """The stored-clock columns of a case from its facts (what ``store_clocks`` writes).

    Bulk writers (the demo generator, imports) call this directly, without an ORM case.
    """
    clocks = compute_clocks(facts, policy, cal, _ANY_DAY)

    def due(name: ClockName) -> date | None:
        c = find_clock(clocks, name)
        return c.due if c else None

    # A clock is pending while not met and the case has not stopped.
    pending = [
        c for c in clocks if c.completed is None and c.name is not ClockName.ESCALATION_WINDOW
    ]
    open_case = Status(status).is_open and facts.stopped_on is None
    nxt = min(pending, key=lambda c: c.due) if pending and open_case else None
    return {
        "ack_due": due(ClockName.ACKNOWLEDGEMENT)
        or due(ClockName.ENQUIRY_REPLY)
        or due(ClockName.PASS_ON),
        "stage1_due": due(ClockName.STAGE1_RESPONSE),
        "stage2_ack_due": due(ClockName.STAGE2_ACKNOWLEDGEMENT),
        "stage2_due": due(ClockName.STAGE2_RESPONSE),
        "next_due": nxt.due if nxt else None,
        "next_clock": nxt.name.value if nxt else None,
    }


def store_clocks(
    case: Case, cal: WorkingCalendar, extensions: Sequence[tuple[int, Extension]] | None = None
) -> dict[str, list[object]]:
    """Write the case's due dates and next deadline into its indexed columns.

    ``extensions`` as for ``facts_of``. Returns the columns that changed as
    ``{name: [before, after]}``.
    """
    new = clock_columns(facts_of(case, extensions), load_policy(case.policy_name), cal, case.status)
    changed: dict[str, list[object]] = {}
    for key, value in new.items():
        before = getattr(case, key)
        if before != value:
            changed[key] = [before, value]
            setattr(case, key, value)
    return changed


def refresh_case_clocks(session: Session, case: Case) -> dict[str, list[object]]:
    return store_clocks(case, store_calendar(session))


def recompute_open_cases(session: Session, actor: Actor, *, reason: str) -> int:
    """Recompute stored clocks of every open case after the calendar changed (audited)."""
    cal = store_calendar(session)
    open_statuses = [s.value for s in Status if s.is_open]
    moved = 0
    for case in session.scalars(select(Case).where(Case.status.in_(open_statuses))):
        changed = store_clocks(case, cal)
        if changed:
            moved += 1
            record_event(session, actor, "recompute-clocks", case.id, {"reason": reason, **changed})
    return moved
