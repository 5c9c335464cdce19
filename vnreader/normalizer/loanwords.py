"""English and French loanwords written in their foreign spelling, said the Vietnamese way.

Portal text is full of words such as "hotline", "email", "website", "online", "Zalo",
"container", "karaoke". A Vietnamese speech engine spells them letter by letter or reads
them with rules that do not fit them; a presenter says them the way Vietnamese writers
respell them: *hót lai*, *i meo*, *on lai*, *Da lô*, *công te nơ*, *ca ra ô kê*.

Reading rules (see docs/normalizer/loanwords.md):

* The readings are data (``data/loanwords.tsv``): ``written<TAB>spoken``. Every spoken
  token must be a Vietnamese syllable (``syllables.is_syllable``), and no written form
  may be one ("chat", "sim", "top" are read as Vietnamese already): the table is refused
  otherwise, so a bad entry fails the test suite instead of reaching a listener.
* Whole words only: never inside a longer word ("file" not in "profile"), never glued to
  a digit, an underscore or an "@" (those are codes and addresses, read by the web class,
  which runs first).
* Case: the form as written in the table, all lower case, a capital first letter (of each
  hyphenated part), and ALL CAPS ("email", "Email", "EMAIL", "Wi-Fi"). Mixed case that
  no writer uses ("eMAIL") is left alone. A capital first letter is kept in the spoken
  form ("Email: …" → *I meo: …*); ALL CAPS (a headline) gives the table's own form.
  An ALL-CAPS form of three letters or fewer ("GAS", "APP", "WEB") is read only inside a
  headline (next to another ALL-CAPS word on the same line): alone, a short capital
  token is far more often an acronym, which the abbreviation and letters classes read.
  Forms the abbreviation table knows ("Covid", "VietGAP") are left to it.
* Variants: a "-" in a table entry is optional and may be a space ("e-mail": "email",
  "e-mail", "E-Mail", "e mail"); a space between words may be a hyphen
  ("internet-banking"). Longer entries are tried first ("internet banking" before
  "internet", "video clip" before "video").
"""

from __future__ import annotations

import functools
import re

from vnreader.errors import DataError
from vnreader.normalizer import abbreviations
from vnreader.normalizer.data import read_tsv
from vnreader.normalizer.engine import Context, Rule
from vnreader.normalizer.patterns import alternation_by_first, literal_alternation
from vnreader.normalizer.syllables import is_syllable

__all__ = ["lookup", "rules"]

#: Separators that may join or split the parts of an entry.
_SEP = re.compile(r"[-\u2010\u2011 \u00a0]+")
_TOKEN = re.compile(r"[^\W_]+")
#: Not followed by a letter, digit, underscore or "@" (an address or an identifier).
_END = r"(?![\w@])"
#: Not right after "@" or "_" (inside an address or identifier); letters and digits are
#: excluded by the rule being bounded.
_START = r"(?<![@_])"
_NEAR_BEFORE = re.compile(r"([^\W_]+)[^\w\n]{0,3}$")
_NEAR_AFTER = re.compile(r"[^\w\n]{0,3}([^\W_]+)")


def _canon(written: str) -> str:
    """The lookup key of a written form: lower case, without hyphens or spaces."""
    return _SEP.sub("", written).lower()


@functools.cache
def _table() -> dict[str, tuple[str, str]]:
    """Canonical key → (written form from the table, spoken form); validated."""
    table: dict[str, tuple[str, str]] = {}
    for row in read_tsv("loanwords.tsv"):
        written, spoken = row[0], " ".join(row[1].split())
        bad = [t for t in _TOKEN.findall(spoken) if not is_syllable(t)]
        if bad or not spoken:
            raise DataError(f"loanwords.tsv: {written!r} → {spoken!r}: not syllables {bad}")
        if all(is_syllable(t) for t in _TOKEN.findall(written)):
            raise DataError(f"loanwords.tsv: {written!r} is Vietnamese syllables already")
        key = _canon(written)
        if key in table:
            raise DataError(f"loanwords.tsv: {written!r} listed twice")
        table[key] = (written, spoken)
    for _, spoken in table.values():
        # Idempotence: a spoken form must not be read again as a loanword.
        for tok in _TOKEN.findall(spoken):
            if _canon(tok) in table:
                raise DataError(f"loanwords.tsv: spoken {spoken!r} contains entry {tok!r}")
    return table


def lookup(written: str) -> str | None:
    """The table's spoken form of a loanword in any accepted spelling, or ``None``.

    >>> lookup("E-mail"), lookup("wifi"), lookup("chat")
    ('i meo', 'oai phai', None)
    """
    entry = _table().get(_canon(written)) if isinstance(written, str) else None
    return entry[1] if entry else None


