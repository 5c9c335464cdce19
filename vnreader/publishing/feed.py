"""Podcast feeds: RSS 2.0 with Apple's iTunes tags and the Podcasting 2.0 namespace (feedgen).

:func:`build_feed` turns :class:`FeedItem` s into the bytes of one feed. The bytes depend only
on the arguments: no "now" anywhere (``lastBuildDate`` is the newest item's ``pubDate``),
items in a fixed order (newest first, ties by guid), attributes and namespaces in a fixed
order, so publishing twice with no change writes nothing new.

Tags (docs/feeds.md says why each one is there):

channel  title, link, description, atom:link rel=self, generator, image, language,
         lastBuildDate, itunes:author, itunes:image, itunes:owner, itunes:type episodic,
         itunes:category (Apple's current list), itunes:explicit true/false,
         podcast:guid, podcast:locked
item     title, link, description, content:encoded (the show notes: lead, the article's
         text with its headings, the reading page, the source), guid isPermaLink=false,
         category, enclosure (url, exact byte length, audio/mpeg), pubDate, itunes:author,
         itunes:image (the episode's own artwork, else the channel's), itunes:duration
         (seconds), itunes:episodeType full, itunes:explicit, podcast:transcript,
         podcast:chapters

Every URL in the feed is absolute: a relative one (``audio/x.mp3``) is resolved against
``settings.base_url``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from feedgen.feed import FeedGenerator

from vnreader.errors import FeedError
from vnreader.publishing.artwork import artwork_filename
from vnreader.publishing.itunes_ext import AppleEntryExtension, AppleExtension, resolve_categories
from vnreader.publishing.podcast_ext import (
    CHAPTERS_TYPE,
    VTT_TYPE,
    PodcastIndexEntryExtension,
    PodcastIndexExtension,
)

if TYPE_CHECKING:
    from vnreader.config import Settings

__all__ = [
    "FeedError",
    "FeedItem",
    "artwork_url",
    "build_feed",
    "duration_text",
    "show_notes",
]

#: Vietnam's time (UTC+7, no daylight saving): the portals' dates are local dates.
VIETNAM = timezone(timedelta(hours=7), "ICT")

AUDIO_TYPE = "audio/mpeg"
#: What the channel's <generator> says: no version, so an upgrade does not rewrite feeds.
GENERATOR = "vnreader"
#: Written when the settings have no description at all (RSS requires one).
DEFAULT_DESCRIPTION = "Tin tức của {portal}, đọc thành tiếng."
#: Written when the settings name no category (Apple requires one).
DEFAULT_CATEGORIES = ("News",)


@dataclass(frozen=True)
class FeedItem:
    """One episode. URLs may be absolute or relative to the site's base URL.

    ``published`` without a time zone is taken as Vietnam's time (UTC+7).
    ``enclosure_length`` is the MP3's exact size in bytes: a feed is never written without it.
    """

    guid: str
    title: str
    description: str
    link: str
    published: datetime
    enclosure_url: str
    enclosure_length: int
    duration_s: int
    transcript_url: str | None = None
    chapters_url: str | None = None
    category: str | None = None
    author: str | None = None
    #: The show notes (HTML, see :func:`show_notes`): content:encoded.
    notes_html: str | None = None
    #: The episode's own artwork (.jpg or .png); None: the channel's.
    image_url: str | None = None


#: Apple shows at most this many characters of an episode's notes; longer article text is
#: cut at a paragraph and the notes end with the link to the whole article.
NOTES_LIMIT = 4000
#: What show notes may contain (nh3 allowlist): the tags podcast apps render.
_NOTES_TAGS = {"p", "h2", "h3", "a", "strong", "em", "ul", "ol", "li", "br"}
_NOTES_ATTRIBUTES = {"a": {"href"}}


def _notes_clean(fragment: str) -> str:
    import nh3

    cleaned = nh3.clean(
        fragment,
        tags=_NOTES_TAGS,
        attributes=_NOTES_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel=None,
        strip_comments=True,
    )
    # Inside CDATA, "]]>" would end the section early.
    return cleaned.replace("]]>", "]]&gt;")


def show_notes(
    *,
    lead: str | None,
    blocks: Sequence[tuple[str, str]],
    read_url: str,
    source_url: str | None,
    limit: int = NOTES_LIMIT,
) -> str:
    """An episode's show notes as HTML (content:encoded): the lead in bold, the article's
    text with its headings (``blocks`` are ``(kind, text)``, kind ``heading`` or
    ``paragraph``), then a link to the large-print reading page and one to the source.

    Every piece is escaped text, and the whole is cleaned by nh3 with an allowlist of the
    tags podcast apps render; text past ``limit`` characters is left out at a paragraph
    boundary (the reading page has it all).
    """
    esc = html.escape
    tail = [f'<p><a href="{esc(read_url)}">Đọc toàn bài, chữ lớn</a></p>']
    if source_url and source_url.startswith(("http://", "https://")):
        tail.append(f'<p>Bài gốc: <a href="{esc(source_url)}">{esc(source_url)}</a></p>')
    head = [f"<p><strong>{esc(lead.strip())}</strong></p>"] if lead and lead.strip() else []
    more = "<p>…</p>"
    # Each part is joined by a newline; room is kept for the "…" that marks a cut.
    budget = limit - sum(len(part) + 1 for part in (*head, *tail)) - len(more) - 1
    body: list[str] = []
    for kind, text in blocks:
        text = " ".join(text.split())
        if not text:
            continue
        part = f"<h2>{esc(text)}</h2>" if kind == "heading" else f"<p>{esc(text)}</p>"
        if len(part) + 1 > budget:
            body.append(more)
            break
        body.append(part)
        budget -= len(part) + 1
    return _notes_clean("\n".join([*head, *body, *tail]))


def duration_text(seconds: int) -> str:
    """itunes:duration: whole seconds (Apple accepts seconds or HH:MM:SS; seconds are
    unambiguous and every app reads them)."""
    return str(max(0, int(seconds)))


def artwork_url(settings: Settings) -> str:
    """Where the site's artwork is published: ``BASE/artwork.png`` (or ``.jpg``)."""
    return urljoin(settings.base_url, artwork_filename(settings.artwork))


