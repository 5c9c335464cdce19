"""What the scanner needs to know of regular expressions: the characters a rule's match
can start with (so the scanner asks only the rules that can match at a place), the
characters that can start or belong to any match (the gate that lets plain words be
copied in bulk), alternations grouped by first character (so a table of 1,700
abbreviations or hundreds of units costs one test per first character, not one per
entry), the rules of a kind as a chain of blocks (the next rule after one that declined,
found a block at a time), and phrases that end a text, asked on the text reversed.

Each of these gives the very matches of the plain expression it stands for, only sooner;
``tests/test_gate.py`` compares them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

try:  # the regular-expression parser, to find the characters a rule can start with
    import re._parser as _sre_parse  # Python ≥ 3.11
    from re import _constants as _sre  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _sre  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

from vnreader.normalizer.regexcache import compile_cached, load_json, store_json

__all__ = [
    "GATE_CHARS",
    "EndsWith",
    "RuleChain",
    "alternation_by_first",
    "any_case",
    "can_start_title",
    "first_chars",
    "grouped_alternation",
    "literal_alternation",
    "starting_chars",
]


def _upper_letters() -> str:
    """Capital Latin letters with Vietnamese (and other) diacritics, for a character class."""
    ranges = (range(0xC0, 0x250), range(0x1E00, 0x1F00))
    return "".join(ch for r in ranges for ch in map(chr, r) if ch.isupper())


#: Characters that can start or belong to a match: digits (and ² ³ ¹ ¼ ½ ¾, which ``\\w``
#: counts as word characters), capitals, symbols (anything but letters, spaces and the
#: common punctuation ,.;:!?() and quotes), non-Latin text.
_GATE_PARTS = (
    rf"[0-9A-Z{_upper_letters()}\xb2\xb3\xb9\xbc-\xbe]"
    r"|[^\w\s,.;:!?()\"'“”‘’]"
    r"|[^\x00-\u024f\u1e00-\u1eff\s]"
)


def _gate_class() -> str:
    """``_GATE_PARTS`` as one negated character class, which the regex engine tests in
    one step (an alternation of three classes is three): outside the Latin blocks every
    character but a space is a gate character, so the class lists what is not one
    there, plus the spaces."""
    parts = re.compile(_GATE_PARTS)
    latin = (*range(0x250), *range(0x1E00, 0x1F00))
    skip = {chr(o) for o in latin if parts.match(chr(o)) is None}
    skip.update(ch for ch in map(chr, range(0x3001)) if ch.isspace())  # U+3000 is the last
    return "[^" + "".join(re.escape(ch) for ch in sorted(skip)) + "]"


GATE_CHARS = _gate_class()


def first_chars(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """The characters a match of ``pattern`` can start with, or ``None`` when that cannot
    be told (a class of letters, any character, a back-reference …). Look-arounds take no
    room and are skipped (they can only narrow the set, never widen it)."""
    try:
        parsed = _sre_parse.parse(pattern, flags)
    except Exception:  # a pattern the parser cannot read: no filter
        return None
    ignore = bool(parsed.state.flags & re.IGNORECASE)
    got = _first(list(parsed), ignore)
    if got is None or got[1]:
        return None  # unknown, or the pattern can match the empty string
    return frozenset(got[0])


_LIMIT = 4000  # a class bigger than this is not worth a filter


def _first(items: list, ignore: bool) -> tuple[set[str], bool] | None:  # type: ignore[type-arg]
    """(first characters, nullable) of a parsed sequence; None when unknown."""
    out: set[str] = set()
    for op, av in items:
        got = _first_item(op, av, ignore)
        if got is None:
            return None
        chars, nullable = got
        out |= chars
        if len(out) > _LIMIT:
            return None
        if not nullable:
            return out, False
    return out, True


def _cased(ch: str, ignore: bool) -> set[str]:
    return {ch, ch.lower(), ch.upper()} if ignore else {ch}


def _first_item(op, av, ignore: bool) -> tuple[set[str], bool] | None:  # type: ignore[no-untyped-def]
    c = _sre
    if op is c.LITERAL:
        return _cased(chr(av), ignore), False
    if op is c.IN:
        chars: set[str] = set()
        for iop, iav in av:
            if iop is c.LITERAL:
                chars |= _cased(chr(iav), ignore)
            elif iop is c.RANGE:
                lo, hi = iav
                if hi - lo > _LIMIT:
                    return None
                for o in range(lo, hi + 1):
                    chars |= _cased(chr(o), ignore)
            elif iop is c.CATEGORY and iav is c.CATEGORY_DIGIT:
                chars |= set("0123456789")  # ASCII digits: the text is prepared
            else:
                return None  # a negated class, \w, \s …
        return chars, False
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return set(), True
    if op is c.SUBPATTERN:
        add = av[1]
        sub_ignore = ignore or bool(add & re.IGNORECASE)
        return _first(list(av[3]), sub_ignore)
    if op is c.BRANCH:
        chars = set()
        nullable = False
        for branch in av[1]:
            got = _first(list(branch), ignore)
            if got is None:
                return None
            chars |= got[0]
            nullable = nullable or got[1]
        return chars, nullable
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
        lo, _hi, sub = av
        got = _first(list(sub), ignore)
        if got is None:
            return None
        return got[0], got[1] or lo == 0
    if op is getattr(c, "ATOMIC_GROUP", None):
        return _first(list(av), ignore)
    return None


#: An abstract character for ``can_start_title``: (may be upper case, may be lower case).
_Abstract = tuple[bool, bool]
_ANY: _Abstract = (True, True)


def can_start_title(pattern: str, flags: int = 0) -> bool:
    """Whether a match of ``pattern`` can start with a capital followed by a lower-case
    letter ("Kiên …"), or when that cannot be told. ``False`` is a proof that it cannot:
    the scanner then leaves the rule out where a word is written in title case, most
    capitals of a Vietnamese text (names: "Ủy ban nhân dân tỉnh Kiên Giang")."""
    try:
        parsed = _sre_parse.parse(pattern, flags)
    except Exception:  # a pattern the parser cannot read: it may match anything
        return True
    ignore = bool(parsed.state.flags & re.IGNORECASE)
    for path in _paths(list(parsed), ignore):
        if len(path) == 0 or (path[0][0] and (len(path) == 1 or path[1][1])):
            return True
    return False


def _abstract(chars: set[str] | None) -> _Abstract:
    if chars is None:
        return _ANY
    return (any(ch.isupper() for ch in chars), any(ch.islower() for ch in chars))


def _paths(items: list, ignore: bool) -> set[tuple[_Abstract, ...]]:  # type: ignore[type-arg]
    """What a match of the parsed ``items`` can begin with: its first two characters,
    abstracted; a shorter tuple where a match can end sooner (nothing then is known of
    the characters after it)."""
    result: set[tuple[_Abstract, ...]] = {()}
    for op, av in items:
        if op is _sre.ASSERT_NOT and av[0] == 1 and _forbids_lower(av[1]):
            # "(?![^\W_])": the character after cannot be a lower-case letter
            result = {(*r, (True, False)) if len(r) == 1 else r for r in result}
            continue
        ext = _item_paths(op, av, ignore)
        result = {(r + e)[:2] if len(r) < 2 else r for r in result for e in ext}
    return result


def _forbids_lower(sub) -> bool:  # type: ignore[no-untyped-def]
    r"""Whether a look-ahead's body is one character class holding every lower-case
    letter (``[^\W_]``, ``[^\W\d_]``, ``\w``): what a negative look-ahead of it forbids."""
    items = list(sub)
    if len(items) != 1 or items[0][0] is not _sre.IN:
        return False
    members = items[0][1]
    c = _sre
    if members and members[0][0] is c.NEGATE:
        for op, av in members[1:]:  # the excluded characters: none may be lower case
            if op is c.CATEGORY and av in (c.CATEGORY_NOT_WORD, c.CATEGORY_DIGIT):
                continue
            if op is c.LITERAL and not chr(av).islower():
                continue
            return False
        return True
    return any(op is c.CATEGORY and av is c.CATEGORY_WORD for op, av in members)


def _item_paths(op, av, ignore: bool) -> set[tuple[_Abstract, ...]]:  # type: ignore[no-untyped-def]
    c = _sre
    anything = {(), (_ANY,), (_ANY, _ANY)}
    if op is c.LITERAL:
        return {(_abstract(_cased(chr(av), ignore)),)}
    if op in (c.NOT_LITERAL, c.ANY):
        return {(_ANY,)}
    if op is c.IN:
        got = _first_item(op, av, ignore)
        return {(_abstract(None if got is None else got[0]),)}
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return {()}
    if op is c.SUBPATTERN:
        return _paths(list(av[3]), ignore or bool(av[1] & re.IGNORECASE))
    if op is c.BRANCH:
        return set().union(*(_paths(list(branch), ignore) for branch in av[1]))
    if op is getattr(c, "ATOMIC_GROUP", None):
        return _paths(list(av), ignore)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
        lo, hi, sub = av
        once = _paths(list(sub), ignore)
        out: set[tuple[_Abstract, ...]] = {()} if lo == 0 else set()
        acc: set[tuple[_Abstract, ...]] = {()}
        # Past two characters more repeats change nothing, and past ``lo + 2`` repeats
        # every path has either two characters or can only be extended by more repeats.
        for k in range(1, min(hi, lo + 2) + 1):
            acc = {(a + e)[:2] if len(a) < 2 else a for a in acc for e in once}
            if k >= lo:
                out |= acc
        return out
    return anything


def alternation_by_first(branches: Sequence[tuple[str, str]]) -> str:
    """One regex alternation of ``branches``, grouped by first character.

    Each branch is ``(first, rest)``: a literal first character and the regex of the rest,
    in priority order (the flat alternation would be ``first + rest`` joined by ``|``).
    Python's ``re`` tries the branches of an alternation one after the other, so a table
    of 1,700 abbreviations costs 1,700 tests at every place it is tried. Branches whose
    first characters differ cannot match at the same place, so ``X(?:a|b)|Y(?:c)`` finds
    the same first match as ``Xa|Yc|Xb`` (the order inside each group is kept) with one
    test per distinct first character. A branch with ``first == ""`` (its regex in
    ``rest``) is kept on its own, in place; the caller guarantees it cannot start with
    any of the other branches' first characters.

    Within a group the branches are grouped again by their next literal characters, a
    trie (see ``_trie``). Built once per table and kept between runs (``store_json``):
    cutting a thousand keys into characters is a tenth of the cold start.
    """
    key = "alternation_by_first\0" + "\0".join(f"{f}\1{r}" for f, r in branches)
    kept = len(branches) >= _KEPT_TABLE  # a small one is quicker built than read
    stored = load_json(key) if kept else None
    if isinstance(stored, str):
        return stored
    groups: dict[str, list[str]] = {}
    order: list[tuple[str, str]] = []  # (first character, "") or ("", headless regex)
    for first, rest in branches:
        if not first:
            order.append(("", rest))
        elif first in groups:
            groups[first].append(rest)
        else:
            groups[first] = [rest]
            order.append((first, ""))
    out = []
    for first, headless in order:
        if not first:
            out.append(headless)
            continue
        body = "(?:" + _trie([_tokens(rest) for rest in groups[first]]) + ")"
        out.append(re.escape(first) + body)
    pattern = "|".join(out)
    if kept:
        store_json(key, pattern)
    return pattern


_KEPT_TABLE = 100  # branches from which a grouped alternation is kept between runs


def literal_alternation(keys: Sequence[str], fold: bool = False, space: str = "") -> str:
    """An alternation of the literal ``keys`` in priority order, as a trie: what
    ``(?i:k₁|k₂…)`` (``fold``) or ``k₁|k₂…`` matches first, found with one test per
    character that differs instead of one per key. Each character of a key is a class of
    its cases when ``fold``; a space is ``space`` when given (e.g. ``\\s+``)."""
    seqs = []
    for key in keys:
        tokens: list[tuple[object, str]] = []
        for ch in key:
            if ch == " " and space:
                tokens.append((" ", space))
            elif fold and ch.lower() != ch.upper():
                tokens.append((frozenset(starting_chars(ch, True) or ch), f"[{any_case(ch)}]"))
            else:
                tokens.append((ch, re.escape(ch)))
        seqs.append(tokens)
    return _trie(seqs)


#: A token of a branch: (what it matches, as a key that differs from every other
#: token's key exactly when the two cannot match the same character; None when that
#: cannot be told), its regex.
_Token = tuple[object, str]


def _tokens(rest: str) -> list[_Token]:
    """``rest`` cut into its leading literal characters, then the remainder as one token
    whose key is None."""
    out: list[_Token] = []
    i = 0
    while i < len(rest):
        if rest[i] == "\\":
            if i + 1 >= len(rest) or rest[i + 1].isalnum():
                break  # a class (\d, \s) or a code (\u00a0): not one literal
            ch, width = rest[i + 1], 2
        elif rest[i] in ".^$*+?{}[]|()":
            break
        else:
            ch, width = rest[i], 1
        if rest[i + width : i + width + 1] in ("*", "+", "?", "{"):
            break  # quantified: may match no character, or several
        out.append((ch, rest[i : i + width]))
        i += width
    if i < len(rest):
        out.append((None, rest[i:]))
    return out


def _trie(seqs: Sequence[Sequence[_Token]]) -> str:
    """One alternation of the token sequences ``seqs`` (in priority order), grouped by
    their first token: sequences whose first tokens differ cannot match at the same
    place, so grouping a run of them keeps the first match; a sequence that is empty or
    starts with an unknown token ends the run and stays in its place."""
    out: list[str] = []
    i = 0
    while i < len(seqs):
        if not seqs[i] or seqs[i][0][0] is None:
            out.append("".join(rx for _, rx in seqs[i]))
            i += 1
            continue
        groups: dict[object, tuple[str, list[Sequence[_Token]]]] = {}
        while i < len(seqs) and seqs[i] and seqs[i][0][0] is not None:
            key, rx = seqs[i][0]
            groups.setdefault(key, (rx, []))[1].append(seqs[i][1:])
            i += 1
        for rx, tails in groups.values():
            if len(tails) == 1:
                out.append(rx + "".join(t for _, t in tails[0]))
            else:
                out.append(rx + "(?:" + _trie(tails) + ")")
    return "|".join(out)


class RuleChain:
    """The rules that can start with one kind of character, in priority order, cut into
    blocks of consecutive rules; each block is one alternation.

    The scanner needs, at a place, the first rule that matches there, and when that rule's
    handler declines, the next one after it. One alternation of all the rules answers the
    first question with one test, but not the second: asking the rules after it one by
    one costs a test each, and a number is asked of some forty rules (codes, dates,
    times, money, measures …) before the cardinal rule reads it. With blocks of ``size``
    rules, "the next rule after ``j``" is the rest of ``j``'s block one by one, then one
    test per later block; and the blocks hold each rule once, so they cost no more
    memory than the single alternation they replace.

    ``members`` are rule indices in priority order, ``bodies[j]`` rule ``j``'s pattern
    without named groups, ``single(j)`` the ``match`` of rule ``j``'s own expression.
    """

    __slots__ = ("_block_of", "_blocks", "_later", "_single", "_singles")

    def __init__(
        self,
        members: Sequence[int],
        bodies: Mapping[int, str],
        flags: int,
        single: Callable[[int], Callable[[str, int], re.Match[str] | None]],
        size: int = 8,
    ) -> None:
        self._blocks: list[Callable[[str, int], re.Match[str] | None]] = []
        self._block_of: dict[int, int] = {}
        self._later: dict[int, tuple[int, ...]] = {}
        self._single = single
        self._singles: dict[int, Callable[[str, int], re.Match[str] | None]] = {}
        for b in range(0, len(members), size):
            chunk = members[b : b + size]
            alternation = "|".join(f"(?P<r{j}>{bodies[j]})" for j in chunk)
            self._blocks.append(compile_cached(alternation, flags).match)
            for k, j in enumerate(chunk):
                self._block_of[j] = len(self._blocks) - 1
                self._later[j] = tuple(chunk[k + 1 :])

    def first(self, text: str, pos: int) -> re.Match[str] | None:
        """The match at ``pos`` of the first rule that matches there (its group
        ``r{index}`` is the last group), or None: what one alternation of all the rules
        gives."""
        for match in self._blocks:
            m = match(text, pos)
            if m is not None:
                return m
        return None

    def after(self, text: str, pos: int, j: int) -> tuple[int, re.Match[str] | None]:
        """The first rule after rule ``j`` (a member) that matches at ``pos``, or -1;
        and that rule's own match when it was asked alone (None when a block found it)."""
        singles = self._singles
        for k in self._later[j]:
            single = singles.get(k)
            if single is None:
                single = singles[k] = self._single(k)
            m = single(text, pos)
            if m is not None:
                return k, m
        for match in self._blocks[self._block_of[j] + 1 :]:
            m = match(text, pos)
            if m is not None:
                return int(m.lastgroup[1:]), None  # type: ignore[index]
        return -1, None


