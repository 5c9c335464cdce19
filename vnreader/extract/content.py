"""The article of a page: title, lead, date, author, category, body blocks and captions.

Pipeline (docs/extraction.md explains each step and why):

1. parse with lxml; drop scripts, styles, forms' controls, hidden elements, comments;
2. pick a profile (host or page signature, :mod:`vnreader.extract.profiles`);
3. read the metadata fields from the whole page (profile selectors first, then generic
   selectors, meta tags and JSON-LD), before any chrome is cut;
4. find the body: the profile's body element, else the best-scoring container by text
   density and link density (readability-style) with class-name hints;
5. cut boilerplate elements inside the body (related lists, share bars, tools...), then
   walk it into raw blocks (paragraphs split at ``<br><br>``, headings, images, captions);
6. clean the blocks: NFC, spaces, file-name lines, boilerplate phrases, stamps, title and
   lead copies; attach captions to images; take the signature at the end as the author;
   take a bold first paragraph as the lead when the page sets none apart.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from importlib import resources
from itertools import islice
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement

from vnreader.article import Article, Block, Image
from vnreader.errors import DataError, ExtractError
from vnreader.extract import metadata
from vnreader.extract.profiles import Profile, Selector, compile_selector, find_profile

# --- text cleaning ------------------------------------------------------------------

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"), None)
_WS = re.compile(r"[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")


def clean_text(text: str) -> str:
    """NFC, zero-width characters removed, every run of white space (``&nbsp;`` too) one
    space, trimmed. Vietnamese tone marks typed decomposed are composed."""
    text = unicodedata.normalize("NFC", text.translate(_ZERO_WIDTH))
    return _WS.sub(" ", text).strip()


# --- data files ---------------------------------------------------------------------


def _data_lines(name: str) -> list[list[str]]:
    try:
        raw = resources.files("vnreader.extract").joinpath("data", name).read_text("utf-8")
    except OSError as exc:
        raise DataError(f"cannot read vnreader/extract/data/{name}: {exc}") from None
    rows = []
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append([c.strip() for c in line.split("\t")])
    return rows


@dataclass(frozen=True)
class _Phrases:
    exact: dict[str, str]
    prefix: tuple[tuple[str, str], ...]
    regex: tuple[tuple[re.Pattern[str], str], ...]

    def action(self, text: str) -> str | None:
        """``"drop"``, ``"stop"`` or ``None`` for a cleaned line of text."""
        key = text.casefold().rstrip(" :.>»").strip()
        hit = self.exact.get(key)
        if hit:
            return hit
        if len(text) <= 80:
            for phrase, action in self.prefix:
                if key.startswith(phrase):
                    return action
        for pattern, action in self.regex:
            if pattern.fullmatch(text):
                return action
        return None


@lru_cache(maxsize=1)
def _boilerplate() -> _Phrases:
    exact: dict[str, str] = {}
    prefix: list[tuple[str, str]] = []
    regex: list[tuple[re.Pattern[str], str]] = []
    for row in _data_lines("boilerplate.tsv"):
        if len(row) != 3 or row[2] not in ("drop", "stop"):
            raise DataError(f"boilerplate.tsv: bad line {row!r}")
        phrase, mode, action = row
        if mode == "exact":
            exact[clean_text(phrase).casefold().rstrip(" :.>»").strip()] = action
        elif mode == "prefix":
            prefix.append((clean_text(phrase).casefold(), action))
        elif mode == "regex":
            regex.append((re.compile(phrase, re.IGNORECASE), action))
        else:
            raise DataError(f"boilerplate.tsv: bad mode {mode!r}")
    return _Phrases(exact, tuple(prefix), tuple(regex))


@dataclass(frozen=True)
class _Hint:
    pattern: str
    token: bool
    weight: int
    remove: bool
    weak: bool  # a page builder's structural word ("widget"): see class_hints.tsv


@lru_cache(maxsize=1)
def _class_hints() -> tuple[_Hint, ...]:
    out = []
    for row in _data_lines("class_hints.tsv"):
        if len(row) != 4 or row[1] not in ("sub", "tok") or row[3] not in ("yes", "no", "weak"):
            raise DataError(f"class_hints.tsv: bad line {row!r}")
        out.append(
            _Hint(row[0].lower(), row[1] == "tok", int(row[2]), row[3] != "no", row[3] == "weak")
        )
    return tuple(out)


@lru_cache(maxsize=1)
def _author_roles() -> tuple[re.Pattern[str], ...]:
    # one pattern per role, longest label first; group "name" is what follows
    rows = sorted(_data_lines("author_roles.tsv"), key=lambda r: -len(r[0]))
    out = []
    for row in rows:
        if len(row) != 3 or row[1] not in ("writer", "source", "office"):
            raise DataError(f"author_roles.tsv: bad line {row!r}")
        label, kind, colon = row
        words = r"\s*".join(re.escape(w) for w in label.split())
        sep = r"\s*[:：\-–—]\s*" if colon == "required" else r"\s*[:：\-–—]?\s*"
        out.append(re.compile(rf"(?P<{kind}>){words}{sep}(?P<name>.+)$", re.IGNORECASE))
    return tuple(out)


@lru_cache(maxsize=1)
def _role_split() -> re.Pattern[str]:
    """Where one line holds several roles ("Nội dung: A - Đồ họa: B"): before a writer
    or source label followed by a colon."""
    labels = sorted((r[0] for r in _data_lines("author_roles.tsv")), key=len, reverse=True)
    alt = "|".join(r"\s*".join(re.escape(w) for w in label.split()) for label in labels)
    # case-sensitive: "Bài, ảnh: X" is one role, "Tin: X - Ảnh: Y" two
    return re.compile(rf"\s*[-–;,|]\s*(?=(?:{alt})\b[^:]{{0,12}}:)")


@lru_cache(maxsize=1)
def _office_heads() -> tuple[tuple[str, ...], ...]:
    return tuple(
        tuple(clean_text(r[0]).casefold().split()) for r in _data_lines("office_words.tsv")
    )


# lower-case words an office's name may hold anywhere: places and joins
_PLACE_WORDS = frozenset(
    "xã phường huyện tỉnh quận thị trấn thành phố và các của khu ấp thôn bản tổ".split()
)


def _office_like(text: str) -> bool:
    """Whether text names an office: it starts with an office word of
    ``data/office_words.tsv`` ("Văn phòng HĐND và UBND xã", "Trung tâm VH-TT&TT huyện")
    and reads as a name, not a sentence."""
    words = text.split()
    if not 1 <= len(words) <= 14 or re.search(r"[!?;…:]|\.\s|\.$|\d{2,}", text):
        return False
    if not _NAME_WORD.match(words[0]):
        return False
    low = [w.casefold() for w in words]
    head = max((len(h) for h in _office_heads() if tuple(low[: len(h)]) == h), default=0)
    if not head or not all(re.fullmatch(r"[\wÀ-ỹ&./()\-–]+", w) for w in words):
        return False
    # after its head an office's name goes on with a capitalised name or a place
    # ("Trung tâm Kiểm soát bệnh tật tỉnh", "UBND xã"); "Hội nghị đã thành công" is a
    # sentence
    rest = words[head:]
    free = [w for w in rest if not w[0].isupper() and w.casefold() not in _PLACE_WORDS]
    if rest and not (rest[0][0].isupper() or rest[0].casefold() in _PLACE_WORDS):
        return False
    return len(free) <= 3


def _person_office(text: str) -> bool:
    """ "NAME - OFFICE": a person's name, then the office the person writes for ("Phạm Thị
    Lụa - Văn phòng HĐND và UBND xã", "Văn Toàn - Trung tâm VH-TT&TT huyện")."""
    m = re.fullmatch(r"(.+?)\s+[-–—]\s+(.+)", text)
    if m is None:
        return False
    person, office = m.group(1), m.group(2)
    return (
        _name_like(person, strict=True)
        and 2 <= len(person.split()) <= 5
        and not person.isupper()
        and _office_like(office)
    )


@lru_cache(maxsize=1)
def _agencies() -> frozenset[str]:
    return frozenset(clean_text(r[0]).casefold() for r in _data_lines("agencies.tsv"))


@lru_cache(maxsize=1)
def _signer_titles() -> frozenset[str]:
    return frozenset(clean_text(r[0]).casefold() for r in _data_lines("signer_titles.tsv"))


def _is_signer_title(text: str) -> bool:
    """A line of a document's signature block: "CHỦ TỊCH", "KT. GIÁM ĐỐC", "TM. UBND",
    "T/M BAN THƯỜNG VỤ HUYỆN ỦY"."""
    low = clean_text(text).casefold()
    if len(low) > 80:
        return False
    if re.match(r"^(?:(?:tm|kt|tl|tuq|q|t/m|k/t)\s*[./]|(?:t/m|k/t|t/l)\s)", low):
        return True
    return low.strip(" .:") in _signer_titles()


_SIGNED_MARK = re.compile(
    r"[(\[]?\s*(?:đã\s+ký|đã\s+ký\s+và\s+đóng\s+dấu|ký\s+tên(?:\s*,?\s*đóng\s+dấu)?|"
    r"ký,?\s+ghi\s+rõ\s+họ\s+tên|signed)\s*[)\]]?\.?",
    re.IGNORECASE,
)


def _is_block_line(text: str) -> bool:
    """A line of a signature block: a signer's title or the "(Đã ký)" mark."""
    return _is_signer_title(text) or bool(_SIGNED_MARK.fullmatch(clean_text(text)))


def _block_caps(text: str) -> bool:
    """A short line in capitals above a signer's title ("ỦY BAN NHÂN DÂN HUYỆN")."""
    text = clean_text(text)
    return text.isupper() and len(text.split()) <= 10 and not _SPLIT_END.search(text)


@lru_cache(maxsize=1)
def _site_words() -> tuple[str, ...]:
    return tuple(r[0].casefold() for r in _data_lines("site_words.tsv"))


