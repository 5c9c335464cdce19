"""Vietnamese text normalization for speech: written news text → what a presenter says.

>>> from vnreader.normalizer import normalize
>>> normalize("Hội nghị BCH HU ngày 09 -12-2019")  # doctest: +SKIP
'Hội nghị Ban Chấp hành Huyện ủy ngày chín tháng mười hai năm hai nghìn không trăm mười chín'

The :class:`Normalizer` loads its data once; build one and reuse it. It is pure (no I/O
after construction, no shared mutable state), so one instance may serve many threads.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import overload

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
    shorthand,
    symbols,
    times,
    web,
)
from vnreader.normalizer import lexicon as user_lexicon
from vnreader.normalizer.cardinal import DIALECTS, NumberReader
from vnreader.normalizer.definitions import Definition, find_definitions, mentions
from vnreader.normalizer.engine import Context, Forced, Replacement, Rule, Scanner
from vnreader.normalizer.hygiene import fold_lookalikes
from vnreader.normalizer.sentences import Sentence, split_sentences
from vnreader.normalizer.spacing import INVISIBLE

#: Decimal digits other than ASCII 0-9 (full-width １, Arabic-Indic ٣ …).
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")
#: Where such a digit can be: outside the Latin blocks and general punctuation, which hold
#: no decimal digit but 0-9 (one class, found quickly; the look-ahead above is tried at
#: every character).
_OUTSIDE_LATIN = re.compile(r"[^\x00-\u024f\u1e00-\u1eff\u2000-\u206f]")
#: A text ``prepare`` leaves as it is: Latin, Vietnamese and general punctuation only, with
#: no invisible character (soft hyphen, zero-width ones) and no "Ð"/"ð" (lookalikes of Đ/đ).
_PLAIN = re.compile(
    r"[\x00-\xac\xae-\xcf\xd1-\xef\xf1-\u024f\u1e00-\u1eff\u2000-\u200a\u200e-\u205f\u2061-\u206f]*"
)

__all__ = [
    "DIALECTS",
    "Document",
    "Normalizer",
    "Replacement",
    "Sentence",
    "normalize",
    "spelled_abbreviations",
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
    shorthand,
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
        return self._run(text, spans=False)[0]

    def explain(self, text: str) -> list[Replacement]:
        """The replacements made on ``text``: spans in the written text and in the output."""
        return self._run(text)[1]

    def normalize_with_spans(self, text: str) -> tuple[str, list[Replacement]]:
        """Both at once: the spoken text and its replacements."""
        return self._run(text)

    def document(self) -> Document:
        """A document context: texts normalized through it, in order, share the
        abbreviations defined in them ("Trung tâm Phục vụ hành chính công (TTPVHCC)" in
        one paragraph, "TTPVHCC" in the next). See :class:`Document`."""
        return Document(self)

    @overload
    def normalize_document(self, parts: str) -> str: ...  # type: ignore[overload-overlap]
    @overload
    def normalize_document(self, parts: Sequence[str]) -> list[str]: ...
    def normalize_document(self, parts: str | Sequence[str]) -> str | list[str]:
        """Normalize one article: a whole text, or its parts (paragraphs, sentences) in
        reading order, whose definitions carry to the parts after them."""
        if isinstance(parts, str):
            return self.normalize(parts)
        doc = self.document()
        return [doc.normalize(p) for p in parts]

    @staticmethod
    def prepare(text: str) -> str:
        """The form of ``text`` that spans index: NFC, without zero-width characters,
        lookalike letters folded (Latin "Ð" typed for "Đ", Cyrillic "о" inside a
        Vietnamese word: see ``hygiene.py``). Preparing a prepared text gives it back.

        Text from vnreader's extractor is already in this form, so its spans index it
        directly.
        """
        if text.isascii():
            return text
        nfc = unicodedata.normalize("NFC", text)
        if _PLAIN.fullmatch(nfc) is not None:
            return nfc  # nothing below would change it (most texts: one quick test)
        # invisible characters out first: one between a letter and its accent ("a\u00ad\u0301")
        # would keep the two apart through NFC
        text = unicodedata.normalize("NFC", INVISIBLE.sub("", text))
        folded = fold_lookalikes(text)
        if folded != text:
            # a folded letter may take the accent after it ("а" + U+0301 → "á"): the
            # result is a fixed point, so prepared text (the extractor's) prepares to itself
            text = unicodedata.normalize("NFC", folded)
        if _OUTSIDE_LATIN.search(text) and _OTHER_DIGIT.search(text):
            # Full-width and other decimal digits become ASCII (same length: spans hold).
            text = _OTHER_DIGIT.sub(lambda m: str(unicodedata.decimal(m.group(0))), text)
        return text

    def _run(
        self, text: str, carried: dict[str, Definition] | None = None, *, spans: bool = True
    ) -> tuple[str, list[Replacement]]:
        if not isinstance(text, str):
            raise TypeError(f"normalize() takes str, not {type(text).__name__}")
        text = self.prepare(text)
        ctx = Context(text, self.dialect, self.numbers)
        found = [d for d in find_definitions(text) if not _builtin_agrees(d)] if "(" in text else []
        if not found and not carried:
            return self._scanner.run(text, ctx, spans=spans)
        known = dict(carried or {})
        for d in found:
            known[d.abbr] = d
        forced = []
        for start, end, d in mentions(text, known):
            spoken = d.reading
            if _sentence_start(text, start):
                spoken = spoken[:1].upper() + spoken[1:]
            where = "in the text" if d.end else "earlier in the document"
            forced.append(
                Forced(start, end, spoken, "definitions", f"defined {where}: {d.written}")
            )
        if carried is not None:
            for d in found:
                carried[d.abbr] = dataclasses.replace(d, start=0, end=0)
        return self._scanner.run(text, ctx, forced, spans=spans)


class Document:
    """A document normalized piece by piece (an article's title, paragraphs, captions).

    An abbreviation defined in a piece ("Hội Liên hiệp Thanh niên (LHTN)", "TTXH (trật tự
    xã hội)") is read as defined in the rest of that piece and in every later piece;
    :meth:`explain` gives such readings the class ``definitions`` and a ``note`` naming
    the definition. Build one per article with :meth:`Normalizer.document`.
    """

    def __init__(self, normalizer: Normalizer) -> None:
        self._normalizer = normalizer
        self._definitions: dict[str, Definition] = {}

    @property
    def definitions(self) -> dict[str, str]:
        """The abbreviations defined so far and how they are read."""
        return {k: d.reading for k, d in self._definitions.items()}

    def normalize(self, text: str) -> str:
        """The spoken form of the next piece of the document."""
        return self._normalizer._run(text, self._definitions, spans=False)[0]

    def explain(self, text: str) -> list[Replacement]:
        """The replacements made on the next piece of the document."""
        return self._normalizer._run(text, self._definitions)[1]

    def normalize_with_spans(self, text: str) -> tuple[str, list[Replacement]]:
        """Both at once, for the next piece of the document."""
        return self._normalizer._run(text, self._definitions)


def spelled_abbreviations(replacements: Sequence[Replacement], text: str = "") -> list[str]:
    """The abbreviations a text had to spell letter by letter (no table, no definition in
    the text knew them), in order, each once: what ``vnreader normalize --check`` lists
    so that staff add them to their lexicon.

    An abbreviation here is a token of two letters or more, at least two of them
    capitals, standing on its own (not glued to a word before it: "cỡ chữAA"), that the
    ``letters`` class read as more than one letter name; a capitalised word read as a
    word ("HUYỆN" → *huyện*) is not one. ``text`` (prepared, as the spans index it) lets
    a token glued to the word before it be left out.
    """
    out: list[str] = []
    for r in replacements:
        if r.cls != "letters" or len(r.spoken.split()) < 2:
            continue
        if text and r.start > 0 and text[r.start - 1].isalpha():
            continue
        if sum(ch.isupper() for ch in r.written) < 2 or r.written in out:
            continue
        out.append(r.written)
    return out


def _builtin_agrees(d: Definition) -> bool:
    """A definition that only restates the built-in reading ("Ủy ban nhân dân (UBND)") is
    left to the built-in table, which knows the capitals and the context rules."""
    builtin = abbreviations.expand(d.spelled)
    if builtin is None:
        return False
    return _WORDS.findall(builtin.casefold()) == _WORDS.findall(d.reading.casefold())


_WORDS = re.compile(r"[^\W_]+")


_SENTENCE_END = frozenset(".!?…\n")


def _sentence_start(text: str, pos: int) -> bool:
    """Whether ``pos`` begins a sentence: nothing but spaces, quotes or an opening
    parenthesis between it and the start of the text or the end of the last sentence."""
    i = pos - 1
    while i >= 0 and text[i] in " \t\"“‘'(":
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


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
