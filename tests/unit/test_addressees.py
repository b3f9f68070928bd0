"""Who gets which letter (DOMAIN.md "Addressees")."""

from __future__ import annotations

import pytest

from caseworker.domain.addressees import PartyFacts, recipients
from caseworker.domain.errors import RuleBroken
from caseworker.domain.vocab import LetterKind, RecordKind

RESIDENT = PartyFacts(
    "p1", "complainant", "Ms Anna Wiśniewski", "Ms Wiśniewski", "12 Oak Road, Clowne", "S43 4AA"
)
SECOND = PartyFacts("p2", "complainant", "Mr Łukasz Nowak", "Mr Nowak", "14 Oak Road", "S43 4AA")


def rep(pid: str, name: str, **kw: object) -> PartyFacts:
    return PartyFacts(pid, "representative", name, "", "1 High Street", "S44 6JJ", **kw)  # type: ignore[arg-type]


def summary(
    kind: LetterKind, parties: tuple[PartyFacts, ...], record: RecordKind = RecordKind.COMPLAINT
) -> list[tuple[str, str, tuple[str, ...]]]:
    return [
        (r.addressee.name, r.addressee.role.value, r.copy_to)
        for r in recipients(kind, record, parties)
    ]


def test_resident_alone_gets_the_letter() -> None:
    assert summary(LetterKind.STAGE1_RESPONSE, (RESIDENT,)) == [
        ("Ms Anna Wiśniewski", "resident", ())
    ]


def test_authorised_representative_who_raised_it_gets_the_letter_instead() -> None:
    son = rep("r1", "Mr Tom Wiśniewski", relationship="relative", raised_it=True, may_be_told=True)
    assert summary(LetterKind.STAGE1_RESPONSE, (RESIDENT, son)) == [
        ("Mr Tom Wiśniewski", "representative", ())
    ]


def test_unauthorised_representative_gets_nothing_and_the_resident_is_written_to() -> None:
    son = rep("r1", "Mr Tom Wiśniewski", relationship="relative", raised_it=True, may_be_told=False)
    assert summary(LetterKind.STAGE1_RESPONSE, (RESIDENT, son)) == [
        ("Ms Anna Wiśniewski", "resident", ())
    ]


def test_mp_who_joined_later_gets_a_copy_and_is_named_on_the_letter() -> None:
    mp = rep("m1", "Ruth Jones MP", relationship="mp", joined_later=True, may_be_told=True)
    assert summary(LetterKind.STAGE1_RESPONSE, (RESIDENT, mp)) == [
        ("Ms Anna Wiśniewski", "resident", ("Ruth Jones MP",)),
        ("Ruth Jones MP", "copy", ()),
    ]


def test_group_complaint_one_letter_each_and_one_copy_for_the_mp() -> None:
    mp = rep("m1", "Ruth Jones MP", relationship="mp", joined_later=True, may_be_told=True)
    assert summary(LetterKind.STAGE1_ACKNOWLEDGEMENT, (RESIDENT, SECOND, mp)) == [
        ("Ms Anna Wiśniewski", "resident", ("Ruth Jones MP",)),
        ("Ruth Jones MP", "copy", ()),
        ("Mr Łukasz Nowak", "resident", ("Ruth Jones MP",)),
    ]


def test_do_not_contact_resident_is_skipped_and_alone_is_refused() -> None:
    blocked = PartyFacts("p1", "complainant", "Ms A", "", "1 Road", "S1 1AA", do_not_contact=True)
    assert summary(LetterKind.STAGE1_RESPONSE, (blocked, SECOND)) == [
        ("Mr Łukasz Nowak", "resident", ())
    ]
    with pytest.raises(RuleBroken) as exc:
        recipients(LetterKind.STAGE1_RESPONSE, RecordKind.COMPLAINT, (blocked,))
    assert str(exc.value) == "Nobody can be sent this letter: Ms A (marked do not contact)"


def test_enquiry_reply_goes_to_the_elected_representative() -> None:
    cllr = rep("c1", "Cllr Siân Evans", relationship="councillor", raised_it=True)
    got = summary(LetterKind.ENQUIRY_REPLY, (RESIDENT, cllr), RecordKind.COUNCILLOR_ENQUIRY)
    assert got == [("Cllr Siân Evans", "elected-representative", ())]


def test_enquiry_reply_without_an_elected_representative_is_refused() -> None:
    with pytest.raises(RuleBroken) as exc:
        recipients(LetterKind.ENQUIRY_REPLY, RecordKind.MP_ENQUIRY, (RESIDENT,))
    assert (
        str(exc.value)
        == "An enquiry reply goes to the MP or councillor: add them to the case first"
    )


def test_authorisation_form_goes_to_the_resident_to_sign() -> None:
    son = rep("r1", "Mr Tom Wiśniewski", relationship="relative", raised_it=True, may_be_told=False)
    assert summary(LetterKind.AUTHORISATION_FORM, (RESIDENT, son)) == [
        ("Ms Anna Wiśniewski", "resident", ())
    ]
