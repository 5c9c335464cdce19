"""The chunk cache: content addressing, hit/miss counting, damaged files, atomic writes."""

from __future__ import annotations

import os
import threading
import wave
from pathlib import Path

import pytest

from vnreader.errors import VnreaderError
from vnreader.speech.cache import CacheStats, ChunkCache, chunk_digest
from vnreader.speech.engines.espeak import EspeakEngine
from vnreader.speech.model import PCM


class CountingEngine:
    """An engine whose audio encodes its input, counting the texts it was asked to speak."""

    name = "counting"

    def __init__(self, version: str = "1") -> None:
        self.version = version
        self.calls: list[str] = []

    def synthesize(self, text: str, *, voice: str, rate: int) -> PCM:
        self.calls.append(text)
        return PCM(f"{voice}|{rate}|{text}".encode().ljust(64, b"\0")[:64], 16000)

    def cache_key(self, voice: str, rate: int) -> str:
        return f"counting/{self.version}/{voice}/{rate}"


ARTICLE = [
    "Ủy ban nhân dân xã thông báo lịch tiêm chủng.",
    "Người dân mang theo sổ tiêm chủng.",
    "Trạm y tế mở cửa từ bảy giờ sáng.",
]


def files_under(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file())


def test_first_pass_misses_second_pass_hits(tmp_path: Path) -> None:
    cache, engine = ChunkCache(tmp_path), CountingEngine()
    first = [cache.synthesize(engine, text, voice="vi", rate=100) for text in ARTICLE]
    assert cache.stats() == CacheStats(hits=0, misses=3, stored=3)
    second = [cache.synthesize(engine, text, voice="vi", rate=100) for text in ARTICLE]
    assert second == first
    assert cache.stats() == CacheStats(hits=3, misses=3, stored=3)
    assert engine.calls == ARTICLE  # each sentence synthesized once


def test_an_edited_article_synthesizes_only_the_changed_sentence(tmp_path: Path) -> None:
    engine = CountingEngine()
    for text in ARTICLE:
        ChunkCache(tmp_path).synthesize(engine, text, voice="vi", rate=100)
    edited = [*ARTICLE]
    edited[1] = "Người dân nhớ mang theo sổ tiêm chủng và thẻ bảo hiểm."
    engine.calls.clear()
    cache = ChunkCache(tmp_path)  # a new run over the same folder
    for text in edited:
        cache.synthesize(engine, text, voice="vi", rate=100)
    assert engine.calls == [edited[1]]
    assert (cache.stats().hits, cache.stats().misses) == (2, 1)


def test_settings_and_engine_version_are_part_of_the_address(tmp_path: Path) -> None:
    cache, engine = ChunkCache(tmp_path), CountingEngine()
    cache.synthesize(engine, ARTICLE[0], voice="vi", rate=100)
    cache.synthesize(engine, ARTICLE[0], voice="vi", rate=120)
    cache.synthesize(engine, ARTICLE[0], voice="south", rate=100)
    cache.synthesize(CountingEngine(version="2"), ARTICLE[0], voice="vi", rate=100)
    assert cache.stats().misses == 4
    assert len(files_under(tmp_path)) == 4


def test_files_are_sharded_wavs_named_by_sha256(tmp_path: Path) -> None:
    cache = ChunkCache(tmp_path)
    pcm = PCM(b"\x01\x00\xff\x7f" * 10, 22050)
    path = cache.put("k", "văn bản", pcm)
    digest = chunk_digest("k", "văn bản")
    assert len(digest) == 64
    assert path == tmp_path / digest[:2] / f"{digest[2:]}.wav"
    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 22050)
        assert wav.readframes(wav.getnframes()) == pcm.data
    assert cache.get("k", "văn bản") == pcm
    assert cache.get("k", "van ban") is None  # the text, exactly, is the address
    with pytest.raises(ValueError):  # "a\nb" + "c" would be "a" + "b\nc"
        chunk_digest("a\nb", "c")


def test_empty_audio_round_trips(tmp_path: Path) -> None:
    cache = ChunkCache(tmp_path)
    cache.put("k", "", PCM(b"", 22050))
    assert cache.get("k", "") == PCM(b"", 22050)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",  # crashed before a byte reached the disk
        lambda data: data[:30],  # inside the header
        lambda data: data[: len(data) - 10],  # short of samples
        lambda data: b"ID3\x03not a wav at all" + data,  # something else entirely
    ],
)
def test_a_damaged_file_is_a_miss_and_is_rewritten(tmp_path: Path, damage) -> None:
    engine = CountingEngine()
    ChunkCache(tmp_path).synthesize(engine, ARTICLE[0], voice="vi", rate=100)
    [path] = files_under(tmp_path)
    good = path.read_bytes()
    path.write_bytes(damage(good))
    cache = ChunkCache(tmp_path)
    pcm = cache.synthesize(engine, ARTICLE[0], voice="vi", rate=100)
    assert cache.stats() == CacheStats(hits=0, misses=1, stored=1, corrupt=1)
    assert len(engine.calls) == 2
    assert path.read_bytes() == good
    assert cache.get(engine.cache_key("vi", 100), ARTICLE[0]) == pcm


def test_a_stereo_or_8_bit_file_is_not_taken_for_a_chunk(tmp_path: Path) -> None:
    cache = ChunkCache(tmp_path)
    path = cache.put("k", "t", PCM(b"\0\0" * 8, 8000))
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(b"\0\0" * 8)
    assert cache.get("k", "t") is None
    assert cache.stats().corrupt == 1
    assert not path.exists()


def test_writes_leave_no_temporary_files(tmp_path: Path) -> None:
    cache, engine = ChunkCache(tmp_path), CountingEngine()
    for text in ARTICLE * 2:
        cache.synthesize(engine, text, voice="vi", rate=100)
    names = [p.name for p in files_under(tmp_path)]
    assert len(names) == 3
    assert all(name.endswith(".wav") and not name.startswith(".") for name in names)


def test_a_failed_write_removes_its_temporary_file(tmp_path: Path, monkeypatch) -> None:
    cache = ChunkCache(tmp_path)

    def refuse(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(VnreaderError, match="No space left"):
        cache.put("k", "t", PCM(b"\0\0", 8000))
    assert files_under(tmp_path) == []


def test_an_unwritable_cache_does_not_stop_synthesis(tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    cache, engine = ChunkCache(blocker), CountingEngine()
    pcm = cache.synthesize(engine, ARTICLE[0], voice="vi", rate=100)
    assert pcm.data.startswith(b"vi|100|")
    assert cache.stats() == CacheStats(misses=1, write_errors=1)


def test_concurrent_writers_of_the_same_chunk(tmp_path: Path) -> None:
    cache, engine = ChunkCache(tmp_path), CountingEngine()
    threads = [
        threading.Thread(
            target=lambda: [cache.synthesize(engine, t, voice="vi", rate=100) for t in ARTICLE]
        )
        for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stats = cache.stats()
    assert stats.hits + stats.misses == 18
    assert len(files_under(tmp_path)) == 3  # no leftovers, one file per chunk
    assert all(cache.get(engine.cache_key("vi", 100), t) is not None for t in ARTICLE)


def test_with_the_real_espeak_engine(tmp_path: Path) -> None:
    engine = EspeakEngine()
    cache = ChunkCache(tmp_path)
    first = cache.synthesize(engine, "Xin chào bà con.", voice="south", rate=100)
    again = ChunkCache(tmp_path).synthesize(engine, "Xin chào bà con.", voice="south", rate=100)
    assert again == first  # bit-exact from the cache, though espeak itself is not
    assert first.rate == 22050 and first.duration_ms > 500
