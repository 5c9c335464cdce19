"""Is a spoken token a Vietnamese syllable? (what `vnreader normalize --check` asks)

A Vietnamese speech engine reads Vietnamese syllables; anything else (a Latin
abbreviation, a digit, a foreign word) it spells out letter by letter, reads with
English rules, or skips. A syllable is an optional onset followed by a rime from
``data/rimes.tsv``; tone marks may sit on the vowel.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from vnreader.normalizer.data import read_tsv

# Combining tone marks (grave, acute, tilde, hook above, dot below). Breve, circumflex
# and horn are letters of the alphabet (ă â ê ô ơ ư) and stay.
_TONES = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323"))
_ONSET = r"(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnprstvx])"
_TOKEN = re.compile(r"[^\W_]+")


def strip_tones(word: str) -> str:
    """The word without its tone mark, in NFC ("Huyện" → "Huyên")."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", word).translate(_TONES))


@functools.cache
def _syllable_re() -> re.Pattern[str]:
    rimes = sorted((row[0] for row in read_tsv("rimes.tsv", 1)), key=len, reverse=True)
    # "gi" and "qu" are onsets that may stand before a rime or, for "gi", alone ("gì").
    return re.compile(rf"(?:{_ONSET}?(?:{'|'.join(rimes)})|gi)")


def is_syllable(token: str) -> bool:
    """True when ``token`` (any case) is a well-formed Vietnamese syllable."""
    if not token:
        return False
    base = strip_tones(token.lower())
    return _syllable_re().fullmatch(base) is not None


def unreadable_tokens(spoken: str) -> list[str]:
    """Tokens of ``spoken`` that are not Vietnamese syllables (digits included), in order."""
    return [t for t in _TOKEN.findall(spoken) if not is_syllable(t)]
