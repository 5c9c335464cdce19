"""How Vietnamese reads digits: :class:`NumberReader`, free of the scanner's rules.


Reading rules (Vietnamese grammar, as news presenters apply them):

* 1 after *mươi* (21, 31 …) is *mốt*; after *mười* (11) it stays *một*.
* 4 after *mươi* (24, 34 …) is *tư*; after *mười* (14) it stays *bốn*.
* 5 after *mười* or *mươi* (15, 25 …) is *lăm* (spoken North also *nhăm*; we write *lăm*).
* 10 is *mười*, 20–90 are *X mươi*.
* A zero tens digit between hundreds and units is *linh* (North) or *lẻ* (South): 105 is
  *một trăm linh năm*.
* Inside a larger number an empty hundreds place is said: 2019 is *hai nghìn không trăm
  mười chín*; a whole group of zeros is skipped: 1.000.005 is *một triệu không trăm linh năm*.
* Groups of three are *nghìn* (*ngàn* in the South), *triệu*, *tỷ*, then *nghìn tỷ* …
* Leading zeros are not read in quantities ("04 cá nhân" is *bốn cá nhân*).
* Ordinals: *thứ nhất*, *thứ hai*, *thứ ba*, *thứ tư*, then cardinals (*thứ năm* …).
* Dots group thousands and a comma is the decimal mark: "1.234.567", "65,5" (*phẩy*).
"""

from __future__ import annotations

import re

from vnreader.normalizer.data import read_map

__all__ = ["DIALECTS", "NumberReader"]

DIALECTS = ("north", "south")
#: How many readings a reader keeps (then it starts afresh: memory stays bounded).
_REMEMBERED = 4096


