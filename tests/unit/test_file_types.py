"""Judging a file by its first bytes, and names that are safe to write out."""

from __future__ import annotations

import pytest

from caseworker.domain.file_types import FileType, judge_file, received_name, safe_name

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n", FileType.PDF),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", FileType.JPEG),
        (b"\x89PNG\r\n\x1a\n\x00\x00", FileType.PNG),
        (b"GIF89a\x01\x00", FileType.GIF),
        (b"II*\x00\x08\x00", FileType.TIFF),
        (b"MM\x00*\x00\x08", FileType.TIFF),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", FileType.HEIC),
        (OLE2 + "WordDocument".encode("utf-16-le"), FileType.DOC),
        (OLE2 + "Workbook".encode("utf-16-le"), FileType.XLS),
        (OLE2 + "__substg1.0_0037001F".encode("utf-16-le"), FileType.MSG),
        (OLE2, FileType.OLE),
        (b"{\\rtf1\\ansi hello}", FileType.RTF),
        (b"From: a@b.example\r\nSubject: Hi\r\n\r\nbody", FileType.EMAIL),
        (b"Received: from x\n\tby y\nFrom: a@b\nDate: Tue, 3 Feb 2026\n\nbody", FileType.EMAIL),
        (b"From the tenant: the boiler\nis broken\n", FileType.TEXT),
        ("Caf\u00e9 on the corner\n".encode("cp1252"), FileType.TEXT),
        (bytes(range(256)), FileType.OTHER),
        (b"MZ\x90\x00", FileType.PROGRAM),
        (b"\x7fELF\x02\x01", FileType.PROGRAM),
        (b"\xcf\xfa\xed\xfe\x07", FileType.PROGRAM),
    ],
)
def test_type_from_content(head: bytes, expected: FileType) -> None:
    assert judge_file(head).file_type is expected


def test_program_says_what_kind() -> None:
    assert judge_file(b"MZ\x90\x00").detail == "a Windows program"


@pytest.mark.parametrize(
    ("name", "file_type", "expected"),
    [
        ("survey report.pdf", FileType.PDF, "survey report.pdf"),
        ("PHOTO.JPG", FileType.JPEG, "PHOTO.jpg"),
        ("../../etc/passwd", FileType.TEXT, "passwd.txt"),
        ("..\\..\\Users\\x\\Startup\\run.bat", FileType.TEXT, "run.bat.txt"),
        ("invoice.pdf.js", FileType.TEXT, "invoice.pdf.js.txt"),
        ("CON.txt", FileType.TEXT, "_CON.txt"),
        ("nul", FileType.OTHER, "_nul.bin"),
        (".bashrc", FileType.TEXT, "bashrc.txt"),
        ("a:b*c?.pdf", FileType.PDF, "a_b_c_.pdf"),
        ("", FileType.PDF, "document.pdf"),
        ("...", FileType.JPEG, "document.jpg"),
        ("x" * 300 + ".pdf", FileType.PDF, "x" * 116 + ".pdf"),
    ],
)
def test_safe_name(name: str, file_type: FileType, expected: str) -> None:
    assert safe_name(name, file_type) == expected


def test_received_name_drops_folders_and_control_characters() -> None:
    assert received_name("C:\\Users\\jane\\Desktop\\damp\x07 photo.jpg") == "damp photo.jpg"
