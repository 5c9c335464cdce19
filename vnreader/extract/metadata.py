"""Dates and other metadata of an article page: portal stamps, meta tags, JSON-LD.

Every date vnreader reports is timezone-aware in Vietnam time (UTC+07:00, no daylight
saving since 1975, so a fixed offset is exact and needs no tz database). A stamp with an
explicit offset ("GMT+7", "+00:00", "Z") is converted; a naive one is read as local time.
A page with no detectable date gives ``None``: a wrong date read aloud is worse than none.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from lxml import html as lxml_html

VN_TZ = timezone(timedelta(hours=7), "ICT")

_MIN_YEAR = 1990  # no Vietnamese web portal article predates this
_MAX_YEAR = 2100

_SPACES = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")

# d/m/yyyy with "/", "-" or "." (Vietnamese order: day first, always).
_DMY = re.compile(r"(?<!\d)(\d{1,2})\s?([/.-])\s?(\d{1,2})\s?\2\s?(\d{4})(?!\d)")
# "ngày 19 tháng 12 năm 2019" (and without "ngày")
_DMY_WORDS = re.compile(
    r"(?<!\d)(\d{1,2})\s+tháng\s+(\d{1,2})\s*(?:,\s*|\s+)năm\s+(\d{4})(?!\d)", re.IGNORECASE
)
# WordPress in Vietnamese: "Tháng 6 13, 2024", "Tháng Sáu 13, 2024", "13 Tháng Sáu, 2024"
_MONTH_WORDS = {
    "một": 1,
    "giêng": 1,
    "hai": 2,
    "ba": 3,
    "tư": 4,
    "bốn": 4,
    "năm": 5,
    "sáu": 6,
    "bảy": 7,
    "bẩy": 7,
    "tám": 8,
    "chín": 9,
    "mười": 10,
    "mười một": 11,
    "mười hai": 12,
    "chạp": 12,
}
_MONTH = (
    r"(\d{1,2}|mười\s+một|mười\s+hai|một|giêng|hai|ba|tư|bốn|năm|sáu|bảy|bẩy|tám|chín|mười|chạp)"
)
_MDY_WORDS = re.compile(rf"tháng\s+{_MONTH}\s+(\d{{1,2}}),?\s+(\d{{4}})(?!\d)", re.IGNORECASE)
_DMY_MONTHWORD = re.compile(
    rf"(?<!\d)(\d{{1,2}})\s+tháng\s+{_MONTH},?\s+(\d{{4}})(?!\d)", re.IGNORECASE
)


def _month(word: str) -> int:
    word = " ".join(word.lower().split())
    if word.isdigit():
        return int(word)
    return _MONTH_WORDS.get(word) or _EN_MONTHS.get(word[:3], 0)


# English month names (Joomla/K2, Drupal, EPiServer or DNN left in an English locale):
# "August 5, 2024", "Aug 5, 2024 9:15 AM", "5 August 2024", "05 Aug 2024"
_EN_MONTHS = {
    m: n for n, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)
}
_EN_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_EN_MDY = re.compile(
    rf"(?<![\w]){_EN_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?!\d)", re.IGNORECASE
)
_EN_DMY = re.compile(
    rf"(?<!\d)(\d{{1,2}})(?:st|nd|rd|th)?\s+{_EN_MONTH},?\s+(\d{{4}})(?!\d)", re.IGNORECASE
)
# the short Vietnamese month ("05 Th8 2024", "5 thg 8, 2024": Intl and CLDR short forms)
_DMY_SHORT = re.compile(
    r"(?<!\d)(\d{1,2})\s+th(?:g)?\.?\s?(\d{1,2}),?\s+(\d{4})(?!\d)", re.IGNORECASE
)


# yyyy-mm-dd (ISO order, as in meta tags but sometimes visible too)
_YMD = re.compile(r"(?<!\d)(\d{4})([/-])(\d{1,2})\2(\d{1,2})(?!\d)")
# 15:53, 15:53:00, 15h53, 15 giờ 53, 15g53 (a time next to the date)
_TIME = re.compile(
    r"(?<![\d:])([01]?\d|2[0-3])\s?(?::|h|g|giờ)\s?([0-5]\d)(?::([0-5]\d))?(?![\d:])"
    r"(?:\s*(SA|CH|AM|PM|sáng|chiều|tối)(?!\w))?",
    re.IGNORECASE,
)
# GMT+7, GMT+07:00, UTC+7, (GMT+7)
_OFFSET = re.compile(r"\b(?:GMT|UTC)\s?([+-])\s?(\d{1,2})(?::?(\d{2}))?", re.IGNORECASE)
_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?)?"
)

# Meta keys that name the publication date, best first. Keys naming a modification
# date are left out on purpose: "updated" is not "published".
STRONG_META = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "og:pubdate",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "article.published",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
)
WEAK_META = ("dc.date", "dc.date.created", "dcterms.created", "date", "created")


def _clean(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _mk(
    y: int, mo: int, d: int, hh: int = 0, mi: int = 0, ss: int = 0, tz: timezone | None = None
) -> datetime | None:
    if not _MIN_YEAR <= y <= _MAX_YEAR:
        return None
    try:
        dt = datetime(y, mo, d, hh, mi, ss)
    except ValueError:
        return None
    if tz is None:
        return dt.replace(tzinfo=VN_TZ)
    return dt.replace(tzinfo=tz).astimezone(VN_TZ)


def _offset(m: re.Match[str] | None) -> timezone | None:
    if m is None:
        return None
    sign = -1 if m.group(1) == "-" else 1
    hours, minutes = int(m.group(2)), int(m.group(3) or 0)
    if hours > 14 or minutes > 59:
        return None
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def parse_iso(text: str) -> datetime | None:
    """An ISO 8601 date-time (meta tags, JSON-LD, ``<time datetime>``), or ``None``."""
    text = _clean(text)
    m = _ISO.search(text)
    if m is None:
        return _parse_rfc2822(text)
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    hh = int(m.group(4) or 0)
    mi = int(m.group(5) or 0)
    ss = int(m.group(6) or 0)
    tz: timezone | None = None
    zone = m.group(7)
    if zone == "Z":
        tz = UTC
    elif zone:
        zone = zone.replace(":", "")
        sign = -1 if zone[0] == "-" else 1
        tz = timezone(sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5])))
    return _mk(y, mo, d, hh, mi, ss, tz)


def _parse_rfc2822(text: str) -> datetime | None:
    # "Thu, 19 Dec 2019 15:53:00 +0700" (some portals' meta tags and RSS-style stamps)
    if not re.search(r"[A-Za-z]{3},? \d{1,2} [A-Za-z]{3} \d{4}", text):
        return None
    try:
        dt = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if dt is None or not _MIN_YEAR <= dt.year <= _MAX_YEAR:
        return None
    if dt.tzinfo is None:
        return dt.replace(tzinfo=VN_TZ)
    return dt.astimezone(VN_TZ)


# ASP.NET's default en-US culture prints "6/28/2023 4:05:00 PM" (M/d/yyyy h:mm:ss tt):
# no leading zeros, seconds, an English AM/PM right after the date
_US_STAMP = re.compile(
    r"^(?:[1-9]|1[0-2])/(?:[1-9]|[12]\d|3[01])/\d{4}\s+(?:[1-9]|1[0-2]):[0-5]\d:[0-5]\d\s*[AP]M\b",
    re.IGNORECASE,
)


def _month_first(m: re.Match[str], text: str) -> bool:
    """Whether a d/m/y-looking date is really month first (US order).

    Vietnamese stamps are day first; the US order is taken only when the day-first
    reading is impossible (second number > 12, first ≤ 12: "6/28/2023") or the stamp is
    exactly .NET's en-US default ("6/7/2023 4:05:00 PM": no leading zeros, seconds and an
    English AM/PM), which servers left in the default culture print."""
    first, second = int(m.group(1)), int(m.group(3))
    if first <= 12 < second:
        return True
    if _DRUPAL_MEDIUM.fullmatch(text.strip()):
        return True
    return m.group(2) == "/" and bool(_US_STAMP.match(text[m.start() :]))


# Drupal's default "medium" date format, "D, m/d/Y - H:i" ("Mon, 08/05/2024 - 09:15"),
# which a Drupal site whose date formats were never localised prints: month first
_DRUPAL_MEDIUM = re.compile(
    r"(?:mon|tue|wed|thu|fri|sat|sun), [01]\d/[0-3]\d/\d{4} - [0-2]\d:[0-5]\d", re.IGNORECASE
)


def parse_date(text: str) -> datetime | None:
    """The date and time of a visible portal stamp, or ``None`` when it holds no date.

    Reads day-first dates ("19/12/2019", "5-1-2020", "19.12.2019", "ngày 19 tháng 12 năm
    2019") with a time anywhere in the same stamp ("15:53", "15h53", "15 giờ 53") and an
    optional "GMT+7". ISO forms are read too. Without a time the date is taken at 00:00.
    """
    text = _clean(text)
    if not text:
        return None
    found: tuple[int, int, int, int, int] | None = None  # y, m, d, start, end
    m = _DMY.search(text)
    if m:
        found = (int(m.group(4)), int(m.group(3)), int(m.group(1)), m.start(), m.end())
        if _month_first(m, text):
            found = (found[0], found[2], found[1], found[3], found[4])
    else:
        m = _DMY_WORDS.search(text)
        if m:
            found = (int(m.group(3)), int(m.group(2)), int(m.group(1)), m.start(), m.end())
        elif m := _DMY_MONTHWORD.search(text):
            found = (int(m.group(3)), _month(m.group(2)), int(m.group(1)), m.start(), m.end())
        elif m := _MDY_WORDS.search(text):
            found = (int(m.group(3)), _month(m.group(1)), int(m.group(2)), m.start(), m.end())
        elif m := _DMY_SHORT.search(text):
            found = (int(m.group(3)), int(m.group(2)), int(m.group(1)), m.start(), m.end())
        elif m := _EN_MDY.search(text):
            found = (int(m.group(3)), _month(m.group(1)), int(m.group(2)), m.start(), m.end())
        elif m := _EN_DMY.search(text):
            found = (int(m.group(3)), _month(m.group(2)), int(m.group(1)), m.start(), m.end())
        else:
            m = _YMD.search(text)
            if m:
                iso = parse_iso(text[m.start() :])
                if iso is not None and "T" in text[m.start() : m.start() + 11 + 1]:
                    return iso
                found = (int(m.group(1)), int(m.group(3)), int(m.group(4)), m.start(), m.end())
    if found is None:
        return None
    y, mo, d, start, end = found
    hh = mi = ss = 0
    # the time closest to the date, before or after it (portals write both orders)
    best: re.Match[str] | None = None
    best_gap = 10**9
    for t in _TIME.finditer(text):
        if start <= t.start() < end:
            continue
        gap = t.start() - end if t.start() >= end else start - t.end()
        if gap < best_gap and gap <= 40:
            best, best_gap = t, gap
    if best is not None:
        hh, mi = int(best.group(1)), int(best.group(2))
        ss = int(best.group(3) or 0)
        meridiem = (best.group(4) or "").upper()
        if meridiem in ("PM", "CH", "CHIỀU", "TỐI") and hh < 12:
            hh += 12
        elif meridiem in ("AM", "SA") and hh == 12:
            hh = 0
    return _mk(y, mo, d, hh, mi, ss, _offset(_OFFSET.search(text)))


def has_time(text: str) -> bool:
    """Whether a stamp names a time of day, not only a date."""
    return _TIME.search(_clean(text)) is not None or bool(re.search(r"T\d{2}:\d{2}", text))


_STAMP_WORDS = re.compile(
    r"\b(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|bẩy|2|3|4|5|6|7)|chủ\s+nhật|cn|t[2-7]|"
    r"lần\s+cập\s+nhật\s+cuối|cập\s+nhật\s+lần\s+cuối|sửa\s+lần\s+cuối|last\s+(?:updated|modified)|"
    r"ngày|tháng|năm|lúc|giờ|cập\s+nhật|đăng|ngày\s+đăng|xuất\s+bản|đăng\s+tải|"
    r"gmt|utc|sa|ch|am|pm|post(?:ed)?|updated?|published|on|at|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tue|wed|thu|fri|sat|sun)\b",
    re.IGNORECASE,
)


def is_date_stamp(text: str) -> bool:
    """Whether a line is only a date stamp ("(15:53 | 19/12/2019)", "Thứ Năm, 19/12/2019")."""
    text = _clean(text)
    if len(text) > 90 or parse_date(text) is None:
        return False
    rest = _DMY.sub(" ", text)
    rest = _DMY_WORDS.sub(" ", rest)
    rest = _YMD.sub(" ", rest)
    for pattern in (_DMY_MONTHWORD, _MDY_WORDS, _DMY_SHORT, _EN_MDY, _EN_DMY):
        rest = pattern.sub(" ", rest)
    rest = _TIME.sub(" ", rest)
    rest = _OFFSET.sub(" ", rest)
    rest = _STAMP_WORDS.sub(" ", rest)
    rest = re.sub(r"[\W\d_]+", "", rest)
    return len(rest) <= 3


# --- meta tags and JSON-LD ---------------------------------------------------------


def _meta_items(doc: lxml_html.HtmlElement) -> Iterator[tuple[str, str]]:
    for meta in doc.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        content = meta.get("content")
        if key and content:
            yield key.strip().lower(), content.strip()


def meta_map(doc: lxml_html.HtmlElement) -> dict[str, str]:
    """The page's meta tags by lower-cased name/property (first value wins)."""
    out: dict[str, str] = {}
    for key, value in _meta_items(doc):
        out.setdefault(key, value)
    return out


def json_ld(doc: lxml_html.HtmlElement) -> list[dict[str, object]]:
    """Every JSON-LD object of the page (``@graph`` and lists flattened); bad JSON skipped."""
    out: list[dict[str, object]] = []

    def walk(node: object) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            out.append(node)
            if "@graph" in node:
                walk(node["@graph"])

    for script in doc.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            walk(json.loads(raw, strict=False))
        except ValueError:
            continue
    return out


def _ld_types(obj: dict[str, object]) -> set[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return {t}
    if isinstance(t, list):
        return {x for x in t if isinstance(x, str)}
    return set()


_ARTICLE_TYPES = {"NewsArticle", "Article", "BlogPosting", "ReportageNews", "WebPage"}


def ld_published(items: Iterable[dict[str, object]]) -> datetime | None:
    """``datePublished`` of the page's article object in JSON-LD."""
    fallback: datetime | None = None
    for obj in items:
        value = obj.get("datePublished")
        if not isinstance(value, str):
            continue
        dt = parse_iso(value)
        if dt is None:
            continue
        if _ld_types(obj) & _ARTICLE_TYPES:
            return dt
        fallback = fallback or dt
    return fallback


def meta_published(doc: lxml_html.HtmlElement, strong_only: bool = False) -> datetime | None:
    """The publication date named by meta tags, ``<time pubdate>`` excluded."""
    meta = meta_map(doc)
    keys = STRONG_META if strong_only else STRONG_META + WEAK_META
    for key in keys:
        value = meta.get(key)
        if value:
            dt = parse_iso(value) or parse_date(value)
            if dt is not None:
                return dt
    return None


def ld_breadcrumb(items: Iterable[dict[str, object]]) -> list[str]:
    """Names of a JSON-LD ``BreadcrumbList``, in order."""
    for obj in items:
        if "BreadcrumbList" not in _ld_types(obj):
            continue
        elements = obj.get("itemListElement")
        if not isinstance(elements, list):
            continue
        names: list[tuple[int, str]] = []
        for i, el in enumerate(elements):
            if not isinstance(el, dict):
                continue
            name = el.get("name")
            item = el.get("item")
            if not isinstance(name, str) and isinstance(item, dict):
                name = item.get("name")
            pos = el.get("position")
            if isinstance(name, str) and name.strip():
                names.append((pos if isinstance(pos, int) else i, _clean(name)))
        return [n for _, n in sorted(names)]
    return []


def ld_author(items: Iterable[dict[str, object]]) -> str | None:
    """The author's name from the article object of the JSON-LD, if it gives a person."""
    for obj in items:
        if not _ld_types(obj) & _ARTICLE_TYPES:
            continue
        author = obj.get("author")
        if isinstance(author, list) and author:
            author = author[0]
        if isinstance(author, dict):
            if author.get("@type") not in (None, "Person"):
                continue
            author = author.get("name")
        if isinstance(author, str) and author.strip():
            return _clean(author)
    return None


__all__ = [
    "VN_TZ",
    "has_time",
    "is_date_stamp",
    "json_ld",
    "ld_author",
    "ld_breadcrumb",
    "ld_published",
    "meta_map",
    "meta_published",
    "parse_date",
    "parse_iso",
]
