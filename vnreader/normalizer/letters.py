"""ALL-CAPS tokens that no abbreviation table knows: spell them, or read them as words.

A speech engine garbles an unknown acronym ("VNPT", "XYZ") or reads it with English
rules, so a presenter's reading is spelled out with Vietnamese letter names from
``data/letter_names.tsv``: "XYZ" → *ích i dét*, "VNPT" → *vê en pê tê*. Acronyms with a
fixed reading ("UBND", "ASEAN", "WHO") are in ``data/abbreviations.tsv`` and are read by
``abbreviations.py``, which runs first.

But headlines and titles are often written in capitals: "HỘI NGHỊ BAN CHẤP HÀNH ĐẢNG BỘ
HUYỆN", or without tone marks "HOI NGHI HOP". Those are words and are read lower-cased.
The heuristic (see docs/normalizer/letters.md):

1. A token that is not a Vietnamese syllable (``syllables.is_syllable``) is spelled.
2. A syllable with a Vietnamese diacritic (tone mark, ă â ê ô ơ ư, đ) is a word: acronyms
   are written with bare Latin letters, so "ĐẢNG", "Ở" are words.
3. A syllable next to another ALL-CAPS word on the same line (a run of capitals, i.e. a
   headline) is a word: "HOI NGHI HOP".
4. A lone syllable of four or more letters is a word ("THANH"); a lone short one is
   spelled ("AI" → *a i*), as short acronyms are far more common than shouted words.
5. A single capital that is itself a Vietnamese word and starts a capitalised word
   group ("Y tế", "A và B") is left as written: the engine reads it right.

Capitals glued to a lower-case word ("chữAA" → *chữ a a*) or to digits ("F0", "U23",
"H5N1", "lớp 10A") are spelled too; the digits are read by the cardinal class. An
initial inside a personal name drops its dot ("Nguyễn Q. Huy" → *Nguyễn quy Huy*).
"""

from __future__ import annotations

import functools
import re
import unicodedata

from vnreader.normalizer.data import read_map
from vnreader.normalizer.engine import Context, Rule
from vnreader.normalizer.syllables import is_syllable, strip_tones

__all__ = ["is_word", "restore_marks", "rules", "spell"]


def _vietnamese_letters(upper: bool) -> str:
    """A regex class body: Latin letters plus every Vietnamese vowel with its tones, and đ."""
    out = []
    for base in "aăâeêioôơuưy":
        for tone in ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"):
            out.append(unicodedata.normalize("NFC", base + tone))
    out.append("đ")
    body = "".join(sorted(set(out) - set("aeiouy")))
    return "A-Z" + body.upper() if upper else "a-z" + body


UPPER = _vietnamese_letters(True)
LOWER = _vietnamese_letters(False)

#: Letters that only Vietnamese writes: an ALL-CAPS token with one is a word, not an acronym.
_VIETNAMESE_MARKS = re.compile(r"[^A-Z]")
_CAPS_WORD = re.compile(rf"[{UPPER}]{{2,}}")
_NEAR_BEFORE = re.compile(r"([^\W_]+)[^\w\n]{0,3}$")
_NEAR_AFTER = re.compile(r"[^\w\n]{0,3}([^\W_]+)")
_LAST_WORD = re.compile(r"([^\W\d_]+)$")

#: A run of capitals not inside a longer capitalised word: it may touch digits ("F0",
#: "10A") or follow a lower-case letter ("chữAA"), but no letter may follow it.
#: Numeric characters that ``\w`` counts as word characters but are not letters
#: (superscripts, vulgar fractions, circled numbers): a capital before them is a word end.
_NUMERIC_NOT_LETTER = r"\xb2\xb3\xb9\xbc-\xbe\u2070-\u209f\u2150-\u218f\u2460-\u24ff\u2776-\u2793"
_CAPS = rf"(?<![{UPPER}])(?P<w>[{UPPER}]+)(?![^\W\d_{_NUMERIC_NOT_LETTER}])"
#: An initial with its dot inside a personal name: "Nguyễn Q. Huy".
_INITIAL = rf"(?P<w>[{UPPER}])\.(?=[ \u00a0]+[{UPPER}][{LOWER}])"


#: Dotted initials standing for a name ("bệnh nhân N.V.H", "ông T.V.A."): each letter named,
#: the dots between them silent; a final dot before a lower-case word, "(" or "," goes too.
_DOTTED = (
    rf"(?P<w>[{UPPER}](?:\.[ \u00a0]?[{UPPER}]){{1,4}})(?![^\W_])"
    rf"(?:\.(?=[ \u00a0]*(?:[{LOWER}(,;)]|\d)))?"
)


