"""The bundled ffmpeg (imageio-ffmpeg): locate it, decode, resample, measure loudness, encode.

No system ffmpeg is ever used: the narration must work on a fresh machine. imageio-ffmpeg
ships one static ``ffmpeg`` binary and no ``ffprobe``, so everything a prober would tell —
sample rate, duration — is learned from ffmpeg itself or by decoding to PCM. All audio goes
through pipes (stdin/stdout): no temporary WAV files, nothing left behind on an error.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from vnreader.errors import VnreaderError
from vnreader.speech.model import PCM

# What the podcast world expects (Apple, Spotify, AES TD1008): about -16 LUFS integrated,
# true peak at most -1 dBTP.
TARGET_LUFS = -16.0
MAX_TRUE_PEAK_DBTP = -1.0


@dataclass(frozen=True)
class Loudness:
    """An EBU R128 measurement: integrated loudness (LUFS), loudness range (LU), true peak."""

    integrated_lufs: float
    range_lu: float
    true_peak_dbtp: float


@cache
def ffmpeg_exe() -> str:
    """The path of imageio-ffmpeg's bundled ffmpeg binary."""
    try:
        import imageio_ffmpeg
    except ImportError as exc:  # a broken install: it is a declared dependency
        raise VnreaderError("imageio-ffmpeg is not installed: narration needs it") from exc
    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as exc:
        raise VnreaderError(f"imageio-ffmpeg ships no ffmpeg for this platform: {exc}") from exc


def _run(args: list[str], data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run the bundled ffmpeg quietly; a failure is a VnreaderError with ffmpeg's last words."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostats", *args]
    try:
        if data is None:
            proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, check=False)
        else:
            proc = subprocess.run(cmd, input=data, capture_output=True, check=False)
    except OSError as exc:
        raise VnreaderError(f"cannot run ffmpeg ({cmd[0]}): {exc}") from exc
    if proc.returncode != 0:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise VnreaderError("ffmpeg failed: " + " | ".join(tail))
    return proc


def _pcm_input(rate: int) -> list[str]:
    return ["-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0"]


def _pcm_output(rate: int) -> list[str]:
    return ["-f", "s16le", "-acodec", "pcm_s16le", "-ar", str(rate), "-ac", "1", "pipe:1"]


_RATE_RE = re.compile(rb"Audio: [^\n]*?, (\d+) Hz")


def _native_rate(args: list[str], data: bytes | None) -> int:
    """The sample rate of the first audio stream, from ffmpeg's own description of the input."""
    cmd = [ffmpeg_exe(), "-hide_banner", *args]
    if data is None:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, check=False)
    else:
        proc = subprocess.run(cmd, input=data, capture_output=True, check=False)
    match = _RATE_RE.search(proc.stderr)
    if not match:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-2:]
        raise VnreaderError("ffmpeg finds no audio: " + " | ".join(tail))
    return int(match.group(1))


def decode_file(path: Path, rate: int | None = None) -> PCM:
    """Decode any audio file to 16-bit mono PCM, at ``rate`` or at the file's own rate."""
    if rate is None:
        # "ffmpeg -i FILE" with no output describes the input and exits 1: that is expected.
        rate = _native_rate(["-i", str(path)], None)
    proc = _run(["-i", str(path), "-vn", *_pcm_output(rate)])
    return PCM(proc.stdout, rate)


def decode_bytes(data: bytes, rate: int | None = None) -> PCM:
    """Decode an encoded audio file held in memory (e.g. gTTS's MP3) to 16-bit mono PCM."""
    if rate is None:
        rate = _native_rate(["-i", "pipe:0", "-f", "null", "-t", "0", "-"], data)
    proc = _run(["-i", "pipe:0", "-vn", *_pcm_output(rate)], data)
    return PCM(proc.stdout, rate)


def resample(pcm: PCM, rate: int) -> PCM:
    """The same audio at another sample rate (SoX resampler: clean, band-limited)."""
    if pcm.rate == rate or not pcm.data:
        return PCM(pcm.data, rate)
    proc = _run(
        [*_pcm_input(pcm.rate), "-af", "aresample=resampler=soxr", *_pcm_output(rate)], pcm.data
    )
    return PCM(proc.stdout, rate)


def duration_ms(path: Path) -> float:
    """The exact playing time of an audio file, by decoding it (there is no ffprobe)."""
    pcm = decode_file(path)
    return pcm.duration_ms


_SUMMARY_RE = re.compile(
    r"Summary:.*?I:\s*(?P<i>-?[\d.]+|-inf) LUFS.*?LRA:\s*(?P<lra>-?[\d.]+) LU"
    r".*?True peak:\s*Peak:\s*(?P<tp>-?[\d.]+|-inf) dBFS",
    re.S,
)


def _parse_ebur128(stderr: str) -> Loudness:
    matches = list(_SUMMARY_RE.finditer(stderr))
    if not matches:
        raise VnreaderError("ffmpeg's ebur128 gave no loudness summary")
    m = matches[-1]
    return Loudness(float(m["i"]), float(m["lra"]), float(m["tp"]))


def measure_file(path: Path) -> Loudness:
    """EBU R128 integrated loudness, loudness range and true peak of an audio file."""
    proc = _run(
        ["-i", str(path), "-vn", "-af", "ebur128=peak=true:framelog=quiet", "-f", "null", "-"]
    )
    return _parse_ebur128(proc.stderr.decode("utf-8", "replace"))


