"""Splitting Vietnamese text into sentences, with the spans later stages display.

A sentence ends at ".", "!", "?", "…" (or the end mark "./.") followed by a space and a
capital letter, digit or opening quote, and always at a line break. It does not end
after a dotted abbreviation that introduces a name ("TP. Rạch Giá", "ThS. Lê Văn A",
"đ/c. Cao Hữu Đạt"), after a single capital initial ("Nguyễn V. An"), inside numbers
("1.234") or in "v.v." followed by a lower-case word.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from vnreader.normalizer.data import read_tsv


@dataclass(frozen=True)
class Sentence:
    """A sentence of the written text: ``text == source[start:end]``."""

    start: int
    end: int
    text: str


# End punctuation, optional closing quotes/brackets, then the space before the next one.
_BOUNDARY = re.compile(r"(?:\./\.|\.{2,}|[.!?…]+)[”\"’')\]]*(?=\s|$)|\n")
_NEXT_STARTS = re.compile(r"\s*[“\"‘'(\[-]*[\d\w]")


@functools.cache
def _nonfinal() -> frozenset[str]:
    return frozenset(row[0] for row in read_tsv("sentence_abbreviations.tsv"))


_TOKEN_BEFORE = re.compile(r"(\S+)$")


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` with their spans; whitespace between them is not included."""
    out: list[Sentence] = []
    nonfinal = _nonfinal()
    start = 0
    n = len(text)
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        if m.group(0) != "\n":
            nxt = _NEXT_STARTS.match(text, end)
            if nxt is not None:
                first = text[nxt.end() - 1]
                if first.islower():
                    continue  # "v.v. và", "TP. hồ" – the sentence goes on
                token = _TOKEN_BEFORE.search(text, 0, end)
                word = token.group(1) if token else ""
                if word in nonfinal or _is_initial(word):
                    continue
        _append(out, text, start, end if m.group(0) != "\n" else m.start())
        start = end
    if start < n:
        _append(out, text, start, n)
    return out


def _is_initial(word: str) -> bool:
    """A single capital initial with its dot: "V." in "Nguyễn V. An"."""
    return len(word) == 2 and word[0].isupper() and word[1] == "."


def _append(out: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        out.append(Sentence(start, end, text[start:end]))
