"""Without JavaScript the pages still work: the native player and all the text.

With JavaScript disabled the article page shows the native ``<audio controls>`` (visible,
with its source), every sentence of the article, and none of the custom controls, which
need the script (``.vr-controls`` stays ``hidden``). The embed page shows its native player
too, and the index links to the articles.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import ARTICLE_TEXT, Site, new_context


@pytest.fixture
def nojs(browser: Any, site: Site) -> Iterator[Any]:
    context = new_context(browser, site, java_script_enabled=False)
    try:
        yield context.new_page()
    finally:
        context.close()


def _native_player(page: Any) -> None:
    audio = page.locator("[data-vr-player] audio")
    assert audio.count() == 1, "no <audio> in the player"
    assert audio.get_attribute("controls") is not None, "the <audio> has no controls attribute"
    assert audio.is_visible(), "the native player is not visible without JavaScript"
    box = audio.bounding_box()
    assert box and box["width"] >= 200 and box["height"] >= 24, f"the native player is {box}"
    assert audio.get_attribute("src") or page.locator("[data-vr-player] audio source").count()
    custom = page.locator("[data-vr-player] .vr-controls")
    assert custom.count() == 1 and not custom.is_visible(), "custom controls show without JS"
    for control in ("play", "seek", "speed"):
        button = page.locator(f'[data-vr-player] [data-vr="{control}"]')
        assert not button.is_visible(), f"[data-vr={control}] is visible without JavaScript"


def test_article_without_javascript(nojs: Any, site: Site) -> None:
    nojs.goto(site.url("article"))
    assert nojs.evaluate("1 + 1") == 2  # evaluate runs in the utility world; the page's JS is off
    _native_player(nojs)
    text = " ".join(nojs.locator("main").inner_text().split())
    missing = [t for t in ARTICLE_TEXT if t not in text]
    assert not missing, f"text missing without JavaScript: {missing}"
    assert nojs.locator("h1").count() == 1
    download = nojs.locator('[data-vr="download"]')
    assert download.is_visible(), "the download link is hidden without JavaScript"


def test_embed_without_javascript(nojs: Any, site: Site) -> None:
    nojs.goto(site.url("embed"))
    _native_player(nojs)


def test_index_without_javascript(nojs: Any, site: Site) -> None:
    nojs.goto(site.url("index"))
    links = nojs.locator("main a[href]")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert any(h and h.endswith(".html") and "chuyen-muc" not in h for h in hrefs), hrefs
    titles = " ".join(nojs.locator("main").inner_text().split())
    assert ARTICLE_TEXT[0] in titles
