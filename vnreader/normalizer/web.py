"""Web addresses, e-mail addresses and file names, said the way a presenter says them.

Reading rules (see docs/normalizer/web.md):

* "." is *chấm*, "@" *a còng*, "-" *gạch ngang*, "_" *gạch dưới* (data/web_words.tsv).
* "http://", "https://" are not said: presenters give the site, not the protocol.
  "www" is *vê kép vê kép vê kép*.
* The path after the site ("/trang/TinTuc/115/…") is not said: it cannot be followed by
  ear, and the reader shows the link itself. The host is said in full.
* A label that is a known word is said as that word, with its tones ("kiengiang" →
  *kiên giang*, "gov" → *gờ o vê*, "vn" → *vê en*, "com" → *com*). Other labels are split
  into Vietnamese syllables when every piece is one ("baclieu" style words not in the
  table are still said, without the tones the address lost), else spelled with letter
  names ("ubnd" → *u bê en đê*); digits are read as a number ("24h" → *hai mươi tư hát*).
* A file name's extension is *chấm* plus its name ("HOI NGHI.jpg" → *HOI NGHI chấm gi pê
  gờ*); the base name is left to the other classes.
"""

from __future__ import annotations

import functools
import re

from vnreader.normalizer.data import read_tsv
from vnreader.normalizer.engine import Context, Rule
from vnreader.normalizer.letters import spell_letters as spell
from vnreader.normalizer.syllables import is_syllable

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
#: Path and query: anything but spaces and brackets/quotes, not ending in punctuation.
_PATH = r"(?:/(?:[^\s<>\"“”()\[\]]*[^\s<>\"“”()\[\].,;:!?'])?)?"


@functools.cache
def _table() -> dict[str, tuple[str, str]]:
    return {row[0]: (row[1], row[2]) for row in read_tsv("web_words.tsv", 3)}


def _kind(kind: str) -> dict[str, str]:
    return {k: v for k, (kd, v) in _table().items() if kd == kind}


@functools.cache
def _sym() -> dict[str, str]:
    return _kind("sym")


@functools.cache
def _tlds() -> dict[str, str]:
    return _kind("tld")


@functools.cache
def _known_words() -> dict[str, str]:
    words = _kind("word")
    words.update(_tlds())
    return words


@functools.cache
def _exts() -> dict[str, str]:
    return _kind("ext")


#: An address: an optional scheme and "www.", then a host of two or more labels. Without a
#: scheme or "www" the handler requires a known last label (data/web_words.tsv, kind tld).
#: A host that starts with a digit has no scheme or "www." before it, so its last label
#: must be a known top-level one, all letters (``_url`` declines anything else): where
#: the digits, dots and hyphens from the start meet no letter ("1.200", "2.5-3"), no
#: address can be read, and the look-ahead says so before a number is tried as one.
_URL = (
    r"(?![0-9][0-9.\-]*+(?![A-Za-z]))"
    rf"(?P<scheme>https?://)?(?P<www>www\d?\.)?(?P<host>{_LABEL}(?:\.{_LABEL})+)"
    rf"(?::\d{{1,5}})?(?P<path>{_PATH})(?!\w)"
)


_EMAIL = (
    rf"(?P<local>[A-Za-z0-9](?:[A-Za-z0-9._%+\-]*[A-Za-z0-9])?)@(?P<host>{_LABEL}(?:\.{_LABEL})+)"
    r"(?![\w@])(?!\.[A-Za-z0-9])"
)


# -- reading labels -------------------------------------------------------------------------

#: Vowel letters an address writes without their marks, and the marked letters they stand for.
_VARIANTS = {"a": "aăâ", "e": "eê", "o": "oôơ", "u": "uư", "d": "dđ"}


@functools.cache
def _as_syllable(piece: str) -> str | None:
    """``piece`` as a Vietnamese syllable, restoring vowel marks if needed ("kien" → "kiên")."""
    if is_syllable(piece):
        return piece
    options = [""]
    for ch in piece:
        alts = _VARIANTS.get(ch, ch)
        if ch == "d" and options != [""]:
            alts = "d"  # đ only starts a syllable
        options = [o + a for o in options for a in alts]
        if len(options) > 64:
            return None
    for opt in options:
        if is_syllable(opt):
            return opt
    return None


_ONSETLESS = re.compile(r"[aăâeêioôơuưy]")


