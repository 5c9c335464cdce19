"""The real-browser harness: Debian's chromium driven by Playwright, axe-core from PyPI.

One small site is published ONCE per session with the real pipeline (two short Vietnamese
articles in two categories, narrated by espeak, ~40 s of audio each) and served on an
ephemeral 127.0.0.1 port by ``vnreader.publishing.serve``. The site is published for a foreign
``base_url``, so a page works here only if its on-site links are relative, as the markup
contract requires; every request that leaves 127.0.0.1 is aborted and recorded.

Requirements: chromium (``$VNREADER_CHROMIUM``, else ``chromium`` / ``chromium-browser`` on
the PATH), Playwright for Python, and axe-core's ``axe.min.js`` as the PyPI package
``axe-playwright-python`` ships it (the test extra installs it; only its script is used). When
one is missing the browser tests are skipped with the reason, unless
``VNREADER_BROWSER_TESTS=required`` (``.ci/run`` sets it): then every test errors naming
what is missing.

Screenshots go to ``$VNREADER_ARTIFACTS/screenshots/`` (default ``<repo>/test-artifacts``).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: The package of the test extra that ships axe-core's script; only the script is used.
AXE_PACKAGE = "axe_playwright_python"
REQUIRED = os.environ.get("VNREADER_BROWSER_TESTS", "").strip().lower() == "required"

#: The WCAG rule sets the issue asks for: 2.0/2.1/2.2, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]

THEMES = ("light", "dark", "contrast", "auto")
PREFS_KEY = "vnreader:prefs"

#: The site is published for this address, never served from it: absolute on-site links
#: would point here, and the browser may not leave 127.0.0.1.
PUBLIC_BASE = "https://giongrieng.example.gov.vn/podcast/"
PORTAL = "Cổng thông tin điện tử huyện Giồng Riềng"
#: Where the "Báo đọc sai" links of the reading pages write to.
OWNER_EMAIL = "bientap@giongrieng.example.gov.vn"

# Two portal pages in the markup of a SharePoint-style district portal (the profile
# gov-portal-article reads them): own words, two categories, a lead, a heading inside the
# body, one image with its caption. Short on purpose: each narrates in about 40 s.
ARTICLES = {
    "lop-tin-hoc.html": f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>Xã Thạnh Lộc mở lớp tin học miễn phí cho người cao tuổi - {PORTAL}</title></head>
<body><div class="header"><a href="/">{PORTAL}</a></div>
<div class="menu-top"><ul><li><a href="/">Trang chủ</a></li><li><a href="/tin-tuc">Tin tức</a></li>
</ul></div>
<div class="breadcrumb"><a href="/">Trang chủ</a> &gt; <span>Văn hóa - Xã hội</span></div>
<div class="ArticleDetail">
<h1 class="ArticleTitle">Xã Thạnh Lộc mở lớp tin học miễn phí cho người cao tuổi</h1>
<div class="ArticleDate">Cập nhật: 20/11/2026 08:30</div>
<div class="ArticleSummary">Hai mươi người cao tuổi trong xã vừa học xong lớp dùng điện thoại
thông minh.</div>
<div class="ArticleContent">
<p>Lớp học diễn ra tại nhà văn hóa ấp Thạnh Bình trong năm buổi sáng.</p>
<p style="text-align:center"><img src="/anh/lop-hoc.jpg" alt="Các cụ tập gọi video"></p>
<p style="text-align:center"><em>Các cụ tập gọi video cho con cháu.</em></p>
<p><strong>Học cách tránh lừa đảo</strong></p>
<p>Giáo viên hướng dẫn các cụ nhận biết tin nhắn giả mạo. Mỗi học viên được tặng một cuốn
sổ tay.</p>
<p>Xã sẽ mở thêm hai lớp vào tháng sau.</p>
</div>
<div class="ArticleTools"><a href="javascript:window.print()">In bài viết</a></div>
</div>
<div class="footer"><p>Cơ quan chủ quản: Ủy ban nhân dân huyện Giồng Riềng</p></div>
</body></html>
""",
    "dua-luoi.html": f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>Nông dân chuyển sang trồng dưa lưới trong nhà màng - {PORTAL}</title></head>
