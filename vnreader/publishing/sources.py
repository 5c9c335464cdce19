"""Sources → the articles to publish: files, folders, article URLs, listing pages, feeds.

A configured listing page is followed through its pager (``next_page``) up to the
source's ``pages``, and only while each page still brings an article the catalog does not
have: the first run backfills the archive, a cron run reads one page. A feed gives its
items. Each host's robots.txt is read once per run and honoured for every address vnreader
fetches there (RFC 9309: a missing robots.txt allows everything; one the server cannot
answer, with a 5xx or no connection, allows nothing until it answers).

A source that cannot be read (404, timeout, refused, a TLS error, a listing with no
articles) is reported through ``fail(source, reason)`` and the others go on.
"""

from __future__ import annotations

import logging
import threading
import urllib.robotparser
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from vnreader.config import Source
from vnreader.errors import ExtractError, FetchError, InputError, VnreaderError
from vnreader.extract.fetch import Page, fetch
from vnreader.publishing.report import count as _count

__all__ = ["Expander", "Item"]

#: The product token robots.txt rules are matched against (the User-Agent starts with it).
ROBOTS_AGENT = "vnreader"


@dataclass(frozen=True)
class Item:
    """One article to publish: its catalog key and where to read it."""

    key: str  # the URL, or file: URI
    url: str | None = None
    path: Path | None = None
    page: Page | None = None  # already fetched while the sources were expanded
    source: Source | None = None  # the configured source it came from (its TLS options)

    def fetch_options(self) -> dict[str, Any]:
        return _fetch_options(self.source)


def _fetch_options(source: Source | None) -> dict[str, Any]:
    if source is None:
        return {}
    return {"verify_tls": source.verify_tls, "ca_bundle": source.ca_bundle}


