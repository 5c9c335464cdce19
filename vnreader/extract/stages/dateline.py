"""The publication date: the profile's stamp, JSON-LD and strong meta tags, else a visible
stamp next to the title (generic date selectors, the text between the title and the
body, a labelled "Ngày đăng: …" in the article's box). Never the header's clock, never
a list of other articles; a null date beats a wrong one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from lxml.html import HtmlElement

from vnreader.extract import metadata
from vnreader.extract.stages.dom import (
    Page,
    article_box,
    following,
    head_window,
    in_chrome,
    link_density,
    name_weight,
    names_of,
    similar,
    text_of,
)
from vnreader.extract.stages.lexicon import clean_text, date_labels, generic_selectors

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
    labels = list(date_labels().label.finditer(text, max(0, m.start() - 60), m.start()))
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
        m = date_labels().stamp.search(text)
        text = m.group(0) if m else ""
    return metadata.parse_date(text) if text else None


def _following_texts(
    page: Page, title_el: HtmlElement, body: list[HtmlElement]
) -> Iterator[tuple[HtmlElement, str]]:
    """Texts between the title and the body's first paragraph (where portals print the
    stamp), each with the element that holds it."""
    _, first = head_window(page, body)
    for el in following(title_el):
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
                    yield sub, own
            return
        if el.find(".//a") is not None and link_density(el) > 0.6:
            continue
        text = text_of(el)
        if text:
            yield el, text


def _headline_links(el: HtmlElement, title: str | None) -> int:
    """Points for the links under ``el`` that read as headlines of other articles, not
    the article's own title: 2 for one of nine words or more, 1 for six to eight (a
    section's name, "Tin tức - Sự kiện", "Kinh tế - Xã hội", is shorter: a stamp line
    with its category links is no list of articles)."""
    n = 0
    for a in el.iter("a"):
        words = [w for w in text_of(a).split() if any(c.isalnum() for c in w)]
        if len(words) < 6 or (title and similar(text_of(a), title)):
            continue
        n += 2 if len(words) >= 9 else 1
    return n


def in_other_articles(el: HtmlElement, stops: set[HtmlElement], title: str | None) -> bool:
    """Whether a date belongs to a list of other articles (related, newest, same category)
    rather than to the article: it sits in a link (not the post's own ``rel="bookmark"``
    permalink of WordPress and Blogger), or within a few levels of it a box holds
    other articles' headlines (one linked headline of nine words or more, or two of six
    or more). The
    walk stops at the boxes holding the title or the body (``stops``)."""
    link = next(el.iterancestors("a"), None)
    if link is not None and "bookmark" not in (link.get("rel") or "").lower():
        return True  # a linked date is a teaser's (rel="bookmark": the post's own permalink)
    node = el
    for _ in range(4):
        node = node.getparent()
        if node is None or node in stops or node.tag in ("body", "html"):
            return False
        if _headline_links(node, title) >= 2:
            return True
    return False


def _texts_outside_chrome(root: HtmlElement) -> Iterator[str]:
    """Text nodes under ``root``, skipping chrome boxes and link lists entirely."""
    if not isinstance(root.tag, str):
        return
    if root.tag in ("nav", "footer", "aside", "ul", "ol", "a"):
        return
    hint = name_weight(names_of(root))
    if hint.removable and hint.weight <= -40 and not hint.weak:
        return
    if root.text:
        yield root.text
    for child in root:
        yield from _texts_outside_chrome(child)
        if child.tail:
            yield child.tail


@dataclass(frozen=True)
class Stamp:
    """A date shown on the page, and whether it showed a time of day."""

    when: datetime
    has_time: bool


def _stops(title_el: HtmlElement | None, body: list[HtmlElement]) -> set[HtmlElement]:
    """The title, the body roots and every box holding one of them."""
    out: set[HtmlElement] = set()
    for el in ([title_el] if title_el is not None else []) + body:
        out.add(el)
        out.update(el.iterancestors())
    return out


def _visible_date(
    page: Page, title_el: HtmlElement | None, body: list[HtmlElement], title: str | None
) -> Stamp | None:
    """A visible stamp next to the title: of the stamps found by the generic date
    selectors and in the text between the title and the body, the nearest after the
    title (else the nearest just above it). Never the header's "today", never a date of
    a list of other articles; a stamp labelled as another date ("Ngày hỏi: …") only as
    a last resort."""
    t_idx = page.index(title_el)
    body_end = max((page.index(b) + sum(1 for _ in b.iter()) for b in body), default=-1)
    stops = _stops(title_el, body)

    def usable(el: HtmlElement) -> bool:
        idx = page.index(el)
        if title_el is not None and idx < t_idx - 15:
            return False  # far above the title: the site header's clock, a ticker
        if in_chrome(el) or in_other_articles(el, stops, title):
            return False
        return not (body_end > 0 and idx > body_end + 400)

    box = article_box(title_el, body)
    found: list[tuple[HtmlElement, Stamp]] = []
    aside: list[tuple[HtmlElement, Stamp]] = []
    timed: list[Stamp] = []  # stamps with a time in the article's own footer or toolbar
    for hits in page.select(generic_selectors().date):
        for el in hits:
            if not usable(el):
                if box is not None and _in_own_chrome(el, box, stops, title):
                    dt = _date_of(el)
                    text = el.get("datetime") or text_of(el)
                    if dt is not None and metadata.has_time(text) and not _other_dated(text):
                        timed.append(Stamp(dt, has_time=True))
                continue
            dt = _date_of(el)
            if dt is not None:
                text = el.get("datetime") or text_of(el)
                stamp = Stamp(dt, metadata.has_time(text))
                (aside if _other_dated(text) else found).append((el, stamp))
        if found and title_el is None:
            break  # no title to measure against: the best selector's first stamp
    if title_el is not None:
        size = 0
        for el, text in _following_texts(page, title_el, body):
            dt = metadata.parse_date(text[:300])
            if dt is not None and not in_other_articles(el, stops, title):
                stamp = Stamp(dt, metadata.has_time(text[:300]))
                (aside if _other_dated(text[:300]) else found).append((el, stamp))
                break
            size += len(text)
            if size > 500:
                break
    if title_el is not None and not found:
        found += _stamps_above(title_el)
    best = _nearest(page, found, t_idx)
    if best is not None and not best.has_time:
        # a day alone ("Thứ Ba, 3 tháng 9, 2024" over a Blogger post) yields to a stamp of
        # the same day with its time (the post footer's "vào lúc 07:30")
        same_day = [
            s
            for s in [s for _, s in found] + timed
            if s.has_time and s.when.date() == best.when.date()
        ]
        best = same_day[0] if same_day else best
    if best is not None:
        return best
    # a labelled stamp ("Ngày đăng: …", "Ngày trả lời: …") in the article's area, outside
    # the page chrome and the lists of other articles
    pattern = date_labels().stamp
    scope = [b.getparent() for b in body if b.getparent() is not None] or [page.doc]
    for root in scope:
        for text in _texts_outside_chrome(root):
            low = text.lower()
            if "ng" not in low and "nhật" not in low and "lời" not in low:
                continue
            m = pattern.search(clean_text(text))
            if m:
                dt = metadata.parse_date(m.group(0))
                if dt is not None:
                    return Stamp(dt, metadata.has_time(m.group(0)))
    return _nearest(page, aside, t_idx)


def _stamps_above(title_el: HtmlElement) -> list[tuple[HtmlElement, Stamp]]:
    """A stamp line printed right above the title in the article's header box, with no
    name that says so ("Thứ hai, 12/08/2024 07:45" over a K2 heading): one of the three
    boxes before the title (or before the title's box when it stands alone), when the box
    holding both is a small header (the title, its stamp, a byline), not the page (a site
    header's "today" clock above the title is not the article's)."""
    node = title_el
    if node.getprevious() is None and node.getparent() is not None:
        node = node.getparent()
    box = node.getparent()
    if box is None or len(text_of(box)) > len(text_of(title_el)) + 250:
        return []
    out: list[tuple[HtmlElement, Stamp]] = []
    for n, sib in enumerate(node.itersiblings(preceding=True)):
        if n >= 3 or not isinstance(sib.tag, str):
            break
        text = text_of(sib)
        if metadata.is_date_stamp(text) and not _other_dated(text):
            dt = metadata.parse_date(text)
            if dt is not None:
                out.append((sib, Stamp(dt, metadata.has_time(text))))
                break
    return out


def _in_own_chrome(
    el: HtmlElement, box: HtmlElement, stops: set[HtmlElement], title: str | None
) -> bool:
    """Whether a stamp refused as chrome sits inside the article's own box (its footer or
    toolbar), not in a list of other articles."""
    return any(a is box for a in el.iterancestors()) and not in_other_articles(el, stops, title)


def _nearest(page: Page, stamps: list[tuple[HtmlElement, Stamp]], t_idx: int) -> Stamp | None:
    """The stamp nearest after the title, else the nearest before it; in the selectors'
    order when there is no title. A box holding another stamp found ("Ngày đăng: …"
    around its ``<time datetime>``) yields to the inner, more exact one."""
    if not stamps:
        return None
    els = {id(el) for el, _ in stamps}
    inner = [
        (page.index(el), s)
        for el, s in stamps
        if not any(id(d) in els for d in el.iterdescendants())
    ]
    if t_idx < 0:
        return inner[0][1]
    after = [s for s in inner if s[0] > t_idx]
    if after:
        return min(after, key=lambda s: s[0])[1]
    return max(inner, key=lambda s: s[0])[1]


def find_published(
    page: Page, title_el: HtmlElement | None, body: list[HtmlElement], title: str | None = None
) -> datetime | None:
    """The publication date: the profile's stamp, else JSON-LD or a strong meta tag (a
    date-only one losing to a visible stamp of the same day with a time), else a visible
    stamp next to the title, else a weak meta tag; ``None`` rather than a guess."""
    if page.profile:
        for found in page.select(page.profile.date):
            for el in found:
                dt = _date_of(el)
                if dt is not None:
                    return dt
    strong = metadata.ld_published(page.ld) or metadata.meta_published(page.doc, strong_only=True)
    visible = _visible_date(page, title_el, body, title)
    if strong is not None:
        # a date-only meta value loses to a visible stamp of the same day with a time
        if (
            visible is not None
            and visible.has_time
            and strong.hour == strong.minute == 0
            and visible.when.date() == strong.date()
        ):
            return visible.when
        return strong
    if visible is not None:
        return visible.when
    return metadata.meta_published(page.doc)
