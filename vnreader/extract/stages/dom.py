"""Element helpers every stage shares: tags, class-name weights, text and link density,
alignment and emphasis, page chrome, and :class:`Page` (the parsed page with its profile,
meta tags, JSON-LD and document order)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from lxml.html import HtmlElement

from vnreader.extract.profiles import Profile, Selector
from vnreader.extract.stages.lexicon import class_hints, clean_text

BLOCK_TAGS = frozenset(
    "p div section article main header footer aside nav blockquote ul ol li dl dt dd "
    "h1 h2 h3 h4 h5 h6 table thead tbody tfoot tr td th caption figure figcaption center "
    "pre address hr form fieldset details summary address body html".split()
)


HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


CAPTION_CLASS = re.compile(
    r"caption|chuthich|chu-thich|image-desc|img-desc|imgdesc|desc_image|photo-desc|"
    r"imagecaption|anh-mo-ta|\bimage\b",
    re.IGNORECASE,
)


def drop(el: HtmlElement) -> None:
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


def names_of(el: HtmlElement) -> str:
    """An element's class and id, the names class hints are matched against."""
    return f"{el.get('class') or ''} {el.get('id') or ''}".strip()


class NameWeight(NamedTuple):
    """What an element's class and id names say of it."""

    weight: int  # > 0 content, < 0 chrome
    removable: bool  # chrome to cut out of a body
    weak: bool  # only weak (structural) hints make it removable


@lru_cache(maxsize=4096)
def name_weight(names: str) -> NameWeight:
    """Class/id weight, whether the element is removable chrome inside a body, and whether
    only weak (structural) hints make it so.

    Weak hints are words page builders give every box (Elementor's ``elementor-widget``
    wraps the post's text as much as the share bar): they count only when no content
    hint sits in the same name ("elementor-widget-theme-post-content" is the body), and
    their removal is conditional (``holds_prose``).
    """
    if not names:
        return NameWeight(0, removable=False, weak=False)
    joined = re.sub(r"[^a-z0-9]", "", names.lower())
    tokens = set(re.split(r"[^a-z0-9]+", _CAMEL.sub(" ", names).lower()))
    strong = weak = 0
    positive = removable = weak_removable = False
    for hint in class_hints():
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
        return NameWeight(strong, removable=removable and strong < 0, weak=False)
    weight = strong + weak
    if removable and weight < 0:
        return NameWeight(weight, removable=True, weak=False)
    chrome = weak_removable and weight < 0
    return NameWeight(weight, removable=chrome, weak=chrome)


def text_of(el: HtmlElement) -> str:
    """An element's whole text, cleaned (:func:`clean_text`)."""
    return clean_text(el.text_content())


def link_density(el: HtmlElement) -> float:
    """The share of an element's text that sits in links (1.0 for an empty element)."""
    total = len(el.text_content().strip())
    if not total:
        return 1.0
    linked = sum(len(a.text_content().strip()) for a in el.iter("a"))
    return min(1.0, linked / total)


def _style(el: HtmlElement) -> str:
    return (el.get("style") or "").replace(" ", "").lower()


def align_of(el: HtmlElement) -> str:
    """An element's alignment: ``align``, ``text-align`` or ``<center>``."""
    align = (el.get("align") or "").lower()
    if align:
        return align
    m = re.search(r"text-align:(\w+)", _style(el))
    if m:
        return m.group(1)
    if el.tag == "center":
        return "center"
    return ""


def is_hidden(el: HtmlElement) -> bool:
    """Whether an element is hidden (``display:none``, ``hidden``, ``aria-hidden``)."""
    style = _style(el)
    return (
        "display:none" in style
        or "visibility:hidden" in style
        or el.get("hidden") is not None
        or (el.get("aria-hidden") or "").lower() == "true"
    )


