"""Real files made for the document tests: a JPEG, a PNG, a PDF, emails, Office files."""

from __future__ import annotations

import io
import zipfile
from email.message import EmailMessage

from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas


def jpeg(colour: tuple[int, int, int] = (120, 90, 60), size: tuple[int, int] = (64, 48)) -> bytes:
    """A real JPEG photo made with Pillow."""
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="JPEG", quality=90)
    return out.getvalue()


def png(colour: tuple[int, int, int] = (10, 200, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), colour).save(out, format="PNG")
    return out.getvalue()


def pdf(text: str = "Surveyor's report: damp in the back bedroom") -> bytes:
    """A real one-page PDF made with ReportLab."""
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.drawString(72, 770, text)
    page.showPage()
    page.save()
    return out.getvalue()


def docx() -> bytes:
    """The parts of a Word document that tell it apart (a ZIP with word/ inside)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def eml(*, with_photo: bytes | None = None, with_report: bytes | None = None) -> bytes:
    """A resident's email with its own attachments, built with the stdlib."""
    msg = EmailMessage()
    msg["From"] = "Jane Doe <jane.doe@example.org>"
    msg["To"] = "complaints@council.example.gov.uk"
    msg["Subject"] = "Damp in my flat - photos attached"
    msg["Date"] = "Tue, 03 Feb 2026 09:15:00 +0000"
    msg.set_content("Please see the photos of the damp and the surveyor's report.\n")
    if with_photo is not None:
        msg.add_attachment(with_photo, maintype="image", subtype="jpeg", filename="damp.jpg")
    if with_report is not None:
        msg.add_attachment(
            with_report, maintype="application", subtype="pdf", filename="survey report.pdf"
        )
    return msg.as_bytes()
