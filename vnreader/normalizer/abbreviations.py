"""Abbreviations of the Party, the State, mass organisations and administration.

Vietnamese portals write institutions and titles in short forms ("BCH HU", "đ/c",
"UBND huyện", "KT-XH", "TP. Vinh", "PGS.TS"); a presenter says them in full. This module
reads them from data:

* ``data/abbreviations.tsv`` — ``written<TAB>spoken<TAB>domain[<TAB>flags]``, one meaning per
  abbreviation, matched case-sensitively and as whole words ("TU" is *Tỉnh ủy*, "Tu" is a
  word). A ``-`` in the written form also matches `` - ``, ``–`` and ``—`` ("KT - XH"); an
  entry starting with a lower-case letter ("đ/c") also matches capitalised ("Đ/c" →
  *Đồng chí*). Flag ``end``: a dotted abbreviation that may end a sentence ("v.v."), whose
  dot is then kept as the full stop.
* ``data/abbrev_context.tsv`` — abbreviations with more than one meaning ("P." *phường* /
  *phó*, "TT" *thị trấn* / *thường trực* / *trung tâm* / *thông tư*, "CT" *chủ tịch* /
  *chỉ thị*): ordered rules ``written<TAB>reading<TAB>test[<TAB>argument]``; the first rule
  whose test holds gives the reading (``-`` declines, leaving the token to later classes).
  Tests look at the neighbouring words; word lists are in ``data/abbrev_context_words.tsv``.
  See docs/normalizer/abbreviations.md.

Public API for other classes (the codes class reads "35-NQ/HU", "1234/QĐ-UBND"):

* :func:`expand` ``(token) -> str | None`` — the context-free reading of one abbreviation
  ("HU" → *Huyện ủy*, "QĐ" → *quyết định*, "CT" → *chỉ thị*), or ``None`` if unknown.
  For an ambiguous abbreviation it gives the reading its ``default`` rule names, which is
  the reading inside document codes (*chỉ thị*, *thông tư*).
* :func:`dotted` ``() -> frozenset[str]`` — the abbreviations written with a dot
  ("TP.", "v.v.", "PGS.TS"), for splitters and other rules that must not end a sentence
  or a code at their dot.
* :func:`known` ``(token) -> bool`` — whether ``token`` is an abbreviation we can read.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from vnreader.normalizer.data import read_tsv
from vnreader.normalizer.engine import Context, Rule
from vnreader.normalizer.patterns import alternation_by_first
from vnreader.normalizer.spelling import spelling_parts

__all__ = ["dotted", "expand", "known", "rules"]

#: Dashes that may join the parts of an abbreviation ("KT-XH", "KT – XH").
_DASH = re.compile(r"\s*[-–—]\s*")
_AMP = re.compile(r"\s*&\s*")
_WORD = re.compile(r"[^\W_]+")
_NUMBER_START = re.compile(r"\s*\d")
#: A telephone number: 0 or +84, then at least eight more digits in groups ("0913.456.789").
_PHONE_START = re.compile(r"[ \t]*(?:\(?\+84\)?[ .]?|0)\d(?:[ .-]?\d){7,}")


def _canon(written: str) -> str:
    """The table form of a written abbreviation: "KT – XH" → "KT-XH", "GD & ĐT" → "GD&ĐT"."""
    return _AMP.sub("&", _DASH.sub("-", written.strip()))


def _capitalise(s: str) -> str:
    return s[:1].upper() + s[1:]


@dataclass(frozen=True)
class _Entry:
    spoken: str
    ends_sentence: bool = False


@functools.cache
def _table() -> dict[str, _Entry]:
    """Unambiguous abbreviations, with capitalised variants of lower-case entries."""
    table: dict[str, _Entry] = {}
    for row in read_tsv("abbreviations.tsv", 3):
        flags = row[3].split(",") if len(row) > 3 else []
        table[_canon(row[0])] = _Entry(row[1], "end" in flags)
    for key, entry in list(table.items()):
        # "đ/c" at the start of a sentence is written "Đ/c" and said "Đồng chí".
        if key[:1].islower():
            cap = _capitalise(key)
            table.setdefault(cap, _Entry(_capitalise(entry.spoken), entry.ends_sentence))
    return table


@dataclass(frozen=True)
class _ContextRule:
    reading: str  # "-" declines
    test: str
    arg: str


@functools.cache
def _context_rules() -> dict[str, tuple[_ContextRule, ...]]:
    out: dict[str, list[_ContextRule]] = {}
    for row in read_tsv("abbrev_context.tsv", 3):
        arg = row[3] if len(row) > 3 else ""
        out.setdefault(_canon(row[0]), []).append(_ContextRule(row[1], row[2], arg))
    return {k: tuple(v) for k, v in out.items()}


@functools.cache
def _word_lists() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Context word lists: name → phrases (each a tuple of lower-cased words)."""
    lists: dict[str, list[tuple[str, ...]]] = {}
    for row in read_tsv("abbrev_context_words.tsv"):
        lists.setdefault(row[0], []).append(tuple(_WORD.findall(row[1].lower())))
    return {k: tuple(v) for k, v in lists.items()}


