"""Typed settings of a vnreader site, read from ``vnreader.toml``.

``vnreader init`` writes a commented ``vnreader.toml`` (:func:`write_template`);
:func:`load_settings` reads it into a frozen :class:`Settings`, with a default for every key
left out and a one-line :class:`~vnreader.errors.ConfigError` for every bad value (unknown
key, wrong type, bad URL or e-mail, unknown Apple category, missing lexicon, TOML syntax).

Relative paths in the file (``artwork``, ``lexicon``, ``out_dir``) are taken relative to the
file's own folder, not to the current directory, so that a cron job started from ``/`` reads
the same site as the person who ran ``vnreader init``.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from vnreader.errors import ConfigError
from vnreader.textio import read_input

__all__ = [
    "CONFIG_NAME",
    "DEFAULT_BASE_URL",
    "Config",
    "ConfigError",
    "Settings",
    "Source",
    "apple_categories",
    "load_config",
    "load_settings",
    "write_template",
]

#: The file ``vnreader init`` writes and ``load_settings()`` looks for.
CONFIG_NAME = "vnreader.toml"

#: Where ``vnreader serve`` previews a site; a feed built on it only works on this machine.
DEFAULT_BASE_URL = "http://127.0.0.1:8000/"

#: Speaking rates accepted, in percent of normal speed (the same range as ``narrate --rate``).
MIN_RATE = 50
MAX_RATE = 200

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


@dataclass(frozen=True)
class Settings:
    """Everything that describes one published site. Build changed copies with :meth:`with_`."""

    #: The portal's name: feed title, artist tag, and the text on generated artwork.
    portal_name: str = "Cổng thông tin điện tử"
    #: Public address of the output folder, ending in "/"; every URL in the feeds starts here.
    base_url: str = DEFAULT_BASE_URL
    #: RSS <language>.
    language: str = "vi"
    #: Feed description shown by podcast apps.
    description: str = "Tin tức của cổng thông tin điện tử, đọc thành tiếng."
    #: Square PNG/JPEG, 1400-3000 px; None: vnreader draws one from the portal name.
    artwork: Path | None = None
    #: itunes:author and itunes:owner name.
    owner_name: str = ""
    #: itunes:owner e-mail (Apple writes to it to confirm ownership).
    owner_email: str | None = None
    #: Apple Podcasts categories, e.g. ("News", "Government").
    categories: tuple[str, ...] = ("News", "Government")
    #: itunes:explicit.
    explicit: bool = False
    #: "espeak" (offline) or "gtts" (Google's online voice; sends the text to Google).
    engine: str = "espeak"
    #: Engine voice; None: the dialect's voice.
    voice: str | None = None
    #: Speaking rate in percent of normal speed.
    rate: int = 100
    #: Number words and default voice: "north" (nghìn, linh) or "south" (ngàn, lẻ).
    dialect: str = "south"
    #: TSV of words to say differently (written<TAB>spoken).
    lexicon: Path | None = None
    #: Portal listing pages or RSS feeds (or article URLs / files) that publish reads.
    sources: tuple[Source, ...] = ()
    #: Newest items kept in each feed.
    max_items: int = 100
    #: The folder publish writes the site into.
    out_dir: Path = field(default=Path("site"))
    #: gTTS only: Google's host is translate.google.<gtts_tld>.
    gtts_tld: str = "com"
    #: The engine that speaks when ``engine`` fails (e.g. "espeak" behind "edge"); None: none.
    fallback: str | None = None
    #: Catalog, lock and caches (never served); None: ``.vnreader/`` beside the output
    #: folder. A settings file sets it to ``.vnreader/`` beside itself.
    state_dir: Path | None = None
    #: The portal's key in ``[portals.NAME]`` (None: the only site of the file).
    name: str | None = None
    #: Words of this portal only, on top of ``lexicon``: ``lexicon-NAME.tsv`` beside the
    #: settings file when it exists (``vnreader lexicon add --portal NAME`` writes it).
    portal_lexicon: Path | None = None

    def with_(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied, checked and normalized like the file's values."""
        unknown = [key for key in changes if key not in _FIELDS]
        if unknown:
            raise ConfigError(_unknown_message("settings", unknown[0]))
        checked = {
            key: _check(key, value, base_dir=Path.cwd(), where="settings")
            for key, value in changes.items()
        }
        return dataclasses.replace(self, **checked)

    @property
    def is_local(self) -> bool:
        """Whether the feeds point at 127.0.0.1/localhost: fine for a preview, not for apps."""
        host = urlsplit(self.base_url).hostname or ""
        return host in {"127.0.0.1", "localhost", "::1"} or host.startswith("127.")


