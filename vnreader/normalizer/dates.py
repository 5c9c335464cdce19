"""Dates: "19/12/2019", "09 -12-2019", "ngày 9/12", "tháng 12/2019", "quý I/2020" …

Reading rules (as news presenters read dates):

* A full date is *ngày* D *tháng* M *năm* Y: "19/12/2019" → *ngày mười chín tháng mười
  hai năm hai nghìn không trăm mười chín*. Leading zeros are not read ("09" → *chín*).
* Days and years are cardinals (``ctx.num``): 21 → *hai mươi mốt*, 24 → *hai mươi tư*
  (the cardinal rule after *mươi*; *hai mươi bốn* is also heard, *tư* is the broadcast
  norm), 2005 → *hai nghìn không trăm linh năm* (south *hai ngàn không trăm lẻ năm*).
* Months have their own names (``data/date_months.tsv``): 4 is *tư* ("tháng tư"), 1 is
  *một* ("tháng một"; the lunar *tháng giêng* is written as a word).
* The match covers the digits only. The word already written before them is not said
  twice: "ngày 9/12" → *ngày chín tháng mười hai*, "tháng 12/2019" → *tháng mười hai năm
  …*, "quý I/2020" → *quý một năm …*. Where the text has no such word, it is added: "Sáng
  15/3" → *Sáng ngày mười lăm tháng ba*, "(15:53 | 19/12/2019)" → *(mười lăm giờ năm mươi
  ba phút, ngày mười chín …)*. After a holiday name it is not added: "Quốc khánh 2/9" →
  *Quốc khánh hai tháng chín*.
* A dash between dates or days is *đến*: "từ ngày 10 - 15/12/2019" → *từ ngày mười đến
  mười lăm tháng mười hai năm …*; after a holiday word it is *và* ("dịp 30/4 - 1/5").
* A pair of years after *năm học*, *niên khóa*, *nhiệm kỳ*, *mùa vụ* … is read with
  *đến*, like the ranges class reads "giai đoạn 2016-2020": "năm học 2019-2020" → *năm học
  hai nghìn không trăm mười chín đến hai nghìn không trăm hai mươi*.

When "9/12" is a date (``data/date_context.tsv``): a written year makes it one; without
a year, only a context word before it (*ngày*, *sáng*, *từ*, *đến*, a weekday …), a word
after it (*vừa qua*, *tới*), or a date just before it in a list. "19/19 tiêu chí" (month
19), "9/12 tiêu chí" (no context) and "đường 3/2" (a street) are declined, so the
measures and codes classes read them. Invalid dates (month > 12, day > 31, 31/4, 30/2)
are declined.
"""

from __future__ import annotations

import functools
import re

from vnreader.normalizer import times
from vnreader.normalizer.data import read_map, read_tsv
from vnreader.normalizer.engine import Context, Rule
from vnreader.normalizer.engine import declining_on_error as safe
from vnreader.normalizer.guards import after_words

# -- data ---------------------------------------------------------------------------------


@functools.cache
def _months() -> dict[int, str]:
    return {int(k): v for k, v in read_map("date_months.tsv").items()}


@functools.cache
def _words() -> dict[str, str]:
    return read_map("date_words.tsv")


@functools.cache
def _quarters() -> dict[str, int]:
    return {k: int(v) for k, v in read_map("date_quarters.tsv").items()}


@functools.cache
def _context() -> dict[str, dict[str, str]]:
    """kind group ("before" / "after") → phrase → kind."""
    before: dict[str, str] = {}
    after: dict[str, str] = {}
    for row in read_tsv("date_context.tsv"):
        phrase, kind = " ".join(row[0].lower().split()), row[1]
        if kind in ("after", "counter"):
            # a phrase that confirms a date wins over the same word as a counter
            if after.get(phrase) != "after":
                after[phrase] = kind
        elif phrase not in before:
            before[phrase] = kind
    return {"before": before, "after": after}


