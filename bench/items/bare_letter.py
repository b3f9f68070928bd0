"""The letters baseline: the app's letter page written directly against ReportLab.

It gets each letter's finished text up front (escaped paragraph markup, made by
:func:`bare_text` before timing) and lays out the same page as ``caseworker.letters``:
A4, DejaVu Sans regular and bold at the app's sizes (its style sheet and page geometry are
shared as data), a first-page letterhead (organisation name, rule, contact details,
reference and date) with the address placed for a DL window envelope, later pages with
a running header, the other-formats footer on every page, a signature block kept
together, lines ending in ":" kept with what follows, and "Page x of y" in a second pass.
It draws no logo (the benchmark store's organisation has none). What is the same on every
letter (styles, the name, details and footer paragraphs, the canvas class) is made once
per batch, as a hand-written batch script would. Where lines break (names, addresses and
emails at commas, spaces, "@" and dots) and where the letterhead's rule, the footer and
later pages' body stand are worked out by the app's own functions (``caseworker.letters.wrap``
and ``caseworker.letters.page``), as text and geometry made before timing or once a batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, KeepTogether, PageTemplate, Spacer
from reportlab.platypus import Paragraph as RLParagraph

from caseworker.domain.letters import BulletList, LetterContent, Organisation, Paragraph
from caseworker.letters.page import (
    HEADER_TOP,
    NAME_TOP,
    NAME_WIDTH,
    footer_height,
    later_body_top,
    letterhead_details,
    rule_top,
    running_header,
)
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
    PAGE_NUMBER_BASELINE,
    PAGE_RIGHT,
    PAGE_WIDTH,
    RULE,
    LetterStyles,
    letter_styles,
    register_fonts,
)
from caseworker.letters.wrap import lines_markup, paragraph_markup


def _text(text: str) -> str:
    return escape(text).replace("\n", "<br/>")


@dataclass(frozen=True)
class BareText:
    """One letter's finished text: ``body`` holds (style, markup); style "gap" ends a list."""

    large_print: bool
    title: str
    subject: str
    address: str
    reference: str
    header: str
    body: tuple[tuple[str, str], ...]
    signature: tuple[str, str, str]
    copy_to: str


def bare_text(content: LetterContent, org: Organisation) -> BareText:
    """The text of a Stage 1 response as the baseline gets it (no forms or enclosures)."""
    if content.enclosure:
        raise ValueError("the baseline lays out letters without enclosures")
    register_fonts()  # line breaks are measured in the letters' own font
    st = letter_styles(content.large_print)
    styles = {"normal": st.body, "strong": st.strong, "indented": st.indented}

    def text(words: str, style: ParagraphStyle) -> str:
        return paragraph_markup(words, style, BODY_WIDTH)

    body = [("strong", text(content.note, st.strong))] if content.note else []
    body += [
        ("body", text(content.salutation, st.body)),
        ("subject", text(content.subject, st.subject)),
    ]
    for section in content.sections:
        if section.heading:
            body.append(("heading", text(section.heading, st.heading)))
        for block in section.blocks:
            if isinstance(block, Paragraph):
                keep = "-keep" if block.text.rstrip().endswith(":") else ""
                style = styles[block.style.value]
                body.append((f"{block.style.value}{keep}", text(block.text, style)))
            elif isinstance(block, BulletList):
                body += [("bullet", text(item, st.bullet)) for item in block.items]
                body.append(("gap", ""))
            else:
                raise ValueError(f"the baseline lays out no {type(block).__name__}")
    lines = [content.addressee.name, *content.addressee.address_lines, content.addressee.postcode]
    names = ", ".join(content.copy_to)
    return BareText(
        large_print=content.large_print,
        title=content.subject,
        subject=f"{content.kind.label}, {content.reference}",
        address=lines_markup(lines, st.address, ADDRESS_WIDTH, clauses=True),
        reference=f"<b>Our reference:</b> {_text(content.reference)}<br/>"
        f"<b>Date:</b> {_text(content.long_date)}",
        header=running_header(org.name, content.reference, st.header),
        body=tuple(body),
        signature=(
            text(content.sign_off, st.body),
            text(content.signatory_name, st.signatory),
            text(content.signatory_role, st.body),
        ),
        copy_to=f"<b>Copy to:</b> {text(names, st.body)}" if names else "",
    )


