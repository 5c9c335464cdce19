"""The catalog's schema: its migrations, the rows it holds, and the names it gives.

:data:`MIGRATIONS` is the ordered list of steps from an empty file to the current schema
(``PRAGMA user_version`` counts those applied). The rows are what
:class:`~vnreader.publishing.catalog.Catalog`'s queries return; guids, slugs and the
catalog's path are decided here, once, so a rebuilt catalog gives the same ones.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

#: Where vnreader 0.1 kept the catalog, inside the output folder (moved out since).
CATALOG_RELPATH = Path(".vnreader") / "catalog.sqlite"

#: Namespace of article guids: UUIDv5(NAMESPACE_URL, source). Changing it would make every
#: podcast app download every episode again.
GUID_NAMESPACE = uuid.NAMESPACE_URL

#: Schema steps, in order; ``user_version`` = how many were applied. Append only.
MIGRATIONS: tuple[str, ...] = (
    # 1: articles and their narrations.
    """
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL UNIQUE,
        guid TEXT NOT NULL UNIQUE,
        content_hash TEXT NOT NULL,
        page_hash TEXT,
        slug TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        published TEXT,
        category TEXT,
        author TEXT,
        lead TEXT,
        article_json TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    CREATE TABLE narrations (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        engine TEXT NOT NULL,
        voice TEXT NOT NULL,
        rate INTEGER NOT NULL,
        file TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        content_hash TEXT NOT NULL,
        vtt TEXT NOT NULL,
        chapters TEXT NOT NULL
    );
    """,
    # 2: daily digest episodes.
    """
    CREATE TABLE digests (
        day TEXT PRIMARY KEY,
        guid TEXT NOT NULL UNIQUE,
        key TEXT NOT NULL,
        file TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        vtt TEXT NOT NULL,
        chapters TEXT NOT NULL
    );
    """,
    # 3: withdrawn articles, failures waiting for a retry, and the runs (vnreader status).
    """
    ALTER TABLE narrations ADD COLUMN fallback INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE withdrawals (
        source TEXT PRIMARY KEY,
        at TEXT NOT NULL,
        reason TEXT
    );
    CREATE TABLE failures (
        source TEXT PRIMARY KEY,
        reason TEXT NOT NULL,
        first_failed TEXT NOT NULL,
        last_failed TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        retry_after TEXT
    );
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        started TEXT NOT NULL,
        finished TEXT,
        seconds REAL,
        exit_code INTEGER,
        published INTEGER NOT NULL DEFAULT 0,
        updated INTEGER NOT NULL DEFAULT 0,
        unchanged INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        summary TEXT
    );
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)


def catalog_path(out_dir: Path, state_dir: Path | None = None, name: str | None = None) -> Path:
    """The catalog file of the site in ``out_dir`` (see :mod:`vnreader.publishing.layout`)."""
    from vnreader.publishing.layout import SiteState

    return SiteState.for_site(out_dir, state_dir, name).catalog


def article_guid(source: str) -> str:
    """The episode guid of an article: UUIDv5 of its source URL (or ``file:`` path)."""
    return str(uuid.uuid5(GUID_NAMESPACE, source))


_NOT_SLUG = re.compile(r"[^a-z0-9]+")
#: Longest slug; cut at a word boundary (file names and addresses stay readable).
SLUG_MAX = 80
#: Prefix reserved for the daily digest files (``audio/digest-YYYY-MM-DD…``).
_RESERVED = ("digest-",)


def slugify(title: str) -> str:
    """An ASCII slug of a Vietnamese title: "Hội nghị BCH" → ``hoi-nghi-bch`` (đ → d)."""
    text = unicodedata.normalize("NFD", title.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    slug = _NOT_SLUG.sub("-", text).strip("-")
    if len(slug) > SLUG_MAX:
        cut = slug[: SLUG_MAX + 1].rsplit("-", 1)[0]
        slug = (cut if len(cut) >= SLUG_MAX // 2 else slug[:SLUG_MAX]).strip("-")
    if not slug:
        return "bai-viet"
    if slug.startswith(_RESERVED):
        slug = "bai-" + slug
    return slug


def utc_now() -> str:
    """Now, UTC, to the second: catalog bookkeeping only, never written into outputs."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class NarrationRow:
    engine: str
    voice: str
    rate: int
    file: str
    bytes: int
    duration_ms: int
    content_hash: str
    vtt: str
    chapters: str
    #: Whether a fallback engine spoke some of it (narrated again when the engine works).
    fallback: bool = False


@dataclass(frozen=True)
class ArticleRow:
    id: int
    source: str
    guid: str
    content_hash: str
    page_hash: str | None
    slug: str
    title: str
    published: str | None
    category: str | None
    author: str | None
    lead: str | None
    article_json: str
    first_seen: str
    updated: str
    narration: NarrationRow | None


@dataclass(frozen=True)
class DigestRow:
    day: str
    guid: str
    key: str
    file: str
    bytes: int
    duration_ms: int
    vtt: str
    chapters: str


_ARTICLE_COLUMNS = (
    "a.id, a.source, a.guid, a.content_hash, a.page_hash, a.slug, a.title, a.published, "
    "a.category, a.author, a.lead, a.article_json, a.first_seen, a.updated, "
    "n.engine, n.voice, n.rate, n.file, n.bytes, n.duration_ms, n.content_hash, n.vtt, "
    "n.chapters, n.fallback"
)


def _article(row: tuple) -> ArticleRow:  # type: ignore[type-arg]
    narration = None
    if row[14] is not None:
        engine, voice, rate, file, size, duration, key, vtt, chapters, fallback = row[14:24]
        narration = NarrationRow(
            engine, voice, rate, file, size, duration, key, vtt, chapters, bool(fallback)
        )
    (id_, source, guid, content, page, slug, title, published, category, author, lead,
     article_json, first_seen, updated) = row[:14]  # fmt: skip
    return ArticleRow(
        id_, source, guid, content, page, slug, title, published, category, author, lead,
        article_json, first_seen, updated, narration=narration,
    )  # fmt: skip


@dataclass(frozen=True)
class FailureRow:
    source: str
    reason: str
    first_failed: str
    last_failed: str
    attempts: int
    retry_after: str | None


@dataclass(frozen=True)
class RunRow:
    id: int
    started: str
    finished: str | None
    seconds: float | None
    exit_code: int | None
    published: int
    updated: int
    unchanged: int
    failed: int
    summary: str | None
