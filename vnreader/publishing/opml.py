"""An OPML 2.0 subscription list of the site's feeds (podcast apps import it in one go).

One ``<outline type="rss" text title xmlUrl htmlUrl/>`` per feed, in the order given (the
caller's: main feed first, then the categories). ``<head>`` holds the title and the owner,
and no date at all: OPML's ``dateCreated``/``dateModified`` are optional, and a "now" would
make every run rewrite the file. Same input, same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from lxml import etree

from vnreader.errors import FeedError

if TYPE_CHECKING:
    from vnreader.config import Settings

__all__ = ["build_opml"]


def build_opml(feeds: Sequence[tuple[str, str]], *, settings: Settings) -> bytes:
    """The UTF-8 bytes of an OPML 2.0 file listing ``feeds`` as ``(title, url)`` pairs.

    Relative URLs are resolved against ``settings.base_url``; ``htmlUrl`` is the site itself.
    """
    base = settings.base_url
    site = urljoin(base, base)
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = settings.portal_name.strip()
    owner_name = (settings.owner_name or "").strip()
    if owner_name:
        etree.SubElement(head, "ownerName").text = owner_name
    if settings.owner_email:
        etree.SubElement(head, "ownerEmail").text = settings.owner_email
    body = etree.SubElement(root, "body")
    seen: set[str] = set()
    for title, url in feeds:
        full = urljoin(base, url.strip())
        parts = urlsplit(full)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise FeedError(f"feed URL is not http(s): {url!r} (base URL {base!r})")
        if full in seen:
            continue  # one outline per feed, even when listed twice
        seen.add(full)
        text = " ".join(title.split()) or full
        outline = etree.SubElement(body, "outline")
        # A fixed attribute order: the bytes must not depend on anything but the input.
        for key, value in (
            ("type", "rss"),
            ("text", text),
            ("title", text),
            ("xmlUrl", full),
            ("htmlUrl", site),
        ):
            outline.set(key, value)
    return etree.tostring(root, pretty_print=True, encoding="UTF-8", xml_declaration=True)
