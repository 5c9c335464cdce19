"""The large-print reading pages and the embeddable player (``read/``, ``embed/``).

Pages written per site (see docs/accessibility.md for what they promise):

- ``read/index.html``: the newest articles first, the categories, and the feeds to subscribe to
  (the same page is the site's home, ``index.html``: the podcast's link in the feeds);
- ``read/<slug>.html``: one article, its player and its text, sentence by sentence;
- ``read/chuyen-muc/<category>.html``: the articles of one category, newest first;
- ``embed/<slug>.html``: the player alone, for an ``<iframe>`` on the portal's own article.

The templates (``templates/*.html``) are rendered by Jinja2 with autoescaping on. The only
HTML assembled in Python is the article's text cut into sentences (``<span class="vr-s">``
carrying the start and end of its cue in the narration's WebVTT transcript, so the player
can highlight the sentence being spoken); it is built from escaped text and then cleaned by
nh3 with a strict allowlist, so portal text can never inject markup or a ``javascript:`` URL.

Every link inside the site is relative (``../audio/…``), so a site works wherever it is
served; only the feed addresses, which podcast apps need whole, are absolute. The bytes
depend only on the catalog and the audio files (no clock): an unchanged site is not
rewritten.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from vnreader.article import Article

if TYPE_CHECKING:
    from jinja2 import Environment
    from markupsafe import Markup

    from vnreader.config import Settings
    from vnreader.publishing.catalog import ArticleRow
    from vnreader.publishing.feed import FeedItem

__all__ = [
    "CATEGORY_DIR",
    "Cue",
    "SiteContext",
    "article_key",
    "embed_snippet",
    "read_chapters",
    "read_vtt",
    "render_article",
    "render_category",
    "render_embed",
    "render_index",
]

VIETNAM = timezone(timedelta(hours=7))

#: Category pages live under ``read/`` in this folder (a title can never produce a slug
#: with a slash, so they cannot collide with article pages).
CATEGORY_DIR = "chuyen-muc"

#: How many articles the index lists (the category pages list all of theirs).
INDEX_LIMIT = 60

#: The tags and attributes the sentence-level article HTML may contain (nh3 allowlist).
_ALLOWED_TAGS = {"span", "p", "h2", "figure", "figcaption", "img", "a", "abbr"}
_ALLOWED_ATTRIBUTES = {
    "span": {"class", "data-cue", "data-start", "data-end"},
    "abbr": {"title", "tabindex"},
    "img": {"src", "alt", "loading", "decoding", "width", "height"},
    "a": {"href"},
    "p": {"class"},
    "h2": {"class"},
    "figure": {"class"},
}


# --- the narration's transcript and chapters ------------------------------------------------


@dataclass(frozen=True)
class Cue:
    """One cue of a WebVTT transcript: a sentence and when it is spoken (seconds)."""

    ident: str
    start: float
    end: float
    text: str


_TIMING = re.compile(
    r"^\s*((?:\d+:)?\d{1,2}:\d{2}\.\d{3})\s+-->\s+((?:\d+:)?\d{1,2}:\d{2}\.\d{3})(?:\s|$)"
)


def _vtt_seconds(stamp: str) -> float:
    parts = [float(p) for p in stamp.split(":")]
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds


def read_vtt(path: Path) -> list[Cue]:
    """The cues of a WebVTT file (an unreadable or missing file has none)."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    cues: list[Cue] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = block.strip("\n").split("\n")
        for i, line in enumerate(lines):
            timing = _TIMING.match(line)
            if timing is None:
                continue
            ident = lines[i - 1].strip() if i > 0 else str(len(cues) + 1)
            body = html.unescape(" ".join(lines[i + 1 :]).strip())
            start, end = _vtt_seconds(timing[1]), _vtt_seconds(timing[2])
            if body and end > start:
                cues.append(Cue(ident, start, end, body))
            break
    return cues


