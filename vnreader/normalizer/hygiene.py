"""Lookalike letters folded before reading.

Editors paste text from other sources or type with the wrong keyboard layout, and a word
comes out with a letter that looks right but is another character: Latin "Ð" (U+00D0, the
Icelandic eth) typed for the Vietnamese "Đ" (U+0110), or a Cyrillic "о", "а", "е", "с",
"р" inside a Vietnamese word. A speech engine cannot read such a word, and no rule matches
it. :func:`fold_lookalikes` maps them one character for one (so spans keep their offsets):

* Ð ð → Đ đ, everywhere (no Vietnamese text uses the eth);
* a Cyrillic or Greek lookalike (``data/lookalikes.tsv``) → its Latin letter, but only in
  a word that also has a Latin letter: a whole Cyrillic word ("Путин") is left alone.
"""

from __future__ import annotations

import functools
import re

from vnreader.normalizer.data import read_tsv

__all__ = ["fold_lookalikes"]

_ETH = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111"})
#: A word mixing Latin letters with letters of another script.
_MIXED = re.compile(r"[^\W\d_]*[\u0370-\u03ff\u0400-\u04ff][^\W\d_]*")
#: A Greek or Cyrillic letter: without one, ``_MIXED`` cannot match (a quick test first,
#: since ``_MIXED`` is tried at every letter of the text).
_OTHER_SCRIPT = re.compile(r"[\u0370-\u03ff\u0400-\u04ff]")


@functools.cache
def _table() -> dict[int, str]:
    return {ord(row[0]): row[1] for row in read_tsv("lookalikes.tsv")}


def _fold_word(m: re.Match[str]) -> str:
    word = m.group(0)
    if not any(_is_latin(ch) for ch in word):
        return word  # a whole word in Cyrillic or Greek: not a lookalike
    return word.translate(_table())


def _is_latin(ch: str) -> bool:
    o = ord(ch)
    return ch.isalpha() and (o < 0x250 or 0x1E00 <= o <= 0x1EFF)


def fold_lookalikes(text: str) -> str:
    """``text`` with lookalike letters replaced by the Vietnamese (Latin) letters meant."""
    if "\u00d0" in text or "\u00f0" in text:
        text = text.translate(_ETH)
    if _OTHER_SCRIPT.search(text) is None or _MIXED.search(text) is None:
        return text
    return _MIXED.sub(_fold_word, text)
