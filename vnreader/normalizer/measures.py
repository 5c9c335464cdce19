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
(:func:`tail_pattern`, :func:`read_tail`) is shared with the money and ranges classes.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from vnreader.normalizer.cardinal import NUMBER
from vnreader.normalizer.data import read_map, read_tsv
from vnreader.normalizer.engine import Context, Rule
from vnreader.normalizer.syllables import is_syllable

#: A space as writers type it between a number and its unit (one, maybe no-break).
SP = r"[ \u00a0\u202f]"
#: The minus sign of a negative quantity ("-5°C"); "–" is a dash, never a sign.
SIGN = r"(?:[-\u2212]|\u2212[ \t])(?=\d)"
_LETTER_AFTER = r"(?![^\W_])"
#: A lowercase Vietnamese word (the "per" word after a price may be any: "đồng/bộ").
_LOWER = "a-zàáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ"
ANY_WORD = rf"[{_LOWER}]+(?![^\W_])"


@dataclass(frozen=True)
class Unit:
    """One written unit: its spoken name, whether it must touch the number, its "per"."""

    written: str
    spoken: str
    attached: bool
    per: str
    money: bool = False
    percent: bool = False
    temperature: bool = False


@dataclass(frozen=True)
class Grammar:
    """The compiled unit grammar: lookup tables and regex sources."""

    units: dict[str, Unit]
    units_folded: dict[str, Unit]
    words: frozenset[str]
    per_words: dict[str, str]
    scales: dict[str, str]
    unit_re: str
    currency_re: str
    word_re: str
    per_word_re: str
    scale_re: str
    head: re.Pattern[str]
    per: re.Pattern[str]


def alternation(entries: list[tuple[str, bool]]) -> str:
    """Regex alternation of written forms, longest first, whole tokens only."""
    parts = []
    # Ties in length are put in a fixed order (the words may come from a set): two forms of
    # one length that both match at a place match the same text, so the order among them
    # changes no result, but a fixed one gives the same expression in every process
    # (which the compiled-expression cache relies on).
    for written, fold in sorted(entries, key=lambda e: (-len(e[0]), e[0], e[1])):
        body = re.escape(written).replace(r"\ ", SP)
        if fold:
            body = f"(?i:{body})"
        if written[-1].isalnum():
            body += _LETTER_AFTER
        parts.append(body)
    return "(?:" + "|".join(parts) + ")"


@functools.cache
def grammar() -> Grammar:
    """Load the unit, currency and word tables once and build their regexes."""
    units: dict[str, Unit] = {}
    folded: dict[str, Unit] = {}
    unit_entries: list[tuple[str, bool]] = []
    for row in read_tsv("units.tsv", 4):
        written, spoken, flags, per = row[:4]
        unit = Unit(
            written,
            spoken,
            "a" in flags,
            per,
            percent=written in ("%", "‰"),
            temperature="t" in flags,
        )
        units[written] = unit
        if "i" in flags:
            folded.setdefault(written.lower(), unit)
        unit_entries.append((written, "i" in flags))
    currency_entries: list[tuple[str, bool]] = []
    for row in read_tsv("currency_names.tsv", 3):
        written, spoken, flags = row[:3]
        if "s" not in flags:
            continue
        unit = Unit(written, spoken, False, "một", money=True)
        units.setdefault(written, unit)
        if "i" in flags:
            folded.setdefault(written.lower(), unit)
        currency_entries.append((written, "i" in flags))
    words = frozenset(row[0] for row in read_tsv("measure_words.tsv", 1))
    per_words = read_map("measure_per.tsv")
    scales = read_map("measure_scales.tsv")
    unit_re = alternation(unit_entries)
    currency_re = alternation(currency_entries)
    word_re = alternation([(w, False) for w in words])
    per_word_re = alternation([(w, False) for w in per_words])
    scale_re = alternation([(s, False) for s in scales])
    slash = rf"{SP}?/{SP}?"
    head_re = re.compile(
        rf"(?P<cur>{currency_re})|(?P<unit>{unit_re})|(?P<word>{word_re})(?={slash})"
    )
    per_re = re.compile(
        rf"{slash}(?:(?P<unit>{currency_re}|{unit_re})|(?P<word>{per_word_re})"
        rf"|(?P<any>{ANY_WORD}))"
    )
    return Grammar(
        units, folded, words, per_words, scales, unit_re, currency_re, word_re, per_word_re,
        scale_re, head_re, per_re,
    )  # fmt: skip