class EndsWith:
    """Whether a text ends with one of ``phrases`` (whole words, any case, spaces as any
    run of spaces) followed by ``tail``: what ``(?i)(?<![^\\W_])(?:phrases)tail$``
    searched in the text tells, asked as one match at the start of the text reversed.

    A search for an expression anchored at the end tries it at every place of the text,
    and handlers ask "does the phrase before this number say it is a phone number?" of
    tens of characters at every number; reversed, the question is one match.
    ``tail_reversed`` is the tail written backwards (``\\s*(?:số\\s*)?[:.]?\\s*``
    becomes ``\\s*[:.]?(?:\\s*ốs)?\\s*``).
    """

    __slots__ = ("_match",)

    def __init__(self, phrases: Sequence[str], tail_reversed: str = "") -> None:
        backwards = sorted({p[::-1] for p in phrases}, key=len, reverse=True)
        alternation = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in backwards)
        self._match = re.compile(rf"(?i){tail_reversed}(?:{alternation})(?![^\W_])").match

    def search(self, text: str) -> bool:
        """True when ``text`` ends with a phrase and the tail."""
        return self._match(text[::-1]) is not None


try:  # the characters Python's ``re`` treats as one letter in another case beyond
    # lower()/upper() ("µ" and "μ", "K" and the Kelvin sign): what (?i) matches
    from re._casefix import _EXTRA_CASES as _EXTRA_CASES  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - an interpreter without it: no grouping
    _EXTRA_CASES = None


