"""The narration's transcript and chapters as the pages read them: the WebVTT cues, the
JSON chapters, and the :class:`Aligner` that gives each displayed sentence its cue."""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Aligner", "Cue", "read_chapters", "read_vtt"]


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


class Aligner:
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
