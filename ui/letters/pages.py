"""A letter's PDF pages as images, for the preview on screen and for the printer."""

from __future__ import annotations

import pypdfium2 as pdfium
from PySide6.QtCore import QSizeF
from PySide6.QtGui import QImage

POINTS_PER_INCH = 72.0
MAX_DPI = 600.0


def page_sizes(pdf: bytes) -> list[QSizeF]:
    """Each page's size in points (1/72 inch), without rendering anything."""
    doc = pdfium.PdfDocument(pdf)
    try:
        return [QSizeF(*doc[i].get_size()) for i in range(len(doc))]
    finally:
        doc.close()


def render_pages(pdf: bytes, dpi: float) -> list[QImage]:
    """Every page drawn at ``dpi`` dots per inch (capped at 600), white behind the text.

    Each image is a copy, so it outlives PDFium's bitmap.

    Raises:
        pypdfium2.PdfiumError: the bytes are not a PDF.
    """
    scale = min(dpi, MAX_DPI) / POINTS_PER_INCH
    doc = pdfium.PdfDocument(pdf)
    try:
        images = []
        for i in range(len(doc)):
            # RGBx with the bytes in R, G, B order, which QImage reads without conversion.
            bitmap = doc[i].render(scale=scale, rev_byteorder=True, prefer_bgrx=True)
            image = QImage(
                bitmap.buffer,
                bitmap.width,
                bitmap.height,
                bitmap.stride,
                QImage.Format.Format_RGBX8888,
            )
            images.append(image.copy())
            bitmap.close()
        return images
    finally:
        doc.close()