# -- context ------------------------------------------------------------------------------
#: Up to four words at the end of a text, matched on the text reversed: the same words as
#: ``(?:[^\W_]+[ \t\u00a0]+){0,3}[^\W_]+$`` finds, without trying every place of the text.
_TAIL_WORDS_REVERSED = re.compile(r"[^\W_]+(?:[ \t\u00a0]+[^\W_]+){0,3}")
_LEAD_WORDS = re.compile(r"^[ \t\u00a0]*([^\W_]+(?:[ \t\u00a0]+[^\W_]+)?)")
#: A date (or a day) just before, then a list or range joiner: "9/12 và ", "10/12, ".
_LIST_BEFORE = re.compile(
    r"\d{1,2}[ \t]?[/.\-][ \t]?\d{1,2}(?:[ \t]?[/.\-][ \t]?\d{4})?[ \t]*"
    r"(?:,|;|và|hoặc|hay|hoặc là|[-–—])[ \t]*$",
    re.IGNORECASE,
)
_MONTH_LIST_BEFORE = re.compile(
    r"tháng[ \t]+\d{1,2}(?:[ \t]*,[ \t]*\d{1,2})*[ \t]*(?:,|và|hoặc|[-–—]|đến|tới)[ \t]*$",
    re.IGNORECASE,
)
_YEAR_PAIR_BEFORE = re.compile(r"\d{4}[ \t]*[-–—/][ \t]*\d{2,4}[ \t]*(?:,|và)[ \t]*$")


def context_before(ctx: Context, pos: int) -> str | None:
    """The kind of the context phrase that ends right before ``pos`` (longest first).

    Only spaces, "(", "," and ":" may stand between the phrase and ``pos``
    ("Thứ Năm, 19/12/2019", "hôm nay (4/6/2020)", "Cập nhật ngày: 12/07/2019").
    """
    before = ctx.before(pos, 60).rstrip(" \t\u00a0(,:").lower()
    m = _TAIL_WORDS_REVERSED.match(before[::-1])
    if m is None:
        return None
    words = m.group(0)[::-1].split()
    table = _context()["before"]
    for n in range(len(words), 0, -1):
        kind = table.get(" ".join(words[-n:]))
        if kind is not None:
            return kind
    return None


def _before_kind(kind: str) -> str:
    """Look-behinds that turn away a place no phrase of ``kind`` can end right before
    (as ``context_before`` reads it: spaces, "(", "," and ":" may stand between)."""
    ends = sorted({p.split()[-1] for p, k in _context()["before"].items() if k == kind})
    skip = r" \t\u00a0(,:"
    return after_words(ends, skip)


def context_after(ctx: Context, pos: int) -> str | None:
    """ "after" (confirms a date), "counter" (a quantity follows) or ``None``."""
    after = ctx.after(pos, 40)
    stripped = after.lstrip(" \t\u00a0")
    if stripped[:1] == "%":
        return "counter"
    m = _LEAD_WORDS.match(after)
    if m is None:
        return None
    words = m.group(1).lower().split()
    table = _context()["after"]
    for n in range(len(words), 0, -1):
        kind = table.get(" ".join(words[:n]))
        if kind is not None:
            return kind
    return None


def _accept_dm(m: re.Match[str], ctx: Context, *, has_year: bool) -> tuple[bool, bool]:
    """Is the match a date, and must *ngày* be added before it?

    Returns ``(accept, add_ngay)``.
    """
    kind = context_before(ctx, m.start())
    if kind == "street":
        return False, False
    add = kind not in ("day", "holiday")
    if has_year or kind in ("day", "part", "holiday"):
        return True, add
    after = context_after(ctx, m.end())
    if kind == "weak":
        return after != "counter", add
    if after == "after":
        return True, add
    if _LIST_BEFORE.search(ctx.before(m.start(), 40)):
        return True, add
    return False, False


# -- reading ------------------------------------------------------------------------------
def valid_date(day: int | None, month: int, year: int | None = None) -> bool:
    """Day 1–31, month 1–12, year 1000–2999.

    The day is not checked against the month's length: "31/4" or "29/2/2019" in a portal
    is a typo for a date, and reading it as one is closer to the writer's meaning than
    reading slashes.
    """
    if not 1 <= month <= 12:
        return False
    if year is not None and not 1000 <= year <= 2999:
        return False
    return day is None or 1 <= day <= 31


def read_date(
    day: int | None,
    month: int,
    year: int | None,
    ctx: Context,
    *,
    say_day: bool = True,
    say_month: bool = True,
) -> str:
    """ "ngày chín tháng mười hai năm hai nghìn không trăm mười chín".

    ``say_day=False`` leaves out the leading *ngày* (the text already has it);
    ``say_month=False`` leaves out *tháng* when there is no day ("tháng 12/2019").
    """
    w = _words()
    parts: list[str] = []
    if day is not None:
        if say_day:
            parts.append(w["day"])
        parts += [ctx.num.read_int(day), w["month"]]
    elif say_month:
        parts.append(w["month"])
    parts.append(_months()[month])
    if year is not None:
        parts += [w["year"], ctx.num.read_int(year)]
    return " ".join(parts)


