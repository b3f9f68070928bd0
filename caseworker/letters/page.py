"""The letter's page: letterhead, window-envelope address, running header, footer, page numbers.

What is the same on every letter of one organisation and print size (the organisation's name
and contact details, the footer, the logo) is made and measured once, in :class:`OrgPage`;
:class:`LetterDoc` adds what belongs to one letter (address, reference and date).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from io import BytesIO
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate
from reportlab.platypus import Paragraph as RLParagraph

from caseworker.domain.letters import LetterContent, Organisation
from caseworker.letters.styles import (
    ACCENT,
    ADDRESS_TOP,
    ADDRESS_WIDTH,
    BODY_WIDTH,
    DETAILS_LEFT,
    DETAILS_WIDTH,
    FONT,
    FONT_BOLD,
    NO_PADDING,
    PAGE_HEIGHT,
    PAGE_LEFT,
    PAGE_NUMBER_BASELINE,
    PAGE_RIGHT,
    PAGE_WIDTH,
    RULE,
    LetterStyles,
)
from caseworker.letters.text import markup
from caseworker.letters.wrap import lines_markup, paragraph_markup, wrap_lines

NAME_TOP = 14 * mm
NAME_WIDTH = 120 * mm
HEADER_TOP = 10 * mm


def rule_top(name_height: float) -> float:
    """Where the letterhead's rule runs: 33 mm down, or below a name of several lines."""
    return float(max(33 * mm, NAME_TOP + name_height + 2 * mm))


def footer_height(st: LetterStyles, offer_height: float) -> float:
    """The space kept at the foot of each page for the other-formats offer and page number.

    From the foot of the page up: the page number, the offer, a rule, then the body; the
    offer stands wholly above the page number, however long the organisation's is.
    """
    number_top = PAGE_NUMBER_BASELINE + st.page_number_size * 0.75
    return float(max(st.footer_height, number_top + 1 * mm + offer_height + 6 * mm))


def later_body_top(st: LetterStyles, header_height: float) -> float:
    """Where the body starts on later pages: below the running header and its rule."""
    return float(max(st.later_body_top, HEADER_TOP + header_height + 5.5 * mm))


def letterhead_details(org: Organisation, large_print: bool) -> list[str]:
    """The letterhead's contact details, a line or more each.

    Large print has no room for one address line each: the address runs on, in lines that
    end after a comma where they can.
    """
    address = [", ".join(org.address_lines)] if large_print else list(org.address_lines)
    return [
        *address,
        f"Phone: {org.phone}" if org.phone else "",
        f"Email: {org.email}" if org.email else "",
        org.website,
    ]


def running_header(org_name: str, reference: str, style: ParagraphStyle) -> str:
    """Later pages' header markup: our name and reference on one line, or each on its own."""
    ref, size = f"Our reference: {reference}", style.fontSize
    one_line = stringWidth(org_name, FONT_BOLD, size) + stringWidth(f"   {ref}", FONT, size)
    if one_line <= BODY_WIDTH:
        return f"<b>{markup(org_name)}</b>   {markup(ref)}"
    return "<br/>".join(
        [f"<b>{markup(n)}</b>" for n in wrap_lines(org_name, FONT_BOLD, size, BODY_WIDTH)]
        + [markup(r) for r in wrap_lines(ref, FONT, size, BODY_WIDTH)]
    )


@dataclass(frozen=True)
class Placed:
    """A paragraph wrapped to its width, ``top`` points below the top of the page."""

    para: RLParagraph
    left: float
    top: float
    height: float

    @classmethod
    def wrap(
        cls, text: str, style: ParagraphStyle, left: float, top: float, width: float
    ) -> Placed:
        para = RLParagraph(text, style)
        _, height = para.wrap(width, PAGE_HEIGHT)
        return cls(para, left, top, float(height))

    @classmethod
    def lines(
        cls,
        texts: list[str],
        style: ParagraphStyle,
        left: float,
        top: float,
        width: float,
        *,
        clauses: bool = False,
    ) -> Placed:
        """Person-typed ``texts``, one or more lines each, broken where :mod:`wrap` says."""
        return cls.wrap(lines_markup(texts, style, width, clauses=clauses), style, left, top, width)

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def draw(self, canvas: Canvas) -> None:
        self.para.drawOn(canvas, self.left, PAGE_HEIGHT - self.top - self.height)


