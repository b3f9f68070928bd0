"""The dates of one demo case: a plausible path through the process, cut off at ``today``."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from caseworker.domain.calendar import WorkingCalendar
from caseworker.domain.vocab import RecordKind, Status

OUTCOMES = ("upheld", "partly-upheld", "not-upheld")
_OUTCOME_WEIGHTS = (30, 30, 40)


@dataclass(frozen=True)
class DemoExtension:
    days: int
    good_reason: bool
    told_on: date


@dataclass(slots=True)
class Timeline:
    """What happened to a case and when (None: not (yet) happened)."""

    kind: RecordKind
    received: date
    status: Status = Status.LOGGED
    acknowledged: date | None = None
    ext1: list[DemoExtension] = field(default_factory=list)
    responded1: date | None = None
    decision1: str | None = None
    escalated: date | None = None
    escalation_refused: date | None = None
    acknowledged2: date | None = None
    ext2: list[DemoExtension] = field(default_factory=list)
    responded2: date | None = None
    decision2: str | None = None
    refused_on: date | None = None
    withdrawn_on: date | None = None
    closed_on: date | None = None
    replied: date | None = None
    referred: date | None = None
    determined: date | None = None


def _extensions(
    rng: random.Random, cal: WorkingCalendar, start: date, base: int, limit: int, today: date
) -> list[DemoExtension]:
    """Extensions to one stage (about 1 in 10), told before the due date and not after today."""
    if rng.random() >= 0.10:
        return []
    good = rng.random() < 0.15
    days = limit + rng.choice((5, 10)) if good else rng.choice((5, limit))
    due = cal.add_working_days(start, base)
    told = cal.add_working_days(due, -rng.randint(0, 3))
    if told < start or told > today:
        return []
    return [DemoExtension(days, good, told)]


def _late_or_not(rng: random.Random, late_share: float, on_time: tuple[int, int]) -> int:
    if rng.random() < late_share:
        return on_time[1] + rng.randint(1, 6)
    return rng.randint(*on_time)


class TimelineMaker:
    """Makes timelines with one random stream, so a seed always gives the same cases."""

    def __init__(self, rng: random.Random, cal: WorkingCalendar, today: date) -> None:
        self.rng = rng
        self.cal = cal
        self.today = today

    def _wd(self, d: date, n: int) -> date:
        return self.cal.add_working_days(d, n)

    def forward(self, kind: RecordKind, received: date) -> Timeline:
        """A case that runs its course, stopped at ``today`` wherever it has got to."""
        t = Timeline(kind, received)
        if kind is RecordKind.COMPLAINT:
            self._complaint(t)
        elif kind is RecordKind.SERVICE_REQUEST:
            done = received + timedelta(days=self.rng.randint(1, 30))
            if done <= self.today:
                t.closed_on, t.status = done, Status.CLOSED
        else:
            days = (3, 10) if kind.is_enquiry else (1, 5)
            replied = self._wd(received, _late_or_not(self.rng, 0.07, days))
            if replied <= self.today:
                t.replied = t.closed_on = replied
                t.status = Status.CLOSED
        return t

    def _complaint(self, t: Timeline) -> None:
        rng, today = self.rng, self.today
        roll = rng.random()
        if roll < 0.06:
            refused = self._wd(t.received, rng.randint(1, 5))
            if refused <= today:
                t.refused_on, t.status = refused, Status.REFUSED
            return
        ack = self._wd(t.received, _late_or_not(rng, 0.08, (1, 5)))
        if ack > today:
            return
        t.acknowledged, t.status = ack, Status.STAGE_1
        if roll < 0.09:
            withdrawn = self._wd(ack, rng.randint(1, 8))
            if withdrawn <= today:
                t.withdrawn_on, t.status = withdrawn, Status.WITHDRAWN
            return
        t.ext1 = _extensions(rng, self.cal, ack, 10, 10, today)
        allowed = 10 + sum(e.days for e in t.ext1)
        responded = self._wd(ack, _late_or_not(rng, 0.08, (3, allowed)))
        if responded > today:
            return
        t.responded1, t.status = responded, Status.STAGE_1_RESPONDED
        t.decision1 = rng.choices(OUTCOMES, _OUTCOME_WEIGHTS)[0]
        if rng.random() >= 0.15:
            closed = responded + timedelta(days=rng.randint(0, 14))
            if closed <= today:
                t.closed_on, t.status = closed, Status.CLOSED
            return
        self._stage2(t, responded + timedelta(days=rng.randint(1, 28)))

    def _stage2(self, t: Timeline, escalated: date) -> None:
        rng, today = self.rng, self.today
        if escalated > today:
            return
        t.escalated, t.status = escalated, Status.STAGE_2_REQUESTED
        if rng.random() < 0.03:
            refused = self._wd(escalated, rng.randint(2, 5))
            if refused <= today:
                t.escalation_refused = t.closed_on = refused
                t.status = Status.CLOSED
            return
        ack2 = self._wd(escalated, _late_or_not(rng, 0.06, (1, 5)))
        if ack2 > today:
            return
        t.acknowledged2, t.status = ack2, Status.STAGE_2
        t.ext2 = _extensions(rng, self.cal, ack2, 20, 20, today)
        allowed = 20 + sum(e.days for e in t.ext2)
        responded = self._wd(ack2, _late_or_not(rng, 0.08, (8, allowed)))
        if responded > today:
            return
        t.responded2, t.status = responded, Status.STAGE_2_RESPONDED
        t.decision2 = rng.choices(OUTCOMES, (20, 25, 55))[0]
        closed = responded + timedelta(days=rng.randint(0, 7))
        if closed > today:
            return
        t.closed_on, t.status = closed, Status.CLOSED
        if rng.random() < 0.15:
            referred = responded + timedelta(days=rng.randint(20, 200))
            if referred <= today:
                t.referred = referred
                determined = referred + timedelta(days=rng.randint(60, 300))
                t.determined = determined if determined <= today else None

    def open_at_today(self, kind: RecordKind) -> Timeline:
        """A case still open at ``today``, its next deadline overdue, due today or soon.

        The dates are worked backwards from the deadline, so the spread of countdowns
        in the work queue is chosen, not left to chance.
        """
        rng, cal = self.rng, self.cal
        offset = rng.choices(
            (rng.randint(-25, -1), 0, rng.randint(1, 3), rng.randint(4, 15)), (40, 10, 20, 30)
        )[0]
        due = cal.add_working_days(cal.next_working_day(self.today), offset)
        if kind is RecordKind.COMPLAINT:
            return self._open_complaint(due)
        if kind is RecordKind.SERVICE_REQUEST:
            return Timeline(kind, self.today - timedelta(days=rng.randint(0, 60)))
        days = 10 if kind.is_enquiry else 5
        return Timeline(kind, self._wd(self._cap(due, days - 1), -days))

    def _cap(self, due: date, most: int) -> date:
        """``due`` moved back so it is at most ``most`` working days after today."""
        latest = self._wd(self.cal.next_working_day(self.today), most)
        return min(due, latest)

    def _stage1_before(self, responded: date) -> Timeline:
        ack = self._wd(responded, -self.rng.randint(3, 10))
        t = Timeline(RecordKind.COMPLAINT, self._wd(ack, -self.rng.randint(1, 5)))
        t.acknowledged, t.responded1 = ack, responded
        t.decision1 = self.rng.choices(OUTCOMES, _OUTCOME_WEIGHTS)[0]
        return t

    def _open_complaint(self, due: date) -> Timeline:
        rng = self.rng
        step = rng.choices(
            (Status.LOGGED, Status.STAGE_1, Status.STAGE_1_RESPONDED, Status.STAGE_2_REQUESTED,
             Status.STAGE_2),
            (25, 45, 5, 10, 15),
        )[0]  # fmt: skip
        if step is Status.LOGGED:
            return Timeline(RecordKind.COMPLAINT, self._wd(self._cap(due, 4), -5))
        if step is Status.STAGE_1:
            due = self._cap(due, 9)
            ack = self._wd(due, -10)
            t = Timeline(RecordKind.COMPLAINT, self._wd(ack, -rng.randint(1, 5)))
            t.acknowledged, t.status = ack, Status.STAGE_1
            return t
        if step is Status.STAGE_1_RESPONDED:
            t = self._stage1_before(self.today - timedelta(days=rng.randint(0, 20)))
            t.status = Status.STAGE_1_RESPONDED
            return t
        if step is Status.STAGE_2_REQUESTED:
            escalated = self._wd(self._cap(due, 4), -5)
            t = self._stage1_before(escalated - timedelta(days=rng.randint(1, 25)))
            t.escalated, t.status = escalated, Status.STAGE_2_REQUESTED
            return t
        ack2 = self._wd(self._cap(due, 19), -20)
        escalated = self._wd(ack2, -rng.randint(1, 5))
        t = self._stage1_before(escalated - timedelta(days=rng.randint(1, 25)))
        t.escalated, t.acknowledged2, t.status = escalated, ack2, Status.STAGE_2
        return t