_FIELDS: dict[str, dataclasses.Field[Any]] = {f.name: f for f in dataclasses.fields(Settings)}
#: The keys a settings file may set per site (``state_dir`` is the file's, ``name`` the
#: ``[portals.NAME]`` table's).
_FILE_KEYS = [name for name in _FIELDS if name not in ("state_dir", "name", "portal_lexicon")]

#: The lexicon ``vnreader lexicon add`` writes beside the settings file, used when the file
#: sets no ``lexicon``; a portal's own words go to ``lexicon-NAME.tsv``.
DEFAULT_LEXICON = "lexicon.tsv"


def portal_lexicon_name(name: str) -> str:
    return f"lexicon-{name}.tsv"


@dataclass(frozen=True)
class Config:
    """A settings file: one site, or several portals (``[portals.NAME]`` tables)."""

    #: The file read (None: no file, every default).
    path: Path | None
    #: The sites to publish, in the file's order. One unnamed site when there is no
    #: ``[portals]`` table.
    portals: tuple[Settings, ...]

    def portal(self, name: str | None) -> tuple[Settings, ...]:
        """The portal called ``name`` (all of them when None); ConfigError if unknown."""
        if name is None:
            return self.portals
        for settings in self.portals:
            if settings.name == name:
                return (settings,)
        known = [s.name for s in self.portals if s.name]
        where = self.path or CONFIG_NAME
        if not known:
            raise ConfigError(f"{where}: there is no [portals.{name}] (the file has one site)")
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"known: {', '.join(known)}"
        raise ConfigError(f"{where}: no portal {name!r} ({hint})")


def load_settings(path: Path | str | None = None, *, portal: str | None = None) -> Settings:
    """The settings of the one site of ``path`` (or of ``[portals.<portal>]``).

    ``path`` None: ./vnreader.toml when it exists, else every default. A file with several
    portals needs ``portal``. Raises :class:`ConfigError` naming the file and the key.
    """
    config = load_config(path)
    chosen = config.portal(portal)
    if len(chosen) > 1:
        names = ", ".join(str(s.name) for s in chosen)
        raise ConfigError(f"{config.path}: has several portals ({names}); choose one with --portal")
    return chosen[0]


def load_config(path: Path | str | None = None) -> Config:
    """Read a settings file (None: ./vnreader.toml when it exists, else every default)."""
    if path is None:
        candidate = Path(CONFIG_NAME)
        if not candidate.is_file():
            return Config(path=None, portals=(Settings(),))
        path = candidate
    path = Path(path)
    where = str(path)
    raw = read_input(
        path, expected="a settings file", error=ConfigError, hint=" (run 'vnreader init')"
    )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{where}: not UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message ends with "(at line N, column M)": already one line.
        reason = str(exc)
        if reason.startswith("Cannot overwrite a value"):
            reason = reason.replace("Cannot overwrite a value", "a setting is given twice", 1)
        raise ConfigError(f"{where}: not valid TOML: {reason}") from None
    base_dir = path.resolve().parent
    return Config(path=path, portals=_portals(data, base_dir=base_dir, where=where))


def _portals(data: Mapping[str, Any], *, base_dir: Path, where: str) -> tuple[Settings, ...]:
    data = dict(data)
    tables = data.pop("portals", None)
    state_dir = _state_dir(data.pop("state_dir", None), base_dir, where)
    if "lexicon" not in data and (base_dir / DEFAULT_LEXICON).is_file():
        data["lexicon"] = DEFAULT_LEXICON
    if tables is None:
        settings = _from_mapping(data, base_dir=base_dir, where=where)
        _check_state_dir(state_dir, settings, where)
        return (dataclasses.replace(settings, state_dir=state_dir),)
    if not isinstance(tables, dict) or not tables:
        raise ConfigError(
            f"{where}: portals: must be tables [portals.NAME], one per portal, "
            "e.g. [portals.tan-hiep]"
        )
    defaults = _from_mapping(data, base_dir=base_dir, where=where)
    portals: list[Settings] = []
    for name, table in tables.items():
        at = f"{where}: [portals.{name}]"
        if not _PORTAL_NAME.match(name):
            raise ConfigError(f"{at}: a portal's name is letters, digits, '-' and '_' only")
        if not isinstance(table, dict):
            raise ConfigError(f"{at}: must be a table of settings, not {_type_name(table)}")
        values = {**data, **table}
        if "out_dir" not in table:
            values["out_dir"] = str(defaults.out_dir / name)
        if "base_url" not in table:
            values["base_url"] = defaults.base_url + name + "/"
        settings = _from_mapping(values, base_dir=base_dir, where=at)
        _check_state_dir(state_dir, settings, at)
        own = base_dir / portal_lexicon_name(name)
        portals.append(
            dataclasses.replace(
                settings,
                state_dir=state_dir,
                name=name,
                portal_lexicon=own if own.is_file() else None,
            )
        )
    _check_folders(portals, state_dir, where)
    return tuple(portals)


