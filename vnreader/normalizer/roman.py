"""Roman numerals: "Đại hội XIII", "lần thứ IV", "thế kỷ XXI", "Chương II", "I. MỞ ĐẦU".

Reading rules (how Vietnamese news presenters say them):

* A Roman numeral is a number, read as a cardinal: "khóa XIII" is *khóa mười ba*,
  "quý IV" *quý bốn*, "thế kỷ XXI" *thế kỷ hai mươi mốt*.
* After *thứ* it is an ordinal, like an Arabic number there: "lần thứ IV" is *lần thứ tư*,
  "thứ I" *thứ nhất* (NumberReader.read_ordinal).
* After a monarch's or a pope's name it is a regnal number, said with *thứ*: "Vua Louis
  XIV" is *Vua Louis thứ mười bốn*, "Nữ hoàng Elizabeth II" *Nữ hoàng Elizabeth thứ hai*.
* A numeral that opens a line and is followed by ".", "-", ")" or ":" and a capital is a
  heading number: "I. ĐÁNH GIÁ" is *một. ĐÁNH GIÁ*.

When is "XII" a numeral and not a word? Three tests, cheapest first:

1. The letters must form a canonical numeral (IV, not IIII; no VV, IC, IL …), so most
   all-caps words made of I/V/X/L/C/D/M ("CIVIL", "DVD", "DIV") are never numerals.
2. After a trigger phrase from ``data/roman_triggers.tsv`` (khóa, đại hội, lần thứ, quý,
   chương, hạng …) any canonical numeral up to 3999 is read.
3. Without a trigger only numerals of two or more letters written with I, V and X alone,
   worth at most 39, are read (II, IV, XIII, XXI, but not "XXX", which marks an unknown
   value). A single I, V or X (the English "I", volts, "X-quang") and any numeral with L,
   C, D or M ("MC", "CV", "DI", "MIX", "LIV", "XL" the size) need a trigger. A single L, C,
   D or M is never read: "hạng C" is a driving-licence class and "°C" is Celsius.
"""

from __future__ import annotations

import functools
import re

from vnreader.normalizer.data import read_map, read_tsv
from vnreader.normalizer.engine import Context, Rule
from vnreader.normalizer.patterns import literal_alternation
from vnreader.normalizer.syllables import unreadable_tokens

#: A run of Roman letters standing alone: not glued to a letter or digit on either side,
#: and not the first part of a hyphenated word ("X-quang").
_PATTERN = r"(?P<num>[IVXLCDM]+)(?![^\W_])(?!-[^\W\d_])(?!-?\d)"

#: Canonical numerals from 1 to 3999.
_CANONICAL = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
#: Heading numerals: at the start of a line, followed by ". ", "- ", ") " or ": ".
_HEADING_AFTER = re.compile(r"[ \t]?[.)\-–:][ \t]*(?P<next>\S)")
#: Name words of a monarch, between the regnal trigger and the numeral.
_NAME_WORD = r"[^\W\d_][^\W_]*(?:-[^\W\d_][^\W_]*)?"


@functools.cache
def _values() -> dict[str, int]:
    return {k: int(v) for k, v in read_map("roman_numerals.tsv").items()}


@functools.cache
def _triggers() -> dict[tuple[str, ...], str]:
    """Trigger phrases as word tuples → reading kind."""
    return {tuple(row[0].split()): row[1] for row in read_tsv("roman_triggers.tsv")}


@functools.cache
def _regnal_re() -> re.Pattern[str]:
    words = sorted(
        (" ".join(k) for k, v in _triggers().items() if v == "regnal"), key=len, reverse=True
    )
    alternation = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    # trigger, then one to three name words (checked for capitals), then the numeral
    return re.compile(rf"(?:^|[^\w])(?i:{alternation})\s+(?P<name>(?:{_NAME_WORD}\s+){{1,3}})$")


@functools.cache
def _spoken_signs() -> dict[str, str]:
    """Signs the symbols class says as words ("§" → "mục"), single characters only."""
    return {row[0]: row[1] for row in read_tsv("symbol_words.tsv") if len(row[0]) == 1}


def roman_value(numeral: str) -> int | None:
    """The value of a canonical Roman numeral ("XIV" → 14), else None ("IIII", "IC")."""
    if not numeral or not _CANONICAL.fullmatch(numeral):
        return None
    values = _values()
    total = 0
    for i, ch in enumerate(numeral):
        v = values[ch]
        if i + 1 < len(numeral) and values[numeral[i + 1]] > v:
            total -= v
        else:
            total += v
    return total or None


