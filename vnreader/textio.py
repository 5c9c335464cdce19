"""Reading user-supplied text safely: every way it can be unusable is a clear InputError."""

from __future__ import annotations

import sys
from pathlib import Path

from vnreader.errors import InputError

#: Control characters that never occur in text files (tab, newlines, form feed allowed).
_BINARY_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def decode_text(raw: bytes, name: str) -> str:
    """Decode UTF-8 text (a BOM is allowed); binary or non-UTF-8 bytes are an InputError."""
    if not raw.strip():
        raise InputError(f"{name} is empty")
    sample = raw[:8192]
    if (
        b"\x00" in sample
        or sum(sample.count(bytes([b])) for b in _BINARY_BYTES) > len(sample) // 100 + 2
    ):
        raise InputError(f"{name} looks like a binary file, expected UTF-8 text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"{name} is not UTF-8 text (byte 0x{raw[exc.start]:02x} on line {line}); "
            "convert it to UTF-8 first"
        ) from None


def read_source(source: str) -> str:
    """Text of a file path, or of standard input when ``source`` is ``"-"``."""
    if source == "-":
        return decode_text(sys.stdin.buffer.read(), "standard input")
    path = Path(source)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{source}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{source} is a directory, expected a text file") from None
    except PermissionError:
        raise InputError(f"{source}: permission denied") from None
    except OSError as exc:
        raise InputError(f"cannot read {source}: {exc.strerror or exc}") from None
    return decode_text(raw, source)
