"""The user lexicon: whole-word replacements a user supplies, applied before every rule.

A lexicon file is UTF-8 TSV, ``written<TAB>spoken`` per line, ``#`` comments. Matching is
whole-word and case-sensitive (``"TH"`` is not ``"th"``); longer entries win over shorter
ones that start at the same place.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from vnreader.errors import LexiconError, VnreaderError
from vnreader.normalizer.data import parse_tsv
from vnreader.normalizer.engine import Context, Rule


def load_lexicon(source: str | Path | Mapping[str, str] | None) -> dict[str, str]:
    """Read a lexicon from a TSV file path or take a mapping as it is."""
    if source is None:
        return {}
    if isinstance(source, Mapping):
        return {str(k): str(v) for k, v in source.items() if str(k).strip()}
    path = Path(source)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise LexiconError(f"lexicon file not found: {path}") from None
    except OSError as exc:
        raise LexiconError(f"cannot read lexicon file {path}: {exc.strerror or exc}") from None
    if b"\x00" in raw:
        raise LexiconError(f"lexicon file {path} is binary, expected UTF-8 TSV text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LexiconError(f"lexicon file {path} is not UTF-8 (byte {exc.start})") from None
    try:
        rows = parse_tsv(text, str(path))
    except VnreaderError as exc:
        raise LexiconError(str(exc)) from None
    return {row[0]: row[1] for row in rows}


def rules(entries: Mapping[str, str]) -> list[Rule]:
    """One rule matching any entry as a whole word."""
    if not entries:
        return []
    table = dict(entries)
    keys = sorted(table, key=len, reverse=True)
    alternation = "|".join(re.escape(k) for k in keys)
    # Whole word: not inside a longer word on either side.
    pattern = rf"(?:{alternation})(?!(?<=\w)\w)"

    def handler(m: re.Match[str], ctx: Context) -> str | None:
        return table.get(m.group(0))

    return [Rule("lexicon", pattern, handler, bounded=True)]
