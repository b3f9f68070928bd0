"""The complaints process in one table: which actions each kind of record allows in each
status and with which facts, and the guards on dates and extensions.

``allowed_actions`` is what the app enables, the command line lists and the services
accept (``check_allowed``); nothing else decides whether an action fits a case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Protocol

from caseworker.domain.calendar import format_day
from caseworker.domain.clocks import CaseFacts, Extension, counted_extension_days
from caseworker.domain.errors import RuleBroken
from caseworker.domain.policy import Policy
from caseworker.domain.vocab import RecordKind, Status


class Fact(StrEnum):
    """Facts of a case, beyond its kind and status, that decide what may be done next."""

    ACKNOWLEDGED = "acknowledged"
    DECIDED = "decided"  # a response decision is recorded (either stage)
    ESCALATION_REFUSED = "escalation-refused"
    REFERRED = "referred"  # to the Ombudsman
    DETERMINED = "determined"  # the Ombudsman's determination is recorded
    OPEN_REMEDIES = "open-remedies"
    OPEN_ACTIONS = "open-actions"


class _Done(Protocol):
    @property
    def done(self) -> date | None: ...


class CaseColumns(Protocol):
    """What the table reads from a case's own columns."""

    @property
    def kind(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def acknowledged(self) -> date | None: ...
    @property
    def stage1_decision(self) -> str | None: ...
    @property
    def stage2_decision(self) -> str | None: ...
    @property
    def escalation_refused_on(self) -> date | None: ...
    @property
    def ombudsman_referred_on(self) -> date | None: ...
    @property
    def ombudsman_determination(self) -> str: ...


class CaseLike(CaseColumns, Protocol):
    """What the table reads from a case: the stored case or the case view's detail."""

    @property
    def remedies(self) -> Sequence[_Done]: ...
    @property
    def actions(self) -> Sequence[_Done]: ...


@dataclass(frozen=True)
class CaseState:
    """A case as the table sees it."""

    kind: RecordKind
    status: Status
    facts: frozenset[Fact] = frozenset()


def state_of(case: CaseLike) -> CaseState:
    """The kind, status and facts of a case (stored or as the case view holds it)."""
    return state_from(
        case,
        open_remedies=any(r.done is None for r in case.remedies),
        open_actions=any(a.done is None for a in case.actions),
    )


def state_from(case: CaseColumns, *, open_remedies: bool, open_actions: bool) -> CaseState:
    """``state_of`` when whether the case has open remedies and actions is already known
    (a change reads both with the case, in one query, rather than loading every row)."""
    facts = {
        Fact.ACKNOWLEDGED: case.acknowledged is not None,
        Fact.DECIDED: case.stage1_decision is not None or case.stage2_decision is not None,
        Fact.ESCALATION_REFUSED: case.escalation_refused_on is not None,
        Fact.REFERRED: case.ombudsman_referred_on is not None,
        Fact.DETERMINED: bool(case.ombudsman_determination),
        Fact.OPEN_REMEDIES: open_remedies,
        Fact.OPEN_ACTIONS: open_actions,
    }
    return CaseState(
        RecordKind(case.kind), Status(case.status), frozenset(f for f, on in facts.items() if on)
    )


OPEN: frozenset[Status] = frozenset(s for s in Status if s.is_open)
ENDED: frozenset[Status] = frozenset(s for s in Status if not s.is_open)
ANY_STATUS: frozenset[Status] = frozenset(Status)
COMPLAINTS: frozenset[RecordKind] = frozenset({RecordKind.COMPLAINT})
ANY_KIND: frozenset[RecordKind] = frozenset(RecordKind)
OTHER_KINDS: frozenset[RecordKind] = ANY_KIND - COMPLAINTS
FEEDBACK: frozenset[RecordKind] = frozenset(k for k in RecordKind if k.is_feedback)
ENQUIRIES: frozenset[RecordKind] = frozenset(k for k in RecordKind if k.is_enquiry)


@dataclass(frozen=True)
class Rule:
    """One row of the table: ``action`` is allowed on these kinds, in these statuses, when
    every fact in ``needs`` holds and none in ``excludes`` does. ``says`` is the rule in
    words, for the message that refuses anything else."""

    action: str
    kinds: frozenset[RecordKind]
    statuses: frozenset[Status]
    says: str
    needs: frozenset[Fact] = field(default_factory=frozenset)
    excludes: frozenset[Fact] = field(default_factory=frozenset)

    def allows(self, state: CaseState) -> bool:
        return (
            state.kind in self.kinds
            and state.status in self.statuses
            and self.needs <= state.facts
            and not (self.excludes & state.facts)
        )


def _s(*statuses: Status) -> frozenset[Status]:
    return frozenset(statuses)


def _f(*facts: Fact) -> frozenset[Fact]:
    return frozenset(facts)


S = Status
# The table. Actions are named as the audit trail and the role checks name them.
RULES: tuple[Rule, ...] = (
    Rule(
        "acknowledge",
        COMPLAINTS,
        _s(S.LOGGED),
        "only a logged complaint is acknowledged at Stage 1",
    ),
    Rule(
        "extend",
        COMPLAINTS,
        _s(S.STAGE_1, S.STAGE_2),
        "only a complaint awaiting its Stage 1 or Stage 2 response can be extended",
    ),
    Rule(
        "respond-stage-1",
        COMPLAINTS,
        _s(S.STAGE_1),
        "a Stage 1 response is recorded for a complaint acknowledged at Stage 1",
    ),
    Rule(
        "escalate",
        COMPLAINTS,
        _s(S.STAGE_1_RESPONDED),
        "Stage 2 can only be requested once, after the Stage 1 response has been sent (there "
        "is no third stage: after the final response the resident can go to the Ombudsman)",
    ),
    Rule(
        "acknowledge-stage-2",
        COMPLAINTS,
        _s(S.STAGE_2_REQUESTED),
        "Stage 2 is acknowledged once it has been requested",
    ),
    Rule(
        "respond-stage-2",
        COMPLAINTS,
        _s(S.STAGE_2),
        "a Stage 2 response is recorded for a complaint acknowledged at Stage 2",
    ),
    Rule(
        "refuse",
        COMPLAINTS,
        _s(S.LOGGED, S.STAGE_1),
        "only a complaint not yet responded to can be refused as a complaint",
    ),
    Rule(
        "refuse-escalation",
        COMPLAINTS,
        _s(S.STAGE_2_REQUESTED),
        "only a Stage 2 request not yet acknowledged can be refused",
    ),
    Rule(
        "pass-on",
        FEEDBACK,
        _s(S.LOGGED),
        "only a logged compliment or comment is passed on",
    ),
    Rule(
        "reply-enquiry",
        ENQUIRIES,
        _s(S.LOGGED),
        "only a logged MP or councillor enquiry gets an enquiry reply",
    ),
    Rule(
        "close",
        COMPLAINTS,
        _s(S.STAGE_1_RESPONDED, S.STAGE_2_RESPONDED),
        "a complaint is closed once a stage's response has been sent",
    ),
    Rule("close", OTHER_KINDS, _s(S.LOGGED), "a record other than a complaint closes once"),
    Rule("withdraw", ANY_KIND, OPEN, "only an open case can be withdrawn"),
    Rule("reopen", ANY_KIND, ENDED, "only a closed, refused or withdrawn case can be reopened"),
    Rule(
        "refer-to-ombudsman",
        COMPLAINTS,
        _s(S.STAGE_1_RESPONDED, S.STAGE_2_RESPONDED, S.CLOSED, S.REFUSED),
        "a complaint is referred to the Ombudsman once, after a response, a refusal or closing",
        excludes=_f(Fact.REFERRED),
    ),
    Rule(
        "record-determination",
        COMPLAINTS,
        ANY_STATUS,
        "the Ombudsman's determination is recorded once, after the referral",
        needs=_f(Fact.REFERRED),
        excludes=_f(Fact.DETERMINED),
    ),
    Rule(
        "add-remedy",
        COMPLAINTS,
        ANY_STATUS - _s(S.REFUSED, S.WITHDRAWN),
        "remedies are recorded on a complaint once a response decision is recorded",
        needs=_f(Fact.DECIDED),
    ),
    Rule(
        "add-action",
        COMPLAINTS,
        ANY_STATUS - _s(S.REFUSED, S.WITHDRAWN),
        "outstanding actions are recorded on a complaint once a response decision is recorded",
        needs=_f(Fact.DECIDED),
    ),
    Rule(
        "complete-remedy",
        COMPLAINTS,
        ANY_STATUS,
        "a remedy is completed once it has been recorded and is not yet done",
        needs=_f(Fact.OPEN_REMEDIES),
    ),
    Rule(
        "complete-action",
        COMPLAINTS,
        ANY_STATUS,
        "an outstanding action is completed once it has been recorded and is not yet done",
        needs=_f(Fact.OPEN_ACTIONS),
    ),
    Rule(
        "agree-update-interval",
        COMPLAINTS,
        _s(S.STAGE_1, S.STAGE_2),
        "update intervals are agreed while a response is awaited or actions are outstanding",
    ),
    Rule(
        "agree-update-interval",
        COMPLAINTS,
        OPEN,
        "update intervals are agreed while a response is awaited or actions are outstanding",
        needs=_f(Fact.OPEN_ACTIONS),
    ),
    Rule("add-representative", ANY_KIND, OPEN, "representatives are added to open cases"),
    Rule("record-authorisation", ANY_KIND, ANY_STATUS, "any case"),
    Rule("revoke-authorisation", ANY_KIND, ANY_STATUS, "any case"),
    Rule("correct-fact", ANY_KIND, ANY_STATUS, "any case"),
    Rule("record-learning", ANY_KIND, ANY_STATUS, "any case"),
    Rule("link-case", ANY_KIND, ANY_STATUS, "any case"),
    Rule("add-note", ANY_KIND, ANY_STATUS, "any case"),
    Rule("make-letter", ANY_KIND, ANY_STATUS, "any case (the letter kinds follow the case)"),
    Rule("record-letter-sent", ANY_KIND, ANY_STATUS, "any case"),
    Rule("add-document", ANY_KIND, ANY_STATUS, "any case"),
)

CASE_ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(r.action for r in RULES))
"""Every action on a case, in the order of the process."""


