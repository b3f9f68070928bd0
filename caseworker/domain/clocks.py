"""The clocks of a case: due dates, countdowns and their plain-English explanations.

Every function here is pure: the case's facts, its policy, a calendar and
``today`` go in; clocks come out. The what-if calculator uses the same code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from caseworker.domain.calendar import WorkingCalendar, format_day
from caseworker.domain.policy import CountedFrom, Policy
from caseworker.domain.vocab import RecordKind


class ClockName(StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"
    STAGE1_RESPONSE = "stage1-response"
    ESCALATION_WINDOW = "escalation-window"
    STAGE2_ACKNOWLEDGEMENT = "stage2-acknowledgement"
    STAGE2_RESPONSE = "stage2-response"
    ENQUIRY_REPLY = "enquiry-reply"
    PASS_ON = "pass-on"

    @property
    def label(self) -> str:
        return _CLOCK_LABELS[self]


_CLOCK_LABELS = {
    ClockName.ACKNOWLEDGEMENT: "Acknowledgement",
    ClockName.STAGE1_RESPONSE: "Stage 1 response",
    ClockName.ESCALATION_WINDOW: "Escalation window",
    ClockName.STAGE2_ACKNOWLEDGEMENT: "Stage 2 acknowledgement",
    ClockName.STAGE2_RESPONSE: "Stage 2 response",
    ClockName.ENQUIRY_REPLY: "Enquiry reply",
    ClockName.PASS_ON: "Passing on",
}


class ClockState(StrEnum):
    RUNNING = "running"
    DUE_TODAY = "due-today"
    OVERDUE = "overdue"
    MET = "met"
    MET_LATE = "met-late"
    STOPPED = "stopped"  # the case was withdrawn, refused or closed before this step
    LAPSED = "lapsed"  # an escalation window that ended without a request

    @property
    def is_live(self) -> bool:
        """Still waiting on us (counts towards the next deadline)."""
        return self in (ClockState.RUNNING, ClockState.DUE_TODAY, ClockState.OVERDUE)


@dataclass(frozen=True)
class Extension:
    """An agreed extension to one stage's response time."""

    days: int
    reason: str = ""
    good_reason: bool = False
    told_on: date | None = None


def counted_extension_days(policy: Policy, stage: int, extensions: Sequence[Extension]) -> int:
    """The working days of extension a stage's timescale counts (DOMAIN.md "Extensions").

    Every agreed day counts while the total is within the policy's limit, or beyond it
    with a recorded good reason; without one, the timescale stops at the limit. The app
    refuses such an extension (``lifecycle.check_extensions``); imported history may
    hold one, and its clocks and reports count only up to the limit.
    """
    total = sum(e.days for e in extensions)
    limit = policy.extension_limit(stage)
    if total > limit and not any(e.good_reason for e in extensions):
        return limit
    return total


@dataclass(frozen=True)
class CaseFacts:
    """The dates that drive a case's clocks."""

    kind: RecordKind
    received: date
    acknowledged: date | None = None
    stage1_extensions: tuple[Extension, ...] = ()
    stage1_responded: date | None = None
    escalated: date | None = None
    stage2_acknowledged: date | None = None
    stage2_extensions: tuple[Extension, ...] = ()
    stage2_responded: date | None = None
    replied: date | None = None  # enquiry reply sent, or compliment/comment passed on
    stopped_on: date | None = None  # withdrawn, refused or closed


@dataclass(frozen=True)
class Clock:
    """One deadline of a case, judged as at ``today``."""

    name: ClockName
    due: date
    provisional: bool
    state: ClockState
    working_days_left: int | None  # None once met, lapsed or stopped
    # Worded only when read: bulk writers need due dates for millions of clocks, not prose.
    explain: Callable[[], str] = field(compare=False, repr=False)
    completed: date | None = None

    @property
    def label(self) -> str:
        return self.name.label

    @property
    def explanation(self) -> str:
        """e.g. "Stage 1 response due Mon 18 Jan 2027: 10 working days from the
        acknowledgement on Mon 4 Jan 2027 (hos-2024); skipped: none"."""
        return self.explain()

    @property
    def countdown(self) -> str:
        """``3 working days left``, ``due today``, ``2 working days overdue``..."""
        return countdown_words(self.state, self.working_days_left, self.due, self.completed)

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name.value,
            "due": self.due.isoformat(),
            "provisional": self.provisional,
            "state": self.state.value,
            "working_days_left": self.working_days_left,
            "explanation": self.explanation,
        }


def countdown_words(
    state: ClockState, left: int | None, due: date, completed: date | None = None
) -> str:
    """A clock's countdown in words: ``3 working days left``, ``due today``, ``2 working days
    overdue``... (the one wording of a countdown: clocks, the case list and the work queue)."""
    # The states are compared as module constants: a list page words a hundred at a time.
    if state is _OVERDUE and left is not None:
        if left == 0:  # a non-working day after the due date
            return f"overdue since {format_day(due)[:-5]}"
        return f"{-left} working days overdue" if left != -1 else "1 working day overdue"
    if state is _RUNNING and left is not None:
        if left == 0:  # due on a non-working day (an escalation window in calendar days)
            return f"ends {format_day(due)[:-5]}"
        return f"{left} working days left" if left != 1 else "1 working day left"
    if state is _DUE_TODAY:
        return "due today"
    if state is _MET and completed:
        return f"met on {format_day(completed)}"
    if state is _MET_LATE and completed:
        return f"met late on {format_day(completed)}"
    return state.value.replace("-", " ")


