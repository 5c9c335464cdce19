"""The unit grammar shared by the measures, money and ranges classes: the unit table
(``data/units.tsv``), the written forms of a unit tail after a number ("tấn/ha",
"đồng/người/tháng", "°C"), and how such a tail is said.

A tail's reading depends on nothing but the tail and the dialect's word for a thousand,
so it is kept once worked out (:func:`read_tail`, :func:`read_pers`): a text has few
distinct tails, and the money class asks first what the measures class reads next.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from vnreader.normalizer.cardinal import NUMBER
from vnreader.normalizer.data import read_map, read_tsv
from vnreader.normalizer.engine import Context
from vnreader.normalizer.patterns import grouped_alternation, starting_chars
from vnreader.normalizer.syllables import is_syllable

#: A space as writers type it between a number and its unit (one, maybe no-break).
SP = r"[ \u00a0\u202f]"
#: The minus sign of a negative quantity ("-5°C"); "–" is a dash, never a sign.
SIGN = r"(?:[-\u2212]|\u2212[ \t])(?=\d)"
LETTER_AFTER = r"(?![^\W_])"
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


def alternation(entries: list[tuple[str, bool]], *, grouped: bool = True) -> str:
    """Regex alternation of written forms, longest first, whole tokens only (``grouped``:
    by first character, the same matches found faster; see ``grouped_alternation``)."""
    parts = []
    # Ties in length are put in a fixed order (the words may come from a set): two forms of
    # one length that both match at a place match the same text, so the order among them
    # changes no result, but a fixed one gives the same expression in every process
    # (which the compiled-expression cache relies on).
    for written, fold in sorted(entries, key=lambda e: (-len(e[0]), e[0], e[1])):
        body = re.escape(written).replace(r"\ ", SP)
        first, rest = written[0], re.escape(written[1:]).replace(r"\ ", SP)
        behind = f"(?<={re.escape(first)})"
        if fold:
            body = f"(?i:{body})"
            behind = f"(?i:{behind})"
            rest = f"(?i:{rest})" if rest else ""
        if written[-1].isalnum():
            body += LETTER_AFTER
            rest += LETTER_AFTER
        starts = None if first.isspace() else starting_chars(first, fold)
        parts.append((starts, body, behind + rest))
    if not grouped:
        return "(?:" + "|".join(body for _, body, _ in parts) + ")"
    # Grouped by first character: hundreds of units are one test per group, not per unit.
    return "(?:" + grouped_alternation(parts) + ")"


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


def quantity_pattern(tail_required: bool, *, currency_first: bool = False) -> str:
    """Regex source for a (signed) number, an optional scale word and its unit tail.

    Groups: ``sign``, ``num``, ``scale``, ``sp`` (the space before the tail), ``tail``.
    ``currency_first``: only where the tail starts with a currency (the money class reads
    no other tail, and a look-ahead tells it before a handler is asked).
    """
    g = grammar()
    ahead = f"(?={g.currency_re})" if currency_first else ""
    tail = rf"(?P<sp>{SP}?)(?P<tail>{ahead}{tail_pattern()})"
    if not tail_required:
        tail = f"(?:{tail})?"
    # The scale may be glued to the number: "850tr đồng", "2tr đồng/hộ" ("tr" = triệu).
    return rf"(?P<sign>{SIGN})?(?P<num>{NUMBER})(?:{SP}?(?P<scale>{g.scale_re}))?{tail}"


def lookup_unit(written: str) -> Unit | None:
    """The unit or currency written ``written`` (case-folded where the table allows)."""
    g = grammar()
    written = re.sub(SP, " ", written)
    return g.units.get(written) or g.units_folded.get(written.lower())


def say_unit(unit: Unit, ctx: Context) -> str:
    return unit.spoken.replace("{thousand}", ctx.num.thousand)


def read_tail(tail: str, ctx: Context, *, spaced: bool = False) -> tuple[str, bool] | None:
    """Spoken form of a unit tail ("tấn/ha", "đồng/người/tháng", "°C") and whether it is
    money; ``None`` when it cannot be read (an attached-only unit written spaced …)."""
    return _read_tail(tail, spaced, ctx.num.thousand)


@functools.lru_cache(maxsize=4096)
def _read_tail(tail: str, spaced: bool, thousand: str) -> tuple[str, bool] | None:
    """:func:`read_tail`, kept: a text has few distinct unit tails, and money asks first
    what measures reads next ("2.500 tấn/ha" is tried as an amount, then as a quantity).
    ``thousand`` is the dialect's word for 1,000, the only thing of the context a tail's
    reading needs."""
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
        head_spoken = unit.spoken.replace("{thousand}", thousand)
        money, percent = unit.money, unit.percent
    pers = _read_pers(tail[m.end() :], money or percent, thousand)
    if pers is None:
        return None
    return " ".join([head_spoken, *pers]), money


def read_pers(text: str, ctx: Context, *, rate: bool) -> list[str] | None:
    """Spoken "per" parts of ``text`` ("/người/tháng" → ["một người", "một tháng"]).

    ``rate``: what stands before is a price or a percentage, so every slash reads *một*
    ("đồng một ki lô gam", "phần trăm một năm").
    """
    parts = _read_pers(text, rate, ctx.num.thousand)
    return None if parts is None else list(parts)


@functools.lru_cache(maxsize=4096)
def _read_pers(text: str, rate: bool, thousand: str) -> tuple[str, ...] | None:
    """:func:`read_pers`, kept (see :func:`_read_tail`)."""
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
            spoken = unit.spoken.replace("{thousand}", thousand)
            parts.append(f"{'một' if rate else unit.per} {spoken}")
        elif pm.group("word") is not None:
            word = re.sub(SP, " ", pm.group("word"))
            parts.append(f"{g.per_words.get(word, 'một')} {word}")
        else:
            word = pm.group("any")
            if not rate or not is_syllable(word):
                return None
            parts.append(f"một {word}")
        pos = pm.end()
    return tuple(parts)


def read_scale(scale: str | None) -> str:
    """The spoken scale word ("tỉ" → "tỷ"), or ""."""
    if not scale:
        return ""
    return grammar().scales.get(re.sub(SP, " ", scale), scale)
