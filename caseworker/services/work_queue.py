"""The work queue's items: what is due, as counts, each with the filter of the list it opens.

Plain data (no Qt), read through the quick reader, so the app can count while it builds
its window (see ui.app).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from caseworker.domain.calendar import format_day
from caseworker.services.actor import Actor
from caseworker.services.permissions import sees_restricted
from caseworker.services.quick_reads import store_calendar
from db.queries import CaseFilter, Reader, count_each, queue_filters

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


def queue_items(reader: Reader, actor: Actor, today: date) -> list[QueueItem]:
    """The actor's queue: counts and their filters, as at ``today``."""
    actor_name, include_restricted = actor.display_name, sees_restricted(actor)
    cal = store_calendar(reader)
    soon = cal.add_working_days(today, SOON_WORKING_DAYS)
    expiring = today + timedelta(days=EXPIRING_WITHIN_DAYS)
    filters = queue_filters(
        today,
        soon,
        handler=actor_name,
        include_restricted=include_restricted,
        expiring_before=expiring,
    )
    counts = count_each(reader, filters)
    # key, the list's field in queue_filters, title, explanation
    shown = (
        ("overdue", "overdue", "Overdue", f"Past their next deadline (before {format_day(today)})"),
        ("due-today", "due_today", "Due today", f"Next deadline is today, {format_day(today)}"),
        ("due-soon", "due_soon", "Due within 3 working days", f"Due by {format_day(soon)}"),
        (
            "awaiting-ack",
            "awaiting_ack",
            "Awaiting acknowledgement",
            "Complaints logged, not yet acknowledged",
        ),
        (
            "awaiting-stage2-ack",
            "awaiting_stage2_ack",
            "Awaiting Stage 2 acknowledgement",
            "Escalations received, not yet acknowledged",
        ),
        (
            "followups",
            "followups_overdue",
            "Remedies and actions overdue",
            "Cases with a remedy or outstanding action past its due date",
        ),
        (
            "auth-pending",
            "authorisations_pending",
            "Authorisations pending",
            "A representative's authorisation form is awaited",
        ),
        (
            "auth-expiring",
            "authorisations_expiring",
            "Authorisations expiring",
            f"Authorisations that expire by {format_day(expiring)}",
        ),
        ("mine", "my_cases", "My cases", f"Open cases handled by {actor_name}"),
        ("all", "all_open", "All open cases", "Every open case"),
    )
    items = []
    for key, field, title, explanation in shown:
        case_filter = filters[field]
        if case_filter is not None:
            items.append(QueueItem(key, title, explanation, counts[field], case_filter))
    return items
