"""One printer for a batch: the letters it makes are exactly those made one at a time."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

from caseworker.domain.letters import (
    ActionLine,
    Addressee,
    AddresseeRole,
    LetterCase,
    LetterContent,
    Organisation,
    Point,
    RemedyLine,
    build_letter,
    copy_of,
    load_templates,
)
from caseworker.domain.policy import load_policy
from caseworker.domain.vocab import Decision, LetterKind, RecordKind, RemedyKind
from caseworker.letters import LetterPrinter, render_pdf

TODAY = date(2027, 1, 4)
ORG = Organisation(
    name="Bolsover District Council",
    address_lines=("The Arc", "High Street", "Clowne", "S43 4JY"),
    phone="01246 242424",
    email="complaints@bolsover.gov.uk",
    website="www.bolsover.gov.uk",
    signatory_name="Siân Ó Briain",
    signatory_role="Complaints Officer",
)
RESIDENT = Addressee("Ms Anna Wiśniewski", "Ms Wiśniewski", ("14 Station Road",), "NG20 8AA")
MP = Addressee("Ruth Jones MP", "Ms Jones", ("House of Commons",), "SW1A 0AA", AddresseeRole.COPY)
CASE = LetterCase(
    reference="CW-2026-000042",
    record_kind=RecordKind.COMPLAINT,
    received=date(2026, 12, 31),
    resident_name="Ms Wiśniewski",
    points=(Point("The boiler took six weeks.", Decision.UPHELD, "Parts were late."),),
    outcomes_sought="An apology",
    response_due=date(2027, 1, 18),
    decision=Decision.UPHELD,
    reasons="The repair took too long.",
    remedies=(RemedyLine(RemedyKind.FINANCIAL, "For heaters.", Decimal("150"), None),),
    actions=(ActionLine("Service your boiler", date(2027, 2, 12)),),
    ombudsman=load_policy("hos-2024").ombudsman,
    copy_to=("Ruth Jones MP",),
)


def _letters() -> list[LetterContent]:
    templates = load_templates()
    response = build_letter(LetterKind.STAGE1_RESPONSE, CASE, ORG, RESIDENT, TODAY, templates)
    form = build_letter(LetterKind.AUTHORISATION_FORM, CASE, ORG, RESIDENT, TODAY, templates)
    return [
        response,
        replace(response, large_print=True),
        copy_of(response, MP),
        form,
        replace(response, reference="CW-2026-000043"),
        replace(form, large_print=True),
    ]


def test_a_printer_gives_each_letter_the_bytes_it_gets_alone(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (200, 80), (11, 79, 108)).save(logo)
    for org in (ORG, replace(ORG, logo_path=str(logo))):
        printer = LetterPrinter(org)
        batch = [printer.render(letter) for letter in _letters()]
        alone = [render_pdf(letter, org) for letter in _letters()]
        assert batch == alone
        assert len(set(batch)) == len(batch)


def test_later_pages_carry_their_own_letters_reference() -> None:
    printer = LetterPrinter(ORG)
    for reference in ("CW-2026-000042", "CW-2026-000043"):
        letter = replace(_letters()[3], reference=reference)
        pages = PdfReader(io.BytesIO(printer.render(letter))).pages
        later = " ".join(pages[-1].extract_text().split())
        assert later.startswith(f"Bolsover District Council Our reference: {reference}")
