"""The letters benchmark's baseline lays out the very page the app prints, byte for byte."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bench.items.bare_letter import BareLetters, bare_text
from caseworker.domain.letters import (
    Addressee,
    AddresseeRole,
    LetterCase,
    LetterContent,
    Organisation,
    Point,
    build_letter,
    copy_of,
    load_templates,
)
from caseworker.domain.vocab import Decision, LetterKind, RecordKind
from caseworker.letters import LetterPrinter

ORG = Organisation(
    name="North Derbyshire District Council",
    address_lines=("Council Offices", "1 Market Street", "Clowne", "S43 4JY"),
    phone="01632 960 000",
    email="complaints@north-derbyshire.example",
    website="www.north-derbyshire.example",
    signatory_name="Jane Whitworth",
    signatory_role="Customer Services Manager",
)
RESIDENT = Addressee("Mr Tom O'Neil & Co", "Mr O'Neil", ("2 Mill Lane", "Clowne"), "S43 4JJ")
MP = Addressee("Ruth Jones MP", "Ms Jones", ("House of Commons",), "SW1A 0AA", AddresseeRole.COPY)
CASE = LetterCase(
    reference="CW-2026-000042",
    record_kind=RecordKind.COMPLAINT,
    received=date(2026, 10, 1),
    resident_name="Mr O'Neil",
    points=(
        Point("The repair to the <boiler> took six weeks", Decision.UPHELD, "Parts were late"),
        Point("Nobody called back", Decision.NOT_UPHELD, "We called on 3 October"),
    ),
    outcomes_sought="Fix it & apologise",
    decision=Decision.PARTLY_UPHELD,
    reasons="The repair took too long.\nThe call was made.",
    copy_to=("Ruth Jones MP",),
)


def _letters() -> list[LetterContent]:
    response = build_letter(
        LetterKind.STAGE1_RESPONSE, CASE, ORG, RESIDENT, date(2026, 11, 26), load_templates()
    )
    return [response, replace(response, large_print=True), copy_of(response, MP)]


def test_the_baseline_pdf_is_the_apps_pdf() -> None:
    ours, bare = LetterPrinter(ORG), BareLetters(ORG)
    for letter in _letters():
        assert bare.pdf(bare_text(letter, ORG)) == ours.render(letter)


def test_the_baseline_refuses_what_it_does_not_lay_out() -> None:
    form = build_letter(
        LetterKind.AUTHORISATION_FORM, CASE, ORG, RESIDENT, date(2026, 11, 26), load_templates()
    )
    with pytest.raises(ValueError, match="without enclosures"):
        bare_text(form, ORG)
