"""The letter's page as printed: sizes measured from the PDF, and where long lines break."""

from __future__ import annotations

import io
from dataclasses import dataclass, replace

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from test_letter_pdf import ORG, letter_for

from caseworker.domain.addressees import PartyFacts
from caseworker.domain.letters import (
    Addressee,
    AddresseeRole,
    LetterContent,
    Templates,
    load_templates,
)
from caseworker.domain.vocab import LetterKind
from caseworker.letters import render_pdf
from caseworker.letters.styles import FONT, FONT_BOLD, PAGE_LEFT, PAGE_RIGHT, PAGE_WIDTH

FOOTER_START = "You can have this letter in large print"


@pytest.fixture(scope="module")
def templates() -> Templates:
    return load_templates()


@dataclass(frozen=True)
class Run:
    """One run of text as drawn: its page, text, size, horizontal extent and baseline (points)."""

    page: int
    text: str
    size: float
    left: float
    right: float
    baseline: float


def text_runs(pdf: bytes) -> list[Run]:
    """Every non-blank text run in the PDF, read by a visitor over each page's content stream.

    The size is the font size as it lands on the page: the ``Tf`` operand scaled by the
    text and current transformation matrices (so a scaled run cannot pass for a large one).
    """
    runs: list[Run] = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, 1):

        def visit(
            text: str,
            cm: list[float],
            tm: list[float],
            font: dict[str, object] | None,
            size: float,
            number: int = number,
        ) -> None:
            if not text.strip():
                return
            # the text matrix times the CTM: [a b c d e f]
            a = tm[0] * cm[0] + tm[1] * cm[2]
            c = tm[2] * cm[0] + tm[3] * cm[2]
            d = tm[2] * cm[1] + tm[3] * cm[3]
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            on_page = size * (c * c + d * d) ** 0.5
            bold = font is not None and "Bold" in str(font.get("/BaseFont", ""))
            width = stringWidth(text.rstrip(), FONT_BOLD if bold else FONT, size) * a
            runs.append(Run(number, text.strip(), round(on_page, 3), x, x + width, y))

        page.extract_text(visitor_text=visit)
    return runs


def size_of(runs: list[Run], start: str, page: int = 1) -> float:
    """The size of the first run on ``page`` that starts with ``start``."""
    return next(r.size for r in runs if r.page == page and r.text.startswith(start))


def page_lines(pdf: bytes) -> list[list[str]]:
    """Each page's lines of text as pypdf extracts them, stripped, blank ones left out."""
    reader = PdfReader(io.BytesIO(pdf))
    return [
        [ln.strip() for ln in p.extract_text().splitlines() if ln.strip()] for p in reader.pages
    ]


def lines_between(lines: list[str], first: str, last: str) -> list[str]:
    """The lines from the one equal to ``first`` to the one equal to ``last``, inclusive."""
    start = lines.index(first)
    return lines[start : lines.index(last, start) + 1]


def large(content: LetterContent) -> LetterContent:
    return replace(content, large_print=True)


@pytest.mark.parametrize("kind", list(LetterKind))
def test_large_print_sets_every_text_on_the_page_at_16_point_or_more(
    kind: LetterKind, templates: Templates
) -> None:
    content = large(letter_for(kind, templates))
    runs = text_runs(render_pdf(content, ORG))
    pages = max(r.page for r in runs)
    assert min(r.size for r in runs) == 16.0
    sizes = {
        "letterhead details": size_of(runs, "Phone: 01246 242424"),
        "letterhead address": size_of(runs, "The Arc, High Street,"),
        "address block": size_of(runs, content.addressee.name),
        "reference": size_of(runs, "Our reference:"),
        "date": size_of(runs, "Date:"),
        "other formats": size_of(runs, FOOTER_START),
        "salutation": size_of(runs, content.salutation),
        **{f"page {n}": size_of(runs, f"Page {n} of {pages}", n) for n in range(1, pages + 1)},
        **{f"header {n}": size_of(runs, "Our reference: CW-", n) for n in range(2, pages + 1)},
        **{f"other formats {n}": size_of(runs, FOOTER_START, n) for n in range(2, pages + 1)},
    }
    assert sizes == dict.fromkeys(sizes, 16.0)
    # headings and the organisation's name are larger still
    assert size_of(runs, "Bolsover District Council") == 20.0
    assert size_of(runs, content.subject[:20]) == 19.0


# Measured on the renderer before large print was made large everywhere: the ordinary
# letter keeps these exactly.
STANDARD_SIZES = {8.0, 9.0, 10.0, 11.0, 13.0, 18.0}


