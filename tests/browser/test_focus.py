"""Every control shows a visible focus indicator and is a target of at least 24 × 24 px.

The article and embed pages are walked with the Tab key from the top until focus leaves
the page, in the light, dark and high-contrast themes, every ``<details>`` opened first (so
that the chapter list, the settings and the keyboard help are walked too). For each
element Tab focuses:

Focus indicator (WCAG 2.4.7, judged with 1.4.11's 3:1): the area around the element (its
box and its ``<label>``s' boxes, plus 8 px on each side) is captured while it has keyboard
focus and again right after ``blur()``; the Tab walk then goes on from the blurred element
(browsers keep the sequential focus navigation point there). A pixel counts as part of the
indicator when its colour changes between the two captures with a contrast ratio of at least
3:1. The indicator must have at least as many such pixels as the element's perimeter in
CSS px, i.e. at least the area of a 1 px outline around it. Captures are taken at device
scale 1 with CSS animations and transitions finished.

Target size (WCAG 2.5.8): the element's box is at least 24 × 24 CSS px (0.5 px tolerance
for subpixel layout). A form control's target includes its ``<label>``s: clicking a label
activates the control, so the larger of the control's and its labels' boxes counts. Exempt
are links *inline in a sentence* (the criterion's "inline" exception): an ``<a>`` whose
computed display is ``inline`` and whose nearest block-level ancestor contains text other
than the link's own text; and focusable elements that are not controls (``tabindex="-1"``
targets such as ``<main>`` are never reached by Tab anyway).

The walk must also reach every visible control of the page (radio buttons count once per
group, as Tab visits one radio of a group).
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image, ImageChops

from tests.browser.conftest import Site, new_context, open_page

#: Information about the focused element, or null when focus is on <body>/nothing.
FOCUSED_JS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  if (!el.dataset.vrWalk) el.dataset.vrWalk = String(++window.__vrWalk || (window.__vrWalk = 1));
  const rect = (r) => ({left: r.left, top: r.top, right: r.right, bottom: r.bottom,
                        width: r.width, height: r.height});
  const labels = el.labels ? [...el.labels].filter(l => l.checkVisibility()) : [];
  const boxes = [el, ...labels].map(e => rect(e.getBoundingClientRect()));
  const cs = getComputedStyle(el);
  let inline = false;
  if (el.tagName === 'A' && cs.display === 'inline') {
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith('inline')) {
      block = block.parentElement;
    }
    const own = el.textContent.replace(/\\s+/g, ' ').trim();
    const around = block ? block.textContent.replace(/\\s+/g, ' ').trim() : own;
    inline = around.length > own.length + 1;
  }
  let name = el.tagName.toLowerCase();
  if (el.id) name += '#' + el.id;
  for (const a of ['data-vr', 'data-vr-set', 'name', 'value', 'href', 'type']) {
    if (el.hasAttribute(a)) name += `[${a}="${el.getAttribute(a).slice(0, 40)}"]`;
  }
  const label = labels[0] ? labels[0].innerText : '';
  const text = (el.innerText || el.getAttribute('aria-label') || label || '')
    .trim().replace(/\\s+/g, ' ');
  if (text) name += ` "${text.slice(0, 40)}"`;
  return {key: el.dataset.vrWalk, name, boxes, inline,
          group: el.type === 'radio' ? el.name : null,
          control: el.matches('a[href], button, input, select, textarea, summary')};
}
"""

#: Every visible control that Tab should reach (one radio per group).
REACHABLE_JS = """
() => {
  const seen = new Set(); const out = [];
  for (const el of document.querySelectorAll(
      'a[href], button, input:not([type=hidden]), select, textarea, summary')) {
    if (el.disabled || !el.checkVisibility({checkVisibilityCSS: true})) continue;
    if (el.closest('[inert]') || el.tabIndex < 0) continue;
    if (el.type === 'radio') { if (seen.has(el.name)) continue; seen.add(el.name); }
    const r = el.getBoundingClientRect();
    const labelled = el.labels && [...el.labels].some(l => l.getBoundingClientRect().width > 1);
    if ((r.width <= 1 || r.height <= 1) && !labelled && !el.matches('a.vr-skip')) continue;
    let name = el.tagName.toLowerCase();
    for (const a of ['data-vr', 'data-vr-set', 'name', 'href']) {
      if (el.hasAttribute(a)) name += `[${a}="${el.getAttribute(a).slice(0, 40)}"]`;
    }
    out.push({key: el.dataset.vrWalk || null, group: el.type === 'radio' ? el.name : null, name,
              text: (el.innerText || '').trim().slice(0, 40)});
  }
  return out;
}
"""