def tail_pattern() -> str:
    """Regex source for what may follow a number: a unit or currency, then "per" parts.

    A measure word ("tấn", "tiêu chí") counts only when a "per" part follows it: alone it
    is ordinary text and needs no reading.
    """
    g = grammar()
    return (
        rf"(?:{g.currency_re}{per_pattern(True)}*|{g.unit_re}{per_pattern(False)}*"
        rf"|{g.word_re}{per_pattern(False)}+)"
    )


def per_pattern(rate: bool) -> str:
    """Regex source for one "per" part ("/ha", "/ngày đêm"); after a price (``rate``) any
    lowercase word may follow the slash ("đồng/bộ"), elsewhere only units and the words of
    ``data/measure_per.tsv``."""
    g = grammar()
    # After a price: any word, or another currency (an exchange rate: "đồng/USD").
    extra = f"|{g.currency_re}|{ANY_WORD}" if rate else ""
    return rf"(?:{SP}?/{SP}?(?:{g.unit_re}|{g.per_word_re}{extra}))"


def quantity_pattern(tail_required: bool) -> str:
    """Regex source for a (signed) number, an optional scale word and its unit tail.

    Groups: ``sign``, ``num``, ``scale``, ``sp`` (the space before the tail), ``tail``.
    """
    g = grammar()
    tail = rf"(?P<sp>{SP}?)(?P<tail>{tail_pattern()})"
    if not tail_required:
        tail = f"(?:{tail})?"
    # The scale may be glued to the number: "850tr đồng", "2tr đồng/hộ" ("tr" = triệu).
    return rf"(?P<sign>{SIGN})?(?P<num>{NUMBER})(?:{SP}?(?P<scale>{g.scale_re}))?{tail}"


def lookup_unit(written: str) -> Unit | None:
    """The unit or currency written ``written`` (case-folded where the table allows)."""
    g = grammar()
    written = re.sub(SP, " ", written)
    return g.units.get(written) or g.units_folded.get(written.lower())


def _say(unit: Unit, ctx: Context) -> str:
    return unit.spoken.replace("{thousand}", ctx.num.thousand)


def read_tail(tail: str, ctx: Context, *, spaced: bool = False) -> tuple[str, bool] | None:
    """Spoken form of a unit tail ("tấn/ha", "đồng/người/tháng", "°C") and whether it is
    money; ``None`` when it cannot be read (an attached-only unit written spaced …)."""
    g = grammar()
    m = g.head.match(tail)
    if m is None:
        return None
    money = percent = False
    if m.group("word") is not None:
        head_spoken = m.group("word")
    else:
        unit = lookup_unit(m.group(0))
        if unit is None or (unit.attached and spaced):
            return None
        head_spoken = _say(unit, ctx)
        money, percent = unit.money, unit.percent
    pers = read_pers(tail[m.end() :], ctx, rate=money or percent)
    if pers is None:
        return None
    return " ".join([head_spoken, *pers]), money


def read_pers(text: str, ctx: Context, *, rate: bool) -> list[str] | None:
    """Spoken "per" parts of ``text`` ("/người/tháng" → ["một người", "một tháng"]).

    ``rate``: what stands before is a price or a percentage, so every slash reads *một*
    ("đồng một ki lô gam", "phần trăm một năm").
    """
    g = grammar()
    parts: list[str] = []
    pos = 0
    while pos < len(text):
        pm = g.per.match(text, pos)
        if pm is None:
            return None
        if pm.group("unit") is not None:
            unit = lookup_unit(pm.group("unit"))
            if unit is None:
                return None
            parts.append(f"{'một' if rate else unit.per} {_say(unit, ctx)}")
        elif pm.group("word") is not None:
            word = re.sub(SP, " ", pm.group("word"))
            parts.append(f"{g.per_words.get(word, 'một')} {word}")
        else:
            word = pm.group("any")
            if not rate or not is_syllable(word):
                return None
            parts.append(f"một {word}")
        pos = pm.end()
    return parts


