"""Text clean-up and the extractor's data files (``vnreader/extract/data/``), each read
once: boilerplate phrases, class-name hints, author roles, offices, agencies, signer
titles, uploader labels, generic titles, date labels and the generic selectors."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from vnreader.errors import DataError
from vnreader.extract.profiles import Selector, compile_selector
from vnreader.packagedata import read_text, read_toml

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"), None)


_WS = re.compile(r"[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")


def clean_text(text: str) -> str:
    """NFC, zero-width characters removed, every run of white space (``&nbsp;`` too) one
    space, trimmed. Vietnamese tone marks typed decomposed are composed."""
    text = unicodedata.normalize("NFC", text.translate(_ZERO_WIDTH))
    return _WS.sub(" ", text).strip()


def _data_lines(name: str) -> list[list[str]]:
    raw = read_text("vnreader.extract", "data", name)
    rows = []
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append([c.strip() for c in line.split("\t")])
    return rows


@dataclass(frozen=True)
class _Phrases:
    exact: dict[str, str]
    prefix: tuple[tuple[str, str], ...]
    regex: tuple[tuple[re.Pattern[str], str], ...]

    def action(self, text: str) -> str | None:
        """``"drop"``, ``"stop"`` or ``None`` for a cleaned line of text."""
        key = text.casefold().rstrip(" :.>»").strip()
        hit = self.exact.get(key)
        if hit:
            return hit
        if len(text) <= 80:
            for phrase, action in self.prefix:
                if key.startswith(phrase):
                    return action
        for pattern, action in self.regex:
            if pattern.fullmatch(text):
                return action
        return None


@lru_cache(maxsize=1)
def boilerplate() -> _Phrases:
    """The boilerplate phrases of ``data/boilerplate.tsv``."""
    exact: dict[str, str] = {}
    prefix: list[tuple[str, str]] = []
    regex: list[tuple[re.Pattern[str], str]] = []
    for row in _data_lines("boilerplate.tsv"):
        if len(row) != 3 or row[2] not in ("drop", "stop"):
            raise DataError(f"boilerplate.tsv: bad line {row!r}")
        phrase, mode, action = row
        if mode == "exact":
            exact[clean_text(phrase).casefold().rstrip(" :.>»").strip()] = action
        elif mode == "prefix":
            prefix.append((clean_text(phrase).casefold(), action))
        elif mode == "regex":
            regex.append((re.compile(phrase, re.IGNORECASE), action))
        else:
            raise DataError(f"boilerplate.tsv: bad mode {mode!r}")
    return _Phrases(exact, tuple(prefix), tuple(regex))


@dataclass(frozen=True)
class _Hint:
    pattern: str
    token: bool
    weight: int
    remove: bool
    weak: bool  # a page builder's structural word ("widget"): see class_hints.tsv


@lru_cache(maxsize=1)
def class_hints() -> tuple[_Hint, ...]:
    """The class/id name hints of ``data/class_hints.tsv``."""
    out = []
    for row in _data_lines("class_hints.tsv"):
        if len(row) != 4 or row[1] not in ("sub", "tok") or row[3] not in ("yes", "no", "weak"):
            raise DataError(f"class_hints.tsv: bad line {row!r}")
        out.append(
            _Hint(row[0].lower(), row[1] == "tok", int(row[2]), row[3] != "no", row[3] == "weak")
        )
    return tuple(out)


@lru_cache(maxsize=1)
def author_roles() -> tuple[re.Pattern[str], ...]:
    # one pattern per role, longest label first; group "name" is what follows
    """One pattern per byline role label of ``data/author_roles.tsv``, longest first."""
    rows = sorted(_data_lines("author_roles.tsv"), key=lambda r: -len(r[0]))
    out = []
    for row in rows:
        if len(row) != 3 or row[1] not in ("writer", "source", "office"):
            raise DataError(f"author_roles.tsv: bad line {row!r}")
        label, kind, colon = row
        words = r"\s*".join(re.escape(w) for w in label.split())
        sep = r"\s*[:：\-–—]\s*" if colon == "required" else r"\s*[:：\-–—]?\s*"
        out.append(re.compile(rf"(?P<{kind}>){words}{sep}(?P<name>.+)$", re.IGNORECASE))
    return tuple(out)


@lru_cache(maxsize=1)
def role_split() -> re.Pattern[str]:
    """Where one line holds several roles ("Nội dung: A - Đồ họa: B"): before a writer
    or source label followed by a colon."""
    labels = sorted((r[0] for r in _data_lines("author_roles.tsv")), key=len, reverse=True)
    alt = "|".join(r"\s*".join(re.escape(w) for w in label.split()) for label in labels)
    # case-sensitive: "Bài, ảnh: X" is one role, "Tin: X - Ảnh: Y" two
    return re.compile(rf"\s*[-–;,|]\s*(?=(?:{alt})\b[^:]{{0,12}}:)")


@lru_cache(maxsize=1)
def office_heads() -> tuple[tuple[str, ...], ...]:
    """The first words of offices' names (``data/office_words.tsv``)."""
    return tuple(
        tuple(clean_text(r[0]).casefold().split()) for r in _data_lines("office_words.tsv")
    )


