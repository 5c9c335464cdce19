"""MP3 frames: count them, join independently encoded pieces, and write the Info header.

Assembly encodes a narration piece by piece (assemble.py). LAME starts every piece with no
bit-reservoir debt, so the frames of pieces encoded separately, put one after the other,
are a valid MP3 stream. Played back, each piece begins with the encoder's and decoder's
delay (576 + 529 samples) and ends with LAME's padding; a piece of ``k × 1152`` samples
always comes out as ``k + 1`` frames, so every joint adds exactly one frame (1152 samples,
26 ms) of silence, which the layout counts as part of the pause there.

The whole file gets one Xing "Info" frame (CBR) with a LAME extension, as ffmpeg writes it:
frame and byte counts, a seek table, and the encoder delay and padding of the whole stream,
so players that honour them (gapless playback) drop the first piece's delay and the last
piece's padding and the audio begins and ends exactly where the cues say. Its two CRCs are
CRC-16 (polynomial 0x8005, reflected, as ffmpeg's ``AV_CRC_16_ANSI_LE``): one over the audio
frames, one over the first 190 bytes of the Info frame with its own field zeroed.
"""

from __future__ import annotations

from vnreader.errors import VnreaderError

#: Samples per MPEG-1 Layer III frame.
FRAME = 1152
#: LAME's encoder delay, and what an MP3 decoder adds to it.
ENCODER_DELAY = 576
DECODER_DELAY = 529

_BITRATES_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_RATES = (44100, 48000, 32000)


def _crc_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_CRC = _crc_table()


def crc16(data: bytes, crc: int = 0) -> int:
    """CRC-16/ARC of ``data`` (continuing from ``crc``)."""
    for byte in data:
        crc = (crc >> 8) ^ _CRC[(crc ^ byte) & 0xFF]
    return crc


def frame_size(header: bytes) -> int:
    """The length in bytes of the MPEG-1 Layer III frame that starts with ``header``."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xFE != 0xFA:
        raise VnreaderError("the MP3 encoder gave something that is not an MPEG-1 Layer III frame")
    bitrate = header[2] >> 4
    rate = (header[2] >> 2) & 3
    if not 0 < bitrate < len(_BITRATES_KBPS) or rate >= len(_RATES):
        raise VnreaderError("the MP3 encoder gave a frame with a reserved bitrate or rate")
    return 144 * _BITRATES_KBPS[bitrate] * 1000 // _RATES[rate] + ((header[2] >> 1) & 1)


def count_frames(data: bytes) -> int:
    """How many frames ``data`` holds; it must be whole frames and nothing else."""
    at = count = 0
    while at < len(data):
        at += frame_size(data[at : at + 4])
        count += 1
    if at != len(data):
        raise VnreaderError("the MP3 encoder's output ends in the middle of a frame")
    return count


def info_frame(
    first_header: bytes, frames: int, audio: bytes, *, padding: int, crc: int | None = None
) -> bytes:
    """The Info (CBR Xing) frame with a LAME extension for ``frames`` audio frames ``audio``.

    ``first_header`` is the 4-byte header of the first audio frame (its padding bit cleared
    here); ``padding`` the samples after the last input sample that players should drop;
    ``crc`` the CRC-16 of ``audio`` when it is known (else computed).
    """
    header = bytearray(first_header[:4])
    header[2] &= 0xFD
    size = frame_size(bytes(header))
    mono = (header[3] >> 6) == 3
    side_info = 17 if mono else 32
    frame = bytearray(size)
    frame[0:4] = header
    at = 4 + side_info
    total = size + len(audio)
    frame[at : at + 4] = b"Info"
    frame[at + 4 : at + 8] = (0x0F).to_bytes(4, "big")  # frames, bytes, TOC, quality
    frame[at + 8 : at + 12] = frames.to_bytes(4, "big")
    frame[at + 12 : at + 16] = total.to_bytes(4, "big")
    # The seek table: where (as 1/256 of the file) each percent of the playing time starts.
    # CBR frames all have (about) the same size, so that is proportional.
    per_frame = len(audio) / max(1, frames)
    toc = bytes(
        min(255, int((size + (i * frames // 100) * per_frame) * 256 // total)) for i in range(100)
    )
    frame[at + 16 : at + 116] = toc
    # at + 116: quality, 4 bytes, 0.
    lame = at + 120
    frame[lame : lame + 9] = b"LAME3.100"
    # lame + 9 .. + 20: revision, lowpass, replay gain, flags, bitrate: all 0 (unknown).
    if not 0 <= padding < 4096:
        raise ValueError(f"padding {padding} does not fit the LAME header")
    delays = (ENCODER_DELAY << 12) | padding
    frame[lame + 21 : lame + 24] = delays.to_bytes(3, "big")
    frame[lame + 28 : lame + 32] = total.to_bytes(4, "big")
    music_crc = crc16(audio) if crc is None else crc
    frame[lame + 32 : lame + 34] = music_crc.to_bytes(2, "big")
    frame[lame + 34 : lame + 36] = crc16(bytes(frame[:190])).to_bytes(2, "big")
    return bytes(frame)


def _zero_byte_columns() -> tuple[int, ...]:
    """The CRC register after one zero byte, for each of the 16 single-bit registers."""
    return tuple((1 << bit >> 8) ^ _CRC[(1 << bit) & 0xFF] for bit in range(16))


def _apply(columns: tuple[int, ...], value: int) -> int:
    out = 0
    bit = 0
    while value:
        if value & 1:
            out ^= columns[bit]
        value >>= 1
        bit += 1
    return out


def _square(columns: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(_apply(columns, c) for c in columns)


_POWERS = [_zero_byte_columns()]
for _ in range(40):
    _POWERS.append(_square(_POWERS[-1]))


def crc16_combine(first: int, second: int, second_length: int) -> int:
    """The CRC-16/ARC of A + B from A's and B's (B ``second_length`` bytes long).

    The CRC is linear: A's register is carried through B's length in zero bytes (by
    repeated squaring of the one-zero-byte operator), then B's own CRC added.
    """
    crc, n, k = first, second_length, 0
    while n:
        if n & 1:
            crc = _apply(_POWERS[k], crc)
        n >>= 1
        k += 1
    return crc ^ second