def allowed_actions(state: CaseState) -> frozenset[str]:
    """The actions the process allows for a case in this state."""
    return frozenset(r.action for r in RULES if r.allows(state))


_WHAT = {
    "respond-stage-1": "record a Stage 1 response",
    "respond-stage-2": "record a Stage 2 response",
    "acknowledge-stage-2": "acknowledge Stage 2",
    "refuse": "refuse the complaint",
    "refuse-escalation": "refuse the escalation",
    "refer-to-ombudsman": "record a referral to the Ombudsman",
    "record-determination": "record the Ombudsman's determination",
    "add-remedy": "add a remedy",
    "add-action": "add an outstanding action",
    "complete-remedy": "complete a remedy",
    "complete-action": "complete an outstanding action",
    "agree-update-interval": "agree an update interval",
    "pass-on": "pass it on",
    "reply-enquiry": "reply to the enquiry",
}


def _described(state: CaseState) -> str:
    facts = {
        Fact.REFERRED: "already referred to the Ombudsman",
        Fact.DETERMINED: "with the Ombudsman's determination recorded",
        Fact.ESCALATION_REFUSED: "its escalation refused",
    }
    extra = [words for fact, words in facts.items() if fact in state.facts]
    kind = state.kind.label if state.kind is RecordKind.MP_ENQUIRY else state.kind.label.lower()
    article = "an" if kind[0] in "aeiouAEIOU" or kind.startswith("MP") else "a"
    return f"{article} {kind} ({state.status.label}" + "".join(f", {e}" for e in extra) + ")"


