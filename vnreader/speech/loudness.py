"""Loudness and peaks in numpy: ITU-R BS.1770 measurement, resampling, a true-peak limiter.

Assembly works on pieces of the narration (one spoken sentence and the silence after it,
see assemble.py) and keeps per piece what the loudness of the whole needs, so that an
edited article only measures the sentences that changed:

* **K-weighted energy per micro-block.** BS.1770 filters with two biquads (a high shelf
  of +4 dB above ~1.7 kHz and a high-pass at ~38 Hz), squares, and averages over 400 ms
  blocks that overlap by 75 %. Here the filtered signal's energy is summed per
  :data:`MICRO` samples (6.5 ms at 44.1 kHz); the blocks are built from those sums
  (:data:`BLOCK` micro-blocks long, every :data:`STEP`: 398 ms every 98 ms, within 0.5 %
  of the standard's 400 and 100 ms) and gated as the standard says (absolute -70 LUFS,
  then relative -10 LU). Pieces start on micro-block boundaries, so a piece's sums do not
  depend on where it lands in the narration.
* The biquads are applied in the frequency domain (their exact response at each FFT bin)
  over the piece padded with silence, so numpy alone suffices; the filters' impulse
  responses die out within a few milliseconds, far less than the padding.
* **True peak**: the signal oversampled 4× (band-limited, by zero-padding its spectrum),
  as BS.1770 Annex 2 measures it.
* **Limiter**: a gain, then a gain reduction that is the sliding minimum of what each
  group of samples' true peak allows, smoothed by a moving average no wider than that
  minimum, so the smoothed gain never exceeds what any group allows: no overshoot, no
  state carried between pieces, and a piece's result depends on that piece alone. What a
  gain does to a piece's loudness is computed from per-group figures (:class:`Analysis`),
  so the loudness rounds cost next to nothing; the audio itself is made once, to encode.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from vnreader.speech.model import PCM

Floats = npt.NDArray[np.float64]

#: Samples per micro-block at the MP3 rate: a quarter of an MP3 frame (1152 samples).
MICRO = 288
#: A gating block (~400 ms) and the step between blocks (~100 ms), in micro-blocks.
BLOCK = 61
STEP = 15
ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0
#: Silence after a piece when filtering (the biquads' responses end well within it).
_TAIL = 4096
_OVERSAMPLE = 4

# BS.1770-4 pre-filter, as analog prototypes (valid at any sample rate via the bilinear
# transform): a high shelf and a high-pass.
_SHELF_DB, _SHELF_HZ, _SHELF_Q = 3.999843853973347, 1681.974450955533, 0.7071752369554196
_HIGHPASS_HZ, _HIGHPASS_Q = 38.13547087602444, 0.5003270373238773


def k_weighting(rate: int) -> tuple[tuple[Floats, Floats], tuple[Floats, Floats]]:
    """The two biquads ``(b, a)`` of BS.1770's K-weighting at ``rate`` Hz."""
    k = math.tan(math.pi * _SHELF_HZ / rate)
    vh = 10 ** (_SHELF_DB / 20)
    vb = vh**0.4996667741545416
    a0 = 1 + k / _SHELF_Q + k * k
    shelf_b = np.array(
        [vh + vb * k / _SHELF_Q + k * k, 2 * (k * k - vh), vh - vb * k / _SHELF_Q + k * k]
    )
    shelf_a = np.array([a0, 2 * (k * k - 1), 1 - k / _SHELF_Q + k * k])
    k = math.tan(math.pi * _HIGHPASS_HZ / rate)
    a0 = 1 + k / _HIGHPASS_Q + k * k
    pass_b = np.array([1.0, -2.0, 1.0])
    pass_a = np.array([a0, 2 * (k * k - 1), 1 - k / _HIGHPASS_Q + k * k]) / a0
    return (shelf_b / a0, shelf_a / a0), (pass_b, pass_a)


#: Overlap-save block for the K-weighting: FFT size, and the new samples each block adds
#: (a whole number of micro-blocks); the rest, 4192 samples, overlaps the previous block
#: (longer than the filters' ringing, which dies out within a few milliseconds).
_BLOCK_FFT = 1 << 16
_STEP = MICRO * 213


