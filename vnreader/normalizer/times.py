"""Clock times: "15:53", "15h53", "7h30", "7h", "14g30", "15:53:20", "7h30 - 11h00", "24/24h".

Reading rules (as news presenters read them):

* A time is *giờ* + the minutes + *phút* (+ the seconds + *giây*): "7h30" is *bảy giờ ba
  mươi phút*, the same words as the full written form "7 giờ 30 phút". The minutes are
  always named (*phút*) so a listener never takes "bảy giờ ba mươi" for a count.
* Zero minutes are not said: "7h00", "15:00" → *bảy giờ*, *mười lăm giờ*.
* Leading zeros are not read: "08:05" → *tám giờ năm phút*; "0h" → *không giờ*.
* Hours are cardinals (24 → *hai mươi tư*, the cardinal rule after *mươi*).
* A dash between two times is *đến*: "7h30 - 11h00" → *… đến mười một giờ*.
* "24/24h" (round the clock) → *hai mươi tư trên hai mươi tư giờ*; "24/7" → *hai mươi tư
  trên bảy*.

What is not a time:

* "2:1" after *tỷ số*, *thắng*, *tỷ lệ* … (``data/time_context.tsv``): a score or a ratio,
  left to other classes. A colon time must also have two-digit minutes ("2:1" never is a
  time) and minutes ≤ 59, hours ≤ 24.
* "14g" alone is 14 grams: the *g* form needs minutes ("14g30"). "7ha" is hectares: an
  *h* followed by a letter is not a time.
"""

from __future__ import annotations

import functools
import re

from vnreader.normalizer.data import read_map, read_tsv
from vnreader.normalizer.engine import Context, Rule
from vnreader.normalizer.engine import declining_on_error as safe


@functools.cache
def _words() -> dict[str, str]:
    return read_map("time_words.tsv")


@functools.cache
def _score_words() -> frozenset[str]:
    return frozenset(row[0] for row in read_tsv("time_context.tsv") if row[1] == "score")


# -- written forms ------------------------------------------------------------------------
#: "15:53", "15:53:20" (two-digit minutes and seconds).
COLON = r"\d{1,2}:\d{2}(?::\d{2})?(?![\d:])"
#: "15h53", "7h30", "7h", "08h00’", "7h30'", "7h30p", "2h30 phút", "14g30", "7H30".
#: The minute mark (’ ' p ph phút) is eaten only after minutes.
H_FORM = (
    r"\d{1,2}(?:(?:h|H|g)\d{2}(?:\s?(?:phút|ph|p)(?![^\W\d_])|['’′])?|h)"
    r"(?![^\W_])"
)
#: One written clock time.
TIME = rf"(?:{COLON}|{H_FORM})"
_DASH = r"\s*[-–—]\s*"

_TIME_RE = re.compile(
    r"(?P<h>\d{1,2})(?:(?P<sep>[:hHg])(?P<m>\d{2})?(?::(?P<s>\d{2}))?)?"
    r"(?:\s?(?:phút|ph|p)|['’′])?"
)


def read_time(written: str, ctx: Context) -> str | None:
    """The spoken form of one clock time written as :data:`TIME`, or ``None`` if invalid.

    Hours 0–24, minutes and seconds 0–59; "24" with minutes is not a time. A bare
    "48h" is a duration and may exceed 24.
    """
    m = _TIME_RE.fullmatch(written.strip())
    if m is None:
        return None
    sep = m.group("sep")
    if sep is None or (sep in "Hg" and m.group("m") is None):
        return None
    hour = int(m.group("h"))
    minute = int(m.group("m") or 0)
    second = int(m.group("s") or 0)
    if minute > 59 or second > 59:
        return None
    duration = sep == "h" and m.group("m") is None
    if not duration and (hour > 24 or (hour == 24 and (minute or second))):
        # "48h", "72h" are durations (giờ either way); "25:10" is not a clock time
        return None
    w = _words()
    parts = [ctx.num.read_int(hour), w["hour"]]
    if minute or second:
        parts += [ctx.num.read_int(minute), w["minute"]]
    if second:
        parts += [ctx.num.read_int(second), w["second"]]
    return " ".join(parts)