@cache
def numbered_canvas(page_number_size: float) -> type[Canvas]:
    """A canvas that holds its pages back until the end to print "Page X of Y" on each."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                self.setFont(FONT, page_number_size)
                self.setFillColor(ACCENT)
                self.drawRightString(
                    PAGE_WIDTH - PAGE_RIGHT, PAGE_NUMBER_BASELINE, f"Page {number} of {total}"
                )
                super().showPage()
            super().save()

    return NumberedCanvas


def _logo(path: str | None) -> tuple[ImageReader, float, float] | None:
    """The logo scaled into its box, or None when there is none or it cannot be read."""
    if not path:
        return None
    try:
        image = ImageReader(path)
        iw, ih = image.getSize()
    except Exception:  # a logo that cannot be read is left out rather than stop letters
        return None
    scale = min(45 * mm / iw, 22 * mm / ih)
    return image, iw * scale, ih * scale


class OrgPage:
    """The page furniture shared by every letter of one organisation at one print size.

    Holds ReportLab flowables, which keep the canvas while they draw: use one per thread.
    """

    def __init__(self, org: Organisation, st: LetterStyles) -> None:
        self.org, self.st = org, st
        self.name = Placed.lines([org.name], st.org_name, PAGE_LEFT, NAME_TOP, NAME_WIDTH)
        self.rule_top = rule_top(self.name.height)
        self.details = Placed.lines(
            letterhead_details(org, st.large_print),
            st.details,
            DETAILS_LEFT,
            self.rule_top + 5 * mm,
            DETAILS_WIDTH,
            clauses=True,
        )
        offer = paragraph_markup(org.other_formats_text, st.footer, BODY_WIDTH)
        footer = Placed.wrap(offer, st.footer, PAGE_LEFT, 0, BODY_WIDTH)
        self.footer_height = footer_height(st, footer.height)
        self.footer_rule = self.footer_height - 4 * mm
        self.footer = replace(footer, top=PAGE_HEIGHT - self.footer_rule + 2 * mm)
        self.logo = _logo(org.logo_path)
        self.canvas = numbered_canvas(st.page_number_size)

    def draw_footer(self, canvas: Canvas) -> None:
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.75)
        canvas.line(PAGE_LEFT, self.footer_rule, PAGE_WIDTH - PAGE_RIGHT, self.footer_rule)
        self.footer.draw(canvas)

    def draw_logo(self, canvas: Canvas) -> None:
        if self.logo is not None:
            image, w, h = self.logo
            canvas.drawImage(
                image, PAGE_WIDTH - PAGE_RIGHT - w, PAGE_HEIGHT - 8 * mm - h, w, h, mask="auto"
            )


class LetterDoc(BaseDocTemplate):  # type: ignore[misc]
    """A4 letter with a letterhead first page and plainer later pages."""

    def __init__(self, buf: BytesIO, content: LetterContent, org_page: OrgPage) -> None:
        org, st = org_page.org, org_page.st
        super().__init__(
            buf,
            pagesize=A4,
            leftMargin=PAGE_LEFT,
            rightMargin=PAGE_RIGHT,
            title=content.subject,
            author=org.name,
            subject=f"{content.kind.label}, {content.reference}",
            creator="Caseworker",
            invariant=1,
        )
        self.content, self.org_page = content, org_page
        self.letterhead = self._letterhead()
        self.header = self._header()
        body_top = max(st.first_body_top, max(p.bottom for p in self.letterhead) + 10 * mm)
        later_top = later_body_top(st, self.header.height)
        bottom = org_page.footer_height
        first = Frame(
            PAGE_LEFT,
            bottom,
            BODY_WIDTH,
            PAGE_HEIGHT - body_top - bottom,
            id="first",
            **NO_PADDING,
        )
        later = Frame(
            PAGE_LEFT,
            bottom,
            BODY_WIDTH,
            PAGE_HEIGHT - later_top - bottom,
            id="later",
            **NO_PADDING,
        )
        self.addPageTemplates(
            [
                PageTemplate(
                    "First", [first], onPage=self._first_page, autoNextPageTemplate="Later"
                ),
                PageTemplate("Later", [later], onPage=self._later_page),
            ]
        )

    def _letterhead(self) -> list[Placed]:
        """The first page's blocks, in drawing order: name, address, details, reference."""
        shared, st, c = self.org_page, self.org_page.st, self.content
        lines = [c.addressee.name, *c.addressee.address_lines, c.addressee.postcode]
        top = max(ADDRESS_TOP, shared.rule_top + 5 * mm)
        address = Placed.lines(lines, st.address, PAGE_LEFT, top, ADDRESS_WIDTH, clauses=True)
        ref = f"<b>Our reference:</b> {markup(c.reference)}<br/><b>Date:</b> {markup(c.long_date)}"
        # Large print has no room beside the address: the reference goes below it.
        if st.large_print:
            top = max(address.bottom + 8 * mm, shared.details.bottom + 4 * mm)
            reference = Placed.wrap(ref, st.reference, PAGE_LEFT, top, BODY_WIDTH)
        else:
            top = shared.details.bottom + 4 * mm
            reference = Placed.wrap(ref, st.reference, DETAILS_LEFT, top, DETAILS_WIDTH)
        return [shared.name, address, shared.details, reference]

    def _first_page(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        self.org_page.draw_logo(canvas)
        canvas.setStrokeColor(ACCENT)
        canvas.setLineWidth(1.5)
        rule_y = PAGE_HEIGHT - self.org_page.rule_top
        canvas.line(PAGE_LEFT, rule_y, PAGE_WIDTH - PAGE_RIGHT, rule_y)
        for placed in self.letterhead:
            placed.draw(canvas)
        self.org_page.draw_footer(canvas)
        canvas.restoreState()

    def _header(self) -> Placed:
        style, org = self.org_page.st.header, self.org_page.org
        text = running_header(org.name, self.content.reference, style)
        return Placed.wrap(text, style, PAGE_LEFT, HEADER_TOP, BODY_WIDTH)

    def _later_page(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        self.header.draw(canvas)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.75)
        y = PAGE_HEIGHT - self.header.top - self.header.height - 2 * mm
        canvas.line(PAGE_LEFT, y, PAGE_WIDTH - PAGE_RIGHT, y)
        self.org_page.draw_footer(canvas)
        canvas.restoreState()