@pytest.mark.parametrize("kind", list(LetterKind))
def test_standard_letters_keep_their_sizes(kind: LetterKind, templates: Templates) -> None:
    content = letter_for(kind, templates)
    runs = text_runs(render_pdf(content, ORG))
    pages = max(r.page for r in runs)
    form_boxes = {16.5} if kind is LetterKind.AUTHORISATION_FORM else set()
    assert {r.size for r in runs} == STANDARD_SIZES | form_boxes
    assert {
        "name": size_of(runs, "Bolsover District Council"),
        "details": size_of(runs, "Phone: 01246 242424"),
        "address": size_of(runs, content.addressee.name),
        "reference": size_of(runs, "Our reference:"),
        "other formats": size_of(runs, FOOTER_START),
        "page number": size_of(runs, f"Page 1 of {pages}"),
        "body": size_of(runs, content.salutation),
    } == {
        "name": 18.0,
        "details": 9.0,
        "address": 11.0,
        "reference": 10.0,
        "other formats": 8.0,
        "page number": 8.0,
        "body": 11.0,
    }


LONG_ORG = replace(
    ORG,
    name="Royal Borough of Kensington and Chelsea Tenant Management Organisation",
    email="complaints.and.compliments@north-east-derbyshire.gov.uk",
)
# Typed into the app as one line: the letter takes each comma's part as a line.
LONG_RESIDENT = PartyFacts(
    "p1",
    "complainant",
    "Mr Bartholomew Featherstonehaugh-Cholmondeley",
    "Mr Featherstonehaugh-Cholmondeley",
    "Flat 12 Riverside Court, 150-152 Long Lane Industrial Estate, Little Snoring-on-the-Marsh",
    "NG20 8AA",
).addressee(AddresseeRole.RESIDENT)


def long_letter(templates: Templates, large_print: bool) -> list[list[str]]:
    content = replace(
        letter_for(LetterKind.UPDATE, templates),
        addressee=LONG_RESIDENT,
        large_print=large_print,
    )
    return page_lines(render_pdf(content, LONG_ORG))


def test_standard_letter_breaks_long_names_addresses_and_emails_at_sensible_points(
    templates: Templates,
) -> None:
    first = long_letter(templates, large_print=False)[0]
    assert first[:3] == [
        "Royal Borough of Kensington",
        "and Chelsea Tenant Management",
        "Organisation",
    ]
    assert lines_between(first, "Mr Bartholomew", "NG20 8AA") == [
        "Mr Bartholomew",
        "Featherstonehaugh-Cholmondeley",
        "Flat 12 Riverside Court",
        "150-152 Long Lane Industrial Estate",
        "Little Snoring-on-the-Marsh",
        "NG20 8AA",
    ]
    assert lines_between(first, "Phone: 01246 242424", "www.bolsover.gov.uk") == [
        "Phone: 01246 242424",
        "Email: complaints.and.compliments@",
        "north-east-derbyshire.gov.uk",
        "www.bolsover.gov.uk",
    ]


def test_large_print_letter_breaks_long_names_addresses_and_emails_at_sensible_points(
    templates: Templates,
) -> None:
    pages = long_letter(templates, large_print=True)
    first = pages[0]
    assert first[:3] == [
        "Royal Borough of Kensington",
        "and Chelsea Tenant",
        "Management Organisation",
    ]
    assert lines_between(first, "Mr Bartholomew", "NG20 8AA") == [
        "Mr Bartholomew",
        "Featherstonehaugh-",
        "Cholmondeley",
        "Flat 12 Riverside Court",
        "150-152 Long Lane Industrial",
        "Estate",
        "Little Snoring-on-the-Marsh",
        "NG20 8AA",
    ]
    assert lines_between(first, "The Arc, High Street,", "www.bolsover.gov.uk") == [
        "The Arc, High Street,",
        "Clowne, Chesterfield,",
        "S43 4JY",
        "Phone: 01246 242424",
        "Email:",
        "complaints.and.",
        "compliments@",
        "north-east-derbyshire.",
        "gov.uk",
        "www.bolsover.gov.uk",
    ]
    # the later page's header: our name, then our reference on a line of its own
    assert pages[1][:3] == [
        "Royal Borough of Kensington and Chelsea Tenant",
        "Management Organisation",
        "Our reference: CW-2026-000042",
    ]


