"""The speech engine interface: spoken text, a voice and a rate → raw audio."""

from __future__ import annotations

from typing import Protocol

from vnreader.errors import EngineError
from vnreader.speech.model import PCM

#: EngineError lives with every other exception in vnreader.errors; named here too, where
#: engines have always imported it from.
__all__ = ["Engine", "EngineError"]


class Engine(Protocol):
    """A speech engine. ``rate`` is a percentage of the engine's normal speed (100 = normal).

    ``name`` and ``cache_key(voice, rate)`` identify the engine's output for the chunk cache:
    two calls with the same key and text must sound the same.
    """

    name: str

    def synthesize(self, text: str, *, voice: str, rate: int) -> PCM: ...

    def cache_key(self, voice: str, rate: int) -> str: ...
