"""The narration data model (frozen dataclasses), passed one way through the stages.

Article → :class:`Script` (script.py) → audio chunks per :class:`Utterance` (engines, cache)
→ :class:`Narration` (assemble.py: MP3 + WebVTT cues + chapters).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

SegmentKind = Literal[
    "title", "date", "category", "lead", "heading", "paragraph", "caption", "author"
]


@dataclass(frozen=True)
class Utterance:
    """One sentence: what the listener sees (``written``) and what the engine says."""

    written: str
    spoken: str


@dataclass(frozen=True)
class Segment:
    """A part of the article read as a unit, with the pause that follows it.

    ``chapter`` is set on the first segment of a chapter: the chapter's title.
    """

    kind: SegmentKind
    utterances: tuple[Utterance, ...]
    pause_after_ms: int
    chapter: str | None = None


@dataclass(frozen=True)
class Script:
    """What is said, in which order, with which pauses."""

    title: str
    segments: tuple[Segment, ...]
    sentence_pause_ms: int = 350
    language: str = "vi"


@dataclass(frozen=True)
class PCM:
    """Raw audio: signed 16-bit little-endian mono samples at ``rate`` Hz."""

    data: bytes
    rate: int

    @property
    def duration_ms(self) -> float:
        return len(self.data) / 2 / self.rate * 1000


@dataclass(frozen=True)
class Cue:
    """A WebVTT cue: a written sentence and when its spoken form plays (ms)."""

    start_ms: int
    end_ms: int
    text: str


@dataclass(frozen=True)
class Chapter:
    """A chapter of the narration (ms)."""

    start_ms: int
    end_ms: int
    title: str


@dataclass(frozen=True)
class Provenance:
    """Which engine made a narration's audio, so a catalog can record it and heal it later.

    ``engine``/``voice`` is the engine asked for; ``fallback`` the fallback engine (if one
    was given) and ``fallback_sentences`` how many sentences it spoke because the primary
    engine failed (``reason``: the primary's first error). A narration with
    ``fallback_sentences > 0`` is one to narrate again when the primary engine works.
    """

    engine: str
    voice: str
    rate: int = 100
    fallback: str | None = None
    fallback_voice: str | None = None
    sentences: int = 0
    fallback_sentences: int = 0
    reason: str | None = None

    @property
    def fell_back(self) -> bool:
        return self.fallback_sentences > 0

    @property
    def made_by(self) -> str:
        """``"edge"``, ``"espeak"`` (all by the fallback) or ``"edge+espeak"`` (mixed)."""
        if not self.fell_back or self.fallback is None:
            return self.engine
        if self.fallback_sentences >= self.sentences:
            return self.fallback
        return f"{self.engine}+{self.fallback}"


@dataclass(frozen=True)
class Narration:
    """The files written for one article and what they contain.

    ``provenance`` says which engine spoke it (None when assembled outside :func:`narrate`).
    """

    mp3: Path
    vtt: Path
    chapters_json: Path
    duration_ms: int
    cues: tuple[Cue, ...]
    chapters: tuple[Chapter, ...]
    provenance: Provenance | None = None

    @property
    def engine(self) -> str | None:
        """The engine that made the audio (see :attr:`Provenance.made_by`)."""
        return self.provenance.made_by if self.provenance else None

    @property
    def fell_back(self) -> bool:
        """Whether the fallback engine spoke any sentence (narrate again later to heal)."""
        return bool(self.provenance and self.provenance.fell_back)
