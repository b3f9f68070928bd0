"""The letter's page: letterhead, window-envelope address, running header, footer, page numbers.

What is the same on every letter of one organisation and print size (the organisation's name
and contact details, the footer, the logo) is made and measured once, in :class:`OrgPage`;
:class:`LetterDoc` adds what belongs to one letter (address, reference and date).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from io import BytesIO
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
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
    NO_PADDING,
    PAGE_HEIGHT,
    PAGE_LEFT,
    PAGE_RIGHT,
    PAGE_WIDTH,
    RULE,
    LetterStyles,
)
from caseworker.letters.text import markup


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
                self.drawRightString(PAGE_WIDTH - PAGE_RIGHT, 9 * mm, f"Page {number} of {total}")
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
        details = [
            *org.address_lines,
            f"Phone: {org.phone}" if org.phone else "",
            f"Email: {org.email}" if org.email else "",
            org.website,
        ]
        self.name = Placed.wrap(markup(org.name), st.org_name, PAGE_LEFT, 14 * mm, 120 * mm)
        self.details = Placed.wrap(
            "<br/>".join(markup(d) for d in details if d.strip()),
            st.details,
            DETAILS_LEFT,
            38 * mm,
            DETAILS_WIDTH,
        )
        rule_y = st.footer_height - 4 * mm
        self.footer_rule = rule_y
        self.footer = Placed.wrap(
            markup(org.other_formats_text),
            st.footer,
            PAGE_LEFT,
            PAGE_HEIGHT - rule_y + 2 * mm,
            BODY_WIDTH,
        )
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
        self.header: Placed | None = None  # made on the first later page
        body_top = max(st.first_body_top, max(p.bottom for p in self.letterhead) + 10 * mm)
        bottom = st.footer_height
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
            PAGE_HEIGHT - st.later_body_top - bottom,
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
        address = Placed.wrap(
            "<br/>".join(markup(a) for a in lines if a.strip()),
            st.address,
            PAGE_LEFT,
            ADDRESS_TOP,
            ADDRESS_WIDTH,
        )
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
        canvas.line(
            PAGE_LEFT, PAGE_HEIGHT - 33 * mm, PAGE_WIDTH - PAGE_RIGHT, PAGE_HEIGHT - 33 * mm
        )
        for placed in self.letterhead:
            placed.draw(canvas)
        self.org_page.draw_footer(canvas)
        canvas.restoreState()

    def _later_page(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        if self.header is None:
            text = (
                f"<b>{markup(self.org_page.org.name)}</b>   Our reference: "
                f"{markup(self.content.reference)}"
            )
            self.header = Placed.wrap(text, self.org_page.st.header, PAGE_LEFT, 10 * mm, BODY_WIDTH)
        canvas.saveState()
        self.header.draw(canvas)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.75)
        y = PAGE_HEIGHT - self.header.top - self.header.height - 2 * mm
        canvas.line(PAGE_LEFT, y, PAGE_WIDTH - PAGE_RIGHT, y)
        self.org_page.draw_footer(canvas)
        canvas.restoreState()
