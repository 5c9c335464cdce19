"""Loudness and MP3 encoding piece by piece, so that an edited article costs about what
its changed sentences cost.

A **piece** is one spoken sentence as the encoder gets it: its sound (resampled to 44.1 kHz)
and the silence after it, a whole number of MP3 frames (1152 samples). Each piece is
analysed once (loudness.py: BS.1770 K-weighted energy per 6.5 ms, and the true peaks the
limiter needs); the gain that brings the whole, after a true-peak limiter at -2 dBTP, to -16
LUFS (plus the half LU that 64 kbit/s MP3 coding takes) is computed from those figures alone.
Each piece is then limited and encoded by itself, and the frames joined under one Info/LAME
header (mp3frames.py) that gives players the exact start and end. The encoded pieces are
decoded and measured as they play; when the MP3 is off -16 LUFS by more than 0.5 LU or its
true peak is over -1 dBTP, the aim is corrected and the pieces encoded again. With a piece
cache, each piece's analysis, MP3 frames (per gain) and measurement are kept, and a gain kept
from before is reused when within 0.25 dB of the exact one; so an edit analyses, encodes and
measures only the changed sentences. assemble.py lays the pieces out and writes the files.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vnreader.cachefile import write_cache_file
from vnreader.errors import VnreaderError
from vnreader.speech import audio, loudness, mp3frames
from vnreader.speech.model import PCM, Chapter, Cue
from vnreader.speech.mp3frames import FRAME

if TYPE_CHECKING:
    from vnreader.speech.loudness import Floats

log = logging.getLogger(__name__)

# MP3: what podcast apps and spoken-word feeds expect. 44.1 kHz (some players and
# directories mishandle other rates), mono, 64 kbps CBR (constant bitrate keeps seeking
# exact in every player; speech needs no more).
MP3_RATE = 44100
MP3_BITRATE_KBPS = 64
TARGET_LUFS = audio.TARGET_LUFS
MAX_TRUE_PEAK_DBTP = audio.MAX_TRUE_PEAK_DBTP
#: How far off -16 LUFS a finished MP3 may be before it is encoded again.
LOUDNESS_TOLERANCE_LU = 0.5

# Piece by piece (assemble): the limiter's true-peak ceiling before MP3 coding, which adds a
# few tenths of a dB of overshoot; the gain grid; the loudness rounds and their tolerance.
PIECE_CEILING_DBTP = -2.0
GAIN_STEP_DB = 0.1
_PIECE_ROUNDS = 8
_PIECE_TOLERANCE_LU = 0.03
_MAX_GAIN_DB = 40.0
#: What 64 kbit/s MP3 coding takes from speech's loudness (measured: 0.4-0.6 LU).
_MP3_LOSS_LU = 0.5
#: Samples of MP3 decoded per ffmpeg run when measuring encoded pieces (~23 s).
_DECODE_BATCH = 1_000_000
#: A gain kept from an earlier narration is reused when within this of the exact one, so
#: that an edit that moves the loudness a little re-encodes only what changed.
_REUSE_WITHIN_DB = 0.25
#: Bumped whenever the same piece would give other loudness data or MP3 frames.
PIECE_FORMAT = 1


@dataclass(frozen=True)
class Piece:
    """One spoken sentence as the encoder gets it: its sound, then silence.

    ``sound`` is the trimmed chunk at its own rate; ``length`` its length at the MP3 rate;
    ``span`` the samples handed to the encoder (the sound, then silence), a whole number of
    MP3 frames; ``key`` the SHA-256 naming everything the piece's audio is made from.
    In the MP3, each piece occupies ``span + FRAME`` samples (the joint adds one frame).
    """

    sound: PCM
    length: int
    span: int
    key: str

    @property
    def slot(self) -> int:
        return self.span + FRAME


@dataclass(frozen=True)
class Layout:
    """The narration before loudness and encoding: its pieces, cues and chapters."""

    pieces: tuple[Piece, ...]
    cues: tuple[Cue, ...]
    chapters: tuple[Chapter, ...]
    #: Samples (at the MP3 rate) from the first sound's start to the last sound's end.
    total: int

    @property
    def duration_ms(self) -> int:
        return round(self.total * 1000 / MP3_RATE)

    @property
    def rate(self) -> int:
        return MP3_RATE

    def render(self) -> PCM:
        """The whole narration as PCM at the MP3 rate, before loudness (for measurement)."""
        import numpy as np

        out = np.zeros(sum(p.slot for p in self.pieces))
        at = 0
        for piece in self.pieces:
            out[at : at + piece.length] = _samples(piece)
            at += piece.slot
        return PCM(loudness.to_pcm16(out[: self.total]), MP3_RATE)


@functools.cache
def _settings() -> str:
    """Everything besides a piece's sound that its loudness data and MP3 frames depend on."""
    exe = Path(audio.ffmpeg_exe())
    try:
        binary = f"{exe.name}:{exe.stat().st_size}"
    except OSError:
        binary = exe.name
    return (
        f"vnreader-piece/{PIECE_FORMAT}/{binary}/rate={MP3_RATE}/kbps={MP3_BITRATE_KBPS}"
        f"/ceiling={PIECE_CEILING_DBTP}/micro={loudness.MICRO}/gainstep={GAIN_STEP_DB}"
    )


