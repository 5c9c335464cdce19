"""The large-print reading pages and the embeddable player (``read/``, ``embed/``).

Pages written per site (see docs/accessibility.md for what they promise):

- ``read/index.html``: the newest articles first, the categories, and the feeds to subscribe to
  (the same page is the site's home, ``index.html``: the podcast's link in the feeds);
- ``read/<slug>.html``: one article, its player and its text, sentence by sentence;
- ``read/chuyen-muc/<category>.html``: the articles of one category, newest first;
- ``embed/<slug>.html``: the player alone, for an ``<iframe>`` on the portal's own article.

The templates (``templates/*.html``) are rendered by Jinja2 with autoescaping on. The
pieces live beside this module, one responsibility each: the article's text as sentence
spans and its photos in place (:mod:`~vnreader.publishing.article_html`, the only HTML
assembled in Python, cleaned by nh3), the transcript and chapters read back
(:mod:`~vnreader.publishing.transcript`), abbreviations marked as spoken
(:mod:`~vnreader.publishing.abbreviations`) and the Content-Security-Policy
(:mod:`~vnreader.publishing.csp`). Their public names are importable from here too.

Every link inside the site is relative (``../audio/…``), so a site works wherever it is
served; only the feed addresses, which podcast apps need whole, are absolute. The bytes
depend only on the catalog and the audio files (no clock): an unchanged site is not
rewritten.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from vnreader.article import Article
from vnreader.packagedata import iter_data
from vnreader.publishing.abbreviations import ABBREVIATION_CLASSES, Abbreviations, lexicon_digest
from vnreader.publishing.article_html import body_html, clean, local_images, sentences_html
from vnreader.publishing.csp import (
    EMBED_PREFS_SCRIPT,
    PREFS_SCRIPT,
    content_security_policy,
    script_hash,
)
from vnreader.publishing.transcript import Aligner, Cue, read_chapters, read_vtt

if TYPE_CHECKING:
    from jinja2 import Environment

    from vnreader.config import Settings
    from vnreader.publishing.catalog import ArticleRow
    from vnreader.publishing.feed import FeedItem

__all__ = [
    "ABBREVIATION_CLASSES",
    "CATEGORY_DIR",
    "EMBED_PREFS_SCRIPT",
    "PREFS_SCRIPT",
    "Abbreviations",
    "Cue",
    "SiteContext",
    "article_key",
    "clock",
    "content_security_policy",
    "duration_words",
    "embed_snippet",
    "lexicon_digest",
    "megabytes",
    "read_chapters",
    "read_vtt",
    "render_article",
    "render_category",
    "render_embed",
    "render_index",
    "report_href",
    "script_hash",
]

VIETNAM = timezone(timedelta(hours=7))

#: Category pages live under ``read/`` in this folder (a title can never produce a slug
#: with a slash, so they cannot collide with article pages).
CATEGORY_DIR = "chuyen-muc"

#: How many articles the index lists (the category pages list all of theirs).
INDEX_LIMIT = 60

# --- formatting for people -----------------------------------------------------------------


def _local(published: str | None) -> datetime | None:
    if not published:
        return None
    when = datetime.fromisoformat(published)
    if when.tzinfo is None:
        when = when.replace(tzinfo=VIETNAM)
    return when.astimezone(VIETNAM)


def _short_date(when: datetime | None) -> str | None:
    return when.strftime("%d/%m/%Y") if when else None


def duration_words(seconds: float) -> str:
    """``4 phút 40 giây``: a duration as the pages show it."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(f"{hours} giờ")
    if minutes:
        parts.append(f"{minutes} phút")
    if secs or not parts:
        parts.append(f"{secs} giây")
    return " ".join(parts)


