"""The embedded espeak-ng engine: real synthesis through the espeakng-loader wheel."""

from __future__ import annotations

import math
import resource
import statistics
import subprocess
import sys
import textwrap
import threading
from array import array
from pathlib import Path

import pytest

from vnreader.errors import VnreaderError
from vnreader.speech.engines import espeak
from vnreader.speech.engines.espeak import EspeakEngine
from vnreader.speech.model import PCM

SENTENCE = "Xin chào bà con, hôm nay trời đẹp."
LONGER = (
    "Xin chào bà con, hôm nay trời đẹp. Ủy ban nhân dân xã thông báo lịch tiêm chủng "
    "cho trẻ em vào sáng thứ hai tuần sau tại trạm y tế."
)
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def engine() -> EspeakEngine:
    return EspeakEngine()


def samples(pcm: PCM) -> array:
    values = array("h")
    values.frombytes(pcm.data)
    if sys.byteorder == "big":
        values.byteswap()
    return values


def rms(pcm: PCM) -> float:
    values = samples(pcm)
    return math.sqrt(sum(v * v for v in values) / len(values))


def test_library_loads_from_the_wheel() -> None:
    assert espeak.available()
    assert espeak.version().startswith("1.")


def test_vietnamese_text_gives_audible_16_bit_audio(engine: EspeakEngine) -> None:
    pcm = engine.synthesize(SENTENCE, voice="vi", rate=100)
    assert pcm.rate == engine.sample_rate == 22050
    assert len(pcm.data) % 2 == 0
    assert 1000 < pcm.duration_ms < 6000
    values = samples(pcm)
    assert max(abs(v) for v in values) > 3000
    assert rms(pcm) > 300


def test_longer_text_gives_longer_audio(engine: EspeakEngine) -> None:
    short = engine.synthesize(SENTENCE, voice="vi", rate=100)
    long = engine.synthesize(LONGER, voice="vi", rate=100)
    assert long.duration_ms > 2 * short.duration_ms


def test_faster_rate_gives_shorter_audio(engine: EspeakEngine) -> None:
    slow = engine.synthesize(SENTENCE, voice="vi", rate=75)
    normal = engine.synthesize(SENTENCE, voice="vi", rate=100)
    fast = engine.synthesize(SENTENCE, voice="vi", rate=150)
    assert slow.duration_ms > normal.duration_ms > fast.duration_ms
    # espeak's speed is close to proportional to words per minute.
    assert 1.6 < slow.duration_ms / fast.duration_ms < 2.4


def median_pitch_hz(pcm: PCM) -> float:
    """The median fundamental frequency of the loud 40 ms frames, by autocorrelation."""
    values = samples(pcm)
    # Averaged in fours (~5.5 kHz): enough for voice pitch, and 16 times less work.
    low = [sum(values[i : i + 4]) / 4 for i in range(0, len(values) - 4, 4)]
    rate = pcm.rate / 4
    size, shortest, longest = int(0.04 * rate), int(rate / 300), int(rate / 60)
    pitches = []
    for start in range(0, len(low) - size - longest, size):
        frame = low[start : start + size + longest]
        energy = sum(x * x for x in frame[:size])
        if energy < size * 500**2:
            continue  # silence or a consonant
        best, lag = max(
            (sum(frame[i] * frame[i + lag] for i in range(size)), lag)
            for lag in range(shortest, longest)
        )
        if best > 0.5 * energy:  # clearly periodic: a vowel
            pitches.append(rate / lag)
    assert len(pitches) > 20
    return statistics.median(pitches)


def test_dialect_voices_differ_from_the_northern_voice(engine: EspeakEngine) -> None:
    # espeak-ng's output is not bit-exact from call to call (its wave generator carries a
    # little state across calls), so voices are told apart by pitch: the southern and central
    # voice files set a lower, narrower pitch than the northern one.
    north = median_pitch_hz(engine.synthesize(LONGER, voice="north", rate=100))
    assert north == pytest.approx(
        median_pitch_hz(engine.synthesize(LONGER, voice="vi", rate=100)), rel=0.03
    )
    for dialect in ("south", "central"):
        other = engine.synthesize(LONGER, voice=dialect, rate=100)
        assert rms(other) > 300
        assert median_pitch_hz(other) < 0.9 * north


