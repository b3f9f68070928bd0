"""Render letter content to a PDF: letterhead, window-envelope address, numbered pages."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import Paragraph as RLParagraph

from caseworker.domain.letters import (
    BulletList,
    Choices,
    FormField,
    LetterContent,
    Organisation,
    Paragraph,
    ParagraphStyleName,
    Section,
)
from caseworker.letters.styles import (
    ACCENT,
    ADDRESS_TOP,
    ADDRESS_WIDTH,
    DETAILS_LEFT,
    FONT,
    PAGE_LEFT,
    PAGE_RIGHT,
    RULE,
    LetterStyles,
    letter_styles,
    register_fonts,
)

PAGE_WIDTH, PAGE_HEIGHT = A4
BODY_WIDTH = PAGE_WIDTH - PAGE_LEFT - PAGE_RIGHT
# Characters XML (and so ReportLab's paragraph parser) cannot hold, and lone surrogates.
_NO_PADDING = {"leftPadding": 0, "rightPadding": 0, "topPadding": 0, "bottomPadding": 0}
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def markup(text: str) -> str:
    """Person-typed text as safe paragraph markup: printed exactly as typed, line breaks kept."""
    clean = _UNPRINTABLE.sub("", text.replace("\r\n", "\n").replace("\t", " "))
    return escape(clean).replace("\n", "<br/>")


def _numbered_canvas(st: LetterStyles) -> type[Canvas]:
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
                self.setFont(FONT, st.page_number_size)
                self.setFillColor(ACCENT)
                self.drawRightString(PAGE_WIDTH - PAGE_RIGHT, 9 * mm, f"Page {number} of {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


class _LetterDoc(BaseDocTemplate):  # type: ignore[misc]
    """A4 letter with a letterhead first page and plainer later pages."""

    def __init__(self, buf: BytesIO, content: LetterContent, org: Organisation) -> None:
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
        self.content = content
        self.org = org
        self.st = letter_styles(content.large_print)
        st = self.st
        self.letterhead = self._letterhead()
        body_top = max(
            st.first_body_top,
            max(top + p.height for p, _, top, _ in self.letterhead) + 10 * mm,
        )
        bottom = st.footer_height
        first = Frame(
            PAGE_LEFT,
            bottom,
            BODY_WIDTH,
            PAGE_HEIGHT - body_top - bottom,
            id="first",
            **_NO_PADDING,
        )
        later = Frame(
            PAGE_LEFT,
            bottom,
            BODY_WIDTH,
            PAGE_HEIGHT - st.later_body_top - bottom,
            id="later",
            **_NO_PADDING,
        )
        self.addPageTemplates(
            [
                PageTemplate(
                    "First", [first], onPage=self._first_page, autoNextPageTemplate="Later"
                ),
                PageTemplate("Later", [later], onPage=self._later_page),
            ]
        )

    def _letterhead(self) -> list[tuple[RLParagraph, float, float, float]]:
        """The first page's fixed blocks, wrapped: (paragraph, left, top, width)."""
        st, org, c = self.st, self.org, self.content
        details_width = PAGE_WIDTH - PAGE_RIGHT - DETAILS_LEFT
        address = [c.addressee.name, *c.addressee.address_lines, c.addressee.postcode]
        details = [
            *org.address_lines,
            f"Phone: {org.phone}" if org.phone else "",
            f"Email: {org.email}" if org.email else "",
            org.website,
        ]
        ref = f"<b>Our reference:</b> {markup(c.reference)}<br/><b>Date:</b> {markup(c.long_date)}"
        placed = [
            (RLParagraph(markup(org.name), st.org_name), PAGE_LEFT, 14 * mm, 120 * mm),
            (
                RLParagraph("<br/>".join(markup(a) for a in address if a.strip()), st.address),
                PAGE_LEFT,
                ADDRESS_TOP,
                ADDRESS_WIDTH,
            ),
            (
                RLParagraph("<br/>".join(markup(d) for d in details if d.strip()), st.details),
                DETAILS_LEFT,
                38 * mm,
                details_width,
            ),
        ]
        for para, _, _, width in placed:
            para.wrap(width, PAGE_HEIGHT)
        details_bottom = placed[2][2] + placed[2][0].height + 4 * mm
        address_bottom = ADDRESS_TOP + placed[1][0].height + 8 * mm
        reference = RLParagraph(ref, st.reference)
        # Large print has no room beside the address: the reference goes below it.
        if st.large_print:
            placed.append((reference, PAGE_LEFT, max(address_bottom, details_bottom), BODY_WIDTH))
        else:
            placed.append((reference, DETAILS_LEFT, details_bottom, details_width))
        reference.wrap(placed[-1][3], PAGE_HEIGHT)
        return placed

    def _draw(self, canvas: Canvas, para: RLParagraph, x: float, top: float, w: float) -> float:
        """Draw a paragraph with its top ``top`` points below the page top; return its height."""
        _, h = para.wrapOn(canvas, w, PAGE_HEIGHT)
        para.drawOn(canvas, x, PAGE_HEIGHT - top - h)
        return float(h)

    def _first_page(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        self._logo(canvas)
        canvas.setStrokeColor(ACCENT)
        canvas.setLineWidth(1.5)
        canvas.line(
            PAGE_LEFT, PAGE_HEIGHT - 33 * mm, PAGE_WIDTH - PAGE_RIGHT, PAGE_HEIGHT - 33 * mm
        )
        for para, left, top, width in self.letterhead:
            self._draw(canvas, para, left, top, width)
        self._footer(canvas)
        canvas.restoreState()

    def _later_page(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        st, c = self.st, self.content
        canvas.saveState()
        text = f"<b>{markup(self.org.name)}</b>   Our reference: {markup(c.reference)}"
        top = 10 * mm
        h = self._draw(canvas, RLParagraph(text, st.header), PAGE_LEFT, top, BODY_WIDTH)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.75)
        y = PAGE_HEIGHT - top - h - 2 * mm
        canvas.line(PAGE_LEFT, y, PAGE_WIDTH - PAGE_RIGHT, y)
        self._footer(canvas)
        canvas.restoreState()

    def _footer(self, canvas: Canvas) -> None:
        st = self.st
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.75)
        y = st.footer_height - 4 * mm
        canvas.line(PAGE_LEFT, y, PAGE_WIDTH - PAGE_RIGHT, y)
        para = RLParagraph(markup(self.org.other_formats_text), st.footer)
        self._draw(canvas, para, PAGE_LEFT, PAGE_HEIGHT - y + 2 * mm, BODY_WIDTH)

    def _logo(self, canvas: Canvas) -> None:
        if not self.org.logo_path:
            return
        try:
            image = ImageReader(self.org.logo_path)
            iw, ih = image.getSize()
        except Exception:  # a logo that cannot be read is left out rather than stop letters
            return
        box_w, box_h = 45 * mm, 22 * mm
        scale = min(box_w / iw, box_h / ih)
        w, h = iw * scale, ih * scale
        canvas.drawImage(
            image, PAGE_WIDTH - PAGE_RIGHT - w, PAGE_HEIGHT - 8 * mm - h, w, h, mask="auto"
        )


