"""Measures: a number with its unit, percentages, "per" phrases and fractions.

Reading rules (what a news presenter says; details and examples in
docs/normalizer/measures.md):

* A unit is read only right after a number ("15ha", "15 ha", "2,5km"): a bare "m" or
  "g" in running text is a letter, not a unit. Short units that are also common letters
  ("l", "V", "W") must be attached to the number ("220V"); no unit may run on into letters
  ("5 mới" is not "5 m").
* Unit names come from ``data/units.tsv`` (ha → *héc ta*, km² → *ki lô mét vuông*,
  °C → *độ xê*, % → *phần trăm*, ‰ → *phần nghìn* / *phần ngàn*).
* A slash after a unit, a currency or a measure word means "per". A price, or a
  percentage, per something reads *một* ("25.000 đồng/kg" → *… đồng một ki lô gam*,
  "7%/năm" → *… phần trăm một năm*); an SI unit or area after the slash reads *trên*
  ("6,5 tấn/ha" → *… tấn trên héc ta*); a Vietnamese word after it reads *một*
  ("3 người/hộ" → *ba người một hộ*).
* A minus sign before a number with a unit is *âm* ("-5°C" → *âm năm độ xê*), but not at
  the start of a line, where "-" is a list bullet.
* "a/b" that reached this class (dates, codes and addresses were offered it first) is a
  fraction, *a phần b* ("3/4" → *ba phần tư*), or a count out of a total, *a trên b*
  ("19/19 tiêu chí"), decided by the words around it (``data/measure_count_words.tsv``).

Numbers are always read by ``ctx.num``; this module only says the units. The unit grammar
(``units.py``: :func:`tail_pattern`, :func:`read_tail`) is shared with the money and
ranges classes.
"""

from __future__ import annotations

import functools
import re

from vnreader.normalizer.cardinal import NUMBER
from vnreader.normalizer.data import read_tsv
from vnreader.normalizer.engine import Context, Rule
from vnreader.normalizer.patterns import first_chars
from vnreader.normalizer.syllables import is_syllable
from vnreader.normalizer.units import (
    ANY_WORD,
    LETTER_AFTER,
    SIGN,
    SP,
    grammar,
    lookup_unit,
    per_pattern,
    quantity_pattern,
    read_pers,
    read_scale,
    read_tail,
    say_unit,
    tail_pattern,
)


def at_line_start(ctx: Context, pos: int) -> bool:
    """True when only spaces precede ``pos`` on its line (a "-" there is a bullet)."""
    line_start = ctx.text.rfind("\n", 0, pos) + 1
    return not ctx.text[line_start:pos].strip()


#: "2.5", "12.75": a dot followed by one or two digits (three would group thousands).
_DOT_DECIMAL = re.compile(r"\d+\.\d{1,2}")


def read_quantity(m: re.Match[str], ctx: Context, prefix: str = "") -> str | None:
    """Read a match of :func:`quantity_pattern` (groups prefixed with ``prefix``)."""
    sign = m.group(prefix + "sign")
    num = m.group(prefix + "num")
    tail = m.group(prefix + "tail")
    if sign and ctx.text[max(0, m.start(prefix + "sign") - 1) : m.start(prefix + "sign")].isdigit():
        return None  # "3.000-5.000": a dash between two numbers is never a minus
    if sign and at_line_start(ctx, m.start(prefix + "sign")):
        # A "-" opening a line is a bullet, unless a temperature follows: "-5°C …".
        found = grammar().head.match(tail) if tail else None
        unit = lookup_unit(found.group(0)) if found else None
        if unit is None or not unit.temperature:
            return None
    scale = read_scale(m.group(prefix + "scale"))
    if (scale or tail) and _DOT_DECIMAL.fullmatch(num):
        # "2.5 tỷ đồng", "1.5 km": an English decimal point before a scale or a unit
        # (a section number "2.5" never has one), read as the Vietnamese "2,5".
        num = num.replace(".", ",")
    words = [ctx.num.read_number(num)]
    if sign:
        words.insert(0, ctx.num.minus)
    if scale:
        words.append(scale)
    if tail:
        spaced = bool(m.group(prefix + "sp")) or bool(scale)
        said = read_tail(tail, ctx, spaced=spaced)
        if said is None:
            return None
        words.append(said[0])
    return " ".join(words)


