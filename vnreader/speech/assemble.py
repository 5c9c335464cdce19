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

import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from vnreader.errors import VnreaderError
from vnreader.filemode import file_mode as _file_mode
from vnreader.speech import audio
from vnreader.speech.formats import json_chapters, webvtt
from vnreader.speech.model import PCM, Chapter, Cue, Narration, Provenance, Script
from vnreader.speech.mp3frames import FRAME
from vnreader.speech.pieces import (
    LOUDNESS_TOLERANCE_LU,
    MAX_TRUE_PEAK_DBTP,
    MP3_BITRATE_KBPS,
    MP3_RATE,
    TARGET_LUFS,
    Layout,
    encode_pieces,
    encoding_key,
    make_piece,
)
from vnreader.speech.tags import Tags, write_tags

log = logging.getLogger(__name__)


# Loudness: -16 LUFS, true peak <= -1 dBTP in the delivered MP3. loudnorm aims 0.5 dB lower
# on the peak because MP3 coding adds a few tenths of a dB of overshoot.
LOUDNORM_TP = MAX_TRUE_PEAK_DBTP - 0.5
LOUDNORM_LRA = 11.0
LIMITER_CEILING_DBFS = -2.5
_LIMITER_ROUNDS = 4
_LIMITER_SLACK_LU = 0.3  # the rest, left to loudnorm's linear gain

# Chunk edge trimming: a window counts as sound when its peak is above both an absolute
# floor (-55 dBFS) and 40 dB under the chunk's own peak (so noisy, decoded MP3 silence from
# an online engine is silence too). A short margin is kept so soft onsets and decays stay.
_WINDOW_MS = 5
_ABS_FLOOR = int(32768 * 10 ** (-55 / 20))
_REL_FLOOR_DB = 40
_LEAD_MARGIN_MS = 20
_TAIL_MARGIN_MS = 40


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
    pieces = tuple(
        make_piece(sound, _span(length, pause), length) for sound, length, pause in sounds
    )
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
    settings = f"vnreader-mp3/{OUTPUT_FORMAT}/{encoding_key()}"
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