_NUMS = re.compile(r"\d+")
_SEPS = re.compile(r"[/.\-]")


def _ints(text: str) -> list[int]:
    return [int(x) for x in _NUMS.findall(text)]


# -- written forms ------------------------------------------------------------------------
_SP = r"[ \t\u00a0]?"
#: A date separator with the messy spaces portals leave: "09 -12-2019".
_SEP = rf"{_SP}[/.\-]{_SP}"
#: Not followed by more of a number, a letter or another date part.
_END = r"(?![^\W_])(?![.,]?\d)"
#: Full date, day first, four-digit year.
DMY = rf"\d{{1,2}}{_SEP}\d{{1,2}}{_SEP}\d{{4}}(?!\d)"
#: Day and month with "/" or "." (inside lists and ranges, where "-" is the range dash).
_DM_SLASH = rf"\d{{1,2}}{_SP}[/.]{_SP}\d{{1,2}}"
_DASH = r"[ \t\u00a0]*[-–—][ \t\u00a0]*"


# -- handlers -----------------------------------------------------------------------------
def _full_date(m: re.Match[str], ctx: Context) -> str | None:
    """ "19/12/2019", "09 -12-2019", "19.12.2019"."""
    day, month, year = _ints(m.group(0))
    seps = _SEPS.findall(m.group(0))
    if len(set(seps)) != 1 or not valid_date(day, month, year):
        # "10 - 12/2019" is a range of months, not 10 December
        return None
    if context_before(ctx, m.start()) == "month":
        return None
    ok, add = _accept_dm(m, ctx, has_year=True)
    if not ok:
        return None
    return read_date(day, month, year, ctx, say_day=add)


def _iso_date(m: re.Match[str], ctx: Context) -> str | None:
    """ "2019-12-19" (metadata, feeds)."""
    year, month, day = _ints(m.group(0))
    if not valid_date(day, month, year):
        return None
    ok, add = _accept_dm(m, ctx, has_year=True)
    if not ok:
        return None
    return read_date(day, month, year, ctx, say_day=add)


def _day_month(m: re.Match[str], ctx: Context) -> str | None:
    """ "9/12", "24-10", "1.9" without a year: only where the context says it is a date."""
    day, month = _ints(m.group(0))
    if not valid_date(day, month):
        return None
    sep = m.group("sep").strip()
    ok, add = _accept_dm(m, ctx, has_year=False)
    if not ok and sep == "/" and day > 12 and (day, month) != (24, 7) and _plain_day_month(m, ctx):
        # "Chốt phiên 15/11": a day past 12 over a month is no fraction (15 out of 11 is
        # no count either), so it is a date even with no date word before it ("24/7", round
        # the clock, is the times class's).
        ok, add = True, True
    if (
        not ok
        and _AFTER_DAY.search(ctx.before(m.start(), 40))
        and context_after(ctx, m.end()) != "counter"
    ):
        ok, add = True, True
    if not ok:
        return None
    if sep in ".-" and context_before(ctx, m.start()) not in ("day", "part", "holiday"):
        # "từ 2-3", "đến 1.5" are ranges and decimals more often than dates, unless a day
        # was just named: "từ ngày 2 đến 6-9", "ngày 5 và 6.12" (the second day carries
        # the month of both)
        if not _AFTER_DAY.search(ctx.before(m.start(), 40)):
            return None
        ok, add = True, True
    return read_date(day, month, None, ctx, say_day=add)


#: "ngày 2 đến ", "ngày 5, 6 và " right before a day-month: the days of one month.
_AFTER_DAY = re.compile(
    r"(?i:ngày|mùng|mồng)[ \t]+\d{1,2}(?:[ \t]*,[ \t]*\d{1,2})*[ \t]*(?:đến|tới|và|,)[ \t]*$"
)


