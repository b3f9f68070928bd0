"""Render letter content to a PDF: the body's flowables laid out on the letter page."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer, Table, TableStyle
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
from caseworker.letters.page import LetterDoc, OrgPage
from caseworker.letters.styles import (
    BODY_WIDTH,
    FONT,
    RULE,
    LetterStyles,
    keep_with_next,
    letter_styles,
    register_fonts,
)
from caseworker.letters.text import markup
from caseworker.letters.wrap import paragraph_markup

__all__ = ["LetterPrinter", "markup", "render_pdf"]


def _fit(text: str, style: ParagraphStyle, width: float = BODY_WIDTH) -> str:
    return paragraph_markup(text, style, width)


def _para(text: str, style: ParagraphStyle, width: float = BODY_WIDTH) -> RLParagraph:
    return RLParagraph(_fit(text, style, width), style)


def _blocks(section: Section, st: LetterStyles) -> list[Flowable]:
    out: list[Flowable] = []
    if section.heading:
        out.append(_para(section.heading, st.heading))
    for block in section.blocks:
        if isinstance(block, Paragraph):
            style = {
                ParagraphStyleName.NORMAL: st.body,
                ParagraphStyleName.STRONG: st.strong,
                ParagraphStyleName.INDENTED: st.indented,
            }[block.style]
            if block.text.rstrip().endswith(":"):
                style = keep_with_next(style)
            out.append(_para(block.text, style))
        elif isinstance(block, BulletList):
            out += [RLParagraph(_fit(i, st.bullet), st.bullet, bulletText="•") for i in block.items]
            out.append(Spacer(1, st.body.spaceAfter * 0.5))
        elif isinstance(block, FormField):
            out.append(_form_field(block, st))
        elif isinstance(block, Choices):
            out += [
                RLParagraph(
                    f'<font size="{st.body.fontSize * 1.5:g}">☐</font> {_fit(o, st.checkbox)}',
                    st.checkbox,
                )
                for o in block.options
            ]
    return out


def _form_field(field: FormField, st: LetterStyles) -> Flowable:
    """A label beside one or more lines to write on (pre-filled when the field has a value)."""
    label_width = 80 * mm
    value = _para(field.value, st.body, BODY_WIDTH - label_width) if field.value else ""
    rows: list[list[Any]] = [[_para(field.label, st.form_label, label_width), value]]
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
        story.append(_para(content.note, st.strong))
    story.append(_para(content.salutation, st.body))
    story.append(_para(content.subject, st.subject))
    for section in content.sections:
        story += _blocks(section, st)
    signature: list[Flowable] = [
        Spacer(1, st.body.fontSize * 0.5),
        _para(content.sign_off, st.body),
        Spacer(1, st.body.fontSize * 2.2),
        _para(content.signatory_name, st.signatory),
        _para(content.signatory_role, st.body),
    ]
    if content.copy_to:
        # kept with the signature, so it never stands alone at the top of a page
        text = "<b>Copy to:</b> " + _fit(", ".join(content.copy_to), st.body)
        signature.append(RLParagraph(text, st.body))
    story.append(KeepTogether(signature))
    if content.enclosure:
        story.append(PageBreak())
        story.append(_para(content.enclosure_title, st.subject))
        # A form's sections are short: keep each whole so a signature keeps its date line.
        story += [KeepTogether(_blocks(section, st)) for section in content.enclosure]
    return story


class LetterPrinter:
    """Renders letters of one organisation; the page parts they share are made once per size.

    Make one per batch (or per letter); do not share one between threads.
    """

    def __init__(self, org: Organisation) -> None:
        register_fonts()
        self.org = org
        self._pages: dict[bool, OrgPage] = {}

    def _page(self, large_print: bool) -> OrgPage:
        page = self._pages.get(large_print)
        if page is None:
            page = self._pages[large_print] = OrgPage(self.org, letter_styles(large_print))
        return page

    def render(self, content: LetterContent) -> bytes:
        """Render a letter as PDF bytes; the same content always gives the same bytes.

        Args:
            content: The letter, from :func:`caseworker.domain.letters.build_letter`.

        Returns:
            The PDF file's bytes.
        """
        page = self._page(content.large_print)
        buf = BytesIO()
        doc = LetterDoc(buf, content, page)
        doc.build(_story(content, page.st), canvasmaker=page.canvas)
        return buf.getvalue()


def render_pdf(content: LetterContent, org: Organisation) -> bytes:
    """Render one letter as PDF bytes (see :meth:`LetterPrinter.render`)."""
    return LetterPrinter(org).render(content)
