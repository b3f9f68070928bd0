"""Letters rendered to PDF with ReportLab, from content built in ``caseworker.domain.letters``."""

from caseworker.letters.pdf import LetterPrinter, render_pdf

__all__ = ["LetterPrinter", "render_pdf"]
