"""The scanner that applies the semiotic-class rules to a text and records every span.

Each semiotic class (``cardinal.py``, ``dates.py`` …) contributes :class:`Rule` objects: a
regular expression for the written form and a handler that returns the spoken form, or
``None`` to decline (then the next rule that matches at the same place is tried). All rules
are joined into one alternation in priority order, so the text is scanned once, left to
right: at each place the leftmost match wins, and among rules that match at the same place
the one listed first. Plain text between matches is copied with its spacing tidied.

Every replacement keeps its span in the written text *and* in the spoken output
(:class:`Replacement`), so later stages can show the written sentence while its spoken
form plays.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from vnreader.normalizer.guards import alternatives
from vnreader.normalizer.patterns import (
    GATE_CHARS,
    RuleChain,
    can_start_title,
    first_chars,
)
from vnreader.normalizer.regexcache import compile_cached, load_json, store_json
from vnreader.normalizer.spacing import finish, tidier

if TYPE_CHECKING:
    from vnreader.normalizer.numbers import NumberReader

#: Strips named groups so rule patterns can be joined without name clashes.
_NAMED_GROUP = re.compile(r"\(\?P<[A-Za-z_][A-Za-z0-9_]*>")

Handler = Callable[[re.Match[str], "Context"], str | None]


def declining_on_error(handler: Handler) -> Handler:
    """Wrap a handler so that odd input it cannot parse declines instead of raising
    (a handler must never raise: the text is then left to the next rule)."""

    def wrapped(m: re.Match[str], ctx: Context) -> str | None:
        try:
            return handler(m, ctx)
        except (ValueError, KeyError, IndexError, TypeError):
            return None

    return wrapped


@dataclass(frozen=True)
class Rule:
    """One written pattern of a semiotic class and how to say it.

    ``bounded`` rules only start at a word boundary (not right after a letter or digit),
    which keeps "m2" from being read as a number inside "km2".

    ``trigger`` is needed only by a rule whose matches may contain nothing but lower-case
    letters and common punctuation (",.;:!?()" and quotes), e.g. "đ/c" has "/", but
    "v.v." has none: a regular expression for a distinctive part of such a match. The
    scanner only looks for matches in words that contain a digit, a capital letter, a
    symbol, or a trigger (see :class:`Scanner`).
    """

    cls: str
    pattern: str
    handler: Handler
    bounded: bool = True
    flags: int = 0
    trigger: str | None = None

    @functools.cached_property
    def regex(self) -> re.Pattern[str]:
        """The rule's own compiled expression, built on first use: most rules are asked
        only now and then, and compiling them all up front doubled the cold start."""
        return compile_cached(self.pattern, self.flags)


@dataclass(frozen=True, slots=True)
class Replacement:
    """One change the normalizer made.

    ``start``/``end`` index the written text, ``out_start``/``out_end`` the spoken output;
    ``cls`` names the semiotic class (module) that made it.
    """

    start: int
    end: int
    written: str
    spoken: str
    cls: str
    out_start: int
    out_end: int
    #: Why, when the class alone does not say it: for ``definitions``, the definition in
    #: the text the reading came from ("Trung tâm Phục vụ hành chính công (TTPVHCC)").
    note: str = ""


@dataclass(frozen=True)
class Forced:
    """A reading decided before the scan (an abbreviation defined in the text): the
    scanner emits it at ``start:end`` unless a rule's match already covers that place."""

    start: int
    end: int
    spoken: str
    cls: str
    note: str = ""


