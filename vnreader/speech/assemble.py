"""Assembly: the utterances' audio → one MP3 (loudness-normalized, tagged, with chapters),
its WebVTT transcript and its Podcasting 2.0 JSON chapters.

Layout. The chunks are put end to end in script order. Each chunk's edges are trimmed
lightly (the engine's own lead-in/out silence would otherwise add to the script's pauses),
then ``script.sentence_pause_ms`` of silence separates two sentences of a segment and
``segment.pause_after_ms`` follows a segment. Nothing precedes the first sentence and nothing
follows the last, so the narration has no leading or trailing silence. Each sentence is a
**piece**: its sound (resampled to 44.1 kHz) and the silence after it, a whole number of MP3
frames (1152 samples), so every sentence starts on a frame and a pause comes out as asked
or up to one frame (26 ms) longer.

Loudness and encoding, piece by piece (:func:`encode_pieces`), so that an edited article
costs about what its changed sentences cost. Each piece is analysed once (loudness.py:
BS.1770 K-weighted energy per 6.5 ms, and the true peaks the limiter needs); the gain that
brings the whole, after a true-peak limiter at -2 dBTP, to -16 LUFS (plus the half LU that
64 kbit/s MP3 coding takes) is computed from those figures alone. Each piece is then limited
and encoded by itself, and the frames joined under one Info/LAME header (mp3frames.py) that
gives players the exact start and end. The encoded pieces are decoded and measured as they
play; when the MP3 is off -16 LUFS by more than 0.5 LU or its true peak is over -1 dBTP, the
aim is corrected and the pieces encoded again. With a piece cache, each piece's analysis,
MP3 frames (per gain) and measurement are kept, and a gain kept from before is reused when
within 0.25 dB of the exact one; so an edit analyses, encodes and measures only the changed
sentences. :func:`encode_normalized` (two-pass ffmpeg ``loudnorm`` over one PCM) remains for
callers that encode one long recording (the daily digest).

Files. The MP3, ``OUT.vtt`` and ``OUT.chapters.json`` are written to temporary files in the
destination directory, the MP3 tagged, and only then renamed (``os.replace``) over the final
names: an error or Ctrl-C leaves no half-written file under a final name, and no temp file.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vnreader.errors import VnreaderError
from vnreader.speech import audio, loudness, mp3frames
from vnreader.speech.formats import json_chapters, webvtt
from vnreader.speech.model import PCM, Chapter, Cue, Narration, Provenance, Script
from vnreader.speech.mp3frames import FRAME
from vnreader.speech.tags import Tags, write_tags

if TYPE_CHECKING:
    from vnreader.speech.loudness import Floats

log = logging.getLogger(__name__)

# MP3: what podcast apps and spoken-word feeds expect. 44.1 kHz (some players and
# directories mishandle other rates), mono, 64 kbps CBR (constant bitrate keeps seeking
# exact in every player; speech needs no more).
MP3_RATE = 44100
MP3_BITRATE_KBPS = 64

# Loudness: -16 LUFS, true peak <= -1 dBTP in the delivered MP3. loudnorm aims 0.5 dB lower
# on the peak because MP3 coding adds a few tenths of a dB of overshoot.
TARGET_LUFS = audio.TARGET_LUFS
MAX_TRUE_PEAK_DBTP = audio.MAX_TRUE_PEAK_DBTP
LOUDNORM_TP = MAX_TRUE_PEAK_DBTP - 0.5
LOUDNORM_LRA = 11.0
LOUDNESS_TOLERANCE_LU = 0.5
LIMITER_CEILING_DBFS = -2.5
_LIMITER_ROUNDS = 4
_LIMITER_SLACK_LU = 0.3  # the rest, left to loudnorm's linear gain

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

# Chunk edge trimming: a window counts as sound when its peak is above both an absolute
# floor (-55 dBFS) and 40 dB under the chunk's own peak (so noisy, decoded MP3 silence from
# an online engine is silence too). A short margin is kept so soft onsets and decays stay.
_WINDOW_MS = 5
_ABS_FLOOR = int(32768 * 10 ** (-55 / 20))
_REL_FLOOR_DB = 40
_LEAD_MARGIN_MS = 20
_TAIL_MARGIN_MS = 40


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


def _piece(sound: PCM, span: int, length: int) -> Piece:
    digest = hashlib.sha256(f"{_settings()}/{sound.rate}/{length}/{span}\n".encode())
    digest.update(sound.data)
    return Piece(sound, length, span, digest.hexdigest())


def _span(length: int, pause: int) -> int:
    """Encoder samples for a sound of ``length`` followed by ``pause`` samples of silence:
    whole frames, the joint's frame counted as part of the pause (so a pause may come out up
    to one frame, 26 ms, longer than asked)."""
    need = length + max(0, pause - FRAME)
    return -(-need // FRAME) * FRAME


def layout(script: Script, chunks: Sequence[Sequence[PCM]], *, chapters: bool = True) -> Layout:
    """Lay the chunks out with the script's pauses; the cues and chapters that result."""
    if len(chunks) != len(script.segments) or any(
        len(row) != len(seg.utterances) for row, seg in zip(chunks, script.segments, strict=False)
    ):
        raise ValueError("chunks must match the script: one PCM per utterance of each segment")

    def ms(samples: int) -> int:
        return round(samples * 1000 / MP3_RATE)

    sounds: list[tuple[PCM, int, int]] = []  # (sound, length at the MP3 rate, pause after)
    cues: list[Cue] = []
    starts: list[tuple[int, str]] = []  # (sample, title) where each chapter begins
    waiting: list[str] = []  # chapter titles that begin with the next sound
    at = 0  # where the next sound starts
    pending_pause = 0
    for seg, row in zip(script.segments, chunks, strict=True):
        if chapters and seg.chapter is not None:
            waiting.append(seg.chapter)
        sounded = False
        for utt, pcm in zip(seg.utterances, row, strict=True):
            sound = trim_edges(pcm)
            if not sound.data:
                continue  # an engine said nothing: no cue, no extra pause
            if sounds:
                previous, plen, _ = sounds[-1]
                sounds[-1] = (previous, plen, pending_pause)
                at += _span(plen, pending_pause) + FRAME
            starts += [(at, title) for title in waiting]
            waiting = []
            length = -(-(len(sound.data) // 2) * MP3_RATE // sound.rate)
            sounds.append((sound, length, 0))
            cues.append(Cue(ms(at), ms(at + length), utt.written))
            pending_pause = script.sentence_pause_ms * MP3_RATE // 1000
            sounded = True
        if sounded:
            pending_pause = seg.pause_after_ms * MP3_RATE // 1000
    if not sounds:
        raise VnreaderError("nothing to narrate: every sentence came out silent")
    total = at + sounds[-1][1]
    pieces = tuple(_piece(sound, _span(length, pause), length) for sound, length, pause in sounds)
    return Layout(pieces, tuple(cues), _chapters(starts, total, ms), total)


def trim_edges(pcm: PCM) -> PCM:
    """The chunk without its leading and trailing silence (keeping a short margin).

    Scans 5 ms windows from each end for the first one with a sample above the floor;
    vectorized with numpy (one pass over the chunk, not one Python object per sample).
    """
    import numpy as np

    samples = np.frombuffer(pcm.data[: len(pcm.data) // 2 * 2], dtype="<i2").astype(np.int32)
    n = len(samples)
    if not n:
        return pcm
    peak = max(int(samples.max()), -int(samples.min()))
    floor = max(_ABS_FLOOR, int(peak * 10 ** (-_REL_FLOOR_DB / 20)))
    if peak <= floor:
        return PCM(b"", pcm.rate)
    win = max(1, pcm.rate * _WINDOW_MS // 1000)
    loud = np.flatnonzero(np.abs(samples) > floor)
    # The window that holds the first (last) loud sample, windows starting at 0, win, 2·win…
    first = int(loud[0]) // win * win
    last = int(loud[-1]) // win * win
    start = max(0, first - pcm.rate * _LEAD_MARGIN_MS // 1000)
    end = min(n, last + win + pcm.rate * _TAIL_MARGIN_MS // 1000)
    return PCM(pcm.data[start * 2 : end * 2], pcm.rate)


def _chapters(
    starts: list[tuple[int, str]], total: int, ms: Callable[[int], int]
) -> tuple[Chapter, ...]:
    """Chapters from their starts: each runs to the next start, the last to the end.

    The first chapter is moved to 0 (players expect the chapters to cover the file), and a
    chapter that would last no time at all (two headings in a row) is dropped.
    """
    kept: list[tuple[int, str]] = []
    for sample, title in starts:
        sample = min(sample, total)
        while kept and kept[-1][0] >= sample:
            kept.pop()  # the later heading is the one actually spoken there
        kept.append((sample, title))
    kept = [(s, t) for s, t in kept if s < total]
    if kept:
        kept[0] = (0, kept[0][1])
    return tuple(
        Chapter(ms(s), ms(kept[i + 1][0] if i + 1 < len(kept) else total), t)
        for i, (s, t) in enumerate(kept)
    )


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
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
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


@dataclass(frozen=True)
class _Aim:
    """What one encoding aims at: loudness, loudnorm's peak, the limiter's ceiling."""

    lufs: float = TARGET_LUFS
    true_peak: float = LOUDNORM_TP
    ceiling: float = LIMITER_CEILING_DBFS


def _loudness_chain(pcm: PCM, raw: audio.Loudness, aim: _Aim) -> tuple[str, audio.LoudnormStats]:
    """The filters before loudnorm's second pass, and loudnorm's measurement after them.

    loudnorm is linear only when its gain keeps the true peak under the ceiling. espeak's
    speech peaks at 0 dBFS while it measures about -19 LUFS: the +3 dB it needs would clip, so
    loudnorm would fall back to its dynamic mode, which lands a dB or more short. Instead the
    gain is applied first with a look-ahead limiter (ceiling -2.5 dBFS, lowered while the
    true peak is too high), the gain raised until the limited speech is within 0.3 LU of the
    target, and loudnorm adds the small rest linearly.
    The limiter's rounds are measured with ebur128 (fast); loudnorm measures once, last.
    """
    gain, ceiling = aim.lufs - raw.integrated_lufs, aim.ceiling
    pre = ""
    if raw.true_peak_dbtp + gain > aim.true_peak and raw.integrated_lufs > -70:
        for _ in range(_LIMITER_ROUNDS):
            pre = audio.gain_limiter(gain, ceiling)
            limited = audio.measure_pcm(pcm, pre)
            deficit = aim.lufs - limited.integrated_lufs
            # The limiter holds sample peaks; true (inter-sample) peaks can pass it by a dB
            # or two on sharp sounds, so the ceiling comes down by what the meter saw.
            excess = limited.true_peak_dbtp + max(0.0, deficit) - (aim.true_peak - 0.2)
            if deficit <= _LIMITER_SLACK_LU and excess <= 0:
                break
            if deficit > _LIMITER_SLACK_LU:
                gain += deficit  # limiting harder costs loudness too: measure again
            if excess > 0:
                ceiling = max(-24.0, ceiling - excess)
    stats = audio.loudnorm_measure(
        pcm, target_lufs=aim.lufs, true_peak=aim.true_peak, lra=LOUDNORM_LRA, pre_filter=pre
    )
    return pre, stats


def encode_normalized(pcm: PCM, out: Path) -> audio.Loudness:
    """Loudness-normalize and encode; check the MP3, and aim again once if it is off."""
    raw = audio.measure_pcm(pcm)
    aim = _Aim()
    for attempt in range(2):
        pre, stats = _loudness_chain(pcm, raw, aim)
        # loudnorm leaves linear mode when the input's loudness range exceeds its LRA
        # target; speech's range is its own, so the target never asks to compress it.
        lra = min(50.0, max(LOUDNORM_LRA, stats.input_lra + 1))
        norm = audio.loudnorm_filter(stats, target_lufs=aim.lufs, true_peak=aim.true_peak, lra=lra)
        report = audio.encode_mp3(
            pcm,
            out,
            audio_filter=f"{pre},{norm}" if pre else norm,
            rate=MP3_RATE,
            bitrate_kbps=MP3_BITRATE_KBPS,
        )
        got = audio.measure_file(out)
        off = TARGET_LUFS - got.integrated_lufs
        over = got.true_peak_dbtp - MAX_TRUE_PEAK_DBTP
        log.info(
            "loudness pass %d (%s%s): %.1f LUFS, true peak %.1f dBTP (input %.1f LUFS, %.1f dBTP)",
            attempt + 1,
            "limiter + " if pre else "",
            report.get("normalization_type", "?"),
            got.integrated_lufs,
            got.true_peak_dbtp,
            raw.integrated_lufs,
            raw.true_peak_dbtp,
        )
        if (abs(off) <= LOUDNESS_TOLERANCE_LU and over <= 0) or got.integrated_lufs <= -70:
            break
        # MP3 coding moved loudness or peaks: aim off by as much (peaks with some margin).
        lower = max(0.0, over) + (0.3 if over > 0 else 0.0)
        aim = _Aim(
            lufs=min(-5.0, max(-70.0, aim.lufs + off)),
            true_peak=max(-9.0, aim.true_peak - lower),
            ceiling=max(-24.0, aim.ceiling - lower),
        )
    return got


_UMASK: int | None = None


def _file_mode() -> int:
    """The mode a new file would get (mkstemp's are 0600; the narration is for sharing)."""
    global _UMASK
    if _UMASK is None:
        _UMASK = os.umask(0)
        os.umask(_UMASK)
    return 0o666 & ~_UMASK


def _temp_beside(final: Path) -> Path:
    fd, name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".part")
    os.close(fd)
    return Path(name)


def _write_text(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sidecar_paths(out_mp3: Path) -> tuple[Path, Path]:
    """``OUT.vtt`` and ``OUT.chapters.json`` beside ``OUT.mp3``."""
    return out_mp3.with_suffix(".vtt"), out_mp3.with_suffix(".chapters.json")


def assemble(
    script: Script,
    chunks: list[list[PCM]],
    out_mp3: Path,
    *,
    tags: Tags,
    chapters_from_script: bool = True,
    provenance: Provenance | None = None,
    output_cache: Path | None = None,
    piece_cache: Path | None = None,
) -> Narration:
    """Write ``out_mp3`` (+ ``.vtt``, ``.chapters.json``) for the script's audio chunks.

    ``chunks[i][j]`` is the audio of ``script.segments[i].utterances[j]``; ``provenance``
    (which engine spoke) is passed through to the result. With ``output_cache`` (a folder),
    the finished MP3 is kept there under the SHA-256 of everything it is made from (the
    pieces, tags, chapters, the loudness and encoding settings, the ffmpeg binary), and a
    later assembly of the same content copies it instead of measuring and encoding again.
    With ``piece_cache`` (a folder), each sentence's loudness data and MP3 frames are kept,
    so an edited article measures and encodes only the sentences that changed.
    """
    out_mp3 = Path(out_mp3)
    vtt_path, json_path = sidecar_paths(out_mp3)
    laid = layout(script, chunks, chapters=chapters_from_script)
    stored = _stored_mp3(output_cache, laid, tags) if output_cache is not None else None

    temps: list[Path] = []
    measured: audio.Loudness | None = None
    try:
        for final in (out_mp3, vtt_path, json_path):
            temps.append(_temp_beside(final))
        tmp_mp3, tmp_vtt, tmp_json = temps
        if stored is not None and _usable(stored):
            # The same audio, tags and chapters were encoded before: the loudness passes and
            # the encoding would give these very bytes again.
            shutil.copyfile(stored, tmp_mp3)
        else:
            measured = encode_pieces(laid, tmp_mp3, store_folder=piece_cache)
            write_tags(tmp_mp3, tags, laid.chapters, duration_ms=laid.duration_ms)
            if stored is not None:
                _keep(tmp_mp3, stored)
        _fsync(tmp_mp3)
        _write_text(tmp_vtt, webvtt(laid.cues))
        _write_text(
            tmp_json,
            json_chapters(
                laid.chapters,
                title=tags.title,
                podcast_name=tags.artist,
                file_name=out_mp3.name,
            ),
        )
        mode = _file_mode()
        for tmp in temps:
            os.chmod(tmp, mode)
        # The MP3 last: a reader who finds it finds its transcript and chapters beside it.
        os.replace(tmp_vtt, vtt_path)
        os.replace(tmp_json, json_path)
        os.replace(tmp_mp3, out_mp3)
    except OSError as exc:
        _remove(temps)
        raise VnreaderError(f"cannot write the narration {out_mp3}: {exc}") from exc
    except BaseException:
        _remove(temps)
        raise
    if measured is None:
        log.info(
            "narration %s: %.1f s, %d bytes, reused from the output cache (unchanged audio)",
            out_mp3,
            laid.duration_ms / 1000,
            out_mp3.stat().st_size,
        )
    else:
        log.info(
            "narration %s: %.1f s, %.1f LUFS, %.1f dBTP, %d bytes",
            out_mp3,
            laid.duration_ms / 1000,
            measured.integrated_lufs,
            measured.true_peak_dbtp,
            out_mp3.stat().st_size,
        )
    return Narration(
        mp3=out_mp3,
        vtt=vtt_path,
        chapters_json=json_path,
        duration_ms=laid.duration_ms,
        cues=laid.cues,
        chapters=laid.chapters,
        provenance=provenance,
    )


#: Bumped whenever assembly would encode the same layout differently.
OUTPUT_FORMAT = 2


def output_key(laid: Layout, tags: Tags) -> str:
    """The SHA-256 naming a finished MP3: every input of loudness, encoding and tagging.

    The pieces' keys name their sound, their place (span) and the loudness and encoding
    settings with the ffmpeg binary; the loudness of the whole depends on all of them.
    """
    settings = (
        f"vnreader-mp3/{OUTPUT_FORMAT}/{_settings()}/lufs={TARGET_LUFS}"
        f"/tp={MAX_TRUE_PEAK_DBTP}/rounds={_PIECE_ROUNDS}/tol={_PIECE_TOLERANCE_LU}"
    )
    described = {
        "settings": settings,
        "tags": [tags.title, tags.artist, tags.album, tags.date, tags.language],
        "chapters": [[c.start_ms, c.end_ms, c.title] for c in laid.chapters],
        "total": laid.total,
        "pieces": [p.key for p in laid.pieces],
    }
    return hashlib.sha256(
        json.dumps(described, ensure_ascii=False, sort_keys=True).encode()
    ).hexdigest()


def _stored_mp3(folder: Path, laid: Layout, tags: Tags) -> Path:
    key = output_key(laid, tags)
    return Path(folder) / key[:2] / f"{key[2:]}.mp3"


def _usable(path: Path) -> bool:
    """A stored MP3 that can be copied: present, tagged (ID3 first) and not cut short."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(10)
        size = path.stat().st_size
    except OSError:
        return False
    if len(head) < 10 or head[:3] != b"ID3":
        return False
    tag_size = 10 + sum((b & 0x7F) << (7 * (3 - i)) for i, b in enumerate(head[6:10]))
    return size > tag_size + 1024


def _keep(mp3: Path, stored: Path) -> None:
    """Copy the finished MP3 into the output cache, atomically; failures only log."""
    try:
        stored.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=stored.parent, prefix=".tmp-", suffix=".mp3")
        os.close(fd)
        try:
            shutil.copyfile(mp3, name)
            os.replace(name, stored)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.warning("cannot keep the narration in the output cache %s: %s", stored.parent, exc)


def _remove(paths: Sequence[Path]) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass
