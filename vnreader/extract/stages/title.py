"""The article's title: the profile's selector, else the best heading near the body with
``<title>``/``og:title`` as a reference (a CMS's "Chi tiết tin" never), else the bold
line above the body of an old table page, else ``<title>`` stripped of the site's name."""

from __future__ import annotations

import re
from itertools import islice

from lxml.html import HtmlElement

from vnreader.extract import metadata
from vnreader.extract.stages.byline import is_uploader_line
from vnreader.extract.stages.dom import (
    HEADINGS,
    SPLIT_END,
    Found,
    Page,
    article_box,
    head_window,
    in_chrome,
    is_bold,
    link_density,
    similar,
    text_of,
)
from vnreader.extract.stages.lexicon import (
    boilerplate,
    clean_text,
    generic_selectors,
    generic_titles,
    site_words,
)


def is_generic_title(text: str, site: str | None = None) -> bool:
    """Whether a page title is one the CMS gives every article ("Chi tiết tin", "Tin tức",
    "Trang chủ", the portal's own name): never the article's title."""
    low = clean_text(text).casefold().strip(" .:-|»")
    if not low:
        return True
    exact, prefix = generic_titles()
    if low in exact:
        return True
    if site and low == clean_text(site).casefold():
        return True
    return len(low.split()) <= 10 and low.startswith(prefix)


def _strip_site(title: str, host: str | None) -> str:
    parts = re.split(r"\s+[-|–—:»·]\s+|\s*\|\s*|\s+::\s+", title)
    if len(parts) < 2:
        return title
    words = site_words()
    hostword = (host or "").removeprefix("www.").split(".")[0].casefold()

    def sitey(part: str) -> bool:
        low = part.casefold()
        return any(w in low for w in words) or (bool(hostword) and hostword in low.replace(" ", ""))

    while len(parts) > 1 and sitey(parts[-1]):
        parts.pop()
    while len(parts) > 1 and sitey(parts[0]) and len(parts[0]) < 60:
        parts.pop(0)
    return " - ".join(parts) if len(parts) > 1 else parts[0]


def find_title(page: Page, host: str | None, body: list[HtmlElement]) -> Found:
    """The article's title and its element: the profile's selector, else the best heading
    near the body (generic title selectors, ``h1``–``h3``) scored against ``<title>`` /
    ``og:title``; with no body yet, only a title the page confirms."""
    if page.profile:
        for found in page.select(page.profile.title):
            for el in found:
                text = text_of(el)
                if text:
                    return Found(text, el)
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
    for rank, sel in enumerate(generic_selectors().title):
        for el in sel(page.doc):
            candidates.append((el, 3.0 - rank * 0.05))
    for el in page.doc.iter("h1"):
        candidates.append((el, 2.0))
    for el in page.doc.iter("h2", "h3"):
        candidates.append((el, 0.0))
    lo, hi = head_window(page, body) if body else (-1, -1)
    for el, base in candidates:
        if el in seen:
            continue
        seen.add(el)
        text = text_of(el)
        if not 4 <= len(text) <= 400 or is_generic_title(text):
            continue
        if el.tag not in HEADINGS and (len(text.split()) < 3 or boilerplate().action(text)):
            continue  # a box heading ("Tin mới", "Danh mục") named like a title
        score = base
        idx = page.index(el)
        if lo <= idx < hi:
            # right above the body, or opening it: where a title stands; the nearest wins
            score += 3 + (idx - lo) / max(hi - lo, 1)
        if ref and similar(text, ref):
            score += 6 if len(text) >= 0.5 * len(ref_stripped or ref) else 1
        elif ref and len(ref_stripped.split()) >= 5:
            score -= 2  # the page's own title names another text (a short one is the site's)
        if in_chrome(el, article_box(el, body)):
            # (chrome-named boxes above the one holding the candidate and the body do not
            # count: VnExpress's main column is "sidebar-1")
            score -= 5
        if el.tag == "a" or (el.find(".//a") is not None and link_density(el) > 0.9):
            score -= 3  # a title that links elsewhere belongs to a list of other articles
        if el.tag not in HEADINGS and not ref:
            score -= 1
        if best is None or score > best[0]:
            best = (score, text, el)
    if best is not None and best[0] >= (2 if body else 6):
        return Found(best[1], best[2])
    return Found()


def title_before_body(page: Page, body: list[HtmlElement], *, plain: bool = False) -> Found:
    """Old table-and-font pages: the title is the bold or large line just above the body.

    ``plain``: a page whose <title> says nothing ("Chi tiết tin") and whose heading is
    styled only by a meaningless class: the nearest plain line above the body of four
    words or more that is not a stamp, a link or chrome."""
    if not body:
        return Found()
    lo, hi = head_window(page, body, before=10)
    seen = 0
    # page.order was filled in document order: its keys are already sorted
    for el in reversed(list(islice(page.order, max(lo, 0), max(hi, 0)))):
        if not isinstance(el.tag, str) or any(el is b for b in body):
            continue
        if el.tag not in ("b", "strong", "font", "span", "div", "p", "td", "h2", "h3", "h4"):
            continue
        text = text_of(el)
        if not text:
            continue
        seen += 1
        if seen > 12:
            break
        if metadata.is_date_stamp(text) or boilerplate().action(text):
            continue
        if is_generic_title(text) or is_uploader_line(text):
            continue
        if el.find(".//a") is not None or el.tag == "a" or in_chrome(el):
            continue
        if len(el.findall(".//p")) + len(el.findall(".//div")) > 1:
            continue  # a box of several blocks is not a title line
        size = (el.get("size") or "").strip("+")
        big = (
            el.tag in ("b", "strong", "h2", "h3", "h4")
            or is_bold(el)
            or (size.isdigit() and int(size) >= 3)
        )
        if (big or (plain and len(text.split()) >= 4)) and 10 <= len(text) <= 300:
            if not SPLIT_END.search(text[-1:]):
                return Found(text, el)
    return Found()


def element_showing(page: Page, body: list[HtmlElement], title: str) -> HtmlElement | None:
    """The visible element above the body that shows ``title`` (taken from <title>): it
    anchors the stamp and the byline that portals print right under the title."""
    lo, hi = head_window(page, body, before=60)
    want = title.casefold()
    for el in reversed(list(islice(page.order, max(lo, 0), max(hi, 0)))):
        if not isinstance(el.tag, str) or el.tag in ("a", "title") or in_chrome(el):
            continue
        if any(el is b or b in el.iterancestors() for b in body):
            continue
        if text_of(el).casefold() == want:
            return el
    return None


def title_fallback(page: Page, host: str | None) -> str | None:
    """``og:title`` or ``<title>`` stripped of the site's name, unless it is generic."""
    og = clean_text(page.meta.get("og:title", "") or page.meta.get("twitter:title", ""))
    title_el = page.doc.find(".//title")
    doc_title = clean_text(title_el.text_content()) if title_el is not None else ""
    site = clean_text(page.meta.get("og:site_name", ""))
    for ref in (og, doc_title):
        stripped = _strip_site(ref, host) if ref else ""
        if stripped and not is_generic_title(stripped, site) and not is_generic_title(ref, site):
            return stripped
    return None  # "Chi tiết tin" is never a title: the body's opening line may be