# -- rules --------------------------------------------------------------------------------
def _after_code_mark(ctx: Context, pos: int) -> bool:
    """True when the number at ``pos`` continues a date or a code: right after "/" or
    ".", or after a dash that follows a digit ("15/2020", "1.2.3", "09-12"). A dash after
    a space is a bullet or a minus, not a code mark."""
    before = ctx.text[max(0, pos - 3) : pos]
    last = before[-1:]
    if last == ".":
        return True
    if last == "/":
        # "15/2020" continues a code; after a unit the slash joins two quantities
        # ("18.500 ha/18.000 ha": done out of planned), each read with its unit.
        return _SLASH_AFTER_LETTER.search(before) is None
    return last in "-–—" and last != "" and _DASH_AFTER_DIGIT.search(before) is not None


_SLASH_AFTER_LETTER = re.compile(rf"[^\W\d_]{SP}?/$")
_DASH_AFTER_DIGIT = re.compile(rf"\d{SP}?[-–—]$")


def _quantity(m: re.Match[str], ctx: Context) -> str | None:
    if _after_code_mark(ctx, m.start()):
        return None
    return read_quantity(m, ctx)


@functools.cache
def _sign_words() -> frozenset[str]:
    return frozenset(row[0] for row in read_tsv("measure_sign_words.tsv", 1))


def _signed(m: re.Match[str], ctx: Context) -> str | None:
    """A minus number without a unit, where the words before say it is a value: "nhiệt độ
    từ -2 đến 3°C" → "từ âm hai đến ba độ xê". Elsewhere "-2" may be a bullet or a dash."""
    if at_line_start(ctx, m.start()):
        return None
    sign = ctx.text[m.start() : m.start() + 1]
    before = ctx.word_before(m.start())
    if before not in _sign_words() and sign != "\u2212":
        # A minus glued to its number after a word ("lúc đó -3", "chỉ số -12 điểm") is a
        # negative number; after a number ("2 -3 ngày") it is a sloppy range dash, and a
        # dash spaced from its number ("- 3") is punctuation.
        glued = not ctx.text[m.start() + 1 : m.start() + 2].isspace()
        gap = ctx.text[m.start() - 1 : m.start()]
        if not (glued and (gap == "(" or (gap == " " and before and not before.isdigit()))):
            return None
    return f"{ctx.num.minus} {ctx.num.read_number(m.group('num'))}"


@functools.cache
def _count_words() -> tuple[frozenset[str], frozenset[str]]:
    rows = [row[0] for row in read_tsv("measure_count_words.tsv", 1)]
    blockers = frozenset(row[0] for row in read_tsv("measure_fraction_blockers.tsv", 1))
    return frozenset(rows), blockers


def _is_count(ctx: Context, end: int, a: int, b: int) -> bool:
    """Is "a/b" a count out of a total ("19/19 tiêu chí") rather than a fraction?"""
    counts, _ = _count_words()
    after = [w.lower() for w in ctx.words_after(end, 3)]
    for n in (3, 2, 1):
        if " ".join(after[:n]) in counts:
            return True
    if a >= b:
        # "19/19", "5/3": a whole or more is never a fraction in news text.
        return True
    # A denominator beyond ten (and not 100, 1000) is a total: "15/27", "5.775/8.227".
    return b > 10 and b not in (100, 1000)


_DENOMINATOR_FOUR = "4"


