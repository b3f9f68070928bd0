"""Real files made for the document tests: a JPEG, a PNG, a PDF, emails, Office files."""

from __future__ import annotations

import io
import itertools
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


# --- An Outlook .msg, written as the compound file Outlook writes ([MS-CFB], [MS-OXMSG]) ---
# No maintained Python library writes .msg files, so the test builds one to the published
# layout: a version 3 compound file (512-byte sectors, a mini stream for streams under
# 4,096 bytes) holding the message's MAPI properties as streams, and one storage per
# attachment. Olefile, which the app reads it with, checks the structure as it reads.

FREE, END, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
SECTOR, MINI, CUTOFF = 512, 64, 4096


class _Entry:
    def __init__(self, name: str, data: bytes | None = None) -> None:
        self.name = name
        self.data = data  # None for a storage
        self.children: list[_Entry] = []
        self.id = 0
        self.start = END
        self.left = self.right = self.child = FREE

    def add(self, entry: _Entry) -> _Entry:
        self.children.append(entry)
        return entry


def _chain(fat: list[int], start: int, count: int) -> None:
    for i in range(count):
        fat[start + i] = start + i + 1 if i < count - 1 else END


def _compound_file(root: _Entry) -> bytes:
    entries: list[_Entry] = []

    def number(entry: _Entry) -> None:
        entry.id = len(entries)
        entries.append(entry)
        # Siblings form a tree ordered by name length, then upper-cased name: here a chain
        # to the right (a valid search tree; readers do not rebalance).
        kids = sorted(entry.children, key=lambda e: (len(e.name), e.name.upper()))
        for kid in kids:
            number(kid)
        for a, b in itertools.pairwise(kids):
            a.right = b.id
        if kids:
            entry.child = kids[0].id

    number(root)
    mini = bytearray()
    minifat: list[int] = []
    big: list[_Entry] = []
    for e in entries:
        if e.data is None or not e.data:
            continue
        if len(e.data) < CUTOFF:
            e.start = len(minifat)
            n = -(-len(e.data) // MINI)
            minifat.extend([0] * n)
            _chain(minifat, e.start, n)
            mini += e.data.ljust(n * MINI, b"\x00")
        else:
            big.append(e)
    sectors: list[bytes] = []

    def place(blob: bytes) -> tuple[int, int]:
        n = max(1, -(-len(blob) // SECTOR))
        start = len(sectors)
        sectors.extend(blob[i * SECTOR : (i + 1) * SECTOR].ljust(SECTOR, b"\x00") for i in range(n))
        return start, n

    runs: list[tuple[int, int]] = []
    for e in big:
        assert e.data is not None
        e.start, n = place(e.data)
        runs.append((e.start, n))
    root.start, n = place(bytes(mini)) if mini else (END, 0)
    if mini:
        runs.append((root.start, n))
    minifat_blob = b"".join(v.to_bytes(4, "little") for v in minifat)
    minifat_blob += FREE.to_bytes(4, "little") * ((-len(minifat)) % 128)
    minifat_start, n = place(minifat_blob)
    runs.append((minifat_start, n))
    minifat_sectors = n
    directory = bytearray()
    for e in entries:
        name = e.name.encode("utf-16-le") + b"\x00\x00"
        kind = 5 if e is root else (1 if e.data is None else 2)
        size = len(mini) if e is root else len(e.data or b"")
        directory += name.ljust(64, b"\x00")
        directory += len(name).to_bytes(2, "little") + bytes([kind, 1])
        for v in (e.left, e.right, e.child):
            directory += v.to_bytes(4, "little")
        directory += bytes(16 + 4 + 8 + 8)
        directory += e.start.to_bytes(4, "little") + size.to_bytes(8, "little")
    directory += (b"\x00" * 64 + b"\x00\x00\x00\x00" + b"\xff" * 12 + bytes(48)) * (
        (-len(entries)) % 4
    )
    dir_start, n = place(bytes(directory))
    runs.append((dir_start, n))
    data_sectors = len(sectors)
    fat_sectors = 1
    while (data_sectors + fat_sectors) > fat_sectors * 128:
        fat_sectors += 1
    fat = [FREE] * (fat_sectors * 128)
    for start, count in runs:
        _chain(fat, start, count)
    for i in range(fat_sectors):
        fat[data_sectors + i] = FATSECT
    fat_blob = b"".join(v.to_bytes(4, "little") for v in fat)
    sectors.extend(fat_blob[i * SECTOR : (i + 1) * SECTOR] for i in range(fat_sectors))
    difat = [data_sectors + i for i in range(fat_sectors)] + [FREE] * (109 - fat_sectors)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + (0x3E).to_bytes(2, "little")
        + (3).to_bytes(2, "little")
        + b"\xfe\xff"
        + (9).to_bytes(2, "little")
        + (6).to_bytes(2, "little")
        + bytes(6)
        + (0).to_bytes(4, "little")
        + fat_sectors.to_bytes(4, "little")
        + dir_start.to_bytes(4, "little")
        + bytes(4)
        + CUTOFF.to_bytes(4, "little")
        + (minifat_start if minifat else END).to_bytes(4, "little")
        + (minifat_sectors if minifat else 0).to_bytes(4, "little")
        + END.to_bytes(4, "little")
        + (0).to_bytes(4, "little")
        + b"".join(v.to_bytes(4, "little") for v in difat)
    )
    assert len(header) == SECTOR
    return header + b"".join(sectors)


def _unicode(prop: str, text: str) -> tuple[str, bytes]:
    return f"__substg1.0_{prop}001F", text.encode("utf-16-le")


def _properties(header: bytes, strings: dict[int, bytes], times: dict[int, int]) -> bytes:
    out = bytearray(header)
    for tag, raw in strings.items():
        out += tag.to_bytes(4, "little") + (6).to_bytes(4, "little")
        out += (len(raw) + 2).to_bytes(4, "little") + bytes(4)
    for tag, value in times.items():
        out += tag.to_bytes(4, "little") + (6).to_bytes(4, "little") + value.to_bytes(8, "little")
    return bytes(out)


def msg(attachments: tuple[tuple[str, bytes], ...] = ()) -> bytes:
    """An Outlook email sent by Jane Doe on Tue 3 Feb 2026 at 09:15 UTC, with attachments."""
    root = _Entry("Root Entry")
    subject = "Mould in the bathroom"
    body = "Photos attached. Jane"
    sent = (1770110100 + 11644473600) * 10_000_000  # 2026-02-03 09:15:00 UTC as a FILETIME
    strings = {
        0x0037001F: subject.encode("utf-16-le"),
        0x0C1A001F: b"J\x00a\x00n\x00e\x00 \x00D\x00o\x00e\x00",
        0x5D01001F: "jane.doe@example.org".encode("utf-16-le"),
        0x1000001F: body.encode("utf-16-le"),
    }
    for tag, raw in strings.items():
        root.add(_Entry(f"__substg1.0_{tag:08X}", raw))
    count = len(attachments)
    header = bytes(8) + (0).to_bytes(4, "little") + count.to_bytes(4, "little")
    header += (0).to_bytes(4, "little") + count.to_bytes(4, "little") + bytes(8)
    root.add(_Entry("__properties_version1.0", _properties(header, strings, {0x00390040: sent})))
    names = root.add(_Entry("__nameid_version1.0"))
    for stream in ("00020102", "00030102", "00040102"):
        names.add(_Entry(f"__substg1.0_{stream}", b""))
    for i, (filename, data) in enumerate(attachments):
        storage = root.add(_Entry(f"__attach_version1.0_#{i:08X}"))
        attach_strings = {
            0x3707001F: filename.encode("utf-16-le"),
            0x3704001F: filename[:8].encode("utf-16-le"),
        }
        for tag, raw in attach_strings.items():
            storage.add(_Entry(f"__substg1.0_{tag:08X}", raw))
        storage.add(_Entry("__substg1.0_37010102", data))
        storage.add(_Entry("__properties_version1.0", _properties(bytes(8), attach_strings, {})))
    return _compound_file(root)
