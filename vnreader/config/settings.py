"""The settings of one site (:class:`Settings`) and of a settings file (:class:`Config`)."""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from vnreader.config.values import CHECKERS, CONFIG_NAME, DEFAULT_BASE_URL, Source, check
from vnreader.errors import ConfigError


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
    #: The voice's pitch, an offset in Hz (edge only: its neural voices take one; espeak,
    #: piper and gTTS speak at their own pitch and ignore it).
    pitch: int = 0
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
            raise ConfigError(unknown_message("settings", unknown[0]))
        checked = {
            key: check(key, value, base_dir=Path.cwd(), where="settings")
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
FILE_KEYS = [name for name in _FIELDS if name not in ("state_dir", "name", "portal_lexicon")]

#: The lexicon ``vnreader lexicon add`` writes beside the settings file, used when the file
#: sets no ``lexicon``; a portal's own words go to ``lexicon-NAME.tsv``.
DEFAULT_LEXICON = "lexicon.tsv"


def portal_lexicon_name(name: str) -> str:
    return f"lexicon-{name}.tsv"


assert set(CHECKERS) == set(_FIELDS), "every setting needs a checker"


def unknown_message(where: str, key: str) -> str:
    known = [*FILE_KEYS, "state_dir", "portals"]
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else f" (known: {', '.join(known)})"
    return f"{where}: unknown setting {key!r}{hint}"


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
