"""Codes: document numbers, telephone numbers, house and road numbers, plates, tax codes.

Reading rules (what a news presenter says; see docs/normalizer/codes.md):

* Document numbers ("1234/QĐ-UBND", "05-CT/TW", "15/2020/NĐ-CP", "45/2019/QH14") are cited
  the way Vietnamese speech cites them: the number, the year after *năm*, the issuer after
  *của*: "Nghị định 15/2020/NĐ-CP" → *Nghị định mười lăm năm hai nghìn không trăm hai
  mươi của Chính phủ*. A number with a leading zero keeps it (*Chỉ thị không năm*), as
  that is the document's name. The type code is silent when the words before already name
  the type; filing-unit codes after the issuer ("567/UBND-VP") are not said. When the text
  names the issuer itself ("… ngày 12/5/2020 của UBND tỉnh") the issuer code is silent too.
* Telephone numbers are read digit by digit in their written groups, with a pause (comma)
  between groups: "0913.123.456" → *không chín một ba, một hai ba, bốn năm sáu*.
* A slashed house or alley number is *trên* in the North and *xẹt* in the South
  ("hẻm 12/3"); a street named after a date is said as the date ("đường 3/2" → *đường ba
  tháng hai*); road codes are expanded ("QL80" → *Quốc lộ tám mươi*).
* Tax numbers, bank accounts, ID cards and postal codes after their label are read digit
  by digit; vehicle plates digit by digit with the series letters named.
"""

from __future__ import annotations

import functools
import re

from vnreader.normalizer.data import read_map, read_tsv
from vnreader.normalizer.engine import Context, Rule
from vnreader.normalizer.guards import after_words
from vnreader.normalizer.letters import spell_letters as spell
from vnreader.normalizer.patterns import EndsWith

# -- shared data --------------------------------------------------------------------------


@functools.cache
def _words() -> dict[str, str]:
    return read_map("code_words.tsv")


def _expand_abbreviation(token: str) -> str | None:
    """The abbreviations class's reading of ``token``, if that class is available."""
    try:
        from vnreader.normalizer.abbreviations import expand  # type: ignore[attr-defined]
    except ImportError:
        return None
    try:
        return expand(token)
    except Exception:
        return None


# -- document numbers -----------------------------------------------------------------------

#: One letter code: capitals (Vietnamese ones too), "TTg" style lower-case tails, and an
#: optional term number ("QH14").
_CODE = r"[A-ZĐ][A-ZĐƯƠÂÊÔĂ]*(?:[a-z]{1,2})?\d{0,3}"
_DOC_PATTERN = (
    r"(?P<num>\d{1,6})(?:/(?P<year>(?:19|20)\d{2}))?"
    rf"(?P<codes>(?:(?:\s?[-/]\s?|\.(?=[A-ZĐ])){_CODE}){{1,4}})"
    r"(?![^\W_])(?!-\d)"
)
_CODE_SPLIT = re.compile(r"\s?[-/]\s?|\.(?=[A-ZĐ])")
_CODE_PARTS = re.compile(r"(?P<letters>[^\d]+)(?P<digits>\d*)")


@functools.cache
def _doc_types() -> dict[str, str]:
    return read_map("doc_types.tsv")


@functools.cache
def _joint_types() -> frozenset[str]:
    """Types issued jointly by several bodies: every later code is an issuer."""
    return frozenset(r[0] for r in read_tsv("doc_types.tsv") if len(r) > 2 and r[2] == "joint")


@functools.cache
def _doc_issuers() -> dict[str, str]:
    return read_map("doc_issuers.tsv")


def _read_issuer(code: str, ctx: Context) -> str | None:
    """Spoken name of an issuer code: doc table, then abbreviations, then letter names."""
    issuers = _doc_issuers()
    if code in issuers:
        return issuers[code]
    parts = _CODE_PARTS.fullmatch(code)
    if parts and parts.group("digits"):
        letters, digits = parts.group("letters"), parts.group("digits")
        if letters + "#" in issuers:  # "QH14" → "Quốc hội khóa mười bốn"
            return f"{issuers[letters + '#']} {ctx.num.read_int(digits)}"
        head = _read_issuer(letters, ctx)
        return f"{head} {ctx.num.read_digits(digits)}" if head else None
    expanded = _expand_abbreviation(code)
    if expanded:
        return expanded
    return spell(code)