@lru_cache(maxsize=1)
def _breadcrumb_skip() -> frozenset[str]:
    return frozenset(clean_text(r[0]).casefold() for r in _data_lines("breadcrumb_skip.tsv"))


@dataclass(frozen=True)
class _Uploaders:
    label: re.Pattern[str]
    accounts: frozenset[str]


@lru_cache(maxsize=1)
def _uploaders() -> _Uploaders:
    labels: list[str] = []
    accounts: set[str] = set()
    for row in _data_lines("uploaders.tsv"):
        if len(row) != 2 or row[1] not in ("label", "account"):
            raise DataError(f"uploaders.tsv: bad line {row!r}")
        if row[1] == "label":
            labels.append(r"\s+".join(re.escape(w) for w in row[0].split()))
        else:
            accounts.add(clean_text(row[0]).casefold())
    labels.sort(key=len, reverse=True)
    pattern = re.compile(rf"^[(\[]?\s*(?:{'|'.join(labels)})(?![\wÀ-ỹ])\s*:?", re.IGNORECASE)
    return _Uploaders(pattern, frozenset(accounts))


def is_uploader_line(text: str) -> bool:
    """Whether a line names the CMS account that posted the article ("Được đăng bởi Super
    User", "Gửi bởi admin vào Thứ năm, 11/03/2021 - 14:02"): never author, never body."""
    text = clean_text(text)
    return len(text) <= 160 and bool(_uploaders().label.match(text))


def _is_account(name: str) -> bool:
    return clean_text(name).casefold().strip(" .:") in _uploaders().accounts


@lru_cache(maxsize=1)
def _generic_titles() -> tuple[frozenset[str], tuple[str, ...]]:
    exact: set[str] = set()
    prefix: list[str] = []
    for row in _data_lines("generic_titles.tsv"):
        if len(row) != 2 or row[1] not in ("exact", "prefix"):
            raise DataError(f"generic_titles.tsv: bad line {row!r}")
        (exact.add if row[1] == "exact" else prefix.append)(clean_text(row[0]).casefold())
    return frozenset(exact), tuple(prefix)


def is_generic_title(text: str, site: str | None = None) -> bool:
    """Whether a page title is one the CMS gives every article ("Chi tiết tin", "Tin tức",
    "Trang chủ", the portal's own name): never the article's title."""
    low = clean_text(text).casefold().strip(" .:-|»")
    if not low:
        return True
    exact, prefix = _generic_titles()
    if low in exact:
        return True
    if site and low == clean_text(site).casefold():
        return True
    return len(low.split()) <= 10 and low.startswith(prefix)


@dataclass(frozen=True)
class _Generic:
    title: tuple[Selector, ...]
    lead: tuple[Selector, ...]
    date: tuple[Selector, ...]
    category: tuple[Selector, ...]
    author: tuple[Selector, ...]


@lru_cache(maxsize=1)
def _generic() -> _Generic:
    raw = resources.files("vnreader.extract").joinpath("data", "generic.toml").read_text("utf-8")
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"generic.toml: {exc}") from None

    def sels(key: str) -> tuple[Selector, ...]:
        return tuple(compile_selector(s, where=f"generic.toml {key}") for s in data.get(key, []))

    return _Generic(sels("title"), sels("lead"), sels("date"), sels("category"), sels("author"))


# --- element helpers ----------------------------------------------------------------

BLOCK_TAGS = frozenset(
    "p div section article main header footer aside nav blockquote ul ol li dl dt dd "
    "h1 h2 h3 h4 h5 h6 table thead tbody tfoot tr td th caption figure figcaption center "
    "pre address hr form fieldset details summary address body html".split()
)
HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
_DROP_TAGS = (
    "script style noscript template svg iframe object embed canvas map link button input "
    "select textarea option optgroup audio video source track datalist meter progress "
    "dialog".split()
)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_CAPTION_CLASS = re.compile(
    r"caption|chuthich|chu-thich|image-desc|img-desc|imgdesc|desc_image|photo-desc|"
    r"imagecaption|anh-mo-ta|\bimage\b",
    re.IGNORECASE,
)