class Robots:
    """robots.txt of each host, read once per run (and per TLS setting of the sources)."""

    def __init__(self, http_cache: Path | None) -> None:
        self.http_cache = http_cache
        self._rules: dict[tuple[str, Any, Any], urllib.robotparser.RobotFileParser | str] = {}
        self._lock = threading.Lock()  # pages and images are fetched on several threads

    def check(self, url: str, options: dict[str, Any]) -> None:
        """Raise a VnreaderError when robots.txt of ``url``'s host forbids fetching it."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        # A source that cannot verify the host must not close it to one whose ca_bundle can.
        key = (origin, options.get("verify_tls", True), options.get("ca_bundle"))
        with self._lock:
            rules = self._rules.get(key)
            if rules is None:
                rules = self._rules[key] = self._load(origin, options)
        if isinstance(rules, str):
            raise VnreaderError(rules)
        if not rules.can_fetch(ROBOTS_AGENT, url):
            raise VnreaderError(f"{origin}/robots.txt does not allow vnreader to fetch {url}")

    def _load(
        self, origin: str, options: dict[str, Any]
    ) -> urllib.robotparser.RobotFileParser | str:
        parser = urllib.robotparser.RobotFileParser()
        try:
            page = fetch(f"{origin}/robots.txt", retries=1, cache_dir=self.http_cache, **options)
        except FetchError as exc:
            if exc.status is not None and 400 <= exc.status < 500:
                parser.parse([])  # none: everything is allowed
                return parser
            from vnreader.extract.fetch import _BAD_CERTIFICATE

            if _BAD_CERTIFICATE in str(exc):
                return str(exc)  # the host's certificate is the problem, not its robots.txt
            return f"{origin}/robots.txt cannot be read ({exc}); nothing fetched there until it can"
        text = page.body.decode("utf-8", errors="replace")
        if "<html" in text[:512].lower():  # a portal that answers every address with a page
            text = ""
        parser.parse(text.splitlines())
        return parser


class Expander:
    """Turns sources into :class:`Item` s, each article once, in order."""

    def __init__(
        self,
        *,
        http_cache: Path | None,
        known: Callable[[str], bool],
        fail: Callable[[str, str], None],
        log: logging.Logger,
    ) -> None:
        self.http_cache = http_cache
        self.known = known
        self.fail = fail
        self.log = log
        self.robots = Robots(http_cache)
        self._warned_tls: set[str] = set()

    def expand(self, sources: Sequence[Source], *, configured: bool) -> list[Item]:
        """The articles of ``sources``. ``configured``: from vnreader.toml, where a URL is
        a listing or a feed; given on the command line, a URL may also be one article."""
        out: list[Item] = []
        seen: set[str] = set()
        for source in sources:
            try:
                if source.is_url:
                    items = self._url(source, listing_only=configured)
                else:
                    items = self._path(source.location)
            except VnreaderError as exc:
                self.fail(source.location, str(exc))
                continue
            except Exception as exc:  # a page that trips a bug: name it, go on
                self.log.exception("reading %s failed", source.location)
                self.fail(source.location, f"internal error: {exc!r}")
                continue
            for item in items:
                if item.key not in seen:
                    seen.add(item.key)
                    out.append(item)
        return out

    # -- web sources ---------------------------------------------------------------------

    def fetch(self, url: str, source: Source | None) -> Page:
        """``url`` through the run's cache, robots.txt and the source's TLS options."""
        options = _fetch_options(source)
        if source is not None and not source.verify_tls and source.location not in self._warned_tls:
            self._warned_tls.add(source.location)
            self.log.warning(
                "%s: TLS certificates are not checked (verify_tls = false); prefer a "
                "ca_bundle with the missing certificate (vnreader doctor names it)",
                source.location,
            )
        self.robots.check(url, options)
        return fetch(url, cache_dir=self.http_cache, **options)

    def fetch_image(self, url: str, sources: Sequence[Source] = ()) -> bytes:
        """An article image's bytes, with the TLS options of a source on the same host."""
        from vnreader.publishing.images import MAX_BYTES

        host = urlsplit(url).hostname
        source = next(
            (s for s in sources if s.is_url and urlsplit(s.location).hostname == host), None
        )
        options = _fetch_options(source)
        self.robots.check(url, options)
        return fetch(url, images=True, max_bytes=MAX_BYTES, retries=1, **options).body

    def _url(self, source: Source, *, listing_only: bool) -> list[Item]:
        from vnreader.extract.discovery import (
            advertised_feed_url,
            feed_links,
            is_feed,
            listing_links,
            looks_like_article,
            next_page,
        )
        from vnreader.extract.encoding import decode_html

        url = source.location
        page = self.fetch(url, source)
        if is_feed(page):
            links = feed_links(page.body, page.url)
            if not links:
                raise ExtractError(f"the feed {url} lists no articles")
            return [Item(key=u, url=u, source=source) for u in links]
        text = decode_html(page.body, page.content_type, name=url)
        if not listing_only and looks_like_article(page.url):
            return [Item(key=url, url=url, page=page, source=source)]
        links = listing_links(text, page.url)
        if not links:
            feed_url = advertised_feed_url(text, page.url)
            if feed_url is not None:
                feed = self.fetch(feed_url, source)
                if is_feed(feed):
                    links = feed_links(feed.body, feed.url)
        if not links:
            if not listing_only:
                return [Item(key=url, url=url, page=page, source=source)]
            raise ExtractError(
                f"found no list of articles on {url} (give a category page or an RSS feed)"
            )
        found = list(links)
        visited = {url, page.url}
        number, current, current_text = 1, page.url, text
        while number < source.pages:
            if not any(not self.known(link) for link in links):
                break  # this page brought nothing new: the next ones are older still
            following = next_page(current_text, current, number)
            if following is None or following in visited:
                break
            visited.add(following)
            try:
                more = self.fetch(following, source)
            except VnreaderError as exc:
                self.log.warning("%s: page %d: %s", url, number + 1, exc)
                break
            current_text = decode_html(more.body, more.content_type, name=following)
            links = listing_links(current_text, more.url)
            if not links:
                break
            number, current = number + 1, more.url
            found.extend(link for link in links if link not in found)
        if number > 1:
            self.log.info("%s: %d listing pages, %s", url, number, _count(len(found), "article"))
        return [Item(key=u, url=u, source=source) for u in found]

    # -- files ---------------------------------------------------------------------------

    def _path(self, location: str) -> list[Item]:
        path = Path(location)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix.lower() in (".html", ".htm"))
            if not files:
                raise InputError(f"{location}: a folder with no .html files")
        elif path.is_file():
            files = [path]
        else:
            raise InputError(f"{location}: no such file")
        return [Item(key=p.resolve().as_uri(), path=p) for p in files]
