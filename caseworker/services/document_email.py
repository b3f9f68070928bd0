"""Reading a received email (.eml or Outlook .msg): its sender, date, subject, attachments."""

from __future__ import annotations

import email
import io
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage, Message

import olefile

from caseworker.domain.file_types import FileType

MAX_ATTACHMENTS = 200  # an email with more is kept whole; only the first ones are taken out


@dataclass(frozen=True)
class EmailPart:
    """One attachment an email carried."""

    name: str
    data: bytes


@dataclass(frozen=True)
class EmailFacts:
    sender: str
    sent_at: datetime | None  # as the sender's clock gave it, without the zone
    subject: str
    attachments: tuple[EmailPart, ...]


def read_email(data: bytes, file_type: FileType) -> EmailFacts:
    """The facts of an email, or empty facts when it cannot be read (it is kept all the same)."""
    if file_type is FileType.MSG:
        return read_msg(data)
    return read_eml(data)


def _header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
    except (ValueError, IndexError, TypeError):  # a malformed header the policy cannot parse
        return ""
    return " ".join(str(value or "").split())[:300]


def _sent_at(msg: Message) -> datetime | None:
    try:
        value = msg.get("Date")
        found = getattr(value, "datetime", None)
    except (ValueError, IndexError, TypeError):
        return None
    return found.replace(tzinfo=None) if isinstance(found, datetime) else None


def _parts(msg: Message) -> Iterator[Message]:
    """Every leaf part, with an attached email counted as one part (not opened up)."""
    for part in msg.get_payload() if msg.is_multipart() else ():
        if not isinstance(part, Message):
            continue
        if part.get_content_maintype() == "message" or not part.is_multipart():
            yield part
        else:
            yield from _parts(part)


def _attachment(part: Message) -> EmailPart | None:
    name = part.get_filename()
    disposition = part.get_content_disposition()
    if part.get_content_maintype() == "message":
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            return EmailPart(name or "attached email.eml", inner[0].as_bytes())
        return None
    if not name and disposition != "attachment":
        return None  # the body itself (text or HTML)
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return None
    return EmailPart(name or "attachment", payload)


def read_eml(data: bytes) -> EmailFacts:
    msg = email.message_from_bytes(data, _class=EmailMessage, policy=policy.default)
    found = [a for a in (_attachment(p) for p in _parts(msg)) if a is not None]
    return EmailFacts(
        sender=_header(msg, "From"),
        sent_at=_sent_at(msg),
        subject=_header(msg, "Subject"),
        attachments=tuple(found[:MAX_ATTACHMENTS]),
    )


# Outlook .msg: MAPI properties kept as streams of an OLE2 compound file ([MS-OXMSG]).
_SUBJECT, _SENDER_NAME, _SENDER_SMTP, _SENDER_ADDRESS = "0037", "0C1A", "5D01", "0C1F"
_ATTACH_LONG_NAME, _ATTACH_NAME, _ATTACH_DATA = "3707", "3704", "37010102"
_SUBMIT_TIME, _DELIVERY_TIME = 0x00390040, 0x0E060040
_FILETIME_EPOCH = datetime(1601, 1, 1)


def _string(ole: olefile.OleFileIO[str], storage: str, prop: str) -> str:
    for suffix, encoding in (("001F", "utf-16-le"), ("001E", "cp1252")):
        path = f"{storage}__substg1.0_{prop}{suffix}"
        if ole.exists(path):
            raw = ole.openstream(path).read()
            return " ".join(raw.decode(encoding, "replace").rstrip("\x00").split())[:300]
    return ""


def _msg_time(ole: olefile.OleFileIO[str]) -> datetime | None:
    if not ole.exists("__properties_version1.0"):
        return None
    raw = ole.openstream("__properties_version1.0").read()
    found: dict[int, int] = {}
    # The top-level properties stream has a 32-byte header, then 16-byte entries:
    # tag (type and id), flags, and an 8-byte value (a FILETIME for times).
    for offset in range(32, len(raw) - 15, 16):
        tag, _flags, value = struct.unpack_from("<IIq", raw, offset)
        found[tag] = value
    ticks = found.get(_SUBMIT_TIME) or found.get(_DELIVERY_TIME)
    if not ticks or ticks < 0:
        return None
    try:
        stamp = _FILETIME_EPOCH + timedelta(microseconds=ticks // 10)
    except OverflowError:
        return None
    return stamp.replace(tzinfo=UTC).replace(tzinfo=None, microsecond=0)


def read_msg(data: bytes) -> EmailFacts:
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except (OSError, ValueError, IndexError, struct.error):
        return EmailFacts("", None, "", ())
    with ole:
        name = _string(ole, "", _SENDER_NAME)
        address = _string(ole, "", _SENDER_SMTP) or _string(ole, "", _SENDER_ADDRESS)
        sender = f"{name} <{address}>" if name and address and name != address else name or address
        storages = sorted(
            {e[0] for e in ole.listdir(streams=True) if e[0].startswith("__attach_version1.0_")}
        )
        attachments: list[EmailPart] = []
        for storage in storages[:MAX_ATTACHMENTS]:
            prefix = f"{storage}/"
            path = f"{prefix}__substg1.0_{_ATTACH_DATA}"
            if not ole.exists(path):
                continue  # an embedded Outlook item: kept inside the .msg, not taken out
            title = _string(ole, prefix, _ATTACH_LONG_NAME) or _string(ole, prefix, _ATTACH_NAME)
            attachments.append(EmailPart(title or "attachment", ole.openstream(path).read()))
        return EmailFacts(sender, _msg_time(ole), _string(ole, "", _SUBJECT), tuple(attachments))