def test_friendly_names_and_espeak_names_are_the_same_voice(engine: EspeakEngine) -> None:
    assert espeak.resolve_voice("north") == espeak.resolve_voice("VI") == "vi"
    assert espeak.resolve_voice("south") == espeak.resolve_voice("vi-VN-x-south")
    assert espeak.resolve_voice("Central") == "vi-VN-x-central"
    assert engine.cache_key("north", 100) == engine.cache_key("vi", 100)
    assert set(engine.voices()) == set(espeak.VOICES)  # all three are in the wheel's data


def test_unknown_voice_and_bad_rate_are_clear_errors(engine: EspeakEngine) -> None:
    with pytest.raises(VnreaderError, match="unknown espeak voice 'en'"):
        engine.synthesize(SENTENCE, voice="en", rate=100)
    for rate in (0, 5, 1000):
        with pytest.raises(VnreaderError, match="out of range"):
            engine.synthesize(SENTENCE, voice="vi", rate=rate)
    with pytest.raises(VnreaderError, match="pitch"):
        EspeakEngine(pitch=200)
    with pytest.raises(VnreaderError):
        EspeakEngine("klingon")


def test_rate_mapping() -> None:
    assert espeak.rate_to_wpm(100) == espeak.BASE_WPM
    assert espeak.rate_to_wpm(150) == round(espeak.BASE_WPM * 1.5)
    assert espeak.rate_to_wpm(30) == espeak.MIN_WPM  # the library cannot go slower
    assert espeak.rate_to_wpm(400) == espeak.MAX_WPM


def test_empty_text_gives_empty_audio(engine: EspeakEngine) -> None:
    for text in ("", "   ", "\n\t", "\x00"):
        pcm = engine.synthesize(text, voice="vi", rate=100)
        assert pcm == PCM(b"", 22050)


def test_word_gap_and_pitch_change_the_sound_and_the_key() -> None:
    plain = EspeakEngine()
    spaced = EspeakEngine(word_gap=10)
    low = EspeakEngine(pitch=20)
    assert (
        spaced.synthesize(SENTENCE, voice="vi", rate=100).duration_ms
        > plain.synthesize(SENTENCE, voice="vi", rate=100).duration_ms + 500
    )
    keys = {e.cache_key("vi", 100) for e in (plain, spaced, low)}
    keys |= {plain.cache_key("vi", 120), plain.cache_key("south", 100)}
    assert len(keys) == 5
    assert all(key.startswith(f"espeak/{espeak.version()}/") for key in keys)