def _plain_day_month(m: re.Match[str], ctx: Context) -> bool:
    """No street before and no counted noun after ("đường 30/4", "15/11 xã")."""
    return (
        context_before(ctx, m.start()) != "street"
        and context_after(ctx, m.end()) != "counter"
        and not re.match(r"\s*[/\-]\s*\d", ctx.text[m.end() : m.end() + 4])
    )


def _month_year(m: re.Match[str], ctx: Context) -> str | None:
    """ "tháng 12/2019", "tháng 12-2019", "cuối 12/2019"."""
    month, year = _ints(m.group(0))
    if not valid_date(None, month, year):
        return None
    kind = context_before(ctx, m.start())
    if kind == "month" or _MONTH_LIST_BEFORE.search(ctx.before(m.start(), 40)):
        return read_date(None, month, year, ctx, say_month=False)
    if kind in ("weak", "monthonly", "part", "holiday"):
        return read_date(None, month, year, ctx)
    return None


def _month_range(m: re.Match[str], ctx: Context) -> str | None:
    """ "tháng 10 - 12/2019" → "tháng mười đến tháng mười hai năm …"."""
    m1, m2, year = _ints(m.group(0))
    if not (valid_date(None, m1, year) and valid_date(None, m2) and m1 < m2):
        return None
    if context_before(ctx, m.start()) != "month":
        return None
    first = read_date(None, m1, None, ctx, say_month=False)
    return f"{first} {_words()['range']} {read_date(None, m2, year, ctx)}"


def _month_year_range(m: re.Match[str], ctx: Context) -> str | None:
    """ "tháng 10/2019 - 3/2020" → "… đến tháng ba năm …"."""
    m1, y1, m2, y2 = _ints(m.group(0))
    if not (valid_date(None, m1, y1) and valid_date(None, m2, y2)) or (y1, m1) >= (y2, m2):
        return None
    kind = context_before(ctx, m.start())
    if kind not in ("month", "weak", "monthonly"):
        return None
    first = read_date(None, m1, y1, ctx, say_month=kind != "month")
    return f"{first} {_words()['range']} {read_date(None, m2, y2, ctx)}"


def _date_range(m: re.Match[str], ctx: Context) -> str | None:
    """ "10/12 - 15/12/2019", "28/8 - 5/9", "dịp 30/4 - 1/5"."""
    a, b = m.group("a"), m.group("b")
    na, nb = _ints(a), _ints(b)
    ya = na[2] if len(na) == 3 else None
    yb = nb[2] if len(nb) == 3 else None
    if not (valid_date(na[0], na[1], ya or yb) and valid_date(nb[0], nb[1], yb or ya)):
        return None
    ok, add = _accept_dm(m, ctx, has_year=ya is not None or yb is not None)
    if not ok:
        return None
    # Two holidays ("dịp 30/4 - 1/5") are joined by "và"; a span of years after a
    # holiday's name ("Ngày Nhà giáo Việt Nam (20/11/1982 - 20/11/2024)") is "đến".
    after_holiday = context_before(ctx, m.start()) == "holiday"
    holiday = after_holiday and not (ya and yb)
    w = _words()
    first = read_date(na[0], na[1], ya, ctx, say_day=add)
    second = read_date(nb[0], nb[1], yb, ctx, say_day=not after_holiday)
    return f"{first} {w['list_and'] if holiday else w['range']} {second}"


def _day_range(m: re.Match[str], ctx: Context) -> str | None:
    """ "từ ngày 10 - 15/12/2019", "từ 26 - 31/8/2019" → "mười đến mười lăm tháng …"."""
    n = _ints(m.group(0))
    d1, d2, month = n[0], n[1], n[2]
    year = n[3] if len(n) == 4 else None
    if not (valid_date(d1, month, year) and valid_date(d2, month, year) and d1 < d2):
        return None
    ok, add = _accept_dm(m, ctx, has_year=year is not None)
    if not ok:
        # "(26-27/12)": two days and a month are a date even with no word around them,
        # unless a counted noun follows ("3-4/10 hộ") or a street is named after a date.
        if context_before(ctx, m.start()) == "street" or context_after(ctx, m.end()):
            return None
        ok, add = True, True
    w = _words()
    head = f"{w['day']} " if add else ""
    tail = read_date(d2, month, year, ctx, say_day=False)
    return f"{head}{ctx.num.read_int(d1)} {w['range']} {tail}"


_LIST_ITEM = re.compile(r"\d{1,2}|,|&|và|hoặc", re.IGNORECASE)


