"""Spacing of the spoken text: the plain stretches between readings tidied, and the
whole output's runs of spaces collapsed with every span kept exact (see ``engine``)."""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Callable
from typing import Any

#: Characters treated as spaces: ASCII whitespace, no-break spaces, thin spaces …
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
#: The spaces ``_SPACES`` changes even alone (a single " " needs no change): one character
#: class, which the regex engine scans for quickly.
_ODD_SPACE = re.compile(r"[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]")
#: Invisible characters that only confuse a speech engine (zero-width, soft hyphen, BOM).
INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")
#: A comma, semicolon or colon glued to the next word ("phương hướng,nhiệm vụ").
_GLUED_PUNCT = re.compile(r"([,;])(?=[^\W\d_])")


#: Where ``tidy`` may change something: an odd space, a glued comma (one character class
#: first, which the regex engine searches for quickly); and two spaces.
_TIDY_MARKS = re.compile(r"[,;\t\u00a0\u2000-\u200a\u202f\u205f\u3000](?:(?<=[^,;])|(?=[^\W\d_]))")
_TWO_SPACES = re.compile(r"  ")


def tidier(text: str) -> Callable[[int, int], str]:
    """``text[a:b]`` tidied (see ``tidy``), for the stretches of ``text`` between
    readings: only a stretch that holds a place where tidying can change something is
    tidied, the places found once in the whole text (most texts have none)."""
    marks = [m.start() for m in _TIDY_MARKS.finditer(text)]
    if "  " in text:
        marks = sorted(marks + [m.start() for m in _TWO_SPACES.finditer(text)])
    if not marks:
        return lambda a, b: text[a:b]

    def tidied(a: int, b: int) -> str:
        k = bisect.bisect_left(marks, a)
        if k < len(marks) and marks[k] < b:
            return tidy(text[a:b])
        return text[a:b]

    return tidied


def tidy(segment: str) -> str:
    """Tidy spacing inside a stretch of plain text (no rule matched there)."""
    if not segment:
        return segment
    if "  " in segment or _ODD_SPACE.search(segment) is not None:
        segment = _SPACES.sub(" ", segment)
    if "," in segment or ";" in segment:
        segment = _GLUED_PUNCT.sub(r"\1 ", segment)
    return segment


def finish(text: str, reps: list[Any]) -> tuple[str, list[Any]]:
    """Collapse doubled spaces and spaces before punctuation, keeping spans exact.

    ``reps`` are the engine's ``Replacement`` objects (dataclasses with ``out_start`` and
    ``out_end``). Only the runs of spaces that need a change are visited; output spans after each
    deletion are shifted by the number of characters deleted before them.
    """
    n = len(text)
    if (
        "  " not in text
        and not text.startswith(" ")
        and not text.endswith(" ")
        and _SPACE_AFTER_OPENER.search(text) is None
        and _SPACE_BEFORE_CLOSER.search(text) is None
    ):
        return text, reps  # no run of spaces to change (the common case: a quick test)
    parts: list[str] = []
    run_start: list[int] = []  # old start of each changed run of spaces
    run_end: list[int] = []  # old end of each changed run
    run_new: list[int] = []  # new position of each run's start
    run_keep: list[int] = []  # spaces kept of each run (0 or 1)
    last = removed = 0
    for m in _SPACE_RUNS.finditer(text):
        s, e = m.span()
        drop = s == 0 or e == n or text[s - 1] in _OPENERS or text[e] in _CLOSERS
        keep = 0 if drop else 1
        if e - s == keep:
            continue
        parts.append(text[last:s])
        parts.append(" " * keep)
        last = e
        run_start.append(s)
        run_end.append(e)
        run_new.append(s - removed)
        run_keep.append(keep)
        removed += e - s - keep
    if not run_start:
        return text, reps
    parts.append(text[last:])

    def shift(pos: int) -> int:
        i = bisect.bisect_right(run_start, pos) - 1
        if i < 0:
            return pos
        if pos < run_end[i]:  # inside a run: clamp to what is kept of it
            return run_new[i] + min(pos - run_start[i], run_keep[i])
        return run_new[i] + run_keep[i] + (pos - run_end[i])

    fixed = [
        dataclasses.replace(r, out_start=shift(r.out_start), out_end=shift(r.out_end)) for r in reps
    ]
    return "".join(parts), fixed


_OPENERS = "\n(“["
_CLOSERS = "\n,.;:!?…)]”"
#: Runs of spaces that must shrink: doubled, at either end, after an opener or a line
#: break, before closing punctuation or a line break.
#: (Written with a space first, which the regex engine searches for quickly: the same
#: runs as " {2,}|\A +| +\Z|(?<=[\n(“\[]) +| +(?=[\n,.;:!?…)\]”])".)
_SPACE_RUNS = re.compile(r" (?: +|(?<=\A )|\Z|(?<=[\n(“\[] )|(?=[\n,.;:!?…)\]”]))")
#: The last two cases of ``_SPACE_RUNS`` on their own, as expressions that start with a
#: character (class), which the regex engine searches for quickly.
_SPACE_AFTER_OPENER = re.compile(r"[\n(“\[] ")
_SPACE_BEFORE_CLOSER = re.compile(r" [\n,.;:!?…)\]”]")
