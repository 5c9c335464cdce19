"""Reflow (WCAG 1.4.10) and text spacing (WCAG 1.4.12) on every page.

Layouts checked, on the index, article, category and embed pages:

- ``320px``: a 320 × 640 CSS px viewport (a phone, or a narrow window).
- ``zoom400``: real browser zoom at 400 %. Chromium's page zoom divides the CSS viewport by
  the zoom factor and multiplies devicePixelRatio by it, so a 1280 × 1024 window at 400 %
  is laid out exactly as a 320 × 256 CSS px viewport at device_scale_factor 4; that is
  what this layout emulates (media queries, rem and the font's rasterization included).
  320 × 256 is the window WCAG's Reflow criterion is defined on.
- ``text400``: a 1280 × 900 window with the reader's own text size at 400 %
  (``--vr-scale: 4``), the in-page equivalent of 400 % zoom. The embed page caps the
  reader's size (it lives in a fixed-height iframe), so there it is at least 200 %.

In each: the page does not scroll horizontally (``scrollWidth <= clientWidth + 1`` on
``document.scrollingElement``), and every visible control (button, link, input, select,
summary; every ``<details>`` opened first so that the chapter list, the settings and the
keyboard help are checked too) lies inside the viewport horizontally and inside every
ancestor that clips or scrolls it. A control that is only shown when focused (the skip
link) is measured while focused, as a keyboard user meets it.

Text spacing: the WCAG 1.4.12 bookmarklet's style (line height 1.5, letter spacing
0.12em, word spacing 0.16em on every element, paragraph spacing 2em) is injected; then no
element that hides overflow has content beyond its box, no control's text spills out of
the control, and, at 320 px, still no horizontal scrolling and no clipped control.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import PAGE_KINDS, Site, applied, new_context, open_page

LAYOUTS = {
    "320px": {"viewport": {"width": 320, "height": 640}},
    "zoom400": {"viewport": {"width": 320, "height": 256}, "device_scale_factor": 4},
    "text400": {"viewport": {"width": 1280, "height": 900}},
}

TEXT_SPACING_CSS = """
*, *::before, *::after {
  line-height: 1.5 !important;
  letter-spacing: 0.12em !important;
  word-spacing: 0.16em !important;
}
p { margin-bottom: 2em !important; }
"""

#: Describes an element for a failure message: tag, data-vr, id, class, text (JS statement
#: inserted at the top of the checks' function bodies).
DESCRIBE_JS = """
const describe = (el) => {
  let s = el.tagName.toLowerCase();
  if (el.id) s += '#' + el.id;
  for (const a of ['data-vr', 'data-vr-set', 'name', 'value', 'href', 'type']) {
    if (el.hasAttribute(a)) s += `[${a}="${el.getAttribute(a).slice(0, 40)}"]`;
  }
  if (el.className && typeof el.className === 'string') {
    s += '.' + el.className.trim().split(/\\s+/).join('.');
  }
  const text = (el.innerText || el.getAttribute('aria-label') || '').trim().replace(/\\s+/g, ' ');
  if (text) s += ` "${text.slice(0, 40)}"`;
  return s;
};
"""

CONTROLS = (
    "button, a[href], input:not([type=hidden]), select, textarea, summary, "
    "[tabindex]:not([tabindex='-1'])"
)

#: Horizontal scrolling and controls outside the viewport or clipped by an ancestor.
REFLOW_JS = (
    """
(controlsSelector) => {
"""
    + DESCRIBE_JS
    + """
  const problems = [];
  const se = document.scrollingElement;
  if (se.scrollWidth > se.clientWidth + 1) {
    problems.push(`the page scrolls horizontally: scrollWidth ${se.scrollWidth} > ` +
                  `clientWidth ${se.clientWidth}`);
  }
  for (const d of document.querySelectorAll('details')) d.open = true;
  const vw = document.documentElement.clientWidth;
  const shown = (el) => el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true});
  for (const el of document.querySelectorAll(controlsSelector)) {
    if (el.disabled || !shown(el)) continue;
    let r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1 || r.right <= 0 || r.left >= vw) {
      // Visually hidden until focused (a skip link)? Measure it focused.
      el.focus({preventScroll: true});
      r = el.getBoundingClientRect();
      const focused = document.activeElement === el;
      if (focused) el.blur();
      if (!focused || r.width <= 1 || r.height <= 1) continue;  // not shown to anyone
    }
    const name = describe(el);
    if (r.left < -1 || r.right > vw + 1) {
      problems.push(`${name} lies outside the viewport horizontally ` +
                    `(left ${r.left.toFixed(1)}, right ${r.right.toFixed(1)}, viewport ${vw})`);
      continue;
    }
    for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      const cs = getComputedStyle(a);
      const clipX = cs.overflowX !== 'visible';
      const clipY = cs.overflowY === 'hidden' || cs.overflowY === 'clip';
      if (!clipX && !clipY) continue;
      const ar = a.getBoundingClientRect();
      const outX = r.left < ar.left - 1 || r.right > ar.right + 1;
      const outY = r.top < ar.top - 1 || r.bottom > ar.bottom + 1;
      if ((clipX && outX) || (clipY && outY)) {
        problems.push(`${name} is clipped by ${describe(a)} ` +
          `(overflow ${cs.overflowX}/${cs.overflowY}; control ` +
          `${r.left.toFixed(0)},${r.top.toFixed(0)}–${r.right.toFixed(0)},${r.bottom.toFixed(0)};` +
          ` box ${ar.left.toFixed(0)},${ar.top.toFixed(0)}–${ar.right.toFixed(0)},` +
          `${ar.bottom.toFixed(0)})`);
        break;
      }
    }
  }
  return problems;
}
"""
)

#: Content lost to overflow: hidden/clipped overflow, ellipsis, line clamps, and text that
#: spills out of a control's box.
LOST_CONTENT_JS = (
    """
