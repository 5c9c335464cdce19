"""Reading user-supplied text safely: every way it can be unusable is a clear InputError."""

from __future__ import annotations

import sys
from pathlib import Path

from vnreader.errors import InputError, VnreaderError

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


def read_input(
    source: str | Path,
    *,
    expected: str = "a text file",
    error: type[VnreaderError] = InputError,
    hint: str = "",
) -> bytes:
    """The bytes of a file, or of standard input when ``source`` is ``"-"``.

    The one friendly reader of the user's files: a missing file, a folder, a file that may
    not be read are each one line, raised as ``error`` (``InputError`` unless the caller
    reads settings, say); ``hint`` follows "no such file" (what to do about it).
    """
    if str(source) == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(source).read_bytes()
    except FileNotFoundError:
        raise error(f"{source}: no such file{hint}") from None
    except IsADirectoryError:
        raise error(f"{source} is a directory, expected {expected}") from None
    except PermissionError:
        raise error(f"{source}: permission denied") from None
    except OSError as exc:
        raise error(f"{source}: cannot read: {exc.strerror or exc}") from None


def input_name(source: str | Path) -> str:
    """How messages name a source: its path, or "standard input" for ``"-"``."""
    return "standard input" if str(source) == "-" else str(source)


def read_source(source: str) -> str:
    """Text of a file path, or of standard input when ``source`` is ``"-"``."""
    return decode_text(read_input(source), input_name(source))
