"""The demo's audit trail: an event for each thing that happened to each case, chained in bulk.

Events are the ones the services write for the same actions (action names and the shape of
their changes), dated when each thing happened and attributed to the member of staff who did
it. A case's events are chained together, in the order they happened, as its rows are made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from caseworker.services.audit import changes_digest, event_digest, json_safe

OFFICER, ADVISOR = "complaints-officer", "advisor"


@dataclass(frozen=True)
class DemoEvent:
    day: date
    actor: str
    role: str
    action: str
    changes: dict[str, Any]


class DemoAudit:
    """Chains events on from the store's newest one (``prev``)."""

    def __init__(self, prev: str) -> None:
        self.prev = prev
        self.count = 0
        self.letters = 0  # letters made, for the summary

    def rows(self, case_id: str, events: list[DemoEvent], minute: int) -> list[dict[str, Any]]:
        """Audit rows for one case's events, in the order they happened (a stable sort keeps
        the order given for events on the same day); each a minute after the one before."""
        out: list[dict[str, Any]] = []
        ordered = sorted(events, key=lambda e: e.day)
        for i, e in enumerate(ordered):
            hour, mins = divmod(minute + i, 60)
            at = datetime.combine(e.day, time(9 + hour % 8, mins))
            safe = json_safe(e.changes)
            cdigest = changes_digest(safe)
            digest = event_digest(self.prev, at, e.actor, e.role, case_id, e.action, cdigest)
            out.append(
                {
                    "at": at,
                    "actor": e.actor,
                    "role": e.role,
                    "case_id": case_id,
                    "action": e.action,
                    "changes": safe,
                    "changes_digest": cdigest,
                    "prev_digest": self.prev,
                    "digest": digest,
                }
            )
            self.prev = digest
        self.count += len(out)
        return out