<body><div class="header"><a href="/">{PORTAL}</a></div>
<div class="breadcrumb"><a href="/">Trang chủ</a> &gt; <span>Kinh tế</span></div>
<div class="ArticleDetail">
<h1 class="ArticleTitle">Nông dân chuyển sang trồng dưa lưới trong nhà màng</h1>
<div class="ArticleDate">Cập nhật: 18/11/2026 14:15</div>
<div class="ArticleSummary">Mô hình mới giúp nông dân có thu nhập ổn định.</div>
<div class="ArticleContent">
<p>Ba hộ dân ở ấp Hòa Lợi đã dựng nhà màng để trồng dưa lưới.</p>
<p><strong>Thu hoạch sau hai tháng</strong></p>
<p>Mỗi vụ cho năng suất khá cao. Thương lái đến tận vườn thu mua.</p>
<p>Hội Nông dân huyện sẽ hỗ trợ vốn cho các hộ muốn làm theo.</p>
</div></div>
<div class="footer"><p>Cơ quan chủ quản: Ủy ban nhân dân huyện Giồng Riềng</p></div>
</body></html>
""",
}

#: Text of the first article that its read page must show (with or without JavaScript).
ARTICLE_TEXT = (
    "Xã Thạnh Lộc mở lớp tin học miễn phí cho người cao tuổi",
    "Hai mươi người cao tuổi trong xã vừa học xong lớp dùng điện thoại thông minh.",
    "Lớp học diễn ra tại nhà văn hóa ấp Thạnh Bình trong năm buổi sáng.",
    "Học cách tránh lừa đảo",
    "Giáo viên hướng dẫn các cụ nhận biết tin nhắn giả mạo.",
    "Mỗi học viên được tặng một cuốn sổ tay.",
    "Xã sẽ mở thêm hai lớp vào tháng sau.",
    "Các cụ tập gọi video cho con cháu.",
)
ARTICLE_SLUG = "xa-thanh-loc-mo-lop-tin-hoc-mien-phi-cho-nguoi-cao-tuoi"

#: The seed article (a real district portal's page, tests/fixtures/pages): its text is full
#: of the abbreviations the narration expands (BCH, HU, HĐND, UBND, BCĐ, đ/c).
SEED_SOURCE = ROOT / "tests" / "fixtures" / "pages" / "tanhiep_seed.html"
#: The start of its slug (slugs of long titles are shortened).
SEED_SLUG = "huyen-tan-hiep-hoi-nghi-bch-huyen-uy"

PAGE_KINDS = ("index", "article", "category", "embed")


# --------------------------------------------------------------------------- requirements


def find_chromium() -> str | None:
    explicit = os.environ.get("VNREADER_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _missing() -> list[str]:
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("Playwright for Python (pip install -e '.[test]')")
    if find_chromium() is None:
        where = os.environ.get("VNREADER_CHROMIUM")
        missing.append(
            f"chromium (VNREADER_CHROMIUM={where} is not a file)"
            if where
            else "chromium (apt-get install chromium, or set VNREADER_CHROMIUM)"
        )
    if axe_script() is None:
        missing.append(f"axe-core (the {AXE_PACKAGE} package: pip install -e '.[test]')")
    return missing


@functools.cache
def axe_script() -> str | None:
    """axe-core's ``axe.min.js`` from the installed package, or None when it is missing."""
    try:
        script = resources.files(AXE_PACKAGE) / "axe.min.js"
    except ModuleNotFoundError:
        return None
    return script.read_text("utf-8") if script.is_file() else None


