"""The article of a page: title, lead, date, author, category, body blocks and captions.

This module only orchestrates; each stage lives in :mod:`vnreader.extract.stages`, one
module named for what it does (docs/extraction.md explains each and why):

1. ``cleanup``  parse with lxml; drop scripts, styles, forms' controls, hidden elements,
   comments; make every picture a plain ``img``;
2. pick a profile (host or page signature, :mod:`vnreader.extract.profiles`);
3. ``title``    the article's heading (profile, generic selectors, headings near the body,
   ``<title>``/``og:title`` as a reference, never the CMS's "Chi tiết tin");
4. ``body``     the profile's body element, else the best-scoring container by text density
   and link density (readability-style) with class-name hints; chrome cut out of it;
5. ``category`` the breadcrumb's section; ``dateline`` the publication date; ``lead`` the
   sapo set apart; ``byline`` the author's box or labelled field;
6. ``blocks``   walk the body into raw blocks (paragraphs split at ``<br><br>``, headings,
   images, captions);
7. ``result``   clean the blocks: NFC, file-name lines, boilerplate phrases, stamps, title
   and lead copies; captions attached to images; the closing signature as the author; a
   bold first paragraph as the lead when the page sets none apart.

Shared helpers: ``lexicon`` (text clean-up and the data files), ``dom`` (element helpers
and the :class:`~vnreader.extract.stages.dom.Page` every stage reads).
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from vnreader.article import Article
from vnreader.errors import ExtractError
from vnreader.extract import metadata
from vnreader.extract.profiles import Profile, find_profile
from vnreader.extract.stages.blocks import Walker
from vnreader.extract.stages.body import clean_body, find_body, profile_body
from vnreader.extract.stages.byline import (
    author_from_line,
    find_author,
    is_uploader_line,
    name_like,
)
from vnreader.extract.stages.category import find_category
from vnreader.extract.stages.cleanup import parse, strip_noise
from vnreader.extract.stages.dateline import find_published
from vnreader.extract.stages.dom import Found, Page, drop
from vnreader.extract.stages.lead import find_lead, lead_images
from vnreader.extract.stages.lexicon import clean_text
from vnreader.extract.stages.result import Signature, finish, is_file_name
from vnreader.extract.stages.title import (
    element_showing,
    find_title,
    is_generic_title,
    title_before_body,
    title_fallback,
)


def extract(
    html: str, url: str | None = None, *, profiles: tuple[Profile, ...] | None = None
) -> Article:
    """The article of an HTML page; :class:`ExtractError` when the page holds none.

    ``profiles``: the platform profiles to match (default: the shipped ones); ``()`` reads
    every page with the generic path alone (the benchmark's generic column)."""
    name = url or "the page"
    doc = parse(html, name)
    host = (urlsplit(url).hostname or None) if url else None
    meta = metadata.meta_map(doc)
    ld = metadata.json_ld(doc)
    strip_noise(doc)
    page = Page(doc, url, find_profile(doc, host, profiles), meta, ld)
    page.order = {el: i for i, el in enumerate(doc.iter())}

    title, body = _title_and_body(page, host, name)
    category = find_category(page, title.text, title.el, body)
    published = find_published(page, title.el, body, title.text)
    lead = find_lead(page, title.el, body)
    byline = find_author(page, title.el, body)

    for el in (lead.el, byline.el):
        if el is not None and any(el is b or b in el.iterancestors() for b in body):
            drop(el)
    clean_body(body, page, keep=[title.el] if title.el is not None else [])

    walker = Walker(url, skip=[title.el] if title.el is not None else [])
    for root in body:
        walker.visit(root)
    walker.flush()
    walker.out[:0] = lead_images(page, title.el, body, walker.out, url)
    done = finish(walker.out, title=title.text, lead=lead.text)
    blocks, images = done.blocks, done.images
    if not any(b.kind == "paragraph" for b in blocks) and not done.lead:
        raise ExtractError(f"no article found in {name}: the page has no body text")
    title_text = title.text
    if not title_text and blocks and len(blocks[0].text) <= 200 and len(blocks) > 1:
        # a page with no title anywhere (a fragment): its short opening line names it
        title_text, blocks = blocks[0].text, blocks[1:]
        images = [replace(i, position=max(0, (i.position or 0) - 1)) for i in images]
    if not title_text:
        raise ExtractError(f"no article found in {name}: the page has no title")
    return Article(
        title=title_text,
        blocks=tuple(blocks),
        lead=done.lead,
        published=published,
        author=_author(byline.text, done.signature, page),
        category=category,
        images=tuple(images),
        url=url,
        site=clean_text(meta.get("og:site_name", "")) or host or None,
    )


def _title_and_body(page: Page, host: str | None, name: str) -> tuple[Found, list[HtmlElement]]:
    """The title and the body roots, each helping to find the other: a title the page
    confirms (profile, or a heading matching ``<title>``/``og:title``) anchors the body;
    otherwise the body comes first and the title is looked for near it."""
    title = find_title(page, host, [])
    body = profile_body(page) or find_body(page, title.el)
    if not body:
        raise ExtractError(f"no article found in {name}: the page has no body text")
    if title.text is None:
        title = find_title(page, host, body)
    if title.text is None:
        title = title_before_body(page, body)
    if title.text is None:
        text = title_fallback(page, host)
        if text is not None:
            title = Found(text, element_showing(page, body, text))
    if title.text is None:
        title = title_before_body(page, body, plain=True)
    return title, body


def _author(byline: str | None, signature: Signature, page: Page) -> str | None:
    """The writer signing the text beats a byline box (which CMSs fill with the account
    that posted it); then the byline, a source line, and last a JSON-LD or meta author
    when it is a person's name (portals put the site's own name there)."""
    author = byline
    if author is None or (signature.author and signature.by_writer):
        author = signature.author or author
    if author is None:
        for cand in (metadata.ld_author(page.ld), clean_text(page.meta.get("author", ""))):
            if cand and name_like(cand, strict=True) and len(cand.split()) >= 2:
                return cand
    return author


__all__ = [
    "author_from_line",
    "clean_text",
    "extract",
    "is_file_name",
    "is_generic_title",
    "is_uploader_line",
]