class Context:
    """What a handler may look at: the whole text, the dialect and the number reader."""

    __slots__ = ("dialect", "num", "text")

    def __init__(self, text: str, dialect: str, num: NumberReader) -> None:
        self.text = text
        self.dialect = dialect
        self.num = num

    def before(self, pos: int, width: int = 40) -> str:
        """Up to ``width`` characters of text just before ``pos``."""
        return self.text[max(0, pos - width) : pos]

    def after(self, pos: int, width: int = 40) -> str:
        """Up to ``width`` characters of text from ``pos``."""
        return self.text[pos : pos + width]

    def words_before(self, pos: int, n: int = 1) -> list[str]:
        """The ``n`` words before ``pos``, lower-cased, nearest last (punctuation dropped)."""
        return _WORD.findall(self.text[max(0, pos - 20 * n) : pos].lower())[-n:]

    def words_after(self, pos: int, n: int = 1) -> list[str]:
        """The ``n`` words after ``pos``, as written (case kept), nearest first."""
        return _WORD.findall(self.text[pos : pos + 20 * n])[:n]

    def word_before(self, pos: int) -> str:
        """The word just before ``pos``, lower-cased, or ``""`` (the last word of the 20
        characters before it, as :meth:`words_before` gives it: found on them reversed)."""
        m = _WORD.search(self.text[max(0, pos - 20) : pos].lower()[::-1])
        return "" if m is None else m.group(0)[::-1]

    def word_after(self, pos: int) -> str:
        """The word just after ``pos`` as written, or ``""``."""
        words = self.words_after(pos, 1)
        return words[0] if words else ""


_WORD = re.compile(r"[^\W_]+")


