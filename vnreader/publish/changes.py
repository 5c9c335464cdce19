"""Change detection: whether an article's audio is still the one its content and settings ask for.

The *narration key* of an article is the SHA-256 of everything that changes its audio:
the article's canonical JSON (its content hash) together with :data:`NARRATION_FORMAT`,
engine, voice, rate, dialect, portal name and the lexicon's bytes. The catalog keeps the
key of each narration; the MP3's file name carries its first hex digits. An article is
current when its recorded key equals the key computed now and its three files are on disk
with the recorded size.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from vnreader.config import Settings
from vnreader.errors import VnreaderError

if TYPE_CHECKING:
    from vnreader.article import Article
    from vnreader.publish.catalog import ArticleRow

__all__ = ["NARRATION_FORMAT", "NarrationKeys", "canonical_json", "content_hash"]

#: Bump when the audio vnreader makes for the same article and settings changes (assembly,
#: script rules): every article is then narrated again on the next run.
NARRATION_FORMAT = 1


def canonical_json(article: Article) -> str:
    """The article as canonical JSON: what its content hash is taken of."""
    return json.dumps(article.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def content_hash(article_json: str) -> str:
    return hashlib.sha256(article_json.encode("utf-8")).hexdigest()


@dataclass
class NarrationKeys:
    """Narration keys under one site's settings (``voice``: the voice actually used)."""

    settings: Settings
    voice: str
    audio: Path
    settings_key: str = field(init=False)

    def __post_init__(self) -> None:
        s = self.settings
        lexicon = None
        if s.lexicon is not None:
            try:
                lexicon = hashlib.sha256(Path(s.lexicon).read_bytes()).hexdigest()
            except OSError as exc:
                raise VnreaderError(
                    f"cannot read the lexicon {s.lexicon}: {exc.strerror or exc}"
                ) from None
        self.settings_key = json.dumps(
            [NARRATION_FORMAT, s.engine, self.voice, s.rate, s.dialect, s.portal_name, lexicon],
            ensure_ascii=False,
        )

    def key(self, content_hash: str) -> str:
        """The narration key: the article's content and every setting that changes audio."""
        return hashlib.sha256(f"{self.settings_key}\n{content_hash}".encode()).hexdigest()

    def is_current(self, row: ArticleRow) -> bool:
        """Whether ``row``'s audio is on disk, complete, and made under the current key."""
        n = row.narration
        if n is None or n.content_hash != self.key(row.content_hash):
            return False
        if n.fallback and self.settings.fallback is not None:
            return False  # spoken (partly) by the fallback: try the engine again ("heal")
        try:
            return (self.audio / n.file).stat().st_size == n.bytes and all(
                (self.audio / name).is_file() for name in (n.vtt, n.chapters)
            )
        except OSError:
            return False
