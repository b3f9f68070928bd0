"""Reading a PDF's text back in tests, with pypdf (a test dependency; CI has no poppler)."""

from __future__ import annotations


def pdf_pages(pdf: bytes) -> list[list[str]]:
    """Each page's lines of text (pypdf, a test dependency: no poppler needed)."""
    from io import BytesIO

    from pypdf import PdfReader

    reader = PdfReader(BytesIO(pdf))
    return [
        [line.strip() for line in page.extract_text().splitlines() if line.strip()]
        for page in reader.pages
    ]