def _parts(written: str) -> list[tuple[str, str]]:
    """Split a table form into (word, separator that follows) pairs."""
    out: list[tuple[str, str]] = []
    for m in re.finditer(r"([^-\s]+)([-\s]*)", written):
        sep = m.group(2)
        out.append((m.group(1), "-" if "-" in sep else (" " if sep else "")))
    return out


def _cased_forms(written: str) -> set[str]:
    """The spellings accepted for a table form: as written, lower, Capital(s), UPPER."""
    parts = _parts(written)

    def join(words: list[str]) -> str:
        return "".join(w + sep for w, (_, sep) in zip(words, parts, strict=True))

    words = [w for w, _ in parts]
    lower = [w.lower() for w in words]
    forms = {
        join(words),
        join(lower),
        join([w[:1].upper() + w[1:].lower() for w in words]),  # "Wi-Fi", "Internet Banking"
        join([lower[0][:1].upper() + lower[0][1:], *lower[1:]]),  # "Wi-fi", "Internet banking"
        join([w.upper() for w in words]),
    }
    return forms


def _form_pattern(form: str) -> str:
    out = []
    for word, sep in _parts(form):
        out.append(re.escape(word))
        if sep == "-":
            out.append(r"[-\u2010\u2011 ]?")  # "e-mail", "email", "e mail"
        elif sep == " ":
            out.append(r"(?:[ \u00a0]|[-\u2010\u2011])")  # "internet banking", "-banking"
    return "".join(out)


def _is_caps(form: str) -> bool:
    letters = "".join(_TOKEN.findall(form))
    return len(letters) > 1 and letters.isupper()


@functools.cache
def _forms() -> tuple[str, ...]:
    """Every accepted spelling, longest first (a regex alternation takes the first)."""
    forms: set[str] = set()
    for written, _ in _table().values():
        for form in _cased_forms(written):
            if abbreviations.known(form):
                continue  # the abbreviation class reads it ("COVID", "VietGAP")
            forms.add(form)
    return tuple(sorted(forms, key=lambda f: (-len(f), f)))


@functools.cache
def _pattern() -> str:
    # Grouped by first character (see ``alternation_by_first``): every form starts with
    # a letter or digit of its first word, escaped on its own by ``_form_pattern``.
    branches = []
    for f in _forms():
        body = _form_pattern(f)
        head = re.escape(f[0])
        if body.startswith(head) and not re.escape(f[0]).startswith("\\"):
            branches.append((f[0], body[len(head) :]))
        else:
            branches.append(("", body))
    body = alternation_by_first(branches)
    return rf"{_START}(?:{body}){_END}"


#: What each separator of a table form may be in a text (as ``_form_pattern`` allows).
_SEP_LITERALS = {
    "-": ("", "-", "\u2010", "\u2011", " "),
    " ": (" ", "\u00a0", "-", "\u2010", "\u2011"),
}


def _literals(form: str) -> list[str]:
    """The literal strings a form's pattern matches (each separator in each of its ways)."""
    out = [""]
    for word, sep in _parts(form):
        out = [o + word + s for o in out for s in _SEP_LITERALS.get(sep, ("",))]
    return out


@functools.cache
def _trigger() -> str:
    """Lower-case spellings, which the scanner's gate (capitals, digits, symbols) misses.

    Factored into a trie so that the gate, searched over the whole text, stays cheap (the
    gate asks only where one matches, so the order of the spellings is free: sorted).
    """
    quiet = {lit for f in _forms() if not any(ch.isupper() for ch in f) for lit in _literals(f)}
    return literal_alternation(sorted(quiet))


def _headline(ctx: Context, start: int, end: int) -> bool:
    """Whether the nearest word before or after on the same line is ALL CAPS."""
    bm = _NEAR_BEFORE.search(ctx.text, max(0, start - 40), start)
    am = _NEAR_AFTER.match(ctx.text, end)
    return any(m is not None and _is_caps(m.group(1)) for m in (bm, am))


def _handle(m: re.Match[str], ctx: Context) -> str | None:
    try:
        text = m.group(0)
        entry = _table().get(_canon(text))
        if entry is None:
            return None
        written, spoken = entry
        if _is_caps(text):
            letters = "".join(_TOKEN.findall(text))
            if len(letters) <= 3 and text != written and not _headline(ctx, m.start(), m.end()):
                return None
            return spoken
        if text[:1].isupper():
            return spoken[:1].upper() + spoken[1:]
        return spoken
    except Exception:  # a handler must never raise on odd input
        return None


def rules() -> list[Rule]:
    """One rule for every loanword in ``data/loanwords.tsv`` (longest first)."""
    return [Rule("loanwords", _pattern(), _handle, trigger=_trigger())]
