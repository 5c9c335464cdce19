"""espeak-ng voice files: read and checked once, and handed to the library by a short path.

A voice file (espeak-ng's ``docs/voices.md``) sets what the API cannot: formants, the tone
equalizer, breath noise, voicing and consonant strength, echo, stress lengths… vnreader
ships one for the northern voice (``vnreader/speech/data/espeak-vi-north.voice``) and
accepts others by path; :mod:`vnreader.speech.engines.espeak` loads them.
"""

from __future__ import annotations

import atexit
import copy
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Union

from vnreader.errors import VnreaderError

#: Where vnreader's voice files live.
DATA_DIR = Path(__file__).resolve().parent.parent / "data"

#: espeak_ng_SetVoiceByFile copies the path into a 60-byte buffer and lower-cases it, and
#: keeps it with a ``+variant`` appended in a 40-byte buffer it does not check (a longer one
#: aborts the process), so a voice file is handed to it as a copy under a short, lower-case
#: temporary path, and path and variant together must fit in 39 bytes.
MAX_VOICE_PATH = 39
#: A voice file is a few lines; a larger file is not one.
_MAX_VOICE_FILE_BYTES = 16_384
#: espeak-ng reads a voice file in lines of about 120 bytes.
_MAX_LINE_BYTES = 100

#: What ``EspeakEngine(voice_file=…)`` accepts: True (vnreader's tuned file where there is
#: one), False (espeak's own voice), or the path of an espeak-ng voice file.
VoiceFileChoice = Union[bool, str, "os.PathLike[str]"]


def read_bytes(path: Path, what: str) -> bytes:
    """The bytes of ``path``, or a one-line error naming it as ``what``."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise VnreaderError(f"{what} {path} cannot be read: {exc.strerror or exc}") from None


class VoiceFile:
    """An espeak-ng voice file, read and checked once: its text, name and digest.

    The file must be UTF-8 text of attribute lines (``name``, ``language``, ``formant``,
    ``tone``…, see espeak-ng's docs/voices.md) whose first ``language`` is Vietnamese
    (``vi``…), since the engine speaks Vietnamese only. A file that is not is refused with
    a one-line error; espeak itself would ignore unknown lines or fall back to English.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        raw = read_bytes(self.path, "espeak voice file")
        if len(raw) > _MAX_VOICE_FILE_BYTES or b"\x00" in raw:
            raise VnreaderError(f"espeak voice file {self.path} is not an espeak-ng voice file")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise VnreaderError(f"espeak voice file {self.path} is not UTF-8 text") from None
        name = ""
        language = ""
        lines = text.splitlines()
        long_lines = [n for n, line in enumerate(lines, 1) if len(line.encode()) > _MAX_LINE_BYTES]
        if long_lines:
            # espeak-ng reads a voice file in lines of about 120 bytes and would take the
            # rest of a longer line for an attribute of its own.
            raise VnreaderError(
                f"espeak voice file {self.path}: line {long_lines[0]} is longer than "
                f"{_MAX_LINE_BYTES} bytes"
            )
        for line in lines:
            words = line.split("//", 1)[0].split()
            if not words or line.startswith("#"):
                continue
            if words[0] == "name" and len(words) > 1 and not name:
                name = " ".join(words[1:])
            elif words[0] == "language" and len(words) > 1 and not language:
                language = words[1].lower()
        if language.split("-")[0] != "vi":
            raise VnreaderError(
                f"espeak voice file {self.path} is not a Vietnamese espeak-ng voice file "
                f"(its first 'language' line must name vi, found {language or 'none'!r})"
            )
        self.text = text
        self.name = name
        self.digest = hashlib.sha256(raw).hexdigest()

    @property
    def label(self) -> str:
        """What the cache key names: the file's stem and the start of its digest."""
        return f"{self.path.name}-{self.digest[:16]}"

    def with_phonemes(self, table: str) -> VoiceFile:
        """This voice file speaking with the espeak phoneme table ``table`` (a ``phonemes``
        line after its ``language``, which would otherwise choose the language's table)."""
        toned = copy.copy(self)
        toned.text = f"{self.text.rstrip()}\n\nphonemes {table}\n"
        toned.digest = hashlib.sha256(toned.text.encode("utf-8")).hexdigest()
        return toned


class ShortCopies:
    """Copies of voice files in one short, lower-case temporary folder, one per content,
    made on first use and removed at exit. Use only while holding the engine's lock."""

    def __init__(self) -> None:
        self._paths: dict[str, str] = {}
        self._folder: str | None = None

    def path(self, voice_file: VoiceFile) -> str:
        """A path the library can open for ``voice_file`` (a copy of its text)."""
        known = self._paths.get(voice_file.digest)
        if known is not None and os.path.exists(known):
            return known
        if self._folder is None or not os.path.isdir(self._folder):
            self._folder = _short_folder()
            atexit.register(_remove_folder, self._folder)
        path = os.path.join(self._folder, voice_file.digest[:8])
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(voice_file.text)
        self._paths[voice_file.digest] = path
        return path


def _short_folder() -> str:
    """A new private folder whose path, with an 8-character file name, fits the library."""
    for parent in (tempfile.gettempdir(), "/tmp"):
        try:
            candidate = tempfile.mkdtemp(prefix="vnr-", dir=parent)
        except OSError:
            continue
        if (
            len(os.fsencode(candidate)) + 9 <= MAX_VOICE_PATH
            and candidate == candidate.lower()
            and candidate.isascii()
        ):
            return candidate
        os.rmdir(candidate)
    raise VnreaderError(
        "espeak-ng can only load a voice file from a short lower-case path; "
        "set TMPDIR to such a folder (e.g. /tmp)"
    )


def _remove_folder(folder: str) -> None:
    """Remove vnreader's copies of voice files (and the folder), at exit."""
    try:
        for name in os.listdir(folder):
            os.unlink(os.path.join(folder, name))
        os.rmdir(folder)
    except OSError:
        pass
