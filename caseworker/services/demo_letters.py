"""The demo's letters: made by the app's own letter printer and recorded as sent, for the
complaints whose steps fell in the last quarter before ``today``.

Each letter is a real PDF (about a tenth of a second each on a busy machine), so the demo
makes them for the latest quarter only, and at most ``LETTER_LIMIT``: what a council opens
first (live and recent cases, the latest quarter's report) without a large demo taking hours.
The letters are made batch by batch, once the batch's cases are in the store, so each case's
audit trail lists them in the order things happened.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from caseworker.domain.vocab import LetterKind
from caseworker.services.demo_audit import OFFICER, DemoEvent
from caseworker.services.demo_timeline import Timeline
from caseworker.services.letters import LetterBatch, print_letters
from db.models import new_id

LETTER_DAYS = 92
LETTER_LIMIT = 500


@dataclass(frozen=True)
class LetterStep:
    """A letter a step of a complaint called for, sent the day of the step."""

    day: date
    order: int  # a case's letters of the same day in the order of its steps
    kind: LetterKind
    stage: int


@dataclass(frozen=True)
class CaseHistory:
    """One case's events (not yet chained) and the letters it had."""

    case_id: str
    reference: str
    events: list[DemoEvent]
    minute: int
    letters: tuple[LetterStep, ...]
    handler1: str
    handler2: str


def letter_steps(t: Timeline) -> list[LetterStep]:
    """Every letter the case's steps called for."""
    steps = (
        (LetterKind.REFUSAL, t.refused_on, 1),
        (LetterKind.STAGE1_ACKNOWLEDGEMENT, t.acknowledged, 1),
        (LetterKind.STAGE1_RESPONSE, t.responded1, 1),
        (LetterKind.ESCALATION_REFUSAL, t.escalation_refused, 2),
        (LetterKind.STAGE2_ACKNOWLEDGEMENT, t.acknowledged2, 2),
        (LetterKind.STAGE2_RESPONSE, t.responded2, 2),
    )
    return [
        LetterStep(day, order, kind, stage)
        for order, (kind, day, stage) in enumerate(steps)
        if day is not None
    ]


def choose_letters(timelines: list[Timeline], today: date) -> dict[int, tuple[LetterStep, ...]]:
    """By timeline index, the letters to make: the latest quarter's, the newest at most
    ``LETTER_LIMIT``."""
    since = today - timedelta(days=LETTER_DAYS)
    found = [
        (step, i)
        for i, t in enumerate(timelines)
        if t.kind.value == "complaint"
        for step in letter_steps(t)
        if since <= step.day <= today
    ]
    found.sort(key=lambda f: (f[0].day, f[1], f[0].order), reverse=True)
    chosen: dict[int, list[LetterStep]] = {}
    for step, i in sorted(found[:LETTER_LIMIT], key=lambda f: (f[1], f[0].order)):
        chosen.setdefault(i, []).append(step)
    return {i: tuple(steps) for i, steps in chosen.items()}


def make_letters(
    session: Session, batch: LetterBatch, history: CaseHistory
) -> tuple[list[dict[str, Any]], list[DemoEvent]]:
    """The case's letters as correspondence rows (made and sent the day of their step) and
    the events the services write for them (``make-letter``, ``record-letter-sent``)."""
    rows: list[dict[str, Any]] = []
    events: list[DemoEvent] = []
    for step in history.letters:
        made_by = history.handler1 if step.stage == 1 else history.handler2
        made_at = datetime.combine(step.day, time(11, step.order * 5))
        copies: list[list[str]] = []
        sent: list[DemoEvent] = []
        for p in print_letters(session, batch, history.reference, step.kind, today=step.day):
            digest = hashlib.sha256(p.pdf).hexdigest()
            addressee, content = p.recipient.addressee, p.content
            letter_id = new_id()
            rows.append(
                {
                    "id": letter_id,
                    "case_id": history.case_id,
                    "kind": "letter",
                    "letter_kind": step.kind.value,
                    "addressee_name": addressee.name,
                    "addressee_role": addressee.role.value,
                    "person_id": p.recipient.person_id,
                    "title": content.subject,
                    "made_at": made_at,
                    "made_by": made_by,
                    "template": content.template_name,
                    "template_version": content.template_version,
                    "large_print": content.large_print,
                    "content": p.pdf,
                    "sha256": digest,
                    "sent_on": step.day,
                    "sent_method": "post",  # window-envelope letters
                }
            )
            copies.append([addressee.name, addressee.role.value, digest])
            changes = {"letter": letter_id, "sent_on": step.day, "method": "post"}
            sent.append(DemoEvent(step.day, made_by, OFFICER, "record-letter-sent", changes))
        made = {"letter_kind": step.kind.value, "copies": copies}
        events += [DemoEvent(step.day, made_by, OFFICER, "make-letter", made), *sent]
    return rows, events
