"""The one exception family of vnreader: every exception the library raises is here.

Every error a user can cause (bad input, a missing file, a bad setting) is a
``VnreaderError``. The command line turns it into a one-line message on stderr and exit
code 2; anything else that escapes is a bug and keeps its traceback.
"""

from __future__ import annotations


class VnreaderError(Exception):
    """Base class: a problem with the user's input, files or settings."""


class InputError(VnreaderError):
    """The input text or file cannot be used (missing, binary, undecodable, empty)."""


class LexiconError(VnreaderError):
    """A user lexicon file is missing, unreadable or malformed."""


class DataError(VnreaderError):
    """A data file shipped with vnreader is broken (a packaging bug, reported clearly)."""


class ExtractError(VnreaderError):
    """A page is not an article vnreader can read (not HTML, no article found)."""


class FetchError(VnreaderError):
    """A URL could not be fetched (unreachable, HTTP error, too large, redirect loop).

    ``status`` is the HTTP status when the server answered with an error, else None.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class ConfigError(VnreaderError):
    """A settings file or value cannot be used (one line: file, key, reason)."""


class CatalogError(VnreaderError):
    """The catalog file cannot be used (damaged, or written by a newer vnreader)."""


class FeedError(VnreaderError):
    """A feed cannot be written as asked (an item without a length, an unknown category...)."""


class EngineError(VnreaderError):
    """An engine could not speak a sentence: offline, refused, rate-limited, garbage, silence.

    Narration with a fallback engine catches exactly this class: the sentence (and the rest
    of the article) goes to the fallback. Bad settings (an unknown voice, a rate out of range)
    are plain :class:`VnreaderError`: a fallback would not fix them.
    """


class VoiceError(VnreaderError):
    """A voice cannot be found, installed or loaded (one line: which and why)."""