def expand(token: str) -> str | None:
    """The context-free spoken form of the abbreviation ``token``, or ``None``.

    >>> expand("HU"), expand("KT - XH"), expand("CT")
    ('Huyện ủy', 'kinh tế xã hội', 'chỉ thị')
    """
    if not isinstance(token, str) or not token.strip():
        return None
    key = _canon(token)
    ctx_rules = _context_rules().get(key, ())
    for test in ("code", "default"):
        for rule in ctx_rules:
            if rule.test == test and rule.reading != "-":
                return rule.reading
    entry = _table().get(key)
    return entry.spoken if entry else None


def known(token: str) -> bool:
    """Whether :func:`expand` can read ``token``."""
    return expand(token) is not None


@functools.cache
def dotted() -> frozenset[str]:
    """The abbreviations written with a dot ("TP.", "v.v.", "PGS.TS")."""
    keys = set(_table()) | set(_context_rules())
    return frozenset(k for k in keys if "." in k)


# -- the rule ---------------------------------------------------------------------------
def _key_parts(key: str) -> list[str]:
    """The regex of each character of ``key``, then the end-of-word check."""
    parts = spelling_parts(key)
    if key[-1:].isalpha():
        # whole word: not followed by a letter ("HU" not in "HUYỆN"); a digit may follow
        # ("Tp0", "HU2"): the digits are read on their own and set apart by a space, so
        # the spoken text, read again, gives the same words.
        parts.append(r"(?![^\W\d_])")
    elif key[-1:].isdigit():
        parts.append(r"(?![^\W_])")  # "PM10" not in "PM100"
    return parts


def _key_pattern(key: str) -> str:
    return "".join(_key_parts(key))


@functools.cache
def _pattern(with_dot: bool) -> str:
    """Keys written with a dot (``with_dot``) or without: two rules, so that a dotted
    form that declines ("CN." after "thứ 7", where it is no *cử nhân*) lets the plain
    form read the letters and the dot stay a full stop. Where both match, the dotted one
    is longer, so trying it first keeps the longest-first order.

    The alternation is grouped by first character ("U(?:BND|B)|H(?:ĐND|U)…"): keys that
    start with another character cannot match at a place, so the first key that matches
    is the same as in the flat longest-first list, but the regex engine tests one branch
    per first character instead of all 1,700 keys."""
    # Ties in length in a fixed order: two keys of one length cannot match the same text,
    # so the order among them changes no result, and the expression is the same in every
    # process (the compiled-expression cache relies on it).
    keys = sorted(
        (k for k in set(_table()) | set(_context_rules()) if ("." in k) == with_dot),
        key=lambda k: (-len(k), k),
    )
    branches = []
    for k in keys:
        parts = _key_parts(k)
        if k[0] in "-–—&":  # a joiner first (spaces or a dash): no literal head
            branches.append(("", "".join(parts)))
        else:
            branches.append((k[0], "".join(parts[1:])))
    return alternation_by_first(branches)


def _next_words(ctx: Context, end: int, n: int) -> list[str]:
    return [w.lower() for w in ctx.words_after(end, n)]


def _phrase_in(words: list[str], phrases: tuple[tuple[str, ...], ...], at_end: bool) -> bool:
    for phrase in phrases:
        k = len(phrase)
        if k and len(words) >= k:
            part = tuple(words[-k:]) if at_end else tuple(words[:k])
            if part == phrase:
                return True
    return False


def _is_caps_word(w: str) -> bool:
    return w.isupper() and len(w) > 1


def _test(rule: _ContextRule, m: re.Match[str], ctx: Context) -> bool:
    start, end = m.start(), m.end()
    test = rule.test
    if test in ("default", "text"):
        return True
    if test == "code":
        return False
    if test == "next_colon":
        return ctx.text[end : end + 2].lstrip()[:1] == ":"
    if test == "next_in":
        return _phrase_in(_next_words(ctx, end, 4), _word_lists().get(rule.arg, ()), False)
    if test == "prev_in":
        return _phrase_in(ctx.words_before(start, 4), _word_lists().get(rule.arg, ()), True)
    if test == "next_phone":
        return _PHONE_START.match(ctx.text, end) is not None
    if test == "next_number":
        return _NUMBER_START.match(ctx.text, end) is not None
    if test == "prev_number":
        return ctx.word_before(start).isdigit()
    nxt = ctx.word_after(end)
    gap = ctx.text[end : end + 3]
    if test == "next_capital":
        # A name follows on the same line: "TT. Phú Mỹ", "Q. Hoàn Kiếm"
        return bool(nxt) and nxt[0].isupper() and "\n" not in gap and not _is_caps_word(nxt)
    if test == "next_caps":
        return _is_caps_word(nxt)
    if test == "next_lower":
        return bool(nxt) and nxt[0].islower()
    if test == "prev_name":
        # "Nguyễn Q. Huy"; also "tuyên phạt Nguyễn Hoàng P. 18 tháng tù", where a spaced
        # number follows (an address writes the ward glued: "Lê Lợi P.5").
        spaced_number = bool(nxt) and nxt[0].isdigit() and gap[:1].isspace()
        return _after_name(ctx, start) and bool(nxt) and (nxt[0].isupper() or spaced_number)
    if test == "glued":
        return end < len(ctx.text) and ctx.text[end].isalnum()
    return False