def encoding_key() -> str:
    """Everything besides the pieces that an MP3 assembled from them depends on."""
    return (
        f"{_settings()}/lufs={TARGET_LUFS}"
        f"/tp={MAX_TRUE_PEAK_DBTP}/rounds={_PIECE_ROUNDS}/tol={_PIECE_TOLERANCE_LU}"
    )


def make_piece(sound: PCM, span: int, length: int) -> Piece:
    """The piece of ``sound`` (``length`` samples at the MP3 rate) in ``span`` samples."""
    digest = hashlib.sha256(f"{_settings()}/{sound.rate}/{length}/{span}\n".encode())
    digest.update(sound.data)
    return Piece(sound, length, span, digest.hexdigest())


# --- loudness and encoding, piece by piece ----------------------------------------------


def _samples(piece: Piece) -> Floats:
    """The piece's sound as float samples at the MP3 rate."""
    x = loudness.to_float(piece.sound)
    if piece.sound.rate != MP3_RATE:
        x = loudness.resample(x, piece.sound.rate, MP3_RATE)
    return x[: piece.length]


class _Store:
    """What is kept per piece between narrations (under ``folder``; nothing when None):
    ``KEY.raw.npy`` its K-weighted micro-block energies, ``KEY.gGAIN.npy`` the same after
    gain and limiter, ``KEY.gGAIN.mp3`` its MP3 frames and their CRC. Files are written to
    a temporary name and renamed; a damaged or missing one is computed again."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = Path(folder) if folder is not None else None
        self.hits = self.misses = 0

    def _path(self, key: str, name: str) -> Path | None:
        return None if self.folder is None else self.folder / key[:2] / f"{key[2:]}.{name}"

    def has(self, key: str, name: str) -> bool:
        path = self._path(key, name)
        return path is not None and path.is_file()

    def read(self, key: str, name: str) -> bytes | None:
        path = self._path(key, name)
        if path is None:
            return None
        try:
            data = path.read_bytes()
        except OSError:
            self.misses += 1
            return None
        self.hits += 1
        return data

    def write(self, key: str, name: str, data: bytes) -> None:
        path = self._path(key, name)
        if path is None:
            return
        try:
            write_cache_file(path, data)
        except OSError as exc:
            log.warning("cannot keep loudness data in %s: %s", self.folder, exc)

    def energies(self, key: str, name: str, blocks: int) -> Floats | None:
        import numpy as np

        data = self.read(key, name)
        if data is None or len(data) != 8 * blocks:
            return None
        return np.frombuffer(data, dtype="<f8")


def _gain_name(gain_db: float, ceiling_dbtp: float) -> str:
    return f"g{round(gain_db * 100):+d}c{round(ceiling_dbtp * 100):+d}"


def _on_grid(exact: float, ceiling: float, store: _Store, pieces: Sequence[Piece]) -> float:
    """The gain to use for ``exact`` dB: a multiple of GAIN_STEP_DB, preferring one within
    _REUSE_WITHIN_DB whose MP3 frames are kept for most pieces (so an edit that moves the
    loudness a little reuses every unchanged piece) over the nearest."""
    exact = min(_MAX_GAIN_DB, exact)
    nearest = round(round(exact / GAIN_STEP_DB) * GAIN_STEP_DB, 2)
    if store.folder is None or not pieces:
        return nearest

    def kept(gain: float) -> bool:
        name = _gain_name(gain, ceiling) + ".mp3"
        return sum(store.has(p.key, name) for p in pieces) * 2 > len(pieces)

    if not kept(nearest):
        steps = round(_REUSE_WITHIN_DB / GAIN_STEP_DB)
        near = [round(nearest + k * GAIN_STEP_DB, 2) for k in range(-steps, steps + 1) if k]
        for grid in sorted(near, key=lambda g: abs(g - exact)):
            if abs(grid - exact) <= _REUSE_WITHIN_DB and kept(grid):
                return grid
    return nearest


def _analysis(piece: Piece, store: _Store) -> loudness.Analysis:
    """The piece's loudness analysis: kept, or computed (and kept)."""
    data = store.read(piece.key, "a.npy")
    if data is not None:
        kept = loudness.Analysis.unpack(data, piece.slot)
        if kept is not None:
            return kept
    analysis = loudness.analyse(_samples(piece), MP3_RATE, piece.slot)
    store.write(piece.key, "a.npy", analysis.pack())
    return analysis


