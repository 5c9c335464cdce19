"""ID3v2.4 tags of the narration MP3 (mutagen): who, what, when, and the chapters.

Frames: TIT2 title, TPE1 artist (the portal's name), TALB album, TDRC date, TLAN language
(ISO 639-2, "vie"), TLEN length, COMM comment, APIC front cover; CHAP frames ``ch0``…``chN``
(start/end in ms, a TIT2 sub-frame each) and one CTOC ``toc`` (top-level, ordered) listing
them, as the ID3v2 Chapter Frame Addendum 1.0 describes. Text is UTF-8 (ID3v2.4 allows it).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    TALB,
    TDRC,
    TIT2,
    TLAN,
    TLEN,
    TPE1,
    CTOCFlags,
    Encoding,
    PictureType,
)

from vnreader.errors import InputError
from vnreader.speech.model import Chapter

TOC_ID = "toc"


@dataclass(frozen=True)
class Tags:
    """What the MP3 says about itself. ``date`` is ISO 8601 (``2024-05-01`` or with a time);
    ``cover`` a JPEG or PNG file; ``language`` an ISO 639-2 code."""

    title: str
    artist: str
    album: str
    date: str | None
    language: str = "vie"
    cover: Path | None = None
    comment: str | None = None


def chapter_id(index: int) -> str:
    """The element id of the ``index``-th chapter (``ch0``, ``ch1``…)."""
    return f"ch{index}"


_DATE_RE = re.compile(r"^(\d{4})(-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?)?)?")


def id3_date(value: str) -> str:
    """An ISO 8601 date or date-time as an ID3v2.4 timestamp (``yyyy-MM-ddTHH:mm:ss``).

    ID3 timestamps have no time zone nor fractions: they are dropped (the date is meant as
    the publisher's local time, which is how the portal shows it).
    """
    match = _DATE_RE.match(value.strip())
    if not match:
        raise InputError(f"not an ISO 8601 date: {value!r}")
    return match.group(0).replace(" ", "T")


def _image_mime(data: bytes, path: Path) -> str:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    raise InputError(f"cover image is neither JPEG nor PNG: {path}")


def build_tags(tags: Tags, chapters: Sequence[Chapter], *, duration_ms: int | None) -> ID3:
    """The ID3 tag for ``tags`` and ``chapters`` (not yet written anywhere)."""
    utf8 = Encoding.UTF8
    id3 = ID3()
    id3.add(TIT2(encoding=utf8, text=[tags.title]))
    id3.add(TPE1(encoding=utf8, text=[tags.artist]))
    id3.add(TALB(encoding=utf8, text=[tags.album]))
    if tags.date:
        id3.add(TDRC(encoding=utf8, text=[id3_date(tags.date)]))
    id3.add(TLAN(encoding=utf8, text=[tags.language]))
    if duration_ms is not None:
        id3.add(TLEN(encoding=utf8, text=[str(int(duration_ms))]))
    if tags.comment:
        id3.add(COMM(encoding=utf8, lang=tags.language, desc="", text=[tags.comment]))
    if tags.cover is not None:
        try:
            data = Path(tags.cover).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read the cover image {tags.cover}: {exc}") from exc
        id3.add(
            APIC(
                encoding=utf8,
                mime=_image_mime(data, Path(tags.cover)),
                type=PictureType.COVER_FRONT,
                desc="",
                data=data,
            )
        )
    if chapters:
        ordered = sorted(chapters, key=lambda ch: ch.start_ms)
        ids = [chapter_id(i) for i in range(len(ordered))]
        # The table of contents comes first: some players read chapters only through it.
        id3.add(
            CTOC(
                element_id=TOC_ID,
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[TIT2(encoding=utf8, text=[tags.title])],
            )
        )
        for element_id, ch in zip(ids, ordered, strict=True):
            id3.add(
                CHAP(
                    element_id=element_id,
                    start_time=int(ch.start_ms),
                    end_time=int(ch.end_ms),
                    sub_frames=[TIT2(encoding=utf8, text=[ch.title])],
                )
            )
    return id3


def write_tags(
    mp3: Path, tags: Tags, chapters: Sequence[Chapter], *, duration_ms: int | None = None
) -> None:
    """Write (replace) the ID3v2.4 tag of ``mp3``; no ID3v1 tag (it cannot hold Vietnamese)."""
    build_tags(tags, chapters, duration_ms=duration_ms).save(str(mp3), v1=0, v2_version=4)
