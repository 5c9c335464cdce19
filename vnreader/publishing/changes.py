"""Change detection: whether an article's audio is still the one its content and settings ask for.

The *narration key* of an article is the SHA-256 of everything that changes its audio:
the article's canonical JSON (its content hash) together with :data:`NARRATION_FORMAT`,
engine, voice, rate, dialect, portal name, and the entries of the lexicon whose written
form the article contains (so a word added to the lexicon re-narrates only the articles
that use it). The catalog keeps the
key of each narration; the MP3's file name carries its first hex digits. An article is
current when its recorded key equals the key computed now and its three files are on disk
with the recorded size.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from vnreader.config import Settings

if TYPE_CHECKING:
    from vnreader.article import Article
    from vnreader.publishing.catalog import ArticleRow

__all__ = ["NARRATION_FORMAT", "NarrationKeys", "canonical_json", "content_hash", "lexicon_of"]

#: Bump when the audio vnreader makes for the same article and settings changes (assembly,
#: script rules, an engine's defaults): every article is then narrated again on the next
#: run. 2: espeak's defaults chosen by the intelligibility benchmark (119 wpm at 100 %, a
#: 20 ms word gap), normalized articles read as one document.
NARRATION_FORMAT = 2


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
        # The lexicon is part of an article's key only through the entries its text uses:
        # a word added for one article re-narrates that article, not the whole site.
        self.lexicon = lexicon_of(s)
        words = sorted(self.lexicon, key=len, reverse=True)
        self._words = (
            re.compile("|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in words)) if words else None
        )
        fields: list[object] = [
            # The None is where the whole lexicon's hash once was: keys of sites without a
            # lexicon stay what they were.
            NARRATION_FORMAT,
            s.engine,
            self.voice,
            s.rate,
            s.dialect,
            s.portal_name,
            None,
        ]
        if s.pitch and s.engine == "edge":
            # Only where it changes the sound, so that sites without it keep their keys.
            fields.append({"pitch": s.pitch})
        self.settings_key = json.dumps(fields, ensure_ascii=False)

    def lexicon_entries(self, article_json: str) -> list[tuple[str, str]]:
        """The lexicon entries whose written form the article contains (whole words)."""
        if self._words is None:
            return []
        found = set(self._words.findall(article_texts(article_json)))
        return sorted((w, self.lexicon[w]) for w in found)

    def key(self, content_hash: str, article_json: str = "") -> str:
        """The narration key: the article's content, every setting that changes its audio,
        and the lexicon entries it uses."""
        text = f"{self.settings_key}\n{content_hash}"
        entries = self.lexicon_entries(article_json)
        if entries:
            text += "\n" + json.dumps(entries, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()

    def is_current(self, row: ArticleRow) -> bool:
        """Whether ``row``'s audio is on disk, complete, and made under the current key."""
        n = row.narration
        if n is None or n.content_hash != self.key(row.content_hash, row.article_json):
            return False
        if n.fallback and self.settings.fallback is not None:
            return False  # spoken (partly) by the fallback: try the engine again ("heal")
        try:
            return (self.audio / n.file).stat().st_size == n.bytes and all(
                (self.audio / name).is_file() for name in (n.vtt, n.chapters)
            )
        except OSError:
            return False


def lexicon_of(settings: Settings) -> dict[str, str]:
    """The site's lexicon: ``lexicon``, then the portal's own words over it."""
    from vnreader.normalizer.lexicon import load_lexicon

    entries: dict[str, str] = {}
    for path in (settings.lexicon, settings.portal_lexicon):
        if path is not None:
            entries.update(load_lexicon(path))
    return entries


def article_texts(article_json: str) -> str:
    """Every string of the article's JSON (title, blocks, captions …), one per line."""
    out: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(article_json) if article_json else None)
    return "\n".join(out)