def test_pitch_range_and_variant_change_the_sound_and_the_key() -> None:
    import numpy as np

    def pitch_spread(engine: EspeakEngine) -> float:
        """How much the voiced pitch moves: spread of the pitch (autocorrelation peak,
        80-400 Hz) over the loud 40 ms frames. The middle half only: the northern voice
        file's breath noise makes a few frames' peaks jump an octave."""
        pcm = engine.synthesize(SENTENCE, voice="vi", rate=100)
        x = np.frombuffer(pcm.data, dtype="<i2").astype(float)
        size = 882
        frames = x[: len(x) // size * size].reshape(-1, size)
        pitches = []
        for frame in frames[np.abs(frames).max(axis=1) > 3000]:
            ac = np.correlate(frame, frame, mode="full")[size - 1 :]
            lag = 55 + int(np.argmax(ac[55:276]))
            pitches.append(22050 / lag)
        return float(np.percentile(pitches, 75) - np.percentile(pitches, 25))

    plain = EspeakEngine()
    flat = EspeakEngine(pitch_range=0)
    female = EspeakEngine(variant="f2")
    assert pitch_spread(flat) < pitch_spread(plain)
    a = female.synthesize(SENTENCE, voice="vi", rate=100)
    b = plain.synthesize(SENTENCE, voice="vi", rate=100)
    assert a.data != b.data
    keys = {e.cache_key("vi", 100) for e in (plain, flat, female)}
    assert len(keys) == 3
    # The library's own range names nothing new: chunks cached before it could be set count.
    assert EspeakEngine(room=False).cache_key("south", 100).endswith("/pitch=50/wordgap=2")
    # The northern voice's tuned defaults (docs/benchmarks.md) are in its key.
    # (and its voice file: tests/test_espeak_voicefile.py).
    assert "/pitch=60/wordgap=2/range=80/voicefile=" in plain.cache_key("vi", 100)
    assert (plain.pitch, plain.pitch_range) == (60, 80)
    assert "/wordgap=2/voicefile=" in EspeakEngine(pitch=50, pitch_range=50).cache_key("vi", 100)
    with pytest.raises(VnreaderError, match="pitch range"):
        EspeakEngine(pitch_range=101)
    with pytest.raises(VnreaderError, match="variant"):
        EspeakEngine(variant="../../etc/passwd")


def test_many_calls_in_a_row_neither_crash_nor_leak(engine: EspeakEngine) -> None:
    texts = [f"Câu số {n}, người dân đến nhận hồ sơ." for n in range(40)]
    for text in texts * 2:  # warm up allocations before measuring
        engine.synthesize(text, voice="vi", rate=100)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(5):
        for n, text in enumerate(texts):
            pcm = engine.synthesize(text, voice=("vi", "south", "central")[n % 3], rate=100)
            assert pcm.duration_ms > 500
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 50_000


def test_threads_share_the_library_safely(engine: EspeakEngine) -> None:
    results: dict[int, list[float]] = {}
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            voice = ("vi", "south")[n % 2]
            results[n] = [
                engine.synthesize(SENTENCE, voice=voice, rate=100).duration_ms for _ in range(8)
            ]
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    # Interleaved calls never mix voices or cut audio: each voice keeps its own length.
    for n, durations in results.items():
        assert max(durations) - min(durations) < 20, n


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_wrong_data_path_is_a_clean_error_not_an_exit(tmp_path: Path) -> None:
    # In a child process: the library starts once per process, and the C code's habit is
    # exit(1) on missing data, which would end pytest itself.
    result = run_python(
        f"""
        from vnreader.errors import VnreaderError
        from vnreader.speech.engines import espeak
        try:
            espeak.initialize(data_path={str(tmp_path / "nowhere")!r})
        except VnreaderError as exc:
            print("ERROR", exc)
        print("available", espeak.available())
        print("still running")
        """
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("ERROR espeak-ng data is incomplete at")
    assert "\n" not in lines[0]
    assert lines[1:] == ["available False", "still running"]


def test_an_unloadable_library_is_a_clean_error(tmp_path: Path) -> None:
    fake = tmp_path / "libespeak-ng.so"
    fake.write_bytes(b"not a shared library")
    result = run_python(
        f"""
        from vnreader.errors import VnreaderError
        from vnreader.speech.engines import espeak
        try:
            espeak.initialize(library_path={str(fake)!r})
        except VnreaderError as exc:
            print("ERROR", exc)
        try:
            espeak.EspeakEngine().synthesize("Xin chào", voice="vi", rate=100)
        except VnreaderError as exc:
            print("AGAIN", exc)
        """
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("ERROR espeak-ng cannot be loaded from")
    assert lines[1].startswith("AGAIN espeak-ng cannot be loaded from")  # remembered


def test_a_long_data_path_still_works(tmp_path: Path) -> None:
    # espeak-ng 1.52 truncates data paths longer than its 160-byte buffer.
    import espeakng_loader

    deep = tmp_path / ("d" * 60) / ("e" * 60) / ("f" * 60)
    deep.mkdir(parents=True)
    link = deep / "espeak-ng-data"
    link.symlink_to(espeakng_loader.get_data_path(), target_is_directory=True)
    result = run_python(
        f"""
        from vnreader.speech.engines import espeak
        espeak.initialize(data_path={str(link)!r})
        pcm = espeak.EspeakEngine().synthesize("Xin chào bà con", voice="south", rate=100)
        print(pcm.rate, pcm.duration_ms > 500)
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["22050", "True"]
