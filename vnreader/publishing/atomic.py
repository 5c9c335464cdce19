"""Cron-safe file output: atomic, idempotent writes and the one-run-at-a-time lock.

- :func:`write_atomic` writes a temporary file in the destination's folder, fsyncs it and
  moves it into place with :func:`os.replace`, so a reader (a web server, a podcast app)
  sees the old file or the new one, never half of one. When the destination already holds
  exactly these bytes it is not touched at all: its mtime stays, so a web server's
  Last-Modified/ETag stay and podcast apps do not download it again.
- :class:`RunLock` is an advisory ``flock`` on ``DIR/.vnreader.lock``. A second
  ``vnreader publish`` on the same folder waits for the first (or, with ``wait=False``,
  fails at once naming the holder). The kernel releases the lock when its process ends in
  any way, ``kill -9`` included, so a crashed run never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from vnreader.errors import VnreaderError
from vnreader.filemode import file_mode as _file_mode

LOCK_NAME = ".vnreader.lock"


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def _fsync_dir(directory: Path) -> None:
    # The rename itself must reach the disk, or a power cut could bring the old name back.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomic(path: Path, data: bytes) -> bool:
    """Put ``data`` at ``path`` atomically; ``False`` (nothing touched) when already there."""
    path = Path(path)
    if _same_bytes(path, data):
        return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise VnreaderError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _file_mode())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise VnreaderError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise
    _fsync_dir(path.parent)
    return True


def copy_atomic(source: Path, path: Path) -> bool:
    """Copy the file ``source`` to ``path`` as :func:`write_atomic` would write it."""
    try:
        data = Path(source).read_bytes()
    except OSError as exc:
        raise VnreaderError(f"cannot read {source}: {exc.strerror or exc}") from None
    return write_atomic(path, data)


def remove_temporaries(directory: Path) -> int:
    """Delete ``.NAME.*.part`` files a killed run left in ``directory``; how many."""
    removed = 0
    with contextlib.suppress(OSError):
        for entry in Path(directory).iterdir():
            if entry.name.startswith(".") and entry.name.endswith(".part") and entry.is_file():
                with contextlib.suppress(OSError):
                    entry.unlink()
                    removed += 1
    return removed


class RunLock:
    """``with RunLock(lock_file): ...`` — only one publish run per site at a time.

    ``wait=True`` blocks until the other run ends (``on_wait(holder)`` is called once,
    first, so the caller can say why it waits); ``wait=False`` raises
    :class:`VnreaderError` naming the holder's pid and start time.
    """

    def __init__(
        self,
        path: Path,
        *,
        wait: bool = True,
        on_wait: Callable[[str], None] | None = None,
        site: Path | None = None,
    ) -> None:
        #: The lock file (in the site's state folder); ``site`` names the site in messages.
        self.path = Path(path)
        self.site = Path(site) if site is not None else self.path.parent
        self.wait = wait
        self.on_wait = on_wait
        self._fd: int | None = None

    def holder(self) -> str:
        """What the holding run wrote in the lock file: ``pid N since TIME``, or ``""``."""
        try:
            return self.path.read_text("utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return ""

    def acquire(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Opened without O_TRUNC: the holder's line must survive until we hold the lock.
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise VnreaderError(
                f"cannot create the lock file {self.path}: {exc.strerror or exc}"
            ) from None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = self.holder()
                if not self.wait:
                    about = f" ({holder})" if holder else ""
                    raise VnreaderError(
                        f"another vnreader publish is running on {self.site}{about}; "
                        "try again when it ends, or leave out --no-wait to wait for it"
                    ) from None
                if self.on_wait is not None:
                    self.on_wait(holder)
                fcntl.flock(fd, fcntl.LOCK_EX)
            stamp = time.strftime("%Y-%m-%d %H:%M:%S %z")
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()} since {stamp}\n".encode(), 0)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        # The file stays (removing it would race with a waiter that already opened it);
        # only its content is cleared so a stale line never names a finished run.
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


__all__ = ["LOCK_NAME", "RunLock", "copy_atomic", "remove_temporaries", "write_atomic"]
