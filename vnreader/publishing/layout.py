"""Where a published site's files go: the served folder, and the state kept beside it.

The **output folder** holds exactly what is served, so it can be copied to any web server
as it is::

    OUT/index.html                 the site's home (the read index)
    OUT/audio/                     <slug>.<key>.mp3 + .vtt + .chapters.json, daily digests
    OUT/feeds/                     podcast.xml, digest.xml, one feed per category, OPML
    OUT/read/, OUT/embed/          large-print pages and players
    OUT/static/                    CSS, JS, fonts
    OUT/images/                    the articles' photos, stored in the site
    OUT/artwork/                   episode artwork (<slug>.jpg)
    OUT/artwork.png

The **state folder** holds what vnreader needs to work but nobody should download: the
catalog, the run lock, the page manifest and the caches. It is ``state_dir`` from
``vnreader.toml`` (default: ``.vnreader/`` beside that file), or, with no settings file,
``.vnreader/`` beside the output folder. Inside it::

    STATE/sites/<site>/catalog.sqlite   the catalog of one site (one portal)
    STATE/sites/<site>/lock             its run lock (one run per site at a time)
    STATE/sites/<site>/pages.json       keys of the article pages last rendered
    STATE/sites/<site>/images.json      article images stored in OUT/images/, by address
    STATE/cache/http/                   conditional-request cache (shared by all sites)
    STATE/cache/chunks/                 synthesized sentences (shared: same text, same audio)
    STATE/cache/fonts/                  the font re-packed as WOFF2

``<site>`` is the portal's name in ``[portals.NAME]``, else a name made of the output
folder's name and a hash of its absolute path (two folders never share a catalog).

A site written by vnreader 0.1 kept its state inside the output folder (``OUT/.vnreader/``,
``OUT/.cache/``, ``OUT/.vnreader.lock``); :func:`migrate_legacy_state` moves it into the
state folder on the first run, nothing lost.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
from dataclasses import dataclass
from datetime import timedelta, timezone
from pathlib import Path

__all__ = [
    "ART_DIR",
    "AUDIO_DIR",
    "EMBED_DIR",
    "FEEDS_DIR",
    "IMAGES_DIR",
    "MAIN_FEED",
    "QR_FILE",
    "READ_DIR",
    "STATIC_DIR",
    "SiteState",
    "migrate_legacy_state",
    "site_key",
]

# The one definition of the site's folder names: every module takes them from here.
AUDIO_DIR = "audio"
FEEDS_DIR = "feeds"
READ_DIR = "read"
EMBED_DIR = "embed"
STATIC_DIR = "static"
IMAGES_DIR = "images"
ART_DIR = "artwork"

MAIN_FEED = "podcast.xml"
DIGEST_FEED = "digest.xml"
OPML_FILE = "podcasts.opml"
#: The feed's address as a QR code, for the index page and posters.
QR_FILE = f"{FEEDS_DIR}/podcast-qr.svg"

#: Dates in feeds and digests are Vietnam's (UTC+7, no daylight saving).
VIETNAM = timezone(timedelta(hours=7))

#: The state folder's name, beside vnreader.toml (or beside the output folder).
STATE_NAME = ".vnreader"

#: What vnreader 0.1 kept inside the output folder.
_LEGACY_STATE = ".vnreader"
_LEGACY_CACHE = ".cache"
_LEGACY_LOCK = ".vnreader.lock"

_NOT_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


def site_key(out_dir: Path, name: str | None = None) -> str:
    """The folder name of a site's state: the portal's name, or one made from ``out_dir``."""
    if name:
        return _NOT_NAME.sub("-", name).strip("-.") or "portal"
    absolute = str(Path(out_dir).expanduser().absolute())
    digest = hashlib.sha256(absolute.encode("utf-8")).hexdigest()[:10]
    base = _NOT_NAME.sub("-", Path(absolute).name).strip("-.") or "site"
    return f"{base}-{digest}"


def default_state_dir(out_dir: Path) -> Path:
    """With no settings file: ``.vnreader/`` beside the output folder."""
    return Path(out_dir).expanduser().absolute().parent / STATE_NAME


@dataclass(frozen=True)
class SiteState:
    """The state paths of one site. ``root`` is the state folder (shared by sites)."""

    root: Path
    key: str

    @classmethod
    def for_site(cls, out_dir: Path, state_dir: Path | None, name: str | None = None) -> SiteState:
        root = Path(state_dir) if state_dir is not None else default_state_dir(out_dir)
        return cls(root=root.expanduser().absolute(), key=site_key(out_dir, name))

    @property
    def site_dir(self) -> Path:
        return self.root / "sites" / self.key

    @property
    def catalog(self) -> Path:
        return self.site_dir / "catalog.sqlite"

    @property
    def lock(self) -> Path:
        return self.site_dir / "lock"

    @property
    def pages_manifest(self) -> Path:
        return self.site_dir / "pages.json"

    @property
    def made_manifest(self) -> Path:
        return self.site_dir / "made.json"

    @property
    def images_manifest(self) -> Path:
        return self.site_dir / "images.json"

    @property
    def http_cache(self) -> Path:
        return self.root / "cache" / "http"

    @property
    def chunk_cache(self) -> Path:
        return self.root / "cache" / "chunks"

    @property
    def font_cache(self) -> Path:
        return self.root / "cache" / "fonts"


def is_inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or below it (both made absolute, links resolved)."""
    try:
        Path(path).resolve().relative_to(Path(folder).resolve())
    except ValueError:
        return False
    return True


