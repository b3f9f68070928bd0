"""Which letters a case can have, the one most likely wanted, and which letters are copies."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from caseworker.domain.letter_choice import copies_of, letter_kinds, next_letter
from caseworker.domain.vocab import LetterKind as K


@dataclass(frozen=True)
class Ext:
    stage: int


@dataclass(frozen=True)
class Steps:
    kind: str = "complaint"
    acknowledged: date | None = None
    extensions: tuple[Ext, ...] = ()
    stage1_decision: str | None = None
    escalation_refused_on: date | None = None
    stage2_acknowledged: date | None = None
    stage2_decision: str | None = None
    refused_on: date | None = None
    actions: tuple[object, ...] = ()


@dataclass(frozen=True)
class Saved:
    letter_kind: str | None
    made_at: datetime


DAY = date(2026, 2, 4)
LOGGED = Steps()
ACKED = replace(LOGGED, acknowledged=DAY)
DECIDED = replace(ACKED, stage1_decision="upheld", extensions=(Ext(1),), actions=("visit",))
FINAL = replace(DECIDED, stage2_acknowledged=date(2026, 3, 2), extensions=(Ext(1), Ext(2), Ext(2)))


def test_a_logged_complaint_has_only_the_authorisation_form() -> None:
    assert letter_kinds(LOGGED) == [K.AUTHORISATION_FORM]


def test_letters_follow_the_steps_recorded_in_process_order() -> None:
    assert letter_kinds(ACKED) == [K.STAGE1_ACKNOWLEDGEMENT, K.AUTHORISATION_FORM]
    assert letter_kinds(DECIDED) == [
        K.STAGE1_ACKNOWLEDGEMENT,
        K.STAGE1_EXTENSION,
        K.STAGE1_RESPONSE,
        K.UPDATE,
        K.AUTHORISATION_FORM,
    ]
    assert letter_kinds(replace(FINAL, stage2_decision="not-upheld")) == [
        K.STAGE1_ACKNOWLEDGEMENT,
        K.STAGE1_EXTENSION,
        K.STAGE1_RESPONSE,
        K.STAGE2_ACKNOWLEDGEMENT,
        K.STAGE2_EXTENSION,
        K.STAGE2_RESPONSE,
        K.UPDATE,
        K.AUTHORISATION_FORM,
    ]


def test_refusals_offer_their_own_letters() -> None:
    assert letter_kinds(replace(LOGGED, refused_on=DAY)) == [K.REFUSAL, K.AUTHORISATION_FORM]
    assert letter_kinds(replace(ACKED, stage1_decision="upheld", escalation_refused_on=DAY)) == [
        K.STAGE1_ACKNOWLEDGEMENT,
        K.STAGE1_RESPONSE,
        K.ESCALATION_REFUSAL,
        K.AUTHORISATION_FORM,
    ]


def test_other_kinds_of_record_have_their_reply() -> None:
    assert letter_kinds(Steps(kind="compliment")) == [
        K.COMPLIMENT_ACKNOWLEDGEMENT,
        K.AUTHORISATION_FORM,
    ]
    assert letter_kinds(Steps(kind="comment"))[0] is K.COMPLIMENT_ACKNOWLEDGEMENT
    assert letter_kinds(Steps(kind="mp-enquiry")) == [K.ENQUIRY_REPLY, K.AUTHORISATION_FORM]
    assert letter_kinds(Steps(kind="councillor-enquiry"))[0] is K.ENQUIRY_REPLY
    assert letter_kinds(Steps(kind="service-request")) == [K.AUTHORISATION_FORM]


def test_next_letter_is_the_latest_step_not_yet_written() -> None:
    kinds = letter_kinds(DECIDED)
    assert next_letter(kinds, []) is K.UPDATE
    assert next_letter(kinds, ["update"]) is K.STAGE1_RESPONSE
    assert next_letter(kinds, ["update", "stage1-response", None]) is K.STAGE1_EXTENSION
    every = [k.value for k in kinds]
    assert next_letter(kinds, every) is K.UPDATE  # all made: the latest again
    assert next_letter(letter_kinds(LOGGED), []) is K.AUTHORISATION_FORM


def test_copies_are_the_same_letter_made_together() -> None:
    at = datetime(2026, 2, 4, 10, 0, 0)
    letters = [
        Saved("stage1-acknowledgement", at),
        Saved("stage1-response", at.replace(minute=30)),
        Saved("stage1-response", at.replace(minute=30, second=2)),
        Saved("stage1-response", at.replace(minute=31, second=1)),  # 59 s after the one before
        Saved("stage1-response", at.replace(minute=45)),  # made again later
        Saved("update", at.replace(minute=45, second=1)),
    ]
    assert copies_of(letters, 0) == [0]
    assert copies_of(letters, 1) == [1, 2, 3]
    assert copies_of(letters, 3) == [1, 2, 3]
    assert copies_of(letters, 4) == [4]
    assert copies_of(letters, 5) == [5]