(controlsSelector) => {
"""
    + DESCRIBE_JS
    + """
  const problems = [];
  for (const d of document.querySelectorAll('details')) d.open = true;
  const shown = (el) => el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true});
  const controls = new Set(document.querySelectorAll(controlsSelector));
  const REPLACED = ['IMG', 'SVG', 'VIDEO', 'AUDIO', 'CANVAS', 'IFRAME', 'SELECT', 'INPUT'];
  for (const el of document.body.querySelectorAll('*')) {
    if (!shown(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width <= 2 || r.height <= 2) continue;  // visually hidden on purpose
    if (REPLACED.includes(el.tagName)) continue;
    const cs = getComputedStyle(el);
    const name = () => describe(el);
    const hidesX = cs.overflowX === 'hidden' || cs.overflowX === 'clip';
    const hidesY = cs.overflowY === 'hidden' || cs.overflowY === 'clip';
    if (hidesX && el.scrollWidth > el.clientWidth + 1) {
      problems.push(`${name()} hides content on the right (scrollWidth ${el.scrollWidth} > ` +
                    `clientWidth ${el.clientWidth}, overflow-x ${cs.overflowX})`);
    } else if (hidesY && el.scrollHeight > el.clientHeight + 1) {
      problems.push(`${name()} hides content below (scrollHeight ${el.scrollHeight} > ` +
                    `clientHeight ${el.clientHeight}, overflow-y ${cs.overflowY})`);
    }
    if (cs.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1) {
      problems.push(`${name()} truncates its text with an ellipsis`);
    }
    const clamp = cs.webkitLineClamp;
    if (clamp && clamp !== 'none' && el.scrollHeight > el.clientHeight + 1) {
      problems.push(`${name()} clamps its text to ${clamp} lines`);
    }
    if (controls.has(el) && cs.display !== 'inline') {
      const range = document.createRange();
      range.selectNodeContents(el);
      const t = range.getBoundingClientRect();
      if (t.width > 0 && (t.left < r.left - 2 || t.right > r.right + 2 ||
                          t.top < r.top - 2 || t.bottom > r.bottom + 2)) {
        problems.push(`the text of ${name()} spills out of its box (text ` +
          `${t.left.toFixed(0)},${t.top.toFixed(0)}–${t.right.toFixed(0)},${t.bottom.toFixed(0)}` +
          `; box ${r.left.toFixed(0)},${r.top.toFixed(0)}–${r.right.toFixed(0)},` +
          `${r.bottom.toFixed(0)})`);
      }
    }
  }
  return problems;
}
"""
)


def _open(browser: Any, site: Site, kind: str, layout: str) -> tuple[Any, Any]:
    context = new_context(browser, site, **LAYOUTS[layout])
    page = context.new_page()
    if layout != "text400":
        open_page(page, site.url(kind))
        return context, page
    # The embed caps the reader's text size (it lives in a fixed-height iframe; its own page
    # says how much); real 400 % zoom is still checked on it by the zoom400 layout.
    open_page(page, site.url(kind), size=400, check_size=kind != "embed")
    scale = applied(page)["scale"]
    assert scale is not None and float(scale) >= 2, f"text size 400 % gave --vr-scale {scale!r}"
    return context, page


def _report(problems: list[str], what: str) -> str:
    return f"{what}: {len(problems)} problem(s)\n" + "\n".join(f"- {p}" for p in problems)


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_reflow(browser: Any, site: Site, kind: str, layout: str) -> None:
    context, page = _open(browser, site, kind, layout)
    try:
        width = page.evaluate("() => document.documentElement.clientWidth")
        expected = 1280 if layout == "text400" else 320
        assert abs(width - expected) <= 20, f"the {layout} layout is {width} CSS px wide"
        problems = page.evaluate(REFLOW_JS, CONTROLS)
        assert not problems, _report(problems, f"{kind} page, {layout}")
    finally:
        context.close()


@pytest.mark.parametrize("layout", ["320px", "text400"])
@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_text_spacing(browser: Any, site: Site, kind: str, layout: str) -> None:
    context, page = _open(browser, site, kind, layout)
    try:
        before = page.evaluate("() => document.body.innerText.replace(/\\s+/g, ' ').length")
        # As a reader's own stylesheet or extension applies it: a constructed stylesheet
        # (the pages' Content-Security-Policy refuses an added inline <style>, which a
        # user stylesheet is not).
        page.evaluate(
            """css => { const sheet = new CSSStyleSheet(); sheet.replaceSync(css);
                 document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet]; }""",
            TEXT_SPACING_CSS,
        )
        applied = page.evaluate(
            "() => getComputedStyle(document.querySelector('main p, main') ).letterSpacing"
        )
        assert applied != "normal", "the text spacing style did not apply"
        problems = page.evaluate(LOST_CONTENT_JS, CONTROLS)
        if layout == "320px":
            problems += page.evaluate(REFLOW_JS, CONTROLS)
        after = page.evaluate("() => document.body.innerText.replace(/\\s+/g, ' ').length")
        assert after >= before - 1, f"text disappeared with the spacing: {before} → {after} chars"
        assert not problems, _report(problems, f"{kind} page, {layout}, WCAG 1.4.12 spacing")
    finally:
        context.close()