def _loudness_at(analyses: Sequence[loudness.Analysis], gain: float, ceiling: float) -> float:
    """The integrated loudness of all pieces after the gain and the limiter."""
    import numpy as np

    parts = [
        loudness.limited_energies(a, loudness.limiter_gains(a.group_peaks, gain, ceiling), gain)
        for a in analyses
    ]
    return loudness.integrated_lufs(np.concatenate(parts))


def _gain_for(
    analyses: Sequence[loudness.Analysis], aim: float, raw: float, ceiling: float
) -> float:
    """The gain that brings the limited pieces to ``aim`` LUFS (secant steps: the limiter
    makes loudness grow slower than the gain)."""
    gain = aim - raw
    before: tuple[float, float] | None = None
    for step in range(_PIECE_ROUNDS):
        measured = _loudness_at(analyses, gain, ceiling)
        log.debug("loudness round %d: gain %+.2f dB → %.2f LUFS", step + 1, gain, measured)
        off = aim - measured
        if abs(off) <= _PIECE_TOLERANCE_LU or gain >= _MAX_GAIN_DB:
            break
        slope = 1.0
        if before is not None and abs(gain - before[0]) > 1e-6:
            slope = min(1.0, max(0.1, (measured - before[1]) / (gain - before[0])))
        before = (gain, measured)
        gain = min(_MAX_GAIN_DB, gain + off / slope)
    return gain


def _frames(
    piece: Piece, gain_db: float, ceiling: float, store: _Store
) -> tuple[bytes, int] | None:
    """The piece's kept MP3 frames at this gain and their CRC-16, or None."""
    kept = store.read(piece.key, _gain_name(gain_db, ceiling) + ".mp3")
    if kept is None or len(kept) < 6:
        return None
    frames = kept[2:]
    # Written whole and renamed into place: a cheap check catches a cut or foreign file
    # (every frame is the same size or one byte more: 208 or 209 at 64 kbps, 44.1 kHz).
    count = piece.slot // FRAME
    size = 144 * MP3_BITRATE_KBPS * 1000 // MP3_RATE
    if frames[:2] != b"\xff\xfb" or not count * size <= len(frames) <= count * (size + 1):
        return None
    return frames, int.from_bytes(kept[:2], "big")


def _encode(
    piece: Piece, analysis: loudness.Analysis, gain_db: float, ceiling: float, store: _Store
) -> tuple[bytes, int]:
    reductions = loudness.limiter_gains(analysis.group_peaks, gain_db, ceiling)
    pcm = loudness.gained_pcm16(_samples(piece), reductions, gain_db)
    pcm += bytes(2 * piece.span - len(pcm))
    frames = audio.encode_mp3_frames(pcm, rate=MP3_RATE, bitrate_kbps=MP3_BITRATE_KBPS)
    if not _whole(frames, piece):
        raise VnreaderError(
            "the MP3 encoder did not give one frame more than the samples it was given"
        )
    crc = mp3frames.crc16(frames)
    store.write(piece.key, _gain_name(gain_db, ceiling) + ".mp3", crc.to_bytes(2, "big") + frames)
    return frames, crc


def _whole(frames: bytes, piece: Piece) -> bool:
    try:
        return mp3frames.count_frames(frames) == piece.slot // FRAME
    except VnreaderError:
        return False


