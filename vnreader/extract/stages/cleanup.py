"""HTML clean-up: parse the page (refusing JSON, plain text and empty input with a clear
error), make every picture a plain ``img`` (AMP, ``noscript``, ``picture``), then drop
comments, scripts, styles, form controls, media players and hidden elements."""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement

from vnreader.errors import ExtractError
from vnreader.extract.stages.dom import drop, is_hidden

_DROP_TAGS = (
    "script style noscript template svg iframe object embed canvas map link button input "
    "select textarea option optgroup audio video source track datalist meter progress "
    "dialog".split()
)


_LOOKS_HTML = re.compile(
    r"<\s*(?:!doctype\s+html|html|head|body|div|p|article|section|table|h[1-6]|span|meta|"
    r"title|main|br|a|ul|font|center)\b",
    re.IGNORECASE,
)


def parse(text: str, name: str) -> HtmlElement:
    """The page parsed by lxml; :class:`ExtractError` for empty input, JSON or plain text."""
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


def strip_noise(doc: HtmlElement) -> None:
    """Drop comments, scripts, styles, form controls, media and hidden elements, after
    making every picture a plain ``img``."""
    for el in list(doc.iter(etree.Comment, etree.ProcessingInstruction)):
        drop(el)
    _unwrap_images(doc)
    for el in list(doc.iter(*_DROP_TAGS)):
        if el.getparent() is not None:
            drop(el)
    body = doc.find("body")
    if body is None:
        return
    for el in list(body.iter()):
        if isinstance(el.tag, str) and el.getparent() is not None and is_hidden(el):
            drop(el)
