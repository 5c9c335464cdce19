"""The daily digest: one episode joining a day's narrations, a chapter per article.

Each narration MP3 is decoded (the bundled ffmpeg, :mod:`vnreader.speech.audio`) to PCM at
the narrations' rate, the parts are put end to end in the given order with
:data:`PAUSE_MS` of silence between two articles, and the whole is encoded ONCE with the
narration's own settings and loudness chain (:mod:`vnreader.speech.assemble`: 44.1 kHz mono
64 kbps CBR MP3, two-pass loudnorm to -16 LUFS, true peak <= -1 dBTP). The parts are already
at -16 LUFS, so the gain is about 0 dB and the loudness stays; measuring again costs little
and guards against the peaks that a second MP3 generation adds.

Chapters: one per article, titled with the article's title, from the article's first sample
to the next article's (the pause belongs to the article before it), the last to the end. They
go into the ID3 tag (CHAP/CTOC, :mod:`vnreader.speech.tags`) and into the Podcasting 2.0 JSON
chapters (:mod:`vnreader.speech.formats`). The WebVTT transcript is the articles' cues, each
shifted by its article's start.

Files: ``OUT.mp3``, ``OUT.vtt``, ``OUT.chapters.json``, written atomically (MP3 last) and only
when their bytes changed. Deterministic: the same parts give the same bytes (ffmpeg's
filters and LAME are deterministic for the same input and build; tests/test_digest.py
checks it).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import cast

from vnreader.errors import InputError, VnreaderError
from vnreader.publishing.atomic import write_atomic
from vnreader.speech import audio
from vnreader.speech.assemble import MP3_RATE, encode_normalized, sidecar_paths
from vnreader.speech.formats import json_chapters, webvtt
from vnreader.speech.model import PCM, Chapter, Cue
from vnreader.speech.tags import Tags, write_tags

__all__ = ["PAUSE_MS", "Digest", "DigestPart", "build_digest", "digest_tags", "digest_title"]

#: Silence between two articles: long enough to hear that one ended, short enough to keep on.
PAUSE_MS = 1500


@dataclass(frozen=True)
class DigestPart:
    """One article's narration: its title (the chapter's) and its files.

    ``duration_ms`` is what the catalog recorded; the digest measures the decoded audio
    itself. ``chapters_json`` is not needed (the digest has one chapter per article).
    """

    title: str
    mp3: Path
    duration_ms: int
    vtt: Path | None = None
    chapters_json: Path | None = None


@dataclass(frozen=True)
class Digest:
    """The files written for one day and what they contain."""

    mp3: Path
    vtt: Path
    chapters_json: Path
    duration_ms: int
    bytes: int
    chapters: tuple[Chapter, ...]
    cues: tuple[Cue, ...]


def digest_title(day: date) -> str:
    """The episode's title: "Bản tin ngày 05/05/2024" (the day's bulletin)."""
    return f"Bản tin ngày {day:%d/%m/%Y}"


def digest_tags(day: date, portal_name: str, *, cover: Path | None = None) -> Tags:
    """ID3 tags for the digest of ``day``: title, the portal as artist and album, the date."""
    return Tags(
        title=digest_title(day),
        artist=portal_name,
        album=portal_name,
        date=day.isoformat(),
        cover=cover,
    )


_TIMING = re.compile(
    r"^(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})\s+-->\s+(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})"
)


def _ms(h: str | None, m: str, s: str, f: str) -> int:
    return ((int(h or 0) * 60 + int(m)) * 60 + int(s)) * 1000 + int(f)


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def read_vtt(path: Path) -> list[Cue]:
    """The cues of a WebVTT file (as vnreader writes them: timing line, then text lines)."""
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read the transcript {path}: {exc.strerror or exc}") from None
    if not lines or not lines[0].startswith("WEBVTT"):
        raise InputError(f"not a WebVTT file: {path}")
    cues: list[Cue] = []
    i = 0
    while i < len(lines):
        match = _TIMING.match(lines[i].strip())
        i += 1
        if not match:
            continue
        g = match.groups()
        text: list[str] = []
        while i < len(lines) and lines[i].strip():
            text.append(lines[i].strip())
            i += 1
        start, end = _ms(*g[:4]), _ms(*g[4:])
        if end > start and text:
            cues.append(Cue(start, end, _unescape(" ".join(text))))
    return cues


def _decode(part: DigestPart) -> PCM:
    if not Path(part.mp3).is_file():
        raise InputError(f"the narration of {part.title!r} is missing: {part.mp3}")
    return audio.decode_file(Path(part.mp3), MP3_RATE)


def build_digest(
    day: date,
    parts: Sequence[DigestPart],
    out_mp3: Path,
    *,
    tags: Tags,
    pause_ms: int = PAUSE_MS,
) -> Digest:
    """Join ``parts`` (in order) into ``out_mp3`` + ``.vtt`` + ``.chapters.json``.

    ``tags`` are the digest's ID3 tags (see :func:`digest_tags`); a tag without a date gets
    ``day``. Raises :class:`VnreaderError` when there is nothing to join or a part's file is
    missing or unreadable.
    """
    if not parts:
        raise VnreaderError(f"no narrations to join for {day.isoformat()}")
    out_mp3 = Path(out_mp3)
    vtt_path, json_path = sidecar_paths(out_mp3)
    if tags.date is None:
        tags = Tags(
            title=tags.title,
            artist=tags.artist,
            album=tags.album,
            date=day.isoformat(),
            language=tags.language,
            cover=tags.cover,
            comment=tags.comment,
        )

    rate = MP3_RATE
    silence = bytes(2 * (rate * max(0, pause_ms) // 1000))
    out = bytearray()
    starts: list[tuple[int, str]] = []  # (sample, title)
    cues: list[Cue] = []
    for part in parts:
        pcm = _decode(part)
        if not pcm.data:
            continue  # a part with no sound adds no chapter and no pause
        if out:
            out += silence
        begin = len(out) // 2
        offset_ms = round(begin * 1000 / rate)
        out += pcm.data
        end_ms = round(len(out) // 2 * 1000 / rate)
        starts.append((begin, part.title))
        if part.vtt is not None:
            for cue in read_vtt(Path(part.vtt)):
                start = min(cue.start_ms + offset_ms, end_ms)
                stop = min(cue.end_ms + offset_ms, end_ms)
                if stop > start:
                    cues.append(Cue(start, stop, cue.text))
    if not out:
        raise VnreaderError(f"the narrations of {day.isoformat()} are all silent")
    total = len(out) // 2
    duration_ms = round(total * 1000 / rate)
    chapters = tuple(
        Chapter(
            round(sample * 1000 / rate),
            round((starts[i + 1][0] if i + 1 < len(starts) else total) * 1000 / rate),
            title,
        )
        for i, (sample, title) in enumerate(starts)
    )

    try:
        out_mp3.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=out_mp3.parent, prefix=f".{out_mp3.name}.", suffix=".part")
        os.close(fd)
    except OSError as exc:
        raise VnreaderError(f"cannot write the digest {out_mp3}: {exc.strerror or exc}") from None
    tmp = Path(name)
    try:
        # The joined audio is handed over as it is: a bytearray is read like bytes (ffmpeg
        # gets it through a pipe), and a copy would double what a long day's digest needs.
        encode_normalized(PCM(cast(bytes, out), rate), tmp)
        del out
        write_tags(tmp, tags, chapters, duration_ms=duration_ms)
        data = tmp.read_bytes()
    except OSError as exc:
        raise VnreaderError(f"cannot write the digest {out_mp3}: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)

    write_atomic(vtt_path, webvtt(cues).encode("utf-8"))
    write_atomic(
        json_path,
        json_chapters(
            chapters, title=tags.title, podcast_name=tags.artist, file_name=out_mp3.name
        ).encode("utf-8"),
    )
    # The MP3 last: whoever finds it finds its transcript and chapters beside it.
    write_atomic(out_mp3, data)
    return Digest(
        mp3=out_mp3,
        vtt=vtt_path,
        chapters_json=json_path,
        duration_ms=duration_ms,
        bytes=len(data),
        chapters=chapters,
        cues=tuple(cues),
    )