def _day_list(m: re.Match[str], ctx: Context) -> str | None:
    """ "ngày 9 và 10/12", "các ngày 9, 10 và 11/12/2019"."""
    kind = context_before(ctx, m.start())
    if kind not in ("day", "part"):
        return None
    body, month_part = m.group("days"), m.group("dm")
    tail = _ints(month_part)
    day, month = tail[0], tail[1]
    year = tail[2] if len(tail) == 3 else None
    spoken: list[str] = []
    days: list[int] = []
    for tok in _LIST_ITEM.findall(body):
        if tok.isdigit():
            days.append(int(tok))
            spoken.append(ctx.num.read_int(tok))
        elif tok == ",":
            if spoken:
                spoken[-1] += ","
        else:
            spoken.append(_words()["list_and"] if tok in ("&", "và", "Và") else tok.lower())
    days.append(day)
    if not all(valid_date(d, month, year) for d in days):
        return None
    head = f"{_words()['day']} " if kind == "part" else ""
    tail_spoken = read_date(day, month, year, ctx, say_day=False)
    return head + " ".join([*spoken, tail_spoken])


def _quarter(m: re.Match[str], ctx: Context) -> str | None:
    """ "quý I/2020", "quý 1/2020", "Quý IV-2019", "quý III" → "quý một năm …"."""
    if context_before(ctx, m.start()) != "quarter":
        return None
    q = _quarters().get(m.group("q"))
    if q is None:
        return None
    out = ctx.num.read_int(q)
    year = m.group("y")
    if year:
        y = int(year)
        if not 1000 <= y <= 2999:
            return None
        out += f" {_words()['year']} {ctx.num.read_int(y)}"
    return out


def _year_pair(m: re.Match[str], ctx: Context) -> str | None:
    """ "năm học 2019-2020", "nhiệm kỳ 2020 - 2025", "niên khóa 2019-20"."""
    a, b = int(m.group("a")), m.group("b")
    second = int(b)
    if len(b) == 2:
        second += a // 100 * 100
        if second <= a:
            second += 100
    if not (1000 <= a < second <= a + 10):
        return None
    kind = context_before(ctx, m.start())
    # Two whole years joined by a slash ("V-League 2024/2025") are a season whatever comes
    # before: no one writes a fraction that way.
    season = (
        "/" in m.group(0)
        and 1900 <= a <= 2100
        and (len(b) == 4 or int(b) == (a + 1) % 100)  # "2024/2025", "2024/25"
    )
    if (
        not season
        and kind != "yearpair"
        and not _YEAR_PAIR_BEFORE.search(ctx.before(m.start(), 30))
    ):
        return None
    return f"{ctx.num.read_int(a)} {_words()['range']} {ctx.num.read_int(second)}"


def _month_after_thang(m: re.Match[str], ctx: Context) -> str | None:
    """ "tháng 4" → "tháng tư" (a bare number after *tháng* names the month).

    Not after a quantity: "mỗi tháng 4 lần", "3 tháng 4 ngày".
    """
    if "tháng" not in ctx.before(m.start(), 60).lower():
        return None  # a quick test first: most bare numbers have no "tháng" before them
    words = ctx.words_before(m.start(), 3)
    if not words or words[-1] != "tháng":
        return None
    if len(words) >= 2:
        if context_per(words[-2]):
            return None
        if words[-2].isdigit():
            # "ngày 19 tháng 4" is a date; "3 tháng 4 ngày" is a duration
            head = _context()["before"].get(words[-3]) if len(words) == 3 else None
            if head not in ("day", "part"):
                return None
    month = int(m.group(0))
    if not 1 <= month <= 12:
        return None
    return _months()[month]


def context_per(word: str) -> bool:
    """Words before *tháng* that make it a duration: "mỗi tháng", "hằng tháng", "vài tháng"."""
    return _context()["before"].get(word) == "per"


def _stamp_date_time(m: re.Match[str], ctx: Context) -> str | None:
    """ "19/12/2019 15:53", "Thứ Năm, 19/12/2019 - 15:53", "03/06/2020 | 17:11"."""
    if len(set(_SEPS.findall(m.group("date")))) != 1:
        return None
    day, month, year = _ints(m.group("date"))
    time = times.read_time(m.group("time"), ctx)
    if time is None or not valid_date(day, month, year):
        return None
    ok, add = _accept_dm(m, ctx, has_year=True)
    if not ok:
        return None
    date = read_date(day, month, year, ctx, say_day=add)
    return f"{date}{_words()['stamp_joiner']} {time}"