def check_allowed(state: CaseState, action: str, reference: str) -> None:
    """Refuse an action the table does not allow for this state, naming the rule.

    Raises:
        RuleBroken: e.g. "Cannot add a remedy: case CW-2026-000001 is a complaint (Logged);
            remedies are recorded on a complaint once a response decision is recorded".
        KeyError: ``action`` is not in the table (a programming error).
    """
    rows = [r for r in RULES if r.action == action]
    if not rows:
        raise KeyError(f"{action} is not in the lifecycle table")
    if any(r.allows(state) for r in rows):
        return
    fitting = [r for r in rows if state.kind in r.kinds] or rows
    what = _WHAT.get(action, action.replace("-", " "))
    raise RuleBroken(f"Cannot {what}: case {reference} is {_described(state)}; {fitting[0].says}")


# Where each step of the process leaves a case (actions not listed leave the status alone).
TRANSITIONS: dict[str, Status] = {
    "acknowledge": Status.STAGE_1,
    "respond-stage-1": Status.STAGE_1_RESPONDED,
    "escalate": Status.STAGE_2_REQUESTED,
    "acknowledge-stage-2": Status.STAGE_2,
    "respond-stage-2": Status.STAGE_2_RESPONDED,
    "refuse": Status.REFUSED,
    "refuse-escalation": Status.CLOSED,
    "pass-on": Status.CLOSED,
    "reply-enquiry": Status.CLOSED,
    "close": Status.CLOSED,
    "withdraw": Status.WITHDRAWN,
}
_ADDS: dict[str, Fact] = {
    "acknowledge": Fact.ACKNOWLEDGED,
    "respond-stage-1": Fact.DECIDED,
    "respond-stage-2": Fact.DECIDED,
    "refuse-escalation": Fact.ESCALATION_REFUSED,
    "refer-to-ombudsman": Fact.REFERRED,
    "record-determination": Fact.DETERMINED,
}