def _fraction(m: re.Match[str], ctx: Context) -> str | None:
    if _after_code_mark(ctx, m.start()):
        return None
    _, blockers = _count_words()
    before = ctx.words_before(m.start(), 2)
    if before and (before[-1] in blockers or " ".join(before) in blockers):
        return None
    rest = ctx.text[m.end("frac") : m.end("frac") + 2]
    if re.match(r"[/\-.]\d", rest):
        return None  # "1/2/2020", "3/2-5": a date or code, not ours
    num_a, num_b = m.group("a"), m.group("b")
    try:
        a = int(num_a.replace(".", ""))
        b = int(num_b.replace(".", ""))
    except ValueError:
        return None
    if b == 0 or (num_b.startswith("0") and len(num_b) > 1):
        return None
    if re.fullmatch(r"\d{4,}", num_b):
        # Counts of a thousand or more are written with dots ("5.775/8.227"); four bare
        # digits after a slash are a year or a document number ("Nghị định 15/2020").
        return None
    tail = m.group("tail")
    if _is_count(ctx, m.end("frac"), a, b):
        spoken = f"{ctx.num.read_number(num_a)} trên {ctx.num.read_number(num_b)}"
    else:
        # Fraction: "3/4" is "ba phần tư" — a lone 4 after "phần" is "tư", as in "thứ tư".
        den = ctx.num.ordinal_four if num_b == _DENOMINATOR_FOUR else ctx.num.read_number(num_b)
        spoken = f"{ctx.num.read_number(num_a)} phần {den}"
    if tail:
        said = read_tail(tail, ctx, spaced=bool(m.group("sp")))
        if said is None:
            return None
        spoken += " " + said[0]
    return spoken


@functools.cache
def _before_per() -> re.Pattern[str]:
    """A number, its unit (or measure word) and at most two more words, at the end of the
    text before a slash: "15 kg gạo" + "/tháng", "8 giờ" + "/ngày"."""
    g = grammar()
    head = rf"(?P<head>{g.currency_re}|{g.unit_re}|{g.word_re})"
    words = rf"(?:{SP}{ANY_WORD}){{0,2}}"
    # A scale word alone is an amount of money ("thu nhập 500 triệu/năm"). Any noun counted
    # by the number also takes a "per" ("2 viên/lần", "5 hộp/người"): the rule's own
    # pattern only lets units and the words of measure_per.tsv follow the slash.
    counted = rf"(?:{SP}?{g.scale_re})?{SP}{ANY_WORD}(?:{SP}{ANY_WORD})?"
    return re.compile(
        rf"\d(?:(?:{SP}?{g.scale_re})?{SP}?{head}{words}|{SP}?(?P<scale>{g.scale_re})"
        rf"|{counted}){SP}?$"
    )


def _dangling_per(m: re.Match[str], ctx: Context) -> str | None:
    """A "per" slash whose number was read elsewhere ("8 giờ/ngày" after the times class)
    or that follows the noun of a quantity ("15 kg gạo/tháng" → "… gạo một tháng").

    Read only when a number and a unit or measure word stand shortly before the slash, so
    "xã/phường" ("or") in running text is left alone.
    """
    bm = _before_per().search(ctx.before(m.start(), 60))
    if bm is None:
        return None
    if bm.group("scale"):
        rate = True
    elif bm.group("head") is None:
        rate = False  # a counted noun: "2 viên/lần"
    else:
        unit = lookup_unit(bm.group("head"))
        rate = unit is not None and (unit.money or unit.percent)
    pers = read_pers(m.group(0), ctx, rate=rate)
    return " ".join(pers) if pers else None


#: Measure words that are units in all but spelling ("bao nhiêu tấn/ha").
_MASS_WORDS = ("tấn", "tạ", "yến", "lít", "cân")


def _unit_per(m: re.Match[str], ctx: Context) -> str | None:
    """A unit and its "per" with no number before ("bao nhiêu tấn/ha", "tính theo đồng/kg",
    "triệu đồng/m2"): the unit is said and each slash is its "per" word."""
    before = ctx.text[max(0, m.start() - 2) : m.start()]
    if re.search(r"\d\s?$", before):
        return None  # "80 km/h" is the quantity rule's
    head = m.group("head")
    if head in _MASS_WORDS:
        pers = read_pers(m.group("pers"), ctx, rate=False)
        return " ".join([head, *pers]) if pers else None
    unit = lookup_unit(head)
    if unit is None or unit.attached:
        return None
    pers = read_pers(m.group("pers"), ctx, rate=unit.money or unit.percent)
    return " ".join([say_unit(unit, ctx), *pers]) if pers else None


