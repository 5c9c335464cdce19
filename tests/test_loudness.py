"""The numpy loudness meter, limiter and MP3 joining that assembly relies on, checked against
ffmpeg's own ebur128 meter and decoder."""

from __future__ import annotations

import numpy as np
import pytest
from mutagen.mp3 import MP3

from vnreader.speech import audio, loudness, mp3frames
from vnreader.speech.model import PCM

RATE = 44100


def voice(seconds: float, seed: int = 3) -> np.ndarray:
    """Speech-like test audio: harmonic syllables with pauses and a few sharp clicks."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    f0 = 120 + 30 * np.sin(2 * np.pi * 0.7 * t)
    phase = 2 * np.pi * np.cumsum(f0) / RATE
    tone = sum(np.sin(k * phase) / k for k in range(1, 12))
    envelope = np.clip(np.sin(2 * np.pi * 2.5 * t), 0, None) ** 2
    out = 0.12 * tone * envelope
    for at in rng.integers(0, n - 50, size=int(seconds * 3)):
        out[at : at + 20] += rng.choice([-0.9, 0.9]) * np.hanning(20)  # plosive-like clicks
    out[: RATE // 10] = 0
    out[-RATE // 10 :] = 0
    return out


def test_integrated_loudness_agrees_with_ffmpeg() -> None:
    for scale in (1.0, 0.25):
        x = voice(8.0) * scale
        length = -(-len(x) // mp3frames.FRAME) * mp3frames.FRAME
        mine = loudness.integrated_lufs(loudness.micro_energies(x, RATE, length))
        theirs = audio.measure_pcm(PCM(loudness.to_pcm16(x), RATE)).integrated_lufs
        assert mine == pytest.approx(theirs, abs=0.15)


def test_silence_has_no_loudness() -> None:
    assert loudness.integrated_lufs(np.zeros(500)) == -np.inf


def test_true_peak_agrees_with_ffmpeg_and_exceeds_the_sample_peak() -> None:
    n = RATE
    t = np.arange(n)
    x = 0.7 * np.sin(2 * np.pi * (RATE / 4) * t / RATE + np.pi / 4)  # samples miss the crests
    x[:100] = x[-100:] = 0
    mine = loudness.peak_dbtp(float(loudness.true_peaks(x).max()))
    theirs = audio.measure_pcm(PCM(loudness.to_pcm16(x), RATE)).true_peak_dbtp
    assert loudness.peak_dbtp(float(np.abs(x).max())) < mine - 2.5
    assert mine == pytest.approx(theirs, abs=0.3)


def test_resampling_keeps_duration_and_pitch() -> None:
    rate = 22050
    t = np.arange(rate) / rate
    x = np.sin(2 * np.pi * 440 * t) * np.hanning(rate)
    y = loudness.resample(x, rate, RATE)
    assert len(y) == 2 * rate
    spectrum = np.abs(np.fft.rfft(y))
    assert np.fft.rfftfreq(len(y), 1 / RATE)[spectrum.argmax()] == pytest.approx(440, abs=2)
    z = loudness.resample(x, rate, 24000)
    assert len(z) == -(-rate * 24000 // rate)


def test_the_limiter_holds_true_peaks_under_the_ceiling() -> None:
    x = voice(4.0)
    length = -(-len(x) // mp3frames.FRAME) * mp3frames.FRAME
    analysis = loudness.analyse(x, RATE, length)
    gain, ceiling = 12.0, -2.0
    reductions = loudness.limiter_gains(analysis.group_peaks, gain, ceiling)
    y = loudness.to_float(PCM(loudness.gained_pcm16(x, reductions, gain), RATE))
    assert reductions.min() < 0.5  # it had work to do
    assert loudness.peak_dbtp(float(loudness.true_peaks(y).max())) <= ceiling + 0.05
    # Its estimate of the loudness that results is what the audio measures.
    estimate = loudness.integrated_lufs(loudness.limited_energies(analysis, reductions, gain))
    measured = loudness.integrated_lufs(loudness.micro_energies(y, RATE, length))
    assert estimate == pytest.approx(measured, abs=0.1)
    # Unlimited parts keep the plain gain.
    quiet = np.flatnonzero(reductions == 1.0)
    assert len(quiet) > len(reductions) // 4


def test_an_analysis_survives_packing() -> None:
    x = voice(1.0)
    length = -(-len(x) // mp3frames.FRAME) * mp3frames.FRAME
    analysis = loudness.analyse(x, RATE, length)
    again = loudness.Analysis.unpack(analysis.pack(), length)
    assert again is not None and np.array_equal(again.group_peaks, analysis.group_peaks)
    assert loudness.Analysis.unpack(analysis.pack()[:-8], length) is None


def test_crc_combines_like_one_pass() -> None:
    rng = np.random.default_rng(5)
    a, b = rng.bytes(777), rng.bytes(4099)
    assert mp3frames.crc16(b"123456789") == 0xBB3D  # CRC-16/ARC check value
    assert mp3frames.crc16_combine(mp3frames.crc16(a), mp3frames.crc16(b), len(b)) == (
        mp3frames.crc16(a + b)
    )


def test_pieces_encoded_apart_play_as_one_gapless_stream(tmp_path) -> None:
    """Two pieces of k×1152 samples give k+1 frames each; joined under one Info frame they
    decode to exactly the intended length, each piece where the layout puts it."""
    frame = mp3frames.FRAME
    first, second = voice(1.0, seed=1)[: 30 * frame], voice(1.5, seed=2)[: 50 * frame]
    parts = [
        audio.encode_mp3_frames(loudness.to_pcm16(p), rate=RATE, bitrate_kbps=64)
        for p in (first, second)
    ]
    assert [mp3frames.count_frames(p) for p in parts] == [31, 51]
    stream = b"".join(parts)
    total = 31 * frame + len(second)  # the second piece starts one frame after the first ends
    padding = 82 * frame - mp3frames.ENCODER_DELAY - total
    info = mp3frames.info_frame(stream[:4], 82, stream, padding=padding)
    path = tmp_path / "joined.mp3"
    path.write_bytes(info + stream)
    decoded = loudness.to_float(audio.decode_file(path))
    assert len(decoded) == total
    expected = np.zeros(total)
    expected[: len(first)] = first
    expected[31 * frame :] = second
    error = decoded - expected
    snr = 10 * np.log10(np.sum(expected**2) / np.sum(error**2))
    assert snr > 10  # MP3 at 64 kbit/s, in place to the sample (misplaced would be < 0 dB)
    assert MP3(path).info.length == pytest.approx(total / RATE, abs=0.001)
