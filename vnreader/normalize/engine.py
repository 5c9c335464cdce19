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

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vnreader.normalize.cardinal import NumberReader

#: Characters treated as spaces: ASCII whitespace, no-break spaces, thin spaces …
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
#: Invisible characters that only confuse a speech engine (zero-width, soft hyphen, BOM).
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")
#: A comma, semicolon or colon glued to the next word ("phương hướng,nhiệm vụ").
_GLUED_PUNCT = re.compile(r"([,;])(?=[^\W\d_])")
_SPACE_BEFORE_PUNCT = re.compile(r" +(?=[,.;:!?…)\]”])")
_NEWLINE_SPACES = re.compile(r" *\n *")
#: Strips named groups so rule patterns can be joined without name clashes.
_NAMED_GROUP = re.compile(r"\(\?P<[A-Za-z_][A-Za-z0-9_]*>")

Handler = Callable[[re.Match[str], "Context"], str | None]


@dataclass(frozen=True)
class Rule:
    """One written pattern of a semiotic class and how to say it.

    ``bounded`` rules only start at a word boundary (not right after a letter or digit),
    which keeps "m2" from being read as a number inside "km2".
    """

    cls: str
    pattern: str
    handler: Handler
    bounded: bool = True
    flags: int = 0
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "regex", re.compile(self.pattern, self.flags))


@dataclass(frozen=True)
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
        """The word just before ``pos``, lower-cased, or ``""``."""
        words = self.words_before(pos, 1)
        return words[0] if words else ""

    def word_after(self, pos: int) -> str:
        """The word just after ``pos`` as written, or ``""``."""
        words = self.words_after(pos, 1)
        return words[0] if words else ""


_WORD = re.compile(r"[^\W_]+")


class Scanner:
    """Applies an ordered list of rules to texts; build once, call many times."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        parts = []
        for i, rule in enumerate(self.rules):
            body = _NAMED_GROUP.sub("(?:", rule.pattern)
            parts.append(f"(?P<r{i}>{body})")
        flags = 0
        for rule in self.rules:
            flags |= rule.flags
        self._master = re.compile("|".join(parts), flags)

    def run(self, text: str, ctx: Context) -> tuple[str, list[Replacement]]:
        """Return the spoken text and the replacements made, in order.

        ``text`` should already be prepared (NFC, no zero-width characters), see
        ``Normalizer.prepare``; spans index it as given.
        """
        ctx.text = text
        out: list[str] = []
        out_len = 0
        reps: list[Replacement] = []
        copied = 0  # text[:copied] has been emitted
        pos = 0
        rules = self.rules
        search = self._master.search
        n_rules = len(rules)
        while True:
            m = search(text, pos)
            if m is None:
                break
            start = m.start()
            first = int(m.lastgroup[1:])  # type: ignore[index]
            found = None
            bounded_ok = start == 0 or not _is_alnum(text[start - 1])
            for j in range(first, n_rules):
                rule = rules[j]
                if rule.bounded and not bounded_ok:
                    continue
                rm = rule.regex.match(text, start)
                if rm is None or rm.end() == start:
                    continue
                spoken = rule.handler(rm, ctx)
                if spoken is not None:
                    found = (rule, rm.end(), spoken)
                    break
            if found is None:
                pos = start + 1
                continue
            rule, end, spoken = found
            plain = _tidy(text[copied:start])
            out.append(plain)
            out_len += len(plain)
            spoken = " ".join(spoken.split())
            if spoken:
                prev = out[-1][-1:] if out and out[-1] else ""
                if out_len and prev and not prev.isspace() and prev not in "(“\"'[":
                    out.append(" ")
                    out_len += 1
                out.append(spoken)
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
                if nxt and (_is_alnum(nxt) or nxt in "(“"):
                    out.append(" ")
                    out_len += 1
            else:
                # Dropped (a silent symbol): keep one space between its neighbours.
                reps.append(
                    Replacement(start, end, text[start:end], "", rule.cls, out_len, out_len)
                )
                if out_len and not "".join(out[-1:]).endswith((" ", "\n")):
                    out.append(" ")
                    out_len += 1
            copied = pos = end
        out.append(_tidy(text[copied:]))
        spoken_text = "".join(out)
        return _finish(spoken_text, reps)


def _is_alnum(ch: str) -> bool:
    """A letter or a decimal digit (not "¹" or "½", which are numeric but not digits)."""
    return ch.isalpha() or ch.isdecimal()


def _tidy(segment: str) -> str:
    """Tidy spacing inside a stretch of plain text (no rule matched there)."""
    if not segment:
        return segment
    segment = _SPACES.sub(" ", segment)
    if "," in segment or ";" in segment:
        segment = _GLUED_PUNCT.sub(r"\1 ", segment)
    return segment


def _finish(text: str, reps: list[Replacement]) -> tuple[str, list[Replacement]]:
    """Collapse doubled spaces and spaces before punctuation, keeping spans exact.

    Each deletion shifts the output spans after it, so spans are remapped through an
    offset table built while deleting.
    """
    if (
        "  " not in text
        and not _SPACE_BEFORE_PUNCT.search(text)
        and not (text[:1].isspace() or text[-1:].isspace() or " \n" in text or "\n " in text)
    ):
        return text, reps
    keep: list[int] = []  # for each kept char, its index in the old text
    chars: list[str] = []
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        if ch == " ":
            j = i
            while j < n and text[j] == " ":
                j += 1
            # Drop spaces at the ends of the text or a line, after an opening bracket and
            # before closing punctuation; otherwise keep exactly one.
            drop = not chars or chars[-1] in "\n(“[" or j == n or text[j] in "\n,.;:!?…)]”"
            if not drop:
                keep.append(i)
                chars.append(" ")
            i = j
            continue
        keep.append(i)
        chars.append(ch)
        i += 1
    new_text = "".join(chars)
    if not reps:
        return new_text, reps
    # old index → new index of the first kept char at or after it
    mapping = [0] * (n + 1)
    k = len(keep)
    ki = 0
    for old in range(n + 1):
        while ki < k and keep[ki] < old:
            ki += 1
        mapping[old] = ki
    fixed = [
        Replacement(
            r.start, r.end, r.written, r.spoken, r.cls, mapping[r.out_start], mapping[r.out_end]
        )
        for r in reps
    ]
    return new_text, fixed
