"""The chunk cache: synthesized sentences kept on disk, addressed by what they contain.

A chunk's file name is the SHA-256 of the engine's ``cache_key(voice, rate)``, a newline and
the spoken text, so an edited article re-synthesizes only the sentences that changed, and a
new engine version, voice, speed or pitch never reuses old audio. Files are plain WAV (16-bit
mono, via the standard :mod:`wave` module), readable by any audio tool, in two-level folders
(``ab/cdef….wav``) so that no folder grows huge.

Writes go to a temporary file in the same folder and are moved into place with
:func:`os.replace`, so a reader never sees half a file and concurrent writers of the same chunk
simply replace each other with equal content. Nothing is fsynced: a file damaged by a crash is
found unreadable or short on the next read and treated as a miss, then written again.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import threading
import wave
from dataclasses import dataclass
from pathlib import Path

from vnreader.errors import VnreaderError
from vnreader.speech.engines.base import Engine
from vnreader.speech.model import PCM

_SUFFIX = ".wav"
_TEMP_PREFIX = ".tmp-"


@dataclass(frozen=True)
class CacheStats:
    """What one :class:`ChunkCache` did: lookups found (hits) or not (misses), files stored,
    files found damaged (also counted as misses) and stores that failed."""

    hits: int = 0
    misses: int = 0
    stored: int = 0
    corrupt: int = 0
    write_errors: int = 0


def chunk_digest(key: str, text: str) -> str:
    """The hex SHA-256 that names the chunk of ``text`` spoken with engine settings ``key``."""
    if "\n" in key:
        # The newline separates key from text: one inside the key would make two different
        # (key, text) pairs share an address.
        raise ValueError(f"a cache key may not contain a newline: {key!r}")
    return hashlib.sha256(f"{key}\n{text}".encode()).hexdigest()


class ChunkCache:
    """Content-addressed audio chunks under ``directory`` (created on first store).

    One instance may be shared by threads; its counters are per instance, so a fresh
    instance per narration shows what that narration reused.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._lock = threading.Lock()
        self._counts = {name: 0 for name in CacheStats.__dataclass_fields__}

    def _count(self, name: str) -> None:
        with self._lock:
            self._counts[name] += 1

    def stats(self) -> CacheStats:
        """The counters so far."""
        with self._lock:
            return CacheStats(**self._counts)

    def path_for(self, key: str, text: str) -> Path:
        """Where the chunk of (``key``, ``text``) is stored: ``DIR/ab/cdef….wav``."""
        digest = chunk_digest(key, text)
        return self.directory / digest[:2] / (digest[2:] + _SUFFIX)

    def get(self, key: str, text: str) -> PCM | None:
        """The stored chunk, or None (a miss) when absent or unreadable."""
        path = self.path_for(key, text)
        try:
            content = path.read_bytes()
        except OSError:
            # Absent, or unreadable (a permission, a file where a folder should be): a miss.
            self._count("misses")
            return None
        try:
            pcm = _parse_wav(content)
        except (EOFError, wave.Error, ValueError):
            # Damaged (truncated, overwritten, not a chunk): a miss; removed so the next store
            # starts clean. Removal is best effort: the store replaces it anyway.
            self._count("corrupt")
            self._count("misses")
            try:
                path.unlink()
            except OSError:
                pass
            return None
        self._count("hits")
        return pcm

    def put(self, key: str, text: str, pcm: PCM) -> Path:
        """Store ``pcm`` as the chunk of (``key``, ``text``), atomically; returns its path."""
        if pcm.rate <= 0 or len(pcm.data) % 2:
            raise ValueError(f"not 16-bit PCM: {len(pcm.data)} bytes at {pcm.rate} Hz")
        path = self.path_for(key, text)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp_name = tempfile.mkstemp(
                prefix=_TEMP_PREFIX, suffix=_SUFFIX, dir=path.parent
            )
        except OSError as exc:
            raise VnreaderError(
                f"cannot write to the audio cache {self.directory}: {exc}"
            ) from None
        try:
            with os.fdopen(handle, "wb") as raw, wave.open(raw, "wb") as out:
                out.setnchannels(1)
                out.setsampwidth(2)
                out.setframerate(pcm.rate)
                out.writeframes(pcm.data)
            os.replace(temp_name, path)
        except BaseException as exc:
            try:
                os.unlink(temp_name)
            except OSError:
                pass
            if isinstance(exc, OSError):
                raise VnreaderError(
                    f"cannot write to the audio cache {self.directory}: {exc}"
                ) from None
            raise
        self._count("stored")
        return path

    def synthesize(self, engine: Engine, text: str, *, voice: str, rate: int) -> PCM:
        """The chunk from the cache, else from ``engine`` (then stored).

        A failed store (disk full, read-only cache) does not fail the narration: the audio is
        returned and the failure counted in :attr:`CacheStats.write_errors`.
        """
        key = engine.cache_key(voice, rate)
        cached = self.get(key, text)
        if cached is not None:
            return cached
        pcm = engine.synthesize(text, voice=voice, rate=rate)
        try:
            self.put(key, text, pcm)
        except VnreaderError:
            self._count("write_errors")
        return pcm


def _parse_wav(content: bytes) -> PCM:
    """A chunk file's bytes → PCM; ValueError when they are not what :meth:`put` writes."""
    with wave.open(io.BytesIO(content), "rb") as wav:
        if wav.getnchannels() != 1 or wav.getsampwidth() != 2 or wav.getframerate() <= 0:
            raise ValueError("not 16-bit mono audio")
        frames = wav.getnframes()
        data = wav.readframes(frames)
        rate = wav.getframerate()
    if len(data) != frames * 2:
        raise ValueError(f"truncated ({len(data)} of {frames * 2} bytes)")
    return PCM(data, rate)
