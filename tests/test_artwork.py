"""Generated artwork: Apple's size rules, square, deterministic, Vietnamese drawn right."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont

from vnreader.errors import VnreaderError
from vnreader.publishing.artwork import (
    BACKGROUND,
    _font,
    artwork_filename,
    font_path,
    make_artwork,
    render_artwork,
)

NAME = "Tin tức huyện Tân Hiệp"


def test_size_square_rgb_png(tmp_path: Path) -> None:
    for size in (1400, 3000):
        out = tmp_path / f"a{size}.png"
        assert make_artwork(NAME, out, size=size) is True
        with Image.open(out) as img:
            assert img.format == "PNG"
            assert img.mode == "RGB"  # Apple: RGB colour space
            assert img.size == (size, size)


@pytest.mark.parametrize("size", [1399, 3001, 0, 1400.0, True])
def test_size_outside_apples_range_is_refused(tmp_path: Path, size: object) -> None:
    with pytest.raises(VnreaderError, match="1400 to 3000"):
        make_artwork(NAME, tmp_path / "a.png", size=size)  # type: ignore[arg-type]
    assert not (tmp_path / "a.png").exists()


def test_deterministic_atomic_and_written_only_when_changed(tmp_path: Path) -> None:
    out = tmp_path / "artwork.png"
    assert make_artwork(NAME, out) is True
    first = out.read_bytes()
    assert render_artwork(NAME) == first
    assert make_artwork(NAME, out) is False  # same bytes: file untouched
    assert make_artwork("Huyện Giồng Riềng", out) is True
    assert out.read_bytes() != first
    assert [p.name for p in tmp_path.iterdir()] == ["artwork.png"]  # no temp file left
    # No date or text chunk in the PNG.
    for chunk in (b"tIME", b"tEXt", b"iTXt", b"zTXt"):
        assert chunk not in first


def _glyph(font: ImageFont.FreeTypeFont, text: str) -> bytes:
    img = Image.new("L", (400, 400), 0)
    ImageDraw.Draw(img).text((200, 200), text, font=font, fill=255, anchor="mm")
    return img.tobytes()


def test_vietnamese_letters_have_real_glyphs() -> None:
    assert font_path().name == "BeVietnamPro-Bold.ttf"
    font = _font(200)
    tofu = _glyph(font, "\ue000")  # a private-use code point: drawn as the missing glyph
    blank = bytes(400 * 400)
    for ch in "ứệẫỡựđĐẤỞỳ":
        drawn = _glyph(font, ch)
        assert drawn != blank, ch
        assert drawn != tofu, f"{ch!r} is drawn as a missing glyph"
    # A mark changes the drawing: "ệ" is not "e".
    assert _glyph(font, "ệ") != _glyph(font, "e")


def test_name_is_drawn_with_its_diacritics_and_nfc() -> None:
    def image(name: str) -> Image.Image:
        return Image.open(io.BytesIO(render_artwork(name)))

    accented, plain = image("Tân Hiệp"), image("Tan Hiep")
    assert ImageChops.difference(accented, plain).getbbox() is not None
    # Decomposed input (e + combining marks) is drawn like the precomposed letters.
    decomposed = "Ta\u0302n Hie\u0323\u0302p"
    assert render_artwork(decomposed) == render_artwork("Tân Hiệp")
    # High contrast: the text is white on the dark background.
    colors = {c for _, c in accented.getcolors(1 << 20)}
    assert BACKGROUND in colors and (255, 255, 255) in colors


def test_long_names_fit_and_empty_names_fail() -> None:
    long = "Cổng thông tin điện tử Ủy ban nhân dân huyện Tân Hiệp tỉnh Kiên Giang " * 6
    with Image.open(io.BytesIO(render_artwork(long))) as img:
        assert img.size == (1400, 1400)
    with pytest.raises(VnreaderError):
        render_artwork("   ")


def test_file_name_follows_the_configured_type() -> None:
    assert artwork_filename(None) == "artwork.png"
    assert artwork_filename(Path("logo.png")) == "artwork.png"
    assert artwork_filename(Path("logo.JPG")) == "artwork.jpg"