@dataclass(frozen=True)
class Found:
    """What a stage found: a field's text and the element showing it (either may be
    missing: a title from ``<title>`` has no element on the page)."""

    text: str | None = None
    el: HtmlElement | None = None


@dataclass
class Page:
    """The parsed page every stage reads: the document, its URL, the matched profile,
    meta tags, JSON-LD items and each element's position in document order."""

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


def article_box(title_el: HtmlElement | None, body: list[HtmlElement]) -> HtmlElement | None:
    """The smallest box holding the title and the body: whatever names the boxes above it
    carry ("sidebar-1" is VnExpress's main column), they hold the article, not chrome."""
    if title_el is None or not body:
        return None
    above = set(title_el.iterancestors())
    for node in body[0].iterancestors():
        if node in above:
            return node
    return None


def in_chrome(el: HtmlElement, stop: HtmlElement | None = None) -> bool:
    """Whether an element sits in page chrome: nav/footer/aside or a chrome-named box."""
    node: HtmlElement | None = el
    while node is not None and node is not stop:
        tag = node.tag
        if tag in ("nav", "footer", "aside"):
            return True
        if tag in ("body", "html"):
            return False
        hint = name_weight(names_of(node))
        if hint.removable and hint.weight <= -40 and not hint.weak:
            return True
        node = node.getparent()
    return False


def similar(a: str, b: str) -> bool:
    """Whether one text contains the other, case-insensitively."""
    a, b = a.casefold(), b.casefold()
    return bool(a) and bool(b) and (a in b or b in a)


def head_window(page: Page, body: list[HtmlElement], before: int = 25) -> tuple[int, int]:
    """Document positions where an article's title and stamp sit: from a little before
    the body to its first real paragraph."""
    if not body:
        return -1, -1
    start = min(page.index(b) for b in body)
    first = start
    for root in body:
        for el in root.iter("p", "div", "td", "font", "span"):
            if inline_len(el) >= 80 and el.find(".//h1") is None:
                first = page.index(el)
                break
        else:
            continue
        break
    return start - before, max(first, start)


def following(el: HtmlElement) -> Iterator[HtmlElement]:
    """The elements after ``el`` in document order, outside its own subtree."""
    node: HtmlElement | None = el
    while node is not None and node.tag not in ("body", "html"):
        yield from node.itersiblings()
        node = node.getparent()


UNIT_TAGS = frozenset("p div td pre blockquote li section article dd font center".split())


CONTAINERS = frozenset("div td section article dd font center main form".split())


def inline_len(el: HtmlElement) -> int:
    """The length of an element's own inline text (not inside nested blocks)."""
    n = len((el.text or "").strip())
    for child in el:
        tag = child.tag
        if isinstance(tag, str) and tag not in BLOCK_TAGS:
            n += len(child.text_content().strip())
        n += len((child.tail or "").strip())
    return n


def inline_commas(el: HtmlElement) -> int:
    """The commas of an element's own inline text."""
    n = (el.text or "").count(",")
    for child in el:
        if isinstance(child.tag, str) and child.tag not in BLOCK_TAGS:
            n += child.text_content().count(",")
        n += (child.tail or "").count(",")
    return n


SPLIT_END = re.compile(r"[.!?…:;]['\"”»)]*$|\./\.$")


def is_bold(el: HtmlElement) -> bool:
    """Whether an element is bold (``b``, ``strong``, a bold ``font-weight``)."""
    if el.tag in ("b", "strong"):
        return True
    style = _style(el)
    return "font-weight:bold" in style or "font-weight:700" in style or "font-weight:600" in style


def is_italic(el: HtmlElement) -> bool:
    """Whether an element is italic (``i``, ``em``, ``font-style: italic``)."""
    return el.tag in ("i", "em") or "font-style:italic" in _style(el)


def same_text(a: str, b: str) -> bool:
    """Whether two lines are the same text, case and end punctuation aside."""
    return a.casefold().strip(" .:") == b.casefold().strip(" .:")
