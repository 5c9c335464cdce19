"""The speech engine interface: spoken text, a voice and a rate → raw audio."""

from __future__ import annotations

from typing import Protocol

from vnreader.errors import VnreaderError
from vnreader.speech.model import PCM


class EngineError(VnreaderError):
    """An engine could not speak a sentence: offline, refused, rate-limited, garbage, silence.

    Narration with a fallback engine catches exactly this class: the sentence (and the rest
    of the article) goes to the fallback. Bad settings (an unknown voice, a rate out of range)
    are plain :class:`VnreaderError`: a fallback would not fix them.
    """


class Engine(Protocol):
    """A speech engine. ``rate`` is a percentage of the engine's normal speed (100 = normal).

    ``name`` and ``cache_key(voice, rate)`` identify the engine's output for the chunk cache:
    two calls with the same key and text must sound the same.
    """

    name: str

    def synthesize(self, text: str, *, voice: str, rate: int) -> PCM: ...

    def cache_key(self, voice: str, rate: int) -> str: ...
