"""Narration jobs: an article to narrate, narrated on a worker thread into ``OUT/audio``.

A job touches files only, never the catalog (the pipeline commits its result). A job whose
three files are already on disk under its key (a run killed after narrating but before
committing, or a rebuilt catalog) re-uses them instead of narrating again.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vnreader.config import Settings
from vnreader.publishing.catalog import Catalog, NarrationRow
from vnreader.publishing.changes import NarrationKeys, lexicon_of
from vnreader.publishing.layout import AUDIO_DIR

if TYPE_CHECKING:
    from vnreader.article import Article

__all__ = ["Job", "narrate_job", "ready_duration", "stale_jobs"]


@dataclass(frozen=True)
class Job:
    """An article to narrate, with what the catalog needs once its audio is done."""

    source: str
    article: Article
    stem: str  # the audio files' name: <slug>.<first digits of the key>
    key: str
    slug: str
    is_new: bool
    content_hash: str
    page_hash: str | None
    article_json: str


def narrate_job(
    job: Job,
    *,
    settings: Settings,
    voice: str,
    audio: Path,
    chunk_cache: Path,
    log: logging.Logger,
) -> tuple[NarrationRow, bool]:
    """Narrate ``job`` (or re-use its files); its catalog row, and whether audio was made.

    Audio the fallback engine spoke (some of it) is named ``<stem>-fb.*``: healing it later
    writes ``<stem>.*``, new files beside the ones the feeds point at, as for any edit.
    """
    from vnreader.speech.narrate import narrate

    s = settings
    mp3 = audio / f"{job.stem}.mp3"
    vtt = mp3.with_suffix(".vtt")
    chapters = mp3.with_suffix(".chapters.json")
    duration_ms = ready_duration(mp3, vtt, chapters)
    engine, fell_back = s.engine, False
    if duration_ms is None:
        result = narrate(
            job.article,
            mp3,
            engine=s.engine,
            voice=voice,
            rate=s.rate,
            pitch=s.pitch,
            dialect=s.dialect,
            cache_dir=chunk_cache,
            portal_name=s.portal_name,
            gtts_tld=s.gtts_tld,
            fallback=s.fallback,
            lexicon=lexicon_of(s) or None,
        )
        duration_ms = result.duration_ms
        made = True
        if result.fell_back:
            fell_back = True
            engine = result.engine or s.engine
            mp3, vtt, chapters = _set_aside_as_fallback(mp3, vtt, chapters)
            log.warning(
                "%s: narrated by the fallback engine %s (%s failed); it will be narrated "
                "again when %s works",
                job.source,
                s.fallback,
                s.engine,
                s.engine,
            )
    else:
        made = False
        log.info("re-using %s/%s", AUDIO_DIR, mp3.name)
    row = NarrationRow(
        engine=engine,
        voice=voice,
        rate=s.rate,
        file=mp3.name,
        bytes=mp3.stat().st_size,
        duration_ms=int(duration_ms),
        content_hash=job.key,
        vtt=vtt.name,
        chapters=chapters.name,
        fallback=fell_back,
    )
    return row, made


def _set_aside_as_fallback(mp3: Path, vtt: Path, chapters: Path) -> tuple[Path, Path, Path]:
    """Rename a fallback narration's files to ``<stem>-fb.*`` (the MP3 last, as narrate does)."""
    stem = mp3.name.removesuffix(".mp3") + "-fb"
    targets = (
        mp3.with_name(f"{stem}.mp3"),
        mp3.with_name(f"{stem}.vtt"),
        mp3.with_name(f"{stem}.chapters.json"),
    )
    for source, target in ((vtt, targets[1]), (chapters, targets[2]), (mp3, targets[0])):
        source.replace(target)
    return targets


def stale_jobs(catalog: Catalog, keys: NarrationKeys, skip: set[str]) -> list[Job]:
    """Catalog articles (but ``skip``) whose audio is missing or made under other settings.

    They are narrated again from the article the catalog keeps, without fetching: a
    restored article, an article after a change of voice, or audio someone deleted.
    """
    from vnreader.article import Article

    jobs = []
    for row in catalog.articles():
        if row.source in skip or keys.is_current(row):
            continue
        key = keys.key(row.content_hash, row.article_json)
        jobs.append(
            Job(
                source=row.source,
                article=Article.from_dict(json.loads(row.article_json)),
                stem=f"{row.slug}.{key[:10]}",
                key=key,
                slug=row.slug,
                is_new=False,
                content_hash=row.content_hash,
                page_hash=row.page_hash,
                article_json=row.article_json,
            )
        )
    return jobs


def ready_duration(mp3: Path, vtt: Path, chapters: Path) -> int | None:
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
