"""axe-core (WCAG 2.0/2.1/2.2, A and AA) reports no violation on any page, in any theme.

Every page kind (index, article, category, embed) × every theme the reader offers (light,
dark, high contrast, and "auto" under both a light and a dark system setting), the theme
chosen through the stored prefs and checked on ``<html data-theme>``; then again with every
``<details>`` opened (the settings, the chapter list, the keyboard help). The article page
is also checked at 200 % and 300 % text size (``--vr-scale``), in every theme.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import (
    PAGE_KINDS,
    THEMES,
    Site,
    describe_violations,
    new_context,
    open_page,
    run_axe,
)

OPEN_DETAILS_JS = """() => {
  const closed = [...document.querySelectorAll('details:not([open])')];
  for (const d of closed) d.open = true;
  return closed.length;
}"""

# (theme pref, emulated system colour scheme)
THEME_CASES = [
    ("light", "light"),
    ("dark", "light"),
    ("contrast", "light"),
    ("auto", "light"),
    ("auto", "dark"),
]


@pytest.mark.parametrize(("theme", "system"), THEME_CASES, ids=lambda v: v)
@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_no_axe_violations(browser: Any, site: Site, kind: str, theme: str, system: str) -> None:
    context = new_context(browser, site, color_scheme=system)
    try:
        page = context.new_page()
        url = site.url(kind)
        open_page(page, url, theme=theme)
        violations = run_axe(page)
        assert not violations, (
            f"axe on the {kind} page, theme {theme} (system {system}):\n"
            + describe_violations(violations)
        )
        # What closed <details> hide (settings, chapters, keyboard help) is not rendered,
        # so axe cannot judge its colours until it is opened.
        if page.evaluate(OPEN_DETAILS_JS):
            violations = run_axe(page)
            assert not violations, (
                f"axe on the {kind} page, theme {theme} (system {system}), every <details> "
                "open:\n" + describe_violations(violations)
            )
    finally:
        context.close()


@pytest.mark.parametrize("size", [200, 300])
@pytest.mark.parametrize("theme", THEMES)
def test_no_axe_violations_large_text(page: Any, site: Site, size: int, theme: str) -> None:
    open_page(page, site.url("article"), theme=theme, size=size)
    violations = run_axe(page)
    assert not violations, (
        f"axe on the article page at {size} % text, theme {theme}:\n"
        + describe_violations(violations)
    )


HIGHLIGHT_ALL_JS = """() => {
  const spans = [...document.querySelectorAll('.vr-s')];
  for (const s of spans) s.classList.add('vr-now');
  const line = document.querySelector('[data-vr="now-line"]');
  if (line) {
    line.hidden = false;
    line.querySelector('[data-vr="now"]').textContent = 'Câu đang đọc.';
  }
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  return spans.length;
}"""


@pytest.mark.parametrize("theme", ["light", "dark", "contrast"])
@pytest.mark.parametrize("kind", ["article", "embed"])
def test_highlighted_sentences_keep_their_contrast(
    page: Any, site: Site, kind: str, theme: str
) -> None:
    """The sentence being spoken (and a link inside it, as in the category line) stays
    readable: every timed sentence is marked as spoken at once, then axe judges colours."""
    open_page(page, site.url(kind), theme=theme)
    assert page.evaluate(HIGHLIGHT_ALL_JS) >= 3
    violations = run_axe(page)
    assert not violations, (
        f"axe on the {kind} page with its sentences highlighted, theme {theme}:\n"
        + describe_violations(violations)
    )
