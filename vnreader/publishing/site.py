"""The site written from the catalog: feeds, OPML, artwork, read pages, players, digests.

Every file is written atomically and only when its bytes differ; files no article needs
any more are removed last, once the feeds and pages point at their replacements (see
:mod:`vnreader.publishing.pipeline` for why). Withdrawn articles are left out everywhere.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from vnreader.config import Settings
from vnreader.errors import VnreaderError
from vnreader.publishing.atomic import copy_atomic, remove_temporaries, write_atomic
from vnreader.publishing.catalog import ArticleRow, Catalog, DigestRow, NarrationRow, slugify
from vnreader.publishing.images import IMAGES_DIR, LocalImage, SiteImages, image_urls
from vnreader.publishing.jobs import ready_duration
from vnreader.publishing.layout import (
    AUDIO_DIR,
    DIGEST_FEED,
    EMBED_DIR,
    FEEDS_DIR,
    MAIN_FEED,
    OPML_FILE,
    READ_DIR,
    VIETNAM,
    SiteState,
)
from vnreader.publishing.report import PublishReport, count

if TYPE_CHECKING:
    from vnreader.publishing.feed import FeedItem

__all__ = ["Site"]


#: Category feed names that would clash with the fixed files get this prefix.
_RESERVED_FEEDS = {"podcast", "digest", "podcasts"}
#: A day needs this many articles for a digest episode (one article already is the day).
MIN_DIGEST_ARTICLES = 2


@dataclass
class Site:
    """Writes the site of ``catalog`` into ``out`` (call :meth:`build`)."""

    out: Path
    settings: Settings
    catalog: Catalog
    state: SiteState
    report: PublishReport
    log: logging.Logger
    fail: Callable[[str, str], None]
    pool: ThreadPoolExecutor | None = None
    withdrawn: set[str] = field(default_factory=set)
    #: Fetches an article image's bytes (None: images stay where the portal has them).
    fetch_image: Callable[[str], bytes] | None = None
    #: Article images stored in the site, by source address (filled by :meth:`build`).
    images: dict[str, LocalImage] = field(default_factory=dict)
    #: What :meth:`_made` made, and from what (read from the state folder on first use).
    _memo: dict[str, Any] | None = None
    #: slug → (``artwork/<slug>.jpg``, side in px): the episodes with their own artwork.
    episode_art: dict[str, tuple[str, int]] = field(default_factory=dict)

    @property
    def audio(self) -> Path:
        return self.out / AUDIO_DIR

    @property
    def base(self) -> str:
        url = self.settings.base_url
        return url if url.endswith("/") else url + "/"

    def _write(self, relpath: str, data: bytes) -> None:
        if write_atomic(self.out / relpath, data):
            self.report.written.append(relpath)

    def _url(self, relpath: str) -> str:
        return urljoin(self.base, relpath)

    def build(self) -> None:
        """Write every file of the site from the catalog, then drop audio nothing uses."""
        from vnreader.publishing import artwork as artwork_module
        from vnreader.publishing.artwork import artwork_filename, make_artwork
        from vnreader.publishing.feed import build_feed
        from vnreader.publishing.opml import build_opml

        s = self.settings
        rows = [
            row
            for row in self.catalog.articles()
            if row.source not in self.withdrawn and self._publishable(row)
        ]

        self._images(rows)

        # Artwork first: the feeds point at it. Drawing it takes 0.1 s, so it is drawn
        # again only when what it is drawn from changed (or the file is gone).
        art = artwork_filename(s.artwork)
        if s.artwork is None:
            self._made(
                art,
                [s.portal_name, _source_digest(artwork_module)],
                lambda: make_artwork(s.portal_name, self.out / art),
            )
        elif copy_atomic(Path(s.artwork), self.out / art):
            self.report.written.append(art)
        self._episode_artwork(rows)
        items = {row.id: self._item(row) for row in rows}

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

    def _images(self, rows: list[ArticleRow]) -> None:
        """Store the articles' images in ``OUT/images/`` (once), drop those no article uses."""
        if self.fetch_image is None:
            return
        store = SiteImages(self.out, self.state.images_manifest, self.fetch_image, self.log)
        for row in rows:
            article = json.loads(row.article_json)
            page_url = row.source if row.source.startswith(("http://", "https://")) else None
            self.images.update(store.localize(image_urls(article, page_url)))
        files = store.save(set(self.images))
        self._prune(self.out / IMAGES_DIR, files, suffixes=(".jpg", ".png", ".webp"))

    def _pages(
        self, rows: list[ArticleRow], items: dict[int, FeedItem], feeds: list[tuple[str, str]]
    ) -> None:
        """``static/``, ``read/`` (index, articles, categories) and ``embed/``."""
        from vnreader.publishing.assets import FONT_FILES, STATIC_DIR, asset_version, write_assets
        from vnreader.publishing.pages import (
            CATEGORY_DIR,
            SiteContext,
            article_key,
            render_article,
            render_category,
            render_embed,
            render_index,
        )

        for name in write_assets(self.out / STATIC_DIR, self.state.font_cache):
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
        from vnreader.publishing import qr as qr_module
        from vnreader.publishing.qr import QR_FILE

        qr_side = self._made(
            QR_FILE,
            [feeds[0][1], _source_digest(qr_module)],
            lambda: self._write_qr(feeds[0][1]),
        )
        site = SiteContext(
            feed_qr=(QR_FILE, qr_side),
            settings=self.settings,
            asset_version=asset_version(),
            feeds=tuple(feeds),
            opml_url=self._url(f"{FEEDS_DIR}/{OPML_FILE}"),
            category_pages=category_pages,
            episode_art=self.episode_art,
            images={url: (i.file, i.width, i.height) for url, i in self.images.items()},
        )

        # Article pages are rendered again only when what they are made of changed (the
        # keys of the last run are kept beside the catalog) or one of them is missing.
        manifest = self.state.pages_manifest
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

    def _write_qr(self, feed_url: str) -> int:
        from vnreader.publishing.qr import QR_FILE, feed_qr_svg

        svg, side = feed_qr_svg(feed_url)
        self._write(QR_FILE, svg)
        return side

    def _made(self, relpath: str, inputs: list[object], make: Callable[[], object]) -> Any:
        """Make ``relpath`` with ``make()`` unless it exists and was made from ``inputs``.

        What ``make`` returned is remembered with the inputs' key (in the state folder),
        and returned again when nothing needs making.
        """
        if self._memo is None:
            try:
                self._memo = json.loads(self.state.made_manifest.read_text("utf-8"))
            except (OSError, ValueError):
                self._memo = {}
        key = hashlib.sha256(json.dumps(inputs, ensure_ascii=False).encode()).hexdigest()
        entry = self._memo.get(relpath)
        if isinstance(entry, dict) and entry.get("key") == key and (self.out / relpath).is_file():
            return entry.get("value")
        value = make()
        if value is True:
            self.report.written.append(relpath)
        self._memo[relpath] = {"key": key, "value": value}
        write_atomic(
            self.state.made_manifest,
            (json.dumps(self._memo, ensure_ascii=False, indent=0, sort_keys=True) + "\n").encode(),
        )
        return value

    def _episode_artwork(self, rows: list[ArticleRow]) -> None:
        """``artwork/<slug>.jpg`` from each article's first photo stored in the site."""
        from vnreader.publishing.artwork import MIN_SIZE
        from vnreader.publishing.episode_art import ART_DIR, local_image, make_episode_art

        self.episode_art = {}
        for row in rows:
            article = json.loads(row.article_json)
            page_url = row.source if row.source.startswith(("http://", "https://")) else None
            for image in article.get("images") or []:
                src = (image or {}).get("src") if isinstance(image, dict) else None
                # A portal photo stored in the site at publish time (:meth:`_images`), or
                # a path that already names a file in the site.
                stored = self.images.get(urljoin(page_url, src) if page_url and src else src or "")
                path = self.out / stored.file if stored else local_image(self.out, src)
                if path is None or not path.is_file():
                    continue
                relpath = f"{ART_DIR}/{row.slug}.jpg"
                target = self.out / relpath
                try:
                    fresh = target.stat().st_mtime_ns >= path.stat().st_mtime_ns
                except OSError:
                    fresh = False
                made = True if fresh else make_episode_art(path, target)
                if made is None:
                    continue  # unreadable or too small: try the next photo
                if made and not fresh:
                    self.report.written.append(relpath)
                self.episode_art[row.slug] = (relpath, MIN_SIZE)
                break
        kept = {Path(relpath).name for relpath, _ in self.episode_art.values()}
        self._prune(self.out / ART_DIR, kept, suffixes=(".jpg",))

    def _item(self, row: ArticleRow) -> FeedItem:
        from vnreader.publishing.feed import FeedItem, show_notes

        n = row.narration
        assert n is not None
        article = json.loads(row.article_json)
        description = row.lead or next(iter(article.get("paragraphs") or []), "") or row.title
        link = self._url(f"{READ_DIR}/{row.slug}.html")
        blocks = article.get("blocks")
        if blocks is None:  # an older article dict: paragraphs only
            blocks = [{"kind": "paragraph", "text": t} for t in article.get("paragraphs") or []]
        art = self.episode_art.get(row.slug)
        return FeedItem(
            notes_html=show_notes(
                lead=row.lead,
                blocks=[(str(b.get("kind")), str(b.get("text") or "")) for b in blocks],
                read_url=link,
                source_url=article.get("url") or row.source,
            ),
            image_url=self._url(art[0]) if art else None,
            guid=row.guid,
            title=row.title,
            description=description,
            link=link,
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

        from vnreader.publishing.digest import digest_title
        from vnreader.publishing.feed import FeedItem

        days: dict[str, list[ArticleRow]] = {}
        for row in rows:
            day = items[row.id].published.astimezone(VIETNAM).date().isoformat()
            days.setdefault(day, []).append(row)
        # A day of one article gets no digest: that article's episode already is the day.
        full = [day for day, members in days.items() if len(members) >= MIN_DIGEST_ARTICLES]
        kept = sorted(full, reverse=True)[: self.settings.max_items]
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
                self.fail(f"digest {day}", str(exc))
                continue
            done = replace(
                plan,
                bytes=(self.audio / plan.file).stat().st_size,
                duration_ms=int(duration_ms),
            )
            self.catalog.save_digest(done)
            self.report.narrated_digests += 1
            self.log.info(
                "digest %s: %s → %s/%s",
                day,
                count(len(days[day]), "article"),
                AUDIO_DIR,
                plan.file,
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
        duration_ms = ready_duration(mp3, vtt, chapters)
        if duration_ms is None:
            return plan, True
        # Built by a run that was stopped before recording it: record it now.
        done = replace(plan, bytes=mp3.stat().st_size, duration_ms=duration_ms)
        self.catalog.save_digest(done)
        return done, False

    def _build_digest(self, day: str, members: list[ArticleRow], mp3: Path) -> int:
        """Runs on a worker thread: writes the digest's files, returns its duration (ms)."""
        from datetime import date

        from vnreader.publishing.digest import DigestPart, build_digest, digest_tags

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


# -- helpers --------------------------------------------------------------------------------


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


@functools.cache
def _source_digest(module: Any) -> str:
    """A hash of a module's source: a new vnreader that draws differently draws again."""
    return hashlib.sha256(Path(module.__file__).read_bytes()).hexdigest()
