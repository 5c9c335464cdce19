"""Shorthands of informal and sports writing: colloquial amounts, durations, race times,
southern clock times.

Reading rules:

* Colloquial amounts glued to their number: "k" is *nghìn* ("10k" → *mười nghìn*,
  "1k2" → *một nghìn hai trăm*); "tr" is *triệu* ("2tr5" → *hai triệu năm trăm nghìn*:
  the digits after the letter are the next three places, "2tr25" → *hai triệu hai trăm
  năm mươi nghìn*); "t" is *triệu* only in a money context ("lương 7t", "giá 1t2"): a
  "t" after a number is as often *tấn*, so elsewhere it is left alone. After *chạy*,
  *cự ly* or *giải chạy*, "10k" is a race: *mười ki lô mét*.
* Duration shorthands: "3p20s" → *ba phút hai mươi giây*, "45p" → *bốn mươi lăm phút*,
  "1h20p30s" → *một giờ hai mươi phút ba mươi giây*.
* Race and match times with minute and second marks: "10'35"" → *mười phút ba mươi lăm
  giây*, "1'02"45" → *một phút hai giây bốn mươi lăm*, "10"52" → *mười giây năm mươi
  hai*; a minute mark alone in a match ("phút 45'", "90+3'") is the minute: "45'" after
  *phút* → *bốn mươi lăm*, elsewhere *phút bốn mươi lăm*.
* Southern clock times spaced: "7 h 30" → *bảy giờ ba mươi phút* (hours ≤ 24, minutes
  ≤ 59); the glued "7g30" is read by ``times.py`` ("7 g 30" spaced is left alone: "g" is
  as often grams).
"""

from __future__ import annotations

import re

from vnreader.normalizer import measures
from vnreader.normalizer.engine import Context, Rule
from vnreader.normalizer.engine import declining_on_error as safe

_MONEY_WORDS = frozenset(
    "giá lương tiền đồng bán mua thu nhập chi phí vay nợ phạt hỗ trợ thưởng trả góp "
    "nộp thuê lãi tiêu tốn hết mất".split()
)
_RACE_WORDS = frozenset("chạy cự ly giải marathon".split())
_WORD = re.compile(r"[^\W\d_]+")


def _words_before(ctx: Context, pos: int, n: int) -> list[str]:
    return _WORD.findall(ctx.text[max(0, pos - 40) : pos].lower())[-n:]


def _scaled(ctx: Context, whole: str, frac: str | None, big: str, small: str) -> str:
    """ "2" "5" "triệu" "nghìn" → hai triệu năm trăm nghìn (frac = the next three places)."""
    out = [ctx.num.read_int(int(whole)), big]
    if frac:
        value = int(frac.ljust(3, "0")[:3])
        if value:
            out.append(ctx.num.read_int(value))
            if small:
                out.append(small)
    return " ".join(out)


# -- colloquial amounts ----------------------------------------------------------------------
_AMOUNT = (
    r"(?P<n>\d{1,3})(?P<u>tr|k|t)(?P<f>\d{1,3})?(?![^\W_])"
    r"(?P<per>(?:\s?/\s?[^\W\d_]+(?:\s[^\W\d_]+)?)*)"
)


def _amount(m: re.Match[str], ctx: Context) -> str | None:
    n, u, f = m.group("n"), m.group("u"), m.group("f")
    before = _words_before(ctx, m.start(), 4)
    pers: list[str] = []
    if m.group("per"):
        read = measures.read_pers(m.group("per"), ctx, rate=True)
        if read is None:
            return None  # "/" followed by no per word: not this shorthand
        pers = read
    if u == "k":
        if f is None and not pers and any(w in _RACE_WORDS for w in before):
            return f"{ctx.num.read_int(int(n))} ki lô mét"
        spoken = _scaled(ctx, n, f, ctx.num.thousand, "")
    elif u == "t" and not any(w in _MONEY_WORDS for w in before):
        return None  # "5t" may be tấn
    else:
        spoken = _scaled(ctx, n, f, "triệu", ctx.num.thousand)
    return " ".join([spoken, *pers])


# -- durations -------------------------------------------------------------------------------
_DURATION = (
    r"(?:(?P<h>\d{1,2})h)?(?P<p>\d{1,3})p(?:(?P<s>\d{1,2})s)?(?![^\W_])"
    r"|(?P<p2>\d{1,3})p(?P<s2>\d{1,2})s(?![^\W_])"
)


def _duration(m: re.Match[str], ctx: Context) -> str | None:
    h, p, s = m.group("h"), m.group("p") or m.group("p2"), m.group("s") or m.group("s2")
    parts = []
    if h is not None:
        parts += [ctx.num.read_int(int(h)), "giờ"]
    parts += [ctx.num.read_int(int(p)), "phút"]
    if s is not None:
        if int(s) > 59:
            return None
        parts += [ctx.num.read_int(int(s)), "giây"]
    return " ".join(parts)


# -- race and match times ------------------------------------------------------------------
_MIN = "['’′]"
_SEC = '["”″]'
_RACE = (
    rf"(?P<m>\d{{1,3}}){_MIN}(?P<s>\d{{1,2}}){_SEC}(?P<c>\d{{1,2}})?(?!\d)"
    rf"|(?P<s2>\d{{1,2}}){_SEC}(?P<c2>\d{{2}})(?!\d)"
    rf"|(?P<mm>\d{{1,3}})(?:\+(?P<x>\d{{1,2}}))?{_MIN}(?![\w'’′])"
)


def _race(m: re.Match[str], ctx: Context) -> str | None:
    read = ctx.num.read_int
    if m.group("m") is not None:
        if int(m.group("s")) > 59:
            return None
        out = [read(int(m.group("m"))), "phút", read(int(m.group("s"))), "giây"]
        if m.group("c"):
            out.append(read(int(m.group("c"))))
        return " ".join(out)
    if m.group("s2") is not None:
        return f"{read(int(m.group('s2')))} giây {read(int(m.group('c2')))}"
    minute = read(int(m.group("mm")))
    if m.group("x"):
        minute += f" cộng {read(int(m.group('x')))}"
    before = _words_before(ctx, m.start(), 1)
    return minute if before == ["phút"] else f"phút {minute}"


# -- southern clock times, spaced -------------------------------------------------------------
_SPACED_TIME = (
    r"(?P<h>\d{1,2})\sh\s(?P<m>\d{2})(?![\d:])"
    r"(?:\s*[-–—]\s*(?P<h2>\d{1,2})\sh\s(?P<m2>\d{2})(?![\d:]))?"
)


def _clock(ctx: Context, h: int, mi: int) -> str | None:
    if h > 24 or mi > 59:
        return None
    read = ctx.num.read_int
    return f"{read(h)} giờ" + (f" {read(mi)} phút" if mi else "")


def _spaced_time(m: re.Match[str], ctx: Context) -> str | None:
    first = _clock(ctx, int(m.group("h")), int(m.group("m")))
    if first is None or m.group("h2") is None:
        return first
    second = _clock(ctx, int(m.group("h2")), int(m.group("m2")))
    return None if second is None else f"{first} đến {second}"


def rules() -> list[Rule]:
    return [
        Rule("shorthand", _SPACED_TIME, safe(_spaced_time)),
        Rule("shorthand", _RACE, safe(_race)),
        Rule("shorthand", _DURATION, safe(_duration)),
        Rule("shorthand", _AMOUNT, safe(_amount)),
    ]
