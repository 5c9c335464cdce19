"""Early reflections (vnreader.speech.room) and the espeak engine that adds them."""

from __future__ import annotations

import hashlib
import math

import numpy as np
import pytest

from vnreader.errors import VnreaderError
from vnreader.speech.engines.espeak import TUNED_ROOMS, EspeakEngine
from vnreader.speech.model import PCM
from vnreader.speech.room import FIRST_REFLECTION_MS, HEADROOM_DB, Room, _noise

RATE = 22050


def pcm_of(values: np.ndarray, rate: int = RATE) -> PCM:
    return PCM(np.rint(values).astype("<i2").tobytes(), rate)


def values_of(pcm: PCM) -> np.ndarray:
    return np.frombuffer(pcm.data, dtype="<i2").astype(np.float64)


def test_the_response_is_the_direct_sound_then_a_tail_of_the_asked_energy() -> None:
    for decay, level in ((20, -6), (25, -9), (5, -20)):
        response = Room(decay, level).impulse_response(RATE)
        start = round(RATE * FIRST_REFLECTION_MS / 1000)
        assert response[0] == 1.0
        assert not response[1:start].any()
        tail_db = 10 * math.log10(float((response[1:] ** 2).sum()))
        assert tail_db == pytest.approx(level, abs=1e-9)
        # The tail decays: each 10 ms holds less energy than the 10 ms before it.
        step = RATE // 100
        energies = [
            float((response[i : i + step] ** 2).sum()) for i in range(start, 4 * step, step)
        ]
        assert energies == sorted(energies, reverse=True)


def test_the_room_is_early_reflections_only() -> None:
    room = Room(20, -6)
    assert room.reverberation_s == pytest.approx(0.138, abs=0.001)
    assert room.clarity_db() > 25  # C50: almost all energy within 50 ms
    assert len(room.impulse_response(RATE)) < RATE * 0.11
    # A longer, stronger tail is less clear, as rooms are.
    assert Room(50, 0).clarity_db() < room.clarity_db() - 10


def test_the_same_room_is_the_same_sound_on_every_machine() -> None:
    """The tail's noise is BLAKE2b of the seed, not a generator whose stream may change
    between numpy versions: cached audio stays valid as long as the label does."""
    response = Room(20, -6).impulse_response(RATE)
    again = Room(20, -6).impulse_response(RATE)
    assert np.array_equal(response, again)
    noise = _noise(14, 1000)
    assert hashlib.sha256(noise.tobytes()).hexdigest()[:16] == "c9148138cdfd28f5"
    assert -1 <= noise.min() < -0.95 and 0.95 < noise.max() < 1
    other = Room(20, -6, seed=15).impulse_response(RATE)
    assert not np.array_equal(response, other)
    assert Room(20, -6).label != Room(20, -6, seed=15).label != Room(20, -9).label


def test_an_impulse_comes_back_as_the_response_with_the_headroom() -> None:
    room = Room(20, -6)
    impulse = np.zeros(100)
    impulse[10] = 10000
    heard = values_of(room.apply(pcm_of(impulse)))
    response = room.impulse_response(RATE)
    # The output ends where the response does (the silence after it is not kept).
    assert len(heard) == 10 + len(response)
    expected = np.zeros(len(heard))
    expected[10 : 10 + len(response)] = 10000 * response * 10 ** (HEADROOM_DB / 20)
    assert np.abs(heard - expected).max() <= 1.0


def test_silence_stays_silence_and_nothing_stays_nothing() -> None:
    room = Room(20, -6)
    assert room.apply(PCM(b"", RATE)).data == b""
    quiet = values_of(room.apply(pcm_of(np.zeros(500))))
    assert not quiet.any()


def test_a_full_scale_voice_is_never_clipped() -> None:
    square = np.where(np.sin(np.arange(RATE) * 2 * np.pi * 150 / RATE) >= 0, 32767, -32768)
    heard = values_of(Room(20, 0).apply(pcm_of(square)))
    assert np.abs(heard).max() <= 32767
    assert np.abs(heard).max() > 20000  # scaled down only as far as needed


def test_a_sound_that_stops_dead_fades_over_the_tail() -> None:
    """A voice that ends abruptly keeps its fade (the tail after the last sample), and
    one that ends in silence keeps its length."""
    t = np.arange(RATE // 5) / RATE
    burst = 10000 * np.sin(2 * np.pi * 220 * t)
    room = Room(20, -6)
    faded = values_of(room.apply(pcm_of(burst)))
    assert len(faded) > len(burst) + RATE * 0.05
    tail = faded[len(burst) :]
    step = RATE // 50  # 20 ms
    first, last = np.abs(tail[:step]).mean(), np.abs(tail[-step:]).mean()
    assert first > 10 * last > 0
    padded = np.concatenate([burst, np.zeros(RATE // 5)])
    assert len(values_of(room.apply(pcm_of(padded)))) == len(padded)


def test_rooms_out_of_range_are_clear_errors() -> None:
    for decay, level in ((0, -6), (200, -6), (20, 3), (20, -60)):
        with pytest.raises(VnreaderError, match="room"):
            Room(decay, level)
    with pytest.raises(VnreaderError, match="room"):
        EspeakEngine(room="big")  # type: ignore[arg-type]


def test_every_voice_is_heard_in_the_room_and_the_key_says_so() -> None:
    tuned = EspeakEngine()
    dry = EspeakEngine(room=False)
    other = EspeakEngine(room=Room(25, -9))
    assert tuned.room_for("vi") == TUNED_ROOMS["vi"] == Room(20, -6, seed=1)
    # Every voice is heard in the same room: it is not a matter of dialect.
    assert tuned.room_for("vi-VN-x-south") == tuned.room_for("vi-VN-x-central") == Room(20, -6)
    assert other.room_for("vi-VN-x-south") == Room(25, -9)
    assert dry.room_for("vi") is None and dry.room_for("vi-VN-x-south") is None
    keys = [engine.cache_key("vi", 100) for engine in (tuned, dry, other)]
    assert keys[0].endswith(f"/room={TUNED_ROOMS['vi'].label}")
    assert "/room=" not in keys[1]
    assert len(set(keys)) == 3
    assert tuned.cache_key("south", 100).endswith("/room=20ms-6dB-s1")
    assert "/room=" not in dry.cache_key("south", 100)


def test_espeak_speaks_through_the_room() -> None:
    text = "Dân số của xã là mười hai nghìn người."
    dry = values_of(EspeakEngine(room=False).synthesize(text))
    wet = values_of(EspeakEngine().synthesize(text))
    # At most the tail is added (the call-to-call flutter of espeak-ng's pitch moves its
    # length by a few samples).
    tail = len(TUNED_ROOMS["vi"].impulse_response(22050))
    assert abs(len(wet) - len(dry)) < tail
    # 3 dB of headroom, and the tail's 6 dB of energy: the level is within a dB or two.
    level = 20 * math.log10(np.sqrt((wet**2).mean()) / np.sqrt((dry**2).mean()))
    assert -3.5 < level < 0.5
    # The gaps between words are no longer digital silence right after each word.
    assert np.count_nonzero(wet == 0) < np.count_nonzero(dry == 0) * 0.8
