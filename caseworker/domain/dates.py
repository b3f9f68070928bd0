"""Reading dates typed by people or found in spreadsheets: ISO or UK style, never US."""

from __future__ import annotations

import re
from datetime import date, datetime

from caseworker.domain.errors import InvalidInput

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})$")


def parse_date(text: str | date | datetime) -> date:
    """Read ``2025-01-31`` or ``31/01/2025`` (day first, four-digit year).

    Raises:
        InvalidInput: a message saying what is wrong (impossible date, two-digit
            year, a US-style date, or not a date at all).
    """
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    raw = text.strip()
    m = _ISO.match(raw)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = _UK.match(raw)
        if not m:
            raise InvalidInput(f"'{text}' is not a date; use YYYY-MM-DD or DD/MM/YYYY")
        d_text, mo_text, y_text = m.group(1), m.group(2), m.group(3)
        if len(y_text) == 2:
            raise InvalidInput(f"'{text}' has a two-digit year; write the year in full")
        if len(y_text) != 4:
            raise InvalidInput(f"'{text}' has a {len(y_text)}-digit year; write all four digits")
        y, mo, d = int(y_text), int(mo_text), int(d_text)
        if mo > 12 and d <= 12:
            raise InvalidInput(f"'{text}' looks like a US-style date (month first); use DD/MM/YYYY")
    try:
        return date(y, mo, d)
    except ValueError:
        raise InvalidInput(f"'{text}' is not a real date") from None