#: A single initial whose dot is followed by a lower-case word: "Anh K. bị bắt" (the
#: sentence goes on, so the dot is no full stop), or by a count and a lower-case word.
_INITIAL_LOWER = rf"(?P<w>[{UPPER}])\.(?=[ \u00a0]+[{LOWER}]|[ \u00a0]*[(,;])"
#: "bị cáo Nguyễn Văn T. 18 tháng tù": the initial of a name (police and court news)
#: followed by a count and a lower-case word: the sentence goes on.
_INITIAL_COUNT = rf"(?P<w>[{UPPER}])\.(?=[ \u00a0]+\d+[ \u00a0]+[{LOWER}])"
#: Capitals glued to a number with a leading zero: exam blocks "A00", "D01", police units
#: "PC06", "PA05". The zeros
#: are part of the name (*a không không*), so the digits are read one by one.
_LETTER_ZERO = rf"(?P<w>[{UPPER}]{{1,3}})(?P<d>0\d{{1,2}})(?![^\W_]|[.,]\d)"
#: A lone lower-case consonant letter: a point of a legal text ("điểm c khoản 2"), a list
#: label ("b) Tước quyền …"), an option ("phương án d"). No Vietnamese word is a bare
#: consonant, so it is said by its letter name. Not a letter of an abbreviation ("đ/c",
#: "v.v.", "k.t").
_LONE_LETTER = r"(?P<w>[bcdđghklmnpqrstvx])(?![^\W\d_²³¹]|[./&'’][^\W_])"
#: An influenza subtype: "A/H5N1" → *a hát năm en một* (no pause at the slash).
_FLU = r"(?P<t>[AB])/(?P<h>H\d{1,2}N\d{1,2})(?![^\W_])"


@functools.cache
def _names() -> dict[str, str]:
    return read_map("letter_names.tsv")


def spell(token: str) -> str:
    """Vietnamese letter names for the letters of ``token`` ("VNPT" → *vê en pê tê*).

    Non-letters are skipped; a letter with a tone mark is named by its base letter.
    """
    names = _names()
    out = []
    for ch in token.upper():
        name = names.get(ch) or names.get(strip_tones(ch))
        if name:
            out.append(name)
    return " ".join(out)


def spell_letters(token: str) -> str | None:
    """Like :func:`spell`, but ``None`` unless every character is a letter with a name
    (for codes and addresses, where a digit or a symbol means another reading)."""
    names = _names()
    if not token or not all(names.get(ch) or names.get(strip_tones(ch)) for ch in token.upper()):
        return None
    return spell(token)


def _is_caps_word(word: str) -> bool:
    return _CAPS_WORD.fullmatch(word) is not None


def _in_caps_run(ctx: Context, start: int, end: int) -> bool:
    """The nearest word before or after, on the same line, is ALL-CAPS (a headline)."""
    bm = _NEAR_BEFORE.search(ctx.text, max(0, start - 40), start)
    am = _NEAR_AFTER.match(ctx.text, end)
    return any(m is not None and _is_caps_word(m.group(1)) for m in (bm, am))


_HATS = {"A": "AĂÂ", "E": "EÊ", "O": "OÔƠ", "U": "UƯ", "D": "DĐ"}


def restore_marks(token: str) -> str | None:
    """A syllable that ``token``, typed without diacritics, may stand for, or ``None``.

    Headlines are sometimes written in bare Latin capitals: "HOI NGHI MAT DAU XUAN".
    Each a, e, o, u, d may stand for its marked letter (â ă, ê, ô ơ, ư, đ); the tone
    cannot be recovered, but the letters can: "XUAN" → "XUÂN", "TRUONG" → "TRƯƠNG"
    (the rime ươ is far more common than uô). Fewest changes win.
    """
    options = [_HATS.get(ch, ch) for ch in token.upper()]
    if sum(len(o) > 1 for o in options) > 5:
        return None
    words = [""]
    for opt in options:
        words = [w + ch for w in words for ch in opt]
    found = [w for w in words if is_syllable(w)]
    if not found:
        return None

    def rank(w: str) -> tuple[int, int]:
        uo = "UO" in token.upper() and "ƯƠ" not in w
        return (int(uo), sum(a != b for a, b in zip(w, token.upper(), strict=True)))

    return min(found, key=rank)