_LAST_WORD = re.compile(r"([^\W\d_]+)$")
_NEAR_BEFORE = re.compile(r"([^\W_]+)[^\w\n]{0,3}$")
_NEAR_AFTER = re.compile(r"[^\w\n]{0,3}([^\W_]+)")


def _after_name(ctx: Context, start: int) -> bool:
    """Whether the word right before ``start`` is part of a personal name.

    It is a surname or common middle name (list ``name``: "Nguyễn Q. Huy") or any
    capitalised word that does not begin its sentence ("… ông Lê Q. Huy").
    """
    before = ctx.before(start, 80).rstrip(" ")  # a window: never scan the whole text
    wm = _LAST_WORD.search(before)
    if not wm:
        return False
    word = wm.group(1)
    if not word[0].isupper() or _is_caps_word(word):
        return False
    if (word.lower(),) in _word_lists().get("name", ()):
        return True
    head = before[: wm.start()].rstrip(" ")
    return bool(head) and head[-1].isalpha()


def _caps_run(ctx: Context, start: int, end: int) -> bool:
    """Whether the token at ``start:end`` stands in an ALL-CAPS run (a headline).

    True when the nearest word before or after it on the same line (only spaces or
    light punctuation between) is an all-caps word of two letters or more.
    """
    bm = _NEAR_BEFORE.search(ctx.text, max(0, start - 40), start)
    am = _NEAR_AFTER.match(ctx.text, end)
    return any(m is not None and _is_caps_word(m.group(1)) for m in (bm, am))


def _headline_word(key: str, m: re.Match[str], ctx: Context) -> bool:
    """A syllable-like abbreviation ("CA", "TƯ") used as a word in an ALL-CAPS headline.

    "THÊM 5 CA MẮC MỚI", "TU BỔ DI TÍCH", "THỨ TƯ": words. Kept as the abbreviation after
    an institution word or another abbreviation ("BAN THƯỜNG VỤ TU", "BCH TU") or before a
    place word ("CA HUYỆN").
    """
    if (key.lower(),) not in _word_lists().get("caps_guard", ()):
        return False
    start, end = m.start(), m.end()
    if not _caps_run(ctx, start, end):
        return False
    prev = ctx.words_before(start, 3)
    if _phrase_in(prev, _word_lists().get("caps_prev", ()), True):
        return False
    bm = _NEAR_BEFORE.search(ctx.text, max(0, start - 40), start)
    if bm and bm.group(1).isupper() and expand(bm.group(1)) is not None:
        return False
    nxt = _next_words(ctx, end, 2)
    return not _phrase_in(nxt, _word_lists().get("caps_next", ()), False)


def _ends_sentence(ctx: Context, end: int) -> bool:
    rest = ctx.text[end : end + 3]
    if not rest.strip():
        return True
    return rest[0] in " \n" and (rest.lstrip()[:1].isupper() or rest.lstrip()[:1] in "\n")


def _handle(m: re.Match[str], ctx: Context) -> str | None:
    try:
        key = _canon(m.group(0))
        if _headline_word(key, m, ctx):
            return None
        for rule in _context_rules().get(key, ()):
            if _test(rule, m, ctx):
                return None if rule.reading == "-" else rule.reading
        entry = _table().get(key)
        if entry is None:
            return None
        if entry.ends_sentence and _ends_sentence(ctx, m.end()):
            return entry.spoken + "."
        return entry.spoken
    except Exception:  # a handler must never raise on odd input
        return None


@functools.cache
def _trigger() -> str | None:
    """Entries the scanner's gate would not find ("v.v.": lower case and dots only)."""
    quiet = sorted(
        (k for k in set(_table()) | set(_context_rules()) if not any(ch.isupper() for ch in k)),
        key=lambda k: (-len(k), k),
    )
    quiet = [k for k in quiet if not re.search(r"[^\w\s,.;:!?()\"'“”‘’]|\d", k)]
    return "|".join(re.escape(k) for k in quiet) or None


def rules() -> list[Rule]:
    """One rule for every abbreviation in the tables (longest first)."""
    return [
        Rule("abbreviations", _pattern(True), _handle, trigger=_trigger()),
        Rule("abbreviations", _pattern(False), _handle, trigger=_trigger()),
    ]
