"""Look-arounds and layouts that make rules cheaper to ask, each matching exactly where
the plain expression does (``tests/test_gate.py`` compares them):

* ``nearest_before`` and ``ends_before``: look-behinds put in a rule's pattern that fail
  where its handler always declines (the phrase it needs does not end right before);
* ``alternatives``: a trigger laid out as its top-level alternatives, so that the gate's
  alternation rejects each in one quick test.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from vnreader.normalizer.patterns import any_case, literal_alternation

__all__ = ["after_words", "alternatives", "ends_before", "nearest_before"]


def alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of ``pattern``, a leading group opened up
    (``(?:a|b(?:c|d))|e`` gives ``a``, ``b(?:c|d)``, ``e``; ``(?:a|b)c`` gives ``ac``,
    ``bc``): a place matches the whole where one of them matches there.

    The scanner's gate joins every rule's trigger in one alternation, tried at every
    character: Python's ``re`` rejects an alternative that starts with a character or a
    class in one quick test, but enters one that starts with a group, so the triggers'
    own alternations are laid out flat.
    """
    parts: list[str] = []
    depth = start = 0
    for i, ch in _structure(pattern):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    parts.append(pattern[start:])
    if len(parts) > 1:
        return [p for part in parts for p in alternatives(part)]
    end = _group_end(pattern) if pattern.startswith("(?:") else -1
    if end > 0 and pattern[end + 1 : end + 2] not in ("*", "+", "?", "{"):
        # "(?:a|b)c" matches where "ac" or "bc" does: the group's alternatives, each
        # followed by the rest
        rest = pattern[end + 1 :]
        return [alt + rest for alt in alternatives(pattern[3:end])]
    return [pattern]


def _group_end(pattern: str) -> int:
    """Where the group opened at ``pattern[0]`` closes (-1 if it does not)."""
    depth = 0
    for i, ch in _structure(pattern):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _structure(pattern: str) -> Iterator[tuple[int, str]]:
    """The characters of ``pattern`` that can open or close a group or part an
    alternation, with their index: all but escaped ones and those inside a class."""
    i, in_class = 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            i += 1
            if pattern[i : i + 1] == "^":
                i += 1
            if pattern[i : i + 1] == "]":
                i += 1  # a "]" first in a class is a literal
            continue
        else:
            yield i, ch
        i += 1


def nearest_before(allowed: str, skip: str) -> str:
    r"""Two look-behinds that turn a place away where the nearest character before it,
    passing over at most one character of ``skip``, is neither in ``skip`` nor in
    ``allowed`` (both bodies of a character class, e.g. ``"gG"`` and ``r"\W_"``).

    A handler that declines unless a phrase ends right before its match ("tháng 4",
    "quý I") only ever accepts where the nearest character before, past ``skip``, ends
    such a phrase: put in the rule's pattern, this tells most declines before the
    handler is asked. Where two or more ``skip`` characters come first it lets the place
    through, and the handler decides, so no reading changes.
    """
    return rf"(?<![^{skip}{allowed}])(?<![^{skip}{allowed}][{skip}])"


def ends_before(words: Sequence[str], skip: str) -> str:
    r"""Look-behinds that let a place through only where one of ``words`` (any case)
    ends right before it or before one character of ``skip``, or where two characters
    of ``skip`` come first (there it cannot tell, and lets the place through).

    A finer test than :func:`nearest_before` (which it follows in a pattern: that one
    turns most places away with two quick tests, this one the rest). Words of one length
    share a look-behind, as a trie, so the test costs one look-behind per length.
    """
    by_length: dict[int, set[str]] = {}
    for word in words:
        by_length.setdefault(len(word), set()).add(word)
    alternatives = [f"(?<=[{skip}][{skip}])"]
    for _, group in sorted(by_length.items()):
        body = literal_alternation(sorted(group), fold=True)
        alternatives.append(f"(?<={body})")
        alternatives.append(f"(?<=(?:{body})[{skip}])")
    return "(?:" + "|".join(alternatives) + ")"


def after_words(words: Sequence[str], skip: str = r"\s") -> str:
    """Both tests for a place that only counts after one of ``words``: the nearest
    character first (``nearest_before``, two quick look-behinds that turn most places
    away), then the whole word (``ends_before``)."""
    last = any_case("".join(word[-1] for word in words))
    return nearest_before(last, skip) + ends_before(words, skip)
