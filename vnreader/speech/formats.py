"""Text companions of the MP3: a WebVTT transcript and Podcasting 2.0 JSON chapters.

WebVTT (W3C): ``WEBVTT`` then one cue per spoken sentence, ``HH:MM:SS.mmm --> HH:MM:SS.mmm``
and the sentence as written (what a reader with some sight follows on screen). JSON chapters:
the Podcasting 2.0 format 1.2.0 (podcast-namespace ``chapters/jsonChapters.md``) that podcast
apps load from ``<podcast:chapters type="application/json+chapters">``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from vnreader.speech.model import Chapter, Cue

JSON_CHAPTERS_VERSION = "1.2.0"
JSON_CHAPTERS_TYPE = "application/json+chapters"


def vtt_timestamp(ms: int) -> str:
    """``HH:MM:SS.mmm``; the hours are always written so every cue lines up."""
    if ms < 0:
        raise ValueError(f"negative time: {ms} ms")
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def _vtt_escape(text: str) -> str:
    # Cue text is a tiny markup language: & < > must be escaped. A blank line would end the
    # cue and "-->" would read as timing, so the text is kept on one line.
    text = " ".join(text.split())
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webvtt(cues: Sequence[Cue]) -> str:
    """A WebVTT file: header, then the cues in order, each with a numeric identifier."""
    parts = ["WEBVTT", ""]
    for number, cue in enumerate(cues, start=1):
        if cue.end_ms <= cue.start_ms:
            raise ValueError(f"cue {number} ends before it starts: {cue}")
        parts += [
            str(number),
            f"{vtt_timestamp(cue.start_ms)} --> {vtt_timestamp(cue.end_ms)}",
            _vtt_escape(cue.text),
            "",
        ]
    return "\n".join(parts)


def _seconds(ms: int) -> float | int:
    # Whole seconds stay integers (as the spec's examples); others keep millisecond precision.
    return ms // 1000 if ms % 1000 == 0 else round(ms / 1000, 3)


def json_chapters(
    chapters: Sequence[Chapter],
    *,
    title: str | None = None,
    podcast_name: str | None = None,
    author: str | None = None,
    file_name: str | None = None,
) -> str:
    """A Podcasting 2.0 JSON chapters document (version 1.2.0), chapters by ascending start.

    Each chapter has ``startTime``, ``endTime`` (optional in the spec; given because it is
    known exactly) and ``title``; the episode's title, podcast name, author and audio file
    name are added when known.
    """
    doc: dict[str, object] = {"version": JSON_CHAPTERS_VERSION}
    for key, value in (
        ("title", title),
        ("podcastName", podcast_name),
        ("author", author),
        ("fileName", file_name),
    ):
        if value:
            doc[key] = value
    doc["chapters"] = [
        {"startTime": _seconds(ch.start_ms), "endTime": _seconds(ch.end_ms), "title": ch.title}
        for ch in sorted(chapters, key=lambda ch: ch.start_ms)
    ]
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
