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

from vnreader.normalizer.data import read_map, read_tsv
from vnreader.normalizer.engine import Context, Rule
from vnreader.normalizer.units import lookup_unit
from vnreader.normalizer.web import read_label

_LETTER = r"[^\W\d_]"
#: Horizontal spaces, as the scanner counts them (no-break and thin spaces too).
_SP = r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]"


@functools.cache
def _words() -> dict[str, str]:
    return {row[0]: row[1] for row in read_tsv("symbol_words.tsv")}


def _say(symbol: str) -> str:
    word = _words().get(symbol, "-")
    return "" if word == "-" else word


def _line_prefix(ctx: Context, pos: int) -> str:
    """The text of the current line before ``pos``."""
    return ctx.text[ctx.text.rfind("\n", 0, pos) + 1 : pos]


#: Something said just before a symbol (a word, a number, or a sign that is said, such
#: as "&"), spaces allowed between; not a line start, an opening bracket or a pause mark.
#: A sign counts because it becomes a word: the output, read again, must not change.
_SAID_BEFORE = re.compile(rf"[^\s(\[“\"',.;:!?…]{_SP}*$")
#: The next thing said after a symbol is a capitalised word (a new clause, a title).
_NEXT_WORD = re.compile(rf"{_SP}*[(“\"']?(?P<ch>\w)")


#: A number (or a percentage) just before a dash: "2021 - nay", "35,2% - công nghiệp".
_NUMBER_BEFORE = re.compile(rf"\d[%‰]?{_SP}*$")
#: "nay" (now) after the dash: "2021 - nay" is a span up to now.
_TILL_NOW = re.compile(rf"{_SP}*nay(?![^\W_])", re.IGNORECASE)
#: The word before the first number of a score: "thắng 2 - 0", "tỷ số 3 - 1".
#: A duration or clock time written in words before a dash: "7 giờ", "11 giờ 30 (phút)".
_SPAN_BEFORE = re.compile(
    rf"\d{_SP}*(?:giờ|phút|giây|ngày|tuần|tháng|tuổi)(?:{_SP}+\d+(?:{_SP}+phút)?)?{_SP}*$",
    re.IGNORECASE,
)
_NUMBER_BEFORE_COLON = re.compile(r"\d+$")
_WORDS = re.compile(r"[^\W\d_]+")
_SCORE_BEFORE = re.compile(rf"([^\W\d_]+){_SP}+\d+{_SP}*$")


@functools.cache
def _score_words() -> frozenset[str]:
    """Words after which "a - b" or "a:b" is a score (the times class's table)."""
    return frozenset(r[0] for r in read_tsv("time_context.tsv", 2) if r[1] == "score")


@functools.cache
def _range_word() -> str:
    return read_map("date_words.tsv").get("range", "đến")


def _capital_next(ctx: Context, pos: int) -> bool:
    m = _NEXT_WORD.match(ctx.text, pos)
    return m is not None and m.group("ch").isupper()


#: Only a pause mark or the end of the line follows.
#: A number and the word glued or spaced after it, just before a slash ("18.500 ha").
_UNIT_BEFORE = re.compile(r"\d[ \u00a0]?([^\W\d_]+)[ \u00a0]?$")
_NOTHING_NEXT = re.compile(rf"{_SP}*(?:[.,;:!?…)\]”]|$|\n)")

#: What may stand before the dash of a heading: a Roman or Arabic number or one letter.
_HEADING_LABEL = re.compile(rf"{_SP}*(?:[IVXLCDM]+|\d{{1,2}}(?:\.\d{{1,2}})*|[a-zđA-ZĐ]){_SP}?")


# -- handlers -------------------------------------------------------------------------------
# Every decision below looks only at what is said, never at how a neighbour is written,
# so that the spoken output, normalized again, stays as it is.


def _end_mark(m: re.Match[str], ctx: Context) -> str | None:
    # "./." → "." : the end mark itself is silent, the sentence still ends.
    return "."


def _silent(m: re.Match[str], ctx: Context) -> str | None:
    return ""


def _bullet(m: re.Match[str], ctx: Context) -> str | None:
    """A bullet is silent, only at the start of a line (spaces may come before it)."""
    if _line_prefix(ctx, m.start()).strip(" \t\u00a0\u2000\u200a\u202f\u205f\u3000"):
        return None
    return ""


def _heading_dash(m: re.Match[str], ctx: Context) -> str | None:
    """ "II- Nhiệm vụ", "1- Mục tiêu": the dash after a heading number is a pause."""
    if not _capital_next(ctx, m.end()):
        return None
    if _HEADING_LABEL.fullmatch(_line_prefix(ctx, m.start())):
        return ","
    return None


