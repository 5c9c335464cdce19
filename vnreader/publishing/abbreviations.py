"""Abbreviations marked as the narration expands them: ``<abbr title="Ban Chấp hành">BCH
</abbr>`` on the reading pages, from the same normalizer (dialect and lexicons) the voice
uses."""

from __future__ import annotations

import hashlib
import html
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["ABBREVIATION_CLASSES", "Abbreviations", "lexicon_digest"]


#: The normalizer's classes whose replacements are abbreviations the page shows expanded
#: (``<abbr title="Ban Chấp hành">BCH</abbr>``): the built-in list of abbreviations
#: (``normalizer/data/abbreviations.tsv``), ``BCH``, ``HĐND``, ``đ/c``, ``TP.HCM``, ``v.v.``.
#: Numbers, dates, units and codes are read, not expanded, so they stay plain text.
ABBREVIATION_CLASSES = frozenset({"abbreviations", "definitions"})


class Abbreviations:
    """Marks the abbreviations of a sentence as the narration expands them.

    Uses the same normalizer the narration uses (the portal's dialect and lexicons), so
    the ``title`` of each ``<abbr>`` is exactly what the voice says; a word the lexicon
    says differently is the lexicon's, not an abbreviation, and is left unmarked. One
    object reads one article, in order, as one document, as the narration does: an
    abbreviation the article defines ("Trung tâm … (TTPVHCC)") is marked where it is
    used later.
    """

    def __init__(
        self,
        dialect: str = "north",
        lexicon: Path | None = None,
        portal_lexicon: Path | None = None,
    ) -> None:
        self.dialect = dialect
        self.lexicons = (lexicon, portal_lexicon)
        self._normalizer: Any = None
        self._document: Any = None
        self._ready = False

    def _get(self) -> tuple[Any, Any]:
        if not self._ready:
            self._ready = True
            self._normalizer = _normalizer(
                self.dialect, tuple(_lexicon_stamp(path) for path in self.lexicons)
            )
            if self._normalizer is not None:
                self._document = self._normalizer.document()
        return self._normalizer, self._document

    def html(self, text: str) -> str:
        """``text`` escaped, each expanded abbreviation in a focusable ``<abbr title>``."""
        if not text:
            return ""
        normalizer, document = self._get()
        if normalizer is None or normalizer.prepare(text) != text:
            # Spans index the prepared text (NFC, no zero-width characters); the
            # extractor's text already is in that form, anything else stays unmarked.
            return html.escape(text, quote=False)
        out: list[str] = []
        pos = 0
        for rep in document.explain(text):
            if rep.cls not in ABBREVIATION_CLASSES or rep.start < pos or not rep.spoken:
                continue
            if rep.spoken.strip().casefold() == rep.written.strip().casefold():
                continue
            out.append(html.escape(text[pos : rep.start], quote=False))
            out.append(
                f'<abbr title="{html.escape(rep.spoken)}" tabindex="0">'
                f"{html.escape(text[rep.start : rep.end], quote=False)}</abbr>"
            )
            pos = rep.end
        out.append(html.escape(text[pos:], quote=False))
        return "".join(out)


def _lexicon_stamp(lexicon: Path | None) -> tuple[str | None, int]:
    if lexicon is None:
        return None, 0
    try:
        return str(lexicon), Path(lexicon).stat().st_mtime_ns
    except OSError:
        return str(lexicon), -1


@cache
def _normalizer(dialect: str, lexicons: tuple[tuple[str | None, int], ...]) -> Any:
    """One normalizer per dialect and lexicon files (each with its modification time)."""
    from vnreader.errors import VnreaderError
    from vnreader.normalizer import Normalizer
    from vnreader.normalizer.lexicon import load_lexicon

    try:
        words: dict[str, str] = {}
        for path, _ in lexicons:
            if path is not None:
                words.update(load_lexicon(path))
        return Normalizer(dialect=dialect, lexicon=words or None)
    except VnreaderError:
        # A lexicon that cannot be read fails the narration with its own message; the
        # pages then just show the text as written.
        return None


def lexicon_digest(lexicon: Path | None) -> str | None:
    """The lexicon file's content hash (pages change when it changes), None without one."""
    if lexicon is None:
        return None
    try:
        return hashlib.sha256(Path(lexicon).read_bytes()).hexdigest()
    except OSError:
        return "unreadable"
