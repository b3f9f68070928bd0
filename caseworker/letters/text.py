"""Person-typed text made safe for ReportLab's paragraph markup."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

# Characters XML (and so ReportLab's paragraph parser) cannot hold, and lone surrogates.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def markup(text: str) -> str:
    """Person-typed text as safe paragraph markup: printed exactly as typed, line breaks kept."""
    clean = _UNPRINTABLE.sub("", text.replace("\r\n", "\n").replace("\t", " "))
    return escape(clean).replace("\n", "<br/>")