def _drop(el: HtmlElement) -> None:
    """Remove an element but keep its tail text in place."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _names(el: HtmlElement) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}".strip()


@lru_cache(maxsize=4096)
def _name_weight(names: str) -> tuple[int, bool, bool]:
    """Class/id weight, whether the element is removable chrome inside a body, and whether
    only weak (structural) hints make it so.

    Weak hints are words page builders give every box (Elementor's ``elementor-widget``
    wraps the post's text as much as the share bar): they count only when no content
    hint sits in the same name ("elementor-widget-theme-post-content" is the body), and
    their removal is conditional (``_holds_prose``).
    """
    if not names:
        return 0, False, False
    joined = re.sub(r"[^a-z0-9]", "", names.lower())
    tokens = set(re.split(r"[^a-z0-9]+", _CAMEL.sub(" ", names).lower()))
    strong = weak = 0
    positive = removable = weak_removable = False
    for hint in _class_hints():
        hit = hint.pattern in tokens if hint.token else hint.pattern in joined
        if not hit:
            continue
        if hint.weak:
            weak += hint.weight
            weak_removable = weak_removable or hint.remove
        else:
            strong += hint.weight
            removable = removable or hint.remove
            positive = positive or hint.weight > 0
    if positive or not weak:
        return strong, removable and strong < 0, False
    weight = strong + weak
    if removable and weight < 0:
        return weight, True, False
    return weight, weak_removable and weight < 0, weak_removable and weight < 0


def _text(el: HtmlElement) -> str:
    return clean_text(el.text_content())


def _link_density(el: HtmlElement) -> float:
    total = len(el.text_content().strip())
    if not total:
        return 1.0
    linked = sum(len(a.text_content().strip()) for a in el.iter("a"))
    return min(1.0, linked / total)


def _style(el: HtmlElement) -> str:
    return (el.get("style") or "").replace(" ", "").lower()


def _align(el: HtmlElement) -> str:
    align = (el.get("align") or "").lower()
    if align:
        return align
    m = re.search(r"text-align:(\w+)", _style(el))
    if m:
        return m.group(1)
    if el.tag == "center":
        return "center"
    return ""


def _is_hidden(el: HtmlElement) -> bool:
    style = _style(el)
    return (
        "display:none" in style
        or "visibility:hidden" in style
        or el.get("hidden") is not None
        or (el.get("aria-hidden") or "").lower() == "true"
    )


# --- parsing ------------------------------------------------------------------------

_LOOKS_HTML = re.compile(
    r"<\s*(?:!doctype\s+html|html|head|body|div|p|article|section|table|h[1-6]|span|meta|"
    r"title|main|br|a|ul|font|center)\b",
    re.IGNORECASE,
)


def _parse(text: str, name: str) -> HtmlElement:
    head = text.lstrip("\ufeff \t\r\n")
    if not head:
        raise ExtractError(f"no article found in {name}: the page is empty")
    if not _LOOKS_HTML.search(head[:20000]):
        kind = "JSON" if head[:1] in "{[" else "plain text"
        raise ExtractError(f"no article found in {name}: the page is {kind}, not HTML")
    head = re.sub(r"^<\?xml[^>]*\?>", "", head)
    try:
        doc = lxml_html.document_fromstring(head)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractError(f"no article found in {name}: the HTML cannot be read ({exc})") from None
    return doc


_AMP_IMAGES = ("amp-img", "amp-anim")


def _unwrap_images(doc: HtmlElement) -> None:
    """Make every picture a plain ``img`` before ``noscript``/``source`` are dropped.

    AMP pages show images as ``amp-img``/``amp-anim`` (with an ``<img>`` copy in
    ``<noscript>``), lazy-loading pages keep the real ``<img>`` only in ``<noscript>``, and
    ``<picture>`` may hold only ``<source srcset>``: without this a figure of such a page
    has no image and its caption would be read as body text."""
    for el in list(doc.iter(*_AMP_IMAGES)):
        for child in list(el):
            el.remove(child)
        el.tag = "img"
    for el in list(doc.iter("noscript")):
        imgs = list(el.iter("img"))
        parent = el.getparent()
        if not imgs or parent is None:
            continue
        # the img in noscript is the only copy when the box around it has no other img
        box = parent if parent.tag not in ("a", "span", "picture") else parent.getparent()
        box = box if box is not None else parent
        inside = set(imgs)
        if any(i not in inside for i in box.iter("img")):
            continue
        index = parent.index(el)
        for offset, img in enumerate(imgs):
            img.tail = None
            parent.insert(index + offset, img)
    for el in list(doc.iter("picture")):
        if el.find(".//img") is None:
            for source in el.iter("source"):
                url = (source.get("srcset") or source.get("data-srcset") or "").split(",")[0]
                url = url.strip().split(" ")[0]
                if url:
                    el.append(el.makeelement("img", {"src": url}))
                    break


def _strip_noise(doc: HtmlElement) -> None:
    for el in list(doc.iter(etree.Comment, etree.ProcessingInstruction)):
        _drop(el)
    _unwrap_images(doc)
    for el in list(doc.iter(*_DROP_TAGS)):
        if el.getparent() is not None:
            _drop(el)
    body = doc.find("body")
    if body is None:
        return
    for el in list(body.iter()):
        if isinstance(el.tag, str) and el.getparent() is not None and _is_hidden(el):
            _drop(el)


# --- the page -----------------------------------------------------------------------


@dataclass
class _Page:
    doc: HtmlElement
    url: str | None
    profile: Profile | None
    meta: dict[str, str]
    ld: list[dict[str, object]]
    order: dict[HtmlElement, int] = field(default_factory=dict)

    def index(self, el: HtmlElement | None) -> int:
        if el is None:
            return -1
        return self.order.get(el, -1)

    def select(self, selectors: Iterable[Selector]) -> Iterator[list[HtmlElement]]:
        for sel in selectors:
            found = sel(self.doc)
            if found:
                yield found


_neg_cache: dict[int, bool] = {}


def _in_chrome(el: HtmlElement, stop: HtmlElement | None = None) -> bool:
    """Whether an element sits in page chrome: nav/footer/aside or a chrome-named box."""
    node: HtmlElement | None = el
    while node is not None and node is not stop:
        tag = node.tag
        if tag in ("nav", "footer", "aside"):
            return True
        if tag in ("body", "html"):
            return False
        weight, removable, weak = _name_weight(_names(node))
        if removable and weight <= -40 and not weak:
            return True
        node = node.getparent()
    return False


# --- title --------------------------------------------------------------------------


def _strip_site(title: str, host: str | None) -> str:
    parts = re.split(r"\s+[-|–—:»·]\s+|\s*\|\s*|\s+::\s+", title)
    if len(parts) < 2:
        return title
    words = _site_words()
    hostword = (host or "").removeprefix("www.").split(".")[0].casefold()

    def sitey(part: str) -> bool:
        low = part.casefold()
        return any(w in low for w in words) or (bool(hostword) and hostword in low.replace(" ", ""))

    while len(parts) > 1 and sitey(parts[-1]):
        parts.pop()
    while len(parts) > 1 and sitey(parts[0]) and len(parts[0]) < 60:
        parts.pop(0)
    return " - ".join(parts) if len(parts) > 1 else parts[0]


def _similar(a: str, b: str) -> bool:
    a, b = a.casefold(), b.casefold()
    return bool(a) and bool(b) and (a in b or b in a)


def _head_window(page: _Page, body: list[HtmlElement], before: int = 25) -> tuple[int, int]:
    """Document positions where an article's title and stamp sit: from a little before
    the body to its first real paragraph."""
    if not body:
        return -1, -1
    start = min(page.index(b) for b in body)
    first = start
    for root in body:
        for el in root.iter("p", "div", "td", "font", "span"):
            if _inline_len(el) >= 80 and el.find(".//h1") is None:
                first = page.index(el)
                break
        else:
            continue
        break
    return start - before, max(first, start)


def _title(
    page: _Page, host: str | None, body: list[HtmlElement]
) -> tuple[str | None, HtmlElement | None]:
    if page.profile:
        for found in page.select(page.profile.title):
            for el in found:
                text = _text(el)
                if text:
                    return text, el
    og = clean_text(page.meta.get("og:title", "") or page.meta.get("twitter:title", ""))
    title_el = page.doc.find(".//title")
    doc_title = clean_text(title_el.text_content()) if title_el is not None else ""
    ref = og or doc_title
    ref_stripped = _strip_site(ref, host) if ref else ""
    site = clean_text(page.meta.get("og:site_name", ""))
    if ref and (is_generic_title(ref_stripped, site) or is_generic_title(ref, site)):
        # "Chi tiết tin", the portal's name: the CMS's title for every page, no reference
        ref = ref_stripped = ""

    best: tuple[float, str, HtmlElement] | None = None
    seen: set[HtmlElement] = set()
    candidates: list[tuple[HtmlElement, float]] = []
    for rank, sel in enumerate(_generic().title):
        for el in sel(page.doc):
            candidates.append((el, 3.0 - rank * 0.05))
    for el in page.doc.iter("h1"):
        candidates.append((el, 2.0))
    for el in page.doc.iter("h2", "h3"):
        candidates.append((el, 0.0))
    lo, hi = _head_window(page, body) if body else (-1, -1)
    for el, base in candidates:
        if el in seen:
            continue
        seen.add(el)
        text = _text(el)
        if not 4 <= len(text) <= 400 or is_generic_title(text):
            continue
        if el.tag not in HEADINGS and (len(text.split()) < 3 or _boilerplate().action(text)):
            continue  # a box heading ("Tin mới", "Danh mục") named like a title
        score = base
        idx = page.index(el)
        if lo <= idx < hi:
            # right above the body, or opening it: where a title stands; the nearest wins
            score += 3 + (idx - lo) / max(hi - lo, 1)
        if ref and _similar(text, ref):
            score += 6 if len(text) >= 0.5 * len(ref_stripped or ref) else 1
        elif ref and len(ref_stripped.split()) >= 5:
            score -= 2  # the page's own title names another text (a short one is the site's)
        if _in_chrome(el):
            score -= 5
        if el.tag == "a" or (el.find(".//a") is not None and _link_density(el) > 0.9):
            score -= 3  # a title that links elsewhere belongs to a list of other articles
        if el.tag not in HEADINGS and not ref:
            score -= 1
        if best is None or score > best[0]:
            best = (score, text, el)
    if best is not None and best[0] >= (2 if body else 6):
        return best[1], best[2]
    return None, None


def _title_before_body(
    page: _Page, body: list[HtmlElement], *, plain: bool = False
) -> tuple[str | None, HtmlElement | None]:
    """Old table-and-font pages: the title is the bold or large line just above the body.

    ``plain``: a page whose <title> says nothing ("Chi tiết tin") and whose heading is
    styled only by a meaningless class: the nearest plain line above the body of four
    words or more that is not a stamp, a link or chrome."""
    if not body:
        return None, None
    lo, hi = _head_window(page, body, before=10)
    seen = 0
    # page.order was filled in document order: its keys are already sorted
    for el in reversed(list(islice(page.order, max(lo, 0), max(hi, 0)))):
        if not isinstance(el.tag, str) or any(el is b for b in body):
            continue
        if el.tag not in ("b", "strong", "font", "span", "div", "p", "td", "h2", "h3", "h4"):
            continue
        text = _text(el)
        if not text:
            continue
        seen += 1
        if seen > 12:
            break
        if metadata.is_date_stamp(text) or _boilerplate().action(text):
            continue
        if is_generic_title(text) or is_uploader_line(text):
            continue
        if el.find(".//a") is not None or el.tag == "a" or _in_chrome(el):
            continue
        if len(el.findall(".//p")) + len(el.findall(".//div")) > 1:
            continue  # a box of several blocks is not a title line
        size = (el.get("size") or "").strip("+")
        big = (
            el.tag in ("b", "strong", "h2", "h3", "h4")
            or _is_bold(el)
            or (size.isdigit() and int(size) >= 3)
        )
        if (big or (plain and len(text.split()) >= 4)) and 10 <= len(text) <= 300:
            if not _SPLIT_END.search(text[-1:]):
                return text, el
    return None, None


def _element_showing(page: _Page, body: list[HtmlElement], title: str) -> HtmlElement | None:
    """The visible element above the body that shows ``title`` (taken from <title>): it
    anchors the stamp and the byline that portals print right under the title."""
    lo, hi = _head_window(page, body, before=60)
    want = title.casefold()
    for el in reversed(list(islice(page.order, max(lo, 0), max(hi, 0)))):
        if not isinstance(el.tag, str) or el.tag in ("a", "title") or _in_chrome(el):
            continue
        if any(el is b or b in el.iterancestors() for b in body):
            continue
        if _text(el).casefold() == want:
            return el
    return None


def _title_fallback(page: _Page, host: str | None) -> str | None:
    og = clean_text(page.meta.get("og:title", "") or page.meta.get("twitter:title", ""))
    title_el = page.doc.find(".//title")
    doc_title = clean_text(title_el.text_content()) if title_el is not None else ""
    site = clean_text(page.meta.get("og:site_name", ""))
    for ref in (og, doc_title):
        stripped = _strip_site(ref, host) if ref else ""
        if stripped and not is_generic_title(stripped, site) and not is_generic_title(ref, site):
            return stripped
    return None  # "Chi tiết tin" is never a title: the body's opening line may be


# --- date ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _date_labels() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(a stamp after a publication label, any label with its kind as the group name),
    from ``data/date_labels.tsv``."""
    kinds: dict[str, list[str]] = {"published": [], "other": []}
    for row in _data_lines("date_labels.tsv"):
        if len(row) != 2 or row[1] not in kinds:
            raise DataError(f"date_labels.tsv: bad line {row!r}")
        kinds[row[1]].append(r"\s+".join(re.escape(w) for w in row[0].split()))
    alt = {k: "|".join(sorted(v, key=len, reverse=True)) for k, v in kinds.items()}
    stamp = re.compile(rf"(?<!\w)(?:{alt['published']})\s*:?\s*[^\n]{{0,60}}", re.IGNORECASE)
    label = re.compile(
        rf"(?<!\w)(?:(?P<published>{alt['published']})|(?P<other>{alt['other']}))(?!\w)",
        re.IGNORECASE,
    )
    return stamp, label


_DATE_AT = re.compile(
    r"\d{1,2}\s?[/.-]\s?\d{1,2}\s?[/.-]\s?\d{4}|\d{4}-\d{1,2}-\d{1,2}|ngày\s+\d{1,2}\s+tháng",
    re.IGNORECASE,
)


def _other_dated(text: str) -> bool:
    """Whether the first date of a text is labelled as not the publication's ("Ngày hỏi:
    02/02/2024" on a question-and-answer page, "Hạn góp ý: …")."""
    m = _DATE_AT.search(text)
    if m is None:
        return False
    labels = list(_date_labels()[1].finditer(text, max(0, m.start() - 60), m.start()))
    return bool(labels) and labels[-1].lastgroup == "other"


def _date_of(el: HtmlElement) -> datetime | None:
    for attr in ("datetime", "content", "title"):
        value = el.get(attr)
        if value:
            dt = metadata.parse_iso(value) or metadata.parse_date(value)
            if dt is not None:
                return dt
    text = clean_text(el.text_content())
    if len(text) > 160:
        m = _date_labels()[0].search(text)
        text = m.group(0) if m else ""
    return metadata.parse_date(text) if text else None


def _following(el: HtmlElement) -> Iterator[HtmlElement]:
    """The elements after ``el`` in document order, outside its own subtree."""
    node: HtmlElement | None = el
    while node is not None and node.tag not in ("body", "html"):
        yield from node.itersiblings()
        node = node.getparent()


def _following_texts(page: _Page, title_el: HtmlElement, body: list[HtmlElement]) -> Iterator[str]:
    """Texts between the title and the body's first paragraph (where portals print the
    stamp)."""
    _, first = _head_window(page, body)
    for el in _following(title_el):
        idx = page.index(el)
        if idx >= first:
            return
        last = idx + sum(1 for _ in el.iter()) - 1
        if last >= first:
            # this element holds the first paragraph: only its text before it counts
            for sub in el.iter():
                if page.index(sub) >= first:
                    return
                if not isinstance(sub.tag, str) or sub.tag == "a":
                    continue
                own = clean_text((sub.text or "") + "".join((c.tail or "") for c in sub))
                if own:
                    yield own
            return
        if el.find(".//a") is not None and _link_density(el) > 0.6:
            continue
        text = _text(el)
        if text:
            yield text


def _texts_outside_chrome(root: HtmlElement) -> Iterator[str]:
    """Text nodes under ``root``, skipping chrome boxes and link lists entirely."""
    if not isinstance(root.tag, str):
        return
    if root.tag in ("nav", "footer", "aside", "ul", "ol", "a"):
        return
    weight, removable, weak = _name_weight(_names(root))
    if removable and weight <= -40 and not weak:
        return
    if root.text:
        yield root.text
    for child in root:
        yield from _texts_outside_chrome(child)
        if child.tail:
            yield child.tail


def _visible_date(
    page: _Page, title_el: HtmlElement | None, body: list[HtmlElement]
) -> tuple[datetime | None, bool]:
    """A visible stamp near the title (not the header's "today", not a related list)."""
    t_idx = page.index(title_el)
    body_end = max((page.index(b) + sum(1 for _ in b.iter()) for b in body), default=-1)

    def usable(el: HtmlElement) -> bool:
        idx = page.index(el)
        if title_el is not None and idx < t_idx - 40:
            return False  # far above the title: the site header's clock, a ticker
        if _in_chrome(el):
            return False
        return not (body_end > 0 and idx > body_end + 400)

    # a stamp labelled as another date ("Ngày hỏi: …" of a question) is kept aside: the
    # answer's or the publication's stamp further on wins, and it is only a last resort
    aside: tuple[datetime, bool] | None = None
    for found in page.select(_generic().date):
        for el in found:
            if not usable(el):
                continue
            if title_el is not None and page.index(el) < t_idx - 15:
                continue
            dt = _date_of(el)
            if dt is not None:
                text = el.get("datetime") or _text(el)
                if _other_dated(text):
                    aside = aside or (dt, metadata.has_time(text))
                    continue
                return dt, metadata.has_time(text)
    # the text right after the title, up to the body
    if title_el is not None:
        size = 0
        for text in _following_texts(page, title_el, body):
            dt = metadata.parse_date(text[:300])
            if dt is not None:
                if not _other_dated(text[:300]):
                    return dt, metadata.has_time(text[:300])
                aside = aside or (dt, metadata.has_time(text[:300]))
            size += len(text)
            if size > 500:
                break
    # a labelled stamp ("Ngày đăng: …", "Ngày trả lời: …") in the article's area, outside
    # the page chrome and the lists of other articles
    stamp = _date_labels()[0]
    scope = [b.getparent() for b in body if b.getparent() is not None] or [page.doc]
    for root in scope:
        for text in _texts_outside_chrome(root):
            low = text.lower()
            if "ng" not in low and "nhật" not in low and "lời" not in low:
                continue
            m = stamp.search(clean_text(text))
            if m:
                dt = metadata.parse_date(m.group(0))
                if dt is not None:
                    return dt, metadata.has_time(m.group(0))
    return aside or (None, False)


def _published(
    page: _Page, title_el: HtmlElement | None, body: list[HtmlElement]
) -> datetime | None:
    if page.profile:
        for found in page.select(page.profile.date):
            for el in found:
                dt = _date_of(el)
                if dt is not None:
                    return dt
    strong = metadata.ld_published(page.ld) or metadata.meta_published(page.doc, strong_only=True)
    visible, visible_has_time = _visible_date(page, title_el, body)
    if strong is not None:
        # a date-only meta value loses to a visible stamp of the same day with a time
        if (
            visible is not None
            and visible_has_time
            and strong.hour == strong.minute == 0
            and visible.date() == strong.date()
        ):
            return visible
        return strong
    if visible is not None:
        return visible
    return metadata.meta_published(page.doc)


# --- category -----------------------------------------------------------------------


def _crumb_items(container: HtmlElement) -> list[str]:
    items = [
        _text(el) for el in container.iter("a", "li", "span") if not len(el.findall(".//a")) > 1
    ]
    items = [i for i in items if i]
    if not items:
        items = [p for p in re.split(r"\s*[>»›/|▸►▶➤]\s*", _text(container)) if p]
    # one item may hold several joined by ">" when the markup has no elements per item
    out: list[str] = []
    for item in items:
        for part in re.split(r"\s+[>»›]\s+|\s*[»›▸►▶➤]\s*", item):
            part = part.strip(" >»›▸►▶➤/|-")
            if part and (not out or out[-1] != part):
                out.append(part)
    return out


def _pick_crumb(items: list[str], title: str | None) -> str | None:
    skip = _breadcrumb_skip()
    for item in reversed(items):
        low = item.casefold().rstrip(" :")
        if low in skip or len(item) > 80:
            continue
        if title and (_similar(item, title) and len(item) > 20):
            continue
        if re.fullmatch(r"[\W\d_]+", item):
            continue
        return item
    return None


_TEXT_CRUMB = re.compile(
    r"^(?:(?:Bạn đang ở|Bạn đang xem|Vị trí|Đường dẫn)\s*:\s*)?(?:Trang chủ|Trang nhất|Home)"
    r"(?:\s*[>»›→/▸►▶➤]\s*[^>»›→/|▸►▶➤]{1,60}){1,6}$",
    re.IGNORECASE,
)
_CRUMB_SEP = re.compile(r"^[\s>»›/\\→▸►▶➤:-]*[>»›/\\→▸►▶➤][\s>»›/\\→▸►▶➤:-]*$")


# box names of a path in Vietnamese builders: "vi-tri" (position), "duong-dan" (path),
# "chuyen-muc" (section): only believed for a box that is a path of links by structure
_CRUMB_NAME = re.compile(
    r"vi-?tri|vi_tri|duong-?dan|duong_dan|chuyen-?muc|chuyen_muc|breadcrumb|crumb|\bpath\b|"
    r"pathway",
    re.IGNORECASE,
)
_HOME_PATHS = frozenset(("", "/", "./", "~/", "/index.html", "/index.php", "/default.aspx"))


def _is_home_link(a: HtmlElement) -> bool:
    """A path's first item: the home page by its words ("Trang chủ"), its address (the
    site's root) or its name ("home-link"); the site's own name is often its text."""
    if _text(a).casefold() in _breadcrumb_skip():
        return True
    href = (a.get("href") or "").strip()
    if href.startswith("#") or href.lower().startswith("javascript"):
        href = ""  # a link to nowhere (a menu toggle), not the home page
    if href and urlsplit(href).path.lower() in _HOME_PATHS and not urlsplit(href).query:
        return True
    return bool(re.search(r"home|trang-?chu|trangchu", _names(a), re.IGNORECASE))


def _looks_like_crumb(el: HtmlElement) -> bool:
    """A path of links from the home page: "Trang chủ » Tin trong huyện" (any class name)."""
    if not isinstance(el.tag, str) or el.tag in ("ul", "ol", "body", "html", "table", "tr"):
        return False
    links = el.findall(".//a")
    if not links and len(el) == 0:
        # a path printed as plain text ("Trang chủ > Tin tức > Kinh tế")
        return bool(_TEXT_CRUMB.match(_text(el)))
    if not 2 <= len(links) <= 8:
        return False
    if not (_is_home_link(links[0]) or _CRUMB_NAME.search(_names(el))):
        return False
    if any(len(_text(a)) > 60 for a in links):
        return False  # items of a path are section names, never headlines
    text = _text(el)
    if len(text) > 250:
        return False
    # what is not link text is only separators (">", "»", "/"; not "|" as menus use),
    # maybe a label before the path ("Bạn đang ở:", "Vị trí:") and the current page's own
    # name, unlinked, after it (Joomla's "pathway")
    rest = text
    m = re.match(r"\s*([^:>»›▸►]{2,30}):\s*", rest)
    if m and clean_text(m.group(1)).casefold() in _breadcrumb_skip():
        rest = rest[m.end() :]
    for a in links:
        rest = rest.replace(_text(a), " ", 1)
    last = links[-1]
    tail = [
        e
        for e in last.itersiblings()
        if isinstance(e.tag, str) and e.tag not in ("a", "img", "i") and _text(e)
    ]
    if len(tail) == 1 and len(_text(tail[0])) <= 200 and tail[0].find(".//a") is None:
        rest = rest.replace(_text(tail[0]), " ", 1)
    parts = [p for p in re.split(r"\s{1,}(?=\S)", rest) if p.strip()]
    if not parts:
        # arrows drawn as images between the links ("Kinh tế ➤ Giao thông"), outside
        # the page's menus
        own = _names(el)
        return (
            any(next(i.iterancestors("a"), None) is None for i in el.iter("img", "i"))
            and not (_name_weight(own)[1] and not _CRUMB_NAME.search(own))
            and not _in_chrome(el.getparent())
        )
    return all(_CRUMB_SEP.match(p) for p in parts)


def _category(page: _Page, title: str | None) -> str | None:
    if page.profile:
        for found in page.select(page.profile.category):
            if len(found) == 1:
                items = _crumb_items(found[0])
            else:
                items = []
                for el in found:
                    text = _text(el)
                    if text and (not items or items[-1] != text):
                        items.append(text)
            pick = _pick_crumb(items, title)
            if pick:
                return pick
    for found in page.select(_generic().category):
        for el in found:
            pick = _pick_crumb(_crumb_items(el), title)
            if pick:
                return pick
    pick = _pick_crumb(metadata.ld_breadcrumb(page.ld), title)
    if pick:
        return pick
    body = page.doc.find("body")
    for el in body.iter() if body is not None else ():
        if _looks_like_crumb(el):
            pick = _pick_crumb(_crumb_items(el), title)
            if pick:
                return pick
    section = clean_text(page.meta.get("article:section", ""))
    return section or None


# --- body finding -------------------------------------------------------------------

_UNIT_TAGS = frozenset("p div td pre blockquote li section article dd font center".split())
_CONTAINERS = frozenset("div td section article dd font center main form".split())


def _inline_len(el: HtmlElement) -> int:
    n = len((el.text or "").strip())
    for child in el:
        tag = child.tag
        if isinstance(tag, str) and tag not in BLOCK_TAGS:
            n += len(child.text_content().strip())
        n += len((child.tail or "").strip())
    return n


def _inline_commas(el: HtmlElement) -> int:
    n = (el.text or "").count(",")
    for child in el:
        if isinstance(child.tag, str) and child.tag not in BLOCK_TAGS:
            n += child.text_content().count(",")
        n += (child.tail or "").count(",")
    return n


def _find_body(page: _Page, title_el: HtmlElement | None) -> list[HtmlElement]:
    body = page.doc.find("body")
    if body is None:
        return []
    scores: dict[HtmlElement, float] = {}
    prose = 0.0  # the page's whole text score
    for el in body.iter(*_UNIT_TAGS):
        length = _inline_len(el)
        if length < 25:
            continue
        score = 1 + min(_inline_commas(el), 10) + min(length / 100, 3)
        prose += score
        targets: list[tuple[HtmlElement | None, float]] = []
        if el.tag in _CONTAINERS:
            targets.append((el, 1.0))
        parent = el.getparent()
        targets.append((parent, 1.0))
        if parent is not None:
            targets.append((parent.getparent(), 0.5))
        for target, share in targets:
            if target is None or target.tag in ("body", "html"):
                continue
            scores[target] = scores.get(target, 0.0) + score * share
    if not scores:
        return []
    final: dict[HtmlElement, float] = {}
    t_idx = page.index(title_el)
    holders = set(title_el.iterancestors()) if title_el is not None else set()
    for el, score in scores.items():
        weight, _, weak = _name_weight(_names(el))
        if weak and score >= 0.5 * prose:
            # a structural name ("elementor-widget-container") on the box holding most
            # of the page's prose: the name is the builder's, the text is the article
            weight = 0
        if el.tag in ("nav", "footer", "aside"):
            weight -= 50
        final[el] = (score + weight) * (1 - _link_density(el))
        if title_el is not None and page.index(el) < t_idx and el not in holders:
            final[el] *= 0.2  # an article never comes before its own title (a sidebar does)
    top = max(final, key=lambda e: (final[e], -len(list(e.iterancestors()))))
    if final[top] <= 0:
        return []
    # siblings that carry article text too (a body split by an ad box or a photo box)
    parent = top.getparent()
    picked = [top]
    if parent is not None:
        # judged on the text score alone: a class name alone never pulls a box in
        threshold = max(10.0, scores[top] * 0.25)
        picked = []
        last_picked = False  # whether the previous sibling with content was picked
        for sib in parent:
            if not isinstance(sib.tag, str):
                continue
            take = False
            if sib is top:
                take = True
            elif sib in scores and _link_density(sib) < 0.25 and _name_weight(_names(sib))[0] >= 0:
                # the article may go on after a photo gallery or an embedded box in a
                # box of its own ("photo-story__outro"): right after a picked box, one
                # unlinked paragraph of prose is enough
                take = scores[sib] >= threshold or (
                    last_picked and scores[sib] >= 4 and _link_density(sib) < 0.1
                )
            if not take and last_picked and _is_photo_box(sib):
                # a gallery between two parts of the article: its photos and captions are
                # the article's, and the text after it still continues the body
                picked.append(sib)
                continue
            if take:
                picked.append(sib)
            if take or _text(sib) or sib.find(".//img") is not None:
                last_picked = take
    return picked


def _is_photo_box(el: HtmlElement) -> bool:
    """A box of photos with at most short captions, none of them a link (a gallery; not a
    list of other articles' thumbnails, not an advertiser's banner)."""
    imgs = [i for i in el.iter("img") if next(i.iterancestors("a"), None) is None]
    if not imgs or _name_weight(_names(el))[0] < 0 or _link_density(el) > 0.1:
        return False
    return len(_text(el)) <= 300 * len(imgs)


def _profile_body(page: _Page) -> list[HtmlElement]:
    if not page.profile:
        return []
    for found in page.select(page.profile.body):
        # several matches: the one with the most text (web-content boxes, repeated classes)
        nested = [e for e in found if not any(a in found for a in e.iterancestors())]
        best = max(nested, key=lambda e: len(e.text_content().strip()))
        if len(best.text_content().strip()) >= 20:
            return [best]
    return []


def _clean_body(roots: list[HtmlElement], page: _Page, keep: list[HtmlElement]) -> None:
    """Cut chrome elements out of the body roots (profile ``remove`` and class hints)."""
    total = sum(len(r.text_content()) for r in roots) or 1
    if page.profile:
        for sel in page.profile.remove:
            for root in roots:
                for el in sel(root):
                    if el is not root and el.getparent() is not None:
                        _drop(el)
    for root in roots:
        for el in list(root.iterdescendants()):
            if not isinstance(el.tag, str) or el.getparent() is None:
                continue
            if (
                el.tag in ("nav", "aside", "form", "footer")
                and len(el.text_content()) < 0.3 * total
            ):
                # (a form or footer holding most of the text wraps the article: kept)
                if any(k is el or k in el.iterdescendants() for k in keep):
                    continue
                _drop(el)
                continue
            _, removable, weak = _name_weight(_names(el))
            if not removable:
                continue
            if len(el.text_content()) > 0.5 * total:
                continue  # a wrapper named oddly, not a related-news box
            if weak and _holds_prose(el):
                continue  # a builder's box of the article's own text ("text-editor" widget)
            _drop(el)


def _holds_prose(el: HtmlElement) -> bool:
    """Whether a box holds a paragraph of article prose: a long, unlinked sentence run
    with commas (a share bar, a menu or a list of links never does)."""
    for unit in el.iter(*_UNIT_TAGS):
        if _inline_len(unit) >= 150 and _inline_commas(unit) >= 1 and _link_density(unit) < 0.2:
            return True
    return False


# --- walking the body into raw blocks -----------------------------------------------


@dataclass
class _Raw:
    kind: str  # "text", "heading", "image", "caption"
    text: str = ""
    src: str | None = None
    bold: bool = False
    italic: bool = False
    align: str = ""
    group: int = 0  # id of the image table/figure it came from (0: none)
    caption: str | None = None
    label: str = ""  # an image's title/alt text: only to recognise its caption line


_BR = object()
# a photo credit line: "Ảnh: Nhật Thịnh", "ẢNH: X", "(Ảnh: TTXVN)", "Nguồn ảnh: …"
_PHOTO_CREDIT = re.compile(r"^[(\[]?\s*(?:ảnh|nguồn ảnh|photo|hình)\s*:", re.IGNORECASE)
_SPLIT_END = re.compile(r"[.!?…:;]['\"”»)]*$|\./\.$")
_BULLET = re.compile(r"^[-–—+•*·●▪◦]\s")


class _Walker:
    def __init__(self, base_url: str | None, skip: Iterable[HtmlElement] = ()) -> None:
        self.base = base_url
        self.skip = set(skip)
        self.out: list[_Raw] = []
        self.pieces: list[object] = []  # (text, bold, italic) tuples and _BR
        self.align: list[str] = [""]
        self.group: list[int] = [0]
        self.caption = 0
        self.groups = 0

    # inline text
    def add(self, text: str | None, bold: bool, italic: bool) -> None:
        if text:
            self.pieces.append((text, bold, italic))

    def flush(self) -> None:
        if not self.pieces:
            return
        pieces, self.pieces = self.pieces, []
        paragraphs: list[list[list[tuple[str, bool, bool]]]] = [[[]]]
        brs = 0
        for piece in pieces:
            if piece is _BR:
                brs += 1
                continue
            text, bold, italic = piece  # type: ignore[misc]
            if brs and text.strip():
                if brs >= 2:
                    paragraphs.append([[]])
                else:
                    paragraphs[-1].append([])
                brs = 0
            paragraphs[-1][-1].append((text, bold, italic))
        for lines in paragraphs:
            texts = [clean_text("".join(t for t, _, _ in line)) for line in lines]
            merged: list[tuple[str, list[tuple[str, bool, bool]]]] = []
            for text, line in zip(texts, lines, strict=True):
                if not text:
                    continue
                if merged and not self._split(merged[-1][0], text, merged[-1][1], line):
                    merged[-1] = (merged[-1][0] + " " + text, merged[-1][1] + line)
                else:
                    merged.append((text, list(line)))
            for text, line in merged:
                visible = [(b, i) for t, b, i in line if t.strip()]
                self.out.append(
                    _Raw(
                        "caption" if self.caption else "text",
                        text,
                        bold=bool(visible) and all(b for b, _ in visible),
                        italic=bool(visible) and all(i for _, i in visible),
                        align=self.align[-1],
                        group=self.group[-1],
                    )
                )

    @staticmethod
    def _split(
        prev: str,
        nxt: str,
        prev_line: list[tuple[str, bool, bool]],
        next_line: list[tuple[str, bool, bool]],
    ) -> bool:
        # a single <br>: a new paragraph when the line before ends a sentence, the next is
        # a list item, a stamp or a byline, or the line before is a bold heading; otherwise
        # the break only wrapped a line (joined with a space)
        if _SPLIT_END.search(prev) or _BULLET.match(nxt):
            return True
        if metadata.is_date_stamp(prev) or metadata.is_date_stamp(nxt):
            return True

        def bold(line: list[tuple[str, bool, bool]]) -> bool:
            visible = [b for t, b, _ in line if t.strip()]
            return bool(visible) and all(visible)

        return bold(prev_line) != bold(next_line) and len(prev) <= 150

    def walk(self, el: HtmlElement, bold: bool = False, italic: bool = False) -> None:
        if el.text:
            self.add(el.text, bold, italic)
        for child in el:
            self.visit(child, bold, italic)
            if child.tail:
                self.add(child.tail, bold, italic)

    def visit(self, el: HtmlElement, bold: bool, italic: bool) -> None:
        tag = el.tag
        if not isinstance(tag, str):
            return
        if tag == "br":
            self.pieces.append(_BR)
            return
        if el in self.skip:
            self.flush()  # the title inside the body: not body text, and a line break
            before = [r for r in self.out if r.kind in ("text", "heading")]
            if sum(len(r.text) for r in before) <= 300:
                # a section label or a crumb above the title ("Tin tức - Sự kiện"): the
                # article starts at its title
                self.out = [r for r in self.out if r.kind not in ("text", "heading")]
            return
        if tag == "img":
            self.flush()
            self.image(el)
            return
        if tag in HEADINGS:
            self.flush()
            if el.find(".//img") is not None:
                self.walk(el, bold, italic)
                self.flush()
                return
            text = _text(el)
            if text:
                self.out.append(_Raw("caption" if self.caption else "heading", text, bold=True))
            return
        if tag == "figure":
            self.flush()
            self.figure(el)
            return
        if tag == "table":
            self.flush()
            self.table(el)
            return
        is_caption = bool(_CAPTION_CLASS.search(_names(el))) and el.tag != "body"
        if tag in BLOCK_TAGS or is_caption:
            self.flush()
            self.align.append(_align(el) or self.align[-1])
            outer_caption = is_caption and not self.caption
            start = len(self.out)
            self.caption += is_caption
            self.walk(el, bold or _is_bold(el), italic or _is_italic(el))
            self.flush()
            self.caption -= is_caption
            if outer_caption:
                self._join_caption(start)
            self.align.pop()
            return
        self.walk(el, bold or _is_bold(el), italic or _is_italic(el))

    def _join_caption(self, start: int) -> None:
        """One caption box is one caption: its lines ("… hồi tháng 3" and the credit
        "ẢNH: NHẬT THỊNH" in their own <p>) are joined with a space."""
        lines = [r for r in self.out[start:] if r.kind == "caption"]
        if len(lines) < 2 or sum(len(r.text) for r in lines) > 400:
            return
        first = lines[0]
        first.text = " ".join(r.text for r in lines)
        self.out[start:] = [r for r in self.out[start:] if r.kind != "caption" or r is first]

    def image(self, el: HtmlElement) -> None:
        src = None
        for attr in ("data-src", "data-original", "data-lazy-src", "data-full", "src"):
            value = (el.get(attr) or "").strip()
            if value and not value.startswith("data:"):
                src = value
                break
        if src is None:
            return
        low = src.lower()
        if any(w in low for w in ("spacer", "blank.gif", "pixel", "/icon", "icon_", "loading")):
            return
        for attr in ("width", "height"):
            value = el.get(attr) or ""
            if value.isdigit() and int(value) < 40:
                return
        if self.base:
            src = urljoin(self.base, src)
        label = clean_text(el.get("title") or el.get("alt") or "")
        self.out.append(_Raw("image", src=src, group=self.group[-1], label=label))

    def figure(self, el: HtmlElement) -> None:
        imgs = list(el.iter("img"))
        if not imgs:
            self.align.append(_align(el) or self.align[-1])
            self.walk(el)
            self.flush()
            self.align.pop()
            return
        cap_el = el.find(".//figcaption")
        if cap_el is None:
            for sub in el.iterdescendants():
                if isinstance(sub.tag, str) and _CAPTION_CLASS.search(_names(sub)):
                    cap_el = sub
                    break
        caption = _text(cap_el) if cap_el is not None else ""
        if cap_el is not None:
            # a photo credit set beside the figcaption in the same figure joins it
            for sub in el.iter("p", "span", "div", "small", "cite"):
                if sub is cap_el or cap_el in sub.iterancestors():
                    continue
                credit = _text(sub)
                if len(credit) <= 80 and _PHOTO_CREDIT.match(credit) and credit not in caption:
                    caption = f"{caption} {credit}"
        start = len(self.out)
        for img in imgs:
            self.image(img)
        images = [r for r in self.out[start:] if r.kind == "image"]
        if images and caption:
            images[0].caption = caption
        elif caption:
            self.out.append(_Raw("caption", caption))

    def table(self, el: HtmlElement) -> None:
        cells = [c for c in el.iter("td", "th")]
        has_img = el.find(".//img") is not None
        text_len = len(el.text_content().strip())
        layout = any(
            c.find(".//p") is not None
            or c.find(".//div") is not None
            or c.find(".//table") is not None
            or c.find(".//ul") is not None
            or len(c.text_content()) > 400
            for c in cells
        )
        if has_img and text_len < 600:
            self.groups += 1
            self.group.append(self.groups)
            self.walk(el)
            self.flush()
            self.group.pop()
            return
        if layout or has_img:
            self.walk(el)
            self.flush()
            return
        # a data table: one paragraph per row, its cells joined by a space (the
        # development set's convention: a row reads as one line, in cell order)
        for row in el.iter("tr"):
            texts = [_text(c) for c in row if c.tag in ("td", "th")]
            texts = [t for t in texts if t]
            if texts:
                self.out.append(_Raw("text", " ".join(texts)))
        caption = el.find("caption")
        if caption is not None and _text(caption):
            self.out.insert(len(self.out), _Raw("text", _text(caption)))


def _is_bold(el: HtmlElement) -> bool:
    if el.tag in ("b", "strong"):
        return True
    style = _style(el)
    return "font-weight:bold" in style or "font-weight:700" in style or "font-weight:600" in style


def _is_italic(el: HtmlElement) -> bool:
    return el.tag in ("i", "em") or "font-style:italic" in _style(el)


# --- post-processing of blocks ------------------------------------------------------

_FILENAME = re.compile(
    r"[\w\s\-–.,()&%+~'!\[\]#@=]{1,160}\.(?:jpe?g|png|gif|bmp|webp|tiff?|svg|heic|jfif)",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(r"^[A-ZÀ-ỸĐ][\wÀ-ỹ.'’]*$")
_PUNCT_ONLY = re.compile(r"^[\W_]*$")


def is_file_name(text: str) -> bool:
    """Whether a line is only an image file name ("HOI NGHI HOP BCH.jpg")."""
    return bool(_FILENAME.fullmatch(text.strip()))


def _name_like(name: str, *, strict: bool) -> bool:
    """Whether text reads as a byline: capitalised names, agencies, "A - B", "X (TTXVN)"."""
    name = name.strip()
    if not name or len(name) > (60 if strict else 90) or re.search(r"\d{2,}", name):
        return False
    if name.casefold() in _agencies():
        return True
    if re.search(r"[!?;…]|\.\s|\.$|:", name):
        return False
    core = re.sub(r"\(([^()]{1,40})\)", " ", name)  # "(TTXVN)", "(Báo Kiên Giang)"
    parts = [p for p in re.split(r"\s*(?:[-–—,&/]|\bvà\b)\s*", core) if p.strip()]
    if not parts:
        return False
    words_total = 0
    for part in parts:
        if part.casefold() in _agencies():
            continue
        words = part.split()
        words_total += len(words)
        for word in words:
            if _NAME_WORD.match(word):
                continue
            if strict or not word.isalpha():
                return False
        if strict and not 1 <= len(words) <= 5:
            return False
        if not strict and not _NAME_WORD.match(words[0]):
            return False
    return 1 <= words_total <= (10 if strict else 14)


def author_from_line(text: str, *, emphasized: bool = False) -> tuple[str, str] | None:
    """``(kind, name)`` when a line is a byline: kind "writer" or "source"; else ``None``.

    "Tin, ảnh: Nguyễn Văn A" → ("writer", "Nguyễn Văn A"); "Theo Báo Kiên Giang" →
    ("source", "Báo Kiên Giang"); "(Nguồn: TTXVN)" → ("source", "TTXVN"); a bare name
    ("Tiến Đức", "Minh Khôi - Thanh Tâm", "Ngọc Trâm (TTXVN)", "PV") → ("writer", name).
    A single capitalised word counts only when bold or right-aligned (``emphasized``).
    """
    text = clean_text(text)
    if not text or len(text) > 100 or is_uploader_line(text):
        return None  # "Được đăng bởi Super User": the account that posted it, not a writer
    inner = text
    if inner.startswith(("(", "[")) and inner.endswith((")", "]")):
        inner = inner[1:-1].strip()
    inner = inner.rstrip(" .")
    # "Tin: Minh Khôi - Ảnh: Thanh Tâm": one line, several roles; the first writer counts
    segments = _role_split().split(inner)
    if len(segments) > 1:
        found = [author_from_line(seg, emphasized=emphasized) for seg in segments]
        hits = [f for f in found if f is not None]
        if hits and len(hits) == len(segments):
            writers = [h for h in hits if h[0] == "writer"]
            return (writers or hits)[0]
    for pattern in _author_roles():
        m = pattern.match(inner)
        if m:
            groups = m.groupdict()
            kind = "source" if "source" in groups else "writer"
            name = m.group("name").strip(" .,;:-–")
            if name.startswith(("(", "[")) and name.endswith((")", "]")):
                name = name[1:-1].strip()
            if _is_account(name):
                return None
            if "office" in groups:
                # "Cơ quan trả lời: Phòng Lao động - Thương binh và Xã hội huyện"
                ok = _name_like(name, strict=False) or _office_like(name)
            else:
                ok = _name_like(name, strict=kind == "writer") or (
                    kind == "writer" and _person_office(name)
                )
            return (kind, name) if ok else None
    if _is_account(inner):
        return None
    if _name_like(inner, strict=True):
        single = len(inner.split()) == 1 and inner.casefold() not in _agencies()
        if single and not emphasized:
            return None
        if inner.isupper() and len(inner.split()) > 3 and not emphasized:
            return None  # an all-capitals line of four words or more is a heading
        return "writer", inner
    if _person_office(inner):
        return "writer", inner  # "Phạm Thị Lụa - Văn phòng HĐND và UBND xã"
    if emphasized and len(inner.split()) <= 9 and _name_like(inner, strict=False):
        # a right-aligned or bold office signs the article: "Phòng Kinh tế và Hạ tầng"
        return "writer", inner
    return None


_STAMP_LINE = re.compile(
    r"^(?:ngày\s+đăng|đăng\s+ngày|ngày\s+cập\s+nhật|cập\s+nhật|ngày\s+xuất\s+bản|"
    r"người\s+đăng|người\s+viết|đăng\s+bởi|posted|lượt\s+xem|ngày(?=\s*:))",
    re.IGNORECASE,
)


def _is_stamp_line(text: str) -> bool:
    """A stamp line opening the body ("Ngày đăng: 04/06/2022 15:30 Người đăng: Quản trị
    viên"): labelled, short, holding a date."""
    if metadata.is_date_stamp(text):
        return True
    # "Ngày 10/3/2021, Trung tâm … khai giảng lớp học." opens many articles: a sentence
    # (a clause after the date, a full stop) is not a stamp
    if re.search(r"\d{4}\s*,\s*[^\d\s]", text) and _SPLIT_END.search(text):
        return False
    return (
        len(text) <= 120 and bool(_STAMP_LINE.match(text)) and metadata.parse_date(text) is not None
    )


def _without_stamp_tail(text: str) -> str | None:
    """The text before a labelled stamp ending the line ("… Ngày trả lời: 06/02/2024
    10:20"), or ``None`` when the line does not end so."""
    for m in reversed(list(_date_labels()[1].finditer(text))):
        if m.start() and metadata.is_date_stamp(text[m.end() :].lstrip(" :：")):
            return text[: m.start()].strip(" -–|,;") or None
    return None


def _same(a: str, b: str) -> bool:
    return a.casefold().strip(" .:") == b.casefold().strip(" .:")


def _finish(
    raws: list[_Raw], title: str | None, lead: str | None
) -> tuple[list[Block], list[Image], str | None, str | None, bool]:
    """Clean the raw blocks; returns (blocks, images, author, lead, whether the author is
    a writer's signature closing the text)."""
    phrases = _boilerplate()
    items: list[_Raw] = []
    for raw in raws:
        raw.text = clean_text(raw.text)
        if raw.kind == "image":
            items.append(raw)
            continue
        if not raw.text or _PUNCT_ONLY.match(raw.text) or is_file_name(raw.text):
            continue
        if is_uploader_line(raw.text):
            continue  # "Gửi bởi admin vào …": the CMS account, not the article
        action = phrases.action(raw.text)
        if action == "drop":
            continue
        if action == "stop":
            if any(r.kind == "text" for r in items):
                break
            continue
        items.append(raw)

    # captions: a caption box, a text in the image's own table, or an italic/centred short
    # line right after an image
    out: list[_Raw] = []
    i = 0
    while i < len(items):
        raw = items[i]
        if raw.kind == "image" and raw.caption is None and i + 1 < len(items):
            nxt = items[i + 1]
            short = len(nxt.text) <= 300
            if nxt.kind == "caption" or (
                nxt.kind == "text"
                and short
                and (
                    (raw.group and nxt.group == raw.group)
                    or nxt.italic
                    or (nxt.align == "center" and not _SPLIT_END.search(nxt.text[-1:] or "x"))
                    or (nxt.align == "center" and len(nxt.text) <= 200)
                )
            ):
                raw.caption = nxt.text
                out.append(raw)
                i += 2
                continue
        if raw.kind == "image" and raw.caption is None and i + 2 < len(items):
            # a photo heading the article, its caption set under the bold sapo (Drupal
            # image field above the body field): a centred italic line, or the line
            # repeating the image's own title text
            mid, nxt = items[i + 1], items[i + 2]
            if (
                mid.kind == "text"
                and mid.bold
                and nxt.kind == "text"
                and len(nxt.text) <= 300
                and (
                    (nxt.italic and nxt.align == "center")
                    or (raw.label and _same(raw.label, nxt.text))
                )
            ):
                raw.caption = nxt.text
                out += [raw, mid]
                i += 3
                continue
        out.append(raw)
        i += 1

    images = [Image(r.src, r.caption) for r in out if r.kind == "image"]
    images += [Image(None, r.text) for r in out if r.kind == "caption"]
    texts = [r for r in out if r.kind in ("text", "heading")]

    # title, stamp and lead copies at the edges of the body
    while texts and (
        (title and _same(texts[0].text, title)) or metadata.is_date_stamp(texts[0].text)
    ):
        texts.pop(0)
    texts = [r for n, r in enumerate(texts) if n >= 3 or not _is_stamp_line(r.text)]
    if lead:
        texts = [r for r in texts if not _same(r.text, lead)]
        if texts and texts[0].text.startswith(lead) and len(lead) > 40:
            rest = texts[0].text[len(lead) :].strip()
            if rest:
                texts[0].text = rest
            else:
                texts.pop(0)
    while texts and metadata.is_date_stamp(texts[-1].text):
        texts.pop()

    # the signature at the end: writer lines beat source lines
    author = None
    signed_writer = False
    writers: list[str] = []
    sources: list[str] = []
    for _ in range(3):
        if len(texts) < 2:
            break
        last = texts[-1]
        emphasized = last.bold or last.align == "right" or last.italic
        found = author_from_line(last.text, emphasized=emphasized)
        if found is None:
            # "Cơ quan trả lời: Phòng … huyện Ngày trả lời: 06/02/2024 10:20": a byline
            # and its labelled stamp on one line
            head = _without_stamp_tail(last.text)
            found = author_from_line(head, emphasized=emphasized) if head else None
        if found is None or _is_signer_title(last.text):
            break
        if _is_block_line(texts[-2].text):
            # a signature block closing a letter or an appeal ("T/M BAN THƯỜNG VỤ" /
            # "BÍ THƯ" / "(Đã ký)" / "Nguyễn Thanh Bình"): the signer is the author and
            # the block is no paragraph to read
            writers.insert(0, found[1])
            texts.pop()
            # its lines, and a line in capitals right above a signer's title ("ỦY BAN
            # NHÂN DÂN HUYỆN" / "KT. CHỦ TỊCH")
            below_title = False
            while len(texts) > 1:
                line = texts[-1].text
                if _is_block_line(line):
                    below_title = _is_signer_title(line)
                elif below_title and _block_caps(line):
                    below_title = False
                else:
                    break
                texts.pop()
            break
        (writers if found[0] == "writer" else sources).insert(0, found[1])
        texts.pop()
        while texts and metadata.is_date_stamp(texts[-1].text):
            texts.pop()
    if writers:
        author = writers[0]
        signed_writer = True
    elif sources:
        author = sources[0]

    # a byline line opening the body ("Tin, ảnh: X") is the author too
    if texts and len(texts) > 1:
        found = author_from_line(texts[0].text, emphasized=False)
        if found and re.search(r"[:：]", texts[0].text):
            author = author or found[1]
            texts.pop(0)

    # no lead set apart: a bold first paragraph is the sapo
    # — only when it is a short part of the text and normal paragraphs follow it (a
    # wholly bold article is not a sapo plus nothing)
    if lead is None and len(texts) >= 2:
        first = texts[0]
        rest = [r for r in texts[1:] if r.kind == "text" and not r.bold]
        rest_len = sum(len(r.text) for r in rest)
        if (
            first.kind == "text"
            and first.bold
            and 60 <= len(first.text) <= 1000
            and rest
            and len(first.text) <= rest_len
        ):
            lead = first.text
            texts.pop(0)

    blocks: list[Block] = []
    for n, raw in enumerate(texts):
        kind = "heading" if raw.kind == "heading" else "paragraph"
        if (
            kind == "paragraph"
            and raw.bold
            and len(raw.text) <= 120
            and n + 1 < len(texts)
            and not _SPLIT_END.search(raw.text)
        ):
            kind = "heading"  # a short bold line between paragraphs titles a section
        if blocks and blocks[-1].text == raw.text:
            continue
        blocks.append(Block(kind, raw.text))  # type: ignore[arg-type]
    return blocks, images, author, lead, signed_writer


# --- lead and author elements -------------------------------------------------------

_LEAD_NAME = re.compile(r"summary|sapo|chapeau|tomtat|tom-tat|trichyeu|\blead\b|intro", re.I)


def _lead(
    page: _Page, title_el: HtmlElement | None, body: list[HtmlElement]
) -> tuple[str | None, HtmlElement | None]:
    selectors: list[tuple[Selector, bool]] = []
    if page.profile:
        selectors += [(s, True) for s in page.profile.lead]
    selectors += [(s, False) for s in _generic().lead]
    t_idx = page.index(title_el)
    body_end = max((page.index(b) + sum(1 for _ in b.iter()) for b in body), default=10**9)
    candidates: list[tuple[HtmlElement, bool]] = [
        (el, trusted) for sel, trusted in selectors for el in sel(page.doc)
    ]
    # any box named like a summary between the title and the body ("edn_articleSummary")
    if title_el is not None:
        for n, el in enumerate(_following(title_el)):
            if n >= 12:
                break  # a lead sits right under the title and its stamp
            for sub in el.iter():
                if isinstance(sub.tag, str) and _LEAD_NAME.search(_names(sub)):
                    candidates.append((sub, False))
    roots_len = [(b, len(clean_text(b.text_content()))) for b in body]
    for el, trusted in candidates:
        if True:
            text = _lead_text(el)
            if not 20 <= len(text) <= 1500:
                continue
            if _swallows_body(el, text, roots_len):
                continue  # a box named "…text-with-summary" holding the article itself
            if not trusted:
                idx = page.index(el)
                if title_el is not None and not t_idx < idx:
                    continue
                if idx > body_end or _in_chrome(el):
                    continue
                if el.tag == "meta" or _link_density(el) > 0.5:
                    continue
            return text, el
    return None, None


def _swallows_body(el: HtmlElement, text: str, roots_len: list[tuple[HtmlElement, int]]) -> bool:
    """Whether a lead candidate is (most of) the body: a lead is a short part of the text."""
    # several paragraphs are a body, not a sapo
    if sum(1 for _ in el.iter("p")) >= 3:
        return True
    for root, length in roots_len:
        if root is el or el in root.iterancestors():
            return True
        if length and root in el.iterancestors():
            # inside the body: the sapo is at most half of it
            if len(text) > 0.5 * length:
                return True
    return False


def _lead_text(el: HtmlElement) -> str:
    """The lead's text; a place stamp set in its own box is joined with " - " as shown."""
    first = next(iter(el), None)
    if (
        first is not None
        and isinstance(first.tag, str)
        and re.search(r"location|stamp|dateline|diadanh", _names(first), re.I)
        and not (el.text or "").strip()
    ):
        place = _text(first)
        rest = clean_text(
            (first.tail or "")
            + "".join(c.text_content() + (c.tail or "") for c in first.itersiblings())
        )
        if place and rest and not rest.startswith(("-", "–", "—", "(", ":")):
            return f"{place} - {rest}"
    return _text(el)


def _author_el(
    page: _Page, title_el: HtmlElement | None, body: list[HtmlElement]
) -> tuple[str | None, HtmlElement | None]:
    if page.profile:
        for found in page.select(page.profile.author):
            for el in found:
                text = _text(el)
                if not text:
                    continue
                if is_uploader_line(text) or _is_account(text):
                    continue  # the CMS account that posted it ("admin"), not a writer
                hit = author_from_line(text, emphasized=True)
                if hit:
                    return hit[1], el
                if len(text) <= 60:
                    return text, el
    # a byline box of the generic names: believed only when it reads as a name and sits
    # after the title, not in a related list or the page chrome
    t_idx = page.index(title_el)
    body_end = max((page.index(b) + sum(1 for _ in b.iter()) for b in body), default=10**9)
    for found in page.select(_generic().author):
        for el in found:
            idx = page.index(el)
            if (title_el is not None and idx < t_idx) or idx > body_end + 60 or _in_chrome(el):
                continue
            if _in_caption(el):
                continue  # "ẢNH: NHẬT THỊNH" (class author_caption): the photo's credit
            hit = author_from_line(_text(el), emphasized=True)
            if hit:
                return hit[1], el
    return _labelled_author(page, body)


def _in_caption(el: HtmlElement) -> bool:
    """Whether an element sits in a figure or a caption box (its names say so)."""
    for node in (el, *el.iterancestors()):
        if node.tag == "figure":
            return True
        if node is not el and _CAPTION_CLASS.search(_names(node)):
            return True
    return False


def _writer_labels() -> frozenset[str]:
    return frozenset(
        " ".join(row[0].casefold().split())
        for row in _data_lines("author_roles.tsv")
        if len(row) == 3 and row[1] in ("writer", "office")
    )


def _labelled_author(page: _Page, body: list[HtmlElement]) -> tuple[str | None, HtmlElement | None]:
    """A labelled field anywhere in the article's box: a label element reading "Tác giả",
    "Người viết", "Phóng viên" (no colon needed: Drupal's ``field__label``, a ``<dt>``, a
    table cell) with the name in the element after it."""
    labels = _writer_labels()
    scopes: list[HtmlElement] = []
    for b in body:
        box = b.getparent()
        if box is not None and box.getparent() is not None and box.tag != "body":
            box = box.getparent() if box.getparent().tag != "body" else box
        scopes.append(box if box is not None else b)
    for scope in scopes:
        for el in scope.iter("div", "span", "label", "dt", "th", "td", "b", "strong", "p"):
            if len(el) or _in_chrome(el, scope):
                continue
            label = " ".join((el.text or "").strip(" :：\t\n").casefold().split())
            if label not in labels:
                continue
            nxt = el.getnext()
            value = _text(nxt) if nxt is not None else clean_text(el.tail or "")
            value = value.strip(" :：")
            if not value or len(value) > 60 or is_uploader_line(value) or _is_account(value):
                continue
            if _name_like(value, strict=False):
                field = el.getparent()
                return value, (field if field is not None and len(field) <= 3 else el)
    return None, None


def _lead_images(
    page: _Page,
    title_el: HtmlElement | None,
    body: list[HtmlElement],
    raws: list[_Raw],
    url: str | None,
) -> list[_Raw]:
    """The article's lead photo set between the title and the body, with its caption
    (``figure.article__avatar > figcaption``; Drupal's image field followed by a
    "chú thích ảnh" field): part of the article, though outside the body box. Only a
    photo with a caption is taken, so that a logo or a banner never is."""
    start = min(page.index(b) for b in body)
    lo = page.index(title_el) if title_el is not None else _head_window(page, body, 40)[0]
    if lo < 0 or start - lo > 400:
        return []
    seen = {r.src for r in raws if r.kind == "image"}
    out: list[_Raw] = []
    done: set[HtmlElement] = set()
    # page.order was filled in document order: its keys are already sorted
    for el in islice(page.order, lo + 1, start):
        if el.tag != "img" or el in done or _in_chrome(el):
            continue
        if any(a.tag == "a" and _link_density(a.getparent()) > 0.5 for a in el.iterancestors("a")):
            continue  # a thumbnail in a list of other articles
        box = next(el.iterancestors("figure"), None)
        caption = ""
        if box is not None:
            cap = box.find(".//figcaption")
            caption = _text(cap) if cap is not None else ""
        if not caption:
            # a caption box right after the image's box (up to three levels up)
            node: HtmlElement | None = el
            for _ in range(3):
                if node is None or caption:
                    break
                nxt = node.getnext()
                while nxt is not None and not isinstance(nxt.tag, str):
                    nxt = nxt.getnext()
                if nxt is not None and _CAPTION_CLASS.search(_names(nxt)):
                    caption = _text(nxt)
                    done.update(nxt.iter())
                node = node.getparent()
        if not caption or len(caption) > 400:
            continue
        walker = _Walker(url)
        walker.image(el)
        for raw in walker.out:
            if raw.src not in seen:
                raw.caption = caption
                seen.add(raw.src)
                out.append(raw)
    return out


# --- the public function ------------------------------------------------------------


def extract(html: str, url: str | None = None) -> Article:
    """The article of an HTML page; :class:`ExtractError` when the page holds none."""
    name = url or "the page"
    doc = _parse(html, name)
    host = (urlsplit(url).hostname or None) if url else None
    meta = metadata.meta_map(doc)
    ld = metadata.json_ld(doc)
    _strip_noise(doc)
    profile = find_profile(doc, host)
    page = _Page(doc, url, profile, meta, ld)
    page.order = {el: i for i, el in enumerate(doc.iter())}

    # a title the page confirms (profile, or a heading matching <title>/og:title) first:
    # it anchors the body; otherwise the body first and the title looked for near it
    title, title_el = _title(page, host, [])
    body = _profile_body(page) or _find_body(page, title_el)
    if not body:
        raise ExtractError(f"no article found in {name}: the page has no body text")
    if title is None:
        title, title_el = _title(page, host, body)
    if title is None:
        title, title_el = _title_before_body(page, body)
    if title is None:
        title = _title_fallback(page, host)
        if title is not None:
            title_el = _element_showing(page, body, title)
    if title is None:
        title, title_el = _title_before_body(page, body, plain=True)
    category = _category(page, title)
    published = _published(page, title_el, body)
    lead, lead_el = _lead(page, title_el, body)
    author, author_el = _author_el(page, title_el, body)

    keep = [k for k in (title_el,) if k is not None]
    for el in (lead_el, author_el):
        if el is not None and any(el is b or b in el.iterancestors() for b in body):
            _drop(el)
    _clean_body(body, page, keep)

    walker = _Walker(url, skip=[e for e in (title_el,) if e is not None])
    for root in body:
        walker.visit(root, False, False)
    walker.flush()
    walker.out[:0] = _lead_images(page, title_el, body, walker.out, url)
    blocks, images, signed, lead, signed_writer = _finish(walker.out, title, lead)
    if not any(b.kind == "paragraph" for b in blocks) and not lead:
        raise ExtractError(f"no article found in {name}: the page has no body text")
    if not title and blocks and len(blocks[0].text) <= 200 and len(blocks) > 1:
        # a page with no title anywhere (a fragment): its short opening line names it
        title, blocks = blocks[0].text, blocks[1:]
    if not title:
        raise ExtractError(f"no article found in {name}: the page has no title")
    if author is None or (signed and signed_writer):
        # the writer signing the text beats a byline box, which CMSs fill with the
        # account that posted it
        author = signed or author
    if author is None:
        # JSON-LD or meta author, only when it is a person's name (portals put the site's
        # own name there)
        for cand in (metadata.ld_author(ld), clean_text(meta.get("author", ""))):
            if cand and _name_like(cand, strict=True) and len(cand.split()) >= 2:
                author = cand
                break
    site = clean_text(meta.get("og:site_name", "")) or host
    return Article(
        title=title,
        blocks=tuple(blocks),
        lead=lead,
        published=published,
        author=author,
        category=category,
        images=tuple(images),
        url=url,
        site=site or None,
    )


__all__ = ["author_from_line", "clean_text", "extract", "is_file_name"]
