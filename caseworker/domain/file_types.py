"""What a received file is, judged from its first bytes (never from its name)."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from enum import StrEnum


class FileType(StrEnum):
    PDF = "pdf"
    JPEG = "jpeg"
    PNG = "png"
    GIF = "gif"
    TIFF = "tiff"
    HEIC = "heic"
    DOCX = "docx"
    XLSX = "xlsx"
    PPTX = "pptx"
    ODF = "odf"
    ZIP = "zip"
    DOC = "doc"
    XLS = "xls"
    PPT = "ppt"
    MSG = "msg"
    OLE = "ole"
    RTF = "rtf"
    EMAIL = "email"
    TEXT = "text"
    OTHER = "other"
    PROGRAM = "program"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def extension(self) -> str:
        """The extension a copy is given when it is opened: from the content, not the name.

        A text file named ``letter.js`` is opened as ``.txt``, so the system viewer shows it
        and never runs it; a file of no known type gets ``.bin``, which nothing runs.
        """
        return _EXTENSIONS[self]

    @property
    def is_image(self) -> bool:
        return self in (FileType.JPEG, FileType.PNG, FileType.GIF, FileType.TIFF)

    @property
    def is_email(self) -> bool:
        return self in (FileType.EMAIL, FileType.MSG)


_LABELS = {
    FileType.PDF: "PDF document",
    FileType.JPEG: "JPEG photo",
    FileType.PNG: "PNG image",
    FileType.GIF: "GIF image",
    FileType.TIFF: "TIFF image",
    FileType.HEIC: "HEIC photo",
    FileType.DOCX: "Word document",
    FileType.XLSX: "Excel workbook",
    FileType.PPTX: "PowerPoint presentation",
    FileType.ODF: "OpenDocument file",
    FileType.ZIP: "ZIP archive",
    FileType.DOC: "Word 97-2003 document",
    FileType.XLS: "Excel 97-2003 workbook",
    FileType.PPT: "PowerPoint 97-2003 presentation",
    FileType.MSG: "Outlook email",
    FileType.OLE: "Office 97-2003 file",
    FileType.RTF: "Rich text document",
    FileType.EMAIL: "Email",
    FileType.TEXT: "Plain text",
    FileType.OTHER: "File of unknown type",
    FileType.PROGRAM: "Program",
}
_EXTENSIONS = {
    FileType.PDF: ".pdf",
    FileType.JPEG: ".jpg",
    FileType.PNG: ".png",
    FileType.GIF: ".gif",
    FileType.TIFF: ".tif",
    FileType.HEIC: ".heic",
    FileType.DOCX: ".docx",
    FileType.XLSX: ".xlsx",
    FileType.PPTX: ".pptx",
    FileType.ODF: ".odt",
    FileType.ZIP: ".zip",
    FileType.DOC: ".doc",
    FileType.XLS: ".xls",
    FileType.PPT: ".ppt",
    FileType.MSG: ".msg",
    FileType.OLE: ".bin",
    FileType.RTF: ".rtf",
    FileType.EMAIL: ".eml",
    FileType.TEXT: ".txt",
    FileType.OTHER: ".bin",
    FileType.PROGRAM: ".bin",
}


@dataclass(frozen=True)
class Judged:
    """A file's type and, for a program, what kind (for the refusal message)."""

    file_type: FileType
    detail: str = ""


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1")
_PROGRAMS = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xfe\xed\xfa\xce", "a macOS program"),
    (b"\xfe\xed\xfa\xcf", "a macOS program"),
    (b"\xce\xfa\xed\xfe", "a macOS program"),
    (b"\xcf\xfa\xed\xfe", "a macOS program"),
    (b"\xca\xfe\xba\xbe", "a macOS program or Java class"),
)
# Header names an email starts with (RFC 5322); an email needs From and one of the others.
_HEADER_LINE = re.compile(rb"^[!-9;-~]+:")
_EMAIL_FIELDS = (b"date", b"subject", b"message-id", b"received", b"to", b"mime-version")


def _office_zip(data: bytes) -> FileType:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            if "mimetype" in names and zf.read("mimetype").startswith(
                b"application/vnd.oasis.opendocument"
            ):
                return FileType.ODF
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, ValueError):
        return FileType.OTHER
    if "[Content_Types].xml" in names:
        tops = {n.split("/", 1)[0] for n in names}
        for top, kind in (("word", FileType.DOCX), ("xl", FileType.XLSX), ("ppt", FileType.PPTX)):
            if top in tops:
                return kind
    return FileType.ZIP


def _ole(data: bytes) -> FileType:
    # Directory entries hold their names in UTF-16LE, so the streams can be found without
    # a parser: Outlook keeps its properties in "__substg1.0_" streams.
    for name, kind in (
        ("__substg1.0_", FileType.MSG),
        ("WordDocument", FileType.DOC),
        ("Workbook", FileType.XLS),
        ("Book", FileType.XLS),
        ("PowerPoint Document", FileType.PPT),
    ):
        if name.encode("utf-16-le") in data:
            return kind
    return FileType.OLE


