"""Which letters fit a case as it stands, and which saved letters are copies of one another."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from caseworker.domain.calendar import format_day
from caseworker.domain.clocks import Clock, ClockName
from caseworker.domain.errors import RuleBroken
from caseworker.domain.vocab import LetterKind, RecordKind

# Copies of one letter are saved one after another as they are rendered; a minute covers
# the slowest group while keeping apart the same letter made again later.
COPIES_WITHIN = timedelta(minutes=1)


class HasStage(Protocol):
    @property
    def stage(self) -> int: ...


class CaseSteps(Protocol):
    """The facts of a case that decide which letters it can have (the case view's detail)."""

    @property
    def kind(self) -> str: ...
    @property
    def acknowledged(self) -> date | None: ...
    @property
    def extensions(self) -> Sequence[HasStage]: ...
    @property
    def stage1_decision(self) -> str | None: ...
    @property
    def escalation_refused_on(self) -> date | None: ...
    @property
    def stage2_acknowledged(self) -> date | None: ...
    @property
    def stage2_decision(self) -> str | None: ...
    @property
    def refused_on(self) -> date | None: ...
    @property
    def actions(self) -> Sequence[object]: ...


@dataclass(frozen=True)
class AtStage:
    stage: int


@dataclass(frozen=True)
class LetterSteps:
    """The facts ``letter_kinds`` reads, gathered from wherever the case was read."""

    kind: str
    acknowledged: date | None
    extensions: Sequence[HasStage]
    stage1_decision: str | None
    escalation_refused_on: date | None
    stage2_acknowledged: date | None
    stage2_decision: str | None
    refused_on: date | None
    actions: Sequence[object]


class SavedLetter(Protocol):
    """A letter in a case's correspondence."""

    @property
    def letter_kind(self) -> str | None: ...
    @property
    def made_at(self) -> datetime: ...


def letter_kinds(case: CaseSteps) -> list[LetterKind]:
    """The letters that make sense for the case as it stands, in the order of the process.

    Each letter is offered once the step it reports has been recorded (an extension
    letter after an extension, a response letter once the decision is in); the
    blank authorisation form is always offered.
    """
    record = RecordKind(case.kind)
    kinds: list[LetterKind] = []
    if record.is_feedback:
        kinds.append(LetterKind.COMPLIMENT_ACKNOWLEDGEMENT)
    elif record.is_enquiry:
        kinds.append(LetterKind.ENQUIRY_REPLY)
    elif record is RecordKind.COMPLAINT:
        extended = {e.stage for e in case.extensions}
        steps = (
            (case.acknowledged, LetterKind.STAGE1_ACKNOWLEDGEMENT),
            (1 in extended, LetterKind.STAGE1_EXTENSION),
            (case.stage1_decision, LetterKind.STAGE1_RESPONSE),
            (case.escalation_refused_on, LetterKind.ESCALATION_REFUSAL),
            (case.stage2_acknowledged, LetterKind.STAGE2_ACKNOWLEDGEMENT),
            (2 in extended, LetterKind.STAGE2_EXTENSION),
            (case.stage2_decision, LetterKind.STAGE2_RESPONSE),
            (case.refused_on, LetterKind.REFUSAL),
            (case.actions, LetterKind.UPDATE),
        )
        kinds += [kind for done, kind in steps if done]
        if case.escalation_refused_on:
            # Stage 2 never began: no letter may say it did.
            kinds = [k for k in kinds if not k.value.startswith("stage2")]
    kinds.append(LetterKind.AUTHORISATION_FORM)
    return kinds


# Letters that promise the response by its due date, and the clock that date comes from.
PROMISES: dict[LetterKind, ClockName] = {
    LetterKind.STAGE1_ACKNOWLEDGEMENT: ClockName.STAGE1_RESPONSE,
    LetterKind.STAGE1_EXTENSION: ClockName.STAGE1_RESPONSE,
    LetterKind.STAGE2_ACKNOWLEDGEMENT: ClockName.STAGE2_RESPONSE,
    LetterKind.STAGE2_EXTENSION: ClockName.STAGE2_RESPONSE,
}


def past_promise(kind: LetterKind, due: date | None, today: date) -> str | None:
    """Why a letter dated ``today`` cannot be made, if it would promise a date already past."""
    if kind not in PROMISES or due is None or due >= today:
        return None
    return (
        f"A {kind.label} letter dated {format_day(today)} would promise the response "
        f"by {format_day(due)}, which has passed; send the response, or agree an extension "
        "and send the extension letter"
    )


def check_letter(case: CaseSteps, kind: LetterKind, due: date | None, today: date) -> None:
    """Refuse a letter the case has not reached, or one that would state a past promise.

    Raises:
        RuleBroken: naming why (the step it reports is not recorded, or the date is past).
    """
    if kind not in letter_kinds(case):
        raise RuleBroken(
            f"A {kind.label} letter does not fit this case: "
            + (
                "its escalation was refused, so Stage 2 never began"
                if case.escalation_refused_on and kind.value.startswith("stage2")
                else "the step it reports has not been recorded"
            )
        )
    reason = past_promise(kind, due, today)
    if reason:
        raise RuleBroken(reason)


def promised_due(kind: LetterKind, clocks: Sequence[Clock]) -> date | None:
    """The response date a letter of ``kind`` would promise, from the case's clocks."""
    name = PROMISES.get(kind)
    return next((c.due for c in clocks if c.name is name), None) if name else None


def offered_letters(case: CaseSteps, clocks: Sequence[Clock], today: date) -> list[LetterKind]:
    """The letters the app and the command line offer today: those that fit the case and
    state nothing false (no promise of a date already past)."""
    return [
        k for k in letter_kinds(case) if past_promise(k, promised_due(k, clocks), today) is None
    ]


def next_letter(kinds: Sequence[LetterKind], made: Iterable[str | None]) -> LetterKind:
    """The letter most likely wanted: the latest step's letter not made yet, else the latest.

    Args:
        kinds: the letters on offer, as ``letter_kinds`` gives them.
        made: the letter kinds (machine values) already in the case's correspondence.
    """
    done = set(made)
    steps: list[LetterKind] = [k for k in kinds if k is not LetterKind.AUTHORISATION_FORM]
    steps = steps or list(kinds)
    unmade = [k for k in steps if k.value not in done]
    return (unmade or steps)[-1]


def copies_of(letters: Sequence[SavedLetter], index: int) -> list[int]:
    """The positions of every copy of the letter at ``index`` (itself included), in order.

    Copies are the same kind of letter made together: each within ``COPIES_WITHIN``
    of the one before it in the same run.
    """
    chosen = letters[index]
    kind = chosen.letter_kind
    group = [index]
    for step in (-1, 1):
        at, i = chosen.made_at, index + step
        while 0 <= i < len(letters):
            other = letters[i]
            if other.letter_kind != kind or abs(other.made_at - at) > COPIES_WITHIN:
                break
            group.append(i)
            at, i = other.made_at, i + step
    return sorted(group)
