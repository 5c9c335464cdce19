"""Abbreviations defined in the text itself.

Articles introduce their own short forms: "Trung tâm Phục vụ hành chính công (TTPVHCC)"
early on, then "TTPVHCC" ten times; or the other way round, "TTXH (trật tự xã hội)". A
presenter reads every later mention in full. This module finds such definitions and the
later mentions, so the scanner reads them as defined (class ``definitions``).

A definition is accepted only when the letters of the abbreviation are the initials of the
words of the full name, in order:

* each capital of the abbreviation, with the small letters after it, is the start of one
  word ("TTr" ← "Tờ trình", "ĐMST" ← "đổi mới sáng tạo", "BĐ" ← "báo động"); Đ is not D;
* the words *và, của, về, các, cho, trong, với, ở, tại* may be left out ("PCTT&TKCN" ←
  "phòng, chống thiên tai và tìm kiếm cứu nạn"), but the name never starts with one;
* hyphens, "&", commas and spaces inside the abbreviation only join its parts
  ("KT-XH", "KH&CN", "KH,CN&ĐMST").

Form A, "Full Name (ABBR)": the name is the shortest run of words just before the
parenthesis whose initials give the letters. Form B, "ABBR (full name)": every word in the
parenthesis takes part. A definition applies to the mentions after it in the same
document, and overrides the built-in table there (the article knows what it means).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from vnreader.normalizer.spelling import spelling_pattern

__all__ = ["Definition", "find_definitions", "mentions"]

#: Words a full name may leave out of its initials.
_SKIP = frozenset({"và", "của", "về", "các", "cho", "trong", "với", "ở", "tại"})
_UPPER = "A-ZĐÂĂÊÔƠƯ"
_LETTER = rf"[{_UPPER}a-zđâăêôơư]"
#: An abbreviation: parts of capitals (each may carry small letters: "TTr"), joined by
#: nothing, "-", "&" or ","; at least two capitals in all (checked in code).
_ABBR_TAIL = rf"{_LETTER}*(?:\s?[-&,]?\s?[{_UPPER}]{_LETTER}*)*"
_ABBR = rf"[{_UPPER}]{_ABBR_TAIL}"
_FORM_A = re.compile(rf"\(\s*(?P<abbr>{_ABBR})\s*\)")
#: Form B. The check that no letter or digit comes before the abbreviation is made after
#: its first capital (``(?<![^\W_].)``: the same test, one character later), so that the
#: expression starts with a character class, which ``re`` searches for quickly.
_FORM_B = re.compile(
    rf"(?P<abbr>[{_UPPER}](?<![^\W_].){_ABBR_TAIL})"
    r"\s*\(\s*(?P<full>[^()\d\n]{3,120}?)\s*\)"
)
_WORD = re.compile(r"[^\W\d_]+")
_AMP = re.compile(r"\s*&\s*")
_DASH = re.compile(r"\s*[-–—]\s*")
_GROUP = re.compile(rf"[{_UPPER}][a-zđâăêôơư]*")


@dataclass(frozen=True)
class Definition:
    """``abbr`` is read ``reading`` after ``end`` (an offset in the text it was found in;
    0 for a definition carried from an earlier part of the document)."""

    abbr: str  # the key: its letters only ("KTXH")
    spelled: str  # as written ("KT-XH")
    reading: str
    start: int
    end: int
    written: str  # the definition as written, for explain()


def _groups(abbr: str) -> list[str] | None:
    """The letter groups of an abbreviation, lower-cased ("TTr" → ["t", "tr"])."""
    groups = [g.lower() for g in _GROUP.findall(abbr)]
    if len(groups) < 2 or len(groups) > 14:
        return None
    return groups


_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")


def _tone_fold(s: str) -> str:
    """``s`` in lower case without tone marks (the letters ă â ê ô ơ ư đ are kept)."""
    d = unicodedata.normalize("NFD", s.lower())
    return unicodedata.normalize("NFC", "".join(ch for ch in d if ch not in _TONES))


def _base(s: str) -> str:
    """``s`` without any mark; đ stays đ (it is a letter of its own, not d)."""
    d = unicodedata.normalize("NFD", s)
    return "".join(ch for ch in d if not unicodedata.combining(ch))


def _starts(word: str, group: str) -> bool:
    """Whether ``word`` starts with the letter group of an abbreviation. A letter written
    with its mark (Ư, Â, Ơ …) must match exactly; a plain letter also stands for its
    marked forms ("UB" is "Ủy ban", "TU" may be "Tỉnh ủy")."""
    w = _tone_fold(word)
    g = _tone_fold(group)
    if w.startswith(g):
        return True
    return g == _base(g) and _base(w).startswith(g)


def _match_back(groups: list[str], words: list[re.Match[str]]) -> int | None:
    """Index of the first word of the shortest run ending at the last word whose initials
    give ``groups``; ``None`` if there is none."""
    gi = len(groups) - 1
    wi = len(words) - 1
    while gi >= 0:
        if wi < 0:
            return None
        w = words[wi].group(0)
        if _starts(w, groups[gi]):
            gi -= 1
            wi -= 1
        elif w.lower() in _SKIP and gi < len(groups) - 1:
            wi -= 1
        else:
            return None
    if words[wi + 1].group(0).lower() in _SKIP:
        return None  # a name does not start with "và", "của" …
    return wi + 1


def _match_all(groups: list[str], words: list[str]) -> bool:
    """Whether the words, all of them, spell ``groups`` (skippable words may be left out)."""
    if words[0].lower() in _SKIP:
        return False
    gi = 0
    for i, w in enumerate(words):
        if gi < len(groups) and _starts(w, groups[gi]):
            gi += 1
        elif w.lower() in _SKIP and 0 < i < len(words) - 1:
            continue
        else:
            return False
    return gi == len(groups)


def _reading(name: str) -> str:
    """The spoken form of a full name: as written, but a common noun capitalised only on
    its first word ("Báo động", "Cơ cấu bệnh tật") is said in lower case, so that a mention
    inside a sentence reads naturally; a name with another capital keeps its case."""
    name = _AMP.sub(" và ", name)
    name = _DASH.sub(", ", name)
    name = " ".join(name.split()).strip(" ,;:-–")
    words = name.split()
    if len(words) > 1 and words[0][:1].isupper() and not any(w[:1].isupper() for w in words[1:]):
        return name[:1].lower() + name[1:]
    return name


def canon(abbr: str) -> str:
    """The key of an abbreviation: its letters only ("KT - XH" → "KTXH")."""
    return "".join(ch for ch in abbr if ch.isalpha())


def find_definitions(text: str) -> list[Definition]:
    """The definitions written in ``text``, in order."""
    if "(" not in text:
        return []
    found: list[Definition] = []
    for m in _FORM_A.finditer(text):
        abbr = m.group("abbr")
        groups = _groups(abbr)
        if groups is None:
            continue
        line_start = max(text.rfind("\n", 0, m.start()) + 1, m.start() - 160)
        words = list(_WORD.finditer(text, line_start, m.start()))
        first = _match_back(groups, words)
        if first is None:
            continue
        # The name ends at the parenthesis (only spaces between).
        if text[words[-1].end() : m.start()].strip():
            continue
        s = words[first].start()
        found.append(
            Definition(
                canon(abbr),
                abbr,
                _reading(text[s : words[-1].end()]),
                s,
                m.end(),
                text[s : m.end()],
            )
        )
    for m in _form_b(text):
        abbr = m.group("abbr")
        groups = _groups(abbr)
        if groups is None:
            continue
        full = m.group("full")
        names = _WORD.findall(full)
        if not names or not _match_all(groups, names):
            continue
        found.append(Definition(canon(abbr), abbr, _reading(full), m.start(), m.end(), m.group(0)))
    found.sort(key=lambda d: d.start)
    return found


_B_CAPITALS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZĐÂĂÊÔƠƯ")
#: What may stand between the start of a form B match and its "(": the abbreviation's
#: letters and joiners (spaces are tested with ``str.isspace``, as ``\\s``).
_B_RUN = _B_CAPITALS | frozenset("abcdefghijklmnopqrstuvwxyzđâăêôơư-&,")


def _form_b(text: str) -> Iterator[re.Match[str]]:
    """The matches of ``_FORM_B`` in ``text``, as ``_FORM_B.finditer(text)`` gives them.

    Between the start of a match and its "(" there are only letters of ``_B_RUN`` and
    spaces, so a match can only start in the run of such characters just before a "(".
    Only those places are tried: ``finditer`` tried every capital of the text, and a run
    of capitals that no "(" follows costs it many backtracking steps.
    """
    last = 0  # finditer goes on after the end of the last match
    q = text.find("(")
    while q != -1:
        p = q
        while p > last and (text[p - 1] in _B_RUN or text[p - 1].isspace()):
            p -= 1
        m = None
        for s in range(p, q):
            if text[s] in _B_CAPITALS:
                m = _FORM_B.match(text, s)
                if m is not None:
                    break
        if m is None:
            q = text.find("(", q + 1)
        else:
            yield m
            last = m.end()
            q = text.find("(", last)


@functools.lru_cache(maxsize=256)
def _mention_regex(spellings: tuple[str, ...]) -> re.Pattern[str]:
    alts = "|".join(
        spelling_pattern(sp, loose=True) for sp in sorted(spellings, key=len, reverse=True)
    )
    return re.compile(rf"(?<![^\W_])(?:{alts})(?![^\W\d_])")


def mentions(text: str, known: Mapping[str, Definition]) -> list[tuple[int, int, Definition]]:
    """The mentions in ``text`` of the defined abbreviations ``known`` (key → definition),
    written as defined or with other joiners ("KT - XH" for "KT-XH"), from their
    definition on (the abbreviation inside the definition is read as defined too, as the
    built-in table reads "(UBND)")."""
    if not known:
        return []
    spellings = tuple(sorted({d.spelled for d in known.values()} | set(known)))
    out: list[tuple[int, int, Definition]] = []
    for m in _mention_regex(spellings).finditer(text):
        d = known.get(canon(m.group(0)))
        if d is None or m.start() < d.start:
            continue
        out.append((m.start(), m.end(), d))
    return out