def _em_dash(m: re.Match[str], ctx: Context) -> str | None:
    """An em dash sets off a clause: a pause, except where nothing is said before it."""
    return "," if _SAID_BEFORE.search(ctx.before(m.start(), 12)) else ""


def _spaced_dash(m: re.Match[str], ctx: Context) -> str | None:
    """ " - " between words: a pause before a capitalised word ("Trần Văn A - Bí thư"),
    silent inside a compound ("kinh tế - xã hội")."""
    if not _SAID_BEFORE.search(ctx.before(m.start(), 12)):
        return ""
    nxt = _NEXT_WORD.match(ctx.text, m.end())
    if nxt is not None and nxt.group("ch").isdigit():
        # A score ("thắng 2 - 0") is said without a pause: *thắng hai không*.
        sm = _SCORE_BEFORE.search(ctx.before(m.start(), 40))
        if sm is not None and sm.group(1).lower() in _score_words():
            return ""
        if _SPAN_BEFORE.search(ctx.before(m.start(), 30)):
            # "7 giờ - 11 giờ 30", "3 tháng - 6 tháng": a span, *đến*
            return _range_word()
        # between two numbers no range took ("0297.3812.345 – 0913.456.789"): a pause
        return ","
    if _TILL_NOW.match(ctx.text, m.end()) and _NUMBER_BEFORE.search(ctx.before(m.start(), 8)):
        return _range_word()  # "giai đoạn 2021 - nay": *đến nay*
    if _capital_next(ctx, m.end()):
        return ","
    # After a quantity the dash separates items of a list ("nông nghiệp 35,2% - công
    # nghiệp 30,1%"), not the halves of a compound.
    return "," if _NUMBER_BEFORE.search(ctx.before(m.start(), 8)) else ""


def _glued_dash(m: re.Match[str], ctx: Context) -> str | None:
    """ "kinh tế-xã hội", "Mác-Lênin", "COVID-19", "tế -xã": silent. A dash after a space
    and before a digit is a minus sign, left to the number classes."""
    # A minus sign ("-5 °C") was the measures class's to read, which comes first; a dash
    # that reaches this rule is never said (and must not survive: read again, it would
    # stand before a word and be dropped then).
    if _TILL_NOW.match(ctx.text, m.end()) and _NUMBER_BEFORE.search(ctx.before(m.start(), 8)):
        return _range_word()  # "1975-nay": *đến nay*
    return ""


def _slash(m: re.Match[str], ctx: Context) -> str | None:
    """A slash no other class read. Between two digits ("3/5") it is "trên"; between words
    ("cán bộ/công chức", "xã/phường/thị trấn") it lists alternatives: a pause, which
    commits neither to "và" nor to "hoặc"; with nothing said on one side it is silent."""
    prev = ctx.text[m.start() - 1 : m.start()]
    nxt = ctx.text[m.end() : m.end() + 1]
    if prev.isdigit() and nxt.isdigit():
        return _say("/")
    if nxt.isdigit():
        # Two quantities, the first with its unit: "đạt 18.500 ha/18.000 ha" (done out of
        # planned) is "trên", as between bare numbers.
        um = _UNIT_BEFORE.search(ctx.before(m.start(), 20))
        if um is not None and lookup_unit(um.group(1)) is not None:
            return _say("/")
    if not _SAID_BEFORE.search(ctx.before(m.start(), 12)) or _NOTHING_NEXT.match(ctx.text, m.end()):
        return ""
    return ","


def _ratio_colon(m: re.Match[str], ctx: Context) -> str | None:
    """ "tỷ số 3:1" (a score the times class declined) is said *ba một*; "tỷ lệ 1:500"
    (a ratio, a map scale) *một trên năm trăm*. Elsewhere the colon stays punctuation."""
    before = ctx.before(m.start(), 50)
    nm = _NUMBER_BEFORE_COLON.search(before)
    if nm is None:
        return None
    # the words of the same sentence before the first number, nearest four
    clause = re.split(r"[.!?;\n]", before[: nm.start()])[-1].lower()
    words = _WORDS.findall(clause)[-4:]
    if "lệ" in words:
        return _say("/")
    if _score_words().intersection(words):
        return ""
    return None


def _pipe(m: re.Match[str], ctx: Context) -> str | None:
    """A breadcrumb or column separator ("Trang chủ | Tin tức"): a pause."""
    return "," if _SAID_BEFORE.search(ctx.before(m.start(), 12)) else ""