_OVERDUE, _RUNNING, _DUE_TODAY = ClockState.OVERDUE, ClockState.RUNNING, ClockState.DUE_TODAY
_MET, _MET_LATE, _STOPPED = ClockState.MET, ClockState.MET_LATE, ClockState.STOPPED


def judge(
    due: date,
    done: date | None,
    stopped: date | None,
    today: date,
    cal: WorkingCalendar,
) -> tuple[ClockState, int | None]:
    """A clock's state and working days left (negative: overdue) as at ``today``."""
    if done is not None:
        return (_MET if done <= due else _MET_LATE), None
    if stopped is not None:
        return _STOPPED, None
    left = cal.working_days_between(today, due)
    if today < due:
        return _RUNNING, left
    if today == due:
        return _DUE_TODAY, 0
    return _OVERDUE, left


def _skipped(cal: WorkingCalendar, start: date, end: date) -> str:
    days = cal.non_working_weekdays(start, end)
    if not days:
        return "none"
    return ", ".join(f"{name} ({format_day(d)})" for d, name in days)


def _from_text(what: str, on: date, cal: WorkingCalendar) -> str:
    text = f"{what} on {format_day(on)}"
    if not cal.is_working_day(on):
        text += f", counted from {format_day(cal.next_working_day(on))}"
    return text


def _extension_text(exts: tuple[Extension, ...], counted: int) -> str:
    total = sum(e.days for e in exts)
    if not total:
        return ""
    text = f", plus {counted} working day{'s' if counted != 1 else ''} of extension"
    if counted < total:
        text += f" ({total} agreed; without a recorded good reason only the limit counts)"
    return text


def _working_clock(
    name: ClockName,
    days: int,
    base: date,
    base_what: str,
    policy: Policy,
    cal: WorkingCalendar,
    today: date,
    *,
    done: date | None,
    stopped: date | None,
    provisional: bool = False,
    extensions: tuple[Extension, ...] = (),
    stage: int = 1,
) -> Clock:
    counted = counted_extension_days(policy, stage, extensions) if extensions else 0
    due = cal.add_working_days(base, days + counted)
    state, left = judge(due, done, stopped, today, cal)

    def explain() -> str:
        prov = " (provisional)" if provisional else ""
        return (
            f"{name.label} due {format_day(due)}{prov}: {days} working days from "
            f"{_from_text(base_what, base, cal)}{_extension_text(extensions, counted)} "
            f"({policy.label}); "
            f"skipped: {_skipped(cal, base, due)}"
        )

    return Clock(name, due, provisional, state, left, explain, done)


def compute_clocks(
    facts: CaseFacts, policy: Policy, cal: WorkingCalendar, today: date
) -> list[Clock]:
    """Every clock that has started for this case, judged as at ``today``."""
    stop = facts.stopped_on
    if facts.kind.is_enquiry:
        return [
            _working_clock(
                ClockName.ENQUIRY_REPLY,
                policy.enquiry_days,
                facts.received,
                "receipt",
                policy,
                cal,
                today,
                done=facts.replied,
                stopped=stop,
            )
        ]
    if facts.kind.is_feedback:
        return [
            _working_clock(
                ClockName.PASS_ON,
                policy.pass_on_days,
                facts.received,
                "receipt",
                policy,
                cal,
                today,
                done=facts.replied,
                stopped=stop,
            )
        ]
    if facts.kind is not RecordKind.COMPLAINT:
        return []

    s1 = _stage_clocks(
        _Stage(
            ClockName.ACKNOWLEDGEMENT,
            ClockName.STAGE1_RESPONSE,
            facts.received,
            "receipt",
            policy.ack_days,
            policy.stage1_days,
            policy.stage1_from,
            facts.acknowledged,
            "the acknowledgement",
            facts.stage1_responded,
            facts.stage1_extensions,
            1,
        ),
        policy,
        cal,
        today,
        stop,
    )
    if facts.stage1_responded is not None and policy.escalation_window_days:
        s1.append(_escalation_window(facts, facts.stage1_responded, policy, cal, today))
    if facts.escalated is None:
        return s1
    s2_stop = stop if stop is not None and stop >= facts.escalated else None
    s2 = _stage_clocks(
        _Stage(
            ClockName.STAGE2_ACKNOWLEDGEMENT,
            ClockName.STAGE2_RESPONSE,
            facts.escalated,
            "the escalation request",
            policy.stage2_ack_days,
            policy.stage2_days,
            policy.stage2_from,
            facts.stage2_acknowledged,
            "the Stage 2 acknowledgement",
            facts.stage2_responded,
            facts.stage2_extensions,
            2,
        ),
        policy,
        cal,
        today,
        s2_stop,
    )
    return s1 + s2


