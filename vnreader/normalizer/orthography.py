"""Typing slips that turn a Vietnamese word into a non-syllable, repaired before speech.

Portal editors often type "thuờng" for *thường* or "nguời" for *người*: the horn of *ư*
is missing. The rime *uơ* followed by a final consonant or vowel never occurs in
Vietnamese (only *uơ* alone, as in *thuở*, *huơ*), so *uơ + final* can only be *ươ +
final*, and a speech engine reads the repaired word correctly. After *q* the *u* belongs
to the onset *qu* and nothing is changed.

Two more kinds of slip, each a word that is no Vietnamese syllable:

* a tone mark on the *o* of *oa* + final ("Đòan", "hòan thành", "tòan"): with a final
  consonant (or i, y, u, o) the tone belongs on *a*, so the mark is moved (*Đoàn*,
  *hoàn*, *toàn*); "hòa", with no final, is the old placement and is left alone;
* the frequent typos of ``data/typos.tsv`` (``written<TAB>meant<TAB>rule``), e.g.
  "quôc" for *quốc*: a syllable ending in c, ch, p or t takes only the sắc or nặng tone,
  so "quôc" is no word, and the table names the word meant and the rule for each.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from vnreader.normalizer.data import read_tsv
from vnreader.normalizer.engine import Context, Rule
from vnreader.normalizer.patterns import any_case, literal_alternation

_HORNLESS = re.compile(
    r"(?<![qQ])([uU])(?=[ơờớởỡợƠỜỚỞỠỢ](?:ng|nh|n|c|t|i|m|p|u)?(?![^\W\d_]))", re.IGNORECASE
)
_PATTERN = r"[^\W\d_]{0,3}[uU][ơờớởỡợƠỜỚỞỠỢ](?:ng|n|c|t|i|m|p|u|NG|N|C|T|I|M|P|U)(?![^\W\d_])"


def _repair(m: re.Match[str], ctx: Context) -> str | None:
    word = m.group(0)
    fixed = _HORNLESS.sub(lambda u: "ư" if u.group(1) == "u" else "Ư", word)
    if fixed == word:
        return None
    # A headline in capitals is read as words, like letters.py reads them: lower-case.
    return fixed.lower() if word.isupper() else fixed


# -- a tone on the o of "oa" + final -------------------------------------------------------
_O_TONED = "òóỏõọÒÓỎÕỌ"
_OA_FINAL = r"(?:ng|nh|ch|n|c|t|m|p|i|y|u|o)"
_OA_PATTERN = rf"[^\W\d_]{{0,3}}[{_O_TONED}][aăAĂ]{_OA_FINAL}(?![^\W\d_])"
_TONE_MARKS = "\u0300\u0301\u0309\u0303\u0323"


def _move_tone(m: re.Match[str], ctx: Context) -> str | None:
    word = m.group(0)
    d = unicodedata.normalize("NFD", word)
    # the tone mark right after the o (NFD: o + tone), moved after the a that follows
    fixed = re.sub(
        rf"([oO])([{_TONE_MARKS}])([aăAĂ]|a\u0306|A\u0306)",
        lambda t: t.group(1) + t.group(3) + t.group(2),
        d,
        count=1,
    )
    fixed = unicodedata.normalize("NFC", fixed)
    if fixed == word:
        return None
    return fixed.lower() if word.isupper() else fixed


# -- the table of frequent typos ------------------------------------------------------------
@functools.cache
def typos() -> dict[str, tuple[str, str]]:
    """``data/typos.tsv``: written (lower case) → (meant, rule)."""
    return {
        row[0].lower(): (row[1], row[2] if len(row) > 2 else "") for row in read_tsv("typos.tsv")
    }


def _typo(m: re.Match[str], ctx: Context) -> str | None:
    word = m.group(0)
    entry = typos().get(word.lower())
    if entry is None:
        return None
    meant = entry[0]
    if word.isupper() and len(word) > 1:
        return meant  # a headline in capitals is read as words, in lower case
    if word[:1].isupper():
        return meant[:1].upper() + meant[1:]
    return meant


@functools.cache
def _typo_pattern() -> str:
    # longest first, ties in a fixed order (the same expression in every process); as a
    # trie of case classes, which the regex engine tests faster than "(?i:…|…)"
    keys = sorted(typos(), key=lambda k: (-len(k), k))
    return rf"(?:{literal_alternation(keys, fold=True)})(?![^\W\d_])"


def _typo_trigger() -> str:
    """Where a word of the typing-error table can be: a toneless syllable ending in a
    stop ("thuôc", "hoat"), ngh- before a ("nghành"), "iụ" ("chiụ"); any case. Each part
    is found at its rarer last letters (the gate tries it at every character, and a
    class first is one quick test), the rest checked behind it."""
    v, stop, h = any_case("aăâeêioôơuưy"), any_case("ctp"), any_case("h")
    a, n, g = any_case("aàáảãạ"), any_case("n"), any_case("g")
    i, u = any_case("i"), any_case("ụ")
    return (
        rf"[{stop}](?<=[{v}][{stop}])[{h}]?(?![^\W\d_])"
        rf"|[{a}](?<=[{n}][{g}][{h}][{a}])|[{u}](?<=[{i}][{u}])"
    )


_TYPO_TRIGGER = _typo_trigger()


def rules() -> list[Rule]:
    return [
        Rule("orthography", _PATTERN, _repair, trigger="[uU][ơờớởỡợƠỜỚỞỠỢ]"),
        Rule("orthography", _OA_PATTERN, _move_tone, trigger=f"[{_O_TONED}][aăAĂ]{_OA_FINAL}"),
        # A toneless (or wrongly toned) syllable with a stop final, or ngh- before a/o/u:
        # the distinctive parts of the table's words, so the gate finds them.
        Rule(
            "orthography",
            _typo_pattern(),
            _typo,
            trigger=_TYPO_TRIGGER,
        ),
    ]
