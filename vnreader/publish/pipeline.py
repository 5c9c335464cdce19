"""``vnreader publish``: sources → narrated articles → feeds, OPML, artwork and read pages.

One run, under the folder's lock (:class:`~vnreader.publish.atomic.RunLock`):

1. The sources become a list of articles: a file (or a folder of ``.html`` files), an
   article URL, a listing page or an RSS/Atom feed (its articles, newest first); with no
   sources, the settings' ``sources`` (listing pages or feeds, through discovery).
2. Each article is fetched through the conditional cache ``DIR/.cache/http``. A page whose
   bytes are those the catalog recorded is not even extracted. Otherwise it is extracted;
   when its *narration key* (the article's canonical JSON together with engine, voice,
   rate, dialect and portal name) matches the catalog's and the MP3 is there with the
   recorded size, nothing is done. Else the article is narrated (the chunk cache
   ``DIR/.cache/chunks`` re-uses every unchanged sentence) to
   ``DIR/audio/<slug>.<key>.mp3`` with its ``.vtt`` and ``.chapters.json``, and the catalog
   row is committed at once: a failure or a kill later loses nothing already done.
   A failing article is logged with its source and reason and the run goes on.
3. The site is regenerated from the catalog: ``feeds/podcast.xml``, one feed per category,
   ``feeds/digest.xml`` (daily digest episodes), ``feeds/podcasts.opml``, the artwork, the
   large-print pages ``read/`` (index, articles, ``read/chuyen-muc/`` categories), the
   players ``embed/`` and their ``static/`` files (:mod:`vnreader.publish.pages`). Every
   file is written atomically and only when its bytes differ.
4. Audio files no catalog row points at any more (an edited article's previous
   narration) are deleted, only now: until the new feeds are in place the old ones still
   point at them.

Why the key is in the MP3's name: an edited article gets a new file beside the old one,
so a run killed between narration and the feeds leaves the old feeds pointing at the old,
complete file with the exact length they state. The feeds never reference a file that is
missing or of another size, whenever the run stops.

Nothing written depends on the clock: dates come from the articles (an undated article
uses the time the catalog first saw it, stored once), order is by date then guid, so a
run with nothing new rewrites nothing.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from vnreader.errors import VnreaderError
from vnreader.publish.atomic import RunLock, copy_atomic, remove_temporaries, write_atomic
from vnreader.publish.catalog import (
    ArticleRow,
    Catalog,
    DigestRow,
    NarrationRow,
    catalog_path,
    slugify,
)

if TYPE_CHECKING:
    from vnreader.article import Article
    from vnreader.config import Settings
    from vnreader.extract.fetch import Page
    from vnreader.publish.feed import FeedItem

__all__ = ["PublishReport", "publish"]

#: Bump when the audio vnreader makes for the same article and settings changes (assembly,
#: script rules): every article is then narrated again on the next run.
NARRATION_FORMAT = 1

VIETNAM = timezone(timedelta(hours=7))

AUDIO_DIR = "audio"
FEEDS_DIR = "feeds"
READ_DIR = "read"
EMBED_DIR = "embed"
#: The keys of the article pages last rendered (see ``_pages``).
PAGES_MANIFEST = Path(".vnreader") / "pages.json"
HTTP_CACHE = Path(".cache") / "http"
CHUNK_CACHE = Path(".cache") / "chunks"

MAIN_FEED = "podcast.xml"
DIGEST_FEED = "digest.xml"
OPML_FILE = "podcasts.opml"
#: Category feed names that would clash with the fixed files get this prefix.
_RESERVED_FEEDS = {"podcast", "digest", "podcasts"}

LOCAL_NOTE = (
    "feeds use {base}: podcast apps need the public address (--base-url or base_url in "
    "vnreader.toml)"
)

_log = logging.getLogger("vnreader.publish")


@dataclass
class PublishReport:
    """What one run did. ``failed`` holds (source, reason) for each article that failed."""

    published: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    #: Narrations synthesized this run (an MP3 found ready on disk is not counted).
    narrated: int = 0
    #: Daily digest episodes assembled this run.
    narrated_digests: int = 0
    #: Output files whose bytes changed, relative to the output folder.
    written: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def summary(self) -> str:
        """``3 published, 1 updated, 12 unchanged, 1 failed: SOURCE: REASON``."""
        text = (
            f"{self.published} published, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.failed)} failed"
        )
        if self.failed:
            text += ": " + "; ".join(f"{src}: {why}" for src, why in self.failed)
        return text


@dataclass(frozen=True)
class _Job:
    """An article to narrate, with what the catalog needs once its audio is done."""

    source: str
    article: Article
    stem: str
    key: str
    slug: str
    is_new: bool
    content_hash: str
    page_hash: str
    article_json: str


@dataclass(frozen=True)
class _Source:
    """One article to publish: its catalog key and where to read it."""

    key: str  # the URL, or file: URI
    url: str | None = None
    path: Path | None = None
    page: Page | None = None  # already fetched while the sources were expanded


def publish(
    sources: Sequence[str],
    out_dir: Path,
    settings: Settings,
    *,
    wait: bool = True,
    log: logging.Logger | None = None,
    rebuild_catalog: bool = False,
) -> PublishReport:
    """Publish ``sources`` (or ``settings.sources``) into ``out_dir``; see the module doc.

    ``wait=False`` fails at once (:class:`VnreaderError`) when another run holds the
    folder. ``rebuild_catalog=True`` moves a damaged catalog aside and starts a new one.
    Problems with the whole run (settings, lock, catalog, output folder) raise
    :class:`VnreaderError`; a failing article is in the report's ``failed``.
    """
    log = log or _log
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise VnreaderError(f"cannot create {out_dir}: {exc.strerror or exc}") from None
    if not os.access(out_dir, os.W_OK):
        raise VnreaderError(f"cannot write into {out_dir}")

    def waiting(holder: str) -> None:
        about = f" ({holder})" if holder else ""
        log.info("waiting for another vnreader publish on %s%s", out_dir, about)

    with RunLock(out_dir, wait=wait, on_wait=waiting):
        path = catalog_path(out_dir)
        if rebuild_catalog:
            from vnreader.publish.catalog import CatalogError

            try:
                Catalog(path).close()
            except CatalogError:
                aside = Catalog.set_aside(path)
                log.warning("moved the damaged catalog aside to %s; rebuilding it", aside)
        with Catalog(path) as catalog:
            run = _Run(out_dir, settings, catalog, log)
            run.go(sources)
            return run.report


class _Run:
    def __init__(self, out_dir: Path, settings: Settings, catalog: Catalog, log: logging.Logger):
        from vnreader.speech.narrate import default_voice

        self.out = out_dir
        self.settings = settings
        self.catalog = catalog
        self.log = log
        self.report = PublishReport()
        self.audio = out_dir / AUDIO_DIR
        self.http_cache = out_dir / HTTP_CACHE
        self.chunk_cache = out_dir / CHUNK_CACHE
        self.voice = settings.voice or default_voice(settings.engine, settings.dialect)
        self.base = (
            settings.base_url if settings.base_url.endswith("/") else settings.base_url + "/"
        )
        self._settings_key = self._narration_settings()
        self.workers = max(1, min(4, os.cpu_count() or 1))
        self._reserved: set[str] = set()
        self.pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    # -- the run -------------------------------------------------------------------------

    def go(self, sources: Sequence[str]) -> None:
        s = self.settings
        if getattr(s, "is_local", False):
            self.log.warning(LOCAL_NOTE.format(base=self.base))
        self.audio.mkdir(parents=True, exist_ok=True)
        remove_temporaries(self.audio)
        articles = self._expand(list(sources) if sources else list(s.sources), bool(sources))
        if not articles and not self.report.failed and not sources and not s.sources:
            raise VnreaderError(
                "nothing to publish: give SOURCE files or URLs, or list the portal's "
                "listing pages or RSS feeds under sources in vnreader.toml"
            )
        # Narrations run on worker threads: the speech engine serializes its own calls,
        # and each narration's ffmpeg passes run beside the others'. Fetching, extracting
        # and every catalog write stay on this thread (one SQLite connection), committing
        # each article as soon as its audio is complete.
        _warm_file_modes()
        slots = threading.BoundedSemaphore(2 * self.workers)  # narrations queued at most
        with ThreadPoolExecutor(self.workers, thread_name_prefix="narrate") as pool:
            self.pool = pool
            for source in articles:
                try:
                    job = self._article(source)
                except VnreaderError as exc:
                    with self._lock:
                        self._fail(source.key, str(exc))
                    continue
                if job is None:
                    continue
                slots.acquire()
                future = pool.submit(self._narrate, job.article, job.stem, job.key)
                future.add_done_callback(functools.partial(self._narrated, job, slots))
            # Every slot back means every narration ended AND its commit callback too
            # (a future counts as done before its callbacks have run).
            for _ in range(2 * self.workers):
                slots.acquire()
            self._site()

    def _narrated(
        self,
        job: _Job,
        slots: threading.BoundedSemaphore,
        future: Future[tuple[NarrationRow, bool]],
    ) -> None:
        """On the worker thread, as soon as a narration ends: commit it to the catalog.

        Committing here, not when the main thread gets round to it, means an article is
        recorded the moment its audio is complete, even while the main thread waits on a
        slow page; the lock keeps the one SQLite connection to one thread at a time.
        """
        try:
            with self._lock:
                self._reserved.discard(job.slug)
                try:
                    narration, made = future.result()
                except VnreaderError as exc:
                    self._fail(job.source, str(exc))
                    return
                except Exception as exc:  # a bug: name it, keep the other articles going
                    self.log.exception("narration of %s failed", job.source)
                    self._fail(job.source, f"internal error: {exc!r}")
                    return
                self.report.narrated += made
                try:
                    self._commit(job, narration)
                except VnreaderError as exc:
                    self._fail(job.source, str(exc))
        finally:
            slots.release()

    def _fail(self, source: str, reason: str) -> None:
        reason = " ".join(reason.split())
        if reason.startswith(source):  # "URL answered 404" → "URL: answered 404", not twice
            reason = reason[len(source) :].lstrip(": ") or reason
        self.log.error("failed: %s: %s", source, reason)
        self.report.failed.append((source, reason))

    # -- sources -------------------------------------------------------------------------

    def _expand(self, sources: list[str], given: bool) -> list[_Source]:
        """Articles of the sources, in order, each once."""
        out: list[_Source] = []
        seen: set[str] = set()

        def add(item: _Source) -> None:
            if item.key not in seen:
                seen.add(item.key)
                out.append(item)

        for source in sources:
            try:
                if source.startswith(("http://", "https://")):
                    for item in self._expand_url(source, listing_only=not given):
                        add(item)
                else:
                    for item in self._expand_path(source):
                        add(item)
            except VnreaderError as exc:
                self._fail(source, str(exc))
        return out

    def _expand_url(self, url: str, *, listing_only: bool) -> list[_Source]:
        from vnreader.extract.discover import (
            feed_links,
            is_feed,
            listing_links,
            looks_like_article,
        )
        from vnreader.extract.encoding import decode_html
        from vnreader.extract.fetch import fetch

        if listing_only:
            # Configured sources are listing pages or feeds (vnreader.toml says so);
            # discovery also follows a listing's advertised feed when it shows no list.
            from vnreader.extract import discover

            return [_Source(key=u, url=u) for u in discover(url)]
        page = fetch(url, cache_dir=self.http_cache)
        if is_feed(page):
            return [_Source(key=u, url=u) for u in feed_links(page.body, page.url)]
        if not looks_like_article(page.url):
            links = listing_links(decode_html(page.body, page.content_type, name=url), page.url)
            if links:
                self.log.info("%s: a listing of %d articles", url, len(links))
                return [_Source(key=u, url=u) for u in links]
        return [_Source(key=url, url=url, page=page)]

    def _expand_path(self, source: str) -> list[_Source]:
        from vnreader.errors import InputError

        path = Path(source)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix.lower() in (".html", ".htm"))
            if not files:
                raise InputError(f"{source}: a folder with no .html files")
        elif path.is_file():
            files = [path]
        else:
            raise InputError(f"{source}: no such file")
        return [_Source(key=p.resolve().as_uri(), path=p) for p in files]

    # -- one article ---------------------------------------------------------------------

    def _article(self, source: _Source) -> _Job | None:
        """What to narrate for ``source``, or None when it is unchanged (counted here)."""
        from vnreader.extract import extract_bytes

        # The lock only around catalog use: a commit from a narration thread must not
        # wait for a slow page.
        with self._lock:
            row = self.catalog.article(source.key)
        raw, url, content_type = self._read(source)
        page_hash = hashlib.sha256(raw).hexdigest()
        if row is not None and row.page_hash == page_hash and self._narration_ok(row):
            # The very page the catalog has, already narrated with these settings.
            self.report.unchanged += 1
            self.log.debug("unchanged: %s", source.key)
            return None
        if not raw.strip():
            raise VnreaderError("the page is empty")
        article = extract_bytes(raw, url=url, content_type=content_type)
        article_json = _canonical_json(article)
        content_hash = hashlib.sha256(article_json.encode("utf-8")).hexdigest()
        if (
            row is not None
            and row.content_hash == content_hash
            and row.narration is not None
            and self._narration_ok(row)
        ):
            # The page changed around the article (a counter, a sidebar): keep everything.
            with self._lock:
                self.catalog.set_page_hash(source.key, page_hash)
            self.report.unchanged += 1
            self.log.debug("unchanged article, page differs: %s", source.key)
            return None
        key = self._key(content_hash)
        with self._lock:
            slug = row.slug if row else self._new_slug(article.title)
        return _Job(
            source=source.key,
            article=article,
            stem=f"{slug}.{key[:10]}",
            key=key,
            slug=slug,
            is_new=row is None,
            content_hash=content_hash,
            page_hash=page_hash,
            article_json=article_json,
        )

    def _new_slug(self, title: str) -> str:
        """A slug no article has, nor one of this run's narrations still in progress."""
        base = slugify(title)
        slug, n = base, 1
        while slug in self._reserved or self.catalog.slug_taken(slug):
            n += 1
            slug = f"{base}-{n}"
        self._reserved.add(slug)
        return slug

    def _commit(self, job: _Job, narration: NarrationRow) -> None:
        article = job.article
        self.catalog.save(
            source=job.source,
            slug=job.slug,
            content_hash=job.content_hash,
            page_hash=job.page_hash,
            title=article.title,
            published=article.published.isoformat() if article.published else None,
            category=article.category,
            author=article.author,
            lead=article.lead,
            article_json=job.article_json,
            narration=narration,
        )
        if job.is_new:
            self.report.published += 1
            self.log.info("published: %s → %s/%s", job.source, AUDIO_DIR, narration.file)
        else:
            self.report.updated += 1
            self.log.info("updated: %s → %s/%s", job.source, AUDIO_DIR, narration.file)

    def _read(self, source: _Source) -> tuple[bytes, str | None, str | None]:
        if source.path is not None:
            from vnreader.errors import InputError

            try:
                return source.path.read_bytes(), None, None
            except OSError as exc:
                raise InputError(f"cannot read {source.path}: {exc.strerror or exc}") from None
        from vnreader.extract.fetch import fetch

        assert source.url is not None
        page = source.page or fetch(source.url, cache_dir=self.http_cache)
        return page.body, page.url, page.content_type

    def _narration_settings(self) -> str:
        s = self.settings
        lexicon = None
        if s.lexicon is not None:
            try:
                lexicon = hashlib.sha256(Path(s.lexicon).read_bytes()).hexdigest()
            except OSError as exc:
                raise VnreaderError(
                    f"cannot read the lexicon {s.lexicon}: {exc.strerror or exc}"
                ) from None
        return json.dumps(
            [NARRATION_FORMAT, s.engine, self.voice, s.rate, s.dialect, s.portal_name, lexicon],
            ensure_ascii=False,
        )

    def _lexicon_arg(self, narrate: object) -> dict[str, Path]:
        """``lexicon=`` for narrate() when the settings name a lexicon file."""
        lexicon = self.settings.lexicon
        return {} if lexicon is None else {"lexicon": Path(lexicon)}

    def _key(self, content_hash: str) -> str:
        """The narration key: the article's content and every setting that changes audio."""
        return hashlib.sha256(f"{self._settings_key}\n{content_hash}".encode()).hexdigest()

    def _narration_ok(self, row: ArticleRow) -> bool:
        n = row.narration
        if n is None or n.content_hash != self._key(row.content_hash):
            return False
        try:
            return (self.audio / n.file).stat().st_size == n.bytes and all(
                (self.audio / name).is_file() for name in (n.vtt, n.chapters)
            )
        except OSError:
            return False

    def _narrate(self, article: Article, stem: str, key: str) -> tuple[NarrationRow, bool]:
        """Runs on a worker thread: touches files only, never the catalog or the report."""
        from vnreader.speech.narrate import narrate

        s = self.settings
        mp3 = self.audio / f"{stem}.mp3"
        vtt = mp3.with_suffix(".vtt")
        chapters = mp3.with_suffix(".chapters.json")
        duration_ms = _ready_duration(mp3, vtt, chapters)
        if duration_ms is None:
            result = narrate(
                article,
                mp3,
                engine=s.engine,
                voice=self.voice,
                rate=s.rate,
                dialect=s.dialect,
                cache_dir=self.chunk_cache,
                portal_name=s.portal_name,
                gtts_tld=s.gtts_tld,
                **self._lexicon_arg(narrate),
            )
            duration_ms = result.duration_ms
            made = True
        else:
            made = False
            # A run killed after narrating but before committing, or a rebuilt catalog:
            # the files under this key are this very narration.
            self.log.info("re-using %s/%s", AUDIO_DIR, mp3.name)
        return (
            NarrationRow(
                engine=s.engine,
                voice=self.voice,
                rate=s.rate,
                file=mp3.name,
                bytes=mp3.stat().st_size,
                duration_ms=int(duration_ms),
                content_hash=key,
                vtt=vtt.name,
                chapters=chapters.name,
            ),
            made,
        )

    # -- the site ------------------------------------------------------------------------

    def _write(self, relpath: str, data: bytes) -> None:
        if write_atomic(self.out / relpath, data):
            self.report.written.append(relpath)

    def _url(self, relpath: str) -> str:
        return urljoin(self.base, relpath)

    def _site(self) -> None:
        from vnreader.publish.artwork import artwork_filename, make_artwork
        from vnreader.publish.feed import build_feed
        from vnreader.publish.opml import build_opml

        s = self.settings
        rows = [row for row in self.catalog.articles() if self._publishable(row)]
        items = {row.id: self._item(row) for row in rows}

        # Artwork first: the feeds point at it.
        art = artwork_filename(s.artwork)
        if s.artwork is None:
            if make_artwork(s.portal_name, self.out / art):
                self.report.written.append(art)
        elif copy_atomic(Path(s.artwork), self.out / art):
            self.report.written.append(art)

        feeds: list[tuple[str, str]] = []
        main_url = self._url(f"{FEEDS_DIR}/{MAIN_FEED}")
        self._write(
            f"{FEEDS_DIR}/{MAIN_FEED}",
            build_feed(items.values(), settings=s, feed_url=main_url),
        )
        feeds.append((s.portal_name, main_url))

        digest_items = self._digests(rows, items)
        digest_url = self._url(f"{FEEDS_DIR}/{DIGEST_FEED}")
        self._write(
            f"{FEEDS_DIR}/{DIGEST_FEED}",
            build_feed(
                digest_items,
                settings=s,
                feed_url=digest_url,
                title=f"{s.portal_name} — Bản tin trong ngày",
                description=f"Mỗi ngày một tập: các tin của {s.portal_name} trong ngày.",
            ),
        )
        feeds.append((f"{s.portal_name} — Bản tin trong ngày", digest_url))

        by_category: dict[str, list[FeedItem]] = {}
        for row in rows:
            if row.category:
                by_category.setdefault(row.category, []).append(items[row.id])
        category_files: set[str] = set()
        for category in sorted(by_category, key=slugify):
            name = slugify(category)
            if name in _RESERVED_FEEDS or f"{name}.xml" in category_files:
                name = f"chuyen-muc-{name}"
            category_files.add(f"{name}.xml")
            url = self._url(f"{FEEDS_DIR}/{name}.xml")
            title = f"{s.portal_name} — {category}"
            self._write(
                f"{FEEDS_DIR}/{name}.xml",
                build_feed(
                    by_category[category],
                    settings=s,
                    feed_url=url,
                    title=title,
                    description=f"Tin {category} của {s.portal_name}, đọc thành tiếng.",
                ),
            )
            feeds.append((title, url))
        self._write(f"{FEEDS_DIR}/{OPML_FILE}", build_opml(feeds, settings=s))
        self._prune(
            self.out / FEEDS_DIR,
            {MAIN_FEED, DIGEST_FEED, OPML_FILE, *category_files},
            suffixes=(".xml",),
        )

        self._pages(rows, items, feeds)

        # Only now, with every feed and page pointing at the new files, drop the old ones.
        keep = self.catalog.referenced_files()
        self._prune(self.audio, keep, suffixes=(".mp3", ".vtt", ".json"))

    def _pages(
        self, rows: list[ArticleRow], items: dict[int, FeedItem], feeds: list[tuple[str, str]]
    ) -> None:
        """``static/``, ``read/`` (index, articles, categories) and ``embed/``."""
        from vnreader.publish.assets import FONT_FILES, STATIC_DIR, asset_version, write_assets
        from vnreader.publish.pages import (
            CATEGORY_DIR,
            SiteContext,
            article_key,
            render_article,
            render_category,
            render_embed,
            render_index,
        )

        for name in write_assets(self.out / STATIC_DIR, self.out / ".cache" / "fonts"):
            self.report.written.append(f"{STATIC_DIR}/{name}")
        self._prune(
            self.out / STATIC_DIR / "fonts", set(FONT_FILES), suffixes=(".ttf", ".woff", ".woff2")
        )

        # Newest first, as in the feed.
        ordered = sorted(rows, key=lambda r: r.guid)
        ordered.sort(key=lambda r: items[r.id].published, reverse=True)
        category_pages: dict[str, str] = {}
        for category in sorted({r.category for r in ordered if r.category}, key=slugify):
            name = f"{slugify(category)}.html"
            while name in category_pages.values():
                name = name.removesuffix(".html") + "-2.html"
            category_pages[category] = name
        site = SiteContext(
            settings=self.settings,
            asset_version=asset_version(),
            feeds=tuple(feeds),
            opml_url=self._url(f"{FEEDS_DIR}/{OPML_FILE}"),
            category_pages=category_pages,
        )

        # Article pages are rendered again only when what they are made of changed (the
        # keys of the last run are kept beside the catalog) or one of them is missing.
        manifest = self.out / PAGES_MANIFEST
        try:
            previous = json.loads(manifest.read_text("utf-8"))
        except (OSError, ValueError):
            previous = {}
        keys: dict[str, str] = {}
        pages: set[str] = {"index.html"}
        embeds: set[str] = set()
        for row in ordered:
            read, embed = f"{READ_DIR}/{row.slug}.html", f"{EMBED_DIR}/{row.slug}.html"
            pages.add(f"{row.slug}.html")
            embeds.add(f"{row.slug}.html")
            keys[row.slug] = key = article_key(row, site)
            same = isinstance(previous, dict) and previous.get(row.slug) == key
            for relpath, render in ((read, render_article), (embed, render_embed)):
                if not (same and (self.out / relpath).is_file()):
                    self._write(relpath, render(row, site=site, audio_dir=self.audio))
        write_atomic(manifest, (json.dumps(keys, indent=0, sort_keys=True) + "\n").encode())
        entries = [(row, items[row.id]) for row in ordered]
        self._write(f"{READ_DIR}/index.html", render_index(entries, site=site))
        self._write("index.html", render_index(entries, site=site, root=""))
        for category, name in category_pages.items():
            members = [(row, item) for row, item in entries if row.category == category]
            self._write(
                f"{READ_DIR}/{CATEGORY_DIR}/{name}",
                render_category(category, members, site=site),
            )
        self._prune(self.out / READ_DIR, pages, suffixes=(".html",))
        self._prune(
            self.out / READ_DIR / CATEGORY_DIR, set(category_pages.values()), suffixes=(".html",)
        )
        self._prune(self.out / EMBED_DIR, embeds, suffixes=(".html",))

    def _prune(self, directory: Path, keep: set[str], *, suffixes: tuple[str, ...]) -> None:
        remove_temporaries(directory)
        try:
            entries = list(directory.iterdir())
        except OSError:
            return
        for entry in entries:
            if entry.name in keep or not entry.name.endswith(suffixes) or not entry.is_file():
                continue
            try:
                entry.unlink()
                self.log.info("removed %s", entry.relative_to(self.out))
            except OSError as exc:
                self.log.warning("cannot remove %s: %s", entry, exc.strerror or exc)

    def _publishable(self, row: ArticleRow) -> bool:
        n = row.narration
        if n is None:
            return False
        try:
            size = (self.audio / n.file).stat().st_size
        except OSError:
            size = -1
        if size != n.bytes:
            # Someone deleted or replaced it: leave it out of the feeds (an enclosure must
            # exist with its exact length) until a run narrates the article again.
            self.log.warning(
                "left out of the feeds: %s (%s/%s missing)", row.source, AUDIO_DIR, n.file
            )
            return False
        return True

    def _item(self, row: ArticleRow) -> FeedItem:
        from vnreader.publish.feed import FeedItem

        n = row.narration
        assert n is not None
        article = json.loads(row.article_json)
        description = row.lead or next(iter(article.get("paragraphs") or []), "") or row.title
        return FeedItem(
            guid=row.guid,
            title=row.title,
            description=description,
            link=self._url(f"{READ_DIR}/{row.slug}.html"),
            published=_published(row),
            enclosure_url=self._url(f"{AUDIO_DIR}/{n.file}"),
            enclosure_length=n.bytes,
            duration_s=round(n.duration_ms / 1000),
            transcript_url=self._url(f"{AUDIO_DIR}/{n.vtt}"),
            chapters_url=self._url(f"{AUDIO_DIR}/{n.chapters}"),
            category=row.category,
            author=row.author,
        )

    # -- daily digests -------------------------------------------------------------------

    def _digests(self, rows: list[ArticleRow], items: dict[int, FeedItem]) -> list[FeedItem]:
        """One episode per day (Vietnam's date) for the newest ``max_items`` days."""
        from datetime import date

        from vnreader.publish.digest import digest_title
        from vnreader.publish.feed import FeedItem

        days: dict[str, list[ArticleRow]] = {}
        for row in rows:
            day = items[row.id].published.astimezone(VIETNAM).date().isoformat()
            days.setdefault(day, []).append(row)
        kept = sorted(days, reverse=True)[: self.settings.max_items]
        ready: dict[str, DigestRow] = {}
        building: dict[Future[int], tuple[str, DigestRow]] = {}
        for day in kept:
            members = sorted(days[day], key=lambda r: r.guid)
            members.sort(key=lambda r: items[r.id].published)  # the day's stories in order
            days[day] = members
            plan, needs_build = self._digest_plan(day, members)
            if not needs_build:
                ready[day] = plan
                continue
            mp3 = self.audio / plan.file
            if self.pool is not None:
                future = self.pool.submit(self._build_digest, day, members, mp3)
            else:
                future = Future()
                future.set_result(self._build_digest(day, members, mp3))
            building[future] = (day, plan)
        for future in as_completed(building):
            day, plan = building[future]
            try:
                duration_ms = future.result()
            except VnreaderError as exc:
                self._fail(f"digest {day}", str(exc))
                continue
            done = replace(
                plan,
                bytes=(self.audio / plan.file).stat().st_size,
                duration_ms=int(duration_ms),
            )
            self.catalog.save_digest(done)
            self.report.narrated_digests += 1
            self.log.info(
                "digest %s: %d articles → %s/%s", day, len(days[day]), AUDIO_DIR, plan.file
            )
            ready[day] = done
        out: list[FeedItem] = []
        for day in kept:
            digest = ready.get(day)
            if digest is None:
                continue
            members = days[day]
            out.append(
                FeedItem(
                    guid=digest.guid,
                    title=digest_title(date.fromisoformat(day)),
                    description="; ".join(r.title for r in members),
                    link=self._url(f"{READ_DIR}/index.html"),
                    published=max(items[r.id].published for r in members),
                    enclosure_url=self._url(f"{AUDIO_DIR}/{digest.file}"),
                    enclosure_length=digest.bytes,
                    duration_s=round(digest.duration_ms / 1000),
                    transcript_url=self._url(f"{AUDIO_DIR}/{digest.vtt}"),
                    chapters_url=self._url(f"{AUDIO_DIR}/{digest.chapters}"),
                )
            )
        for old in self.catalog.digests():
            if old.day not in kept:
                self.catalog.delete_digest(old.day)
        return out

    def _digest_plan(self, day: str, members: list[ArticleRow]) -> tuple[DigestRow, bool]:
        """The day's digest row, and whether its audio must be built first."""
        import uuid

        key = hashlib.sha256(
            "\n".join(r.narration.content_hash for r in members if r.narration).encode()
        ).hexdigest()
        row = self.catalog.digest(day)
        if row is not None and row.key == key and _files_ok(self.audio, row):
            return row, False
        mp3 = self.audio / f"digest-{day}.{key[:10]}.mp3"
        vtt = mp3.with_suffix(".vtt")
        chapters = mp3.with_suffix(".chapters.json")
        # Not from the base URL: moving the site to its public address keeps the guids.
        guid = (
            row.guid if row else str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:vnreader:digest:{day}"))
        )
        plan = DigestRow(
            day=day,
            guid=guid,
            key=key,
            file=mp3.name,
            bytes=0,
            duration_ms=0,
            vtt=vtt.name,
            chapters=chapters.name,
        )
        duration_ms = _ready_duration(mp3, vtt, chapters)
        if duration_ms is None:
            return plan, True
        # Built by a run that was stopped before recording it: record it now.
        done = replace(plan, bytes=mp3.stat().st_size, duration_ms=duration_ms)
        self.catalog.save_digest(done)
        return done, False

    def _build_digest(self, day: str, members: list[ArticleRow], mp3: Path) -> int:
        """Runs on a worker thread: writes the digest's files, returns its duration (ms)."""
        from datetime import date

        from vnreader.publish.digest import DigestPart, build_digest, digest_tags

        parts = []
        for r in members:
            n = r.narration
            assert n is not None
            parts.append(
                DigestPart(
                    title=r.title,
                    mp3=self.audio / n.file,
                    duration_ms=n.duration_ms,
                    vtt=self.audio / n.vtt,
                    chapters_json=self.audio / n.chapters,
                )
            )
        when = date.fromisoformat(day)
        result = build_digest(when, parts, mp3, tags=digest_tags(when, self.settings.portal_name))
        return int(result.duration_ms)


