"""How a written form may be typed: the one pattern builder of abbreviations and definitions.

"KH&ĐT" is also typed "KH & ĐT", "Covid-19" also "Covid - 19": a dash or an ampersand may
have spaces around it. The abbreviation table's keys are matched that way
(:mod:`.abbreviations`); the spellings an article defines (:mod:`.definitions`) are matched
more loosely still (``loose``): a space after a comma, and any spacing between words.
"""

from __future__ import annotations

import re

__all__ = ["spelling_parts", "spelling_pattern"]


def spelling_pattern(written: str, *, loose: bool = False) -> str:
    """A regular expression (no anchors) for ``written`` as people type it."""
    return "".join(spelling_parts(written, loose=loose))


def spelling_parts(written: str, *, loose: bool = False) -> list[str]:
    """The expression of each character of ``written``, in order (the scanner groups
    abbreviations by their first character, so it needs them apart)."""
    parts = []
    for ch in written:
        if ch in "-–—":
            parts.append(r"\s*[-–—]\s*")
        elif ch == "&":
            parts.append(r"\s*&\s*")
        elif loose and ch == ",":
            parts.append(r",\s*")
        elif loose and ch.isspace():
            parts.append(r"\s*")
        else:
            parts.append(re.escape(ch))
    return parts