#: The citation formula that names the issuer in words: "… ngày 12/5/2020 của UBND tỉnh",
#: "Giấy phép số 12/GP-TTĐT do Sở TT&TT cấp".
_ISSUER_FOLLOWS = re.compile(
    r"\s*,?\s*(?:(?:ban hành\s+)?ngày\s+[\d/.\-]+(?:\s+tháng\s+\d+\s+năm\s+\d+)?\s*,?\s*)?"
    r"(?:của|do)\s",
    re.IGNORECASE,
)


def _type_named_before(ctx: Context, pos: int, code: str, name: str) -> bool:
    """True when the words before the number already say the document type."""
    before = ctx.before(pos, 50)
    before = re.sub(r"(?i)\s*(?:số|so)?\s*[:.]?\s*$", "", before)
    tail = before.lower()
    return tail.endswith(name) or before.endswith(code)


def _unglue(codes: list[str]) -> list[str]:
    """A type glued to its issuer ("QĐUBND", "TBVPUB") split in two: "QĐ", "UBND"."""
    types, issuers = _doc_types(), _doc_issuers()
    out: list[str] = []
    for code in codes:
        if code in types or code in issuers or _expand_abbreviation(code):
            out.append(code)
            continue
        for t in sorted((t for t in types if code.startswith(t)), key=len, reverse=True):
            rest = code[len(t) :]
            if len(rest) >= 2 and (rest in issuers or _expand_abbreviation(rest)):
                out += [t, rest]
                break
        else:
            out.append(code)
    return out


def _document(m: re.Match[str], ctx: Context) -> str | None:
    codes = _unglue([c for c in _CODE_SPLIT.split(m.group("codes")) if c])
    if not codes:
        return None
    types, issuers = _doc_types(), _doc_issuers()
    # Every code must be known or spellable, else this is not a document number.
    if not all(c in types or c in issuers or _read_issuer(c, ctx) for c in codes):
        return None
    num = m.group("num")
    words = [ctx.num.read_digits(num) if len(num) > 1 and num[0] == "0" else ctx.num.read_int(num)]
    if m.group("year"):
        words += [_words()["year"], ctx.num.read_int(m.group("year"))]
    type_code = codes[0] if codes[0] in types else None
    rest = codes[1:] if type_code else codes
    if type_code and not _type_named_before(ctx, m.start(), type_code, types[type_code]):
        words.append(types[type_code])
    if not type_code and not m.group("year") and len(rest) == 1 and rest[0] not in issuers:
        # "12-ABC" alone is too weak to be a document number
        return None
    if rest and not _ISSUER_FOLLOWS.match(ctx.text, m.end()):
        # one issuer; the codes after it are filing units, except in joint documents
        said = rest if type_code in _joint_types() else rest[:1]
        names = [_read_issuer(code, ctx) for code in said]
        if any(name is None for name in names):
            return None
        words += [_words()["of"], f" {_words()['and']} ".join(names)]  # type: ignore[arg-type]
    return " ".join(words)


# -- telephone numbers ----------------------------------------------------------------------

_SEP = r"[ .\-]"
_PHONE_PATTERN = (
    # international: +84 …, (+84) …
    r"(?P<intl>\(?\+84\)?[ .\-]?\(?0?\)?[ .\-]?\d(?:[ .\-]?\d){7,9})(?![.,]?\d)"
    # (0297) 3.835.123
    r"|(?P<paren>\(0\d{2,3}\)[ .\-]?\d(?:[ .\-]?\d){5,7})(?![.,]?\d)"
    # 0913.123.456, 0297 3835 123
    r"|(?P<local>0\d(?:[ .\-]?\d){8,9})(?![.,]?\d)"
    # 1900 1234, 1800.1091, 1900.56.56.56
    r"|(?P<hotline>1[89]00(?:[ .\-]?\d){4,6})(?![.,]?\d)"
)
_GROUPS = re.compile(r"\d+")


@functools.cache
def _phone_triggers() -> tuple[EndsWith, EndsWith]:
    """A phone word ends the text before a number (then ": ", "số", "(" may follow)."""
    rows = read_tsv("phone_triggers.tsv")
    tail = r"\(?\s*[:.]?(?:\s*ốs)?\s*"  # \s*(?:số\s*)?[:.]?\s*\(? backwards
    return (
        EndsWith([r[0] for r in rows if r[1] == "any"], tail),
        EndsWith([r[0] for r in rows], tail),
    )