def migrate_legacy_state(out_dir: Path, state: SiteState, log: logging.Logger) -> bool:
    """Move a 0.1 site's state out of ``out_dir`` into ``state``; whether anything moved.

    Called under the site's lock. The catalog moves only when the state folder has none
    yet (a catalog already there is newer); caches are merged file by file. Moves are
    renames where the two folders share a file system, else copy-then-delete, so a kill
    midway leaves either the old or the new file, and the next run finishes the move.
    """
    out_dir = Path(out_dir)
    old_state = out_dir / _LEGACY_STATE
    old_cache = out_dir / _LEGACY_CACHE
    moved = False
    if old_state.is_dir():
        state.site_dir.mkdir(parents=True, exist_ok=True)
        if not state.catalog.exists():
            # The WAL files first, the catalog last: a catalog present means complete.
            for suffix in ("-wal", "-shm", ""):
                source = old_state / f"catalog.sqlite{suffix}"
                if source.exists():
                    _move(source, state.catalog.with_name(f"catalog.sqlite{suffix}"))
            manifest = old_state / "pages.json"
            if manifest.exists() and not state.pages_manifest.exists():
                _move(manifest, state.pages_manifest)
        shutil.rmtree(old_state, ignore_errors=True)
        moved = True
    if old_cache.is_dir():
        for name, target in (
            ("http", state.http_cache),
            ("chunks", state.chunk_cache),
            ("fonts", state.font_cache),
        ):
            folder = old_cache / name
            if folder.is_dir():
                _merge(folder, target)
        shutil.rmtree(old_cache, ignore_errors=True)
        moved = True
    lock = out_dir / _LEGACY_LOCK
    if lock.is_file():
        lock.unlink(missing_ok=True)
        moved = True
    if moved:
        log.info("moved the catalog and caches out of %s into %s", out_dir, state.root)
    return moved


def _move(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(source, target)
    except OSError:  # another file system: copy under a temporary name, then rename
        tmp = target.with_name(f".{target.name}.part")
        shutil.copy2(source, tmp)
        os.replace(tmp, target)
        source.unlink(missing_ok=True)


def _merge(folder: Path, target: Path) -> None:
    for path in folder.rglob("*"):
        if not path.is_file() or path.name.endswith(".part"):
            continue
        destination = target / path.relative_to(folder)
        if not destination.exists():
            _move(path, destination)
