"""The values a setting may take: limits, the source table, and one checker per key.

Each checker takes the raw value (from TOML, or a Python value passed to
``Settings.with_``) and returns the normalized value or raises ``ValueError`` with the
reason; :func:`check` adds the file and the key, so every message reads
"FILE: KEY: reason". Apple's category list (``publishing/data/apple_categories.tsv``) is
read here too, once, for both the settings and the feeds.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from vnreader.errors import ConfigError, DataError
from vnreader.packagedata import read_text

#: The file ``vnreader init`` writes and ``load_settings()`` looks for.
CONFIG_NAME = "vnreader.toml"

#: Where ``vnreader serve`` previews a site; a feed built on it only works on this machine.
DEFAULT_BASE_URL = "http://127.0.0.1:8000/"

#: Speaking rates accepted, in percent of normal speed (the same range as ``narrate --rate``).
MIN_RATE = 50
MAX_RATE = 200

#: Pitch offsets accepted, in Hz (the edge engine's voices; the other engines have none).
MIN_PITCH = -100
MAX_PITCH = 100

#: Most items one feed may keep: podcast apps time out on very large feeds.
MAX_ITEMS = 10_000

ENGINES = ("espeak", "gtts", "edge", "piper")
DIALECTS = ("north", "south")

# Deliberately loose: one @, no spaces, a dot in the domain. Podcast directories only need an
# address that can receive mail; anything stricter rejects real addresses.
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"'.]+$")
# BCP 47 primary tag with an optional region, as RSS <language> expects (vi, vi-VN).
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2})?$")
# What may follow "translate.google.": letters and dots only (com, com.vn).
_TLD = re.compile(r"^[a-z]{2,}(\.[a-z]{2,})*$")


#: Listing pages followed by default from a configured listing (its first page and the
#: next ones, while they still bring articles the catalog does not have).
DEFAULT_PAGES = 3
MAX_PAGES = 500


@dataclass(frozen=True)
class Source:
    """One configured source: a listing page, a feed, an article URL, or a file or folder.

    In ``vnreader.toml`` a source is a string, or a table for the options::

        sources = [
            "https://xa.example.gov.vn/tin-tuc",
            { url = "https://tinh.example.gov.vn/tin-tuc", pages = 20, ca_bundle = "chain.pem" },
        ]
    """

    #: An http(s) URL, or an absolute path.
    location: str
    #: Listing pages followed at most (1: the first page only).
    pages: int = DEFAULT_PAGES
    #: False: accept any TLS certificate (last resort; warned about once per run).
    verify_tls: bool = True
    #: PEM file of extra certificates (the intermediate a portal forgets to send).
    ca_bundle: Path | None = None

    @property
    def is_url(self) -> bool:
        return self.location.startswith(("http://", "https://"))

    def __str__(self) -> str:
        return self.location


def type_name(value: Any) -> str:
    names = {bool: "true/false", int: "a number", float: "a number", str: "text"}
    names |= {list: "a list", tuple: "a list", dict: "a table"}
    return names.get(type(value), type(value).__name__)


def _text(value: Any, *, empty_ok: bool = True) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be text in quotes, not {type_name(value)}")
    value = value.strip()
    if not value and not empty_ok:
        raise ValueError("must not be empty")
    return value


def _portal_name(value: Any) -> str:
    return _text(value, empty_ok=False)


def _base_url(value: Any) -> str:
    url = _text(value, empty_ok=False)
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(
            f"{url!r} must be an http:// or https:// address, e.g. 'https://tin.example.gov.vn/'"
        )
    if parts.query or parts.fragment:
        raise ValueError(f"{url!r} must not have a ?query or #fragment")
    # Every URL in the feeds is base_url + relative path: without the slash,
    # "https://x.vn/podcast" + "audio/a.mp3" would lose the "podcast" folder.
    return url if url.endswith("/") else url + "/"


def _language(value: Any) -> str:
    lang = _text(value, empty_ok=False)
    if not _LANGUAGE.match(lang):
        raise ValueError(f"{lang!r} is not a language code like 'vi' or 'vi-VN'")
    return lang


def optional_path(value: Any, base_dir: Path, *, must_exist: bool, what: str) -> Path | None:
    if value is None:
        return None
    if isinstance(value, Path):
        path = value
    else:
        text = _text(value)
        if not text:
            return None
        path = Path(text)
    path = path.expanduser()
    if not path.is_absolute():
        path = base_dir / path
    if must_exist and not path.is_file():
        raise ValueError(f"{what} {str(path)!r} does not exist")
    return path


def _owner_email(value: Any) -> str | None:
    if value is None:
        return None
    email = _text(value)
    if not email:
        return None
    if not _EMAIL.match(email):
        raise ValueError(f"{email!r} is not an e-mail address like 'tin@example.gov.vn'")
    return email


def _string_list(value: Any, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        # One value written without brackets: accept it rather than split its characters.
        value = [value]
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"must be a list of {what} in [brackets], not {type_name(value)}")
    items: list[str] = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise ValueError(f"every entry must be non-empty text, not {item!r}")
        items.append(item.strip())
    return tuple(items)


def _categories(value: Any) -> tuple[str, ...]:
    names = _string_list(value, "Apple categories")
    known = apple_categories()
    resolved = []
    for name in names:
        text = " ".join(name.split())
        for sep in (">", "/"):  # "News > Daily News" is written "News/Daily News"
            if sep in text:
                head, _, tail = text.partition(sep)
                text = f"{head.strip()}/{tail.strip()}"
                break
        if text.casefold() not in known:
            close = difflib.get_close_matches(text, sorted(set(known.values())), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ValueError(f"{name!r} is not an Apple Podcasts category{hint}")
        resolved.append(known[text.casefold()])
    return tuple(resolved)


def _explicit(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false (no quotes), not {value!r}")
    return value


def _choice(value: Any, choices: tuple[str, ...], what: str, choose: str) -> str:
    """One of ``choices`` (any letter case, spaces trimmed), or a ValueError that says which."""
    chosen = _text(value).lower()
    if chosen not in choices:
        raise ValueError(f"{value!r} is not {what}; choose {choose}")
    return chosen


def _engine(value: Any) -> str:
    return _choice(value, ENGINES, "an engine", f"one of {', '.join(ENGINES)}")


def _fallback(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none")):
        return None
    return _engine(value)


def _voice(value: Any) -> str | None:
    if value is None:
        return None
    return _text(value) or None


def _whole_number(value: Any, unit: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"must be a whole number of {unit}, not {value!r}")
    return value


def _rate(value: Any) -> int:
    if not MIN_RATE <= _whole_number(value, "percent") <= MAX_RATE:
        raise ValueError(f"{value} is out of range ({MIN_RATE}-{MAX_RATE}, 100 = normal speed)")
    return int(value)


def _pitch(value: Any) -> int:
    if not MIN_PITCH <= _whole_number(value, "Hz") <= MAX_PITCH:
        raise ValueError(f"{value:+d} Hz is out of range ({MIN_PITCH}..{MAX_PITCH} Hz, 0 = as is)")
    return int(value)


def _dialect(value: Any) -> str:
    return _choice(value, DIALECTS, "a dialect", "'north' or 'south'")


def _sources(value: Any, base_dir: Path) -> tuple[Source, ...]:
    if isinstance(value, str):
        raise ValueError(
            f"must be a list in [brackets], e.g. sources = [{value!r}], not a single text"
        )
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"must be a list of addresses in [brackets], not {type_name(value)}")
    return tuple(_source(item, base_dir) for item in value)


_SOURCE_KEYS = ("url", "path", "pages", "verify_tls", "ca_bundle")
#: "tinh.gov.vn/tin-tuc": an address without its https://.
_HOSTLIKE = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+(?::\d+)?(?:/|$)", re.I)


def _source(item: Any, base_dir: Path) -> Source:
    if isinstance(item, Source):
        return item
    options: dict[str, Any] = {}
    if isinstance(item, dict):
        unknown = [k for k in item if k not in _SOURCE_KEYS]
        if unknown:
            raise ValueError(
                f"unknown source option {unknown[0]!r} (known: {', '.join(_SOURCE_KEYS)})"
            )
        given = [k for k in ("url", "path") if k in item]
        if len(given) != 1:
            raise ValueError('a source table needs url = "https://..." or path = "..."')
        location = _text(item[given[0]], empty_ok=False)
        if "pages" in item:
            pages = item["pages"]
            if isinstance(pages, bool) or not isinstance(pages, int) or not 1 <= pages <= MAX_PAGES:
                raise ValueError(f"pages: {pages!r} must be a whole number from 1 to {MAX_PAGES}")
            options["pages"] = pages
        if "verify_tls" in item:
            options["verify_tls"] = _explicit(item["verify_tls"])
        if "ca_bundle" in item:
            options["ca_bundle"] = _ca_bundle(item["ca_bundle"], base_dir)
    elif isinstance(item, str) and item.strip():
        location = item.strip()
    else:
        raise ValueError(f"every entry must be an address, a path or a table, not {item!r}")
    if "://" in location:
        scheme = urlsplit(location).scheme.lower()
        if scheme not in ("http", "https") or not urlsplit(location).hostname:
            raise ValueError(f"{location!r} must be an http:// or https:// address")
    else:
        path = Path(location).expanduser()
        path = path if path.is_absolute() else base_dir / path
        if not path.exists():
            if _HOSTLIKE.match(location):
                raise ValueError(
                    f"{location!r} is neither an address nor a file: write it 'https://{location}'"
                )
            raise ValueError(f"{location!r} is neither an http(s) address nor an existing file")
        if options.get("verify_tls") is False or options.get("ca_bundle"):
            raise ValueError(f"{location!r}: verify_tls and ca_bundle are for web addresses")
        location = str(path)
    return Source(location=location, **options)


def _ca_bundle(value: Any, base_dir: Path) -> Path | None:
    """A PEM file of certificates that OpenSSL can load (checked now, not at the first fetch)."""
    import ssl

    path = optional_path(value, base_dir, must_exist=True, what="ca_bundle file")
    if path is None:
        return None
    what = f"ca_bundle file {str(path)!r}"
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"{what} cannot be read: {exc.strerror or exc}") from None
    if b"-----BEGIN CERTIFICATE-----" not in data:
        if data[:1] == b"\x30":  # an ASN.1 SEQUENCE: a .crt/.cer as CAs publish them
            pem = path.with_suffix(".pem").name
            pem = pem if pem != path.name else f"{path.stem}-converted.pem"
            raise ValueError(
                f"{what} is a DER certificate: convert it to PEM "
                f"(openssl x509 -inform der -in {path.name} -out {pem}) and name that file"
            )
        raise ValueError(f"{what} holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_verify_locations(cafile=str(path))
    except ssl.SSLError as exc:
        raise ValueError(f"{what} holds no valid certificate ({exc.reason or exc})") from None
    return path


def _max_items(value: Any) -> int:
    if not 1 <= _whole_number(value, "items") <= MAX_ITEMS:
        raise ValueError(f"{value} is out of range (1-{MAX_ITEMS})")
    return int(value)


def _out_dir(value: Any, base_dir: Path) -> Path:
    path = optional_path(value, base_dir, must_exist=False, what="folder")
    if path is None:
        raise ValueError("must name a folder, e.g. 'site'")
    return path


def _gtts_tld(value: Any) -> str:
    tld = _text(value, empty_ok=False).lower().lstrip(".")
    if not _TLD.match(tld):
        raise ValueError(f"{value!r} is not a domain ending like 'com' or 'com.vn'")
    return tld


CHECKERS: dict[str, Callable[[Any, Path], Any]] = {
    "portal_name": lambda v, _: _portal_name(v),
    "base_url": lambda v, _: _base_url(v),
    "language": lambda v, _: _language(v),
    "description": lambda v, _: _text(v),
    "artwork": lambda v, d: optional_path(v, d, must_exist=True, what="artwork file"),
    "owner_name": lambda v, _: _text(v),
    "owner_email": lambda v, _: _owner_email(v),
    "categories": lambda v, _: _categories(v),
    "explicit": lambda v, _: _explicit(v),
    "engine": lambda v, _: _engine(v),
    "voice": lambda v, _: _voice(v),
    "rate": lambda v, _: _rate(v),
    "pitch": lambda v, _: _pitch(v),
    "dialect": lambda v, _: _dialect(v),
    "lexicon": lambda v, d: optional_path(v, d, must_exist=True, what="lexicon file"),
    "sources": _sources,
    "max_items": lambda v, _: _max_items(v),
    "out_dir": _out_dir,
    "gtts_tld": lambda v, _: _gtts_tld(v),
    "fallback": lambda v, _: _fallback(v),
    "state_dir": lambda v, d: optional_path(v, d, must_exist=False, what="folder"),
    "name": lambda v, _: _text(v) or None,
    "portal_lexicon": lambda v, d: optional_path(v, d, must_exist=True, what="lexicon file"),
}


def check(key: str, value: Any, *, base_dir: Path, where: str) -> Any:
    try:
        return CHECKERS[key](value, base_dir)
    except ValueError as exc:
        raise ConfigError(f"{where}: {key}: {exc}") from None


@cache
def apple_category_tree() -> dict[str, tuple[str, ...]]:
    """Apple's current categories: category → its subcategories (in Apple's order)."""
    text = read_text("vnreader.publishing", "data", "apple_categories.tsv")
    tree: dict[str, list[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.rstrip("\n").split("\t")
        if len(cells) > 2 or not all(c.strip() == c and c for c in cells):
            raise DataError(f"apple_categories.tsv line {number}: bad row {line!r}")
        subs = tree.setdefault(cells[0], [])
        if len(cells) == 2:
            subs.append(cells[1])
    return {cat: tuple(subs) for cat, subs in tree.items()}


@cache
def apple_categories() -> dict[str, str]:
    """Apple's current podcast categories: casefolded name → Apple's spelling.

    A subcategory is known both alone ("Daily News") and with its parent
    ("News/Daily News").
    """
    names: dict[str, str] = {}
    for category, subs in apple_category_tree().items():
        names.setdefault(category.casefold(), category)
        for sub in subs:
            names.setdefault(sub.casefold(), sub)
            joined = f"{category}/{sub}"
            names.setdefault(joined.casefold(), joined)
    return names
