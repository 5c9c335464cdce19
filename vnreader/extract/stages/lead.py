"""The lead (sapo) set apart from the body: the profile's or a generic lead element, or a
summary-named box right under the title, never one that swallows the body; and the lead
photo set between the title and the body with its caption."""

from __future__ import annotations

import re
from itertools import islice

from lxml.html import HtmlElement

from vnreader.extract.profiles import Selector
from vnreader.extract.stages.blocks import PHOTO_CREDIT, Raw, Walker
from vnreader.extract.stages.dom import (
    CAPTION_CLASS,
    Found,
    Page,
    article_box,
    following,
    head_window,
    in_chrome,
    link_density,
    names_of,
    text_of,
)
from vnreader.extract.stages.lexicon import clean_text, generic_selectors
from vnreader.imagenames import is_image_address

_LEAD_NAME = re.compile(r"summary|sapo|chapeau|tomtat|tom-tat|trichyeu|\blead\b|intro", re.I)


def find_lead(page: Page, title_el: HtmlElement | None, body: list[HtmlElement]) -> Found:
    """The lead set apart from the body: profile selectors (trusted), then generic lead
    selectors and summary-named boxes right under the title, never one that swallows the
    body, sits before the title, after the body or in the chrome."""
    selectors: list[tuple[Selector, bool]] = []
    if page.profile:
        selectors += [(s, True) for s in page.profile.lead]
    selectors += [(s, False) for s in generic_selectors().lead]
    t_idx = page.index(title_el)
    body_end = max((page.index(b) + sum(1 for _ in b.iter()) for b in body), default=10**9)
    candidates: list[tuple[HtmlElement, bool]] = [
        (el, trusted) for sel, trusted in selectors for el in sel(page.doc)
    ]
    # any box named like a summary between the title and the body ("edn_articleSummary")
    if title_el is not None:
        for n, el in enumerate(following(title_el)):
            if n >= 12:
                break  # a lead sits right under the title and its stamp
            for sub in el.iter():
                if isinstance(sub.tag, str) and _LEAD_NAME.search(names_of(sub)):
                    candidates.append((sub, False))
    roots_len = [(b, len(clean_text(b.text_content()))) for b in body]
    box = article_box(title_el, body)
    for el, trusted in candidates:
        text = _lead_text(el)
        if not 20 <= len(text) <= 1500:
            continue
        if _swallows_body(el, text, roots_len):
            continue  # a box named "…text-with-summary" holding the article itself
        if not trusted:
            idx = page.index(el)
            if title_el is not None and not t_idx < idx:
                continue
            if idx > body_end or in_chrome(el, box):
                continue
            if el.tag == "meta" or link_density(el) > 0.5:
                continue
        return Found(text, el)
    return Found()


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
        and re.search(r"location|stamp|dateline|diadanh", names_of(first), re.I)
        and not (el.text or "").strip()
    ):
        place = text_of(first)
        rest = clean_text(
            (first.tail or "")
            + "".join(c.text_content() + (c.tail or "") for c in first.itersiblings())
        )
        if place and rest and not rest.startswith(("-", "–", "—", "(", ":")):
            return f"{place} - {rest}"
    return text_of(el)


def lead_images(
    page: Page,
    title_el: HtmlElement | None,
    body: list[HtmlElement],
    raws: list[Raw],
    url: str | None,
) -> list[Raw]:
    """The article's lead photo set between the title and the body, with its caption
    (``figure.article__avatar > figcaption``; Drupal's image field followed by a
    "chú thích ảnh" field): part of the article, though outside the body box. Only a
    photo with a caption is taken, so that a logo or a banner never is."""
    start = min(page.index(b) for b in body)
    lo = page.index(title_el) if title_el is not None else head_window(page, body, 40)[0]
    if lo < 0 or start - lo > 400:
        return []
    seen = {r.src for r in raws if r.kind == "image"}
    out: list[Raw] = []
    done: set[HtmlElement] = set()
    # page.order was filled in document order: its keys are already sorted
    for el in islice(page.order, lo + 1, start):
        if el.tag != "img" or el in done or in_chrome(el):
            continue
        if any(
            a.tag == "a" and not _opens_image(a) and link_density(a.getparent()) > 0.5
            for a in el.iterancestors("a")
        ):
            continue  # a thumbnail in a list of other articles (not a zoom link)
        box = next(el.iterancestors("figure"), None)
        caption = ""
        if box is not None:
            cap = box.find(".//figcaption")
            caption = text_of(cap) if cap is not None else ""
        if not caption:
            # a caption box right after the image's box (up to three levels up)
            node: HtmlElement | None = el
            for _ in range(3):
                if node is None or caption:
                    break
                nxt = node.getnext()
                while nxt is not None and not isinstance(nxt.tag, str):
                    nxt = nxt.getnext()
                if nxt is not None and _italic_note(nxt):
                    # a short italic note right after the photo (NukeViet's
                    # "imghome" box: the image link, then <em>note</em>)
                    caption = text_of(nxt)
                    done.update(nxt.iter())
                elif nxt is not None and CAPTION_CLASS.search(names_of(nxt)):
                    caption = text_of(nxt)
                    done.update(nxt.iter())
                    credit = nxt.getnext()
                    if credit is not None and PHOTO_CREDIT.match(text_of(credit)):
                        # K2's itemImageCaption then itemImageCredits "Ảnh: X": one caption
                        if len(text_of(credit)) <= 80:
                            caption = f"{caption} {text_of(credit)}"
                            done.update(credit.iter())
                node = node.getparent()
        if not caption or len(caption) > 400:
            continue
        walker = Walker(url)
        walker.image(el)
        for raw in walker.out:
            if raw.src not in seen:
                raw.caption = caption
                seen.add(raw.src)
                out.append(raw)
    return out


def _italic_note(el: HtmlElement) -> bool:
    """A short line set wholly in italics (``<em>``, ``<i>``, or a ``<p>`` holding only
    one): how portals print a photo's note without naming it a caption."""
    inner = el
    if el.tag in ("p", "div", "span") and len(el) == 1 and not (el.text or "").strip():
        inner = el[0]
    text = text_of(el)
    return inner.tag in ("em", "i") and 0 < len(text) <= 300 and text == text_of(inner)


def _opens_image(a: HtmlElement) -> bool:
    """A link that opens the image itself, larger (a lightbox: K2's ``data-k2-modal``,
    NukeViet's ``rel="shadowbox"``, a link to the .jpg): the article's own photo, not a
    link to another article."""
    if is_image_address(a.get("href") or ""):
        return True
    rel = f"{a.get('rel') or ''} {a.get('data-k2-modal') or ''} {names_of(a)}".lower()
    return any(w in rel for w in ("lightbox", "shadowbox", "fancybox", "image", "modal"))
