"""What a resident meets, in Chromium: abbreviations shown as spoken, lock-screen controls
(Media Session), and a Content-Security-Policy that keeps every page on the site.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import (
    OWNER_EMAIL,
    PORTAL,
    PUBLIC_BASE,
    THEMES,
    PageLog,
    Site,
    describe_violations,
    new_context,
    open_page,
    run_axe,
    watch,
)

#: The abbreviations of the seed article and what the narration says for each.
SEED_ABBREVIATIONS = {
    "BCH": "Ban Chấp hành",
    "HU": "Huyện ủy",
    "HĐND": "Hội đồng nhân dân",
    "UBND": "Ủy ban nhân dân",
    "BCĐ": "Ban Chỉ đạo",
    "đ/c": "đồng chí",
}

#: Records, before the page's own script runs, every Media Session action it registers and
#: every Content-Security-Policy violation.
RECORDER = """
window.__vrActions = {};
window.__vrCsp = [];
document.addEventListener('securitypolicyviolation', e => window.__vrCsp.push(
  {directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample}));
if (navigator.mediaSession) {
  const original = navigator.mediaSession.setActionHandler.bind(navigator.mediaSession);
  navigator.mediaSession.setActionHandler = (action, handler) => {
    window.__vrActions[action] = handler;
    return original(action, handler);
  };
}
"""


def recorded_page(browser: Any, site: Site, log: PageLog) -> tuple[Any, Any]:
    context = new_context(browser, site, log)
    context.add_init_script(RECORDER)
    page = context.new_page()
    watch(page, log)
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text))
    page.vr_console = console  # type: ignore[attr-defined]
    return context, page


# --- abbreviations ---------------------------------------------------------------------------


@pytest.mark.parametrize("theme", THEMES)
def test_seed_article_shows_each_abbreviation_as_spoken(
    browser: Any, site: Site, theme: str
) -> None:
    log = PageLog()
    context, page = recorded_page(browser, site, log)
    try:
        open_page(page, site.url("seed"), theme=theme)
        marks = page.evaluate(
            """() => [...document.querySelectorAll('abbr[title]')].map(a => ({
                 text: a.textContent, title: a.title, inSentence: !!a.closest('.vr-s'),
                 tabindex: a.getAttribute('tabindex')}))"""
        )
        titles: dict[str, str] = {}
        for mark in marks:
            titles.setdefault(mark["text"], mark["title"])
            assert mark["inSentence"], mark  # inside the span the highlight wraps
            assert mark["tabindex"] == "0", mark
        for written, spoken in SEED_ABBREVIATIONS.items():
            assert titles.get(written, "").casefold() == spoken.casefold(), (written, titles)

        # Keyboard focus shows the spoken form (the CSS tooltip); Escape hides it.
        first = page.locator("abbr[title]", has_text="HĐND").first
        first.focus()
        shown = page.evaluate("() => getComputedStyle(document.activeElement, '::after').content")
        assert shown == '"Hội đồng nhân dân"', shown
        page.keyboard.press("Escape")
        hidden = page.evaluate("() => getComputedStyle(document.activeElement, '::after').content")
        assert hidden in ("none", "normal"), hidden
        # Hovering shows it too.
        other = page.locator("abbr[title]", has_text="UBND").first
        other.hover()
        hovered = other.evaluate("a => getComputedStyle(a, '::after').content")
        assert hovered == '"Ủy ban nhân dân"', hovered

        first.focus()  # axe checks the page with a tooltip shown
        violations = run_axe(page)
        assert violations == [], f"{theme}:\n{describe_violations(violations)}"
        assert log.external == [] and log.errors == []
    finally:
        context.close()


# --- Media Session -----------------------------------------------------------------------------

ACTIONS = {"play", "pause", "seekbackward", "seekforward", "previoustrack", "nexttrack", "seekto"}


@pytest.mark.parametrize("theme", THEMES)
def test_player_sets_lock_screen_metadata_and_actions(browser: Any, site: Site, theme: str) -> None:
    log = PageLog()
    context, page = recorded_page(browser, site, log)
    try:
        open_page(page, site.url("seed"), theme=theme)
        page.wait_for_function("() => document.querySelector('audio').readyState >= 1")
        meta = page.evaluate(
            """() => { const m = navigator.mediaSession.metadata;
                 return {title: m.title, artist: m.artist, album: m.album,
                         artwork: m.artwork.map(a => ({src: a.src, sizes: a.sizes, type: a.type})),
                         actions: Object.keys(window.__vrActions),
                         h1: document.querySelector('h1').textContent}; }"""
        )
        assert meta["title"] == meta["h1"].strip() and meta["title"].startswith("Huyện Tân Hiệp")
        assert meta["artist"] == PORTAL
        (art,) = meta["artwork"]
        assert art["src"] == site.base_url + "artwork.png"
        assert art["type"] == "image/png" and art["sizes"] == "1400x1400"
        assert page.request.get(art["src"]).ok
        assert set(meta["actions"]) >= ACTIONS, meta["actions"]

        # The handlers do what the lock screen's buttons say.
        starts = page.evaluate(
            """() => [...new Set([...document.querySelectorAll('.vr-s[data-start]')]
                 .map(s => parseFloat(s.dataset.start)))].sort((a, b) => a - b)"""
        )
        assert len(starts) > 3
        t = page.evaluate(
            "() => { window.__vrActions.nexttrack({action: 'nexttrack'});"
            " return document.querySelector('audio').currentTime; }"
        )
        assert abs(t - starts[1]) < 0.1, (t, starts[:3])
        t = page.evaluate(
            "() => { window.__vrActions.seekforward({action: 'seekforward'});"
            " return document.querySelector('audio').currentTime; }"
        )
        assert abs(t - (starts[1] + 15)) < 0.1, t
        t = page.evaluate(
            "() => { window.__vrActions.seekbackward({action: 'seekbackward', seekOffset: 5});"
            " return document.querySelector('audio').currentTime; }"
        )
        assert abs(t - (starts[1] + 10)) < 0.1, t
        t = page.evaluate(
            "() => { window.__vrActions.seekto({action: 'seekto', seekTime: 42});"
            " return document.querySelector('audio').currentTime; }"
        )
        assert abs(t - 42) < 0.1, t
        page.evaluate("() => window.__vrActions.previoustrack({action: 'previoustrack'})")
        t = page.evaluate("() => document.querySelector('audio').currentTime")
        assert t < 42 and any(abs(t - s) < 0.1 for s in starts), t
        page.evaluate("() => window.__vrActions.play({action: 'play'})")
        page.wait_for_function("() => !document.querySelector('audio').paused")
        assert page.evaluate("() => navigator.mediaSession.playbackState") == "playing"
        page.evaluate("() => window.__vrActions.pause({action: 'pause'})")
        page.wait_for_function("() => document.querySelector('audio').paused")
        assert page.locator('[data-vr="play"]').inner_text() == "Phát"
        assert log.errors == []
    finally:
        context.close()


# --- Content-Security-Policy: nothing leaves the site ----------------------------------------


@pytest.mark.parametrize("kind", ["index", "article", "category", "embed", "seed", "article2"])
def test_no_request_leaves_the_site_and_no_policy_is_violated(
    browser: Any, site: Site, kind: str
) -> None:
    log = PageLog()
    context, page = recorded_page(browser, site, log)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        open_page(page, site.url(kind), theme="dark", size=150)
        policy = page.evaluate(
            """() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')
                 ?.getAttribute('content')"""
        )
        assert policy and "default-src 'none'" in policy and "script-src 'self' 'sha256-" in policy
        assert "unsafe-inline" not in policy and "http" not in policy
        # The settings applied before first paint ran (allowed by its hash).
        assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
        # Use the page: open the settings, play the audio when there is a player.
        if page.locator('[data-vr="play"]').count():
            page.locator('[data-vr="play"]').first.click()
            page.wait_for_timeout(600)
            page.locator('[data-vr="play"]').first.click()
        page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_timeout(300)
        violations = page.evaluate("() => window.__vrCsp")
        console = [m for m in page.vr_console if "Content Security Policy" in m]
        assert violations == [] and console == [], (violations, console)
        assert log.external == [], log.external
        assert requests and all(u.startswith((site.base_url, "data:")) for u in requests), [
            u for u in requests if not u.startswith(site.base_url)
        ]
        assert log.errors == []
    finally:
        context.close()


def test_policy_blocks_what_a_sanitizer_might_miss(browser: Any, site: Site) -> None:
    """An injected inline script or remote image is refused and reported (defence in depth)."""
    log = PageLog()
    context, page = recorded_page(browser, site, log)
    try:
        open_page(page, site.url("article"))
        page.evaluate(
            """() => { const s = document.createElement('script');
                 s.textContent = 'window.__ran = true'; document.body.append(s);
                 const i = document.createElement('img');
                 i.src = 'https://tracker.example/p.gif'; document.body.append(i); }"""
        )
        page.wait_for_timeout(300)
        assert page.evaluate("() => window.__ran === undefined")
        directives = {v["directive"] for v in page.evaluate("() => window.__vrCsp")}
        assert {"script-src-elem", "img-src"} <= directives, directives
        assert log.external == []  # refused by the page before any request was made
    finally:
        context.close()


# --- "Báo đọc sai" -------------------------------------------------------------------------------


@pytest.mark.parametrize("theme", THEMES)
def test_report_link_names_the_sentence_being_played(browser: Any, site: Site, theme: str) -> None:
    from urllib.parse import parse_qs, unquote, urlsplit

    log = PageLog()
    context, page = recorded_page(browser, site, log)
    try:
        open_page(page, site.url("seed"), theme=theme)
        link = page.locator("a[data-vr-report]")
        assert link.inner_text() == "Báo đọc sai"

        def mail() -> tuple[str, dict[str, list[str]]]:
            parts = urlsplit(link.get_attribute("href") or "")
            assert parts.scheme == "mailto"
            return unquote(parts.path), parse_qs(parts.query)

        to, query = mail()
        title = page.evaluate("() => document.querySelector('h1').textContent.trim()")
        assert to == OWNER_EMAIL
        assert query["subject"] == [f"Báo đọc sai: {title}"]
        slug = site.pages["seed"].name
        assert f"Địa chỉ: {PUBLIC_BASE}read/{slug}" in query["body"][0]
        # Move to the third sentence: the e-mail now quotes it.
        page.locator('[data-vr="next"]').click()
        page.locator('[data-vr="next"]').click()
        spoken = page.evaluate("() => document.querySelector('[data-vr=\"now\"]').textContent")
        assert spoken
        _, query = mail()
        assert f"Câu đang đọc: {spoken}" in query["body"][0]
        violations = run_axe(page)
        assert violations == [], f"{theme}:\n{describe_violations(violations)}"
    finally:
        context.close()


# --- subscribing: the QR code ------------------------------------------------------------------


@pytest.mark.parametrize("theme", THEMES)
def test_index_qr_code_names_and_decodes_to_the_feed(
    browser: Any, site: Site, theme: str, tmp_path: Any
) -> None:
    """The QR code as Chromium draws it (a screenshot of the image) scans to the feed."""
    import zxingcpp
    from PIL import Image

    feed = PUBLIC_BASE + "feeds/podcast.xml"
    log = PageLog()
    context, page = recorded_page(browser, site, log)
    try:
        open_page(page, site.url("index"), theme=theme)
        qr = page.locator("figure.vr-qr img")
        assert qr.get_attribute("alt") == f"Mã QR của địa chỉ nguồn tin: {feed}"
        qr.scroll_into_view_if_needed()
        shot = tmp_path / f"qr-{theme}.png"
        qr.screenshot(path=str(shot))
        decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(shot))]
        assert decoded == [feed], decoded
        assert page.locator(".vr-apps dt").all_inner_texts()[:4] == [
            "Apple Podcasts (iPhone, iPad)",
            "Pocket Casts (Android, iPhone)",
            "AntennaPod (Android)",
            "Podcast Addict (Android)",
        ]
        violations = run_axe(page)
        assert violations == [], f"{theme}:\n{describe_violations(violations)}"
        assert log.external == []
    finally:
        context.close()
