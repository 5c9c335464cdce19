"""``vnreader lexicon add|list|remove``: the staff fix a pronunciation, the next run applies it.

A lexicon is a UTF-8 TSV file, ``written<TAB>spoken`` per line (see
:mod:`vnreader.normalizer.lexicon`). The shared one is ``lexicon`` from vnreader.toml (by
default ``lexicon.tsv`` beside it); a portal's own words go to ``lexicon-NAME.tsv`` beside
it and apply over the shared ones. Editing keeps every other line and comment as it was and
replaces the file atomically.

Because an article's narration key holds the lexicon entries its text uses
(:mod:`vnreader.publishing.changes`), the next publish narrates again exactly the articles that
contain the word, synthesizing only their sentences that changed; guids stay.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from vnreader.config import DEFAULT_LEXICON, Config, Settings, portal_lexicon_name
from vnreader.errors import InputError
from vnreader.publishing.atomic import write_atomic

__all__ = ["LexiconFile", "affected_articles", "lexicon_file"]

_HEADER = (
    "# vnreader lexicon: how the voice says a word. One entry per line: the word as written,\n"
    "# a TAB, how to say it. Whole words, case-sensitive. Edit with 'vnreader lexicon'.\n"
)


def lexicon_file(config: Config, settings: Settings, *, portal: str | None) -> Path:
    """The file ``vnreader lexicon`` edits: the portal's own words with ``--portal``, else
    the shared lexicon (``lexicon`` from the settings, or ``lexicon.tsv`` beside them)."""
    folder = config.path.resolve().parent if config.path is not None else Path.cwd()
    if portal is not None:
        return settings.portal_lexicon or folder / portal_lexicon_name(portal)
    return settings.lexicon or folder / DEFAULT_LEXICON


@dataclass
class LexiconFile:
    """One lexicon file, read for editing (a missing file is an empty lexicon)."""

    path: Path

    def lines(self) -> list[str]:
        try:
            return self.path.read_text("utf-8-sig").splitlines()
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the lexicon {self.path}: {exc}") from None

    def entries(self) -> list[tuple[str, str]]:
        out = []
        for line in self.lines():
            if line.strip() and not line.lstrip().startswith("#") and "\t" in line:
                written, spoken = line.split("\t", 1)
                out.append((written.strip(), spoken.strip()))
        return out

    def add(self, written: str, spoken: str) -> str | None:
        """Add or replace ``written``; the spoken form it had before, if any."""
        written, spoken = _clean(written, "WRITTEN"), _clean(spoken, "SPOKEN")
        lines = self.lines() or _HEADER.splitlines()
        before = None
        for i, line in enumerate(lines):
            if _written(line) == written:
                before = line.split("\t", 1)[1].strip()
                lines[i] = f"{written}\t{spoken}"
                break
        else:
            lines.append(f"{written}\t{spoken}")
        self._write(lines)
        return before

    def remove(self, written: str) -> bool:
        lines = self.lines()
        kept = [line for line in lines if _written(line) != written.strip()]
        if len(kept) == len(lines):
            return False
        self._write(kept)
        return True

    def _write(self, lines: list[str]) -> None:
        try:
            write_atomic(self.path, ("\n".join(lines) + "\n").encode("utf-8"))
        except OSError as exc:
            raise InputError(
                f"cannot write the lexicon {self.path}: {exc.strerror or exc}"
            ) from None


def _written(line: str) -> str | None:
    if not line.strip() or line.lstrip().startswith("#") or "\t" not in line:
        return None
    return line.split("\t", 1)[0].strip()


def _clean(text: str, what: str) -> str:
    text = text.strip()
    if not text:
        raise InputError(f"{what} must not be empty")
    if "\t" in text or "\n" in text or "\r" in text:
        raise InputError(f"{what} must be one line without tabs: {text!r}")
    return text


def affected_articles(settings: Settings, out_dir: Path, written: str) -> list[str]:
    """Titles of the published articles whose text contains ``written`` as a whole word."""
    from vnreader.publishing.catalog import Catalog
    from vnreader.publishing.changes import article_texts
    from vnreader.publishing.pipeline import site_state

    path = site_state(out_dir, settings).catalog
    if not path.is_file():
        return []
    pattern = re.compile(rf"(?<!\w){re.escape(written.strip())}(?!\w)")
    with Catalog(path, read_only=True) as catalog:
        withdrawn = catalog.withdrawals()
        return [
            row.title
            for row in catalog.articles()
            if row.source not in withdrawn and pattern.search(article_texts(row.article_json))
        ]


def dumps(entries: list[tuple[str, str, Path]]) -> str:
    """``vnreader lexicon list --json``."""
    return json.dumps(
        [{"written": w, "spoken": s, "file": str(f)} for w, s, f in entries],
        ensure_ascii=False,
        indent=2,
    )