class NumberReader:
    """Reads digit strings aloud in one dialect (``"north"`` or ``"south"``)."""

    def __init__(self, dialect: str = "north") -> None:
        if dialect not in DIALECTS:
            raise ValueError(f"dialect must be one of {', '.join(DIALECTS)}, not {dialect!r}")
        self.dialect = dialect
        # Readings already made (a reader is pure: the same digits, the same words). News
        # repeats its numbers (years, days, counts), so most calls are answered here.
        self._ints: dict[str | int, str] = {}
        self._numbers: dict[str, str] = {}
        digits = read_map("digits.tsv")
        self.digit = [digits[str(d)] for d in range(10)]
        words = read_map(f"number_words_{dialect}.tsv")
        self.thousand = words["thousand"]
        self.zero_tens = words["zero_tens"]
        self.hundred = words["hundred"]
        self.million = words["million"]
        self.billion = words["billion"]
        self.ten = words["ten"]
        self.tens = words["tens"]
        self.one_after_tens = words["one_after_tens"]
        self.four_after_tens = words["four_after_tens"]
        self.five_after_ten = words["five_after_ten"]
        self.decimal_comma = words["decimal_comma"]
        self.decimal_dot = words["decimal_dot"]
        self.ordinal_one = words["ordinal_one"]
        self.ordinal_four = words["ordinal_four"]
        self.minus = words["minus"]
        self.power = words["power"]
        self.fraction = words["fraction"]

    # -- integers ---------------------------------------------------------------------
    def read_int(self, digits: str | int) -> str:
        """Read a non-negative integer given as digits (leading zeros ignored)."""
        got = self._ints.get(digits)
        if got is None:
            got = self._read_int(digits)
            if len(self._ints) >= _REMEMBERED:
                self._ints.clear()
            self._ints[digits] = got
        return got

    def _read_int(self, digits: str | int) -> str:
        s = str(digits).lstrip("0")
        if not s:
            return self.digit[0]
        if len(s) > 21:
            return self.read_digits(s)
        return self._read(int(s), full=False)

    def _read(self, n: int, full: bool) -> str:
        """Read n > 0; above a billion the part before *tỷ* is itself a number:
        3.500.000.000.000 is *ba nghìn năm trăm tỷ*, not *ba nghìn tỷ năm trăm tỷ*."""
        high, low = divmod(n, 1_000_000_000)
        words: list[str] = []
        if high:
            words += [self._read(high, full), self.billion]
            full = True
        if low:
            groups = (low // 1_000_000, low // 1000 % 1000, low % 1000)
            units = (self.million, self.thousand, "")
            for g, unit in zip(groups, units, strict=True):
                if g:
                    words.append(self._group(g, full))
                    if unit:
                        words.append(unit)
                    full = True
        return " ".join(words)

    def _group(self, g: int, full: bool) -> str:
        """Read 0 < g < 1000; ``full`` when a higher group precedes (say *không trăm*)."""
        h, rest = divmod(g, 100)
        t, u = divmod(rest, 10)
        words: list[str] = []
        if h or full:
            words += [self.digit[h], self.hundred]
        if t == 0:
            if u:
                if h or full:
                    words.append(self.zero_tens)
                words.append(self.digit[u])
        elif t == 1:
            words.append(self.ten)
            if u == 5:
                words.append(self.five_after_ten)
            elif u:
                words.append(self.digit[u])
        else:
            words += [self.digit[t], self.tens]
            if u == 1:
                words.append(self.one_after_tens)
            elif u == 4:
                words.append(self.four_after_tens)
            elif u == 5:
                words.append(self.five_after_ten)
            elif u:
                words.append(self.digit[u])
        return " ".join(words)

    def read_digits(self, digits: str) -> str:
        """Read digit by digit ("0297" → *không hai chín bảy*); non-digits are skipped."""
        return " ".join(self.digit[int(c)] for c in digits if c.isdigit())

    def read_ordinal(self, digits: str | int) -> str:
        """The word after *thứ*: *nhất*, *hai*, *ba*, *tư*, *năm* …"""
        n = int(str(digits))
        if n == 1:
            return self.ordinal_one
        if n == 4:
            return self.ordinal_four
        return self.read_int(n)

    # -- written numbers ----------------------------------------------------------------
    def read_decimal(self, int_part: str, frac_part: str, mark: str = ",") -> str:
        """Read ``int_part`` + decimal ``frac_part`` ("65", "5" → *sáu mươi lăm phẩy năm*).

        The fraction is read as a number when short (*phẩy hai mươi lăm*), keeping its
        leading zeros (*phẩy không năm*), and digit by digit when longer than three digits.
        """
        word = self.decimal_comma if mark == "," else self.decimal_dot
        head = self.read_int(int_part)
        if len(frac_part) > 3:
            tail = self.read_digits(frac_part)
        else:
            stripped = frac_part.lstrip("0")
            zeros = len(frac_part) - len(stripped)
            tail = " ".join(
                [self.digit[0]] * zeros + ([self.read_int(stripped)] if stripped else [])
            )
        return f"{head} {word} {tail}"

    def read_number(self, written: str) -> str:
        """Read a written number: "04", "1.234.567", "65,5", "1.234,5", "-3", "2.5".

        Vietnamese style first: dots group thousands, a comma is the decimal mark. A dot
        followed by one or two digits ("2.5") is read as a decimal dot (*chấm*).
        """
        got = self._numbers.get(written)
        if got is None:
            got = self._read_number(written)
            if len(self._numbers) >= _REMEMBERED:
                self._numbers.clear()
            self._numbers[written] = got
        return got

    def _read_number(self, written: str) -> str:
        s = written.strip()
        sign = ""
        if s[:1] in "-−–":
            sign = self.minus + " "
            s = s[1:]
        elif s[:1] == "+":
            s = s[1:]
        # Vietnamese style (dot groups, comma decimals), then English style (the reverse).
        for pattern, group_mark, decimal_mark in ((_VN_NUMBER, ".", ","), (_EN_NUMBER, ",", ".")):
            m = pattern.fullmatch(s)
            if m:
                int_part = m.group("int").replace(group_mark, "")
                frac = m.group("frac")
                if frac:
                    return sign + self.read_decimal(int_part, frac, decimal_mark)
                return sign + self.read_int(int_part)
        m = _DOT_DECIMAL.fullmatch(s)
        if m:
            return sign + self.read_decimal(m.group(1), m.group(2), ".")
        return sign + self.read_digits(s)


#: Vietnamese style: optional dot thousands groups, optional comma decimals.
_VN_NUMBER = re.compile(r"(?P<int>\d{1,3}(?:\.\d{3})+|\d+)(?:,(?P<frac>\d+))?")
#: English style with at least two comma groups ("1,234,567.5").
_EN_NUMBER = re.compile(r"(?P<int>\d{1,3}(?:,\d{3}){2,})(?:\.(?P<frac>\d+))?")
_DOT_DECIMAL = re.compile(r"(\d+)\.(\d{1,2})")