def _is_score(m: re.Match[str], ctx: Context) -> bool:
    return ctx.word_before(m.start()) in _score_words()


# -- handlers -----------------------------------------------------------------------------
def _time(m: re.Match[str], ctx: Context) -> str | None:
    written = m.group(0)
    if ":" in written and _is_score(m, ctx):
        return None
    return read_time(written, ctx)


def _time_range(m: re.Match[str], ctx: Context) -> str | None:
    """ "7h30 - 11h00", "07:00 - 15:00" → "… đến …"."""
    if _is_score(m, ctx):
        return None
    first = read_time(m.group("a"), ctx)
    second = read_time(m.group("b"), ctx)
    if first is None or second is None:
        return None
    return f"{first} {_words()['range']} {second}"


def _hour_range(m: re.Match[str], ctx: Context) -> str | None:
    """ "8-10h", "14 - 16h30": a bare hour, then a time → "tám đến mười giờ"."""
    hour = int(m.group("a"))
    second = read_time(m.group("b"), ctx)
    if second is None or hour > 24:
        return None
    return f"{ctx.num.read_int(hour)} {_words()['range']} {second}"


def _round_clock(m: re.Match[str], ctx: Context) -> str | None:
    """ "24/24h", "24/24 giờ", "24/7": around the clock, read as a fraction of time."""
    w = _words()
    out = f"{ctx.num.read_int(24)} {w['per']} {ctx.num.read_int(m.group('n'))}"
    if m.group("h"):
        out += f" {w['hour']}"
    return out


def _minutes_mark(m: re.Match[str], ctx: Context) -> str | None:
    """ "8 giờ 30'": the apostrophe marks minutes after *giờ*."""
    if ctx.word_before(m.start()) != "giờ":
        return None
    minute = int(m.group("m"))
    if minute > 59:
        return None
    return f"{ctx.num.read_int(minute)} {_words()['minute']}"


#: An English day-half after a clock time ("09:42 AM", "8:00 PM"), as some portals' CMS
#: print their dates: said as the part of the day (*sáng*, *chiều*, *tối*).
_DAY_HALF = r"(?P<ap>AM|PM|am|pm|A\.M\.|P\.M\.|a\.m\.|p\.m\.)(?![^\W_])"
_CLOCK_BEFORE = re.compile(r"(\d{1,2})(?:[:hg]\d{2}(?::\d{2})?)?[ \t]*$")


def _day_half(m: re.Match[str], ctx: Context) -> str | None:
    clock = _CLOCK_BEFORE.search(ctx.before(m.start(), 12))
    if clock is None:
        return None
    hour = int(clock.group(1))
    if m.group("ap").lower().startswith("a"):
        return "sáng" if 1 <= hour <= 12 else None
    if not 1 <= hour <= 12:
        return None
    return "trưa" if hour == 12 else "chiều" if hour < 6 else "tối"


def rules() -> list[Rule]:
    """Time ranges first (so the dash is read *đến*), then single times."""
    return [
        Rule("times", rf"(?P<a>{TIME}){_DASH}(?P<b>{TIME})", safe(_time_range)),
        Rule("times", rf"(?P<a>\d{{1,2}}){_DASH}(?P<b>{H_FORM})", safe(_hour_range)),
        Rule("times", r"24\s?/\s?(?P<n>24|7)(?P<h>h)?(?![^\W_]|[/.,]?\d)", safe(_round_clock)),
        Rule("times", TIME, safe(_time)),
        Rule("times", r"(?P<m>\d{1,2})['’′](?![^\W_])", safe(_minutes_mark)),
        Rule("times", _DAY_HALF, safe(_day_half), trigger=r"[ap](?<=\d [ap])(?:m|\.m\.)"),
    ]