def _absolute(base: str, url: str, what: str) -> str:
    full = urljoin(base, url.strip())
    parts = urlsplit(full)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FeedError(f"{what} is not an http(s) URL: {url!r} (base URL {base!r})")
    return full


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=VIETNAM) if value.tzinfo is None else value


def _check(item: FeedItem) -> None:
    """Refuse what would make a broken episode (apps skip or mis-seek them)."""
    length = item.enclosure_length
    if isinstance(length, bool) or not isinstance(length, int) or length <= 0:
        raise FeedError(
            f"item {item.guid!r} has no enclosure length ({length!r}): "
            "an enclosure needs the MP3's exact size in bytes"
        )
    if not item.guid.strip():
        raise FeedError(f"item {item.title!r} has no guid")
    if not item.title.strip():
        raise FeedError(f"item {item.guid!r} has no title")
    if not isinstance(item.published, datetime):
        raise FeedError(f"item {item.guid!r}: published must be a datetime")
    if isinstance(item.duration_s, bool) or not isinstance(item.duration_s, int):
        raise FeedError(f"item {item.guid!r}: duration_s must be whole seconds")


def newest(items: Iterable[FeedItem], limit: int) -> list[FeedItem]:
    """The ``limit`` newest items, newest first; equal dates ordered by guid (stable bytes
    whatever order the catalog returned them in)."""
    ordered = sorted(items, key=lambda it: it.guid)
    ordered.sort(key=lambda it: _aware(it.published), reverse=True)
    return ordered[: max(0, limit)]