def read_chapters(path: Path) -> list[tuple[float, str]]:
    """(start in seconds, title) of a JSON chapters file (Podcasting 2.0), in order."""
    try:
        data = json.loads(path.read_text("utf-8"))
        chapters = data["chapters"]
        return [(float(c["startTime"]), str(c["title"])) for c in chapters if c.get("title")]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        return []


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


class _Aligner:
    """Walks the cues in order, giving each displayed sentence the cue that says it.

    The page shows the same written sentences the narration's script read (the same
    sentence splitter), in the same order; the script also reads lines the page shows
    differently or not at all, so a sentence looks a few cues ahead before giving up.
    """

    LOOKAHEAD = 6

    def __init__(self, cues: Sequence[Cue]):
        self.cues = list(cues)
        self.pos = 0

    def match(self, sentence: str, *also: str) -> Cue | None:
        keys = {_key(sentence), *(_key(text) for text in also)}
        for j in range(self.pos, min(self.pos + self.LOOKAHEAD, len(self.cues))):
            if _key(self.cues[j].text) in keys:
                self.pos = j + 1
                return self.cues[j]
        return None


#: The normalizer's classes whose replacements are abbreviations the page shows expanded
#: (``<abbr title="Ban Chấp hành">BCH</abbr>``): the built-in list of abbreviations
#: (``normalizer/data/abbreviations.tsv``), ``BCH``, ``HĐND``, ``đ/c``, ``TP.HCM``, ``v.v.``.
#: Numbers, dates, units and codes are read, not expanded, so they stay plain text.
ABBREVIATION_CLASSES = frozenset({"abbreviations", "definitions"})


class Abbreviations:
    """Marks the abbreviations of a sentence as the narration expands them.

    Uses the same normalizer the narration uses (the portal's dialect and lexicons), so
    the ``title`` of each ``<abbr>`` is exactly what the voice says; a word the lexicon
    says differently is the lexicon's, not an abbreviation, and is left unmarked. One
    object reads one article, in order, as one document, as the narration does: an
    abbreviation the article defines ("Trung tâm … (TTPVHCC)") is marked where it is
    used later.
    """

    def __init__(
        self,
        dialect: str = "north",
        lexicon: Path | None = None,
        portal_lexicon: Path | None = None,
    ) -> None:
        self.dialect = dialect
        self.lexicons = (lexicon, portal_lexicon)
        self._normalizer: Any = None
        self._document: Any = None
        self._ready = False

    def _get(self) -> tuple[Any, Any]:
        if not self._ready:
            self._ready = True
            self._normalizer = _normalizer(
                self.dialect, tuple(_lexicon_stamp(path) for path in self.lexicons)
            )
            if self._normalizer is not None:
                self._document = self._normalizer.document()
        return self._normalizer, self._document

    def html(self, text: str) -> str:
        """``text`` escaped, each expanded abbreviation in a focusable ``<abbr title>``."""
        if not text:
            return ""
        normalizer, document = self._get()
        if normalizer is None or normalizer.prepare(text) != text:
            # Spans index the prepared text (NFC, no zero-width characters); the
            # extractor's text already is in that form, anything else stays unmarked.
            return html.escape(text, quote=False)
        out: list[str] = []
        pos = 0
        for rep in document.explain(text):
            if rep.cls not in ABBREVIATION_CLASSES or rep.start < pos or not rep.spoken:
                continue
            if rep.spoken.strip().casefold() == rep.written.strip().casefold():
                continue
            out.append(html.escape(text[pos : rep.start], quote=False))
            out.append(
                f'<abbr title="{html.escape(rep.spoken)}" tabindex="0">'
                f"{html.escape(text[rep.start : rep.end], quote=False)}</abbr>"
            )
            pos = rep.end
        out.append(html.escape(text[pos:], quote=False))
        return "".join(out)


def _lexicon_stamp(lexicon: Path | None) -> tuple[str | None, int]:
    if lexicon is None:
        return None, 0
    try:
        return str(lexicon), Path(lexicon).stat().st_mtime_ns
    except OSError:
        return str(lexicon), -1