def _state_dir(value: Any, base_dir: Path, where: str) -> Path:
    if value is None:
        return base_dir / ".vnreader"
    try:
        path = _optional_path(value, base_dir, must_exist=False, what="folder")
    except ValueError as exc:
        raise ConfigError(f"{where}: state_dir: {exc}") from None
    if path is None:
        raise ConfigError(f"{where}: state_dir: must name a folder, e.g. '.vnreader'")
    return path


def _check_state_dir(state_dir: Path, settings: Settings, where: str) -> None:
    if state_dir.resolve().is_relative_to(settings.out_dir.resolve()):
        raise ConfigError(
            f"{where}: state_dir: {state_dir} is inside the output folder "
            f"{settings.out_dir}, which is served: put it beside, not inside"
        )


def _check_folders(portals: list[Settings], state_dir: Path, where: str) -> None:
    """Two portals never share an output folder, nor one inside another's."""
    for i, a in enumerate(portals):
        for b in portals[i + 1 :]:
            pa, pb = a.out_dir.resolve(), b.out_dir.resolve()
            if pa == pb or pa.is_relative_to(pb) or pb.is_relative_to(pa):
                raise ConfigError(
                    f"{where}: [portals.{a.name}] and [portals.{b.name}] share the output "
                    f"folder {pa if pa == pb else min(pa, pb, key=lambda p: len(p.parts))}; "
                    "give each portal its own out_dir"
                )


_PORTAL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def _from_mapping(data: Mapping[str, Any], *, base_dir: Path, where: str) -> Settings:
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in _FILE_KEYS:
            if isinstance(value, dict):
                raise ConfigError(
                    f"{where}: unknown section [{key}] (settings are top-level keys, "
                    "portals are [portals.NAME] tables)"
                )
            raise ConfigError(_unknown_message(where, key))
        values[key] = _check(key, value, base_dir=base_dir, where=where)
    settings_engine = values.get("engine", Settings.engine)
    if values.get("voice") and settings_engine == "espeak":
        _check_espeak_voice(values["voice"], where)
    if "out_dir" not in values:
        # The default "site" folder lies beside the file, like every other relative path.
        values["out_dir"] = base_dir / Settings.out_dir
    return Settings(**values)


def _check_espeak_voice(voice: str, where: str) -> None:
    from vnreader.speech.engines.espeak import VOICE_ALIASES, VOICES

    if voice.strip().lower() not in VOICE_ALIASES:
        offered = ", ".join(["north", "south", "central", *VOICES])
        raise ConfigError(f"{where}: voice: {voice!r} is not an espeak voice; choose {offered}")


def _unknown_message(where: str, key: str) -> str:
    known = [*_FILE_KEYS, "state_dir", "portals"]
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else f" (known: {', '.join(known)})"
    return f"{where}: unknown setting {key!r}{hint}"


# --- one checker per key ------------------------------------------------------------------
#
# Each takes the raw value (from TOML, or a Python value passed to Settings.with_), and
# returns the normalized value or raises ValueError with the reason; _check adds the file
# and key so that every message reads "FILE: KEY: reason".


def _type_name(value: Any) -> str:
    names = {bool: "true/false", int: "a number", float: "a number", str: "text"}
    names |= {list: "a list", tuple: "a list", dict: "a table"}
    return names.get(type(value), type(value).__name__)


def _text(value: Any, *, empty_ok: bool = True) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be text in quotes, not {_type_name(value)}")
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


def _optional_path(value: Any, base_dir: Path, *, must_exist: bool, what: str) -> Path | None:
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
        raise ValueError(f"must be a list of {what} in [brackets], not {_type_name(value)}")
    items: list[str] = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise ValueError(f"every entry must be non-empty text, not {item!r}")
        items.append(item.strip())
    return tuple(items)


def _categories(value: Any) -> tuple[str, ...]:
    names = _string_list(value, "Apple categories")
    known = apple_categories()
    if not known:  # the data file ships with the feeds module; without it, Apple decides
        return names
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


def _engine(value: Any) -> str:
    engine = _text(value).lower()
    if engine not in ENGINES:
        raise ValueError(f"{value!r} is not an engine; choose one of {', '.join(ENGINES)}")
    return engine


