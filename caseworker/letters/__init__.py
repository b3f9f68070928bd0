"""Letters rendered to PDF with ReportLab, from content built in ``caseworker.domain.letters``."""

from caseworker.letters.pdf import render_pdf

__all__ = ["render_pdf"]