@cache
def _normalizer(dialect: str, lexicons: tuple[tuple[str | None, int], ...]) -> Any:
    """One normalizer per dialect and lexicon files (each with its modification time)."""
    from vnreader.errors import VnreaderError
    from vnreader.normalizer import Normalizer
    from vnreader.normalizer.lexicon import load_lexicon

    try:
        words: dict[str, str] = {}
        for path, _ in lexicons:
            if path is not None:
                words.update(load_lexicon(path))
        return Normalizer(dialect=dialect, lexicon=words or None)
    except VnreaderError:
        # A lexicon that cannot be read fails the narration with its own message; the
        # pages then just show the text as written.
        return None


def lexicon_digest(lexicon: Path | None) -> str | None:
    """The lexicon file's content hash (pages change when it changes), None without one."""
    if lexicon is None:
        return None
    try:
        return hashlib.sha256(Path(lexicon).read_bytes()).hexdigest()
    except OSError:
        return "unreadable"


def _sentences_html(
    text: str,
    aligner: _Aligner,
    first_said_as: str | None = None,
    abbreviations: Abbreviations | None = None,
) -> str:
    """``text`` escaped, each sentence with a cue wrapped in ``<span class="vr-s">``.

    ``first_said_as`` formats the first sentence as the narration says it (a caption is
    read "Ảnh: …"), so that cue is found too. With ``abbreviations``, each abbreviation
    the narration expands is an ``<abbr title="…">`` inside its sentence.
    """
    from vnreader.normalizer import split_sentences

    parts: list[str] = []
    for n, sentence in enumerate(split_sentences(text)):
        said = first_said_as.format(caption=sentence.text) if first_said_as and n == 0 else None
        cue = aligner.match(sentence.text, *([said] if said else []))
        if abbreviations is not None:
            escaped = abbreviations.html(sentence.text)
        else:
            escaped = html.escape(sentence.text, quote=False)
        if cue is None:
            parts.append(escaped)
        else:
            parts.append(
                f'<span class="vr-s" data-cue="{html.escape(cue.ident)}" '
                f'data-start="{cue.start:.3f}" data-end="{cue.end:.3f}">{escaped}</span>'
            )
    return " ".join(parts)


def _caption_html(
    caption: str, aligner: _Aligner, said_as: str, abbreviations: Abbreviations | None = None
) -> str:
    """A caption shown whole; its credit ("… - Ảnh: Quang Vinh"), which the narration does
    not read, is left outside the highlighted sentences."""
    from vnreader.speech.script import strip_credit

    text = " ".join(caption.split())
    core = strip_credit(text)
    if core and core != text and text.startswith(core):
        rest = html.escape(text[len(core) :], quote=False)
        return _sentences_html(core, aligner, said_as, abbreviations) + rest
    return _sentences_html(text, aligner, said_as, abbreviations)