def clock(seconds: float) -> str:
    """``4:40`` (or ``1:02:05``): a position as players show it."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def megabytes(size: int) -> str:
    """``2,1 MB`` (Vietnamese decimal comma)."""
    return f"{size / 1_000_000:.1f}".replace(".", ",") + " MB"


@cache
def _env() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("vnreader.publishing", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["clock"] = clock
    env.filters["duration"] = duration_words
    return env


@dataclass(frozen=True)
class SiteContext:
    """What every page of one site shares."""

    settings: Settings
    #: ``?v=…`` token of the CSS and JS (changes when they change, so caches refresh).
    asset_version: str
    #: (title, absolute URL) of every feed, the main one first.
    feeds: tuple[tuple[str, str], ...]
    opml_url: str
    #: category name → page file name under ``read/chuyen-muc/``.
    category_pages: dict[str, str] = field(default_factory=dict)
    #: slug → (file under the site, e.g. ``artwork/<slug>.jpg``, its side in pixels): the
    #: articles with their own episode artwork.
    episode_art: dict[str, tuple[str, int]] = field(default_factory=dict)
    #: (file under the site, side in CSS px) of the main feed's QR code; None: none drawn.
    feed_qr: tuple[str, int] | None = None
    #: Article images stored in the site: source address → (file, width, height).
    images: dict[str, tuple[str, int, int]] = field(default_factory=dict)

    @property
    def main_feed(self) -> str:
        return self.feeds[0][1]


#: The modules a page is made by (beside this one): their code is part of every page's key.
_PAGE_MODULES = ("pages.py", "article_html.py", "transcript.py", "abbreviations.py", "csp.py")


@cache
def _code_fingerprint() -> str:
    """A hash of the page modules and the templates: a new vnreader renders every page
    again."""
    digest = hashlib.sha256()
    for module in _PAGE_MODULES:
        digest.update(Path(__file__).with_name(module).read_bytes())
    for entry in iter_data("vnreader.publishing", "templates"):
        digest.update(entry.name.encode())
        digest.update(entry.read_bytes())
    return digest.hexdigest()


def article_key(row: ArticleRow, site: SiteContext) -> str:
    """Everything an article's read and embed pages are made of, hashed.

    Publishing renders an article's pages again only when this key changes (or a page is
    missing), so an unchanged re-run of a large site renders no article page.
    """
    n = row.narration
    s = site.settings
    parts = [
        _code_fingerprint(),
        site.asset_version,
        site.feeds,
        site.opml_url,
        sorted(site.category_pages.items()),
        site.episode_art.get(row.slug),
        [s.portal_name, s.language, s.description, s.dialect, lexicon_digest(s.lexicon)],
        lexicon_digest(s.portal_lexicon),
        local_images(Article.from_dict(json.loads(row.article_json)), site.images),
        [s.owner_email, s.base_url],
        [row.slug, row.title, row.published, row.category, row.author, row.lead],
        hashlib.sha256(row.article_json.encode("utf-8")).hexdigest(),
        [n.file, n.vtt, n.chapters, n.bytes, n.duration_ms, n.content_hash] if n else None,
    ]
    blob = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _base(site: SiteContext, root: str, page_title: str) -> dict[str, Any]:
    from markupsafe import Markup

    feed = site.main_feed
    parts = urlsplit(feed)
    return {
        "csp": content_security_policy(PREFS_SCRIPT, EMBED_PREFS_SCRIPT),
        # Constants of this module (not portal text), so safe to write unescaped.
        "prefs_script": Markup(PREFS_SCRIPT),
        "embed_prefs_script": Markup(EMBED_PREFS_SCRIPT),
        "lang": site.settings.language.split("-")[0] or "vi",
        "portal": site.settings.portal_name,
        "page_title": page_title,
        "root": root,
        "css_url": f"{root}static/vnreader.css?v={site.asset_version}",
        "js_url": f"{root}static/vnreader.js?v={site.asset_version}",
        "index_url": f"{root}read/index.html",
        "feed_url": feed,
        "podcast_app_url": f"podcast://{parts.netloc}{parts.path}" if parts.netloc else None,
        "opml_url": site.opml_url,
        "feeds": site.feeds,
        "qr": {"url": f"{root}{site.feed_qr[0]}", "side": site.feed_qr[1]}
        if site.feed_qr
        else None,
    }


def _category_link(site: SiteContext, category: str | None, root: str) -> str | None:
    if not category or category not in site.category_pages:
        return None
    return f"{root}read/{CATEGORY_DIR}/{site.category_pages[category]}"


def _artwork(row: ArticleRow, site: SiteContext, root: str) -> tuple[str, str]:
    """(address, "WxH" or "") of the picture lock screens show for this article: the
    episode's own artwork when the site has one, else the podcast's."""
    from vnreader.publishing.artwork import MIN_SIZE, artwork_filename

    episode = site.episode_art.get(row.slug)
    if episode:
        return f"{root}{episode[0]}", f"{episode[1]}x{episode[1]}"
    sizes = "" if site.settings.artwork is not None else f"{MIN_SIZE}x{MIN_SIZE}"
    return f"{root}{artwork_filename(site.settings.artwork)}", sizes


def _report(row: ArticleRow, site: SiteContext) -> dict[str, str] | None:
    """The "Báo đọc sai" link's data: none without an owner address."""
    to = (site.settings.owner_email or "").strip()
    if not to:
        return None
    base = site.settings.base_url
    url = urljoin(base if base.endswith("/") else base + "/", f"read/{row.slug}.html")
    return {
        "to": to,
        "title": row.title,
        "url": url,
        "href": report_href(to, row.title, url),
        "subject": REPORT_SUBJECT.format(title=row.title),
        "body": REPORT_BODY,
    }


