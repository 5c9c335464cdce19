"""Podcast artwork drawn from the portal's name: a plain, legible square PNG.

Apple asks for a square JPEG or PNG, RGB, 1400 to 3000 pixels a side, that reads at thumbnail
size. vnreader draws one when the settings give none: white text on a deep blue (contrast
about 13:1, well past WCAG's 7:1), the portal's name as large as fits, wrapped on word
boundaries, in Be Vietnam Pro Bold (a typeface drawn for Vietnamese: every precomposed
letter with its diacritics, e.g. "ệ", "ẫ", "ở"); a yellow loudspeaker above it says "audio";
"Tin tức đọc thành tiếng" (news read aloud) below it.

The PNG is deterministic: the same name and size give the same bytes (no time stamp or
other metadata chunk; text is laid out with FreeType's basic layout, which does not depend
on whether Pillow was built with libraqm). It is written atomically, and only when its bytes
changed.
"""

from __future__ import annotations

import io
import unicodedata
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from vnreader.errors import DataError, VnreaderError
from vnreader.publishing.atomic import write_atomic

MIN_SIZE = 1400
MAX_SIZE = 3000

BACKGROUND = (12, 38, 92)  # deep blue
FOREGROUND = (255, 255, 255)
ACCENT = (255, 210, 63)  # warm yellow: the loudspeaker and the tagline (8.6:1 on the blue)

#: Under the name: "news read aloud".
TAGLINE = "Tin tức đọc thành tiếng"

_NAME_FONT = "BeVietnamPro-Bold.ttf"
_TAGLINE_FONT = "BeVietnamPro-SemiBold.ttf"


def artwork_filename(artwork: Path | None) -> str:
    """The artwork's file name in the site: ``artwork.png``, or ``artwork.jpg`` for a given
    JPEG (Apple wants the extension to say the file's type)."""
    if artwork is not None and Path(artwork).suffix.lower() in (".jpg", ".jpeg"):
        return "artwork.jpg"
    return "artwork.png"


@cache
def font_path(name: str = _NAME_FONT) -> Path:
    """A Be Vietnam Pro font file from the ``fontpkg-be-vietnam-pro`` package."""
    try:
        import fontpkg_be_vietnam_pro as pkg
    except ImportError as exc:  # a declared dependency: a broken install
        raise DataError("the Be Vietnam Pro font package is not installed") from exc
    for folder in (Path(pkg.ROOT) / "files", Path(pkg.ROOT)):
        if (folder / name).is_file():
            return folder / name
    found = sorted(Path(pkg.ROOT).rglob(name))
    if not found:
        raise DataError(f"{pkg.FAMILY}: no {name} in {pkg.ROOT}")
    return found[0]


def _font(px: int, name: str = _NAME_FONT) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(name)), px, layout_engine=ImageFont.Layout.BASIC)


def _width(font: ImageFont.FreeTypeFont, text: str) -> float:
    return font.getlength(text)