def _fallback(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none")):
        return None
    return _engine(value)


def _voice(value: Any) -> str | None:
    if value is None:
        return None
    return _text(value) or None


def _rate(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"must be a whole number of percent, not {value!r}")
    if not MIN_RATE <= value <= MAX_RATE:
        raise ValueError(f"{value} is out of range ({MIN_RATE}-{MAX_RATE}, 100 = normal speed)")
    return value


def _dialect(value: Any) -> str:
    dialect = _text(value).lower()
    if dialect not in DIALECTS:
        raise ValueError(f"{value!r} is not a dialect; choose 'north' or 'south'")
    return dialect


def _sources(value: Any, base_dir: Path) -> tuple[Source, ...]:
    if isinstance(value, str):
        raise ValueError(
            f"must be a list in [brackets], e.g. sources = [{value!r}], not a single text"
        )
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"must be a list of addresses in [brackets], not {_type_name(value)}")
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

    path = _optional_path(value, base_dir, must_exist=True, what="ca_bundle file")
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
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"must be a whole number, not {value!r}")
    if not 1 <= value <= MAX_ITEMS:
        raise ValueError(f"{value} is out of range (1-{MAX_ITEMS})")
    return value


def _out_dir(value: Any, base_dir: Path) -> Path:
    path = _optional_path(value, base_dir, must_exist=False, what="folder")
    if path is None:
        raise ValueError("must name a folder, e.g. 'site'")
    return path


def _gtts_tld(value: Any) -> str:
    tld = _text(value, empty_ok=False).lower().lstrip(".")
    if not _TLD.match(tld):
        raise ValueError(f"{value!r} is not a domain ending like 'com' or 'com.vn'")
    return tld


_CHECKERS: dict[str, Callable[[Any, Path], Any]] = {
    "portal_name": lambda v, _: _portal_name(v),
    "base_url": lambda v, _: _base_url(v),
    "language": lambda v, _: _language(v),
    "description": lambda v, _: _text(v),
    "artwork": lambda v, d: _optional_path(v, d, must_exist=True, what="artwork file"),
    "owner_name": lambda v, _: _text(v),
    "owner_email": lambda v, _: _owner_email(v),
    "categories": lambda v, _: _categories(v),
    "explicit": lambda v, _: _explicit(v),
    "engine": lambda v, _: _engine(v),
    "voice": lambda v, _: _voice(v),
    "rate": lambda v, _: _rate(v),
    "dialect": lambda v, _: _dialect(v),
    "lexicon": lambda v, d: _optional_path(v, d, must_exist=True, what="lexicon file"),
    "sources": _sources,
    "max_items": lambda v, _: _max_items(v),
    "out_dir": _out_dir,
    "gtts_tld": lambda v, _: _gtts_tld(v),
    "fallback": lambda v, _: _fallback(v),
    "state_dir": lambda v, d: _optional_path(v, d, must_exist=False, what="folder"),
    "name": lambda v, _: _text(v) or None,
    "portal_lexicon": lambda v, d: _optional_path(v, d, must_exist=True, what="lexicon file"),
}
assert set(_CHECKERS) == set(_FIELDS), "every setting needs a checker"


def _check(key: str, value: Any, *, base_dir: Path, where: str) -> Any:
    try:
        return _CHECKERS[key](value, base_dir)
    except ValueError as exc:
        raise ConfigError(f"{where}: {key}: {exc}") from None


@cache
def apple_categories() -> dict[str, str]:
    """Apple's current podcast categories: casefolded name → Apple's spelling.

    Read from ``vnreader/publishing/data/apple_categories.tsv`` (one category per row, the
    subcategory in a later column when there is one); a subcategory is known both alone
    ("Daily News") and with its parent ("News/Daily News"). Empty when the file is absent.
    """
    try:
        text = (
            resources.files("vnreader.publishing")
            .joinpath("data", "apple_categories.tsv")
            .read_text(encoding="utf-8")
        )
    except (FileNotFoundError, ModuleNotFoundError, NotADirectoryError):
        return {}
    names: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = [cell.strip() for cell in line.split("\t") if cell.strip()]
        for cell in cells:
            names.setdefault(cell.casefold(), cell)
        if len(cells) >= 2:
            # "News/Politics" names a subcategory with its parent.
            joined = "/".join(cells[:2])
            names.setdefault(joined.casefold(), joined)
    return names


# --- the template -------------------------------------------------------------------------


def write_template(directory: Path | str, *, force: bool = False) -> Path:
    """Write a commented ``vnreader.toml`` into ``directory`` (created if needed).

    Refuses to replace an existing file unless ``force``. Returns the file's path.
    """
    directory = Path(directory)
    path = directory / CONFIG_NAME
    if path.exists() and not force:
        raise ConfigError(f"{path} already exists (use --force to replace it)")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{CONFIG_NAME}.tmp")
        tmp.write_text(template_text(), encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


def template_text() -> str:
    """The commented settings file: every key, with its default value."""
    return (
        resources.files("vnreader.publishing")
        .joinpath("data", CONFIG_NAME)
        .read_text(encoding="utf-8")
    )