@pytest.fixture(scope="session", autouse=True)
def _browser_requirements() -> None:
    missing = _missing()
    if not missing:
        return
    reason = "browser tests need " + "; ".join(missing)
    if REQUIRED:
        pytest.fail(f"VNREADER_BROWSER_TESTS=required but {reason}", pytrace=False)
    pytest.skip(reason)


# --------------------------------------------------------------------------- artifacts


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """``$VNREADER_ARTIFACTS`` or ``<repo>/test-artifacts``, with ``screenshots/`` inside."""
    folder = Path(os.environ.get("VNREADER_ARTIFACTS") or ROOT / "test-artifacts")
    (folder / "screenshots").mkdir(parents=True, exist_ok=True)
    return folder


# --------------------------------------------------------------------------- the site


@dataclass
class Site:
    out: Path
    base_url: str  # http://127.0.0.1:PORT/
    pages: dict[str, Path] = field(default_factory=dict)

    def url(self, kind: str) -> str:
        """The address of one page kind (index, article, article2, category, embed)."""
        path = self.pages.get(kind)
        if path is None or not path.is_file():
            wanted = {
                "index": "read/index.html",
                "article": f"read/{ARTICLE_SLUG}.html",
                "article2": "a second read/<slug>.html",
                "category": "read/chuyen-muc/<category>.html",
                "embed": f"embed/{ARTICLE_SLUG}.html",
                "seed": f"read/{SEED_SLUG}….html",
            }[kind]
            pytest.fail(f"the published site has no {kind} page ({wanted})", pytrace=False)
        return self.base_url + path.relative_to(self.out).as_posix()