def _looks_like_email(head: bytes) -> bool:
    block = head.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    lines = block.split(b"\n")
    if len(lines) < 2:
        return False
    names: set[bytes] = set()
    for line in lines:
        if line[:1] in (b" ", b"\t"):
            continue  # a folded header carries on
        if not _HEADER_LINE.match(line):
            return False
        names.add(line.split(b":", 1)[0].strip().lower())
    return b"from" in names and any(f in names for f in _EMAIL_FIELDS)


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.start >= len(head) - 3:  # a character cut at the end of the sample
            text = head[: err.start].decode("utf-8")
        else:
            try:
                text = head.decode("cp1252")
            except UnicodeDecodeError:
                return False
    return all(c.isprintable() or c in "\t\r\n\f" for c in text.lstrip("\ufeff"))


def judge_file(data: bytes) -> Judged:
    """The file's type from its content: magic bytes first, then email and plain text.

    Fixed signatures at the start are checked before the looser PDF test, so a container
    (an Outlook message, a ZIP) holding a PDF near its start is judged by its own header.
    """
    head = data[:65536]
    for magic, what in _PROGRAMS:
        if head.startswith(magic):
            return Judged(FileType.PROGRAM, what)
    if head.startswith(b"\xff\xd8\xff"):
        return Judged(FileType.JPEG)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Judged(FileType.PNG)
    if head.startswith((b"GIF87a", b"GIF89a")):
        return Judged(FileType.GIF)
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return Judged(FileType.TIFF)
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return Judged(FileType.HEIC)
    if head.startswith(b"PK\x03\x04"):
        return Judged(_office_zip(data))
    if head.startswith(_OLE2):
        return Judged(_ole(data))
    if head.startswith(b"{\\rtf"):
        return Judged(FileType.RTF)
    if b"%PDF-" in head[:1024]:  # readers allow a little before the PDF's own header
        return Judged(FileType.PDF)
    if _looks_like_email(head):
        return Judged(FileType.EMAIL)
    if _is_text(head):
        return Judged(FileType.TEXT)
    return Judged(FileType.OTHER)


# Name endings that suit each type; any other ending gets the type's own added, so a text
# file named "run.bat" is written out as "run.bat.txt" and never runs when double-clicked.
_SUFFIXES: dict[FileType, frozenset[str]] = {
    FileType.PDF: frozenset({".pdf"}),
    FileType.JPEG: frozenset({".jpg", ".jpeg", ".jpe", ".jfif"}),
    FileType.PNG: frozenset({".png"}),
    FileType.GIF: frozenset({".gif"}),
    FileType.TIFF: frozenset({".tif", ".tiff"}),
    FileType.HEIC: frozenset({".heic", ".heif"}),
    FileType.DOCX: frozenset({".docx"}),
    FileType.XLSX: frozenset({".xlsx"}),
    FileType.PPTX: frozenset({".pptx"}),
    FileType.ODF: frozenset({".odt", ".ods", ".odp", ".odg"}),
    FileType.ZIP: frozenset({".zip"}),
    FileType.DOC: frozenset({".doc"}),
    FileType.XLS: frozenset({".xls"}),
    FileType.PPT: frozenset({".ppt"}),
    FileType.MSG: frozenset({".msg"}),
    FileType.RTF: frozenset({".rtf"}),
    FileType.EMAIL: frozenset({".eml"}),
    FileType.TEXT: frozenset({".txt", ".csv", ".log", ".md"}),
}
_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"{p}{n}" for p in ("com", "lpt") for n in range(1, 10)}
)
_UNSAFE_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
MAX_NAME = 120


def received_name(name: str) -> str:
    """The name a file came with, without any folder part or control characters."""
    base = re.split(r"[/\\]", name)[-1]
    cleaned = "".join(c for c in base if c.isprintable()).strip()
    return cleaned[:255]


def safe_name(name: str, file_type: FileType) -> str:
    """A name a file can be written under on Windows, macOS or Linux without surprises.

    No folder part (``../../x`` is ``x``), no characters Windows refuses, no device names
    (``CON``), no hidden-file dot or trailing dots and spaces, at most ``MAX_NAME``
    characters, and an ending that matches the content.
    """
    text = _UNSAFE_CHARS.sub("_", received_name(name)).strip(" .")
    stem, dot, suffix = text.rpartition(".")
    if not dot:
        stem, suffix = text, ""
    if stem.split(".")[0].strip().lower() in _WINDOWS_RESERVED:
        stem = f"_{stem}"
    ending = f".{suffix.lower()}" if suffix else ""
    if ending not in _SUFFIXES.get(file_type, frozenset()):
        stem, ending = text if text else "", file_type.extension
        if stem.split(".")[0].strip().lower() in _WINDOWS_RESERVED:
            stem = f"_{stem}"
    stem = (stem or "document")[: MAX_NAME - len(ending)].rstrip(" .") or "document"
    return f"{stem}{ending}"