def _blocks(section: Section, st: LetterStyles) -> list[Flowable]:
    out: list[Flowable] = []
    if section.heading:
        out.append(RLParagraph(markup(section.heading), st.heading))
    for block in section.blocks:
        if isinstance(block, Paragraph):
            style = {
                ParagraphStyleName.NORMAL: st.body,
                ParagraphStyleName.STRONG: st.strong,
                ParagraphStyleName.INDENTED: st.indented,
            }[block.style]
            if block.text.rstrip().endswith(":"):
                # a line introducing what follows ("We will:") never ends a page
                style = ParagraphStyle(f"{style.name}-keep", parent=style, keepWithNext=1)
            out.append(RLParagraph(markup(block.text), style))
        elif isinstance(block, BulletList):
            out += [RLParagraph(markup(i), st.bullet, bulletText="•") for i in block.items]
            out.append(Spacer(1, st.body.spaceAfter * 0.5))
        elif isinstance(block, FormField):
            out.append(_form_field(block, st))
        elif isinstance(block, Choices):
            out += [
                RLParagraph(
                    f'<font size="{st.body.fontSize * 1.5:g}">☐</font> {markup(o)}', st.checkbox
                )
                for o in block.options
            ]
    return out


def _form_field(field: FormField, st: LetterStyles) -> Flowable:
    """A label beside one or more lines to write on (pre-filled when the field has a value)."""
    label_width = 80 * mm
    value = RLParagraph(markup(field.value), st.body) if field.value else ""
    rows: list[list[Any]] = [[RLParagraph(markup(field.label), st.form_label), value]]
    rows += [["", ""] for _ in range(field.lines - 1)]
    table = Table(rows, colWidths=[label_width, BODY_WIDTH - label_width])
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (1, 0), (1, -1), 0.75, RULE),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), st.form_line_height - st.body.leading),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("FONT", (0, 0), (-1, -1), FONT, st.body.fontSize, st.body.leading),
            ]
        )
    )
    return table


def _story(content: LetterContent, st: LetterStyles) -> list[Flowable]:
    story: list[Flowable] = []
    if content.note:
        story.append(RLParagraph(markup(content.note), st.strong))
    story.append(RLParagraph(markup(content.salutation), st.body))
    story.append(RLParagraph(markup(content.subject), st.subject))
    for section in content.sections:
        story += _blocks(section, st)
    signature: list[Flowable] = [
        Spacer(1, st.body.fontSize * 0.5),
        RLParagraph(markup(content.sign_off), st.body),
        Spacer(1, st.body.fontSize * 2.2),
        RLParagraph(markup(content.signatory_name), st.signatory),
        RLParagraph(markup(content.signatory_role), st.body),
    ]
    story.append(KeepTogether(signature))
    if content.copy_to:
        text = "<b>Copy to:</b> " + markup(", ".join(content.copy_to))
        story.append(RLParagraph(text, st.body))
    if content.enclosure:
        story.append(PageBreak())
        story.append(RLParagraph(markup(content.enclosure_title), st.subject))
        # A form's sections are short: keep each whole so a signature keeps its date line.
        story += [KeepTogether(_blocks(section, st)) for section in content.enclosure]
    return story


def render_pdf(content: LetterContent, org: Organisation) -> bytes:
    """Render a letter as PDF bytes; the same content always gives the same bytes.

    Args:
        content: The letter, from :func:`caseworker.domain.letters.build_letter`.
        org: The organisation, for the letterhead and the footer.

    Returns:
        The PDF file's bytes.
    """
    register_fonts()
    buf = BytesIO()
    doc = _LetterDoc(buf, content, org)
    doc.build(_story(content, doc.st), canvasmaker=_numbered_canvas(doc.st))
    return buf.getvalue()
