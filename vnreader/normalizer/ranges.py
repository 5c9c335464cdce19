"""Ranges: two quantities joined by a dash, read with *đến* ("3-5 ngày" → *ba đến năm ngày*).

Reading rules (details and examples in docs/normalizer/ranges.md):

* "a-b", "a - b", "a – b" (hyphen, en dash or em dash, spaced or not) between two numbers
  is a range and the dash is said *đến*: "giai đoạn 2016-2020" → *… hai nghìn không trăm
  mười sáu đến hai nghìn không trăm hai mươi*. After "từ" too: "từ 3-5 ngày" → *từ ba đến
  năm ngày* (the presenter does not add a second "từ").
* Each side may carry a scale word and a unit, read by the measures grammar: "1,5-2 triệu
  đồng", "20-25°C", "10-15%", "5ha-10ha", "4.800 - 5.200 đồng/kg".
* Not ranges (left to the dates, codes and other classes): a third dash or slash group
  ("09-12-2019", "15-20/9"), letters after the dash ("05-CT/TW"), a number with a leading
  zero ("0913-123456", a phone number), a falling pair without units ("thắng 3-1" is a
  score), a month and year ("tháng 9-2021"), and pairs after the words in
  ``data/range_blockers.tsv`` ("tỷ số", "số", "TCVN" …).
"""

from __future__ import annotations

import functools
import re

from vnreader.normalizer.data import read_tsv
from vnreader.normalizer.engine import Context, Rule
from vnreader.normalizer.measures import read_quantity
from vnreader.normalizer.units import SP, quantity_pattern

#: The dashes writers put between the ends of a range.
DASH = r"[-\u2010\u2011\u2012\u2013\u2014\u2212]"
_TO = "đến"

#: What may not come after the second number: another dash or slash group (a date, a
#: phone number), a colon and digits (a time), or letters glued on ("3-5h" is a time).
_CONTINUES = re.compile(rf"{SP}?(?:{DASH}|/|:){SP}?\d|[^\W_]")
#: What may not come just before the first number: a digit group and a dash, slash or dot.
_CONTINUED = re.compile(rf"\d{SP}?(?:{DASH}|/|\.|,){SP}?$")


@functools.cache
def _blockers() -> tuple[dict[str, bool], int]:
    """Phrase → whether it blocks (False: a longer phrase that is a quantity after all)."""
    rows = read_tsv("range_blockers.tsv", 1)
    words = {row[0].lower(): not (len(row) > 1 and row[1].startswith("range")) for row in rows}
    return words, max((len(w.split()) for w in words), default=1)


def _prefixed(pattern: str, prefix: str) -> str:
    return re.sub(r"\(\?P<([A-Za-z_]\w*)>", rf"(?P<{prefix}\1>", pattern)


def _value(written: str) -> float | None:
    """The numeric value of a written number ("1.234,5" → 1234.5), or ``None``."""
    if re.fullmatch(r"\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?", written):
        s = written.replace(",", "")  # English grouping "1,234,567"
    elif re.fullmatch(r"\d+\.\d{1,2}", written):
        s = written  # decimal dot "2.5"
    else:
        s = written.replace(".", "").replace(",", ".")
    try:
        return float(s)
    except ValueError:
        return None


def _leading_zero(written: str) -> bool:
    digits = re.split(r"[.,]", written)[0]
    return len(digits) > 1 and digits.startswith("0")


def _short_year(left: str, right: str) -> bool:
    """ "2015-16", "2019-20": a school or crop year with the second year cut to two digits."""
    if not (re.fullmatch(r"(?:19|20)\d\d", left) and re.fullmatch(r"\d\d", right)):
        return False
    return int(left) % 100 < int(right) <= int(left) % 100 + 10


def _range(m: re.Match[str], ctx: Context) -> str | None:
    start = m.start()
    if _CONTINUED.search(ctx.before(start, 12)):
        return None
    if start > 0 and ctx.text[start - 1].isalpha():
        return None  # a code glued to its letters: "A350-900"
    if re.search(r"[^\W\d_][-–]$", ctx.before(start, 2)):
        return None  # the next parts of a code: "CVE-2024-7971"
    if _CONTINUES.match(ctx.text, m.end()):
        return None
    words, longest = _blockers()
    before = [w.lower() for w in ctx.words_before(start, longest)]
    for n in range(longest, 0, -1):  # the longest phrase decides: "mật số" before "số"
        phrase = " ".join(before[-n:]) if len(before) >= n else None
        if phrase in words:
            if words[phrase]:
                return None
            break
    left, right = m.group("l_num"), m.group("r_num")
    if _leading_zero(left) or _leading_zero(right):
        return None  # phone numbers and codes: "0913-123456", "05-07"
    lv, rv = _value(left), _value(right)
    if lv is None or rv is None:
        return None
    if m.group("l_sign"):
        lv = -lv
    if m.group("r_sign"):
        rv = -rv
    plain = not any(m.group(g) for g in ("l_tail", "r_tail", "l_scale", "r_scale", "l_sign"))
    if plain and _short_year(left, right):
        # "2015-16": the second year written short, said in full.
        century = int(left) // 100 * 100
        right_said = ctx.num.read_int(century + int(right))
        return f"{ctx.num.read_int(left)} {_TO} {right_said}"
    scaled = m.group("l_scale") or m.group("r_scale")
    if not scaled and lv >= rv:
        return None  # "3-1" is a score, "2020-2016" no range
    if before and before[-1] == "tháng" and rv >= 1000 and lv <= 12:
        return None  # "tháng 9-2021": a month and its year (the dates class's form)
    first = read_quantity(m, ctx, "l_")
    second = read_quantity(m, ctx, "r_")
    if first is None or second is None:
        return None
    return f"{first} {_TO} {second}"


def range_pattern(atomic: bool = True) -> str:
    """Two quantities and a dash. ``atomic``: the left quantity is not backed off from
    (a shorter one is followed by a letter or digit, never by the dash), so a number with
    no dash after it is turned away in one try instead of one per shorter form."""
    left = _prefixed(quantity_pattern(tail_required=False), "l_")
    right = _prefixed(quantity_pattern(tail_required=False), "r_")
    if atomic:
        left = f"(?>{left})"
    return rf"{left}{SP}?{DASH}{SP}?{right}"


def rules() -> list[Rule]:
    """Ranges between two quantities."""
    return [Rule("ranges", range_pattern(), _range)]