def _trigger_kind(ctx: Context, pos: int) -> str | None:
    """The reading kind of the trigger phrase that ends right before ``pos``, if any."""
    before = ctx.before(pos, 60)
    # The trigger must be in the same clause: only spaces, "(" or "-" may separate it
    # from the numeral ("(khóa XVI)" keeps its trigger inside the brackets).
    if not re.search(r"(?:[^\W\d_]|§)[\s(]*$", before):
        return None
    words = ctx.words_before(pos, 3)
    triggers = _triggers()
    sign = before.rstrip()[-1:]
    if sign in _spoken_signs():
        # "§ II": the sign is said as a word ("mục") that is itself a trigger; reading the
        # output again must give the same result
        kind = triggers.get(tuple(_spoken_signs()[sign].split()))
        if kind and kind != "regnal":
            return kind
    for n in (3, 2, 1):
        if len(words) >= n:
            kind = triggers.get(tuple(words[-n:]))
            if kind and kind != "regnal":
                return kind
    rm = _regnal_re().search(before)
    if rm and all(w[0].isupper() for w in rm.group("name").split()):
        return "regnal"
    return None


def _is_heading(ctx: Context, m: re.Match[str]) -> bool:
    start = m.start()
    line_start = ctx.text.rfind("\n", 0, start) + 1
    if ctx.text[line_start:start].strip():
        return False
    after = _HEADING_AFTER.match(ctx.text, m.end())
    return after is not None and (after.group("next").isupper() or after.group("next").isdigit())


def _roman(m: re.Match[str], ctx: Context) -> str | None:
    if re.match(r"\.[^\W\d_]", ctx.text[m.end() : m.end() + 2]):
        return None  # "V.League", "I.Ngân": a name or a heading glued to its dot, no numeral
    numeral = m.group("num")
    value = roman_value(numeral)
    if value is None:
        return None
    kind = _trigger_kind(ctx, m.start())
    if kind is None:
        if _is_heading(ctx, m):
            kind = "cardinal"
        elif (
            len(numeral) >= 2
            and set(numeral) <= set("IVX")
            and value <= 39
            and numeral != "XXX"
            and not _in_caps_run(ctx, m)
        ):
            kind = "cardinal"
        else:
            return None
    elif len(numeral) == 1 and numeral not in "IVX":
        # "hạng C" (licence class), "loại D": a lone L, C, D or M is a letter.
        return None
    if kind == "ordinal":
        return ctx.num.read_ordinal(value)
    if kind == "regnal":
        return f"thứ {ctx.num.read_ordinal(value)}"
    return ctx.num.read_int(value)


def _in_caps_run(ctx: Context, m: re.Match[str]) -> bool:
    """True when the numeral sits inside a run of Latin all-caps codes ("CD VCD XV DVD"),
    where an untriggered numeral-looking word is more likely a code than a number."""
    prev = ctx.before(m.start(), 12).split()
    nxt = ctx.after(m.end(), 12).split()
    neighbours = [w for w in (prev[-1:] + nxt[:1]) if w.isalpha()]
    return any(
        w.isascii() and w.isupper() and len(w) > 1 and not _values_only(w) for w in neighbours
    )


def _values_only(word: str) -> bool:
    return set(word) <= set(_values())


# -- lower case after a structure word ---------------------------------------------------------
#: Structure words after which a numeral in lower case is read ("phụ lục iv", "khoản ii",
#: "thế kỷ xxi"): a lower-case run of Roman letters anywhere else is a word ("vi phạm",
#: "di dời", "xi măng"), so only these open it.
_STRUCTURE = (
    "phụ lục", "khoản", "chương", "mục", "phần", "thế kỷ", "thế kỉ", "tiết", "bài", "tập",
    "quyển", "số", "điều", "quý", "khóa", "học kỳ", "học kì", "kỳ", "đại hội", "lần thứ",
)  # fmt: skip
_LOWER = (
    r"(?P<word>" + literal_alternation(_STRUCTURE, fold=True, space=r"\s+") + ")"
    r"(?P<gap>\s+)(?P<num>[ivxlcdm]+)(?![^\W_])(?!-[^\W\d_])"
)


def _lower(m: re.Match[str], ctx: Context) -> str | None:
    if re.match(r"\.[^\W\d_]", ctx.text[m.end() : m.end() + 2]):
        return None
    numeral = m.group("num")
    value = roman_value(numeral.upper())
    if value is None or (len(numeral) == 1 and numeral not in "ivx"):
        return None
    nxt = re.match(r"\s+([^\W\d_])", ctx.text[m.end() : m.end() + 3])
    if nxt and nxt.group(1).islower() and not unreadable_tokens(numeral):
        return None  # "phần vi phạm", "số xi măng": the letters are a word here
    word = " ".join(m.group("word").split())
    if word.lower() == "lần thứ":
        return f"{word} {ctx.num.read_ordinal(value)}"
    return f"{word} {ctx.num.read_int(value)}"


def rules() -> list[Rule]:
    """Roman numerals; runs after measures ("220 V") and before abbreviations ("MC")."""
    return [
        Rule("roman", _PATTERN, _roman),
        # the gate finds the space before a lower-case numeral and tries the rules from
        # the word before it (the structure word)
        Rule(
            "roman",
            _LOWER,
            _lower,
            trigger=r" [ivxlcdm]+(?![^\W_])|(?:phụ lục|thế k[ỷỉ]|lần thứ|học k[ỳì]|đại hội) [ivx]",
        ),
    ]