def _wrap(words: list[str], font: ImageFont.FreeTypeFont, width: int) -> list[str] | None:
    """Greedy word wrap; None when one word alone is wider than ``width``."""
    lines: list[str] = []
    line = ""
    for word in words:
        if _width(font, word) > width:
            return None
        candidate = f"{line} {word}" if line else word
        if _width(font, candidate) <= width:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def _fit(text: str, width: int, height: int, size: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest font (down to a floor) whose wrapped lines fit the box."""
    words = text.split()
    biggest, smallest = int(size * 0.14), int(size * 0.035)
    px = biggest
    while px >= smallest:
        font = _font(px)
        lines = _wrap(words, font, width)
        if lines is not None and len(lines) * _line_height(px) <= height:
            return font, lines
        px -= max(1, px // 25)
    # A name too long for the box even in small type: keep what fits, end with "…".
    font = _font(smallest)
    lines = _wrap(words, font, width) or [text]
    keep = max(1, height // _line_height(smallest))
    if len(lines) > keep:
        lines = lines[:keep]
        while lines[-1] and _width(font, lines[-1] + "…") > width:
            lines[-1] = lines[-1][:-1]
        lines[-1] += "…"
    return font, lines


def _line_height(px: int) -> int:
    # Vietnamese stacks marks above capitals (Ấ, Ở) and below (ậ): generous leading.
    return int(px * 1.32)


def _speaker(draw: ImageDraw.ImageDraw, cx: int, cy: int, h: int) -> None:
    """A loudspeaker with three sound waves, drawn with shapes (no icon font needed)."""
    box_w, box_h = h * 0.22, h * 0.36
    left = cx - h * 0.62
    draw.rectangle(
        [left, cy - box_h / 2, left + box_w, cy + box_h / 2],
        fill=ACCENT,
    )
    cone = [
        (left + box_w, cy - box_h / 2),
        (left + box_w + h * 0.34, cy - h / 2),
        (left + box_w + h * 0.34, cy + h / 2),
        (left + box_w, cy + box_h / 2),
    ]
    draw.polygon(cone, fill=ACCENT)
    width = max(4, int(h * 0.07))
    origin = left + box_w + h * 0.34
    for step in (1, 2, 3):
        r = h * 0.2 * step
        draw.arc(
            [origin - r + h * 0.05, cy - r, origin + r + h * 0.05, cy + r],
            start=-50,
            end=50,
            fill=ACCENT,
            width=width,
        )


def render_artwork(portal_name: str, size: int = MIN_SIZE) -> bytes:
    """The PNG bytes of the artwork for ``portal_name`` (``size`` × ``size`` pixels)."""
    if isinstance(size, bool) or not isinstance(size, int) or not MIN_SIZE <= size <= MAX_SIZE:
        raise VnreaderError(
            f"artwork size must be {MIN_SIZE} to {MAX_SIZE} pixels (Apple), not {size!r}"
        )
    # NFC: Be Vietnam Pro draws precomposed letters; decomposed marks would not stack.
    name = " ".join(unicodedata.normalize("NFC", portal_name).split())
    if not name:
        raise VnreaderError("the artwork needs a portal name to show")

    image = Image.new("RGB", (size, size), BACKGROUND)
    draw = ImageDraw.Draw(image)
    margin = int(size * 0.08)
    inner = size - 2 * margin

    # Top band: the loudspeaker; bottom band: a rule and the tagline; the name in between.
    glyph_h = int(size * 0.17)
    _speaker(draw, size // 2, margin + glyph_h // 2, glyph_h)
    tag_px = int(size * 0.05)
    tag_font = _font(tag_px, _TAGLINE_FONT)
    tag_y = size - margin - _line_height(tag_px)
    rule_y = tag_y - int(size * 0.04)
    draw.rectangle(
        [margin, rule_y, size - margin, rule_y + max(4, size // 200)],
        fill=ACCENT,
    )
    draw.text(
        (size / 2, tag_y + _line_height(tag_px) / 2),
        TAGLINE,
        font=tag_font,
        fill=ACCENT,
        anchor="mm",
    )

    top = margin + glyph_h + int(size * 0.05)
    bottom = rule_y - int(size * 0.05)
    font, lines = _fit(name, inner, bottom - top, size)
    line_h = _line_height(int(font.size))
    y = top + (bottom - top - line_h * len(lines)) / 2 + line_h / 2
    for line in lines:
        draw.text((size / 2, y), line, font=font, fill=FOREGROUND, anchor="mm")
        y += line_h

    buffer = io.BytesIO()
    # No pnginfo: Pillow then writes no tEXt/tIME chunk, so the bytes carry no date.
    image.save(buffer, format="PNG", optimize=False, compress_level=9)
    return buffer.getvalue()


def make_artwork(portal_name: str, path: Path, size: int = MIN_SIZE) -> bool:
    """Write the artwork PNG for ``portal_name`` to ``path`` atomically.

    Returns whether the file was (re)written: ``False`` when it already held these bytes.
    Raises :class:`VnreaderError` for a size outside Apple's 1400–3000 px or an empty name.
    """
    return write_atomic(Path(path), render_artwork(portal_name, size))
