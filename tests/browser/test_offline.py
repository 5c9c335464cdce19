"""The pages load nothing from elsewhere and run without script errors.

The site is published for a foreign base URL and served on 127.0.0.1: every stylesheet,
script and font must come from the site itself through a relative link (no CDN, no
external fonts), the audio and transcript too, and the page's script must raise nothing.
"""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import PageLog, Site, open_page


def test_page_is_self_contained(page: Any, page_log: PageLog, site: Site, page_kind: str) -> None:
    responses: list[tuple[int, str]] = []
    page.on("response", lambda r: responses.append((r.status, r.url)))
    open_page(page, site.url(page_kind))
    page.wait_for_load_state("networkidle")
    kinds = {"stylesheet", "script", "font", "media", "fetch", "xhr", "texttrack"}
    external = [(kind, url) for kind, url in page_log.external if kind in kinds]
    assert not external, f"the {page_kind} page loads from outside the site: {external}"
    broken = [(status, url) for status, url in responses if status >= 400]
    assert not broken, f"the {page_kind} page requests missing files: {broken}"
    assert not page_log.errors, f"script errors on the {page_kind} page: {page_log.errors}"
    styled = page.evaluate(
        "() => [...document.styleSheets].some(s => { try { return s.cssRules.length > 0 }"
        " catch (e) { return false } })"
    )
    assert styled, f"the {page_kind} page has no stylesheet"


def test_the_font_ships_with_the_site(page: Any, site: Site) -> None:
    open_page(page, site.url("article"))
    fonts = page.evaluate(
        "() => document.fonts.ready.then(() => [...document.fonts]"
        ".filter(f => f.status === 'loaded').map(f => f.family))"
    )
    assert fonts, "no web font loaded on the article page (the project ships one)"