#: Words after which a unit symbol is said without a number: "mỗi ha lúa", "từng m3 nước",
#: "bao nhiêu m2".
_UNIT_QUANTIFIERS = ("mỗi", "từng", "nhiêu", "mấy")


def _quantified_trigger() -> str:
    """Where a unit after a quantifier can start: a unit's first character with "mỗi ",
    "từng " … just before it (a class first: the gate tries this at every character,
    and a class is one quick test)."""
    words = [w for q in _UNIT_QUANTIFIERS for w in dict.fromkeys((q, q.capitalize()))]
    behind = "|".join(f"(?<={w} .)" for w in words)
    starts = first_chars(grammar().unit_re)
    if starts is None:  # not expected: then at every character after a quantifier
        return "(?<= )(?:" + "|".join(f"(?<={w} )" for w in words) + ")"
    # the quantifiers' last letters first: one quick test before the words
    last = "".join(sorted({w[-1] for w in words}))
    return "[" + "".join(re.escape(ch) for ch in sorted(starts)) + f"](?<=[{last}] .)(?:{behind})"


def _quantified_unit(m: re.Match[str], ctx: Context) -> str | None:
    if ctx.word_before(m.start()).lower() not in _UNIT_QUANTIFIERS:
        return None
    unit = lookup_unit(m.group("unit"))
    if unit is None or unit.attached or unit.money or unit.percent:
        return None
    spoken = say_unit(unit, ctx)
    return spoken if spoken != m.group("unit") else None


#: Degrees, minutes and seconds of a coordinate: "9°15' vĩ độ Bắc", "10°30'20\" N".
_ANGLE = (
    r"(?P<d>\d{1,3})°[ \t]?(?P<m>\d{1,2})[ \t]?['′’]"
    r"(?:[ \t]?(?P<s>\d{1,2}(?:[.,]\d+)?)[ \t]?[\"″”])?"
    r"(?:[ \t]?(?P<h>[NSEW])(?![^\W_]))?"
)
_HEADINGS = {"N": "Bắc", "S": "Nam", "E": "Đông", "W": "Tây"}


def _angle(m: re.Match[str], ctx: Context) -> str | None:
    if int(m.group("m")) >= 60:
        return None
    parts = [
        f"{ctx.num.read_int(int(m.group('d')))} độ",
        f"{ctx.num.read_int(int(m.group('m')))} phút",
    ]
    if m.group("s"):
        parts.append(f"{ctx.num.read_number(m.group('s').replace('.', ','))} giây")
    if m.group("h"):
        parts.append(_HEADINGS[m.group("h")])
    return " ".join(parts)


#: A concrete or mortar grade: "bê tông M250", "vữa M75" → *mác hai trăm năm mươi*.
_GRADE = r"M(?P<n>\d{2,3})(?![^\W_])"
_GRADE_CONTEXT = re.compile(r"(?i)(?:bê tông|vữa|btct|btxm|mác|cấp phối)[^.;\n]{0,40}$")


def _grade(m: re.Match[str], ctx: Context) -> str | None:
    if not _GRADE_CONTEXT.search(ctx.before(m.start(), 60)):
        return None
    return f"mác {ctx.num.read_int(int(m.group('n')))}"


def dimensions_pattern(atomic: bool = True) -> str:
    """Two or three quantities joined by "x". ``atomic``: the first quantity is not
    backed off from (a shorter one is followed by a letter or digit, never by the sign),
    so a number with no "x" after it is turned away in one try."""
    qty = quantity_pattern(tail_required=False)
    times = rf"{SP}?[x×X]{SP}?(?=\d)"
    first = _prefixed(qty, "a_")
    if atomic:
        first = f"(?>{first})"
    return rf"{first}{times}{_prefixed(qty, 'b_')}(?:{times}{_prefixed(qty, 'c_')})?"


