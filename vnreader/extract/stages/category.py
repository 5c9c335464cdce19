"""The article's category: the section of the breadcrumb (profile, generic selectors,
JSON-LD ``BreadcrumbList``, any path of links from the home page), else
``article:section``."""

from __future__ import annotations

import re
from itertools import islice
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from vnreader.extract import metadata
from vnreader.extract.stages.dom import (
    Page,
    article_box,
    in_chrome,
    name_weight,
    names_of,
    similar,
    text_of,
)
from vnreader.extract.stages.lexicon import (
    breadcrumb_skip,
    category_labels,
    clean_text,
    generic_selectors,
)


def _crumb_items(container: HtmlElement) -> list[str]:
    items = [
        text_of(el) for el in container.iter("a", "li", "span") if not len(el.findall(".//a")) > 1
    ]
    items = [i for i in items if i]
    if not items:
        items = [p for p in re.split(r"\s*[>»›/|▸►▶➤]\s*", text_of(container)) if p]
    # one item may hold several joined by ">" when the markup has no elements per item
    out: list[str] = []
    for item in items:
        for part in re.split(r"\s+[>»›]\s+|\s*[»›▸►▶➤]\s*", item):
            part = part.strip(" >»›▸►▶➤/|-")
            if part and (not out or out[-1] != part):
                out.append(part)
    return out


def _pick_crumb(items: list[str], title: str | None) -> str | None:
    skip = breadcrumb_skip()
    for item in reversed(items):
        low = item.casefold().rstrip(" :")
        if low in skip or len(item) > 80:
            continue
        if title and (similar(item, title) and len(item) > 20):
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


_CRUMB_NAME = re.compile(
    r"vi-?tri|vi_tri|duong-?dan|duong_dan|chuyen-?muc|chuyen_muc|breadcrumb|crumb|\bpath\b|"
    r"pathway",
    re.IGNORECASE,
)


_HOME_PATHS = frozenset(("", "/", "./", "~/", "/index.html", "/index.php", "/default.aspx"))


def _is_home_link(a: HtmlElement) -> bool:
    """A path's first item: the home page by its words ("Trang chủ"), its address (the
    site's root) or its name ("home-link"); the site's own name is often its text."""
    if text_of(a).casefold() in breadcrumb_skip():
        return True
    href = (a.get("href") or "").strip()
    if href.startswith("#") or href.lower().startswith("javascript"):
        href = ""  # a link to nowhere (a menu toggle), not the home page
    if href and urlsplit(href).path.lower() in _HOME_PATHS and not urlsplit(href).query:
        return True
    return bool(re.search(r"home|trang-?chu|trangchu", names_of(a), re.IGNORECASE))


def _looks_like_crumb(el: HtmlElement) -> bool:
    """A path of links from the home page: "Trang chủ » Tin trong huyện" (any class name)."""
    if not isinstance(el.tag, str) or el.tag in ("ul", "ol", "body", "html", "table", "tr"):
        return False
    links = el.findall(".//a")
    if not links and len(el) == 0:
        # a path printed as plain text ("Trang chủ > Tin tức > Kinh tế")
        return bool(_TEXT_CRUMB.match(text_of(el)))
    if not 2 <= len(links) <= 8:
        return False
    if not (_is_home_link(links[0]) or _CRUMB_NAME.search(names_of(el))):
        return False
    if any(len(text_of(a)) > 60 for a in links):
        return False  # items of a path are section names, never headlines
    text = text_of(el)
    if len(text) > 250:
        return False
    # what is not link text is only separators (">", "»", "/"; not "|" as menus use),
    # maybe a label before the path ("Bạn đang ở:", "Vị trí:") and the current page's own
    # name, unlinked, after it (Joomla's "pathway")
    rest = text
    m = re.match(r"\s*([^:>»›▸►]{2,30}):\s*", rest)
    if m and clean_text(m.group(1)).casefold() in breadcrumb_skip():
        rest = rest[m.end() :]
    for a in links:
        rest = rest.replace(text_of(a), " ", 1)
    last = links[-1]
    tail = [
        e
        for e in last.itersiblings()
        if isinstance(e.tag, str) and e.tag not in ("a", "img", "i") and text_of(e)
    ]
    if len(tail) == 1 and len(text_of(tail[0])) <= 200 and tail[0].find(".//a") is None:
        rest = rest.replace(text_of(tail[0]), " ", 1)
    parts = [p for p in re.split(r"\s{1,}(?=\S)", rest) if p.strip()]
    if not parts:
        # arrows drawn as images between the links ("Kinh tế ➤ Giao thông"), outside
        # the page's menus
        own = names_of(el)
        return (
            any(next(i.iterancestors("a"), None) is None for i in el.iter("img", "i"))
            and not (name_weight(own).removable and not _CRUMB_NAME.search(own))
            and not in_chrome(el.getparent())
        )
    return all(_CRUMB_SEP.match(p) for p in parts)


def find_category(
    page: Page,
    title: str | None,
    title_el: HtmlElement | None = None,
    body: list[HtmlElement] | None = None,
) -> str | None:
    """The article's section: the profile's path, generic breadcrumbs, JSON-LD, any path of
    links from the home page, ``article:section``, else a labelled category line."""
    if page.profile:
        for found in page.select(page.profile.category):
            if len(found) == 1:
                items = _crumb_items(found[0])
            else:
                items = []
                for el in found:
                    text = text_of(el)
                    if text and (not items or items[-1] != text):
                        items.append(text)
            pick = _pick_crumb(items, title)
            if pick:
                return pick
    for found in page.select(generic_selectors().category):
        for el in found:
            pick = _pick_crumb(_crumb_items(el), title)
            if pick:
                return pick
    pick = _pick_crumb(metadata.ld_breadcrumb(page.ld), title)
    if pick:
        return pick
    page_body = page.doc.find("body")
    for el in page_body.iter() if page_body is not None else ():
        if _looks_like_crumb(el):
            pick = _pick_crumb(_crumb_items(el), title)
            if pick:
                return pick
    section = clean_text(page.meta.get("article:section", ""))
    if section:
        return section
    if title_el is None:
        return None
    return _labelled_category(
        page, title_el, article_box(title_el, body if body is not None else [])
    )


def _labelled_category(page: Page, title_el: HtmlElement, box: HtmlElement | None) -> str | None:
    """The first link of a short line that starts with a category label ("Nhãn: Tin
    tức", "Đăng trong Văn hóa - Xã hội", ``data/category_labels.tsv``), after the title,
    in the article's own box (its footer too) or else outside the page chrome: the
    article's own category when the page has no path."""
    t_idx = page.index(title_el)
    labels = category_labels()
    for el in islice(page.order, t_idx + 1, t_idx + 600):
        if not isinstance(el.tag, str) or el.tag in ("a", "ul", "ol", "body"):
            continue
        links = el.findall(".//a")
        if not 1 <= len(links) <= 3:
            continue
        text = text_of(el)
        low = text.casefold()
        if len(text) > 120 or not low.startswith(labels):
            continue
        label = next(lab for lab in labels if low.startswith(lab))
        if low[len(label) : len(label) + 1].isalnum():
            continue
        own = box is not None and any(a is box for a in el.iterancestors())
        if not own and in_chrome(el.getparent()):
            continue
        pick = text_of(links[0])
        if pick and len(pick) <= 60:
            return pick
    return None