def is_word(token: str, in_caps_run: bool = False) -> bool:
    """Whether the ALL-CAPS ``token`` is a Vietnamese word to read, not an acronym to spell.

    ``in_caps_run``: the token stands among other ALL-CAPS words (a headline).
    """
    if not is_syllable(token):
        # In a headline, a word typed without diacritics ("XUAN") is still a word.
        return in_caps_run and token.isascii() and restore_marks(token) is not None
    if _VIETNAMESE_MARKS.search(token):
        return True  # tone mark, ă â ê ô ơ ư or đ: Vietnamese spelling, not an acronym
    return in_caps_run or len(token) >= 4


def _caps(m: re.Match[str], ctx: Context) -> str | None:
    try:
        w = m.group("w")
        start, end = m.start(), m.end()
        glued = start > 0 and ctx.text[start - 1].isalnum()
        if len(w) == 1 and not glued and is_syllable(w):
            # "Y tế", "A và B": a one-letter word the engine reads as written.
            nxt = ctx.word_after(end)
            if nxt and nxt[0].islower() and not ctx.text[end : end + 1].isalnum():
                return None
        if not glued and is_word(w, _in_caps_run(ctx, start, end)):
            if not is_syllable(w):
                w = restore_marks(w) or w
            return w.lower()
        return spell(w) or None
    except Exception:  # a handler must never raise on odd input
        return None


def _initial(m: re.Match[str], ctx: Context) -> str | None:
    """ "Nguyễn Q. Huy": the initial is named and its dot (not a full stop) dropped."""
    try:
        before = ctx.before(m.start(), 80).rstrip(" \u00a0")  # a window, not the whole text
        wm = _LAST_WORD.search(before)
        if not wm or not wm.group(1)[0].isupper() or _is_caps_word(wm.group(1)):
            return None
        return spell(m.group("w")) or None
    except Exception:
        return None


def _initial_count(m: re.Match[str], ctx: Context) -> str | None:
    """The initial closing a name ("Nguyễn Văn T. 18 tháng tù"): only after a capitalised
    name word, so "phần A. 3 người" (a sentence end) keeps its full stop."""
    before = ctx.before(m.start(), 30).rstrip(" \u00a0")
    words = before.split()
    if not words or not words[-1][:1].isupper() or not words[-1].isalpha():
        return None
    return _dotted(m, ctx)


def _dotted(m: re.Match[str], ctx: Context) -> str | None:
    """ "N.V.H" → *en vê hát*: initials read as letters, never as sentence ends."""
    return spell(m.group("w")) or None


def _lone_letter(m: re.Match[str], ctx: Context) -> str | None:
    before = ctx.text[max(0, m.start() - 12) : m.start()]
    if re.search(r"[^\W\d_]$", before):
        return None  # glued to a letter-like sign ("¼b"): not lone (and not gated)
    if (
        m.group("w") == "x"
        and re.search(r"\d\s*$", before)
        and re.match(r"\s*\d", ctx.text[m.end() :])
    ):
        return None  # "3 x 4": the symbols class says the sign (nhân)
    return spell(m.group("w")) or None


def _letter_zero(m: re.Match[str], ctx: Context) -> str | None:
    name = spell(m.group("w"))
    return f"{name} {ctx.num.read_digits(m.group('d'))}" if name else None


def _flu(m: re.Match[str], ctx: Context) -> str | None:
    parts = [spell(m.group("t"))]
    for letter, digits in re.findall(r"([HN])(\d+)", m.group("h")):
        parts += [spell(letter), ctx.num.read_int(digits)]
    return " ".join(p for p in parts if p) or None


def rules() -> list[Rule]:
    """Initials in names, then any run of capitals (abbreviations.py has run before)."""
    return [
        Rule("letters", _FLU, _flu),
        Rule("letters", _LETTER_ZERO, _letter_zero),
        # The gate tries this trigger at every character: the letter test comes first (a
        # cheap character class), the look-behind (no letter before) only after it.
        Rule(
            "letters",
            _LONE_LETTER,
            _lone_letter,
            trigger=r"[bcdđghklmnpqrstvx](?<![^\W\d_].)(?![^\W\d_²³¹]|[./&'’][^\W_])",
        ),
        Rule("letters", _DOTTED, _dotted),
        Rule("letters", _INITIAL, _initial),
        Rule("letters", _INITIAL_LOWER, _dotted),
        Rule("letters", _INITIAL_COUNT, _initial_count),
        Rule("letters", _CAPS, _caps, bounded=False),
    ]
