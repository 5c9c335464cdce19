"""The player with the keyboard only, and the text following the real narration.

The article page's player is reached with Tab from the top of the page and driven with
keys: Space plays and pauses, the arrows on the seek slider move 5 s, the speed select
changes the playback rate, the shortcuts work only while focus is inside the player (Space
on a link or on the page body never toggles playback), nothing plays on load. While the
real espeak narration plays (at 2× to be quick), the sentence marked ``vr-now`` advances
with ``audio.currentTime`` inside its ``data-start``/``data-end``. Chapter buttons,
previous/next sentence and clicking a sentence seek to the right times; the position is
restored after a reload; the slider's ``aria-valuetext`` is in Vietnamese words.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from tests.browser.conftest import Site, open_page

AUDIO = "document.querySelector('[data-vr-player] audio')"

STATE_JS = f"""() => {{
  const a = {AUDIO};
  return {{paused: a.paused, t: a.currentTime, rate: a.playbackRate, duration: a.duration,
          src: a.currentSrc || a.src}};
}}"""

FOCUS_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  return {vr: el.getAttribute('data-vr'), tag: el.tagName.toLowerCase(),
          inPlayer: !!el.closest('[data-vr-player]'), text: (el.innerText || '').trim()};
}"""

SPANS_JS = """() => [...document.querySelectorAll('.vr-s[data-start]')].map((s, i) => ({
  index: i, cue: Number(s.dataset.cue), start: Number(s.dataset.start), end: Number(s.dataset.end),
  text: s.textContent.trim()}))"""

#: The audio time and the highlighted sentence, read together in an animation frame (after
#: the page's own frame callbacks, so the DOM is never older than the time read).
SAMPLE_JS = f"""() => new Promise(done => requestAnimationFrame(() => {{
  const a = {AUDIO};
  const now = [...document.querySelectorAll('.vr-now')];
  const first = now[0];
  const shown = document.querySelector('[data-vr-player] [data-vr="now"]');
  done({{t: a.currentTime, paused: a.paused, rate: a.playbackRate,
        cues: [...new Set(now.map(n => n.dataset.cue))],
        cue: first ? Number(first.dataset.cue) : null,
        start: first ? Number(first.dataset.start) : null,
        end: first ? Number(first.dataset.end) : null,
        current: first ? first.getAttribute('aria-current') : null,
        text: first ? first.textContent.trim() : null,
        shown: shown ? shown.textContent.trim() : null}});
}}))"""


def state(page: Any) -> dict[str, Any]:
    return page.evaluate(STATE_JS)


def open_player(page: Any, site: Site, kind: str = "article") -> None:
    open_page(page, site.url(kind))
    page.wait_for_function(
        f"() => {{ const a = {AUDIO}; return a && a.readyState >= 1 && isFinite(a.duration); }}",
        timeout=10_000,
    )


def tab_to(page: Any, vr: str, limit: int = 80) -> int:
    """Press Tab until the element with data-vr=``vr`` has focus; the number of presses."""
    trail = []
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_JS)
        if focus and focus["vr"] == vr:
            return presses
        trail.append(focus and (focus["vr"] or focus["tag"]))
    pytest.fail(f"{limit} Tab presses never reached [data-vr={vr!r}]; focus went: {trail}")


MEDIA_JS = f"""() => {{
  const a = {AUDIO};
  const r = [];
  for (let i = 0; i < a.buffered.length; i++) r.push([a.buffered.start(i), a.buffered.end(i)]);
  return {{paused: a.paused, t: a.currentTime, rate: a.playbackRate, readyState: a.readyState,
          networkState: a.networkState, error: a.error && a.error.code, buffered: r,
          seeking: a.seeking, ended: a.ended}};
}}"""


