"""Article URLs of a portal: from an RSS/Atom feed, or from a listing page's main list.

A feed gives its items' links, newest first (sorted by date when every item has one,
otherwise in the feed's own order). A listing page gives the links of its main list of
articles, in page order (portals list newest first): links are grouped by the shape of
the markup around them, the largest group of article-looking links on the same site is
the list, and a few article links just around it (the featured story above the list) join
it. Menus, footers, pagination, category and tag links, and boxes of "most read" or
"related" articles are left out. The rules' data is ``data/discover.toml``.

A listing page's advertised feed (``<link rel="alternate" type="application/rss+xml">``)
is used only when the page itself shows no article list (a list built by JavaScript):
the page is what the user pointed at, and portal feeds are often site-wide or stale.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import cache
from typing import Any
from urllib.parse import SplitResult, urljoin, urlsplit, urlunsplit

from lxml import etree, html

from vnreader.errors import DataError, ExtractError
from vnreader.extract.encoding import decode_html
from vnreader.extract.fetch import Page, fetch
from vnreader.packagedata import read_toml

_FEED_TYPES = ("rss", "atom", "rdf")
_FEED_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(rss|feed|rdf:RDF)\b", re.S)
_SPACE = re.compile(r"\s+")
_TOKEN_SPLIT = re.compile(r"[\s_\-]+")
_DIGITS = re.compile(r"\d")
_SLUG_SPLIT = re.compile(r"[-_]+")
_VN_DATE = re.compile(
    r"(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})(?:\D+(\d{1,2})[:h](\d{2})(?::(\d{2}))?)?"
)
_VIETNAM = timezone(timedelta(hours=7))
#: Class tokens that vary between items of one list and so must not split the group.
_VARYING_CLASSES = frozenset(
    {"odd", "even", "first", "last", "active", "selected", "current", "clearfix", "clear"}
)


@dataclass(frozen=True)
class _Rules:
    non_article: tuple[re.Pattern[str], ...]
    article: tuple[re.Pattern[str], ...]
    min_slug_words: int
    min_title_words: int
    min_headline_words: int
    boilerplate_tokens: frozenset[str]
    sidebar_headings: frozenset[str]


@cache
def _rules() -> _Rules:
    try:
        data = read_toml("vnreader.extract", "data", "discover.toml")
        return _Rules(
            non_article=tuple(re.compile(p, re.I) for p in data["non_article_urls"]),
            article=tuple(re.compile(p, re.I) for p in data["article_urls"]),
            min_slug_words=int(data["min_slug_words"]),
            min_title_words=int(data["min_title_words"]),
            min_headline_words=int(data["min_headline_words"]),
            boilerplate_tokens=frozenset(t.lower() for t in data["boilerplate_tokens"]),
            sidebar_headings=frozenset(_clean(h).lower() for h in data["sidebar_headings"]),
        )
    except (OSError, KeyError, ValueError, re.error, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"vnreader/extract/data/discover.toml is broken: {exc}") from None


def discover(url: str, *, limit: int | None = None, **fetch_options: Any) -> list[str]:
    """Article URLs of the feed or listing page at ``url``, newest first.

    An empty feed gives ``[]``; a web page with no article list is an ExtractError.
    ``fetch_options`` go to :func:`~vnreader.extract.fetch.fetch` (cache, TLS options).
    """
    page = fetch(url, **fetch_options)
    if is_feed(page):
        links = feed_links(page.body, page.url)
    else:
        text = decode_html(page.body, page.content_type, name=url)
        links = listing_links(text, page.url)
        if not links:
            links = _advertised_feed(text, page.url)
        if not links:
            raise ExtractError(
                f"found no list of articles on {url} (give a category page or an RSS feed)"
            )
    return links[:limit] if limit is not None else links


def is_feed(page: Page) -> bool:
    """Whether a fetched page is an RSS/Atom feed (by content type or root element)."""
    mime = (page.content_type or "").split(";", 1)[0].strip().lower()
    if any(kind in mime for kind in _FEED_TYPES):
        return True
    body = page.body.removeprefix(b"\xef\xbb\xbf")
    return bool(_FEED_START.match(body[:4096]))


def feed_links(raw: bytes, base_url: str) -> list[str]:
    """The item links of an RSS 0.9x/1.0/2.0 or Atom feed, newest first."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError:
        root = None
    if root is None:
        raise ExtractError(f"{base_url} is not a readable RSS or Atom feed")
    items: list[tuple[str, datetime | None]] = []
    for item in root.iter():
        if not isinstance(item.tag, str):
            continue
        name = etree.QName(item).localname
        if name == "item":
            link = _rss_link(item)
            when = _first_date(item, ("pubDate", "date", "published", "updated"))
        elif name == "entry":
            link = _atom_link(item)
            when = _first_date(item, ("published", "updated", "date"))
        else:
            continue
        if link:
            items.append((urljoin(base_url, link), when))
    if items and all(when is not None for _, when in items):
        items.sort(key=lambda pair: pair[1], reverse=True)  # type: ignore[arg-type, return-value]
    return _dedupe(u for u, _ in items if _is_web(u))


