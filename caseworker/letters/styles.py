"""Fonts, sizes and page geometry shared by the letter renderer."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from caseworker.paths import resource_path

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
ACCENT = colors.HexColor("#0B4F6C")
GREY = colors.HexColor("#4A4A4A")
RULE = colors.HexColor("#9DB7C4")

PAGE_LEFT = 20 * mm
PAGE_RIGHT = 20 * mm
# A DL window envelope shows the address about 20 mm from the left and 45-50 mm
# from the top of an A4 sheet folded in three.
ADDRESS_TOP = 48 * mm
ADDRESS_WIDTH = 90 * mm
DETAILS_LEFT = 118 * mm
PAGE_WIDTH, PAGE_HEIGHT = A4
BODY_WIDTH = PAGE_WIDTH - PAGE_LEFT - PAGE_RIGHT
DETAILS_WIDTH = PAGE_WIDTH - PAGE_RIGHT - DETAILS_LEFT
NO_PADDING = {"leftPadding": 0, "rightPadding": 0, "topPadding": 0, "bottomPadding": 0}
# "Page X of Y" stands this far above the foot of the page.
PAGE_NUMBER_BASELINE = 7 * mm
# RNIB's clear print guidance: large print is at least 16 point. Every text on a
# large-print letter is at least this size: letterhead, address, footer and page numbers too.
LARGE_PRINT_SIZE = 16.0
STANDARD_SIZE = 11.0


@cache
def register_fonts() -> None:
    """Register DejaVu Sans (regular and bold) once, so every European name prints."""
    pdfmetrics.registerFont(TTFont(FONT, str(resource_path("fonts", "DejaVuSans.ttf"))))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(resource_path("fonts", "DejaVuSans-Bold.ttf"))))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
    )


@cache
def keep_with_next(style: ParagraphStyle) -> ParagraphStyle:
    """``style`` for a line introducing what follows ("We will:"), which never ends a page."""
    return ParagraphStyle(f"{style.name}-keep", parent=style, keepWithNext=1)


@dataclass(frozen=True)
class LetterStyles:
    """The paragraph styles and measurements of one letter size (standard or large print).

    Attributes:
        large_print: Whether these are the large-print styles.
        body: Ordinary paragraphs.
        strong: Bold paragraphs (point headings, contact details).
        signatory: The signatory's name, close above their role.
        indented: Typed text following a line that introduces it, set in a little.
        bullet: Bulleted list items.
        heading: Section headings.
        subject: The subject line.
        address: The address block in the envelope window.
        details: The letterhead's contact details.
        reference: Our reference and the date.
        org_name: The organisation's name in the letterhead.
        header: The running header on later pages.
        footer: The other-formats offer.
        form_label: Labels of form fields.
        checkbox: Tick-box options.
        page_number_size: Font size of "Page X of Y".
        footer_height: Space kept at the foot of every page (more when the organisation's
            other-formats offer needs it).
        first_body_top: Where the body starts on the first page, from the top.
        later_body_top: Where the body starts on later pages, from the top.
        form_line_height: Height of one writing line on a form.
    """

    large_print: bool
    body: ParagraphStyle
    strong: ParagraphStyle
    signatory: ParagraphStyle
    indented: ParagraphStyle
    bullet: ParagraphStyle
    heading: ParagraphStyle
    subject: ParagraphStyle
    address: ParagraphStyle
    details: ParagraphStyle
    reference: ParagraphStyle
    org_name: ParagraphStyle
    header: ParagraphStyle
    footer: ParagraphStyle
    form_label: ParagraphStyle
    checkbox: ParagraphStyle
    page_number_size: float
    footer_height: float
    first_body_top: float
    later_body_top: float
    form_line_height: float


@cache
def letter_styles(large_print: bool) -> LetterStyles:
    """The styles for a standard (11 pt) or large-print (16 pt) letter.

    A standard letter sets its letterhead, reference and footer smaller than its body; a
    large-print letter sets nothing smaller than :data:`LARGE_PRINT_SIZE`.
    """
    size = LARGE_PRINT_SIZE if large_print else STANDARD_SIZE
    lead = size * 1.35
    body = ParagraphStyle(
        "body",
        fontName=FONT,
        fontSize=size,
        leading=lead,
        spaceAfter=size * 0.6,
        alignment=TA_LEFT,
        textColor=colors.black,
    )
    heading_size = size + (3 if large_print else 2)
    small = size if large_print else 9.0
    footer_size = size if large_print else 8.0
    address_size = size if large_print else 11.0
    reference_size = size if large_print else 10.0
    return LetterStyles(
        large_print=large_print,
        body=body,
        strong=ParagraphStyle("strong", parent=body, fontName=FONT_BOLD),
        signatory=ParagraphStyle("signatory", parent=body, fontName=FONT_BOLD, spaceAfter=0),
        indented=ParagraphStyle("indented", parent=body, leftIndent=5 * mm),
        bullet=ParagraphStyle(
            "bullet",
            parent=body,
            leftIndent=7 * mm,
            bulletIndent=2 * mm,
            bulletFontName=FONT,
            bulletFontSize=size,
            spaceAfter=size * 0.3,
        ),
        heading=ParagraphStyle(
            "heading",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=heading_size,
            leading=heading_size * 1.3,
            textColor=ACCENT,
            spaceBefore=size * 0.8,
            spaceAfter=size * 0.4,
            keepWithNext=1,
        ),
        subject=ParagraphStyle(
            "subject",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=heading_size,
            leading=heading_size * 1.3,
            spaceAfter=size,
            keepWithNext=1,
        ),
        address=ParagraphStyle(
            "address",
            parent=body,
            fontSize=address_size,
            leading=address_size * 1.25,
            spaceAfter=0,
        ),
        details=ParagraphStyle(
            "details", parent=body, fontSize=small, leading=small * 1.3, textColor=GREY
        ),
        reference=ParagraphStyle(
            "reference",
            parent=body,
            fontSize=reference_size,
            leading=reference_size * 1.35,
            spaceAfter=0,
        ),
        org_name=ParagraphStyle(
            "org_name",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=20.0 if large_print else 18.0,
            leading=(20.0 if large_print else 18.0) * 1.15,
            textColor=ACCENT,
            spaceAfter=0,
        ),
        header=ParagraphStyle(
            "header", parent=body, fontSize=small, leading=small * 1.3, textColor=GREY
        ),
        footer=ParagraphStyle(
            "footer",
            parent=body,
            fontSize=footer_size,
            leading=footer_size * 1.3,
            alignment=TA_CENTER,
            textColor=GREY,
            spaceAfter=0,
        ),
        form_label=ParagraphStyle("form_label", parent=body, spaceAfter=0),
        checkbox=ParagraphStyle(
            "checkbox", parent=body, leftIndent=9 * mm, firstLineIndent=-9 * mm
        ),
        page_number_size=footer_size,
        footer_height=(34 if large_print else 24) * mm,
        first_body_top=(102 if large_print else 95) * mm,
        later_body_top=(24 if large_print else 20) * mm,
        form_line_height=(12 if large_print else 8) * mm,
    )
