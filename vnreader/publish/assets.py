"""The pages' own files, copied into ``DIR/static/``: CSS, JavaScript and the font.

The CSS and JS ship in the package (``vnreader/publish/static/``). The font is Be Vietnam
Pro (SIL Open Font License 1.1, full Vietnamese coverage) from the ``fontpkg-be-vietnam-pro``
wheel: regular, italic and bold, with its licence beside them. Nothing is fetched from a
CDN or a font service: a site works offline and tells no third party who reads it.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

from vnreader.errors import DataError
from vnreader.publish.atomic import copy_atomic, write_atomic

__all__ = ["FONT_FILES", "STATIC_DIR", "STATIC_FILES", "asset_version", "write_assets"]

#: The site folder the assets go to.
STATIC_DIR = "static"
#: The package's own assets (name in ``vnreader/publish/static/``).
STATIC_FILES = ("vnreader.css", "vnreader.js")
#: The font files the CSS names (in ``static/fonts/``).
FONT_FILES = ("BeVietnamPro-Regular.ttf", "BeVietnamPro-Italic.ttf", "BeVietnamPro-Bold.ttf")


def _static_bytes(name: str) -> bytes:
    try:
        return resources.files("vnreader.publish").joinpath("static", name).read_bytes()
    except OSError as exc:
        raise DataError(f"vnreader is missing its page asset {name}: {exc}") from exc


def asset_version() -> str:
    """A token that changes whenever the CSS or the JS changes (``?v=`` in the pages)."""
    digest = hashlib.sha256()
    for name in STATIC_FILES:
        digest.update(_static_bytes(name))
    return digest.hexdigest()[:10]


def write_assets(static_dir: Path) -> list[str]:
    """Copy the CSS, JS, fonts and the font licence into ``static_dir``; names written."""
    from vnreader.publish.artwork import font_path

    written: list[str] = []
    for name in STATIC_FILES:
        if write_atomic(static_dir / name, _static_bytes(name)):
            written.append(name)
    for name in FONT_FILES:
        if copy_atomic(font_path(name), static_dir / "fonts" / name):
            written.append(f"fonts/{name}")
    licence = font_path(FONT_FILES[0]).parent.parent / "LICENSE"
    if licence.is_file() and copy_atomic(licence, static_dir / "fonts" / "OFL.txt"):
        written.append("fonts/OFL.txt")
    return written
