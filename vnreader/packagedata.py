"""The one loader of the data files that ship inside vnreader (TSV, TOML, templates, assets).

A missing or unreadable file of the package is a packaging bug, not a user's mistake; every
loader raises it the same way: one :class:`~vnreader.errors.DataError` that names the file
(``vnreader/speech/data/voices.toml: …``). It imports nothing of vnreader but the errors,
so the normalizer can use it and still stand alone.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from vnreader.errors import DataError

__all__ = ["data_path", "iter_data", "read_bytes", "read_text", "read_toml"]


def data_path(package: str, *parts: str) -> Traversable:
    """The file ``parts`` inside ``package`` (e.g. ``"vnreader.speech", "data", "voices.toml"``)."""
    return resources.files(package).joinpath(*parts)


def _where(package: str, parts: tuple[str, ...]) -> str:
    return "/".join([*package.split("."), *parts])


def read_bytes(package: str, *parts: str) -> bytes:
    """The bytes of a file of the package; :class:`DataError` when it cannot be read."""
    try:
        return data_path(package, *parts).read_bytes()
    except (OSError, ModuleNotFoundError) as exc:
        raise DataError(f"{_where(package, parts)}: cannot read: {exc}") from None


def read_text(package: str, *parts: str) -> str:
    """The UTF-8 text of a file of the package; :class:`DataError` when it cannot be read."""
    raw = read_bytes(package, *parts)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{_where(package, parts)}: not UTF-8: {exc}") from None


def read_toml(package: str, *parts: str) -> dict[str, Any]:
    """A TOML file of the package, parsed; :class:`DataError` when it is missing or broken."""
    try:
        return tomllib.loads(read_text(package, *parts))
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{_where(package, parts)}: {exc}") from None


def iter_data(package: str, *parts: str, suffix: str = "") -> Iterator[Traversable]:
    """The files of a folder of the package whose names end with ``suffix``, by name."""
    try:
        entries = sorted(data_path(package, *parts).iterdir(), key=lambda e: e.name)
    except (OSError, ModuleNotFoundError) as exc:
        raise DataError(f"{_where(package, parts)}: cannot list: {exc}") from None
    return (entry for entry in entries if entry.is_file() and entry.name.endswith(suffix))