def measure_pcm(pcm: PCM, pre_filter: str | None = None) -> Loudness:
    """EBU R128 integrated loudness, loudness range and true peak of raw PCM (after
    ``pre_filter``). Several times faster than loudnorm's measuring pass."""
    flt = "ebur128=peak=true:framelog=quiet"
    if pre_filter:
        flt = f"{pre_filter},{flt}"
    proc = _run([*_pcm_input(pcm.rate), "-af", flt, "-f", "null", "-"], pcm.data)
    return _parse_ebur128(proc.stderr.decode("utf-8", "replace"))


@dataclass(frozen=True)
class LoudnormStats:
    """What loudnorm's first pass measured, fed back into its second pass."""

    input_i: float
    input_tp: float
    input_lra: float
    input_thresh: float
    target_offset: float


def _loudnorm_args(target_lufs: float, true_peak: float, lra: float) -> str:
    return f"loudnorm=I={target_lufs:g}:TP={true_peak:g}:LRA={lra:g}"


def loudnorm_measure(
    pcm: PCM, *, target_lufs: float, true_peak: float, lra: float, pre_filter: str | None = None
) -> LoudnormStats:
    """loudnorm's first pass: measure the input (after ``pre_filter``) for the second pass."""
    flt = _loudnorm_args(target_lufs, true_peak, lra) + ":print_format=json"
    if pre_filter:
        flt = f"{pre_filter},{flt}"
    proc = _run([*_pcm_input(pcm.rate), "-af", flt, "-f", "null", "-"], pcm.data)
    raw = _last_json(proc.stderr.decode("utf-8", "replace"))
    if "input_i" not in raw:
        raise VnreaderError("ffmpeg's loudnorm gave no measurement")

    def num(key: str) -> float:
        # Silence measures as "-inf"; loudnorm's option ranges stop at -99.
        value = float(raw[key])
        return max(value, -99.0) if value == value else -99.0

    return LoudnormStats(
        input_i=num("input_i"),
        input_tp=num("input_tp"),
        input_lra=min(num("input_lra"), 99.0),
        input_thresh=num("input_thresh"),
        target_offset=num("target_offset"),
    )


def loudnorm_filter(
    stats: LoudnormStats, *, target_lufs: float, true_peak: float, lra: float
) -> str:
    """loudnorm's second pass with the measured values, linear (a plain gain) when it can be."""
    return (
        _loudnorm_args(target_lufs, true_peak, lra)
        + f":measured_I={stats.input_i:.2f}:measured_TP={stats.input_tp:.2f}"
        + f":measured_LRA={stats.input_lra:.2f}:measured_thresh={stats.input_thresh:.2f}"
        + f":offset={stats.target_offset:.2f}:linear=true:print_format=json"
    )


def gain_limiter(gain_db: float, ceiling_dbfs: float) -> str:
    """A gain then a look-ahead peak limiter (5 ms attack, 50 ms release), delay compensated
    so the audio keeps its timing; ffmpeg's volume works in float, so nothing clips between.
    """
    limit = min(1.0, max(0.0625, 10 ** (ceiling_dbfs / 20)))
    return (
        f"volume={gain_db:.2f}dB,"
        f"alimiter=limit={limit:.4f}:attack=5:release=50:level=false:latency=true"
    )


def encode_mp3(
    pcm: PCM, out: Path, *, audio_filter: str | None, rate: int, bitrate_kbps: int
) -> dict[str, str]:
    """Filter and encode PCM to a mono CBR MP3 at ``out`` (overwritten), with no tags.

    ffmpeg's MP3 muxer would write its own ID3v2 tag; it is disabled so that mutagen writes
    the only one. The LAME/Xing header stays: it records the encoder delay and padding, so
    decoders play (and measure) exactly the encoded length. Returns the JSON report a
    ``print_format=json`` filter (loudnorm) printed, else ``{}``.
    """
    filters = [f for f in (audio_filter, f"aresample={rate}:resampler=soxr") if f]
    mp3 = ["-c:a", "libmp3lame", "-b:a", f"{bitrate_kbps}k", "-ac", "1", "-ar", str(rate)]
    # No tags from ffmpeg: neither its ID3v2 (mutagen writes ours) nor an ID3v1.
    untagged = ["-map_metadata", "-1", "-id3v2_version", "0", "-write_id3v1", "0"]
    proc = _run(
        [
            *_pcm_input(pcm.rate),
            "-af",
            ",".join(filters),
            *mp3,
            *untagged,
            "-f",
            "mp3",
            "-y",
            str(out),
        ],
        pcm.data,
    )
    return _last_json(proc.stderr.decode("utf-8", "replace"))


def _last_json(text: str) -> dict[str, str]:
    start, end = text.rfind("{"), text.rfind("}")
    if start < 0 or end < start:
        return {}
    try:
        value = json.loads(text[start : end + 1])
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def encode_mp3_frames(data: bytes, *, rate: int, bitrate_kbps: int) -> bytes:
    """16-bit mono PCM at ``rate`` → bare CBR MP3 frames (no Xing/Info frame, no tags).

    The frames of pieces encoded this way can be put end to end (see mp3frames.py).
    """
    proc = _run(
        [
            *_pcm_input(rate),
            "-c:a",
            "libmp3lame",
            "-b:a",
            f"{bitrate_kbps}k",
            "-ac",
            "1",
            "-write_xing",
            "0",
            "-map_metadata",
            "-1",
            "-id3v2_version",
            "0",
            "-write_id3v1",
            "0",
            "-f",
            "mp3",
            "pipe:1",
        ],
        data,
    )
    return proc.stdout