def _numbered(size: float) -> type[Canvas]:
    class Numbered(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for number, state in enumerate(self._saved, 1):
                self.__dict__.update(state)
                self.setFont(FONT, size)
                self.setFillColor(ACCENT)
                self.drawRightString(
                    PAGE_WIDTH - PAGE_RIGHT,
                    PAGE_NUMBER_BASELINE,
                    f"Page {number} of {len(self._saved)}",
                )
                super().showPage()
            super().save()

    return Numbered


def _wrapped(text: str, style: ParagraphStyle, width: float) -> tuple[RLParagraph, float]:
    para = RLParagraph(text, style)
    return para, para.wrap(width, PAGE_HEIGHT)[1]


class _Size:
    """One print size's styles and the paragraphs every letter of the organisation shares."""

    def __init__(self, org: Organisation, st: LetterStyles) -> None:
        self.st = st
        plain = {"normal": st.body, "strong": st.strong, "indented": st.indented}
        self.styles = {
            **plain,
            **{
                f"{name}-keep": ParagraphStyle(f"{style.name}-keep", parent=style, keepWithNext=1)
                for name, style in plain.items()
            },
            "body": st.body,
            "heading": st.heading,
            "subject": st.subject,
            "bullet": st.bullet,
        }
        details = letterhead_details(org, st.large_print)
        self.name = _wrapped(
            lines_markup([org.name], st.org_name, NAME_WIDTH), st.org_name, NAME_WIDTH
        )
        self.rule_top = rule_top(self.name[1])
        self.details = _wrapped(
            lines_markup(details, st.details, DETAILS_WIDTH, clauses=True),
            st.details,
            DETAILS_WIDTH,
        )
        self.footer = _wrapped(
            paragraph_markup(org.other_formats_text, st.footer, BODY_WIDTH), st.footer, BODY_WIDTH
        )
        self.footer_height = footer_height(st, self.footer[1])
        self.rule = self.footer_height - 4 * mm
        self.canvas = _numbered(st.page_number_size)

    def footer_on(self, canvas: Canvas) -> None:
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.75)
        canvas.line(PAGE_LEFT, self.rule, PAGE_WIDTH - PAGE_RIGHT, self.rule)
        para, h = self.footer
        para.drawOn(canvas, PAGE_LEFT, PAGE_HEIGHT - (PAGE_HEIGHT - self.rule + 2 * mm) - h)

    def story(self, letter: BareText) -> list[Flowable]:
        st, styles = self.st, self.styles
        story: list[Flowable] = [
            Spacer(1, st.body.spaceAfter * 0.5)
            if name == "gap"
            else RLParagraph(text, styles[name], bulletText="•" if name == "bullet" else None)
            for name, text in letter.body
        ]
        sign_off, signatory, role = letter.signature
        signature: list[Flowable] = [
            Spacer(1, st.body.fontSize * 0.5),
            RLParagraph(sign_off, st.body),
            Spacer(1, st.body.fontSize * 2.2),
            RLParagraph(signatory, st.signatory),
            RLParagraph(role, st.body),
        ]
        if letter.copy_to:
            signature.append(RLParagraph(letter.copy_to, st.body))
        story.append(KeepTogether(signature))
        return story


class BareLetters:
    """Lays out letters of one organisation; what they share is made on first use."""

    def __init__(self, org: Organisation) -> None:
        self.org = org
        self.sizes: dict[bool, _Size] = {}

    def pdf(self, letter: BareText) -> bytes:
        size = self.sizes.get(letter.large_print)
        if size is None:
            size = self.sizes[letter.large_print] = _Size(
                self.org, letter_styles(letter.large_print)
            )
        st = size.st
        out = BytesIO()
        doc = BaseDocTemplate(
            out,
            pagesize=A4,
            leftMargin=PAGE_LEFT,
            rightMargin=PAGE_RIGHT,
            title=letter.title,
            author=self.org.name,
            subject=letter.subject,
            creator="Caseworker",
            invariant=1,
        )
        name, name_h = size.name
        details, details_h = size.details
        address, address_h = _wrapped(letter.address, st.address, ADDRESS_WIDTH)
        details_top = size.rule_top + 5 * mm
        address_top = max(ADDRESS_TOP, details_top)
        details_bottom = details_top + details_h + 4 * mm
        if st.large_print:
            ref_left, ref_width = PAGE_LEFT, BODY_WIDTH
            ref_top = max(address_top + address_h + 8 * mm, details_bottom)
        else:
            ref_left, ref_top, ref_width = DETAILS_LEFT, details_bottom, DETAILS_WIDTH
        reference, reference_h = _wrapped(letter.reference, st.reference, ref_width)
        head = [
            (name, PAGE_LEFT, NAME_TOP, name_h),
            (address, PAGE_LEFT, address_top, address_h),
            (details, DETAILS_LEFT, details_top, details_h),
            (reference, ref_left, ref_top, reference_h),
        ]
        body_top = max(st.first_body_top, max(top + h for _, _, top, h in head) + 10 * mm)

        def first_page(canvas: Canvas, _doc: object) -> None:
            canvas.saveState()
            canvas.setStrokeColor(ACCENT)
            canvas.setLineWidth(1.5)
            rule_y = PAGE_HEIGHT - size.rule_top
            canvas.line(PAGE_LEFT, rule_y, PAGE_WIDTH - PAGE_RIGHT, rule_y)
            for para, left, top, h in head:
                para.drawOn(canvas, left, PAGE_HEIGHT - top - h)
            size.footer_on(canvas)
            canvas.restoreState()

        header, header_h = _wrapped(letter.header, st.header, BODY_WIDTH)

        def later_page(canvas: Canvas, _doc: object) -> None:
            canvas.saveState()
            header.drawOn(canvas, PAGE_LEFT, PAGE_HEIGHT - HEADER_TOP - header_h)
            canvas.setStrokeColor(RULE)
            canvas.setLineWidth(0.75)
            y = PAGE_HEIGHT - HEADER_TOP - header_h - 2 * mm
            canvas.line(PAGE_LEFT, y, PAGE_WIDTH - PAGE_RIGHT, y)
            size.footer_on(canvas)
            canvas.restoreState()

        bottom = size.footer_height
        first = Frame(
            PAGE_LEFT, bottom, BODY_WIDTH, PAGE_HEIGHT - body_top - bottom, id="first", **NO_PADDING
        )
        later = Frame(
            PAGE_LEFT,
            bottom,
            BODY_WIDTH,
            PAGE_HEIGHT - later_body_top(st, header_h) - bottom,
            id="later",
            **NO_PADDING,
        )
        doc.addPageTemplates(
            [
                PageTemplate("First", [first], onPage=first_page, autoNextPageTemplate="Later"),
                PageTemplate("Later", [later], onPage=later_page),
            ]
        )
        doc.build(size.story(letter), canvasmaker=size.canvas)
        return out.getvalue()
