"""Article images belong to the site: fetched once at publish time, resized, served locally.

A reading page that loads its photos from the portal breaks when the portal is slow or
down, and tells the portal who reads what. So each article image is fetched once (through
the run's HTTP cache, robots.txt and the source's TLS options), decoded with Pillow, its
orientation applied, scaled down to at most :data:`MAX_WIDTH` pixels wide, and stored as
``OUT/images/<hash>.jpg`` (JPEG: every browser and podcast app shows it; PNG for images
with transparency), with its width and height recorded so pages reserve its place. A
manifest in the state folder maps each source address to its file, so a later run neither
fetches nor re-encodes it. An image that cannot be fetched or decoded is skipped with a
warning: the article is published without it, never failed for it.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import warnings
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urljoin

from vnreader.errors import VnreaderError
from vnreader.publishing.atomic import write_atomic
from vnreader.publishing.layout import IMAGES_DIR

__all__ = ["IMAGES_DIR", "LocalImage", "SiteImages"]

#: Widest stored image, in pixels: sharp at 400 % zoom on a phone, small on phone data.
MAX_WIDTH = 1200
#: Largest image accepted from a portal (bytes) and largest decoded (pixels).
MAX_BYTES = 15_000_000
MAX_PIXELS = 60_000_000
JPEG_QUALITY = 82


@dataclass(frozen=True)
class LocalImage:
    """An image stored in the site: ``file`` relative to the output folder."""

    file: str
    width: int
    height: int


class SiteImages:
    """The images of a site's articles: source address → :class:`LocalImage`."""

    def __init__(
        self,
        out: Path,
        manifest: Path,
        fetch: Callable[[str], bytes],
        log: logging.Logger,
    ) -> None:
        self.out = out
        self.manifest = manifest
        self.fetch = fetch
        self.log = log
        self.known: dict[str, LocalImage] = self._load()
        self._failed: set[str] = set()

    def _load(self) -> dict[str, LocalImage]:
        try:
            data = json.loads(self.manifest.read_text("utf-8"))
            return {url: LocalImage(**entry) for url, entry in data.items()}
        except (OSError, ValueError, TypeError):
            return {}

    def localize(self, urls: Iterable[str]) -> dict[str, LocalImage]:
        """Every image of ``urls`` stored in the site (fetched now if needed)."""
        found: dict[str, LocalImage] = {}
        for url in urls:
            image = self.known.get(url)
            if image is not None and (self.out / image.file).is_file():
                found[url] = image
                continue
            if url in self._failed:
                continue
            try:
                image = self._store(url)
            except VnreaderError as exc:
                self._failed.add(url)
                self.log.warning("image left out: %s: %s", url, exc)
                continue
            self.known[url] = found[url] = image
        return found

    def _store(self, url: str) -> LocalImage:
        from PIL import Image, ImageOps

        raw = self.fetch(url)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                Image.MAX_IMAGE_PIXELS = MAX_PIXELS
                with Image.open(io.BytesIO(raw)) as opened:
                    picture = ImageOps.exif_transpose(opened)
                    picture.load()
        except (
            OSError,
            ValueError,
            SyntaxError,
            Image.DecompressionBombError,
            Image.DecompressionBombWarning,
        ) as exc:
            raise VnreaderError(f"not an image Pillow can read ({exc})") from None
        if picture.width > MAX_WIDTH:
            height = max(1, round(picture.height * MAX_WIDTH / picture.width))
            picture = picture.resize((MAX_WIDTH, height), Image.Resampling.LANCZOS)
        transparent = picture.mode in ("RGBA", "LA") or (
            picture.mode == "P" and "transparency" in picture.info
        )
        buffer = io.BytesIO()
        if transparent:
            picture.convert("RGBA").save(buffer, "PNG", optimize=True)
            suffix = "png"
        else:
            picture.convert("RGB").save(
                buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True
            )
            suffix = "jpg"
        name = f"{IMAGES_DIR}/{hashlib.sha256(url.encode()).hexdigest()[:20]}.{suffix}"
        write_atomic(self.out / name, buffer.getvalue())
        return LocalImage(file=name, width=picture.width, height=picture.height)

    def save(self, keep: set[str]) -> set[str]:
        """Write the manifest of the images in ``keep``; the files they use."""
        kept = {url: self.known[url] for url in sorted(keep) if url in self.known}
        data = {url: asdict(image) for url, image in kept.items()}
        write_atomic(
            self.manifest, (json.dumps(data, ensure_ascii=False, indent=0) + "\n").encode()
        )
        return {Path(image.file).name for image in kept.values()}


def image_urls(article: dict[str, object], page_url: str | None) -> list[str]:
    """The absolute addresses of an article's images (from its JSON)."""
    urls: list[str] = []
    images = article.get("images")
    for image in images if isinstance(images, list) else []:
        src = image.get("src") if isinstance(image, dict) else None
        if not src:
            continue
        absolute = urljoin(page_url, src) if page_url else src
        if absolute.startswith(("http://", "https://")):
            urls.append(absolute)
    return urls