@functools.cache
def _response(rate: int, size: int) -> npt.NDArray[np.complex128]:
    """The K-weighting's complex response at the bins of an ``size``-point real FFT."""
    z = np.exp(-1j * np.pi * np.arange(size // 2 + 1) / (size // 2))  # e^{-jω}
    h = np.ones(size // 2 + 1, dtype=np.complex128)
    for b, a in k_weighting(rate):
        h *= (b[0] + b[1] * z + b[2] * z * z) / (a[0] + a[1] * z + a[2] * z * z)
    return h


def _fft_size(n: int) -> int:
    """A length >= ``n`` whose only prime factors are 2, 3 and 5 (fast for numpy's FFT)."""
    best = 1 << max(0, (n - 1).bit_length())
    f5 = 1
    while f5 < best:
        f3 = f5
        while f3 < best:
            f2 = f3
            while f2 < n:
                f2 *= 2
            best = min(best, f2)
            f3 *= 3
        f5 *= 5
    return best


def _window(samples: Floats, start: int, stop: int) -> Floats:
    """``samples[start:stop]``, with zeros where that range is outside the samples."""
    out = np.zeros(stop - start)
    lo, hi = max(start, 0), min(stop, len(samples))
    if hi > lo:
        out[lo - start : hi - start] = samples[lo:hi]
    return out


def micro_energies(samples: Floats, rate: int, length: int) -> Floats:
    """K-weighted energy (sum of squares, full scale = 1.0) per :data:`MICRO` samples.

    ``samples`` start on a micro-block boundary and are followed by silence up to
    ``length`` (a multiple of :data:`MICRO`); the result has ``length // MICRO`` values,
    the filters' ringing past ``length`` added to the last one. Filtered block by block
    (overlap-save), so memory stays small whatever the length.
    """
    if length % MICRO:
        raise ValueError(f"length {length} is not a whole number of micro-blocks")
    blocks = length // MICRO
    total = max(length, len(samples)) + _TAIL
    response = _response(rate, _BLOCK_FFT)
    overlap = _BLOCK_FFT - _STEP
    sums = np.zeros(-(-total // _STEP) * (_STEP // MICRO))
    for k, start in enumerate(range(0, total, _STEP)):
        chunk = _window(samples, start - overlap, start + _STEP)
        filtered = np.fft.irfft(np.fft.rfft(chunk) * response, _BLOCK_FFT)[overlap:]
        power = filtered * filtered
        per = _STEP // MICRO
        sums[k * per : (k + 1) * per] = power.reshape(per, MICRO).sum(axis=1)
    out = sums[:blocks].copy()
    out[-1] += sums[blocks:].sum()
    return out


def integrated_lufs(energies: Floats) -> float:
    """Gated integrated loudness (LUFS) of a narration given by its micro-block energies."""
    n = len(energies)
    if n < BLOCK:
        energies = np.concatenate([energies, np.zeros(BLOCK - n)])
        n = BLOCK
    cumulative = np.concatenate([[0.0], np.cumsum(energies)])
    starts = np.arange(0, n - BLOCK + 1, STEP)
    z = (cumulative[starts + BLOCK] - cumulative[starts]) / (BLOCK * MICRO)
    with np.errstate(divide="ignore"):
        loud = -0.691 + 10 * np.log10(z)
    kept = z[loud > ABSOLUTE_GATE_LUFS]
    if not len(kept):
        return -math.inf
    relative = -0.691 + 10 * math.log10(float(kept.mean())) + RELATIVE_GATE_LU
    with np.errstate(divide="ignore"):
        kept = kept[-0.691 + 10 * np.log10(kept) > relative]
    return -0.691 + 10 * math.log10(float(kept.mean()))


def to_float(pcm: PCM) -> Floats:
    """16-bit PCM → float samples (full scale = 1.0)."""
    data = np.frombuffer(pcm.data[: len(pcm.data) // 2 * 2], dtype="<i2")
    return data.astype(np.float64) / 32768.0


def _upsample2(samples: Floats) -> Floats:
    """Twice the sample rate: the samples kept, the points between them interpolated
    (windowed sinc, 16 taps either side)."""
    n = len(samples)
    out = np.empty(2 * n)
    out[0::2] = samples
    padded = np.concatenate([np.zeros(_HALF_TAPS - 1), samples, np.zeros(_HALF_TAPS)])
    out[1::2] = np.correlate(padded, _HALF_BAND, mode="valid")[:n]
    return out


def resample(samples: Floats, rate: int, new_rate: int) -> Floats:
    """The same sound at ``new_rate``: ``ceil(n × new_rate / rate)`` samples, band-limited
    (the spectrum zero-padded or cut).

    Exact for a sound that begins and ends in silence, as a trimmed sentence with its
    margins does (the method treats the signal as periodic). The sound is padded with
    silence to a length whose FFT is fast at both rates.
    """
    n = len(samples)
    length = -(-n * new_rate // rate)
    if rate == new_rate or not n:
        return samples.copy() if n else np.zeros(length)
    if new_rate == 2 * rate:
        return _upsample2(samples)
    common = math.gcd(rate, new_rate)
    up, down = new_rate // common, rate // common
    k = _fft_size(-(-n // down))
    size_in, size_out = k * down, k * up
    spectrum = np.fft.rfft(samples, size_in)
    keep = min(len(spectrum), size_out // 2 + 1)
    out = np.zeros(size_out // 2 + 1, dtype=np.complex128)
    out[:keep] = spectrum[:keep]
    if size_out < size_in and size_out % 2 == 0:
        out[-1] = out[-1].real  # the new Nyquist bin of an even length must be real
    return np.fft.irfft(out, size_out)[:length] * (size_out / size_in)


#: Interpolation for the true peak: windowed-sinc taps on each side of a point between two
#: samples (Kaiser window), evaluated at 1/4, 2/4 and 3/4 of the way.
_TAPS = 8
_KAISER_BETA = 6.0


def _phase_taps(fraction: float, taps: int = _TAPS, beta: float = _KAISER_BETA) -> Floats:
    """Windowed-sinc weights of the ``2 × taps`` samples around a point ``fraction`` of the
    way from one sample to the next."""
    ks = np.arange(-taps + 1, taps + 1) - fraction
    window = np.i0(beta * np.sqrt(np.clip(1 - (ks / taps) ** 2, 0, 1)))
    weights = np.sinc(ks) * window
    return weights / weights.sum()


_PHASES = tuple(_phase_taps(j / _OVERSAMPLE) for j in range(1, _OVERSAMPLE))

#: Interpolation halfway between samples, for an exact doubling of the rate.
_HALF_TAPS = 16
_HALF_BAND = _phase_taps(0.5, _HALF_TAPS, 8.0)


def true_peaks(samples: Floats) -> Floats:
    """Per sample: the largest magnitude from it to just before the next (4× oversampled
    by windowed-sinc interpolation, as BS.1770 Annex 2 measures true peaks)."""
    n = len(samples)
    if not n:
        return samples
    padded = np.concatenate([np.zeros(_TAPS - 1), samples, np.zeros(_TAPS)])
    peaks = np.abs(samples)
    for taps in _PHASES:
        np.maximum(peaks, np.abs(np.correlate(padded, taps, mode="valid"))[:n], out=peaks)
    return peaks


def group_true_peaks(samples: Floats, groups: int) -> Floats:
    """The highest true peak of each :data:`GROUP` of samples (silence past the end),
    block by block so that memory stays small."""
    out = np.zeros(groups)
    block = GROUP * 4096
    for start in range(0, min(len(samples), groups * GROUP), block):
        stop = min(start + block, groups * GROUP)
        window = _window(samples, start - _TAPS + 1, stop + _TAPS)
        inner = window[_TAPS - 1 : _TAPS - 1 + stop - start]
        peaks = np.abs(inner)
        for taps in _PHASES:
            np.maximum(
                peaks, np.abs(np.correlate(window, taps, mode="valid"))[: len(inner)], out=peaks
            )
        out[start // GROUP : stop // GROUP] = peaks.reshape(-1, GROUP).max(axis=1)
    return out


def _sliding_min(values: Floats, radius: int) -> Floats:
    """``min(values[i - radius : i + radius + 1])`` for every i (van Herk / Gil-Werman)."""
    width = 2 * radius + 1
    n = len(values)
    padded = np.concatenate([np.ones(radius), values, np.ones(radius + width)])
    rows = len(padded) // width
    grid = padded[: rows * width].reshape(rows, width)
    prefix = np.minimum.accumulate(grid, axis=1).ravel()
    suffix = np.minimum.accumulate(grid[:, ::-1], axis=1)[:, ::-1].ravel()
    i = np.arange(n)
    return np.minimum(suffix[i], prefix[i + width - 1])


def _moving_average(values: Floats, radius: int) -> Floats:
    padded = np.pad(values, radius, mode="edge")
    cumulative = np.concatenate([[0.0], np.cumsum(padded)])
    width = 2 * radius + 1
    return (cumulative[width:] - cumulative[:-width]) / width


#: The limiter works on groups of samples (a quarter of a micro-block, 1.6 ms at 44.1 kHz):
#: per group, the highest true peak and the energy are all it needs, so that what a gain
#: does to a piece's loudness is computed from a few numbers per group, not per sample.
GROUP = MICRO // 4
#: The limiter's fade in and out, in groups (4 × 72 samples: 6.5 ms at 44.1 kHz).
_FADE = 4


@dataclass(frozen=True)
class Analysis:
    """What loudness and the limiter need of a piece, at the MP3 rate: K-weighted energy
    per micro-block, and per group the highest true peak and the plain energy."""

    k_energies: Floats
    group_peaks: Floats
    group_energies: Floats

    def pack(self) -> bytes:
        return (
            np.concatenate([self.k_energies, self.group_peaks, self.group_energies])
            .astype("<f8")
            .tobytes()
        )

    @classmethod
    def unpack(cls, data: bytes, length: int) -> Analysis | None:
        """The analysis of a slot of ``length`` samples from :meth:`pack`'s bytes, or None."""
        micro, groups = length // MICRO, length // GROUP
        if len(data) != 8 * (micro + 2 * groups):
            return None
        values = np.frombuffer(data, dtype="<f8")
        return cls(values[:micro], values[micro : micro + groups], values[micro + groups :])


def analyse(samples: Floats, rate: int, length: int) -> Analysis:
    """The :class:`Analysis` of ``samples`` followed by silence up to ``length`` samples."""
    groups = length // GROUP
    used = samples[: groups * GROUP]
    energies = np.zeros(groups)
    full = len(used) // GROUP
    grouped = used[: full * GROUP].reshape(full, GROUP)
    energies[:full] = np.einsum("ij,ij->i", grouped, grouped)
    if len(used) > full * GROUP:
        rest = used[full * GROUP :]
        energies[full] = float(rest @ rest)
    return Analysis(
        micro_energies(samples, rate, length), group_true_peaks(samples, groups), energies
    )


def limiter_gains(group_peaks: Floats, gain_db: float, ceiling_dbtp: float) -> Floats:
    """Per group, the limiter's gain reduction (<= 1) for ``gain_db`` then ``ceiling_dbtp``.

    What each group allows (ceiling / its gained true peak), its sliding minimum over
    ``_FADE + 1`` groups either side, then a moving average over ``_FADE`` either side:
    every group's value, and any value between two neighbouring groups, is at most what
    each of them allows, so no true peak passes the ceiling (look-ahead: the reduction
    fades in before a peak and out after it).
    """
    gain = 10 ** (gain_db / 20)
    ceiling = 10 ** (ceiling_dbtp / 20)
    allowed = np.ones(len(group_peaks))
    over = group_peaks * gain > ceiling
    if not over.any():
        return allowed
    allowed[over] = ceiling / (group_peaks[over] * gain)
    return np.minimum(_moving_average(_sliding_min(allowed, _FADE + 1), _FADE), 1.0)


def limited_energies(analysis: Analysis, reductions: Floats, gain_db: float) -> Floats:
    """The K-weighted micro-block energies after the gain and the limiter's ``reductions``:
    each micro-block's energy scaled as its plain energy is (group by group)."""
    gain2 = 10 ** (gain_db / 10)
    plain = analysis.group_energies.reshape(-1, MICRO // GROUP)
    reduced = (analysis.group_energies * reductions**2).reshape(-1, MICRO // GROUP)
    total = plain.sum(axis=1)
    scale = np.divide(reduced.sum(axis=1), total, out=np.ones(len(total)), where=total > 0)
    return analysis.k_energies * gain2 * scale


def gained_pcm16(samples: Floats, reductions: Floats, gain_db: float) -> bytes:
    """``samples`` × the gain × the limiter's reductions (interpolated between groups), as
    16-bit PCM, block by block."""
    gain = 10 ** (gain_db / 20)
    centres = np.arange(len(reductions)) * GROUP + (GROUP - 1) / 2
    parts = []
    block = 1 << 18
    for start in range(0, len(samples), block):
        part = samples[start : start + block]
        curve = np.interp(np.arange(start, start + len(part)), centres, reductions)
        parts.append(to_pcm16(part * curve * gain))
    return b"".join(parts)


def to_pcm16(samples: Floats) -> bytes:
    """Float samples → 16-bit little-endian PCM (rounded, clipped to the 16-bit range)."""
    return np.clip(np.rint(samples * 32768.0), -32768, 32767).astype("<i2").tobytes()


def peak_dbtp(peak: float) -> float:
    return 20 * math.log10(peak) if peak > 0 else -math.inf