def _segment(label: str) -> str | None:
    """Split a lower-case letter run into known words and syllables, cheapest first.

    Costs: a known word 1, a syllable 2 (3 without an onset consonant, since compounds
    rarely have vowel-initial syllables: "tanhiep" is "tan hiep", not "tanh iep"), a
    letter said by its name 4.
    """
    n = len(label)
    best: list[tuple[float, list[str]] | None] = [None] * (n + 1)
    best[0] = (0.0, [])
    words = _known_words()
    for i in range(n):
        if best[i] is None:
            continue
        cost_i, parts_i = best[i]  # type: ignore[misc]
        for j in range(i + 1, min(n, i + 20) + 1):
            piece = label[i:j]
            if piece in words:
                cand = (cost_i + 1, [*parts_i, words[piece]])
            elif 2 <= j - i <= 7 and (syl := _as_syllable(piece)):
                cost = 3 if _ONSETLESS.match(piece) else 2
                cand = (cost_i + cost, [*parts_i, syl])
            elif j - i == 1 and (name := spell(piece)):
                # a stray letter ("sokhcn" = "so" + k, h, c, n) is named
                cand = (cost_i + 4, [*parts_i, name])
            else:
                continue
            if best[j] is None or cand[0] < best[j][0]:  # type: ignore[index]
                best[j] = cand
    last = best[n]
    return " ".join(last[1]) if last else None


def read_label(label: str, ctx: Context) -> str | None:
    """One dot-free piece of an address: words, syllables, spelled letters, numbers."""
    low = label.lower()
    words = _known_words()
    if low in words:
        return words[low]
    out: list[str] = []
    for part in re.findall(r"[a-z]+|\d+|[^a-z\d]", low):
        if part.isdigit():
            out.append(ctx.num.read_int(part) if len(part) <= 3 else ctx.num.read_digits(part))
        elif part.isalpha():
            spoken = words.get(part)
            if spoken is None and len(part) >= 2:
                spoken = _segment(part)
            if spoken is None:
                spoken = spell(part)
            if spoken is None:
                return None
            out.append(spoken)
        else:
            sym = _sym().get(part)
            if sym is None:
                return None
            out.append(sym)
    return " ".join(out)


def read_host(host: str, ctx: Context) -> str | None:
    dot = _sym()["."]
    parts = [read_label(label, ctx) for label in host.split(".")]
    if any(p is None for p in parts):
        return None
    return f" {dot} ".join(parts)  # type: ignore[arg-type]


# -- rules ----------------------------------------------------------------------------------


def _url(m: re.Match[str], ctx: Context) -> str | None:
    host = m.group("host")
    if not m.group("scheme") and not m.group("www"):
        labels = host.split(".")
        if len(labels) < 2 or labels[-1].lower() not in _tlds():
            return None
        # "v.v", "TP.HCM" never get here (no known last label); a capitalised first label
        # glued after a sentence dot ("tốt.Com") is rare enough to accept.
    spoken = read_host(host, ctx)
    if spoken is None:
        return None
    if m.group("www"):
        www = m.group("www")[:-1].lower()
        spoken = f"{read_label(www, ctx)} {_sym()['.']} {spoken}"
    return spoken


def _email(m: re.Match[str], ctx: Context) -> str | None:
    local = read_label(m.group("local"), ctx)
    host = read_host(m.group("host"), ctx)
    if local is None or host is None:
        return None
    return f"{local} {_sym()['@']} {host}"


@functools.cache
def _ext_pattern() -> str:
    exts = "|".join(sorted(_exts(), key=len, reverse=True))
    return rf"(?P<base>[^\W_][\w\-]*)\.(?P<ext>(?i:{exts}))(?![^\W_])"


def _extension(m: re.Match[str], ctx: Context) -> str | None:
    """The last word of a file name and its extension: "NGHI.jpg" → "nghi chấm gi pê gờ".

    The base word is part of the match so the two are said together; earlier words of a
    file name with spaces ("HOI NGHI.jpg") are plain text for the other classes.
    """
    written = m.group("base")
    if written.isascii():
        base = read_label(written, ctx)
    else:
        # a Vietnamese word with its marks ("RỘNG.jpg") is said as that word
        base = written.lower() if is_syllable(written) else None
    if base is None:
        return None
    return f"{base} {_sym()['.']} {_exts()[m.group('ext').lower()]}"


@functools.cache
def _url_trigger() -> str:
    """Where the scanner's gate must look for an all-lower-case address: "www.", a known
    top-level label ("….gov.vn")."""
    tlds = "|".join(sorted(_tlds(), key=len, reverse=True))
    return rf"www\d?\.|\.(?i:{tlds})(?![A-Za-z0-9])"


@functools.cache
def _ext_trigger() -> str:
    exts = "|".join(sorted(_exts(), key=len, reverse=True))
    return rf"\.(?i:{exts})(?![A-Za-z0-9])"


def rules() -> list[Rule]:
    """Web forms run first: a URL's digits and dots are not numbers or sentence ends."""
    return [
        Rule("web", _EMAIL, _email),
        Rule("web", _URL, _url, trigger=_url_trigger()),
        Rule("web", _ext_pattern(), _extension, trigger=_ext_trigger()),
    ]
