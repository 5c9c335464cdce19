"""Article extraction: a portal page (file, standard input or URL) → :class:`Article`.

Stages, one module each:

- ``encoding.py``  bytes → text (HTTP header, ``<meta charset>``, detection; Windows-1258)
- ``fetch.py``     URLs: timeouts, bounded retries, size cap, conditional requests
- ``profiles.py``  site knowledge as TOML (``profiles/*.toml``), matched by host or signature
- ``content.py``   the article body, title, lead, author, category, images (profile or generic)
- ``metadata.py``  dates and other metadata (portal stamps, meta tags, JSON-LD)
- ``discovery.py`` article URLs from a portal's listing page or RSS feed
"""

from __future__ import annotations

from pathlib import Path

from vnreader.article import Article
from vnreader.errors import InputError
from vnreader.textio import input_name, read_input


def extract_html(html: str, url: str | None = None) -> Article:
    """Extract the article from an HTML document already decoded to text."""
    from vnreader.extract.content import extract

    return extract(html, url)


def extract_bytes(
    raw: bytes, *, url: str | None = None, content_type: str | None = None
) -> Article:
    """Extract the article from raw page bytes (the charset is found as a browser would)."""
    from vnreader.extract.encoding import decode_html

    return extract_html(decode_html(raw, content_type, name=url or "the page"), url)


def extract_article(source: str, *, timeout: float = 20, cache_dir: Path | None = None) -> Article:
    """The article of ``source``: an http(s) URL, a file path, or ``"-"`` for standard input.

    For a URL, ``timeout`` bounds each network step and ``cache_dir`` keeps the page with
    its ETag / Last-Modified, so fetching it again asks the server only whether it changed.
    """
    if source.startswith(("http://", "https://")):
        from vnreader.extract.fetch import fetch

        page = fetch(source, timeout=timeout, cache_dir=cache_dir)
        return extract_bytes(page.body, url=page.url, content_type=page.content_type)
    raw = read_input(source, expected="an HTML file")
    name = input_name(source)
    if not raw.strip():
        raise InputError(f"{name} is empty")
    from vnreader.extract.encoding import decode_html

    return extract_html(decode_html(raw, None, name=name), None)


def discover(url: str) -> list[str]:
    """Article URLs found on a portal's listing page or in its RSS feed, newest first."""
    from vnreader.extract.discovery import discover as _discover

    return _discover(url)


__all__ = ["discover", "extract_article", "extract_bytes", "extract_html"]
