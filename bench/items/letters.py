"""Letters: Stage 1 response PDFs from stored cases, against bare ReportLab on the same text."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate
from reportlab.platypus import Paragraph as RLParagraph
from sqlalchemy import select

from bench.items import Context
from bench.timing import Result, compare
from caseworker.domain.addressees import PartyFacts
from caseworker.domain.letters import AddresseeRole, LetterContent, build_letter, load_templates
from caseworker.domain.vocab import LetterKind
from caseworker.letters import render_pdf
from caseworker.letters.pdf import markup
from caseworker.letters.styles import FONT, PAGE_LEFT, PAGE_RIGHT, register_fonts
from caseworker.services.case_view import load_case_detail
from caseworker.services.letters import letter_case, organisation
from db.models import Case

BATCH = 200  # letters per timed run; five runs make the 1,000 the issue asks for


def _bare_pdf(paragraphs: list[str], head: list[str]) -> bytes:
    """The same text, fonts and A4 page in plain ReportLab: a letterhead drawn on the first
    page, body paragraphs in a frame, and "Page x of y" on every page (two passes)."""

    class Numbered(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                self.setFont(FONT, 9)
                self.drawRightString(A4[0] - PAGE_RIGHT, 20, f"Page {self._pageNumber} of {total}")
                super().showPage()
            super().save()

    out = BytesIO()
    doc = BaseDocTemplate(out, pagesize=A4, invariant=1)
    frame = Frame(PAGE_LEFT, 60, A4[0] - PAGE_LEFT - PAGE_RIGHT, A4[1] - 120, id="body")

    def letterhead(canvas: Canvas, _doc: object) -> None:
        if canvas.getPageNumber() != 1:
            return
        canvas.setFont(FONT, 14)
        canvas.drawString(PAGE_LEFT, A4[1] - 40, head[0])
        canvas.setFont(FONT, 9)
        for i, line in enumerate(head[1:]):
            canvas.drawRightString(A4[0] - PAGE_RIGHT, A4[1] - 60 - 11 * i, line)

    doc.addPageTemplates([PageTemplate("all", [frame], onPage=letterhead)])
    style = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=15, spaceAfter=6)
    doc.build([RLParagraph(p, style) for p in paragraphs], canvasmaker=Numbered)
    return out.getvalue()


def run(ctx: Context) -> list[Result]:
    register_fonts()
    today = date(2026, 11, 26)
    with ctx.store.read() as session:
        refs = list(
            session.scalars(
                select(Case.reference)
                .where(Case.stage1_decision.is_not(None), Case.restricted.is_(False))
                .order_by(Case.reference)
                .limit(BATCH)
            )
        )
        org = organisation(session)
    if not refs:
        return [Result("letters", None, None, None, "<= 1.5x", False, "no responded cases")]
    templates = load_templates()

    def content_of(session: Any, ref: str) -> LetterContent:
        detail = load_case_detail(session, ref, today)
        r = detail.complainants[0]
        addressee = PartyFacts(
            r.person_id, "complainant", r.name, r.salutation, r.address, r.postcode
        ).addressee(AddresseeRole.RESIDENT)
        facts = letter_case(detail, LetterKind.STAGE1_RESPONSE)
        return build_letter(LetterKind.STAGE1_RESPONSE, facts, org, addressee, today, templates)

    def ours() -> object:
        with ctx.store.read() as session:
            for ref in refs:
                render_pdf(content_of(session, ref), org)
        return None

    # The baseline gets the finished text up front: it only lays out and writes the PDFs.
    with ctx.store.read() as session:
        texts = [
            [markup(line) for line in content_of(session, ref).plain_text().splitlines()]
            for ref in refs
        ]

    head = [org.name, *org.address_lines, org.phone, org.email, org.website]

    def baseline() -> object:
        for paragraphs in texts:
            _bare_pdf(paragraphs, head)
        return None

    result = compare(
        f"letters ({BATCH} Stage 1 responses a run)",
        ours,
        baseline,
        runs=max(3, min(ctx.runs, 5)),
        max_ratio=1.5,
        max_seconds=None,
    )
    return [result]
