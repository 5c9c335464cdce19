"""A small, editable portal on 127.0.0.1 for the publishing tests.

Its articles can be changed, added, slowed down or made to fail while the server runs, so a
test can edit one article between two publish runs, or keep a run busy while it is killed.
Pages use the fake portal's article template (tests/fakeportal.py). Articles carry an ETag
(their content's hash) and answer If-None-Match with 304, as a well-behaved portal does.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter
from collections.abc import Iterator

import pytest

from tests.fakeportal import QuietHandler, article_page, serve_in_thread

#: One short sentence per article: the tests narrate many of them with espeak.
DAY = "20/12/2019"


class MiniPortal:
    """``articles[path] = (title, "dd/mm/yyyy hh:mm", (paragraph, ...))``; ``/rss`` lists them."""

    def __init__(self) -> None:
        self.articles: dict[str, tuple[str, str, tuple[str, ...]]] = {}
        self.listed: list[str] = []  # paths in the RSS feed, newest first
        self.delays: dict[str, float] = {}
        self.gone: set[str] = set()  # listed paths answered with 404
        self.page_size = 3  # articles per page of the listing /tin-tuc
        self.robots: str | None = None  # robots.txt (None: 404, everything allowed)
        self.files: dict[str, tuple[bytes, str]] = {}  # other paths: (body, content type)
        self.images: dict[str, list[tuple[str, str]]] = {}  # article path → [(src, caption)]
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        portal = self

        class Handler(_Handler):
            owner = portal

        self.httpd, self.base_url = serve_in_thread(Handler)

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def add(self, slug: str, title: str, text: str, when: str = f"{DAY} 08:00") -> str:
        """Add an article and list it first in the feed; its URL."""
        with self.lock:
            path = f"/tin-tuc/{slug}-{len(self.articles) + 4000}.html"
            self.articles[path] = (title, when, (text,))
            if path not in self.listed:
                self.listed.insert(0, path)
        return self.base_url + path

    def edit(self, url: str, text: str) -> None:
        path = url.removeprefix(self.base_url)
        with self.lock:
            title, when, _ = self.articles[path]
            self.articles[path] = (title, when, (text,))

    def list_missing(self, path: str) -> str:
        """List an address the portal answers with 404; its URL."""
        with self.lock:
            self.listed.insert(0, path)
        return self.base_url + path

    def remove(self, url: str) -> None:
        """Keep listing the article but answer its address with 404."""
        with self.lock:
            self.gone.add(url.removeprefix(self.base_url))

    @property
    def rss_url(self) -> str:
        return self.base_url + "/rss"

    @property
    def listing_url(self) -> str:
        return self.base_url + "/tin-tuc"

    def listing(self, page: int) -> bytes | None:
        """Page ``page`` (1-based) of the category listing, newest first; None past the end."""
        size = self.page_size
        paths = self.listed[(page - 1) * size : page * size]
        if page > 1 and not paths:
            return None
        pages = max(1, -(-len(self.listed) // size))
        items = "".join(
            f'<li class="news-item"><a href="{p}">{self.articles.get(p, ("Tin đã gỡ",))[0]}</a>'
            f'<span class="date">20/12/2019</span></li>'
            for p in paths
        )
        pager = "".join(
            f"<span>{n}</span>" if n == page else f'<a href="/tin-tuc?page={n}">{n}</a>'
            for n in range(1, pages + 1)
        )
        if page < pages:
            pager += f'<a href="/tin-tuc?page={page + 1}">Trang sau</a>'
        return (
            '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Tin tức</title>'
            '</head><body><div class="menu"><a href="/">Trang chủ</a> <a href="/tin-tuc">Tin '
            'tức</a></div><div class="list-news"><h2>Tin tức - Sự kiện</h2>'
            f'<ul class="news-list">{items}</ul><div class="pager">{pager}</div></div>'
            '<div class="footer">Cơ quan chủ quản: Ủy ban nhân dân huyện</div></body></html>'
        ).encode()

    def rss(self) -> bytes:
        items = "".join(
            f"<item><title>t</title><link>{self.base_url}{p}</link></item>" for p in self.listed
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Tin</title>{items}</channel></rss>"
        ).encode()


class _Handler(QuietHandler):
    owner: MiniPortal

    def do_GET(self) -> None:
        try:
            self._answer()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client was killed or gave up: that is what some tests do

    def _answer(self) -> None:
        portal = self.owner
        with portal.lock:
            portal.hits[self.path] += 1
            entry = portal.articles.get(self.path)
            delay = portal.delays.get(self.path, 0.0)
        if delay:
            time.sleep(delay)
        if self.path == "/rss":
            self._send(200, portal.rss(), "application/rss+xml; charset=utf-8")
            return
        if self.path == "/robots.txt" and portal.robots is not None:
            self._send(200, portal.robots.encode(), "text/plain")
            return
        if self.path == "/tin-tuc" or self.path.startswith("/tin-tuc?page="):
            number = int(self.path.partition("=")[2] or 1)
            with portal.lock:
                page = portal.listing(number)
            if page is not None:
                self._send(200, page, "text/html; charset=utf-8")
                return
        if self.path in portal.files:
            body, kind = portal.files[self.path]
            self._send(200, body, kind)
            return
        if entry is None or self.path in portal.gone:
            self._send(404, b"<h1>Not Found</h1>", "text/html")
            return
        page = article_page(*entry)
        figures = "".join(
            f'<figure><img src="{src}" alt=""><figcaption>{caption}</figcaption></figure>'
            for src, caption in portal.images.get(self.path, [])
        )
        body = page.replace("</div></div>", f"{figures}</div></div>", 1).encode()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self._send(304, b"", None, {"ETag": etag})
            return
        self._send(200, body, "text/html; charset=utf-8", {"ETag": etag})


@pytest.fixture(name="portal")
def served_portal() -> Iterator[MiniPortal]:
    """A MiniPortal for one test, stopped after it (``from tests.publish_portal import
    served_portal`` in a test module makes it the module's ``portal`` fixture)."""
    server = MiniPortal()
    try:
        yield server
    finally:
        server.stop()