@dataclass(frozen=True)
class _Stage:
    """The facts of one stage, for its acknowledgement and response clocks."""

    ack_clock: ClockName
    response_clock: ClockName
    start: date  # receipt of the complaint, or of the escalation request
    start_what: str
    ack_days: int
    response_days: int
    counted_from: CountedFrom
    acknowledged: date | None
    ack_what: str
    responded: date | None
    extensions: tuple[Extension, ...]
    stage: int


def _stage_clocks(
    st: _Stage, policy: Policy, cal: WorkingCalendar, today: date, stopped: date | None
) -> list[Clock]:
    """A stage's acknowledgement clock and its response clock (provisional before the ack)."""
    ack = _working_clock(
        st.ack_clock,
        st.ack_days,
        st.start,
        st.start_what,
        policy,
        cal,
        today,
        done=st.acknowledged,
        stopped=stopped,
    )
    if st.counted_from is CountedFrom.RECEIPT:
        base, what, provisional = st.start, st.start_what, False
    elif st.acknowledged is not None:
        base, what, provisional = st.acknowledged, st.ack_what, False
    else:
        base, what, provisional = ack.due, f"the latest {st.ack_what[4:]} date", True
    response = _working_clock(
        st.response_clock,
        st.response_days,
        base,
        what,
        policy,
        cal,
        today,
        done=st.responded,
        stopped=stopped,
        provisional=provisional,
        extensions=st.extensions,
        stage=st.stage,
    )
    return [ack, response]


def _escalation_window(
    facts: CaseFacts, responded: date, policy: Policy, cal: WorkingCalendar, today: date
) -> Clock:
    ends = responded + timedelta(days=policy.escalation_window_days)
    esc = facts.escalated
    left: int | None = None
    if esc is not None:
        state = ClockState.MET if esc <= ends else ClockState.MET_LATE
    elif facts.stopped_on is not None:
        state = ClockState.STOPPED
    elif today < ends:
        state, left = ClockState.RUNNING, cal.working_days_between(today, ends)
    elif today == ends:
        state, left = ClockState.DUE_TODAY, 0
    else:
        state = ClockState.LAPSED

    def explain() -> str:
        return (
            f"Escalation window ends {format_day(ends)}: {policy.escalation_window_days} "
            f"calendar days from the Stage 1 response sent on {format_day(responded)} "
            f"({policy.label})"
        )

    return Clock(ClockName.ESCALATION_WINDOW, ends, False, state, left, explain, esc)


def next_deadline(clocks: list[Clock]) -> Clock | None:
    """The earliest clock still waiting on the organisation, if any.

    The escalation window is the resident's time, not work the organisation owes, so it is
    never the next deadline (the stored ``next_due`` column leaves it out the same way).
    """
    live = [c for c in clocks if c.state.is_live and c.name is not ClockName.ESCALATION_WINDOW]
    return min(live, key=lambda c: c.due) if live else None


def find_clock(clocks: list[Clock], name: ClockName) -> Clock | None:
    return next((c for c in clocks if c.name is name), None)


@dataclass(frozen=True)
class Deadlines:
    """The headline dates of a complaint (what ``caseworker deadlines`` prints)."""

    ack_due: date | None
    stage1_due: date | None
    stage1_provisional: bool
    escalation_window_ends: date | None
    stage2_ack_due: date | None
    stage2_due: date | None
    stage2_provisional: bool
    clocks: list[Clock]

    def as_json(self) -> dict[str, object]:
        def iso(d: date | None) -> str | None:
            return d.isoformat() if d else None

        return {
            "ack_due": iso(self.ack_due),
            "stage1_due": iso(self.stage1_due),
            "stage1_provisional": self.stage1_provisional,
            "escalation_window_ends": iso(self.escalation_window_ends),
            "stage2_ack_due": iso(self.stage2_ack_due),
            "stage2_due": iso(self.stage2_due),
            "stage2_provisional": self.stage2_provisional,
            "clocks": [c.as_json() for c in self.clocks],
        }


def deadlines(facts: CaseFacts, policy: Policy, cal: WorkingCalendar, today: date) -> Deadlines:
    """The headline dates and all clocks of a case."""
    clocks = compute_clocks(facts, policy, cal, today)

    def due(name: ClockName) -> date | None:
        c = find_clock(clocks, name)
        return c.due if c else None

    def prov(name: ClockName) -> bool:
        c = find_clock(clocks, name)
        return bool(c and c.provisional)

    return Deadlines(
        ack_due=due(ClockName.ACKNOWLEDGEMENT),
        stage1_due=due(ClockName.STAGE1_RESPONSE),
        stage1_provisional=prov(ClockName.STAGE1_RESPONSE),
        escalation_window_ends=due(ClockName.ESCALATION_WINDOW),
        stage2_ack_due=due(ClockName.STAGE2_ACKNOWLEDGEMENT),
        stage2_due=due(ClockName.STAGE2_RESPONSE),
        stage2_provisional=prov(ClockName.STAGE2_RESPONSE),
        clocks=clocks,
    )
