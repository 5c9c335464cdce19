"""Vietnamese text normalization for speech: written news text → what a presenter says.

>>> from vnreader.normalizer import normalize
>>> normalize("Hội nghị BCH HU ngày 09 -12-2019")  # doctest: +SKIP
'Hội nghị Ban Chấp hành Huyện ủy ngày chín tháng mười hai năm hai nghìn không trăm mười chín'

The :class:`Normalizer` loads its data once; build one and reuse it. It is pure (no I/O
after construction, no shared mutable state), so one instance may serve many threads.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path

from vnreader.errors import VnreaderError
from vnreader.normalizer import (
    abbreviations,
    cardinal,
    codes,
    dates,
    letters,
    loanwords,
    measures,
    money,
    orthography,
    ranges,
    roman,
    symbols,
    times,
    web,
)
from vnreader.normalizer import lexicon as user_lexicon
from vnreader.normalizer.cardinal import DIALECTS, NumberReader
from vnreader.normalizer.engine import _INVISIBLE, Context, Replacement, Rule, Scanner
from vnreader.normalizer.sentences import Sentence, split_sentences

#: Decimal digits other than ASCII 0-9 (full-width １, Arabic-Indic ٣ …).
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")

__all__ = [
    "DIALECTS",
    "Normalizer",
    "Replacement",
    "Sentence",
    "normalize",
    "split_sentences",
]

#: Rule modules in priority order: where two classes match at the same place, the one
#: listed first is asked first (and may decline). The order encodes which reading wins:
#: a URL before its digits, "05-CT/TW" (a document) before "05-12" (a date), a date
#: before a range, a range before a bare number, abbreviations before spelling letters.
RULE_MODULES = (
    web,
    codes,
    dates,
    times,
    ranges,
    money,
    measures,
    roman,
    orthography,
    loanwords,
    abbreviations,
    letters,
    cardinal,
    symbols,
)


def builtin_rules() -> list[Rule]:
    """All built-in rules, in priority order."""
    out: list[Rule] = []
    for module in RULE_MODULES:
        out.extend(module.rules())
    return out


class Normalizer:
    """Turns written Vietnamese into its spoken form; build once, reuse.

    ``dialect`` is ``"north"`` (nghìn, linh) or ``"south"`` (ngàn, lẻ). ``lexicon`` is a
    TSV file (``written<TAB>spoken``) or a mapping of whole words to say differently;
    it is applied before every built-in rule.
    """

    def __init__(
        self,
        *,
        dialect: str = "north",
        lexicon: str | Path | Mapping[str, str] | None = None,
    ) -> None:
        if dialect not in DIALECTS:
            raise VnreaderError(f"unknown dialect {dialect!r}: use one of {', '.join(DIALECTS)}")
        self.dialect = dialect
        self.numbers = NumberReader(dialect)
        user = user_lexicon.load_lexicon(lexicon)
        self._scanner = Scanner([*user_lexicon.rules(user), *_builtin_rules_cached()])

    def normalize(self, text: str) -> str:
        """The spoken form of ``text``."""
        return self._run(text)[0]

    def explain(self, text: str) -> list[Replacement]:
        """The replacements made on ``text``: spans in the written text and in the output."""
        return self._run(text)[1]

    def normalize_with_spans(self, text: str) -> tuple[str, list[Replacement]]:
        """Both at once: the spoken text and its replacements."""
        return self._run(text)

    @staticmethod
    def prepare(text: str) -> str:
        """The form of ``text`` that spans index: NFC, without zero-width characters.

        Text from vnreader's extractor is already in this form, so its spans index it
        directly.
        """
        if text.isascii():
            return text
        text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
        if _OTHER_DIGIT.search(text):
            # Full-width and other decimal digits become ASCII (same length: spans hold).
            text = _OTHER_DIGIT.sub(lambda m: str(unicodedata.decimal(m.group(0))), text)
        return text

    def _run(self, text: str) -> tuple[str, list[Replacement]]:
        if not isinstance(text, str):
            raise TypeError(f"normalize() takes str, not {type(text).__name__}")
        text = self.prepare(text)
        return self._scanner.run(text, Context(text, self.dialect, self.numbers))


@functools.cache
def _builtin_rules_cached() -> tuple[Rule, ...]:
    return tuple(builtin_rules())


@functools.cache
def _default(dialect: str) -> Normalizer:
    return Normalizer(dialect=dialect)


def normalize(
    text: str,
    *,
    dialect: str = "north",
    lexicon: str | Path | Mapping[str, str] | None = None,
) -> str:
    """Normalize ``text`` with a shared :class:`Normalizer` (built on first use)."""
    if lexicon is None:
        return _default(dialect).normalize(text)
    return Normalizer(dialect=dialect, lexicon=lexicon).normalize(text)