# -- helpers -------------------------------------------------------------------------------


def _warm_file_modes() -> None:
    """Read the umask once, here, before worker threads: reading it means setting it."""
    from vnreader.publish import atomic
    from vnreader.speech import assemble

    atomic._file_mode()
    assemble._file_mode()


def _canonical_json(article: Article) -> str:
    """The article as canonical JSON: what its content hash is taken of."""
    return json.dumps(article.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _published(row: ArticleRow) -> datetime:
    """The article's date, or (undated) when the catalog first saw it: stored, so stable."""
    value = datetime.fromisoformat(row.published or row.first_seen)
    return value if value.tzinfo else value.replace(tzinfo=VIETNAM)


def _files_ok(audio: Path, row: DigestRow | NarrationRow) -> bool:
    try:
        return (audio / row.file).stat().st_size == row.bytes and all(
            (audio / name).is_file() for name in (row.vtt, row.chapters)
        )
    except OSError:
        return False


def _ready_duration(mp3: Path, vtt: Path, chapters: Path) -> int | None:
    """Duration (ms) of a complete narration already on disk under this key, else None.

    The narration writes its transcript and chapters first and the MP3 last, each by
    rename, so an MP3 that exists with both beside it is complete. Its ID3 TLEN frame
    says its duration.
    """
    if not (mp3.is_file() and vtt.is_file() and chapters.is_file()):
        return None
    try:
        from mutagen.id3 import ID3

        tlen = ID3(str(mp3)).get("TLEN")
        return int(str(tlen.text[0])) if tlen is not None else None
    except Exception:  # any unreadable tag: narrate again rather than guess
        return None