def _player(row: ArticleRow, audio_dir: Path, root: str, site: SiteContext) -> dict[str, Any]:
    n = row.narration
    assert n is not None
    chapters = read_chapters(audio_dir / n.chapters)
    artwork, artwork_sizes = _artwork(row, site, root)
    return {
        "title": row.title,
        "artwork": artwork,
        "artwork_sizes": artwork_sizes,
        "audio_url": f"{root}audio/{n.file}",
        "vtt_url": f"{root}audio/{n.vtt}",
        "file": n.file,
        "size": megabytes(n.bytes),
        "duration": n.duration_ms / 1000,
        "chapters": [{"start": round(s, 3), "title": t} for s, t in chapters]
        if len(chapters) > 1
        else [],
    }


REPORT_SUBJECT = "Báo đọc sai: {title}"
REPORT_BODY = (
    "Bài: {title}\r\nĐịa chỉ: {url}\r\nCâu đang đọc: {sentence}\r\n\r\n"
    "Từ bị đọc sai và cách đọc đúng: "
)


def report_href(to: str, title: str, url: str, sentence: str = "") -> str:
    """The ``mailto:`` of the "Báo đọc sai" link (RFC 6068): the article, its address and
    the sentence being played, for the owner to fix with ``vnreader lexicon``."""
    from urllib.parse import quote

    subject = quote(REPORT_SUBJECT.format(title=title), safe="")
    body = quote(REPORT_BODY.format(title=title, url=url, sentence=sentence), safe="")
    return f"mailto:{quote(to, safe='@')}?subject={subject}&body={body}"


def render_article(row: ArticleRow, *, site: SiteContext, audio_dir: Path) -> bytes:
    """``read/<slug>.html``: the article's text, sentence by sentence, with its player."""
    from vnreader.speech.script import author_line, date_line
    from vnreader.speech.script import settings as script_settings

    root = "../"
    article = Article.from_dict(json.loads(row.article_json))
    n = row.narration
    assert n is not None
    aligner = Aligner(read_vtt(audio_dir / n.vtt))
    when = _local(row.published)
    abbr = Abbreviations(site.settings.dialect, site.settings.lexicon, site.settings.portal_lexicon)

    # In the narration's order (title, date, category, lead, body with its captions,
    # author), so each sentence finds its cue.
    title_html = clean(sentences_html(row.title, aligner, None, abbr))
    date_text = date_line(when) if when else None
    date_cue = aligner.match(date_text) if date_text else None
    category_cue = None
    if row.category:
        category_line = script_settings().phrases["category"].format(category=row.category)
        category_cue = aligner.match(category_line)
    lead_html = clean(sentences_html(row.lead, aligner, None, abbr)) if row.lead else None
    body = body_html(article, aligner, stored=site.images, root=root, abbreviations=abbr)
    page_url = article.url if (article.url or "").startswith(("http://", "https://")) else None
    author_html = None
    if row.author:
        author_html = clean(sentences_html(author_line(row.author), aligner, None, abbr))

    context = _base(site, root, f"{row.title} — {site.settings.portal_name}")
    context.update(
        title=row.title,
        title_html=title_html,
        date_text=date_text,
        date_cue=date_cue,
        category_cue=category_cue,
        date_iso=datetime.fromisoformat(row.published).isoformat() if row.published else None,
        category=row.category,
        category_url=_category_link(site, row.category, root),
        lead_html=lead_html,
        body_html=clean(body),
        author_html=author_html,
        source_url=page_url,
        player=_player(row, audio_dir, root, site),
        report=_report(row, site),
    )
    return _env().get_template("article.html").render(context).encode("utf-8")


