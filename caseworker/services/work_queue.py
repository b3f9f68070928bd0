"""The work queue's items: what is due, as counts, each with the filter of the list it opens.

Plain data (no Qt), read through the quick reader, so the app can count while it builds
its window (see ui.app).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from caseworker.domain.calendar import format_day
from caseworker.services.quick_reads import store_calendar
from db.queries import CaseFilter, QueueCounts, Reader, queue_counts

EXPIRING_WITHIN_DAYS = 28
SOON_WORKING_DAYS = 3


@dataclass(frozen=True)
class QueueItem:
    """One count of the queue and the list it opens."""

    key: str
    title: str
    explanation: str
    count: int
    case_filter: CaseFilter


def queue_items(
    session: Reader, actor_name: str, include_restricted: bool, today: date
) -> list[QueueItem]:
    """The queue's counts and their filters, as at ``today``."""
    cal = store_calendar(session)
    soon = cal.add_working_days(today, SOON_WORKING_DAYS)
    expiring = today + timedelta(days=EXPIRING_WITHIN_DAYS)
    counts: QueueCounts = queue_counts(
        session,
        today,
        soon,
        handler=actor_name,
        include_restricted=include_restricted,
        expiring_before=expiring,
    )
    base = CaseFilter(open_only=True, include_restricted=include_restricted)
    return [
        QueueItem(
            "overdue",
            "Overdue",
            f"Past their next deadline (before {format_day(today)})",
            counts.overdue,
            replace(base, due_before=today),
        ),
        QueueItem(
            "due-today",
            "Due today",
            f"Next deadline is today, {format_day(today)}",
            counts.due_today,
            replace(base, due_on_or_after=today, due_on_or_before=today),
        ),
        QueueItem(
            "due-soon",
            "Due within 3 working days",
            f"Due by {format_day(soon)}",
            counts.due_soon,
            replace(base, due_on_or_after=today + timedelta(days=1), due_on_or_before=soon),
        ),
        QueueItem(
            "awaiting-ack",
            "Awaiting acknowledgement",
            "Complaints logged, not yet acknowledged",
            counts.awaiting_ack,
            replace(base, kinds=("complaint",), statuses=("logged",)),
        ),
        QueueItem(
            "awaiting-stage2-ack",
            "Awaiting Stage 2 acknowledgement",
            "Escalations received, not yet acknowledged",
            counts.awaiting_stage2_ack,
            replace(base, statuses=("stage-2-requested",)),
        ),
        QueueItem(
            "followups",
            "Remedies and actions overdue",
            "Cases with a remedy or outstanding action past its due date",
            counts.followups_overdue,
            replace(
                CaseFilter(include_restricted=include_restricted),
                followups_before=today,
            ),
        ),
        QueueItem(
            "auth-pending",
            "Authorisations pending",
            "A representative's authorisation form is awaited",
            counts.authorisations_pending,
            replace(base, auth_states=("pending",)),
        ),
        QueueItem(
            "auth-expiring",
            "Authorisations expiring",
            f"Authorisations that expire by {format_day(expiring)}",
            counts.authorisations_expiring,
            replace(base, authorisation_expires_by=expiring),
        ),
        QueueItem(
            "mine",
            "My cases",
            f"Open cases handled by {actor_name}",
            counts.my_cases,
            replace(base, handler=actor_name),
        ),
        QueueItem("all", "All open cases", "Every open case", counts.all_open, base),
    ]
