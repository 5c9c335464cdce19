"""Full-page screenshots of the article page in every theme at 100 % and 300 % text size.

They are written to ``<artifacts>/screenshots/article-<theme>-<size>.png`` for a person to
look at (CI keeps them as artifacts; they are never committed). "auto" is taken with the
system set to dark, so it shows that auto follows the system. The test checks that each
file exists, is not a blank or trivial image (> 5 KB), and that the light, dark and high
contrast themes really look different.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import THEMES, Site, new_context, open_page

SIZES = (100, 300)


@pytest.fixture(scope="module")
def screenshots(browser: Any, site: Site, artifacts: Path) -> dict[tuple[str, int], Path]:
    folder = artifacts / "screenshots"
    taken = {}
    for theme in THEMES:
        for size in SIZES:
            context = new_context(
                browser,
                site,
                color_scheme="dark" if theme == "auto" else "light",
                reduced_motion="reduce",
            )
            try:
                page = context.new_page()
                open_page(page, site.url("article"), theme=theme, size=size)
                path = folder / f"article-{theme}-{size}.png"
                path.unlink(missing_ok=True)
                page.screenshot(path=str(path), full_page=True, animations="disabled")
                taken[theme, size] = path
            finally:
                context.close()
    return taken


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("theme", THEMES)
def test_screenshot_written(
    screenshots: dict[tuple[str, int], Path], theme: str, size: int
) -> None:
    path = screenshots[theme, size]
    assert path.is_file(), f"{path} was not written"
    assert path.stat().st_size > 5_000, f"{path} is only {path.stat().st_size} bytes"


@pytest.mark.parametrize("size", SIZES)
def test_themes_look_different(screenshots: dict[tuple[str, int], Path], size: int) -> None:
    digests = {
        theme: hashlib.sha256(screenshots[theme, size].read_bytes()).hexdigest()
        for theme in ("light", "dark", "contrast")
    }
    assert len(set(digests.values())) == 3, f"themes with identical screenshots at {size} %"
    auto = hashlib.sha256(screenshots["auto", size].read_bytes()).hexdigest()
    assert auto != digests["light"], "auto under a dark system looks like the light theme"


def test_large_text_is_larger(screenshots: dict[tuple[str, int], Path]) -> None:
    from PIL import Image

    with (
        Image.open(screenshots["light", 100]) as small,
        Image.open(screenshots["light", 300]) as large,
    ):
        assert large.height > small.height * 1.8, (
            f"the page at 300 % is {large.height} px tall, at 100 % {small.height} px"
        )
