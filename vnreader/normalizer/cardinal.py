"""Cardinal and ordinal numbers in running text: the rules that find them.

How digits are read aloud (the Vietnamese reading rules) is :mod:`vnreader.normalizer.numbers`.
"""

from __future__ import annotations

import re
import unicodedata
from fractions import Fraction

from vnreader.normalizer.engine import Context, Rule
from vnreader.normalizer.numbers import DIALECTS, NumberReader

__all__ = ["DIALECTS", "NUMBER", "NumberReader", "rules"]


#: Numbers as written in running text: "1.234.567", "1.234,5", "65,5", "1,234,567", "2.5", "42".
#: The forms with a "." or "," are only tried where the digits are followed by one and a
#: digit (the look-ahead, possessive so it does not back off digit by digit): most numbers
#: are plain integers, told in one step (the same matches as trying every form in turn).
NUMBER = (
    r"(?=\d++[.,]\d)(?:"
    r"\d{1,3}(?:\.\d{3})+(?:,\d+)?(?![.,]?\d)"
    r"|\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?(?![.,]?\d)"
    r"|\d+,\d+(?![.,]?\d)"
    r"|\d+\.\d{1,2}(?![.,]?\d)"
    r")|\d++(?![.,]?\d)"
)


# -- rules ------------------------------------------------------------------------------
def _number(m: re.Match[str], ctx: Context) -> str | None:
    written = m.group(0)
    start = m.start()
    near = ctx.text[max(0, start - 20) : start]  # word_before's window: "thứ" in it?
    if ("ứ" in near or "Ứ" in near) and ctx.word_before(start) == "thứ" and written.isdigit():
        # "lần thứ 4" → "lần thứ tư", "thứ 1" → "thứ nhất"
        return ctx.num.read_ordinal(written)
    if len(written) > 1 and written.startswith("0") and written.isdigit() and len(written) > 3:
        # A long string with a leading zero is a code, not a quantity: read each digit.
        return ctx.num.read_digits(written)
    return ctx.num.read_number(written)


def _dotted(m: re.Match[str], ctx: Context) -> str | None:
    parts = m.group(0).split(".")
    return f" {ctx.num.decimal_dot} ".join(ctx.num.read_int(p) for p in parts)


def _any_digits(m: re.Match[str], ctx: Context) -> str | None:
    """Digits no other rule read, glued to a letter ("F0", "v1.2") or left over."""
    digits = m.group(0)
    if "." in digits:
        return _dotted(m, ctx)
    if len(digits) > 4 and digits[0] == "0":
        return ctx.num.read_digits(digits)  # a code, not a quantity
    return ctx.num.read_int(digits)


def _numeric_char(m: re.Match[str], ctx: Context) -> str | None:
    """Other numeric characters: superscripts (x² → *mũ hai*), ½, ①, Ⅻ …"""
    ch = m.group(0)
    if not ch.isnumeric():
        return None
    try:
        value = unicodedata.numeric(ch)
    except (TypeError, ValueError):
        return None
    name = unicodedata.name(ch, "")
    if "SUPERSCRIPT" in name:
        return f"{ctx.num.power} {ctx.num.read_int(int(value))}"
    if value != int(value):
        frac = Fraction(value).limit_denominator(1000)
        num, den = ctx.num.read_int(frac.numerator), ctx.num.read_int(frac.denominator)
        return f"{num} {ctx.num.fraction} {den}"
    if value < 0 or value > 10**18:
        return None
    return ctx.num.read_int(int(value))


def rules() -> list[Rule]:
    """Bare numbers; the other classes take numbers that have a unit, a date form …"""
    return [
        Rule("cardinal", NUMBER, _number),
        # Dotted sequences that are not thousands: section and version numbers
        # ("mục 1.2.3" → *một chấm hai chấm ba*).
        Rule("cardinal", r"[0-9]+(?:\.[0-9]+){2,}", _dotted),
        # Digits glued to a preceding letter ("F0", "H5N1", "QL80" when no other class
        # took the token): read the digits as a number, the letters are read on their own.
        Rule("cardinal", r"(?<=[^\W\d_])[0-9]+(?:\.[0-9]+)*", _any_digits, bounded=False),
        # Last resort, so that no digit ever reaches a speech engine: any digits left.
        Rule("cardinal", r"[0-9]+", _any_digits, bounded=False),
        # Anything outside the Latin/Vietnamese letters and general punctuation that may be
        # a number; the handler declines non-numeric characters.
        Rule(
            "cardinal",
            r"[\xb2\xb3\xb9\xbc-\xbe]|[^\x00-\u024f\u1e00-\u1eff\u2000-\u206f\s]",
            _numeric_char,
            bounded=False,
        ),
    ]
