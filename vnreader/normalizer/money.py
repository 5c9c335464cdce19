"""Money: amounts with a currency sign or code, prices per unit, bare currency codes.

Reading rules (details and examples in docs/normalizer/money.md):

* The number is read by ``ctx.num``; a scale word stays ("1,5 tỷ đồng" → *một phẩy năm
  tỷ đồng*, "10 triệu USD" → *mười triệu đô la Mỹ*).
* Vietnamese đồng is written "đồng", "đ", "VNĐ", "VND", "vnđ": all are said *đồng*
  ("500.000đ" → *năm trăm nghìn đồng*). "đ" is read only after a number.
* Foreign currencies by code or sign (``data/currency_names.tsv``): "USD" and "US$" are
  *đô la Mỹ*, a bare "$" is *đô la* (the writer did not say whose), "EUR"/"€" *ơ rô*. A
  sign may stand before the number ("$100" → *một trăm đô la*).
* A price per unit reads the slash as *một*, as Vietnamese news does: "25.000 đồng/kg" →
  *hai mươi lăm nghìn đồng một ki lô gam*, "5 triệu đồng/người/tháng" → *năm triệu đồng
  một người một tháng*.
* A currency code without a number is still read ("tỷ giá USD", "hàng tỷ USD").
"""

from __future__ import annotations

import functools
import re

from vnreader.normalizer.cardinal import NUMBER
from vnreader.normalizer.data import read_tsv
from vnreader.normalizer.engine import Context, Rule
from vnreader.normalizer.measures import read_quantity
from vnreader.normalizer.units import (
    SP,
    alternation,
    grammar,
    per_pattern,
    quantity_pattern,
    read_pers,
    read_scale,
    read_tail,
)


@functools.cache
def _currencies() -> tuple[
    dict[str, str], dict[str, str], list[tuple[str, bool]], list[tuple[str, bool]]
]:
    """(spoken by written, spoken by folded written, prefix signs, bare codes)."""
    spoken: dict[str, str] = {}
    folded: dict[str, str] = {}
    prefix: list[tuple[str, bool]] = []
    bare: list[tuple[str, bool]] = []
    for row in read_tsv("currency_names.tsv", 3):
        written, say, flags = row[:3]
        spoken[written] = say
        if "i" in flags:
            folded.setdefault(written.lower(), say)
        if "p" in flags:
            prefix.append((written, "i" in flags))
        if "b" in flags:
            bare.append((written, "i" in flags))
    return spoken, folded, prefix, bare


def _name(written: str) -> str | None:
    spoken, folded, _, _ = _currencies()
    return spoken.get(written) or folded.get(written.lower())


def _amount(m: re.Match[str], ctx: Context) -> str | None:
    """ "500.000đ", "1,2 tỷ USD", "25.000 đồng/kg": a number whose unit is a currency."""
    if m.start() > 0 and ctx.text[m.start() - 1] in "/.-–—":
        return None  # continues a code or a date
    spaced = bool(m.group("sp")) or bool(m.group("scale"))
    said = read_tail(m.group("tail"), ctx, spaced=spaced)
    if said is None or not said[1]:
        return None  # not money: the measures class reads it
    return read_quantity(m, ctx)


def _prefixed(m: re.Match[str], ctx: Context) -> str | None:
    """ "$100", "US$ 2 triệu", "€50": the sign before the number is said after it."""
    name = _name(m.group("cur"))
    if name is None:
        return None
    words = [ctx.num.read_number(m.group("num"))]
    scale = read_scale(m.group("scale"))
    if scale:
        words.append(scale)
    words.append(name)
    per = m.group("per")
    if per:
        pers = read_pers(per, ctx, rate=True)  # "$5/kg" → "… đô la một ki lô gam"
        if pers is None:
            return None
        words += pers
    return " ".join(words)


def _bare(m: re.Match[str], ctx: Context) -> str | None:
    """A currency code standing alone: "tỷ giá USD" → "tỷ giá đô la Mỹ"."""
    return _name(m.group(0))


def rules() -> list[Rule]:
    """Money amounts (currency after or before the number) and bare currency codes."""
    g = grammar()
    _, _, prefix, bare = _currencies()
    lower_case = [(w.lower(), False) for w, fold in bare if fold or w.islower()]
    per = per_pattern(rate=True)
    prefixed = (
        rf"(?P<cur>{alternation(prefix)}){SP}?(?P<num>{NUMBER})"
        rf"(?:{SP}(?P<scale>{g.scale_re}))?(?P<per>{per}+)?"
    )
    return [
        Rule("money", quantity_pattern(tail_required=True, currency_first=True), _amount),
        Rule("money", prefixed, _prefixed),
        # "vnđ", "usd" in lower case hold no digit, capital or symbol: the scanner's gate
        # needs a trigger to look at them (only at them: a code with a capital is found).
        Rule("money", alternation(bare), _bare, trigger=alternation(lower_case)),
    ]
