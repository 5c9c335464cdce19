"""Episode artwork: an article's lead photo made square for podcast apps (``artwork/<slug>.jpg``).

Apple shows an episode's own ``itunes:image`` when it is a square JPEG or PNG, RGB, 1400 to
3000 pixels a side. A news photo is rarely square, so the whole photo is kept (never
cropped: a cropped photo may cut off the people in it) and centred on a blurred, darkened
copy of itself that fills the square. The result is a baseline JPEG without metadata; the
same photo gives the same bytes, written atomically and only when they changed.

:func:`make_episode_art` takes an image FILE: it never fetches anything. A photo too small to
be worth showing (under :data:`MIN_SOURCE` pixels on its short side), or a file Pillow
cannot read, gives no artwork, and the feed falls back to the podcast's own.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from PIL import Image, ImageEnhance, ImageFilter, ImageOps, UnidentifiedImageError

from vnreader.publishing.artwork import MIN_SIZE
from vnreader.publishing.atomic import write_atomic
from vnreader.publishing.layout import ART_DIR

__all__ = ["ART_DIR", "MIN_SOURCE", "local_image", "make_episode_art", "render_episode_art"]

log = logging.getLogger(__name__)

#: Folder of the site that holds the episodes' artwork.
#: A photo smaller than this on its short side is a thumbnail or an icon: not used.
MIN_SOURCE = 300
#: Decompression-bomb guard: a photo with more pixels than this is not opened.
MAX_PIXELS = 60_000_000


def render_episode_art(image: Path, size: int = MIN_SIZE) -> bytes | None:
    """The JPEG bytes of ``image`` made a ``size``-pixel square, or None when it cannot be
    read or is too small."""
    try:
        with Image.open(image) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                return None
            photo = ImageOps.exif_transpose(opened)
            photo.load()
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        return None
    if min(photo.size) < MIN_SOURCE:
        return None
    if photo.mode in ("RGBA", "LA", "P", "PA"):
        photo = photo.convert("RGBA")
        flat = Image.new("RGB", photo.size, (255, 255, 255))
        flat.paste(photo, mask=photo.getchannel("A"))
        photo = flat
    else:
        photo = photo.convert("RGB")

    background = ImageOps.fit(photo, (size, size), Image.Resampling.BILINEAR)
    background = background.filter(ImageFilter.GaussianBlur(size // 40))
    background = ImageEnhance.Brightness(background).enhance(0.55)
    scale = size / max(photo.size)
    fitted = photo.resize(
        (max(1, round(photo.width * scale)), max(1, round(photo.height * scale))),
        Image.Resampling.LANCZOS,
    )
    background.paste(fitted, ((size - fitted.width) // 2, (size - fitted.height) // 2))
    out = io.BytesIO()
    background.save(out, "JPEG", quality=85, optimize=True, progressive=False)
    return out.getvalue()


def make_episode_art(image: Path, out: Path, size: int = MIN_SIZE) -> bool | None:
    """Write ``image`` made square to ``out`` (JPEG). True: written; False: already these
    bytes; None: no artwork from this image (unreadable or too small)."""
    data = render_episode_art(image, size)
    if data is None:
        return None
    return write_atomic(out, data)


def local_image(site: Path, src: str | None) -> Path | None:
    """The file in the site ``src`` names, when it names one: a relative path inside the
    site (``images/x.jpg``) or a ``file:`` URL of a file inside it. Addresses on other
    servers are not fetched here (None)."""
    if not src:
        return None
    parts = urlsplit(src)
    if parts.scheme == "file":
        candidate = Path(unquote(parts.path))
    elif parts.scheme or parts.netloc or src.startswith("/"):
        return None
    else:
        relative = PurePosixPath(unquote(parts.path))
        if ".." in relative.parts:
            return None
        candidate = site / relative
    try:
        resolved = candidate.resolve()
        inside = resolved.is_relative_to(site.resolve())
    except OSError:
        return None
    return resolved if inside and resolved.is_file() else None