@lru_cache(maxsize=1)
def agencies() -> frozenset[str]:
    """News agencies and bylines that are names as written (``data/agencies.tsv``)."""
    return frozenset(clean_text(r[0]).casefold() for r in _data_lines("agencies.tsv"))


@lru_cache(maxsize=1)
def signer_titles() -> frozenset[str]:
    """Titles of a document's signature block (``data/signer_titles.tsv``)."""
    return frozenset(clean_text(r[0]).casefold() for r in _data_lines("signer_titles.tsv"))


@lru_cache(maxsize=1)
def site_words() -> tuple[str, ...]:
    """Words that mark the site's part of a ``<title>`` (``data/site_words.tsv``)."""
    return tuple(r[0].casefold() for r in _data_lines("site_words.tsv"))


@lru_cache(maxsize=1)
def category_labels() -> tuple[str, ...]:
    """Labels before an article's category link ("Nhãn:", "Đăng trong"), longest first."""
    labels = (clean_text(r[0]).casefold() for r in _data_lines("category_labels.tsv"))
    return tuple(sorted(labels, key=len, reverse=True))


@lru_cache(maxsize=1)
def breadcrumb_skip() -> frozenset[str]:
    """Breadcrumb items that are never a category (``data/breadcrumb_skip.tsv``)."""
    return frozenset(clean_text(r[0]).casefold() for r in _data_lines("breadcrumb_skip.tsv"))


@dataclass(frozen=True)
class _Uploaders:
    label: re.Pattern[str]
    accounts: frozenset[str]


@lru_cache(maxsize=1)
def uploaders() -> _Uploaders:
    """Uploader labels and accounts (``data/uploaders.tsv``)."""
    labels: list[str] = []
    accounts: set[str] = set()
    for row in _data_lines("uploaders.tsv"):
        if len(row) != 2 or row[1] not in ("label", "account"):
            raise DataError(f"uploaders.tsv: bad line {row!r}")
        if row[1] == "label":
            labels.append(r"\s+".join(re.escape(w) for w in row[0].split()))
        else:
            accounts.add(clean_text(row[0]).casefold())
    labels.sort(key=len, reverse=True)
    pattern = re.compile(rf"^[(\[]?\s*(?:{'|'.join(labels)})(?![\wÀ-ỹ])\s*:?", re.IGNORECASE)
    return _Uploaders(pattern, frozenset(accounts))


@lru_cache(maxsize=1)
def generic_titles() -> tuple[frozenset[str], tuple[str, ...]]:
    """Titles a CMS gives every page, exact and prefixes (``data/generic_titles.tsv``)."""
    exact: set[str] = set()
    prefix: list[str] = []
    for row in _data_lines("generic_titles.tsv"):
        if len(row) != 2 or row[1] not in ("exact", "prefix"):
            raise DataError(f"generic_titles.tsv: bad line {row!r}")
        (exact.add if row[1] == "exact" else prefix.append)(clean_text(row[0]).casefold())
    return frozenset(exact), tuple(prefix)


@dataclass(frozen=True)
class _Generic:
    title: tuple[Selector, ...]
    lead: tuple[Selector, ...]
    date: tuple[Selector, ...]
    category: tuple[Selector, ...]
    author: tuple[Selector, ...]


@lru_cache(maxsize=1)
def generic_selectors() -> _Generic:
    """The generic selectors of ``data/generic.toml``, compiled once."""
    data = read_toml("vnreader.extract", "data", "generic.toml")

    def sels(key: str) -> tuple[Selector, ...]:
        return tuple(compile_selector(s, where=f"generic.toml {key}") for s in data.get(key, []))

    return _Generic(sels("title"), sels("lead"), sels("date"), sels("category"), sels("author"))


@dataclass(frozen=True)
class DateLabels:
    """The date labels of ``data/date_labels.tsv`` as patterns."""

    stamp: re.Pattern[str]  # a stamp after a publication label
    label: re.Pattern[str]  # any label, its kind (published, other) as the group name


@lru_cache(maxsize=1)
def date_labels() -> DateLabels:
    """The date labels, read once."""
    kinds: dict[str, list[str]] = {"published": [], "other": []}
    for row in _data_lines("date_labels.tsv"):
        if len(row) != 2 or row[1] not in kinds:
            raise DataError(f"date_labels.tsv: bad line {row!r}")
        kinds[row[1]].append(r"\s+".join(re.escape(w) for w in row[0].split()))
    alt = {k: "|".join(sorted(v, key=len, reverse=True)) for k, v in kinds.items()}
    stamp = re.compile(rf"(?<!\w)(?:{alt['published']})\s*:?\s*[^\n]{{0,60}}", re.IGNORECASE)
    label = re.compile(
        rf"(?<!\w)(?:(?P<published>{alt['published']})|(?P<other>{alt['other']}))(?!\w)",
        re.IGNORECASE,
    )
    return DateLabels(stamp, label)


def writer_labels() -> frozenset[str]:
    """The labels of a writer or office field ("Tác giả", "Người viết")."""
    return frozenset(
        " ".join(row[0].casefold().split())
        for row in _data_lines("author_roles.tsv")
        if len(row) == 3 and row[1] in ("writer", "office")
    )