def listing_links(text: str, base_url: str) -> list[str]:
    """The article links of a listing page's main list, in page order."""
    try:
        doc = html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return []
    rules = _rules()
    base = _base_href(doc, base_url)
    for junk in doc.xpath("//script|//style|//noscript|//template|//svg"):
        junk.drop_tree()
    zones = _boilerplate_zones(doc, rules)
    sidebars = _sidebar_boxes(doc, rules)
    site = _site(base_url)
    links = _candidates(doc, base, site, zones, rules)
    # Boxes of "most read"/"related" articles are dropped unless they are all there is.
    kept = [c for c in links if not _inside(c.element, sidebars)] or links
    return _main_list(kept, rules)


@dataclass
class _Link:
    element: html.HtmlElement
    url: str
    words: int
    signature: str
    article_url: bool


def _candidates(
    doc: html.HtmlElement,
    base: str,
    site: str,
    zones: set[html.HtmlElement],
    rules: _Rules,
) -> list[_Link]:
    best_words: dict[str, int] = {}
    found: list[_Link] = []
    for anchor in doc.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        url = _absolute(base, href)
        if url is None or _site(url) != site or _inside(anchor, zones):
            continue
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        if any(p.search(target) for p in rules.non_article):
            continue
        if url.rstrip("/") == base.split("#", 1)[0].rstrip("/"):
            continue
        words = _title_words(anchor)
        best_words[url] = max(best_words.get(url, 0), words)
        found.append(_Link(anchor, url, words, _signature(anchor), _looks_article(parts, rules)))
    # A link's title is its best text anywhere on the page: the image link of a featured
    # story counts as titled when the headline next to it links to the same address.
    result = []
    for link in found:
        words = best_words[link.url]
        if (link.article_url and words >= rules.min_title_words) or (
            words >= rules.min_headline_words and _below_root(link.url)
        ):
            link.words = words
            result.append(link)
    return result


