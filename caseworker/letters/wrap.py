"""Line breaking for letters: addresses at commas and spaces, emails after ``@`` or a dot.

ReportLab breaks lines only at spaces, and cuts a word wider than the line wherever the
line ends ("complaints.team@k" / "ensington.gov.uk"). These functions choose the breaks
first, so a reader sees each part of an address or an email whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth

from caseworker.letters.text import markup

# Where a word with no spaces (an email address, a web address, a reference) may break:
# after an "@", a dot, a hyphen, a slash or an underscore, so each piece ends in its mark.
_BREAK_AFTER = "@./-_"
_SPACES = re.compile(r"\S+")

Fits = Callable[[str], bool]


def _fits(font: str, size: float, width: float) -> Fits:
    # A hair of slack so a line measured here is never wrapped again by ReportLab.
    return lambda text: stringWidth(text, font, size) <= width - 0.01


def split_word(word: str, fits: Fits, first_fits: Fits | None = None) -> list[str]:
    """``word`` cut into pieces that each fit, at the most sensible points.

    A piece ends after the ``@`` when it fits (``complaints@`` / ``bolsover.gov.uk``, so
    the domain is never split from its start), otherwise after the last dot, hyphen, slash
    or underscore that fits; only a run with none of these that is wider than a line is cut
    between letters.

    Args:
        word: Text without spaces.
        fits: Whether a piece fits on a whole line.
        first_fits: Whether the first piece fits in what is left of the current line
            (default: a whole line). When nothing fits there, the first piece is empty.
    """
    pieces: list[str] = []
    rest = word
    check = first_fits or fits
    while not check(rest):
        marks = [i + 1 for i, ch in enumerate(rest[:-1]) if ch in _BREAK_AFTER]
        fitting = [i for i in marks if check(rest[:i])]
        at = [i for i in fitting if rest[i - 1] == "@"]
        if at:
            cut = at[-1]
        elif fitting:
            cut = fitting[-1]
        elif check is not fits:
            cut = 0  # nothing fits in the rest of the line: start on a new one
        else:
            cut = max((i for i in range(1, len(rest)) if fits(rest[:i])), default=1)
        pieces.append(rest[:cut])
        rest = rest[cut:]
        check = fits
    pieces.append(rest)
    return pieces


def wrap_lines(
    text: str, font: str, size: float, width: float, *, clauses: bool = False
) -> list[str]:
    """``text`` broken into lines no wider than ``width`` (in points), as plain text.

    Lines break at spaces; a word wider than a line breaks as :func:`split_word` says.
    With ``clauses`` (addresses), a line prefers to end after a comma: a comma-separated
    part that does not fit on the current line starts a new one if it fits there whole.
    Line breaks already in ``text`` are kept.
    """
    fits = _fits(font, size, width)
    lines: list[str] = []
    for given in text.splitlines() or [""]:
        parts = [p.strip() for p in given.split(",")] if clauses else [given]
        parts = [p for p in parts if p]
        line = ""
        for n, part in enumerate(parts):
            part = part + ("," if n < len(parts) - 1 else "")
            if line and not fits(f"{line} {part}") and fits(part):
                lines.append(line)
                line = ""
            for word in part.split():
                joined = f"{line} {word}" if line else word
                if fits(joined):
                    line = joined
                    continue
                if fits(word):
                    lines.append(line)
                    line = word
                    continue
                # Only the mailbox of an email joins a line already begun ("Email:
                # complaints@"); any other long word starts a line of its own.
                lead = f"{line} " if line else ""

                def mailbox_fits(piece: str, lead: str = lead) -> bool:
                    return piece.endswith("@") and fits(lead + piece)

                pieces = split_word(word, fits, mailbox_fits)
                if pieces[0]:
                    lines.append(lead + pieces[0])
                elif line:
                    lines.append(line)
                lines.extend(pieces[1:-1])
                line = pieces[-1]
        lines.append(line)
    return lines


def break_long_words(text: str, font: str, size: float, width: float) -> str:
    """``text`` with a line break inside each word wider than ``width``, at sensible points.

    For paragraphs ReportLab wraps: the words that fit are left to it.
    """
    fits = _fits(font, size, width)

    def pieces(match: re.Match[str]) -> str:
        word = match.group(0)
        return word if fits(word) else "\n".join(split_word(word, fits))

    return _SPACES.sub(pieces, text)


def lines_markup(
    texts: list[str], style: ParagraphStyle, width: float, *, clauses: bool = False
) -> str:
    """Person-typed ``texts`` as paragraph markup, each broken into lines by :func:`wrap_lines`."""
    return "<br/>".join(
        markup(line)
        for text in texts
        if text.strip()
        for line in wrap_lines(text, style.fontName, style.fontSize, width, clauses=clauses)
    )


def paragraph_markup(text: str, style: ParagraphStyle, width: float) -> str:
    """Person-typed ``text`` as markup for a paragraph ``width`` wide that ReportLab wraps.

    Its words wider than a line break at sensible points (:func:`break_long_words`).
    """
    room = width - style.leftIndent - max(style.firstLineIndent, 0)
    return markup(break_long_words(text, style.fontName, style.fontSize, room))