def read_scale(scale: str | None) -> str:
    """The spoken scale word ("tỉ" → "tỷ"), or ""."""
    if not scale:
        return ""
    return grammar().scales.get(re.sub(SP, " ", scale), scale)


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
    if before[-1:] == ".":
        return True
    if before[-1:] == "/":
        # "15/2020" continues a code; after a unit the slash joins two quantities
        # ("18.500 ha/18.000 ha": done out of planned), each read with its unit.
        return not re.search(rf"[^\W\d_]{SP}?/$", before)
    return bool(re.search(rf"\d{SP}?[-–—]$", before))


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
    return " ".join([_say(unit, ctx), *pers]) if pers else None


#: Words after which a unit symbol is said without a number: "mỗi ha lúa", "từng m3 nước",
#: "bao nhiêu m2".
_UNIT_QUANTIFIERS = ("mỗi", "từng", "nhiêu", "mấy")
_QUANTIFIER_TRIGGER = "|".join(
    f"(?<={w} )" for q in _UNIT_QUANTIFIERS for w in dict.fromkeys((q, q.capitalize()))
)


def _quantified_unit(m: re.Match[str], ctx: Context) -> str | None:
    if ctx.word_before(m.start()).lower() not in _UNIT_QUANTIFIERS:
        return None
    unit = lookup_unit(m.group("unit"))
    if unit is None or unit.attached or unit.money or unit.percent:
        return None
    spoken = _say(unit, ctx)
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
    return f"{ctx.num.read_number(m.group('num'))} {unit.per} {_say(unit, ctx)}"


def rules() -> list[Rule]:
    """Quantities with units, fractions and counts, and a stray "per" slash."""
    integer = r"\d{1,3}(?:\.\d{3})+|\d+"
    fraction = (
        # The unit may be glued to the total ("7.890/12.300ha"): the letter check comes
        # after the optional unit, so a glued unit is read and any other letter refuses.
        rf"(?P<frac>(?P<a>{integer})/(?P<b>{integer}))(?![\d,]|\.\d)"
        rf"(?:(?P<sp>{SP}?)(?P<tail>{tail_pattern()}))?{_LETTER_AFTER}"
    )
    per = per_pattern(rate=False)
    qty = quantity_pattern(tail_required=False)
    times = rf"{SP}?[x×X]{SP}?(?=\d)"
    dimensions = (
        rf"{_prefixed(qty, 'a_')}{times}{_prefixed(qty, 'b_')}(?:{times}{_prefixed(qty, 'c_')})?"
    )
    return [
        Rule("measures", _ANGLE, _angle),
        Rule("measures", _GRADE, _grade),
        Rule("measures", dimensions, _dimensions),
        Rule("measures", quantity_pattern(tail_required=True), _quantity),
        Rule("measures", fraction, _fraction),
        Rule(
            "measures",
            rf"(?P<num>{NUMBER})/(?P<unit>{grammar().unit_re}){_LETTER_AFTER}",
            _count_per_unit,
        ),
        Rule("measures", rf"{SIGN}(?P<num>{NUMBER})", _signed),
        Rule("measures", per, _dangling_per, bounded=False),
        Rule(
            "measures",
            rf"(?P<head>{grammar().currency_re}|{grammar().unit_re}|{'|'.join(_MASS_WORDS)})"
            rf"(?P<pers>(?:{per_pattern(rate=True)})+){_LETTER_AFTER}",
            _unit_per,
        ),
        Rule(
            "measures",
            rf"(?P<unit>{grammar().unit_re}){_LETTER_AFTER}",
            _quantified_unit,
            # A space before is checked first: the gate tries this at every character.
            trigger=rf"(?<= )(?:{_QUANTIFIER_TRIGGER})(?:{grammar().unit_re}){_LETTER_AFTER}",
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