def build_feed(
    items: Iterable[FeedItem],
    *,
    settings: Settings,
    feed_url: str,
    title: str | None = None,
    description: str | None = None,
    image_url: str | None = None,
    locked: bool = False,
) -> bytes:
    """The UTF-8 bytes of one podcast feed of the ``settings.max_items`` newest items.

    ``feed_url`` is where this feed is published (atom:link rel=self, podcast:guid).
    ``title``/``description`` default to the portal's; ``image_url`` to :func:`artwork_url`.
    ``locked`` writes ``podcast:locked`` yes (no by default: see docs/feeds.md).
    Raises :class:`FeedError` for an item without an enclosure length, an unknown Apple
    category or a URL that is not http(s).
    """
    items = list(items)
    for item in items:
        _check(item)
    kept = newest(items, settings.max_items)
    base = settings.base_url
    feed_url = _absolute(base, feed_url, "the feed URL")
    image = _absolute(base, image_url or artwork_url(settings), "the artwork URL")
    # Apple wants .png or .jpg (and feedgen silently drops any other itunes:image).
    if not urlsplit(image).path.lower().endswith((".png", ".jpg")):
        raise FeedError(f"Apple needs the artwork URL to end in .png or .jpg: {image}")
    categories = resolve_categories(settings.categories or DEFAULT_CATEGORIES)
    portal = settings.portal_name.strip()
    author = (settings.owner_name or "").strip() or portal

    fg = FeedGenerator()
    fg.load_extension("podcast")  # feedgen's iTunes tags (author, owner, image, type...)
    fg.register_extension("apple", AppleExtension, AppleEntryExtension)
    fg.register_extension("podcastindex", PodcastIndexExtension, PodcastIndexEntryExtension)

    show_title = (title or portal).strip()
    fg.title(show_title)
    # feedgen takes the channel's <link> from the LAST link given: self first, site last.
    fg.link(href=feed_url, rel="self", type="application/rss+xml")
    fg.link(href=_absolute(base, base, "the base URL"), rel="alternate")
    fg.description(
        (description or settings.description or DEFAULT_DESCRIPTION.format(portal=portal)).strip()
    )
    fg.language(settings.language)
    fg.generator(GENERATOR)
    fg.image(url=image, title=show_title, link=_absolute(base, base, "the base URL"))
    # lastBuildDate is the newest item's date, not the time of the run: two runs with the
    # same items must write the same bytes. An empty feed gets the Unix epoch.
    fg.lastBuildDate(_aware(kept[0].published) if kept else datetime(1970, 1, 1, tzinfo=UTC))

    fg.podcast.itunes_author(author)
    fg.podcast.itunes_image(image)
    fg.podcast.itunes_type("episodic")
    if settings.owner_email:
        # Apple writes to this address to confirm who owns the show; never shown publicly.
        fg.podcast.itunes_owner(name=author, email=settings.owner_email)
    fg.apple.categories(categories)
    fg.apple.explicit(settings.explicit)
    fg.podcastindex.guid(feed_url=feed_url)
    fg.podcastindex.locked(locked, owner=settings.owner_email)

    for item in kept:
        fe = fg.add_entry(order="append")
        fe.title(item.title.strip())
        fe.link(href=_absolute(base, item.link, f"item {item.guid!r} link"))
        fe.description(item.description.strip() or item.title.strip())
        if item.notes_html:
            fe.content(_notes_clean(item.notes_html), type="CDATA")
        # The catalog's stable guid, not a URL: isPermaLink="false".
        fe.guid(item.guid, permalink=False)
        if item.category:
            fe.category(term=item.category)
        fe.enclosure(
            _absolute(base, item.enclosure_url, f"item {item.guid!r} enclosure"),
            str(item.enclosure_length),
            AUDIO_TYPE,
        )
        fe.pubDate(_aware(item.published))
        fe.podcast.itunes_author((item.author or "").strip() or author)
        episode_image = image
        if item.image_url:
            episode_image = _absolute(base, item.image_url, f"item {item.guid!r} image")
            if not urlsplit(episode_image).path.lower().endswith((".png", ".jpg")):
                raise FeedError(
                    f"Apple needs episode artwork to end in .png or .jpg: {episode_image}"
                )
        fe.podcast.itunes_image(episode_image)
        fe.podcast.itunes_duration(duration_text(item.duration_s))
        fe.podcast.itunes_episode_type("full")
        fe.apple.explicit(settings.explicit)
        if item.transcript_url:
            fe.podcastindex.transcript(
                _absolute(base, item.transcript_url, f"item {item.guid!r} transcript"),
                VTT_TYPE,
                language=settings.language,
                rel="captions",
            )
        if item.chapters_url:
            fe.podcastindex.chapters(
                _absolute(base, item.chapters_url, f"item {item.guid!r} chapters"), CHAPTERS_TYPE
            )
    return fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