def wait_until(page: Any, predicate: str, timeout: float = 10.0) -> None:
    """Wait for ``predicate``; on timeout fail with the audio element's state."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(predicate, timeout=timeout * 1000, polling=50)
    except PlaywrightTimeout:
        pytest.fail(f"{timeout} s waiting for {predicate}; audio: {page.evaluate(MEDIA_JS)}")


def seek_js(page: Any, t: float) -> None:
    """Put the paused audio at ``t`` (test set-up, not what is tested)."""
    page.evaluate(
        f"""(t) => new Promise(done => {{
          const a = {AUDIO}; a.pause();
          a.addEventListener('seeked', () => done(), {{once: true}}); a.currentTime = t;
        }})""",
        t,
    )


def test_no_autoplay(page: Any, site: Site) -> None:
    open_player(page, site)
    page.wait_for_timeout(2000)
    s = state(page)
    assert s["paused"] and s["t"] == 0, f"the narration started by itself: {s}"


def test_tab_reaches_play_and_space_plays_and_pauses(page: Any, site: Site) -> None:
    open_player(page, site)
    presses = tab_to(page, "play")
    focus = page.evaluate(FOCUS_JS)
    assert focus["tag"] == "button" and focus["text"] in ("Phát", "Tạm dừng"), focus
    assert focus["text"] == "Phát", f"the paused player's button says {focus['text']!r}"
    page.keyboard.press("Space")
    wait_until(page, f"() => !{AUDIO}.paused && {AUDIO}.currentTime > 0.5")
    s = state(page)
    assert not s["paused"], f"Space on the play button (after {presses} Tabs) did not play: {s}"
    assert s["t"] > 0.5, f"currentTime does not advance while playing: {s}"
    assert page.evaluate(FOCUS_JS)["text"] == "Tạm dừng", "the button does not say 'Tạm dừng'"
    page.keyboard.press("Space")
    page.wait_for_timeout(200)
    s = state(page)
    assert s["paused"], f"Space on the button did not pause: {s}"
    t = s["t"]
    page.wait_for_timeout(500)
    assert state(page)["t"] == pytest.approx(t), "the audio goes on after pausing"
    assert page.evaluate(FOCUS_JS)["text"] == "Phát"


def test_arrow_keys_on_the_seek_slider_move_five_seconds(page: Any, site: Site) -> None:
    open_player(page, site)
    tab_to(page, "play")
    tab_to(page, "seek")
    assert state(page)["t"] == 0
    page.keyboard.press("ArrowRight")
    wait_until(page, f"() => {AUDIO}.currentTime > 0")
    first = state(page)["t"]
    assert first == pytest.approx(5, abs=0.3), f"ArrowRight moved to {first} s, not 5 s"
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(150)
    assert state(page)["t"] == pytest.approx(10, abs=0.3)
    page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(150)
    s = state(page)
    assert s["t"] == pytest.approx(5, abs=0.3), f"ArrowLeft: {s['t']} s, expected 5 s"
    assert s["paused"], "seeking with the arrows started playback"


def test_other_player_shortcuts(page: Any, site: Site) -> None:
    """J/L ±15 s, Home/End, K plays, N/P sentences, while focus is on a player button."""
    open_player(page, site)
    tab_to(page, "play")
    page.keyboard.press("l")
    page.wait_for_timeout(150)
    assert state(page)["t"] == pytest.approx(15, abs=0.3), "L did not move forward 15 s"
    page.keyboard.press("j")
    page.wait_for_timeout(150)
    assert state(page)["t"] == pytest.approx(0, abs=0.3), "J did not move back 15 s"
    page.keyboard.press("End")
    page.wait_for_timeout(150)
    s = state(page)
    assert s["t"] > s["duration"] - 1, f"End went to {s['t']} of {s['duration']} s"
    page.keyboard.press("Home")
    page.wait_for_timeout(150)
    assert state(page)["t"] == pytest.approx(0, abs=0.3), "Home did not go to the start"
    spans = page.evaluate(SPANS_JS)
    page.keyboard.press("n")
    page.wait_for_timeout(150)
    after_n = state(page)["t"]
    later = [s["start"] for s in spans if s["start"] > 0.05]
    assert later and after_n == pytest.approx(min(later), abs=0.1), (
        f"N moved to {after_n} s; the next sentence starts at {min(later) if later else None}"
    )
    page.keyboard.press("k")
    page.wait_for_timeout(600)
    assert not state(page)["paused"], "K did not play"
    page.keyboard.press("k")
    page.wait_for_timeout(150)
    assert state(page)["paused"], "K did not pause"


def test_speed_changes_with_the_keyboard(page: Any, site: Site) -> None:
    open_player(page, site)
    tab_to(page, "play")
    tab_to(page, "speed")
    assert state(page)["rate"] == 1
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(150)
    value = page.evaluate("() => document.activeElement.value")
    assert value == "1.25", f"ArrowDown on the speed select chose {value!r}"
    assert state(page)["rate"] == 1.25, f"playbackRate {state(page)['rate']} after choosing 1.25"
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    page.wait_for_timeout(150)
    assert state(page)["rate"] == 0.75
    # The player's -/+ shortcuts, on a player button.
    page.keyboard.press("Shift+Tab")
    while (page.evaluate(FOCUS_JS) or {}).get("tag") != "button":
        page.keyboard.press("Shift+Tab")
    page.keyboard.press("+")
    page.keyboard.press("+")
    page.wait_for_timeout(150)
    assert state(page)["rate"] == 1.25, "+ pressed twice from 0.75× should give 1.25×"
    page.keyboard.press("-")
    page.wait_for_timeout(150)
    assert state(page)["rate"] == 1
    select = page.evaluate("() => document.querySelector('[data-vr=speed]').value")
    assert select == "1", f"the select shows {select!r} after the shortcuts set 1×"


def test_space_outside_the_player_does_not_toggle_playback(page: Any, site: Site) -> None:
    open_player(page, site)
    # Focus on a link outside the player: the first Tab stop (the skip link).
    page.keyboard.press("Tab")
    focus = page.evaluate(FOCUS_JS)
    assert focus and not focus["inPlayer"], f"the first Tab stop is in the player: {focus}"
    page.keyboard.press("Space")
    page.wait_for_timeout(800)
    assert state(page)["paused"], f"Space on {focus} started the narration"
    # On the page body after clicking plain text (not a sentence, link or control).
    point = page.evaluate(
        """() => {
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const el = n.parentElement;
            if (!n.textContent.trim() || el.closest(
                'a, button, input, select, label, summary, details, [data-vr-player], .vr-s, '
                + '[tabindex], script, style')) continue;
            const r = document.createRange(); r.selectNodeContents(n);
            const box = r.getClientRects()[0];
            if (!box || box.width < 4) continue;
            el.scrollIntoView({block: 'center'});
            const b = r.getClientRects()[0];
            const text = n.textContent.trim().slice(0, 40);
            return {x: b.left + 2, y: b.top + b.height / 2, text};
          }
          return null;
        }"""
    )
    assert point, "no plain text outside the player to click"
    page.mouse.click(point["x"], point["y"])
    focus = page.evaluate(FOCUS_JS)
    assert focus is None or not focus["inPlayer"], focus
    page.keyboard.press("Space")
    page.wait_for_timeout(800)
    assert state(page)["paused"], f"Space after clicking {point['text']!r} started the narration"
    # And while playing, Space outside the player does not pause it.
    page.click('[data-vr-player] [data-vr="play"]')
    wait_until(page, f"() => !{AUDIO}.paused && {AUDIO}.currentTime > 0.2")
    page.mouse.click(point["x"], point["y"])
    page.keyboard.press("Space")
    page.wait_for_timeout(500)
    assert not state(page)["paused"], "Space outside the player paused the narration"


def test_highlight_follows_the_narration(page: Any, site: Site) -> None:
    open_player(page, site)
    spans = page.evaluate(SPANS_JS)
    assert len(spans) >= 4, f"the article shows only {len(spans)} timed sentences (.vr-s)"
    starts = sorted({s["start"] for s in spans})
    # From just before the second timed sentence through four sentences, at 2×.
    seek_js(page, max(0.0, starts[1] - 1.5))
    horizon = starts[min(4, len(starts) - 1)] + 0.5
    page.evaluate(f"() => {{ {AUDIO}.playbackRate = 2; }}")
    page.click('[data-vr-player] [data-vr="play"]')
    wait_until(page, f"() => !{AUDIO}.paused")
    page.evaluate(f"() => {{ {AUDIO}.playbackRate = 2; }}")
    samples = []
    deadline = time.monotonic() + 30  # about 8 s when the machine is not starved
    while time.monotonic() < deadline:
        sample = page.evaluate(SAMPLE_JS)
        samples.append(sample)
        if sample["t"] > horizon or sample["paused"]:
            break
        page.wait_for_timeout(80)
    assert samples[-1]["t"] > horizon, f"the narration stopped before {horizon} s: {samples[-1]}"

    # A page may follow the audio per frame or per timeupdate event (about every 250 ms):
    # the highlight may be up to 0.3 s of listening time late, i.e. 0.6 s of audio at 2×.
    tol = 0.3 * samples[-1]["rate"]
    seen: list[int] = []
    problems = []
    for s in samples:
        if len(s["cues"]) > 1:
            problems.append(f"t={s['t']:.2f}: several sentences marked vr-now: {s['cues']}")
        if s["cue"] is None:
            continue
        if not seen or seen[-1] != s["cue"]:
            seen.append(s["cue"])
        following = [x for x in starts if x > s["start"] + 0.001]
        until = (following[0] if following else s["end"]) + tol
        if not s["start"] - tol <= s["t"] <= until:
            problems.append(f"t={s['t']:.2f}: vr-now is cue {s['cue']} [{s['start']}, {s['end']}]")
        if s["current"] != "true":
            problems.append(f"t={s['t']:.2f}: vr-now cue {s['cue']} lacks aria-current=true")
        if s["shown"] is not None and s["text"] and s["text"] not in s["shown"]:
            problems.append(f"t={s['t']:.2f}: the player shows {s['shown']!r}, not {s['text']!r}")
    for s in samples:
        inside = [x for x in spans if x["start"] + tol < s["t"] < x["end"] - tol]
        if inside and s["cue"] not in {x["cue"] for x in inside}:
            problems.append(
                f"t={s['t']:.2f} is inside cue {inside[0]['cue']} "
                f"[{inside[0]['start']}, {inside[0]['end']}] but vr-now is {s['cue']}"
            )
    assert len(seen) >= 3, f"the highlight moved through only {seen} in {samples[-1]['t']:.1f} s"
    assert seen == sorted(seen), f"the highlight went backwards: {seen}"
    assert not problems, "\n".join(problems[:15])


def test_embed_shows_the_sentence_being_spoken(page: Any, site: Site) -> None:
    open_player(page, site, "embed")
    page.evaluate(f"() => {{ {AUDIO}.playbackRate = 2; }}")
    page.click('[data-vr-player] [data-vr="play"]')
    shown: list[str] = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(shown) < 3:
        text = page.evaluate(
            "() => { const n = document.querySelector('[data-vr-player] [data-vr=\"now\"]');"
            " return n && n.checkVisibility() ? n.textContent.trim() : null; }"
        )
        if text and (not shown or shown[-1] != text):
            shown.append(text)
        page.wait_for_timeout(100)
    assert len(shown) >= 3, f"the embed's current-sentence line showed only {shown}"


def test_chapter_buttons_seek(page: Any, site: Site) -> None:
    open_player(page, site)
    chapters = page.evaluate(
        "() => [...document.querySelectorAll('[data-vr-player] [data-vr=chapter]')]"
        ".map(b => Number(b.dataset.start))"
    )
    assert len(chapters) >= 2, f"the player lists {len(chapters)} chapters"
    for index in (len(chapters) - 1, 1):
        button = page.locator("[data-vr-player] [data-vr=chapter]").nth(index)
        if not button.is_visible():
            page.locator("[data-vr-player] details:has([data-vr=chapter]) > summary").click()
        button.focus()
        page.keyboard.press("Enter")
        page.wait_for_timeout(150)
        t = page.evaluate(f"() => {{ const a = {AUDIO}; a.pause(); return a.currentTime; }}")
        start = chapters[index]
        assert start - 0.05 <= t <= start + 1.0, f"chapter {index} ({start} s) went to {t} s"


def test_previous_and_next_sentence(page: Any, site: Site) -> None:
    open_player(page, site)
    spans = page.evaluate(SPANS_JS)
    starts = sorted({s["start"] for s in spans})
    assert len(starts) >= 3, f"only {len(starts)} timed sentences"
    k = 1
    seek_js(page, (starts[k] + min(starts[k + 1], starts[k] + 2)) / 2)
    page.click('[data-vr-player] [data-vr="next"]')
    page.wait_for_timeout(150)
    assert state(page)["t"] == pytest.approx(starts[k + 1], abs=0.05), "next sentence"
    page.click('[data-vr-player] [data-vr="prev"]')
    page.wait_for_timeout(150)
    assert state(page)["t"] == pytest.approx(starts[k], abs=0.05), "previous sentence"
    page.click('[data-vr-player] [data-vr="prev"]')
    page.wait_for_timeout(150)
    assert state(page)["t"] == pytest.approx(starts[k - 1], abs=0.05), "previous sentence again"
    # Back and forward 15 s.
    page.click('[data-vr-player] [data-vr="forward"]')
    page.wait_for_timeout(150)
    assert state(page)["t"] == pytest.approx(starts[k - 1] + 15, abs=0.1), "forward 15 s"
    page.click('[data-vr-player] [data-vr="back"]')
    page.wait_for_timeout(150)
    assert state(page)["t"] == pytest.approx(starts[k - 1], abs=0.1), "back 15 s"
    assert state(page)["paused"], "moving between sentences started playback"


def test_clicking_a_sentence_plays_from_it(page: Any, site: Site) -> None:
    open_player(page, site)
    spans = page.evaluate(SPANS_JS)
    body = [s for s in spans if s["start"] > 10]
    assert body, f"no timed sentence past 10 s: {spans}"
    target = body[len(body) // 2]
    page.locator(".vr-s[data-start]").nth(target["index"]).click()
    page.wait_for_timeout(400)
    s = state(page)
    assert not s["paused"], "clicking a sentence did not play it"
    assert target["start"] - 0.05 <= s["t"] <= target["start"] + 1.5, (
        f"clicked the sentence at {target['start']} s, playing at {s['t']} s"
    )
    now = page.evaluate(SAMPLE_JS)
    assert now["start"] == target["start"], f"vr-now is {now}, not the clicked sentence"


def test_position_resumes_after_reload(page: Any, site: Site) -> None:
    open_player(page, site)
    seek_js(page, 5.5)
    page.click('[data-vr-player] [data-vr="play"]')
    wait_until(page, f"() => {AUDIO}.currentTime >= 6.3", timeout=15)
    page.click('[data-vr-player] [data-vr="play"]')
    s = state(page)
    assert s["paused"]
    name = s["src"].rsplit("/", 1)[-1]
    stored = page.evaluate("(k) => localStorage.getItem(k)", f"vnreader:pos:{name}")
    assert stored is not None, f"no localStorage 'vnreader:pos:{name}' after pausing at {s['t']}"
    assert float(stored) >= 5, f"stored position {stored!r}"
    page.reload()
    page.wait_for_function(
        f"() => {{ const a = {AUDIO}; return a.readyState >= 1 && a.currentTime > 0; }}",
        timeout=8000,
    )
    s2 = state(page)
    assert s2["t"] >= 5, f"after reloading the narration is at {s2['t']} s, not ≥ 5 s"
    assert s2["paused"], "the restored narration plays by itself"


def test_seek_slider_speaks_vietnamese_words(page: Any, site: Site) -> None:
    open_player(page, site)
    seek = page.locator('[data-vr-player] [data-vr="seek"]')
    said = {}
    for t in (0, 21.5, 41.0):
        seek_js(page, t)
        page.wait_for_timeout(100)
        said[t] = text = seek.get_attribute("aria-valuetext") or ""
        assert "giây" in text, f"aria-valuetext at {t} s: {text!r}"
        assert not re.search(r"\d", text), f"aria-valuetext at {t} s has digits: {text!r}"
    assert "hai mươi mốt giây" in said[21.5], f"21.5 s reads {said[21.5]!r}"
    assert said[0] != said[21.5], "aria-valuetext does not follow the position"
