"""Early reflections: a formant voice heard as if recorded in a small, dry room.

Recorded speech never reaches a microphone alone: the room's first reflections follow the
direct sound by a few milliseconds, colouring its spectrum with fine ripples and letting
each sound fade over a few tens of milliseconds instead of stopping dead. espeak-ng's
formant synthesizer has neither: its voice is computed, not recorded, and between words
it falls to digital silence. The ear fuses reflections arriving within the first 50 ms
or so with the direct sound (the precedence effect): they make a voice sound fuller and
do not blur it. Room acoustics counts that energy as *useful* for speech (the C50
clarity index); it is later energy, reverberation of several hundred milliseconds, that
smears syllables, above all for listeners with hearing loss.

:class:`Room` adds only that early part: the direct sound followed, from 2 ms on, by a
diffuse tail of noise decaying exponentially (amplitude time constant ``decay_ms``) whose
energy is ``level_db`` against the direct sound. With espeak-ng's voices in the room
vnreader gives them (20 ms, -6 dB: a reverberation time of 0.14 s, C50 about 28 dB, far
drier than rooms for listeners with hearing loss are built to be) the offline recognizer
of ``benchmarks/bench_intelligibility.py`` misheard clearly fewer words: docs/benchmarks.md,
issue 14, seventh pass. Why a recognizer trained on recordings hears a formant voice
better in a room is measured, not known; the room was kept to what the ear takes for the
voice itself.

The tail is not random from run to run: its noise comes from BLAKE2b of a fixed seed, so
a room is the same on every machine and numpy version, and the same input always comes
out the same (narration caches by a key, and the key names the room: :attr:`Room.label`).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from vnreader.errors import VnreaderError
from vnreader.speech.loudness import to_float, to_pcm16
from vnreader.speech.model import PCM

#: The first reflection arrives this long after the direct sound (a wall about 35 cm
#: further away than the mouth is from the microphone).
FIRST_REFLECTION_MS = 2.0
#: The tail is cut where its envelope has fallen by this many time constants (-43 dB).
TAIL_CONSTANTS = 5
#: The boundary of the early, useful energy in C50.
CLARITY_MS = 50.0
#: Gain applied after the reflections, so that a voice peaking at full scale (espeak-ng's
#: does) keeps a margin instead of clipping. Narration brings every article to its
#: loudness target afterwards, so a fixed gain changes nothing a listener hears.
HEADROOM_DB = -3.0

_MAX_DECAY_MS = 60.0
_LEVEL_DB = (-30.0, 0.0)
#: The largest sample 16-bit PCM holds, as a float (full scale = 1.0).
_FULL_SCALE = 32767 / 32768


@dataclass(frozen=True)
class Room:
    """Early reflections after the direct sound: a tail of ``decay_ms`` (amplitude time
    constant, 1-60 ms) with ``level_db`` of energy against the direct sound (-30 to 0).
    ``seed`` picks the tail's noise: one particular room of that size (rooms of the same
    size measure differently: docs/benchmarks.md)."""

    decay_ms: float
    level_db: float
    seed: int = 1

    def __post_init__(self) -> None:
        if not (1.0 <= self.decay_ms <= _MAX_DECAY_MS):
            raise VnreaderError(
                f"room decay {self.decay_ms} ms is out of range (1-{_MAX_DECAY_MS:.0f} ms: "
                "early reflections only)"
            )
        low, high = _LEVEL_DB
        if not (low <= self.level_db <= high):
            raise VnreaderError(
                f"room level {self.level_db} dB is out of range ({low:.0f} to {high:.0f} dB)"
            )

    @property
    def label(self) -> str:
        """What names this room in a cache key: every number that changes the sound."""
        return f"{self.decay_ms:g}ms{self.level_db:+g}dB-s{self.seed}"

    @property
    def reverberation_s(self) -> float:
        """The tail's reverberation time (RT60): 60 dB of decay."""
        return self.decay_ms / 1000 * 3 * math.log(10)

    def impulse_response(self, rate: int) -> npt.NDArray[np.float64]:
        """The room at ``rate`` Hz: 1.0 (the direct sound), then the tail."""
        return _impulse_response(self, rate).copy()

    def clarity_db(self, rate: int = 22050) -> float:
        """C50: energy in the first 50 ms against the energy after, in dB (higher: clearer;
        rooms for speech aim above 0 dB)."""
        squared = self.impulse_response(rate) ** 2
        boundary = round(rate * CLARITY_MS / 1000)
        late = float(squared[boundary:].sum())
        return math.inf if late == 0 else 10 * math.log10(float(squared[:boundary].sum()) / late)

    def apply(self, pcm: PCM) -> PCM:
        """``pcm`` heard in this room: the reflections added, the tail kept after the end
        where it is not silent, :data:`HEADROOM_DB` applied; never clipped (a louder
        result is scaled down)."""
        dry = to_float(pcm)
        if not dry.size:
            return pcm
        response = _impulse_response(self, pcm.rate)
        size = dry.size + response.size - 1
        fft_size = 1 << (size - 1).bit_length()
        spectrum = np.fft.rfft(dry, fft_size) * np.fft.rfft(response, fft_size)
        wet = np.fft.irfft(spectrum, fft_size)[:size]
        wet *= 10 ** (HEADROOM_DB / 20)
        peak = float(np.abs(wet).max())
        if peak > _FULL_SCALE:
            wet *= _FULL_SCALE / peak
        # The tail is kept only as far as it is heard (above half a 16-bit step): a voice
        # that ends in silence (espeak-ng's does) keeps its length.
        after = np.flatnonzero(np.abs(wet[dry.size :]) * 32768 >= 0.5)
        return PCM(to_pcm16(wet[: dry.size + (int(after[-1]) + 1 if after.size else 0)]), pcm.rate)


@lru_cache(maxsize=8)
def _impulse_response(room: Room, rate: int) -> npt.NDArray[np.float64]:
    decay = room.decay_ms / 1000
    start = round(rate * FIRST_REFLECTION_MS / 1000)
    size = start + math.ceil(rate * decay * TAIL_CONSTANTS)
    tail = _noise(room.seed, size) * np.exp(-np.arange(size) / rate / decay)
    tail[:start] = 0.0
    tail *= math.sqrt(10 ** (room.level_db / 10) / float((tail**2).sum()))
    tail[0] = 1.0
    tail.setflags(write=False)
    return tail


def _noise(seed: int, size: int) -> npt.NDArray[np.float64]:
    """``size`` values evenly spread over [-1, 1), the same on every machine and version:
    BLAKE2b of (seed, block number), read as unsigned 32-bit integers."""
    blocks = bytearray()
    counter = 0
    while len(blocks) < size * 4:
        blocks += hashlib.blake2b(f"vnreader-room/{seed}/{counter}".encode()).digest()
        counter += 1
    words = np.frombuffer(bytes(blocks[: size * 4]), dtype="<u4").astype(np.float64)
    return words / 2**31 - 1.0
