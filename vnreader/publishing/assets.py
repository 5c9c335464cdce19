"""The pages' own files, copied into ``DIR/static/``: CSS, JavaScript and the font.

The CSS and JS ship in the package (``vnreader/publishing/static/``). The font is Be Vietnam
Pro (SIL Open Font License 1.1, full Vietnamese coverage) from the ``fontpkg-be-vietnam-pro``
wheel: regular, italic and bold, with its licence beside them. The wheel has TrueType
files (about 135 KB each); publishing re-packs each as WOFF2 with fontTools (about 38 KB:
the same glyphs, Brotli-compressed), once, kept in ``DIR/.cache/fonts/`` by the hash of
the TrueType file. Nothing is fetched from a CDN or a font service: a site works offline
and tells no third party who reads it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from vnreader.errors import DataError
from vnreader.packagedata import read_bytes
from vnreader.publishing.atomic import copy_atomic, write_atomic
from vnreader.publishing.layout import STATIC_DIR

__all__ = ["FONT_FILES", "STATIC_DIR", "STATIC_FILES", "asset_version", "write_assets"]

#: The site folder the assets go to.
#: The package's own assets (name in ``vnreader/publishing/static/``).
STATIC_FILES = ("vnreader.css", "vnreader.js")
#: The font files of the package, by the name the CSS gives them (in ``static/fonts/``).
FONT_FILES = {
    "BeVietnamPro-Regular.woff2": "BeVietnamPro-Regular.ttf",
    "BeVietnamPro-Italic.woff2": "BeVietnamPro-Italic.ttf",
    "BeVietnamPro-Bold.woff2": "BeVietnamPro-Bold.ttf",
}


def _static_bytes(name: str) -> bytes:
    return read_bytes("vnreader.publishing", STATIC_DIR, name)


def asset_version() -> str:
    """A token that changes whenever the CSS or the JS changes (``?v=`` in the pages)."""
    digest = hashlib.sha256()
    for name in STATIC_FILES:
        digest.update(_static_bytes(name))
    return digest.hexdigest()[:10]


def woff2(ttf: Path, cache_dir: Path | None = None) -> bytes:
    """The TrueType font ``ttf`` as WOFF2 (cached in ``cache_dir`` by the TTF's hash)."""
    data = ttf.read_bytes()
    cached = None
    if cache_dir is not None:
        cached = cache_dir / f"{hashlib.sha256(data).hexdigest()[:24]}.woff2"
        if cached.is_file():
            return cached.read_bytes()
    import io

    from fontTools.ttLib import TTFont, TTLibError

    try:
        font = TTFont(io.BytesIO(data))
        font.flavor = "woff2"
        out = io.BytesIO()
        font.save(out)
    except (TTLibError, ImportError, ValueError) as exc:
        raise DataError(f"cannot convert the font {ttf.name} to WOFF2: {exc}") from exc
    packed = out.getvalue()
    if cached is not None:
        write_atomic(cached, packed)
    return packed


def write_assets(static_dir: Path, cache_dir: Path | None = None) -> list[str]:
    """Write the CSS, JS, fonts and the font licence into ``static_dir``; names written."""
    from vnreader.publishing.artwork import font_path

    written: list[str] = []
    for name in STATIC_FILES:
        if write_atomic(static_dir / name, _static_bytes(name)):
            written.append(name)
    for name, ttf in FONT_FILES.items():
        if write_atomic(static_dir / "fonts" / name, woff2(font_path(ttf), cache_dir)):
            written.append(f"fonts/{name}")
    licence = font_path(next(iter(FONT_FILES.values()))).parent.parent / "LICENSE"
    if licence.is_file() and copy_atomic(licence, static_dir / "fonts" / "OFL.txt"):
        written.append("fonts/OFL.txt")
    return written