class Scanner:
    """Applies an ordered list of rules to texts; build once, call many times.

    Most of a Vietnamese text is lower-case words that no rule reads differently, so the
    scanner does not try the rules everywhere. A *gate* expression finds the next
    character that can be part of a match (a digit, a capital letter, a symbol, a
    non-Latin character, or a rule's trigger); the rules are then tried from the start
    of the word that contains it, up to it. Every rule's match must therefore start in
    the word holding its first gate character, or in the space just before that word
    when the word begins with a symbol (" / ha"). ``gate=False`` tries every position
    (slow; used to test that the gate changes no result).
    """

    def __init__(self, rules: Sequence[Rule], *, gate: bool = True) -> None:
        self.rules = tuple(rules)
        flags = 0
        for rule in self.rules:
            flags |= rule.flags
        self._flags = flags
        #: per rule, the characters its match can start with (None: any; False: not
        #: worked out yet): a rule is only tried where the character fits.
        self._first: list[frozenset[str] | Literal[False] | None] = [False] * len(self.rules)
        #: per character, the ``match`` of the first rule at a place starting with it
        #: (group ``r{index}`` last), from its kind's alternation (_kind_master) or
        #: chain (_chain)
        self._at: dict[str, Callable[[str, int], re.Match[str] | None]] = {}
        self._masters: dict[str, re.Pattern[str]] = {}
        self._chains: dict[str, RuleChain] = {}
        #: per character, the chain of its kind (None: its kind has an alternation)
        self._chain_at: dict[str, RuleChain | None] = {}
        #: per character, the rules that can start with it, in priority order
        self._starting: dict[str, tuple[int, ...]] = {}
        self._firsts_done = False
        self._ready = False  # every expression built (see _prepare_all)
        # each trigger once (two rules may share one), its alternatives laid out flat
        triggers = list(
            dict.fromkeys(
                f"(?:{part})" for r in self.rules if r.trigger for part in alternatives(r.trigger)
            )
        )
        self._gate = compile_cached("|".join([GATE_CHARS, *triggers])) if gate else None

    @functools.cached_property
    def _master(self) -> re.Pattern[str]:
        """All rules as one alternation: the first rule that matches at a place. Used to
        scan without the gate (tests)."""
        parts = []
        for i, rule in enumerate(self.rules):
            body = _NAMED_GROUP.sub("(?:", rule.pattern)
            parts.append(f"(?P<r{i}>{body})")
        return compile_cached("|".join(parts), self._flags)

    def _prepare_all(self) -> None:
        """Build every expression the scanner may need now (the kinds' alternations, the
        rules' own), before a long text: built while the text's spans are
        being collected, their passing memory would add to that text's peak."""
        for kind in ("digit", "upper", "lower", "other"):
            if kind in _CHAINED:
                self._chain(kind)
            else:
                self._kind_master(kind)
        self._title_master()
        for rule in self.rules:
            rule.regex  # noqa: B018 - a cached property: compiled now
        self._ready = True

    def _any_matches(self, text: str, pos: int) -> bool:
        """Whether any rule matches at ``pos`` (what the alternation of all rules tells,
        without building it: asked rarely, and it would hold all the rules once more)."""
        for rule in self.rules:
            rx = rule.regex if rule.flags == self._flags else re.compile(rule.pattern, self._flags)
            if rx.match(text, pos) is not None:
                return True
        return False

    def _firsts(self) -> list[frozenset[str] | None]:
        """Every rule's first characters (worked out on first need)."""
        firsts = self._first
        if not self._firsts_done:
            # Parsing every rule takes a tenth of a second: kept between runs too.
            key = "first_chars\0" + "\0".join(f"{r.flags}:{r.pattern}" for r in self.rules)
            stored = load_json(key)
            if isinstance(stored, list) and len(stored) == len(self.rules):
                for j, chars in enumerate(stored):
                    firsts[j] = None if chars is None else frozenset(chars)
            else:
                for j, rule in enumerate(self.rules):
                    if firsts[j] is False:
                        firsts[j] = first_chars(rule.pattern, rule.flags)
                store_json(key, [None if f is None else sorted(f) for f in firsts])  # type: ignore[arg-type]
            self._firsts_done = True
        return firsts  # type: ignore[return-value]

    def _starting_with(self, ch: str) -> tuple[int, ...]:
        """The rules whose match can start with ``ch``, in priority order."""
        return tuple(j for j, fc in enumerate(self._firsts()) if fc is None or ch in fc)

    def _members(self, kind: str) -> list[int]:
        """The rules that can start with a character of ``kind``, in priority order."""
        firsts = self._firsts()
        return [j for j, fc in enumerate(firsts) if fc is None or any(_kind(c) == kind for c in fc)]

    def _kind_master(self, kind: str) -> re.Pattern[str]:
        """The alternation of the rules that can start with a character of ``kind``: the
        first of them that matches at a place (what the alternation of all rules gives
        there, without trying the rules that cannot start with such a character)."""
        rx = self._masters.get(kind)
        if rx is None:
            parts = [
                f"(?P<r{j}>{_NAMED_GROUP.sub('(?:', self.rules[j].pattern)})"
                for j in self._members(kind)
            ]
            rx = self._masters[kind] = compile_cached("|".join(parts) or "(?!)", self._flags)
        return rx

    def _chain(self, kind: str) -> RuleChain:
        """The rules that can start with a character of ``kind`` as a chain of blocks,
        which also tells the next rule that matches after one whose handler declined."""
        chain = self._chains.get(kind)
        if chain is None:
            rules = self.rules
            bodies = {j: _NAMED_GROUP.sub("(?:", rules[j].pattern) for j in self._members(kind)}
            chain = self._chains[kind] = RuleChain(
                self._members(kind), bodies, self._flags, lambda j: rules[j].regex.match
            )
        return chain

    def _title_master(self) -> re.Pattern[str]:
        """The alternation of the upper-case rules that can match at a capital followed
        by a lower-case letter (see ``patterns.can_start_title``): most capitals start
        a name, where the others cannot match."""
        rx = self._masters.get("title")
        if rx is None:
            members = self._members("upper")
            rules = self.rules
            key = "title\0" + "\0".join(f"{rules[j].flags}:{rules[j].pattern}" for j in members)
            stored = load_json(key)
            if not (isinstance(stored, list) and all(j in members for j in stored)):
                stored = [j for j in members if can_start_title(rules[j].pattern, rules[j].flags)]
                store_json(key, stored)
            parts = [f"(?P<r{j}>{_NAMED_GROUP.sub('(?:', rules[j].pattern)})" for j in stored]
            rx = self._masters["title"] = compile_cached("|".join(parts) or "(?!)", self._flags)
        return rx

    def _entry(self, ch: str) -> Callable[[str, int], re.Match[str] | None]:
        """The ``match`` of the first rule at a place that starts with ``ch``."""
        self._firsts()
        kind = _kind(ch)
        entry: Callable[[str, int], re.Match[str] | None]
        if kind in _CHAINED:
            entry = self._chain(kind).first
        elif kind == "upper":
            upper = self._kind_master(kind).match
            title = self._title_master().match

            def entry(text: str, pos: int) -> re.Match[str] | None:
                # a capital and a lower-case letter: only the rules that can match there
                return (title if text[pos + 1 : pos + 2].islower() else upper)(text, pos)

        else:
            entry = self._kind_master(kind).match
        self._at[ch] = entry
        return entry

    def run(
        self, text: str, ctx: Context, forced: Sequence[Forced] = (), *, spans: bool = True
    ) -> tuple[str, list[Replacement]]:
        """Return the spoken text and the replacements made, in order.

        ``text`` should already be prepared (NFC, no zero-width characters), see
        ``Normalizer.prepare``; spans index it as given. ``forced`` readings (sorted,
        not overlapping) are emitted where they start, before any rule is tried there.
        ``spans=False`` makes no :class:`Replacement` (the list comes back empty): the
        spoken text alone, with less work and memory for a long text.
        """
        if not self._ready and len(text) >= _LONG_TEXT and self._gate is not None:
            self._prepare_all()
        ctx.text = text
        out: list[str] = []
        out_len = 0
        reps: list[Replacement] = []
        last = ""  # the last character emitted
        copied = 0  # text[:copied] has been emitted
        reps_made = False
        pos = 0
        rules = self.rules
        n_rules = len(rules)
        gate = self._gate.search if self._gate is not None else None
        at = self._at
        tried = 0  # positions below this have been tried and matched nothing
        firsts = self._firsts()
        chains = self._chain_at
        starting = self._starting
        # Plain text is tidied only where it can change (most texts: nowhere)
        tidy_plain = tidier(text)
        n = len(text)
        fi = 0  # next forced reading
        n_forced = len(forced)
        while True:
            while fi < n_forced and forced[fi].start < copied:
                fi += 1  # covered by a rule's match
            if fi < n_forced and forced[fi].start <= pos:
                f = forced[fi]
                fi += 1
                plain = tidy_plain(copied, f.start)
                out.append(plain)
                out_len += len(plain)
                if plain:
                    last = plain[-1]
                if out_len and last and not last.isspace() and last not in "(“\"'[":
                    out.append(" ")
                    out_len += 1
                    last = " "
                out.append(f.spoken)
                if f.spoken:
                    last = f.spoken[-1]
                if spans:
                    reps.append(
                        Replacement(
                            f.start,
                            f.end,
                            text[f.start : f.end],
                            f.spoken,
                            f.cls,
                            out_len,
                            out_len + len(f.spoken),
                            f.note,
                        )
                    )
                out_len += len(f.spoken)
                nxt = text[f.end : f.end + 1]
                if nxt and (nxt.isalpha() or nxt.isdecimal() or nxt in "(“"):
                    out.append(" ")
                    out_len += 1
                    last = " "
                copied = pos = f.end
                tried = max(tried, pos)
                reps_made = True
                continue
            limit = forced[fi].start if fi < n_forced else n
            start = -1
            first = 0
            if gate is None:
                m = self._master.search(text, pos)
                if m is not None:
                    start = m.start()
                    first = int(m.lastgroup[1:])  # type: ignore[index]
            else:
                while start < 0:
                    g = gate(text, pos)
                    if g is None:
                        break
                    hit = g.start()
                    lo = tried if tried > copied else copied
                    p = hit
                    while p > lo and not text[p - 1].isspace():
                        p -= 1
                    if (
                        p > lo
                        and text[p - 1] == " "
                        and not (text[p].isalpha() or text[p].isdecimal())
                    ):
                        p -= 1  # " / ha": a rule may start one space before a symbol
                    while p <= hit:
                        km = at.get(text[p])
                        if km is None:
                            km = self._entry(text[p])
                        m = km(text, p)
                        if m is not None:
                            start = p
                            first = int(m.lastgroup[1:])  # type: ignore[index]
                            break
                        if fi < n_forced and p + 1 >= limit and self._any_matches(text, p):
                            # No rule that can start with this character matches, but the
                            # alternation of all rules does: stop here as the scanner
                            # always did, so a reading defined in the text starts where
                            # it did.
                            start = p
                            first = n_rules
                            break
                        p += 1
                    if start < 0:
                        tried = pos = hit + 1
                        if pos > n:
                            break
            if start < 0 or start >= limit:
                if fi < n_forced:
                    pos = forced[fi].start
                    continue
                break
            found = None
            # (A "word character" here is a letter or a decimal digit, written out inline
            # for speed: not "¹" or "½", which are numeric but not digits.)
            # A word boundary: the start of the text, a non-word character before, or the
            # end of a replacement (the spoken form is set apart by a space, so reading the
            # output again must see the same boundary: "0Tp" → "không thành phố").
            bounded_ok = (
                start == 0
                or (start == copied and reps_made)
                or not (text[start - 1].isalpha() or text[start - 1].isdecimal())
            )
            ch = text[start]
            if gate is None:
                chain = None
            elif ch in chains:
                chain = chains[ch]
            else:
                chain = chains[ch] = self._chains.get(_kind(ch))
            j = first
            rm = None  # rule j's own match, when the chain found it
            while 0 <= j < n_rules:
                rule = rules[j]
                fc = firsts[j]
                if not (rule.bounded and not bounded_ok) and (fc is None or ch in fc):
                    if rm is None:
                        rm = rule.regex.match(text, start)
                    if rm is not None and rm.end() > start:
                        spoken = rule.handler(rm, ctx)
                        if spoken is not None:
                            found = (rule, rm.end(), spoken)
                            break
                # the next rule that may match here: from the chain, or the next rule in
                # line that can start with this character
                if chain is None:
                    cands = starting.get(ch)
                    if cands is None:
                        cands = starting[ch] = self._starting_with(ch)
                    k = bisect.bisect_right(cands, j)
                    j = cands[k] if k < len(cands) else n_rules
                    rm = None
                else:
                    j, rm = chain.after(text, start, j)
            if found is None:
                tried = pos = start + 1
                continue
            rule, end, spoken = found
            plain = tidy_plain(copied, start)
            out.append(plain)
            out_len += len(plain)
            if plain:
                last = plain[-1]
            spoken = " ".join(spoken.split())
            if spoken:
                if out_len and last and not last.isspace() and last not in "(“\"'[":
                    out.append(" ")
                    out_len += 1
                out.append(spoken)
                last = spoken[-1]
                if spans:
                    reps.append(
                        Replacement(
                            start,
                            end,
                            text[start:end],
                            spoken,
                            rule.cls,
                            out_len,
                            out_len + len(spoken),
                        )
                    )
                out_len += len(spoken)
                nxt = text[end : end + 1]
                if nxt and (nxt.isalpha() or nxt.isdecimal() or nxt in "(“"):
                    out.append(" ")
                    out_len += 1
                    last = " "
            else:
                # Dropped (a silent symbol): keep one space between its neighbours.
                if spans:
                    reps.append(
                        Replacement(start, end, text[start:end], "", rule.cls, out_len, out_len)
                    )
                if out_len and (last or " ") not in " \n":
                    out.append(" ")
                    out_len += 1
                    last = " "
            copied = pos = end
            reps_made = True
        out.append(tidy_plain(copied, n))
        spoken_text = "".join(out)
        return finish(spoken_text, reps)


#: The kinds of character whose rules are asked through a chain of blocks (see
#: ``RuleChain``): numbers, whose first matching rules (codes, dates, money, measures …)
#: often decline.
_CHAINED = frozenset({"digit"})

#: A text this long gets every expression built before it is scanned (see _prepare_all).
_LONG_TEXT = 20_000


def _kind(ch: str) -> str:
    """The kind of character an alternation is built for (see ``Scanner._kind_master``)."""
    if "0" <= ch <= "9":
        return "digit"
    if ch.isupper():
        return "upper"
    if ch.islower():
        return "lower"
    return "other"