def starting_chars(first: str, fold: bool) -> frozenset[str] | None:
    """The characters that a literal ``first`` matches, in any case when ``fold``
    (None when that cannot be told here)."""
    if not fold:
        return frozenset(first)
    if _EXTRA_CASES is None:
        return None
    chars = {first, first.lower(), first.upper()}
    for ch in list(chars):
        chars.update(chr(o) for o in _EXTRA_CASES.get(ord(ch.lower()), ()))
    return frozenset(chars)


def any_case(letters: str) -> str:
    """A character class body of ``letters`` in every case ``(?i)`` matches them in."""
    chars: set[str] = set()
    for ch in letters:
        chars |= starting_chars(ch, True) or {ch, ch.lower(), ch.upper()}
    return "".join(re.escape(ch) for ch in sorted(chars))


def grouped_alternation(branches: Sequence[tuple[frozenset[str] | None, str, str]]) -> str:
    """One alternation of ``branches``, grouped by the characters they start with.

    Each branch is ``(starts, whole, after)``, in priority order: the characters its
    match can start with (``None``: unknown), its regex, and its regex after the first
    character (which must begin with a one-character look-behind for that character, so
    that a group's class followed by ``after`` matches what ``whole`` matches). Branches
    whose starting characters overlap stay together, in order; a group is
    ``[its characters](?:after₁|after₂…)``, which Python's ``re`` rejects with one test
    where no branch can start. Groups cannot match at the same place, so the first
    branch that matches is the same as in the flat alternation.
    """
    if any(starts is None for starts, _, _ in branches):
        return "|".join(whole for _, whole, _ in branches)
    groups: list[tuple[set[str], list[int]]] = []
    for i, (starts, _, _) in enumerate(branches):
        assert starts is not None
        merged: tuple[set[str], list[int]] = (set(starts), [i])
        keep = []
        for group in groups:
            if group[0] & merged[0]:
                merged[0].update(group[0])
                merged[1].extend(group[1])
            else:
                keep.append(group)
        groups = [*keep, merged]
    out = []
    for chars, members in sorted(groups, key=lambda g: min(g[1])):
        members.sort()
        if len(members) == 1 and len(chars) == 1:
            out.append(branches[members[0]][1])
            continue
        cls = "".join(re.escape(ch) for ch in sorted(chars))
        out.append(f"[{cls}](?:" + "|".join(branches[i][2] for i in members) + ")")
    return "|".join(out)
