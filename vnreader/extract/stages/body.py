"""Body finding: the profile's body element, else the best-scoring container by text and
link density with class-name hints (plus sibling boxes that carry article text too);
then chrome (related lists, share bars, tools) cut out of it."""

from __future__ import annotations

from lxml.html import HtmlElement

from vnreader.extract.stages.dom import (
    CONTAINERS,
    SPLIT_END,
    UNIT_TAGS,
    Page,
    drop,
    inline_commas,
    inline_len,
    link_density,
    name_weight,
    names_of,
    text_of,
)


def find_body(page: Page, title_el: HtmlElement | None) -> list[HtmlElement]:
    """The body roots by the generic scorer: the container with the most comma-rich,
    unlinked prose (class-name hints weigh in), plus sibling boxes that carry article text."""
    body = page.doc.find("body")
    if body is None:
        return []
    scores: dict[HtmlElement, float] = {}
    prose = 0.0  # the page's whole text score
    for el in body.iter(*UNIT_TAGS):
        length = inline_len(el)
        if length < 25:
            continue
        score = 1 + min(inline_commas(el), 10) + min(length / 100, 3)
        prose += score
        targets: list[tuple[HtmlElement | None, float]] = []
        if el.tag in CONTAINERS:
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
        weight, _, weak = name_weight(names_of(el))
        if weak and score >= 0.5 * prose:
            # a structural name ("elementor-widget-container") on the box holding most
            # of the page's prose: the name is the builder's, the text is the article
            weight = 0
        if el.tag in ("nav", "footer", "aside"):
            weight -= 50
        if weight > 0 and _one_line(el):
            # a content name on a box holding one line that ends no sentence (Joomla 1.5's
            # title cell "contentheading"): a heading, never the body
            weight = 0
        final[el] = (score + weight) * (1 - link_density(el))
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
            elif (
                sib in scores
                and link_density(sib) < 0.25
                and name_weight(names_of(sib)).weight >= 0
            ):
                # the article may go on after a photo gallery or an embedded box in a
                # box of its own ("photo-story__outro"): right after a picked box, one
                # unlinked paragraph of prose is enough
                take = scores[sib] >= threshold or (
                    last_picked and scores[sib] >= 4 and link_density(sib) < 0.1
                )
            if not take and last_picked and _is_photo_box(sib):
                # a gallery between two parts of the article: its photos and captions are
                # the article's, and the text after it still continues the body
                picked.append(sib)
                continue
            if take:
                picked.append(sib)
            if take or text_of(sib) or sib.find(".//img") is not None:
                last_picked = take
    return picked


def _is_photo_box(el: HtmlElement) -> bool:
    """A box of photos with at most short captions, none of them a link (a gallery; not a
    list of other articles' thumbnails, not an advertiser's banner)."""
    imgs = [i for i in el.iter("img") if next(i.iterancestors("a"), None) is None]
    if not imgs or name_weight(names_of(el)).weight < 0 or link_density(el) > 0.1:
        return False
    return len(text_of(el)) <= 300 * len(imgs)


def profile_body(page: Page) -> list[HtmlElement]:
    """The profile's body element (the one with the most text when several match)."""
    if not page.profile:
        return []
    for found in page.select(page.profile.body):
        # several matches: the one with the most text (web-content boxes, repeated classes)
        nested = [e for e in found if not any(a in found for a in e.iterancestors())]
        best = max(nested, key=lambda e: len(e.text_content().strip()))
        if len(best.text_content().strip()) >= 20:
            return [best]
    return []


def clean_body(roots: list[HtmlElement], page: Page, keep: list[HtmlElement]) -> None:
    """Cut chrome elements out of the body roots (profile ``remove`` and class hints)."""
    total = sum(len(r.text_content()) for r in roots) or 1
    if page.profile:
        for sel in page.profile.remove:
            for root in roots:
                for el in sel(root):
                    if el is not root and el.getparent() is not None:
                        drop(el)
    for root in roots:
        for el in list(root.iterdescendants()):
            if not isinstance(el.tag, str) or el.getparent() is None:
                continue
            if el.tag in ("ul", "ol") and _headline_list(el):
                drop(el)  # other articles' titles inside the body, whatever its name
                continue
            if (
                el.tag in ("nav", "aside", "form", "footer")
                and len(el.text_content()) < 0.3 * total
            ):
                # (a form or footer holding most of the text wraps the article: kept)
                if any(k is el or k in el.iterdescendants() for k in keep):
                    continue
                drop(el)
                continue
            _, removable, weak = name_weight(names_of(el))
            if not removable:
                continue
            if len(el.text_content()) > 0.5 * total:
                continue  # a wrapper named oddly, not a related-news box
            if weak and holds_prose(el):
                continue  # a builder's box of the article's own text ("text-editor" widget)
            drop(el)


def holds_prose(el: HtmlElement) -> bool:
    """Whether a box holds a paragraph of article prose: a long, unlinked sentence run
    with commas (a share bar, a menu or a list of links never does)."""
    for unit in el.iter(*UNIT_TAGS):
        if inline_len(unit) >= 150 and inline_commas(unit) >= 1 and link_density(unit) < 0.2:
            return True
    return False


def _headline_list(el: HtmlElement) -> bool:
    """A list of other articles inside the body: two items or more, each one a link of
    four words or more and nothing much besides (a date, a thumbnail)."""
    items = [li for li in el if li.tag == "li"]
    if len(items) < 2:
        return False
    for li in items:
        links = li.findall(".//a")
        if not links or link_density(li) < 0.75:
            return False
        if max(len(text_of(a).split()) for a in links) < 4:
            return False
    return True


def _one_line(el: HtmlElement) -> bool:
    """A box of one short line that ends no sentence and holds no paragraph."""
    text = text_of(el)
    return (
        len(text) < 200
        and not SPLIT_END.search(text)
        and el.find(".//p") is None
        and el.find(".//br") is None
    )