@functools.cache
def _phone_service() -> frozenset[str]:
    return frozenset(read_map("phone_service.tsv"))


def _split_long(group: str) -> list[str]:
    """Split an unseparated run of digits the way numbers are said: 4-3-3, 4-3-4 …"""
    n = len(group)
    if n <= 4:
        return [group]
    sizes = {5: [2, 3], 6: [3, 3], 7: [3, 4], 8: [4, 4], 9: [3, 3, 3], 10: [4, 3, 3], 11: [4, 3, 4]}
    out, i = [], 0
    for size in sizes.get(n, [4] * (n // 4) + ([n % 4] if n % 4 else [])):
        out.append(group[i : i + size])
        i += size
    return out


def _group_digits(groups: list[str]) -> list[str]:
    """Written groups, with runs of one digit joined to the next ("3.835.123" → 3835, 123)
    and long runs split."""
    merged: list[str] = []
    carry = ""
    for g in groups:
        g = carry + g
        carry = ""
        if len(g) == 1:
            carry = g
            continue
        merged.extend(_split_long(g))
    if carry:
        if merged:
            merged[-1] += carry
        else:
            merged.append(carry)
    return merged


def read_phone(written: str, ctx: Context) -> str:
    """Digit by digit, a comma between groups; "+" is *cộng*."""
    groups = _group_digits(_GROUPS.findall(written))
    spoken = ", ".join(ctx.num.read_digits(g) for g in groups)
    if written.lstrip("(").startswith("+"):
        spoken = f"{_words()['plus']} {spoken}"
    return spoken


def _phone(m: re.Match[str], ctx: Context) -> str | None:
    written = m.group(0)
    digits = "".join(_GROUPS.findall(written))
    if m.group("intl"):
        national = digits[2:].lstrip("0")
        if not 9 <= len(national) <= 10:
            return None
        return read_phone(written, ctx)
    if m.group("hotline"):
        if len(digits) not in (8, 10):
            return None
        return read_phone(written, ctx)
    if m.group("paren"):
        if len(digits) not in (10, 11):
            return None
        return read_phone(written, ctx)
    # local: 10 digits (mobile 03/05/07/08/09, old landline 04/08 …) or 11 (landline 02x)
    ok_len = (len(digits) == 10 and digits[1] in "3456789") or (
        len(digits) == 11 and digits[1] in "12"
    )
    if not ok_len:
        return None
    groups = re.split(_SEP, written)
    if len(groups) > 1 and len(groups[0]) < 3:
        # "01.01.2020 08" is a date and a time, not a phone number
        return None
    return read_phone(written, ctx)


_TRIGGERED_PATTERN = r"\d{3,5}(?:[ .\-]\d{2,4}){0,3}(?![.,]?\d)"


#: A service number reached "through the number": "tố giác qua số 113", "gọi tới số 115".
_SERVICE_VIA = EndsWith(["qua số", "tới số", "đến số", "theo số", "về số", "vào số"], r"\s*")

#: Earlier numbers of a list of phone numbers: "gọi 113 hoặc 114", "ĐT: 0297…, 0913…".
_LIST_TAIL = re.compile(r"(?:\d[\d .\-]*\d|\d)\s*(?:,|;|/|hoặc|và)\s*$")
#: What such a list's text ends with (a quick test before the search).
_LIST_JOINERS = (",", ";", "/", "hoặc", "và")


def _triggered_phone(m: re.Match[str], ctx: Context) -> str | None:
    """A short number after a phone word: "gọi 113", "đường dây nóng 1022"."""
    written = m.group(0)
    digits = "".join(_GROUPS.findall(written))
    before = ctx.before(m.start(), 80)
    listed_after_phone = False
    while before.rstrip().endswith(_LIST_JOINERS) and (tail := _LIST_TAIL.search(before)):
        # "… 069.2345.678 hoặc 113": a number listed after a telephone number is one too
        listed_after_phone |= len(re.sub(r"\D", "", tail.group(0))) >= 9
        before = before[: tail.start()]
    any_re, all_re = _phone_triggers()
    if any_re.search(before):
        return read_phone(written, ctx)
    if digits in _phone_service():
        if listed_after_phone or all_re.search(before) or _SERVICE_VIA.search(before):
            return read_phone(written, ctx)
        # a service number may be named first: "Tổng đài bảo vệ trẻ em 111", "Gọi ngay 1022"
        for k in range(1, 5):
            words = re.search(rf"(?:[^\W\d_]+\s+){{{k}}}$", before)
            if words is None:
                break
            if all_re.search(before[: words.start()]):
                return read_phone(written, ctx)
    return None


# -- digit codes: tax numbers, accounts, ID cards ----------------------------------------------

_DIGIT_CODE_PATTERN = r"\d{4,}(?:[ .\-]\d{2,})*(?![.,]?\d)"


@functools.cache
def _code_trigger_re() -> EndsWith:
    """A code word ends the text: "mã số thuế: ", "số tài khoản "."""
    phrases = [r[0] for r in read_tsv("code_triggers.tsv", 1)]
    return EndsWith(phrases, r"\s*[:.]?(?:\s*ốs)?\s*")  # \s*(?:số\s*)?[:.]?\s* backwards


def _code_guard() -> str:
    """Look-behinds that turn away a number no code word ends right before (the last
    character of a word, of "số", or ":" / "."): what ``_digit_code`` declines."""
    ends = [r[0].split()[-1] for r in read_tsv("code_triggers.tsv", 1)] + ["số", ":", "."]
    return after_words(ends)


def _phone_guard() -> str:
    """What ``_triggered_phone`` can accept, told before it is asked: a service number
    (its first three digits), or a phone word, "số", ":", "." or "(" ending right
    before, or a list joiner (",", ";", "/", "hoặc", "và") after earlier numbers."""
    rows = read_tsv("phone_triggers.tsv")
    ends = [r[0].split()[-1] for r in rows if r[1] == "any"]
    ends += ["số", ":", ".", "(", ",", ";", "/", "hoặc", "và"]
    service = sorted({s[:3] for s in _phone_service() if len(s) >= 3})
    return f"(?:(?={'|'.join(service)})|{after_words(ends)})"


def _digit_code(m: re.Match[str], ctx: Context) -> str | None:
    if not _code_trigger_re().search(ctx.before(m.start(), 40)):
        return None
    groups = _GROUPS.findall(m.group(0))
    return ", ".join(ctx.num.read_digits(g) for g in groups)


# -- addresses and roads --------------------------------------------------------------------


@functools.cache
def _street_rows() -> tuple[tuple[str, ...], ...]:
    return read_tsv("street_words.tsv")


@functools.cache
def _street_res() -> tuple[EndsWith, EndsWith]:
    """A street word, a house word, ends the text: "đường ", "nhà số "."""
    rows = _street_rows()
    return (
        EndsWith([r[0] for r in rows if r[1] == "street"], r"\s+"),
        EndsWith([r[0] for r in rows if r[1] == "house"], r"\s*[:.]?(?:\s*ốs)?\s*"),
    )


_SLASHED_PATTERN = r"(?P<parts>\d{1,4}[A-Z]?(?:/\d{1,4}[A-Z]?)+)(?![^\W_])(?!/)"


def _slashed_guard() -> str:
    """What ``_slashed`` can accept, told before it is asked: a street or house word,
    "số", ":" or "." ending right before (see ``_street_res``)."""
    ends = [r[0].split()[-1] for r in _street_rows() if r[1] in ("street", "house")]
    ends += ["số", ":", "."]
    return after_words(ends)


def _read_part(part: str, ctx: Context) -> str:
    m = re.fullmatch(r"(\d+)([A-Z]?)", part)
    if not m:
        return ctx.num.read_digits(part)
    out = ctx.num.read_int(m.group(1))
    if m.group(2):
        name = spell(m.group(2))
        out += f" {name or m.group(2).lower()}"
    return out


def _is_day_month(parts: list[str]) -> bool:
    return (
        len(parts) == 2
        and all(p.isdigit() for p in parts)
        and (1 <= int(parts[0]) <= 31 and 1 <= int(parts[1]) <= 12)
    )


def _slashed(m: re.Match[str], ctx: Context) -> str | None:
    parts = m.group("parts").split("/")
    before = ctx.before(m.start(), 40)
    street_re, house_re = _street_res()
    words = _words()
    if street_re.search(before) and _is_day_month(parts):
        # a street named after a date: "đường 3/2", "Quảng trường 30/4"
        month = int(parts[1])
        month_word = words["month_four"] if month == 4 else ctx.num.read_int(month)
        return f"{ctx.num.read_int(parts[0])} {words['month']} {month_word}"
    house = house_re.search(before)
    if not house and re.search(r"(?i)(?<![^\W_])số\s*$", before):
        # "số 12/3 đường …", "số 45/12 Lê Lợi": a house number before a street name
        after = ctx.after(m.end(), 30)
        nxt = re.match(r"\s*,?\s*([^\W\d_]+)", after)
        if nxt:
            word = nxt.group(1)
            street_words = {r[0].lower() for r in _street_rows() if r[1] in ("street", "house")}
            house = (
                word.lower() in street_words
                or word.lower() in ("ấp", "khu", "tổ")
                or (word[0].isupper() and not _doc_word_before(ctx, m.start()))
            )
    if not house:
        return None
    slash = words["slash_south"] if ctx.dialect == "south" else words["slash_north"]
    return f" {slash} ".join(_read_part(p, ctx) for p in parts)


#: Document names that are no type of _doc_types() but cite one by number all the same.
_DOC_NAMES = ("văn bản", "tờ trình", "công văn")


def _doc_word_before(ctx: Context, pos: int) -> bool:
    """Whether a document type word comes just before "số" ("Quyết định số 12/3 …")."""
    before = ctx.before(pos, 40).lower()
    before = re.sub(r"(?:\s*\bsố)?\s*$", "", before)
    return any(before.endswith(name) for name in _doc_types().values()) or before.endswith(
        _DOC_NAMES
    )


def _doc_guard() -> str:
    """What ``_doc_word_before`` can say yes to, told before a handler is asked: a
    document name or "số" ending right before."""
    ends = [n.split()[-1] for n in (*_doc_types().values(), *_DOC_NAMES)] + ["số"]
    return after_words(ends)


@functools.cache
def _road_map() -> dict[str, str]:
    return {r[0]: r[2] for r in _street_rows() if r[1] == "road" and len(r) > 2}


@functools.cache
def _road_pattern() -> str:
    prefixes = sorted(_road_map(), key=len, reverse=True)
    alternation = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in prefixes)
    return (
        rf"(?P<prefix>{alternation})(?:\.\s?|\s)?(?P<n>[1-9]\d{{0,3}}|0)(?P<suf>[A-Z]?)"
        r"(?![^\W_])(?![.,]?\d)"
    )


@functools.cache
def _road_trigger() -> str | None:
    """Lower-case road words ("tỉnh lộ 963") for the scanner's gate, which only stops at
    digits and capitals by itself."""
    lower = [p for p in _road_map() if p == p.lower()]
    if not lower:
        return None
    return "|".join(
        re.escape(p).replace(r"\ ", r"\s+") for p in sorted(lower, key=len, reverse=True)
    )


def _road(m: re.Match[str], ctx: Context) -> str | None:
    prefix = re.sub(r"\s+", " ", m.group("prefix"))
    spoken_prefix = _road_map().get(prefix)
    if spoken_prefix is None:
        return None
    if prefix == "ĐT" and re.match(r"\s*[:.]?\s*0", ctx.after(m.end(), 4)):
        return None
    out = f"{spoken_prefix} {ctx.num.read_int(m.group('n'))}"
    if m.group("suf"):
        name = spell(m.group("suf"))
        if name is None:
            return None
        out += f" {name}"
    return out


# -- vehicle plates -------------------------------------------------------------------------

_PLATE_PATTERN = (
    r"(?P<area>\d{2})-?(?P<series>[A-Z]{1,2}\d?)[ \-](?P<num>\d{3}\.\d{2}|\d{4,5})(?![.,]?\d)"
)


def _plate(m: re.Match[str], ctx: Context) -> str | None:
    series = m.group("series")
    letters = "".join(ch for ch in series if ch.isalpha())
    name = spell(letters)
    if name is None:
        return None
    head = [ctx.num.read_digits(m.group("area")), name]
    digits = "".join(ch for ch in series if ch.isdigit())
    if digits:
        head.append(ctx.num.read_digits(digits))
    return f"{' '.join(head)}, {ctx.num.read_digits(m.group('num'))}"


# -- fishing vessels --------------------------------------------------------------------------

#: A fishing vessel's registration: province letters, a four- or five-digit serial and "TS"
#: (thủy sản): "BV 92456 TS", "QNg-90479-TS", "KG 91234 TS".
_VESSEL_PATTERN = r"(?P<prov>[A-ZĐ][A-ZĐa-z]{0,2})[ \-](?P<num>\d{4,5})[ \-](?P<ts>TS)(?![^\W_])"


def _vessel(m: re.Match[str], ctx: Context) -> str | None:
    """The province letters and "TS" spelled, the serial digit by digit (the way a boat's
    number is called on the radio), so "BV" is not read as *bệnh viện*."""
    prov = spell(m.group("prov"))
    if prov is None:
        return None
    return f"{prov} {ctx.num.read_digits(m.group('num'))} {spell(m.group('ts'))}"


# -- flight numbers --------------------------------------------------------------------------

#: An airline's two-letter code and a flight number of one to four digits ("VN123",
#: "VJ 456", "QH-1521").
_FLIGHT_PATTERN = r"(?P<letters>[A-Z]{2})[ \-]?(?P<num>\d{1,4})(?![^\W_]|[.,]?\d)"


@functools.cache
def _flight_before() -> re.Pattern[str]:
    phrases = "|".join(re.escape(r[0]) for r in read_tsv("flight_words.tsv", 1))
    return re.compile(rf"(?<!\w)(?:{phrases})(?:\s+(?:mang\s+)?(?:số\s+hiệu|số|hiệu))?\s*:?\s*$")


def _flight(m: re.Match[str], ctx: Context) -> str | None:
    """ "chuyến bay VN123" → *vê en một hai ba*: right after "chuyến bay" the letters
    name an airline and the digits a flight, called digit by digit; they are no
    abbreviation and no quantity."""
    if not _flight_before().search(ctx.before(m.start(), 40).lower()):
        return None
    letters = spell(m.group("letters"))
    if letters is None:
        return None
    return f"{letters} {ctx.num.read_digits(m.group('num'))}"


# -- crop varieties --------------------------------------------------------------------------

#: A variety code: capitals and four or five digits ("OM 5451", "IR50404", "OM-4900").
_VARIETY_PATTERN = r"(?P<letters>[A-Z]{1,4})[ \-]?(?P<num>\d{4,5})(?![^\W_]|[.,]?\d)"


@functools.cache
def _variety_words() -> frozenset[str]:
    return frozenset(r[0] for r in read_tsv("variety_words.tsv", 1))


def _variety(m: re.Match[str], ctx: Context) -> str | None:
    """ "giống lúa OM 5451" → *o em năm bốn năm một*: after a crop word the digits name
    the variety; they are no quantity (*năm nghìn bốn trăm …*)."""
    if not _variety_words().intersection(ctx.words_before(m.start(), 3)):
        return None
    letters = spell(m.group("letters"))
    if letters is None:
        return None
    return f"{letters} {ctx.num.read_digits(m.group('num'))}"


_BARE_DOC_PATTERN = r"0[0-9]{1,3}(?![0-9]|[.,/-][0-9A-Za-zĐđ])"


def _bare_doc_number(m: re.Match[str], ctx: Context) -> str | None:
    """ "Chỉ thị 05 của Bộ Chính trị": a document cited by number alone keeps its leading
    zero, as in its full form "05-CT/TW" (*Chỉ thị không năm*); a count would drop it."""
    digits = m.group(0)
    if not _doc_word_before(ctx, m.start()):
        return None
    rest = digits.lstrip("0")
    zeros = [ctx.num.read_int(0)] * (len(digits) - len(rest))
    return " ".join(zeros + ([ctx.num.read_int(rest)] if rest else []))


# -- rules ----------------------------------------------------------------------------------


def rules() -> list[Rule]:
    """Codes run before dates ("05-CT/TW" is no date) and before bare numbers."""
    return [
        Rule("codes", _DOC_PATTERN, _document),
        Rule("codes", _PHONE_PATTERN, _phone),
        Rule("codes", _PLATE_PATTERN, _plate),
        Rule("codes", _VESSEL_PATTERN, _vessel),
        Rule("codes", _FLIGHT_PATTERN, _flight),
        Rule("codes", _VARIETY_PATTERN, _variety),
        Rule("codes", _road_pattern(), _road, trigger=_road_trigger()),
        Rule("codes", r"(?=\d{1,4}[A-Z]?/)" + _slashed_guard() + _SLASHED_PATTERN, _slashed),
        Rule("codes", r"(?=\d{4})" + _code_guard() + _DIGIT_CODE_PATTERN, _digit_code),
        Rule("codes", r"(?=\d{3})" + _phone_guard() + _TRIGGERED_PATTERN, _triggered_phone),
        Rule("codes", "(?=0)" + _doc_guard() + _BARE_DOC_PATTERN, _bare_doc_number),
    ]