MARGIN = 8
TARGET = 24


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    la, lb = _luminance(a), _luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def _region(boxes: list[dict[str, float]], width: int, height: int) -> tuple[int, ...] | None:
    left = max(0, int(min(b["left"] for b in boxes)) - MARGIN)
    top = max(0, int(min(b["top"] for b in boxes)) - MARGIN)
    right = min(width, int(max(b["right"] for b in boxes)) + MARGIN + 1)
    bottom = min(height, int(max(b["bottom"] for b in boxes)) + MARGIN + 1)
    if right <= left or bottom <= top:
        return None
    return left, top, right, bottom


def _shot(page: Any, region: tuple[int, ...]) -> Image.Image:
    png = page.screenshot(animations="disabled", caret="hide")
    return Image.open(io.BytesIO(png)).convert("RGB").crop(region)


def _indicator_pixels(focused: Image.Image, blurred: Image.Image) -> int:
    """Pixels whose colour changes with a contrast ratio of at least 3:1."""
    diff = ImageChops.difference(focused, blurred).convert("L").point(lambda v: 255 if v else 0)
    if diff.getbbox() is None:
        return 0
    count = 0
    width = focused.width
    fpx, bpx = focused.load(), blurred.load()
    for index, changed in enumerate(diff.tobytes()):
        if changed:
            x, y = index % width, index // width
            if _contrast(fpx[x, y], bpx[x, y]) >= 3:
                count += 1
    return count


def _walk(page: Any, limit: int = 150) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """Tab through the page; (focused elements, indicator problems, target problems)."""
    viewport = page.viewport_size
    walked: list[dict[str, Any]] = []
    seen: set[str] = set()
    indicator: list[str] = []
    targets: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUSED_JS)
        if info is None:
            break
        if info["key"] in seen:
            break  # wrapped around (or a focus trap; the coverage check tells)
        seen.add(info["key"])
        walked.append(info)
        if not info["control"]:
            continue
        # Target size.
        w = max(b["width"] for b in info["boxes"])
        h = max(b["height"] for b in info["boxes"])
        best = max(info["boxes"], key=lambda b: min(b["width"], b["height"]))
        if not info["inline"] and (best["width"] < TARGET - 0.5 or best["height"] < TARGET - 0.5):
            targets.append(
                f"{info['name']}: {best['width']:.1f} × {best['height']:.1f} CSS px "
                f"(largest extent {w:.1f} × {h:.1f})"
            )
        # Focus indicator.
        region = _region(info["boxes"], viewport["width"], viewport["height"])
        if region is None:
            indicator.append(f"{info['name']}: not in the viewport while focused")
            continue
        focused = _shot(page, region)
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        blurred = _shot(page, region)
        box = info["boxes"][0]
        need = int(2 * (box["width"] + box["height"]))
        got = _indicator_pixels(focused, blurred)
        if got < need:
            indicator.append(
                f"{info['name']}: {got} px change with ≥ 3:1 contrast when focused, "
                f"{need} needed (a 1 px outline around its {box['width']:.0f} × "
                f"{box['height']:.0f} box)"
            )
    return walked, indicator, targets


WALKS = [(kind, theme) for kind in ("article", "embed") for theme in ("light", "dark", "contrast")]


@pytest.fixture(scope="module", params=WALKS, ids=["-".join(w) for w in WALKS])
def walked_page(request: pytest.FixtureRequest, browser: Any, site: Site) -> Any:
    kind, theme = request.param
    context = new_context(browser, site, device_scale_factor=1, reduced_motion="reduce")
    page = context.new_page()
    open_page(page, site.url(kind), theme=theme)
    page.evaluate("() => { for (const d of document.querySelectorAll('details')) d.open = true; }")
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
    page.mouse.move(0, 0)
    try:
        yield f"{kind} page ({theme} theme)", page, _walk(page)
    finally:
        context.close()


def test_every_control_has_a_visible_focus_indicator(walked_page: Any) -> None:
    kind, _page, (walked, indicator, _targets) = walked_page
    assert len(walked) >= 3, f"Tab reached only {len(walked)} elements on the {kind}"
    assert not indicator, f"{kind}, weak or missing focus indicators:\n" + "\n".join(
        f"- {p}" for p in indicator
    )


def test_every_control_is_a_large_enough_target(walked_page: Any) -> None:
    kind, _page, (walked, _indicator, targets) = walked_page
    assert walked, f"Tab reached nothing on the {kind}"
    assert not targets, f"{kind}, targets under 24 × 24 CSS px (WCAG 2.5.8):\n" + "\n".join(
        f"- {p}" for p in targets
    )


def test_tab_reaches_every_control(walked_page: Any) -> None:
    kind, page, (walked, _indicator, _targets) = walked_page
    reached = {w["key"] for w in walked}
    groups = {w["group"] for w in walked if w["group"]}
    missed = [
        f"{c['name']} {c['text']!r}"
        for c in page.evaluate(REACHABLE_JS)
        if c["key"] not in reached and (c["group"] is None or c["group"] not in groups)
    ]
    assert not missed, f"{kind}, controls Tab never reaches:\n" + "\n".join(
        f"- {m}" for m in missed
    )
