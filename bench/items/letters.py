"""Letters: 1,000 Stage 1 response letters to PDF, against bare ReportLab laying out the same page.

Ours, timed: the app's own path for making a letter, short of saving it
(``caseworker.services.letters.print_letters``): for each of 1,000 responded cases, read
what the letter needs (two queries), choose the addressees, build the wording from the
templates and render every copy to PDF. Settings (calendar, letterhead, templates) are
read and the printer made once per run, inside the timing.

Baseline, timed: ``bench.items.bare_letter``, hand-written ReportLab given the finished
text of the very same letters up front (escaped paragraph markup, prepared before timing).
It lays out the same page: A4, the same DejaVu fonts and sizes, the first-page letterhead
with the address in the window-envelope position, later pages' running header, the footer
on every page, the signature kept together, "Page x of y" in a second pass; the
organisation's name, details and footer paragraphs are made once per run. A test checks
its PDFs are byte for byte the app's, so the ratio is our overhead (reading the case,
building the wording, our renderer's own code), not a different page design.

One run is 1,000 cases (the issue's number; a little over 1,000 letters, as some cases
also send a copy), so three runs at most.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import select

from bench.items import Context
from bench.items.bare_letter import BareLetters, bare_text
from bench.timing import Result, compare
from caseworker.domain.vocab import LetterKind
from caseworker.services.actor import LOCAL_ADMIN
from caseworker.services.letter_reads import LetterSetup
from caseworker.services.letters import LetterBatch, letter_contents, print_letters
from db.models import Case

CASES = 1000  # cases a timed run
KIND = LetterKind.STAGE1_RESPONSE
TODAY = date(2026, 11, 26)


def run(ctx: Context) -> list[Result]:
    with ctx.store.read() as session:
        refs = list(
            session.scalars(
                select(Case.reference)
                .where(Case.stage1_decision.is_not(None), Case.restricted.is_(False))
                .order_by(Case.reference)
                .limit(CASES)
            )
        )
    if not refs:
        return [Result("letters", None, None, None, "<= 1.5x", False, "no responded cases")]

    def ours() -> int:
        with ctx.store.read() as session:
            batch = LetterBatch.start(session)
            return sum(
                len(print_letters(session, LOCAL_ADMIN, batch, ref, KIND, today=TODAY))
                for ref in refs
            )

    # The baseline gets the finished text of the same letters up front.
    with ctx.store.read() as session:
        setup = LetterSetup.read(session)
        texts = [
            bare_text(content, setup.org)
            for ref in refs
            for _, content in letter_contents(session, LOCAL_ADMIN, setup, ref, KIND, today=TODAY)
        ]

    def baseline() -> int:
        bare = BareLetters(setup.org)
        for text in texts:
            bare.pdf(text)
        return len(texts)

    result = compare(
        f"letters ({len(refs)} Stage 1 responses a run)",
        ours,
        baseline,
        runs=max(1, min(ctx.runs, 3)),
        max_ratio=1.5,
        max_seconds=None,
    )
    return [replace(result, note=f"{len(texts)} letters a run, from {len(refs)} cases")]
