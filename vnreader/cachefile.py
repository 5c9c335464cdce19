"""One writer for vnreader's cache files (compiled expressions, fetched pages, loudness
data and MP3 pieces): the bytes go to a temporary file beside the final one, which is then
renamed over it, so a reader never sees half a file and an interrupted write leaves none.

Cache files are not fsynced: a file lost in a crash is made again. What is served or
published is written by :func:`vnreader.publishing.atomic.write_atomic` instead.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["write_cache_file"]


def write_cache_file(path: Path, data: bytes) -> None:
    """Put ``data`` at ``path`` (its folder made if needed); ``OSError`` when it cannot."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
