"""How long each kind of typed text may be, and which characters it may hold.

One definition for every way text comes in: intake (``services.people``, ``services.intake``)
and the import of a spreadsheet (``services.importer_read``) use the same limits, so a
spreadsheet cannot store what the New contact form would refuse. The lengths follow the
store's columns (``db.models``).
"""

from __future__ import annotations

import unicodedata

from caseworker.domain.errors import InvalidInput

NAME = 200  # a person's name (Person.name, Case.resident_name)
ADDRESS = 1000  # a postal address, several lines
POSTCODE = 12
PHONE = 40
EMAIL = 200
LIST_NAME = 120  # a site, service area, theme or handler (Site.name, ..., Staff.name)
REFERENCE = 40  # Case.reference
SHORT = 200  # a word from a fixed list (kind, channel, decision), or a short reason
FREE_TEXT = 20_000  # a description or a note: about eight pages of typing


def bad_character(text: str, *, lines: bool = False) -> str | None:
    """A description of the first character ``text`` may not hold, or None.

    Control characters (NUL and the like), lone surrogates from a broken paste and
    unassigned code points are refused; tab, and with ``lines`` line breaks, are allowed.
    """
    allowed = "\t\n\r" if lines else "\t"
    for ch in text:
        if ch in allowed:
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs", "Cn") or ch in "\u2028\u2029":
            if ch == "\x00":
                return "a NUL character"
            if ch in "\n\r\u2028\u2029":
                return "a line break"
            return f"the control character U+{ord(ch):04X}"
    return None


def check_text(label: str, text: str, limit: int, *, lines: bool = False) -> str:
    """``text`` if it is at most ``limit`` characters and holds no refused character.

    Raises:
        InvalidInput: naming ``label``, the limit or the character.
    """
    if len(text) > limit:
        raise InvalidInput(f"{label} can be at most {limit:,} characters")
    bad = bad_character(text, lines=lines)
    if bad is not None:
        raise InvalidInput(f"{label} contains {bad}, which cannot be saved")
    return text