def _prefixed(pattern: str, prefix: str) -> str:
    """``pattern`` with every named group renamed ``prefix + name``."""
    return re.sub(r"\(\?P<([A-Za-z_]\w*)>", rf"(?P<{prefix}\1>", pattern)


_TIMES_SIGN = "nhân"


def _dimensions(m: re.Match[str], ctx: Context) -> str | None:
    """ "100m x 50m", "3 x 4 m", "2x3x4m": sizes, each "x" said *nhân*.

    At least one side must have a unit, so "3x4" alone (a score, a code) is left alone.
    """
    if _after_code_mark(ctx, m.start()):
        return None
    if not (m.group("a_tail") or m.group("b_tail") or m.group("c_tail")):
        return None
    parts = [read_quantity(m, ctx, p) for p in ("a_", "b_", "c_") if m.group(p + "num")]
    if any(p is None for p in parts):
        return None
    return f" {_TIMES_SIGN} ".join(p for p in parts if p)


def _count_per_unit(m: re.Match[str], ctx: Context) -> str | None:
    """A count per unit of volume or area with no unit before the slash ("tiểu cầu
    20.000/mm3", "mật độ 500/km2"): the slash is "per", said as the unit's own per word
    (*trên* for SI units), never as a fraction or a code."""
    if _after_code_mark(ctx, m.start()):
        return None
    unit = lookup_unit(m.group("unit"))
    if unit is None or unit.attached or unit.money or unit.percent or unit.temperature:
        return None
    return f"{ctx.num.read_number(m.group('num'))} {unit.per} {say_unit(unit, ctx)}"


def rules() -> list[Rule]:
    """Quantities with units, fractions and counts, and a stray "per" slash."""
    integer = r"\d{1,3}(?:\.\d{3})+|\d+"
    fraction = (
        # The unit may be glued to the total ("7.890/12.300ha"): the letter check comes
        # after the optional unit, so a glued unit is read and any other letter refuses.
        rf"(?P<frac>(?P<a>{integer})/(?P<b>{integer}))(?![\d,]|\.\d)"
        rf"(?:(?P<sp>{SP}?)(?P<tail>{tail_pattern()}))?{LETTER_AFTER}"
    )
    per = per_pattern(rate=False)
    dimensions = dimensions_pattern()
    return [
        Rule("measures", _ANGLE, _angle),
        Rule("measures", _GRADE, _grade),
        Rule("measures", dimensions, _dimensions),
        Rule("measures", quantity_pattern(tail_required=True), _quantity),
        Rule("measures", fraction, _fraction),
        Rule(
            "measures",
            rf"(?P<num>{NUMBER})/(?P<unit>{grammar().unit_re}){LETTER_AFTER}",
            _count_per_unit,
        ),
        Rule("measures", rf"{SIGN}(?P<num>{NUMBER})", _signed),
        Rule("measures", per, _dangling_per, bounded=False),
        Rule(
            "measures",
            rf"(?P<head>{grammar().currency_re}|{grammar().unit_re}|{'|'.join(_MASS_WORDS)})"
            rf"(?P<pers>(?:{per_pattern(rate=True)})+){LETTER_AFTER}",
            _unit_per,
        ),
        Rule(
            "measures",
            rf"(?P<unit>{grammar().unit_re}){LETTER_AFTER}",
            _quantified_unit,
            trigger=_quantified_trigger(),
        ),
    ]


def _check_tables() -> list[str]:
    """Spoken forms that are not Vietnamese syllables (for tests)."""
    bad = []
    for unit in grammar().units.values():
        for token in unit.spoken.replace("{thousand}", "nghìn").split():
            if not is_syllable(token):
                bad.append(f"{unit.written}: {token}")
    return bad