def replay_step(state: CaseState, step: str, reference: str) -> CaseState:
    """The state after ``step``, if the table allows it (else RuleBroken, naming the rule)."""
    check_allowed(state, step, reference)
    fact = _ADDS.get(step)
    facts = state.facts | {fact} if fact is not None else state.facts
    return CaseState(state.kind, TRANSITIONS.get(step, state.status), facts)


def replay(kind: RecordKind, steps: Sequence[str], reference: str) -> CaseState:
    """Walk a history (e.g. an imported row's) through the table from a logged record.

    Raises:
        RuleBroken: the first step the table does not allow, naming the rule.
    """
    state = CaseState(kind, Status.LOGGED)
    for step in steps:
        state = replay_step(state, step, reference)
    return state


def _not_before(
    later: date | None, later_what: str, earlier: date | None, earlier_what: str
) -> None:
    if later is not None and earlier is not None and later < earlier:
        raise RuleBroken(
            f"{later_what} ({format_day(later)}) cannot be before {earlier_what} "
            f"({format_day(earlier)})"
        )


def check_sequence(facts: CaseFacts, *, historical: bool = False) -> None:
    """Refuse impossible sequences of dates, naming the rule.

    Args:
        facts: the case's dates.
        historical: imported history is checked for consistency only (a response
            with no recorded acknowledgement is allowed; order still matters).
    """
    _not_before(facts.acknowledged, "The acknowledgement", facts.received, "the date received")
    if facts.stage1_responded is not None and facts.acknowledged is None and not historical:
        raise RuleBroken(
            "A Stage 1 response cannot be recorded before the complaint is acknowledged"
        )
    _not_before(
        facts.stage1_responded, "The Stage 1 response", facts.acknowledged, "the acknowledgement"
    )
    _not_before(facts.stage1_responded, "The Stage 1 response", facts.received, "the date received")
    if facts.escalated is not None and facts.stage1_responded is None:
        raise RuleBroken("Stage 2 can only be requested after the Stage 1 response has been sent")
    _not_before(
        facts.escalated, "The Stage 2 request", facts.stage1_responded, "the Stage 1 response"
    )
    if facts.stage2_acknowledged is not None and facts.escalated is None:
        raise RuleBroken("Stage 2 cannot be acknowledged before Stage 2 has been requested")
    _not_before(
        facts.stage2_acknowledged,
        "The Stage 2 acknowledgement",
        facts.escalated,
        "the Stage 2 request",
    )
    if facts.stage2_responded is not None and facts.stage2_acknowledged is None and not historical:
        raise RuleBroken("A Stage 2 response cannot be recorded before Stage 2 is acknowledged")
    if facts.stage2_responded is not None and facts.escalated is None:
        raise RuleBroken("A Stage 2 response needs a Stage 2 request first")
    _not_before(
        facts.stage2_responded,
        "The Stage 2 response",
        facts.stage2_acknowledged,
        "the Stage 2 acknowledgement",
    )
    _not_before(
        facts.stage2_responded, "The Stage 2 response", facts.escalated, "the Stage 2 request"
    )


def check_extensions(policy: Policy, stage: int, extensions: tuple[Extension, ...]) -> None:
    """Refuse extensions whose total passes the policy's limit without a recorded good reason."""
    for ext in extensions:
        if ext.days < 1:
            raise RuleBroken("An extension must be at least 1 working day")
    total = sum(e.days for e in extensions)
    limit = policy.extension_limit(stage)
    if counted_extension_days(policy, stage, extensions) < total:
        raise RuleBroken(
            f"Stage {stage} extensions total {total} working days, over the limit of {limit} "
            f"under {policy.label}; record a good reason to go beyond it"
        )