def _main_list(links: list[_Link], rules: _Rules) -> list[str]:
    if not links:
        return []
    groups: dict[str, list[_Link]] = {}
    for link in links:
        groups.setdefault(link.signature, []).append(link)

    def strength(group: list[_Link]) -> tuple[int, int]:
        return len({g.url for g in group}), sum(g.words for g in group)

    best = max(groups.values(), key=strength)
    region = _common_ancestor([g.element for g in best])
    inside = {id(g) for g in best}
    # Climb a little to take in a featured story above the list; stop before a level
    # that brings in a second list of its own (a sidebar, another section).
    allowance = max(2, len({g.url for g in best}) // 3)
    for _ in range(2):
        parent = region.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        extra = [
            link for link in links if _inside(link.element, {parent}) and id(link) not in inside
        ]
        extra = [link for link in extra if not _inside(link.element, {region})]
        if len({link.url for link in extra}) > allowance:
            break
        region = parent
    return _dedupe(link.url for link in links if _inside(link.element, {region}))


def _advertised_feed(text: str, base_url: str) -> list[str]:
    feed_url = advertised_feed_url(text, base_url)
    if feed_url is not None:
        page = fetch(feed_url)
        if is_feed(page):
            return feed_links(page.body, page.url)
    return []


def advertised_feed_url(text: str, base_url: str) -> str | None:
    """The RSS/Atom feed a page advertises (``<link rel="alternate">``), if any."""
    try:
        doc = html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None
    for link in doc.xpath("//link[@rel='alternate'][@href]"):
        kind = (link.get("type") or "").lower()
        if "rss" in kind or "atom" in kind:
            feed_url = _absolute(base_url, link.get("href", ""))
            if feed_url and feed_url != base_url:
                return feed_url
    return None


#: Link texts of a "next page" control on Vietnamese portals (casefolded, spaces folded).
_NEXT_TEXTS = frozenset(
    {
        "trang sau",
        "trang tiếp",
        "trang tiếp theo",
        "tiếp",
        "tiếp theo",
        "sau",
        "next",
        "»",
        "›",
        ">",
        ">>",
        "›»",
        "tiếp »",
        "sau »",
        "next »",
        "trang sau »",
    }
)
_NUMBER = re.compile(r"\d+")


def next_page(text: str, url: str, number: int) -> str | None:
    """The address of the listing page after page ``number`` (1-based) of ``url``, or None.

    Read from ``rel="next"``, then a "Trang sau"/"»" link, then the link numbered
    ``number + 1`` whose address differs from this page's by that number (the numbered
    pager every portal platform prints). Script links (ASP.NET postbacks) are not pages.
    """
    try:
        doc = html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None
    base = _base_href(doc, url)
    own = _absolute(url, "") or url

    def usable(href: str | None) -> str | None:
        if not href or href.strip().lower().startswith(("javascript:", "#", "mailto:")):
            return None
        target = _absolute(base, href)
        if target is None or target == own or _site(target) != _site(url):
            return None
        return target

    for element in doc.xpath("//link[@rel='next'][@href]|//a[@rel='next'][@href]"):
        found = usable(element.get("href"))
        if found:
            return found
    wanted = str(number + 1)
    numbered: str | None = None
    for anchor in doc.xpath("//a[@href]"):
        label = _clean(anchor.text_content()).casefold()
        if not label:
            label = _clean(anchor.get("title") or anchor.get("aria-label") or "").casefold()
        if label in _NEXT_TEXTS:
            found = usable(anchor.get("href"))
            if found:
                return found
        if numbered is None and label == wanted:
            found = usable(anchor.get("href"))
            if (
                found
                and wanted in _NUMBER.findall(found)
                and (number == 1 or str(number) in _NUMBER.findall(own) or "page" in found.lower())
            ):
                numbered = found
    return numbered


def _boilerplate_zones(doc: html.HtmlElement, rules: _Rules) -> set[html.HtmlElement]:
    zones: set[html.HtmlElement] = set()
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in ("nav", "header", "footer", "aside", "select", "form"):
            zones.add(element)
            continue
        if element.get("role") in ("navigation", "banner", "contentinfo", "search"):
            zones.add(element)
            continue
        tokens = _tokens(element)
        if tokens & rules.boilerplate_tokens:
            zones.add(element)
    return zones


def _sidebar_boxes(doc: html.HtmlElement, rules: _Rules) -> set[html.HtmlElement]:
    boxes: set[html.HtmlElement] = set()
    for heading in doc.xpath(
        "//h2|//h3|//h4|//h5|//h6|//*[contains(@class,'title')]|//*[contains(@class,'heading')]"
    ):
        if heading.xpath(".//a[string-length(normalize-space()) > 40]"):
            continue  # an article's own headline, not a box heading
        label = _clean(heading.text_content()).lower().strip(" :»›>-")
        if label not in rules.sidebar_headings:
            continue
        box = heading.getparent()
        # The heading may sit in its own header bar; the box is the first ancestor that
        # holds links besides the heading's own.
        for _ in range(3):
            if box is None:
                break
            own = set(heading.iter("a"))
            if any(a not in own for a in box.iter("a")):
                boxes.add(box)
                break
            box = box.getparent()
    return boxes


def _inside(element: html.HtmlElement, containers: set[html.HtmlElement]) -> bool:
    if not containers:
        return False
    node: html.HtmlElement | None = element
    while node is not None:
        if node in containers:
            return True
        node = node.getparent()
    return False


def _tokens(element: html.HtmlElement) -> set[str]:
    raw = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return {t for t in _TOKEN_SPLIT.split(raw) if t}


def _signature(anchor: html.HtmlElement) -> str:
    """The markup path to a link, without positions: items of one list share it."""
    parts = []
    node: html.HtmlElement | None = anchor
    while node is not None and node.tag not in ("body", "html"):
        classes = sorted(
            c
            for c in (node.get("class") or "").lower().split()
            if c not in _VARYING_CLASSES and not _DIGITS.search(c)
        )
        parts.append(node.tag + "".join(f".{c}" for c in classes))
        node = node.getparent()
    return ">".join(reversed(parts))


def _title_words(anchor: html.HtmlElement) -> int:
    texts = [anchor.text_content(), anchor.get("title") or ""]
    texts += [img.get("alt") or "" for img in anchor.iter("img")]
    return max(len(_clean(t).split()) for t in texts)


def _below_root(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.query) or parts.path.strip("/").count("/") >= 1


def looks_like_article(url: str) -> bool:
    """Whether ``url`` looks like one article's address (not a listing, tag or menu page)."""
    return _looks_article(urlsplit(url), _rules())


def _looks_article(parts: SplitResult, rules: _Rules) -> bool:
    path = parts.path
    target = path + (f"?{parts.query}" if parts.query else "")
    if any(p.search(target) for p in rules.article):
        return True
    last = path.rstrip("/").rsplit("/", 1)[-1]
    stem = last.rsplit(".", 1)[0] if "." in last else last
    return len([w for w in _SLUG_SPLIT.split(stem) if w]) >= rules.min_slug_words


def _common_ancestor(elements: list[html.HtmlElement]) -> html.HtmlElement:
    def chain(e: html.HtmlElement) -> list[html.HtmlElement]:
        out = []
        node: html.HtmlElement | None = e
        while node is not None:
            out.append(node)
            node = node.getparent()
        return list(reversed(out))

    chains = [chain(e) for e in elements]
    common = chains[0][0]
    for level in zip(*chains, strict=False):
        if all(node is level[0] for node in level):
            common = level[0]
        else:
            break
    if len(elements) == 1:
        parent = elements[0].getparent()
        return parent if parent is not None else common
    return common


def _base_href(doc: html.HtmlElement, url: str) -> str:
    for base in doc.xpath("//base[@href]"):
        href = _absolute(url, base.get("href", ""))
        if href:
            return href
    return url


def _absolute(base: str, href: str) -> str | None:
    try:
        url = urljoin(base, href.strip())
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def _site(url: str) -> str:
    netloc = urlsplit(url).netloc.lower()
    return netloc.removeprefix("www.")


def _is_web(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https")


def _dedupe(urls: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for url in urls:
        if url not in seen:
            seen.add(url)
            out.append(url)
    return out


def _clean(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text.replace("\xa0", " "))).strip()


def _rss_link(item: etree._Element) -> str | None:
    for child in item:
        if isinstance(child.tag, str) and etree.QName(child).localname == "link":
            value = (child.text or child.get("href") or "").strip()
            if value:
                return value
    for child in item:
        if isinstance(child.tag, str) and etree.QName(child).localname == "guid":
            value = (child.text or "").strip()
            if child.get("isPermaLink", "true").lower() != "false" and _is_web(value):
                return value
    return None


def _atom_link(entry: etree._Element) -> str | None:
    fallback = None
    for child in entry:
        if not isinstance(child.tag, str) or etree.QName(child).localname != "link":
            continue
        rel = child.get("rel", "alternate")
        href = (child.get("href") or "").strip()
        if rel == "alternate" and href:
            if (child.get("type") or "text/html").startswith(("text/html", "application/xhtml")):
                return href
            fallback = fallback or href
    return fallback


def _first_date(item: etree._Element, names: tuple[str, ...]) -> datetime | None:
    for name in names:
        for child in item:
            if isinstance(child.tag, str) and etree.QName(child).localname == name:
                when = _parse_date((child.text or "").strip())
                if when is not None:
                    return when
    return None


def _parse_date(text: str) -> datetime | None:
    """RFC 822 (RSS), ISO 8601 (Atom, Dublin Core) or a Vietnamese dd/mm/yyyy hh:mm."""
    if not text:
        return None
    when: datetime | None = None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        try:
            when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            match = _VN_DATE.search(text)
            if match:
                day, month, year, hour, minute, second = match.groups()
                try:
                    when = datetime(
                        int(year),
                        int(month),
                        int(day),
                        int(hour or 0),
                        int(minute or 0),
                        int(second or 0),
                    )
                except ValueError:
                    return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=_VIETNAM)  # a feed without a zone means Vietnam time
    return when.astimezone(UTC)