def _operator(m: re.Match[str], ctx: Context) -> str | None:
    word = _words().get(m.group("op"))
    return word if word and word != "-" else None


def _times(m: re.Match[str], ctx: Context) -> str | None:
    """ "3x4", "3 x 4", "6 * 4": "x" or "*" between two numbers is *nhân*."""
    i = m.start() - 1
    text = ctx.text
    while i >= 0 and text[i] in _SPACE_CHARS:
        i -= 1
    if i < 0 or not text[i].isdecimal():
        return None
    return _operator(m, ctx)


def _degree(m: re.Match[str], ctx: Context) -> str | None:
    return _words().get(re.sub(_SP, "", m.group(0)))


def _hash(m: re.Match[str], ctx: Context) -> str | None:
    tag = m.group("tag")
    if tag:
        # a hashtag: the tag is said as the web class says an address label
        # ("#tanhiep" → "tân hiệp"), the "#" itself is silent
        return read_label(tag, ctx) or ""
    nxt = ctx.text[m.end() : m.end() + 1]
    return _say("#") if nxt.isdigit() else ""


def _handle(m: re.Match[str], ctx: Context) -> str | None:
    name = read_label(m.group("tag"), ctx)
    return f"{_say('@')} {name}" if name else None


# -- rules ----------------------------------------------------------------------------------

#: "x" or "*" between two numbers ("3 x 4", "3x4", "3x  4": up to two spaces before it,
#: any run after it, as typed); also the gate trigger of its rule, since a lower-case "x"
#: is not a character the scanner's gate stops at.
#: "x" or "*" before a number; the number before it, with any spaces between, is checked
#: by the handler (a look-behind has a fixed width, and "0   x0" must read as "0 x0").
_TIMES = rf"(?P<op>[x*])(?={_SP}*\d)"
#: The characters of ``_SP``, for the handler's walk back over spaces.
_SPACE_CHARS = frozenset(ch for ch in map(chr, range(0x3001)) if re.fullmatch(_SP, ch))

_RULES: list[tuple] = [
    # "./." and "/." at the end of an official letter
    (rf"\.?{_SP}?/\.(?!\S)", _end_mark, False),
    # a bullet at the start of a line: "- Nâng cao …", "+ Tổ chức …", "• …", "-Nâng …"
    (rf"(?:[•●▪◦►✓❖➢→]+{_SP}*|[-–+*](?:{_SP}+|(?=[A-ZĐÀ-Ỹ])))+", _bullet, False),
    # footnote marks: "(*)", "(**)"; "x", "*" between numbers are "nhân"
    (r"\(\*{1,3}\)", _silent, False),
    # "Bản quyền © 2024", "Vinamilk®": marks a presenter does not read
    (r"[©®™]", _silent, False),
    (_TIMES, _times, False, rf"[x*](?={_SP}*\d)"),
    (r"\*+", _silent, False),
    # the dash after a heading number: "II- Nhiệm vụ", "1- Mục tiêu", "a- Nội dung"
    (rf"(?<=[^\W_]){_SP}?[-–](?={_SP})", _heading_dash, False),
    # dashes between words
    (r"[—―]", _em_dash, False),
    (rf"(?<={_SP})[-–](?={_SP})", _spaced_dash, False),
    (r"[-–]", _glued_dash, False),
    # slashes and bars no other class read
    (r"/", _slash, False),
    (r"\|+", _pipe, False),
    # a colon between the numbers of a score or a ratio: "tỷ số 3:1", "tỷ lệ 1:500"
    (r"(?<=\d):(?=\d)", _ratio_colon, False),
    # degree signs left over by the measures class
    (rf"°{_SP}?[CF](?![^\W_])|°", _degree, False),
    # comparisons before a number only; elsewhere "<" ">" are quotes
    (rf"(?P<op>[<>]=?)(?={_SP}?[-−]?\d)", _operator, False),
    # "@tentaikhoan": an account name, said like an address label
    (r"@(?P<tag>[A-Za-z][A-Za-z0-9_]*[A-Za-z0-9])(?![\w@.])", _handle, False),
    # other operators and signs
    (r"(?P<op>[&+=~≈≥≤≠±×÷%‰§№@])", _operator, False),
    (r"#(?P<tag>[A-Za-z][A-Za-z0-9]*(?![^\W_]))?", _hash, False),
]


def rules() -> list[Rule]:
    """Symbols, in the order tried at one place."""
    out = []
    for pattern, handler, bounded, *trigger in _RULES:
        out.append(Rule("symbols", pattern, handler, bounded, trigger=(trigger or [None])[0]))
    return out