def test_an_ordinary_email_keeps_its_label_and_breaks_after_the_at(
    templates: Templates,
) -> None:
    content = large(letter_for(LetterKind.UPDATE, templates))
    first = page_lines(render_pdf(content, ORG))[0]
    assert lines_between(first, "Phone: 01246 242424", "www.bolsover.gov.uk") == [
        "Phone: 01246 242424",
        "Email: complaints@",
        "bolsover.gov.uk",
        "www.bolsover.gov.uk",
    ]


@pytest.mark.parametrize("large_print", [False, True])
def test_an_address_line_with_commas_breaks_after_a_comma(
    templates: Templates, large_print: bool
) -> None:
    resident = Addressee(
        "Ms Anna Wiśniewski",
        "Ms Wiśniewski",
        ("Unit 4, Riverside Business Park, Long Lane Industrial Estate",),
        "NG20 8AA",
    )
    content = replace(
        letter_for(LetterKind.UPDATE, templates), addressee=resident, large_print=large_print
    )
    first = page_lines(render_pdf(content, ORG))[0]
    expected = {
        False: ["Unit 4, Riverside Business Park,", "Long Lane Industrial Estate"],
        True: ["Unit 4, Riverside Business Park,", "Long Lane Industrial Estate"],
    }[large_print]
    assert lines_between(first, "Ms Anna Wiśniewski", "NG20 8AA")[1:-1] == expected


@pytest.mark.parametrize("large_print", [False, True])
def test_a_very_long_unbroken_word_never_runs_off_the_page(
    templates: Templates, large_print: bool
) -> None:
    token = "Z" * 120
    org = replace(ORG, email=f"{token}@example.gov.uk", name=token, website=token)
    resident = Addressee("Ms " + token, "Ms Z", (token,), "NG20 8AA")
    content = replace(
        letter_for(LetterKind.UPDATE, templates),
        addressee=resident,
        large_print=large_print,
        salutation="Dear " + token,
    )
    runs = text_runs(render_pdf(content, org))
    printed = "".join(r.text for r in runs if set(r.text) <= {"Z"})
    assert printed.count("Z") >= 4 * 120  # name, addressee, address, website: all printed
    assert min(r.left for r in runs) >= PAGE_LEFT - 0.01
    assert max(r.right for r in runs) <= PAGE_WIDTH - PAGE_RIGHT + 0.01


@pytest.mark.parametrize(
    ("large_print", "mailbox", "domain"),
    [
        (
            False,
            "customer.services.complaints.and.compliments.team",
            "royal-borough-of-kensington-and-chelsea.gov.uk",
        ),
        (True, "customer.services.complaints.and.compliments", "kensington-and-chelsea-tmo.gov.uk"),
    ],
)
def test_an_email_wider_than_the_body_breaks_after_the_at(
    templates: Templates, large_print: bool, mailbox: str, domain: str
) -> None:
    content = replace(
        letter_for(LetterKind.UPDATE, templates),
        large_print=large_print,
        salutation=f"Dear {mailbox}@{domain}",
    )
    lines = page_lines(render_pdf(content, ORG))[0]
    start = next(i for i, line in enumerate(lines) if line.startswith("Dear"))
    assert lines[start : start + 2] == [f"Dear {mailbox}@", domain]


def test_an_email_that_fits_a_line_is_left_whole(templates: Templates) -> None:
    email = "customer.services.complaints.and.compliments@kensington-and-chelsea-tmo.gov.uk"
    content = replace(letter_for(LetterKind.UPDATE, templates), salutation=f"Dear {email}")
    lines = page_lines(render_pdf(content, ORG))[0]
    start = lines.index("Dear")
    assert lines[start + 1] == email


@pytest.mark.parametrize(("large_print", "number_size"), [(False, 8.0), (True, 16.0)])
def test_a_long_other_formats_offer_stays_clear_of_the_page_number(
    templates: Templates, large_print: bool, number_size: float
) -> None:
    offer = "You can have this letter in large print, in Braille, on audio CD or in another " * 4
    org = replace(ORG, other_formats_text=offer.strip())
    content = replace(letter_for(LetterKind.UPDATE, templates), large_print=large_print)
    runs = [r for r in text_runs(render_pdf(content, org)) if r.page == 1]
    number = next(r for r in runs if r.text.startswith("Page 1 of "))
    offer_lines = [r for r in runs if "Braille" in r.text or "another" in r.text]
    assert len(offer_lines) >= 3
    # the offer's lowest line stands clear above the page number's tallest letters
    assert min(r.baseline for r in offer_lines) - number.baseline > number_size
    # and the body ends above the offer (and its rule)
    rest = [r for r in runs if r is not number and r not in offer_lines]
    assert min(r.baseline for r in rest) > max(r.baseline for r in offer_lines) + number_size