def _stamp_time_date(m: re.Match[str], ctx: Context) -> str | None:
    """ "(15:53 | 19/12/2019)", "00:00 17/09/2018" → "… giờ …, ngày …"."""
    time = times.read_time(m.group("time"), ctx)
    day, month, year = _ints(m.group("date"))
    if time is None or not valid_date(day, month, year):
        return None
    if context_before(ctx, m.start()) == "street":
        return None
    date = read_date(day, month, year, ctx)
    return f"{time}{_words()['stamp_joiner']} {date}"


def rules() -> list[Rule]:
    """Longest forms first: stamps, ranges and lists before a single date."""
    time = times.TIME
    stamp_sep = r"(?:[ \t\u00a0]*[|,\-–—][ \t\u00a0]*|[ \t\u00a0]+)"
    quarter_before = _before_kind("quarter")
    after_thang = after_words(["tháng"], r"\W_")
    return [
        Rule(
            "dates",
            rf"(?P<date>{DMY}){stamp_sep}(?P<time>{time})",
            safe(_stamp_date_time),
        ),
        Rule(
            "dates",
            rf"(?P<time>{time}){stamp_sep}(?P<date>\d{{1,2}}[/.\-]\d{{1,2}}[/.\-]\d{{4}})(?!\d)",
            safe(_stamp_time_date),
        ),
        Rule(
            "dates",
            rf"(?P<a>{_DM_SLASH}(?:{_SP}[/.]{_SP}\d{{4}})?){_DASH}"
            rf"(?P<b>{_DM_SLASH}(?:{_SP}[/.]{_SP}\d{{4}})?){_END}",
            safe(_date_range),
        ),
        Rule(
            "dates",
            rf"\d{{1,2}}{_DASH}{_DM_SLASH}(?:{_SP}[/.]{_SP}\d{{4}})?{_END}",
            safe(_day_range),
        ),
        Rule(
            "dates",
            r"(?P<days>\d{1,2}(?:[ \t]*,[ \t]*\d{1,2})*(?:[ \t]*,[ \t]*|[ \t]+(?:và|&)[ \t]+))"
            rf"(?P<dm>{_DM_SLASH}(?:{_SP}[/.]{_SP}\d{{4}})?){_END}",
            safe(_day_list),
        ),
        Rule(
            "dates",
            rf"\d{{1,2}}{_DASH}\d{{1,2}}{_SEP}\d{{4}}{_END}",
            safe(_month_range),
        ),
        Rule("dates", rf"\d{{4}}-\d{{1,2}}-\d{{1,2}}{_END}", safe(_iso_date)),
        Rule("dates", rf"{DMY}{_END}", safe(_full_date)),
        Rule(
            "dates",
            rf"\d{{1,2}}{_SEP}\d{{4}}{_DASH}\d{{1,2}}{_SEP}\d{{4}}{_END}",
            safe(_month_year_range),
        ),
        Rule("dates", rf"\d{{1,2}}{_SEP}\d{{4}}{_END}", safe(_month_year)),
        Rule(
            "dates",
            rf"\d{{1,2}}(?P<sep>{_SP}/{_SP}|[.\-])\d{{1,2}}{_END}(?!{_SP}[/.\-–]{_SP}\d)",
            safe(_day_month),
        ),
        Rule(
            "dates",
            # after a phrase of kind "quarter" (see _quarter): one of their last letters
            rf"(?=[1-4I]){quarter_before}(?P<q>IV|I{{1,3}}|[1-4])(?:{_SP}[/.\-]{_SP}(?P<y>\d{{4}}))?{_END}",
            safe(_quarter),
        ),
        Rule(
            "dates",
            r"(?P<a>\d{4})[ \t\u00a0]*[-–—/][ \t\u00a0]*(?P<b>\d{4}|\d{2})(?![^\W_])(?![.,/\-]?\d)",
            safe(_year_pair),
        ),
        Rule(
            "dates",
            # after the word "tháng" only (see _month_after_thang)
            rf"(?=\d\d?(?!\d)){after_thang}\d{{1,2}}{_END}(?!{_SP}[/.\-–]{_SP}\d)",
            safe(_month_after_thang),
        ),
    ]
