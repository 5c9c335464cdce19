"""Symbols and punctuation that a speech engine would spell, skip or misread.

The lowest-priority class: every other class has had its chance at a place before these
rules are asked. Reading rules (see docs/normalizer/symbols.md):

* Operators and signs are said as words (data/symbol_words.tsv): "&" *và*, "=" *bằng*,
  "≥" *lớn hơn hoặc bằng*, "±" *cộng trừ*, "x" between numbers *nhân* …
* "<" and ">" are comparisons only before a number; elsewhere they are quote marks
  ("<<Tên>>") and stay.
* "./." (the end mark of Vietnamese official letters) is dropped: the sentence ends with
  its period.
* A bullet ("-", "+", "•", "*" …) at the start of a line is dropped.
* A dash between words: inside a compound ("kinh tế - xã hội", "Mác-Lênin") it is silent;
  spaced before a capitalised word ("Trần Văn A - Bí thư Huyện ủy") it separates an
  apposition or a clause and becomes a comma (a pause); an em dash is always a pause.
* A slash between words ("cán bộ/công chức", "xã/phường/thị trấn") lists alternatives:
  read as a comma, a short pause, which commits neither to *và* nor to *hoặc*.
* "#" before a number is *số*, before a word (a hashtag) silent; "*" as a footnote mark and
  "(*)" are silent; "|" (a breadcrumb separator) is a comma.
* Quotes, brackets, "…" and "..." stay: speech engines pause on them.
"""

from __future__ import annotations

import functools
import re

from vnreader.normalize.data import read_tsv
from vnreader.normalize.engine import Context, Rule
from vnreader.normalize.web import read_label

_LETTER = r"[^\W\d_]"


@functools.cache
def _words() -> dict[str, str]:
    return {row[0]: row[1] for row in read_tsv("symbol_words.tsv")}


def _say(symbol: str) -> str:
    word = _words().get(symbol, "-")
    return "" if word == "-" else word


# -- handlers -------------------------------------------------------------------------------


def _end_mark(m: re.Match[str], ctx: Context) -> str | None:
    # "./." → "." : the end mark itself is silent, the sentence still ends.
    return "."


def _silent(m: re.Match[str], ctx: Context) -> str | None:
    return ""


def _comma(m: re.Match[str], ctx: Context) -> str | None:
    return ","


def _spaced_dash(m: re.Match[str], ctx: Context) -> str | None:
    dash = m.group("dash")
    nxt = ctx.text[m.end() : m.end() + 1]
    if dash == "—" or nxt.isupper():
        return ","
    return ""


#: What may stand before the dash of a heading: a Roman or Arabic number or one letter.
_HEADING_LABEL = re.compile(r"[ \t]*(?:[IVXLCDM]+|\d{1,2}(?:\.\d{1,2})*|[a-zđA-ZĐ])[ \t]?")


def _heading_dash(m: re.Match[str], ctx: Context) -> str | None:
    line_start = ctx.text.rfind("\n", 0, m.start()) + 1
    if ctx.text[m.end()].isupper() and _HEADING_LABEL.fullmatch(ctx.text, line_start, m.start()):
        return ","
    return None


def _word_slash(m: re.Match[str], ctx: Context) -> str | None:
    return ","


def _operator(m: re.Match[str], ctx: Context) -> str | None:
    word = _words().get(m.group("op"))
    return word if word and word != "-" else None


def _degree(m: re.Match[str], ctx: Context) -> str | None:
    return _words().get(m.group(0).replace(" ", ""))


def _hash(m: re.Match[str], ctx: Context) -> str | None:
    tag = m.group("tag")
    if tag:
        # a hashtag: the tag is said as the web class says an address label
        # ("#tanhiep" → "tân hiệp"), the "#" itself is silent
        return read_label(tag, ctx) or ""
    nxt = ctx.text[m.end() : m.end() + 1]
    return _say("#") if nxt.isdigit() else ""


def _star(m: re.Match[str], ctx: Context) -> str | None:
    return ""


# -- rules ----------------------------------------------------------------------------------

#: Start of the text or of a line.
_LINE_START = r"(?:(?<=\n)|(?<![\s\S]))"

_RULES: list[tuple[str, object, bool]] = [
    # "./." and "/." at the end of an official letter
    (r"\.?[ \t]?/\.(?![^\s])", _end_mark, False),
    # a bullet at the start of a line: "- Nâng cao …", "+ Tổ chức …", "• …", "-Nâng …"
    (
        rf"{_LINE_START}[ \t]*(?:[•●▪◦►✓❖➢→*]+[ \t]*|[-–+][ \t]+|[-–+](?=[A-ZĐÀ-Ỹ]))",
        _silent,
        False,
    ),
    # footnote marks: "(*)", "(**)", a "*" glued after a word
    (r"\(\*{1,3}\)", _silent, False),
    (rf"(?<={_LETTER})\*{{1,3}}(?![\w*])", _star, False),
    # a dash spaced on both sides, after a word, a number or a closing mark
    (
        rf"(?:(?<=[^\W_])|(?<=[)”\"']))[ \t]+(?P<dash>[-–—])[ \t]+(?={_LETTER}|[(“\"])",
        _spaced_dash,
        False,
    ),
    # the dash after a heading number: "II- Nhiệm vụ", "1- Mục tiêu", "a- Nội dung"
    (r"(?<=[^\W_])[ \t]?[-–][ \t]+(?=[^\W\d_])", _heading_dash, False),
    # a dash glued to a word on at least one side: "kinh tế-xã hội", "tế- xã", "Mác-Lênin"
    (rf"(?<={_LETTER})(?:-[ \t]?|[ \t]-)(?={_LETTER})", _silent, False),
    (rf"(?<={_LETTER})[ \t]?—[ \t]?(?={_LETTER})", _comma, False),
    # a slash between words: "cán bộ/công chức"
    (rf"(?<={_LETTER})[ \t]?/[ \t]?(?={_LETTER})", _word_slash, False),
    # degree signs left over by the measures class
    (r"°[ \t]?[CF](?![^\W_])|°", _degree, False),
    # comparisons before a number only; elsewhere "<" ">" are quotes
    (r"(?P<op>[<>]=?)(?=[ \t]?[-−]?\d)", _operator, False),
    # "x", "*" between numbers: "3 x 4", "3x4"
    (r"(?:(?<=\d[ \t])|(?<=\d))(?P<op>[x*])[ \t]?(?=\d)", _operator, False),
    # other operators and signs
    (r"(?P<op>[&+=~≈≥≤≠±×÷%‰§№@])", _operator, False),
    (r"#(?P<tag>[A-Za-z][A-Za-z0-9]*(?![^\W_]))?", _hash, False),
    # a breadcrumb or column separator
    (r"[ \t]\|(?=[ \t])", _comma, False),
]


def rules() -> list[Rule]:
    """Symbols, in the order tried at one place."""
    return [Rule("symbols", pattern, handler, bounded) for pattern, handler, bounded in _RULES]  # type: ignore[arg-type]
