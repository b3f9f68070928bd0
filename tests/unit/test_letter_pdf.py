"""Letters rendered to PDF: the required content is really printed, safely and repeatably."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from caseworker.domain.letters import (
    ActionLine,
    Addressee,
    AddresseeRole,
    ExtensionDetails,
    LetterCase,
    LetterContent,
    Organisation,
    Point,
    Refusal,
    RemedyLine,
    Templates,
    build_letter,
    copy_of,
    load_templates,
)
from caseworker.domain.policy import load_policy
from caseworker.domain.vocab import Decision, ExclusionReason, LetterKind, RecordKind, RemedyKind
from caseworker.letters import render_pdf
from caseworker.letters.styles import letter_styles

TODAY = date(2027, 1, 4)
HOS = load_policy("hos-2024").ombudsman
LGSCO = load_policy("lgsco-2024").ombudsman

ORG = Organisation(
    name="Bolsover District Council",
    address_lines=("The Arc", "High Street", "Clowne", "Chesterfield", "S43 4JY"),
    phone="01246 242424",
    email="complaints@bolsover.gov.uk",
    website="www.bolsover.gov.uk",
    signatory_name="Siân Ó Briain",
    signatory_role="Customer Standards and Complaints Officer",
)
RESIDENT = Addressee(
    "Ms Anna Wiśniewski", "Ms Wiśniewski", ("14 Station Road", "Shirebrook"), "NG20 8AA"
)
MP = Addressee(
    "Ruth Jones MP",
    "Ms Jones",
    ("House of Commons", "London"),
    "SW1A 0AA",
    AddresseeRole.ELECTED_REPRESENTATIVE,
)
CASE = LetterCase(
    reference="CW-2026-000042",
    record_kind=RecordKind.COMPLAINT,
    received=date(2026, 12, 31),
    resident_name="Ms Wiśniewski",
    points=(
        Point("The repair to your boiler took six weeks.", Decision.UPHELD, "Parts were late."),
        Point("Łukasz, our contractor, was rude to you.", Decision.NOT_UPHELD, "No evidence."),
    ),
    outcomes_sought="An apology",
    responsible_for="the repair and our contractor",
    response_due=date(2027, 1, 18),
    escalation_requested=date(2027, 2, 1),
    decision=Decision.PARTLY_UPHELD,
    reasons="The repair took too long.",
    remedies=(RemedyLine(RemedyKind.FINANCIAL, "For heaters.", Decimal("150"), date(2027, 2, 5)),),
    actions=(ActionLine("Service your boiler", date(2027, 2, 12)),),
    extension=ExtensionDetails(date(2027, 2, 1), "We are waiting for a report.", 10),
    refusal=Refusal(ExclusionReason.LEGAL_PROCEEDINGS, "Court papers were filed on 1 June."),
    escalation_refusal_reason="It is a new matter.",
    about="The new paving",
    enquiry_reply="The boiler was repaired.",
    ombudsman=HOS,
    copy_to=("Ruth Jones MP",),
)


@pytest.fixture(scope="module")
def templates() -> Templates:
    return load_templates()


def letter_for(kind: LetterKind, templates: Templates, case: LetterCase = CASE) -> LetterContent:
    addressee = RESIDENT
    if kind is LetterKind.COMPLIMENT_ACKNOWLEDGEMENT:
        case = replace(case, record_kind=RecordKind.COMPLIMENT)
    if kind is LetterKind.ENQUIRY_REPLY:
        case, addressee = replace(case, record_kind=RecordKind.MP_ENQUIRY), MP
    return build_letter(kind, case, ORG, addressee, TODAY, templates)


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text with runs of whitespace made single spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def content_streams(pdf: bytes) -> bytes:
    reader = PdfReader(io.BytesIO(pdf))
    streams = [page.get_contents() for page in reader.pages]
    return b"".join(s.get_data() for s in streams if s is not None)


@pytest.mark.parametrize("kind", list(LetterKind))
def test_every_kind_prints_letterhead_reference_date_and_page_numbers(
    kind: LetterKind, templates: Templates
) -> None:
    pdf = render_pdf(letter_for(kind, templates), ORG)
    assert pdf.startswith(b"%PDF-")
    pages = pages_text(pdf)
    first = pages[0]
    for expected in (
        "Bolsover District Council",
        "Our reference: CW-2026-000042",
        "Date: Monday 4 January 2027",
        "Phone: 01246 242424",
        "Email: complaints@bolsover.gov.uk",
        "S43 4JY",
        "You can have this letter in large print or in another language.",
        "BSL video call or through Relay UK.",
    ):
        assert expected in first, expected
    for number, text in enumerate(pages, 1):
        assert f"Page {number} of {len(pages)}" in text
    everything = " ".join(pages)
    assert "Siân Ó Briain" in everything
    assert "Customer Standards and Complaints Officer" in everything


@pytest.mark.parametrize(
    ("kind", "required"),
    [
        (
            LetterKind.STAGE1_ACKNOWLEDGEMENT,
            ["We will send you our full response by Monday 18 January 2027.", "Stage 1"],
        ),
        (
            LetterKind.STAGE2_ACKNOWLEDGEMENT,
            ["We will send you our final response by Monday 18 January 2027.", "Stage 2"],
        ),
        (
            LetterKind.STAGE1_RESPONSE,
            [
                "We have partly upheld your complaint.",
                "The repair took too long.",
                "We are offering £150.00.",
                "Service your boiler (by Friday 12 February 2027)",
                "ask us to look at your complaint again at Stage 2",
            ],
        ),
        (
            LetterKind.STAGE2_RESPONSE,
            ["We have partly upheld your complaint.", "Phone: 0300 111 3000", "PO Box 1484"],
        ),
        (
            LetterKind.STAGE1_EXTENSION,
            ["by Monday 1 February 2027", "We are waiting for a report.", "0300 111 3000"],
        ),
        (
            LetterKind.STAGE2_EXTENSION,
            ["by Monday 1 February 2027", "We are waiting for a report.", "0300 111 3000"],
        ),
        (LetterKind.REFUSAL, ["legal proceedings", "Court papers were", "0300 111 3000"]),
        (LetterKind.ESCALATION_REFUSAL, ["It is a new matter.", "0300 111 3000"]),
        (LetterKind.UPDATE, ["Service your boiler (by Friday 12 February 2027)"]),
        (LetterKind.COMPLIMENT_ACKNOWLEDGEMENT, ["Thank you for your compliment"]),
        (LetterKind.ENQUIRY_REPLY, ["Ruth Jones MP", "The boiler was repaired."]),
        (LetterKind.AUTHORISATION_FORM, ["Your signature", "Their full name", "Page 2 of 2"]),
    ],
)
def test_required_content_is_printed(
    kind: LetterKind, required: list[str], templates: Templates
) -> None:
    text = " ".join(pages_text(render_pdf(letter_for(kind, templates), ORG)))
    for expected in required:
        assert expected in text, expected


def test_short_letter_is_page_1_of_1(templates: Templates) -> None:
    pages = pages_text(
        render_pdf(letter_for(LetterKind.COMPLIMENT_ACKNOWLEDGEMENT, templates), ORG)
    )
    assert len(pages) == 1
    assert "Page 1 of 1" in pages[0]


def test_stage2_response_prints_the_lgsco_when_the_policy_says_so(templates: Templates) -> None:
    case = replace(CASE, ombudsman=LGSCO)
    text = " ".join(
        pages_text(render_pdf(letter_for(LetterKind.STAGE2_RESPONSE, templates, case), ORG))
    )
    assert "Local Government and Social Care Ombudsman, PO Box 4771, Coventry CV4 0EH" in text
    assert "Phone: 0300 061 0614" in text
    assert "Housing Ombudsman" not in text


def test_long_letter_numbers_every_page(templates: Templates) -> None:
    points = tuple(
        Point(f"Point number {n} about the repair.", Decision.UPHELD, "Because. " * 60)
        for n in range(1, 16)
    )
    case = replace(CASE, points=points, reasons="A long reason. " * 300)
    pages = pages_text(render_pdf(letter_for(LetterKind.STAGE1_RESPONSE, templates, case), ORG))
    assert len(pages) >= 3
    for number, text in enumerate(pages, 1):
        assert f"Page {number} of {len(pages)}" in text
    # later pages carry a running header with our reference
    assert "Bolsover District Council Our reference: CW-2026-000042" in pages[1]


def test_european_names_survive_into_the_pdf(templates: Templates) -> None:
    case = replace(CASE, reasons="Siân and Łukasz met Mr Ó Briain and Ms Wiśniewski.")
    text = " ".join(
        pages_text(render_pdf(letter_for(LetterKind.STAGE1_RESPONSE, templates, case), ORG))
    )
    for name in ("Wiśniewski", "Siân", "Ó Briain", "Łukasz"):
        assert name in text, name
    assert "Ms Anna Wiśniewski" in text


def test_hostile_text_prints_as_typed(templates: Templates) -> None:
    hostile = "<b>&amp;</b> <para> & < > \"quotes\" 'apostrophes'"
    case = replace(
        CASE,
        reasons=f"{hostile}\n\n" + ("Very long reason text. " * 220)[:5000] + " 😀🏠👍\x00\x07",
        points=(Point("x" * 5000, Decision.UPHELD, "<font size=40>big</font>"),),
        outcomes_sought="<br/><br/>]]>",
    )
    content = letter_for(LetterKind.STAGE1_RESPONSE, templates, case)
    addressee = replace(content.addressee, name="Dr <Who> & Co")
    pdf = render_pdf(replace(content, addressee=addressee), ORG)
    text = " ".join(pages_text(pdf))
    assert "<b>&amp;</b> <para> & < > \"quotes\" 'apostrophes'" in text
    assert "<font size=40>big</font>" in text
    assert "You told us you would like: <br/><br/>]]>." in text
    assert "Dr <Who> & Co" in text


def test_same_letter_gives_the_same_bytes(templates: Templates) -> None:
    content = letter_for(LetterKind.STAGE2_RESPONSE, templates)
    assert render_pdf(content, ORG) == render_pdf(content, ORG)


def test_large_print_is_at_least_16_point(templates: Templates) -> None:
    assert letter_styles(True).body.fontSize >= 16
    assert letter_styles(False).body.fontSize == 11
    content = letter_for(LetterKind.STAGE1_RESPONSE, templates)
    large = render_pdf(replace(content, large_print=True), ORG)
    standard = render_pdf(content, ORG)
    sizes_large = {float(s) for s in re.findall(rb" (\d+(?:\.\d+)?) Tf", content_streams(large))}
    sizes_standard = {
        float(s) for s in re.findall(rb" (\d+(?:\.\d+)?) Tf", content_streams(standard))
    }
    assert 16.0 in sizes_large
    assert 16.0 not in sizes_standard
    assert len(pages_text(large)) > len(pages_text(standard))
    assert "Our reference: CW-2026-000042" in pages_text(large)[0]


def test_large_print_flag_on_the_case_reaches_the_content(templates: Templates) -> None:
    content = letter_for(LetterKind.UPDATE, templates, replace(CASE, large_print=True))
    assert content.large_print is True


def test_copy_prints_its_note_and_the_copy_recipient_address(templates: Templates) -> None:
    content = copy_of(letter_for(LetterKind.STAGE1_RESPONSE, templates), MP)
    text = pages_text(render_pdf(content, ORG))[0]
    assert "Copy for your information. This is a copy of our letter to Ms Anna Wiśniewski." in text
    assert "House of Commons" in text
    assert "Dear Ms Wiśniewski" in text


def test_copy_to_line_is_printed(templates: Templates) -> None:
    text = " ".join(pages_text(render_pdf(letter_for(LetterKind.UPDATE, templates), ORG)))
    assert "Copy to: Ruth Jones MP" in text


def test_logo_is_drawn_and_an_unreadable_logo_is_left_out(
    tmp_path: Path, templates: Templates
) -> None:
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (200, 80), (11, 79, 108)).save(logo)
    content = letter_for(LetterKind.UPDATE, templates)
    with_logo = render_pdf(content, replace(ORG, logo_path=str(logo)))
    reader = PdfReader(io.BytesIO(with_logo))
    assert len(list(reader.pages[0].images)) == 1

    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not an image")
    for path in (str(broken), str(tmp_path / "missing.png")):
        pdf = render_pdf(content, replace(ORG, logo_path=path))
        assert "Bolsover District Council" in pages_text(pdf)[0]