def render_embed(row: ArticleRow, *, site: SiteContext, audio_dir: Path) -> bytes:
    """``embed/<slug>.html``: the player alone (for an iframe), with the transcript folded."""
    root = "../"
    n = row.narration
    assert n is not None
    cues = read_vtt(audio_dir / n.vtt)
    sentences = [
        {"ident": c.ident, "start": f"{c.start:.3f}", "end": f"{c.end:.3f}", "text": c.text}
        for c in cues
    ]
    context = _base(site, root, f"Nghe bài: {row.title} — {site.settings.portal_name}")
    context.update(
        title=row.title,
        read_url=f"{root}read/{row.slug}.html",
        player=_player(row, audio_dir, root, site),
        sentences=sentences,
    )
    return _env().get_template("embed.html").render(context).encode("utf-8")


def _entries(
    rows: Iterable[tuple[ArticleRow, FeedItem]], site: SiteContext, root: str
) -> list[dict[str, Any]]:
    listed = []
    for row, item in rows:
        when = _local(row.published)
        listed.append(
            {
                "title": row.title,
                "url": f"{root}read/{row.slug}.html",
                "date": _short_date(when),
                "date_iso": datetime.fromisoformat(row.published).isoformat()
                if row.published
                else None,
                "category": row.category,
                "category_url": _category_link(site, row.category, root),
                "duration": item.duration_s,
                "lead": row.lead,
            }
        )
    return listed


def render_index(
    entries: Sequence[tuple[ArticleRow, FeedItem]], *, site: SiteContext, root: str = "../"
) -> bytes:
    """``read/index.html``: newest first, the categories, and how to subscribe.

    ``root`` is the way from the page to the site's folder: ``""`` renders the same page as
    the site's home, ``index.html`` (the address the feeds give as the podcast's link).
    """
    counts: dict[str, int] = {}
    for row, _ in entries:
        if row.category:
            counts[row.category] = counts.get(row.category, 0) + 1
    categories = [
        {"name": name, "url": _category_link(site, name, root), "count": counts[name]}
        for name in sorted(counts, key=lambda c: unicodedata.normalize("NFD", c.casefold()))
        if _category_link(site, name, root)
    ]
    context = _base(site, root, f"{site.settings.portal_name} — Nghe và đọc tin")
    context.update(
        description=site.settings.description,
        entries=_entries(entries[:INDEX_LIMIT], site, root),
        total=len(entries),
        categories=categories,
    )
    return _env().get_template("index.html").render(context).encode("utf-8")


def render_category(
    category: str, entries: Sequence[tuple[ArticleRow, FeedItem]], *, site: SiteContext
) -> bytes:
    """``read/chuyen-muc/<name>.html``: one category's articles, newest first."""
    root = "../../"
    feed = next((url for title, url in site.feeds if title.endswith(f"— {category}")), None)
    context = _base(site, root, f"{category} — {site.settings.portal_name}")
    context.update(
        category=category,
        category_feed=feed,
        entries=_entries(entries, site, root),
    )
    return _env().get_template("category.html").render(context).encode("utf-8")


def embed_snippet(url: str, title: str, *, height: int = 560) -> str:
    """The HTML a portal pastes to embed the player of one article.

    A wrapper as wide as its column (up to 48 rem) and ``height`` CSS pixels tall holds an
    iframe that fills it; the iframe's ``title`` names it for screen readers.
    """
    from markupsafe import escape

    return (
        f'<div class="vnreader-player" style="position:relative;width:100%;max-width:48rem;'
        f'height:{int(height)}px;margin:1rem 0">\n'
        f'  <iframe src="{escape(url)}" title="{escape("Nghe bài: " + title)}" '
        f'style="position:absolute;inset:0;width:100%;height:100%;border:0" '
        f'loading="lazy"></iframe>\n'
        f"</div>"
    )