def _publish(src: Path, out: Path) -> None:
    from vnreader.config import Settings
    from vnreader.publishing.pipeline import publish

    sources = []
    for name, html in ARTICLES.items():
        (src / name).write_text(html, "utf-8")
        sources.append(str(src / name))
    (src / "tanhiep_seed.html").write_bytes(SEED_SOURCE.read_bytes())
    sources.append(str(src / "tanhiep_seed.html"))
    settings = Settings(
        portal_name=PORTAL, base_url=PUBLIC_BASE, engine="espeak", owner_email=OWNER_EMAIL
    )
    report = publish(sources, out, settings)
    assert not report.failed, f"publishing the test site failed: {report.failed}"


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The published site, served on 127.0.0.1 for the whole session."""
    from vnreader.publishing.serve import make_server

    root = tmp_path_factory.mktemp("browser-site")
    out = root / "site"
    (root / "src").mkdir()
    _publish(root / "src", out)

    server = make_server(out, "127.0.0.1", 0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    read = out / "read"
    seeds = sorted(read.glob(f"{SEED_SLUG}*.html"))
    others = sorted(
        p for p in read.glob("*.html") if p.stem not in ("index", ARTICLE_SLUG) and p not in seeds
    )
    categories = sorted((read / "chuyen-muc").glob("*.html"))
    pages = {
        "index": read / "index.html",
        "article": read / f"{ARTICLE_SLUG}.html",
        "embed": out / "embed" / f"{ARTICLE_SLUG}.html",
    }
    if others:
        pages["article2"] = others[0]
    if seeds:
        pages["seed"] = seeds[0]
    if categories:
        pages["category"] = categories[0]
    try:
        yield Site(out=out, base_url=base, pages=pages)
    finally:
        server.shutdown()
        server.server_close()


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def playwright_instance(_browser_requirements: None) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance: Any) -> Iterator[Any]:
    chromium = find_chromium()
    browser = playwright_instance.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


@dataclass
class PageLog:
    """What a page did that a test may want to see: requests that tried to leave the
    local site (aborted) and uncaught script errors."""

    external: list[tuple[str, str]] = field(default_factory=list)  # (resource type, URL)
    errors: list[str] = field(default_factory=list)


def new_context(browser: Any, site: Site, log: PageLog | None = None, **options: Any) -> Any:
    """A fresh context (own localStorage) whose requests stay on the local site."""
    options.setdefault("viewport", {"width": 1280, "height": 900})
    options.setdefault("locale", "vi-VN")
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)
    local = urlsplit(site.base_url).netloc

    def route(route: Any) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob") or parts.netloc == local:
            route.continue_()
        else:
            if log is not None:
                log.external.append((route.request.resource_type, url))
            route.abort()

    context.route("**/*", route)
    return context


def watch(page: Any, log: PageLog) -> None:
    page.on("pageerror", lambda exc: log.errors.append(str(exc)))


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def page(browser: Any, site: Site, page_log: PageLog) -> Iterator[Any]:
    """A page in a new context (1280×900, vi-VN), requests confined to the local site."""
    context = new_context(browser, site, page_log)
    page = context.new_page()
    watch(page, page_log)
    try:
        yield page
    finally:
        context.close()


# --------------------------------------------------------------------------- helpers


def set_prefs(page: Any, **prefs: Any) -> None:
    """Write the reader's prefs into localStorage before every navigation of ``page``
    (the contract's way for a test to choose theme, size, spacing, measure)."""
    page.add_init_script(
        f"try {{ localStorage.setItem({json.dumps(PREFS_KEY)}, "
        f"{json.dumps(json.dumps(prefs))}); }} catch (e) {{}}"
    )


def applied(page: Any) -> dict[str, Any]:
    """The prefs as the page applied them on <html>."""
    return page.evaluate(
        """() => {
          const h = document.documentElement;
          const scale = getComputedStyle(h).getPropertyValue('--vr-scale').trim()
            || h.style.getPropertyValue('--vr-scale').trim();
          return {theme: h.dataset.theme || null, spacing: h.dataset.spacing || null,
                  measure: h.dataset.measure || null, scale: scale || null};
        }"""
    )


def open_page(
    page: Any,
    url: str,
    *,
    theme: str | None = None,
    size: int | None = None,
    check_size: bool = True,
    **more: Any,
) -> None:
    """Navigate with the given prefs and check the page applied them (data-theme, --vr-scale)."""
    prefs: dict[str, Any] = dict(more)
    if theme is not None:
        prefs["theme"] = theme
    if size is not None:
        prefs["size"] = size  # percent, as the contract's prefs store it
    if prefs:
        set_prefs(page, **prefs)
    page.goto(url, wait_until="load")
    page.evaluate("() => document.fonts.ready.then(() => true)")
    got = applied(page)
    if theme is not None:
        assert got["theme"] == theme, (
            f"prefs theme={theme!r} but <html data-theme> is {got['theme']!r} on {url}"
        )
    if size is not None and check_size:
        scale = float(got["scale"] or 1)  # no --vr-scale: 100 %
        assert abs(scale - size / 100) < 0.01, (
            f"prefs size={size} % but --vr-scale is {got['scale']!r} on {url}"
        )


def run_axe(page: Any, context: str = "document") -> list[dict[str, Any]]:
    """axe-core's violations of the WCAG 2.2 A/AA rules, each summarized as
    {id, impact, help, nodes: [first targets…], count}."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated by the test harness (DevTools), not added as a <script>: the pages'
        # Content-Security-Policy rightly refuses a script that is not the site's own.
        page.evaluate(f"{axe_script()}\n;undefined")
    raw = page.evaluate(
        """async ([ctx, tags]) => {
          const result = await axe.run(ctx === 'document' ? document : ctx,
            {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
          return result.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
            nodes: v.nodes.slice(0, 3).map(n => ({
              target: n.target.join(' '),
              summary: (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 300)}))}));
        }""",
        [context, AXE_TAGS],
    )
    return raw


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}, {v['count']} nodes): {v['help']}")
        for node in v["nodes"]:
            lines.append(f"    {node['target']}: {node['summary']}")
    return "\n".join(lines)


@pytest.fixture(params=PAGE_KINDS)
def page_kind(request: pytest.FixtureRequest) -> str:
    return request.param
