"""The mode a new file of vnreader gets: what the user's umask gives a plain new file.

Files are written through :func:`tempfile.mkstemp` (atomic writes), whose 0600 would hide
a site or a narration from the web server or the colleague meant to read it; the writers
chmod the temporary file to :func:`file_mode` before moving it into place.
"""

from __future__ import annotations

import os
import threading

__all__ = ["file_mode"]

_UMASK: int | None = None
_LOCK = threading.Lock()


def file_mode() -> int:
    """``0o666`` less the process's umask, read once (reading the umask means setting it)."""
    global _UMASK
    with _LOCK:
        if _UMASK is None:
            _UMASK = os.umask(0)
            os.umask(_UMASK)
        return 0o666 & ~_UMASK