def _decoded_stats(
    pieces: Sequence[Piece], frames: Sequence[bytes], new: set[int], name: str, store: _Store
) -> list[Floats]:
    """Per piece, as the MP3 plays it: ``[true peak, micro-block energies...]``.

    Kept ones are read; the others (and those encoded now, ``new``) are decoded in one
    ffmpeg run (their frames end to end; each piece's sound starts 1105 samples into its
    frames, and its slot is read from there).
    """
    import numpy as np

    out: list[Floats | None] = []
    for i, piece in enumerate(pieces):
        kept = (
            None if i in new else store.energies(piece.key, name, 1 + piece.slot // loudness.MICRO)
        )
        out.append(kept)
    missing = [i for i, stats in enumerate(out) if stats is None]
    delay = mp3frames.ENCODER_DELAY + mp3frames.DECODER_DELAY
    while missing:
        # A few pieces per ffmpeg run: the decoded audio of a whole article at once would
        # cost more memory than the rest of the narration.
        batch = [missing.pop(0)]
        while missing and sum(pieces[i].slot for i in batch) < _DECODE_BATCH:
            batch.append(missing.pop(0))
        decoded = audio.decode_bytes(b"".join(frames[i] for i in batch), MP3_RATE)
        at = 0
        for i in batch:
            piece = pieces[i]
            part = loudness.to_float(
                PCM(decoded.data[2 * (at + delay) : 2 * (at + delay + piece.slot)], MP3_RATE)
            )
            at += piece.slot
            energies = loudness.micro_energies(part, MP3_RATE, piece.slot)
            groups = piece.slot // loudness.GROUP
            peak = float(loudness.group_true_peaks(part, groups).max()) if len(part) else 0.0
            stats = np.concatenate([[peak], energies])
            store.write(piece.key, name, stats.astype("<f8").tobytes())
            out[i] = stats
    return [s for s in out if s is not None]


def encode_pieces(laid: Layout, out: Path, *, store_folder: Path | None = None) -> audio.Loudness:
    """Loudness-normalize the pieces together and write the MP3 (no tags) to ``out``.

    Gain: the one that brings the integrated loudness of all pieces (BS.1770, from their
    micro-block energies), after the limiter that holds true peaks under the ceiling, to
    TARGET_LUFS plus what MP3 coding is expected to take (_MP3_LOSS_LU); it is computed
    from each piece's :class:`~vnreader.speech.loudness.Analysis`, then put on a grid of
    GAIN_STEP_DB so that kept MP3 frames can be reused. The encoded pieces are measured as
    they play (decoded); when the MP3 is off target by more than LOUDNESS_TOLERANCE_LU or
    its true peak is over MAX_TRUE_PEAK_DBTP, the aim is corrected and the pieces encoded
    once more. Returns the MP3's loudness and true peak (the range is not measured: 0).
    """
    import numpy as np

    store = _Store(store_folder)
    pieces = laid.pieces
    analyses = [_analysis(p, store) for p in pieces]
    raw_lufs = loudness.integrated_lufs(np.concatenate([a.k_energies for a in analyses]))
    aim, ceiling = TARGET_LUFS + _MP3_LOSS_LU, PIECE_CEILING_DBTP
    silent = raw_lufs <= loudness.ABSOLUTE_GATE_LUFS
    for attempt in range(2):
        gain = (
            0.0
            if silent
            else _on_grid(_gain_for(analyses, aim, raw_lufs, ceiling), ceiling, store, pieces)
        )
        frames: list[bytes] = []
        crcs: list[int] = []
        new: set[int] = set()
        for i, piece in enumerate(pieces):
            found = _frames(piece, gain, ceiling, store)
            if found is None:
                found = _encode(piece, analyses[i], gain, ceiling, store)
                new.add(i)
            frames.append(found[0])
            crcs.append(found[1])
        name = _gain_name(gain, ceiling) + ".s.npy"
        stats = _decoded_stats(pieces, frames, new, name, store)
        played = loudness.integrated_lufs(np.concatenate([s[1:] for s in stats]))
        peak = loudness.peak_dbtp(max(float(s[0]) for s in stats))
        log.info(
            "loudness pass %d: %.1f LUFS raw, gain %+.1f dB, ceiling %.1f dBTP: MP3 %.2f LUFS, "
            "true peak %.2f dBTP; %d of %d pieces encoded",
            attempt + 1,
            raw_lufs,
            gain,
            ceiling,
            played,
            peak,
            len(new),
            len(pieces),
        )
        off = TARGET_LUFS - played
        over = peak - MAX_TRUE_PEAK_DBTP
        if (abs(off) <= LOUDNESS_TOLERANCE_LU and over <= 0) or silent:
            break
        aim += off
        if over > 0:
            ceiling = round(ceiling - over - 0.3, 1)
    crc = 0
    for data, piece_crc in zip(frames, crcs, strict=True):
        crc = mp3frames.crc16_combine(crc, piece_crc, len(data))
    audio_bytes = b"".join(frames)
    count = sum(p.slot for p in pieces) // FRAME
    padding = count * FRAME - mp3frames.ENCODER_DELAY - laid.total
    info = mp3frames.info_frame(audio_bytes[:4], count, audio_bytes, padding=padding, crc=crc)
    with open(out, "wb") as fh:
        fh.write(info)
        fh.write(audio_bytes)
    return audio.Loudness(played, 0.0, peak)