def _clean(fragment: str) -> Markup:
    """The fragment through nh3's allowlist, marked safe for the templates."""
    import nh3
    from markupsafe import Markup

    cleaned = nh3.clean(
        fragment,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return Markup(cleaned)  # cleaned by nh3 just above


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


# --- rendering -------------------------------------------------------------------------------


# --- the Content-Security-Policy ----------------------------------------------------------------

#: The reader's settings, applied in ``<head>`` before the page is drawn (no flash of the
#: wrong theme or size). Inline, so allowed by its hash in the policy.
PREFS_SCRIPT = (
    'try{var p=JSON.parse(localStorage.getItem("vnreader:prefs")||"{}"),'
    "d=document.documentElement;if(p.theme)d.dataset.theme=p.theme;"
    "if(p.spacing)d.dataset.spacing=p.spacing;if(p.measure)d.dataset.measure=p.measure;"
    'if(p.size)d.style.setProperty("--vr-scale",p.size/100)}catch(e){}'
)
#: The same for the embedded player (theme and size only; size capped at 200 %).
EMBED_PREFS_SCRIPT = (
    'try{var p=JSON.parse(localStorage.getItem("vnreader:prefs")||"{}"),'
    "d=document.documentElement;if(p.theme)d.dataset.theme=p.theme;"
    'if(p.size)d.style.setProperty("--vr-scale",Math.min(p.size,200)/100)}catch(e){}'
)


def script_hash(script: str) -> str:
    """``'sha256-…'``: the CSP source that allows exactly this inline script."""
    import base64

    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def content_security_policy(*inline_scripts: str) -> str:
    """The policy every page carries in ``<meta http-equiv="Content-Security-Policy">``.

    Only the site itself: scripts from the site's files (plus the named inline scripts, by
    hash), styles, images, fonts, audio and transcripts from the site; no plugins, no
    ``<base>``, no forms. A static site cannot send the header, and a ``<meta>`` policy
    cannot say ``frame-ancestors`` (the embed page is meant to be framed anyway).
    """
    scripts = " ".join(["'self'", *(script_hash(s) for s in inline_scripts)])
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src {scripts}",
            "style-src 'self'",
            "img-src 'self'",
            "font-src 'self'",
            "media-src 'self'",
            "connect-src 'self'",
            "manifest-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


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


@cache
def _code_fingerprint() -> str:
    """A hash of this module and the templates: a new vnreader renders every page again."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    folder = resources.files("vnreader.publishing").joinpath("templates")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
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
        _local_images(Article.from_dict(json.loads(row.article_json)), site),
        [s.owner_email, s.base_url],
        [row.slug, row.title, row.published, row.category, row.author, row.lead],
        hashlib.sha256(row.article_json.encode("utf-8")).hexdigest(),
        [n.file, n.vtt, n.chapters, n.bytes, n.duration_ms, n.content_hash] if n else None,
    ]
    blob = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _local_images(article: Article, site: SiteContext) -> list[tuple[str, tuple[str, int, int]]]:
    """The article's images that the site stores: (the image's src as written, stored)."""
    page_url = article.url if (article.url or "").startswith(("http://", "https://")) else None
    found = []
    for image in article.images:
        if not image.src:
            continue
        absolute = urljoin(page_url, image.src) if page_url else image.src
        stored = site.images.get(absolute)
        if stored is not None:
            found.append((image.src, stored))
    return found


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
    aligner = _Aligner(read_vtt(audio_dir / n.vtt))
    when = _local(row.published)
    abbr = Abbreviations(site.settings.dialect, site.settings.lexicon, site.settings.portal_lexicon)

    title_html = _clean(_sentences_html(row.title, aligner, None, abbr))
    date_text = date_line(when) if when else None
    date_cue = aligner.match(date_text) if date_text else None
    category_cue = None
    if row.category:
        category_line = script_settings().phrases["category"].format(category=row.category)
        category_cue = aligner.match(category_line)
    lead_html = _clean(_sentences_html(row.lead, aligner, None, abbr)) if row.lead else None

    said_as = script_settings().phrases["caption"]
    body: list[str] = []
    for block in article.blocks:
        tag = "h2" if block.kind == "heading" else "p"
        body.append(f"<{tag}>{_sentences_html(block.text, aligner, None, abbr)}</{tag}>")
    page_url = article.url if (article.url or "").startswith(("http://", "https://")) else None
    local = dict(_local_images(article, site))
    for image in article.images:
        stored = local.get(image.src or "")
        if stored is None and not image.caption:
            continue
        img = ""
        if stored is not None:
            # Served from the site (fetched at publish time): the page loads nothing from
            # the portal, and its size is known before it arrives. Its alt text is the
            # caption; a photo without one is decoration for the listener.
            file, width, height = stored
            alt = html.escape(" ".join((image.caption or "").split()))
            img = (
                f'<img src="{root}{html.escape(file)}" alt="{alt}" width="{width}" '
                f'height="{height}" loading="lazy" decoding="async">'
            )
        caption = (
            f"<figcaption>{_caption_html(image.caption, aligner, said_as, abbr)}</figcaption>"
            if image.caption
            else ""
        )
        body.append(f'<figure class="vr-figure">{img}{caption}</figure>')
    author_html = None
    if row.author:
        author_html = _clean(_sentences_html(author_line(row.author), aligner, None, abbr))

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
        body_html=_clean("\n".join(body)),
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
