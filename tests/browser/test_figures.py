"""Photos where they stand in the article, in a real Chromium: a small site published with
the real pipeline from a portal on 127.0.0.1 whose article has a photo between its
paragraphs (caption in a centred italic paragraph of its own, as district portals write
it) and one after the last paragraph. The figure sits between the right paragraphs, its
photo is the site's own copy, its caption's sentence is highlighted in turn with the
narration, and axe-core finds nothing in any theme, at 100 % and 300 % text."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import (
    THEMES,
    PageLog,
    Site,
    describe_violations,
    new_context,
    open_page,
    run_axe,
    watch,
)
from tests.publish_portal import MiniPortal

TITLE = "Xã ra quân làm sạch kênh rạch"
PARAGRAPHS = (
    "Sáng nay, hơn hai trăm người dân tham gia ra quân.",
    "Mỗi ấp nhận một đoạn kênh để vớt rác.",
    "Xã sẽ duy trì việc này mỗi tháng một lần.",
)
CAPTION = "Thanh niên vớt rác trên kênh Xẻo Đước."
LAST_CAPTION = "Kênh Xẻo Đước sau buổi ra quân (Ảnh: Minh Anh)"


def _jpeg(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def _article_html() -> str:
    p1, p2, p3 = PARAGRAPHS
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{TITLE} - Cổng thông tin xã</title></head>
<body><div class="header"><a href="/">Cổng thông tin điện tử xã Tân Hiệp</a></div>
<div class="breadcrumb"><a href="/">Trang chủ</a> &gt; <span>Môi trường</span></div>
<div class="ArticleDetail"><h1 class="ArticleTitle">{TITLE}</h1>
<div class="ArticleDate">(20/12/2019 08:00)</div>
<div class="ArticleContent">
<p>{p1}</p>
<p style="text-align:center"><img src="/anh/vot-rac.jpg" alt="vot-rac" width="800"></p>
<p style="text-align:center"><em>{CAPTION}</em></p>
<p>{p2}</p>
<p>{p3}</p>
<figure><img src="/anh/sau-ra-quan.jpg" alt=""><figcaption>{LAST_CAPTION}</figcaption></figure>
</div></div>
<div class="footer"><p>Cơ quan chủ quản: Ủy ban nhân dân xã Tân Hiệp</p></div>
</body></html>
"""


@pytest.fixture(scope="module")
def figure_site(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Iterator[Site]:
    """The article published from the portal (images fetched into the site), served."""
    from vnreader.config import Settings
    from vnreader.publishing.pipeline import publish
    from vnreader.publishing.serve import make_server

    portal = MiniPortal()
    path = "/tin-tuc/ra-quan-4000.html"
    portal.files[path] = (_article_html().encode(), "text/html; charset=utf-8")
    portal.files["/anh/vot-rac.jpg"] = (_jpeg(1600, 1067, (40, 110, 60)), "image/jpeg")
    portal.files["/anh/sau-ra-quan.jpg"] = (_jpeg(1200, 800, (60, 90, 140)), "image/jpeg")
    portal.listed.insert(0, path)
    out = tmp_path_factory.mktemp("figure-site") / "site"
    try:
        settings = Settings(
            portal_name="Cổng thông tin điện tử xã Tân Hiệp",
            base_url="https://tanhiep.example.gov.vn/nghe/",
            engine="espeak",
        )
        report = publish([portal.base_url + path], out, settings)
        assert not report.failed, report.failed
    finally:
        portal.stop()
    server = make_server(out, "127.0.0.1", 0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    pages = [p for p in (out / "read").glob("*.html") if p.stem != "index"]
    assert len(pages) == 1, pages
    try:
        yield Site(
            out=out,
            base_url=f"http://127.0.0.1:{server.server_address[1]}/",
            pages={"article": pages[0]},
        )
    finally:
        server.shutdown()
        server.server_close()


BODY_JS = """() => [...document.querySelectorAll('.vr-body > *')].map(el => {
  if (el.tagName === 'FIGURE') {
    const img = el.querySelector('img');
    const cap = el.querySelector('figcaption');
    const box = img ? img.getBoundingClientRect() : null;
    return {tag: 'figure', caption: cap ? cap.textContent.trim() : '',
            src: img ? img.getAttribute('src') : null, loaded: img ? img.naturalWidth : 0,
            width: box ? box.width : 0,
            column: el.parentElement.getBoundingClientRect().width};
  }
  return {tag: el.tagName.toLowerCase(), text: el.textContent.trim()};
})"""


def test_figure_between_its_paragraphs_and_the_photo_from_the_site(
    browser: Any, figure_site: Site
) -> None:
    log = PageLog()
    context = new_context(browser, figure_site, log)
    try:
        page = context.new_page()
        watch(page, log)
        open_page(page, figure_site.url("article"))
        page.evaluate(
            "() => Promise.all([...document.images].map(i => i.decode().catch(() => null)))"
        )
        body = page.evaluate(BODY_JS)
        assert [(b["tag"], b.get("text") or b.get("caption")) for b in body] == [
            ("p", PARAGRAPHS[0]),
            ("figure", CAPTION),
            ("p", PARAGRAPHS[1]),
            ("p", PARAGRAPHS[2]),
            ("figure", LAST_CAPTION),
        ]
        for figure in (body[1], body[4]):
            assert figure["src"].startswith("../images/"), figure
            assert figure["loaded"] > 0, figure  # the site's own copy, decoded
            assert 0 < figure["width"] <= figure["column"] + 0.5  # never wider than the text
        # the caption paragraph of the portal is the caption only, not also body text
        assert sum(CAPTION in (b.get("text") or "") for b in body) == 0
        assert log.external == [] and log.errors == []
    finally:
        context.close()


def test_caption_sentence_highlighted_in_turn(browser: Any, figure_site: Site) -> None:
    context = new_context(browser, figure_site)
    try:
        page = context.new_page()
        open_page(page, figure_site.url("article"))
        page.wait_for_selector(".vr-ready", state="attached")
        spans = page.evaluate(
            """() => [...document.querySelectorAll('.vr-s[data-start]')].map(s => ({
                 text: s.textContent.trim(), start: parseFloat(s.dataset.start),
                 inFigure: !!s.closest('figure')}))"""
        )
        starts = [s["start"] for s in spans]
        assert starts == sorted(starts)
        texts = [s["text"] for s in spans]
        caption = texts.index(CAPTION)
        assert spans[caption]["inFigure"]
        assert texts.index(PARAGRAPHS[0]) < caption < texts.index(PARAGRAPHS[1])
        # the last caption is read after the last paragraph; its credit is not read
        last = texts.index("Kênh Xẻo Đước sau buổi ra quân")
        assert spans[last]["inFigure"] and last > texts.index(PARAGRAPHS[2])
        # playing from the caption's cue highlights the caption's sentence
        start = spans[caption]["start"]
        page.evaluate(
            """(t) => { const a = document.querySelector('audio'); a.muted = true;
                        a.currentTime = t + 0.05; return a.play(); }""",
            start,
        )
        page.wait_for_function(
            """(text) => { const s = document.querySelector('.vr-s.vr-now');
                           return s && s.textContent.trim() === text; }""",
            arg=CAPTION,
            timeout=10_000,
        )
        now = page.locator(".vr-s.vr-now")
        assert now.evaluate("s => !!s.closest('figcaption')")
        page.evaluate("() => document.querySelector('audio').pause()")
    finally:
        context.close()


@pytest.mark.parametrize("size", [100, 300])
@pytest.mark.parametrize("theme", THEMES)
def test_no_axe_violations_with_figures(
    browser: Any, figure_site: Site, theme: str, size: int
) -> None:
    context = new_context(browser, figure_site)
    try:
        page = context.new_page()
        open_page(page, figure_site.url("article"), theme=theme, size=size)
        assert page.locator(".vr-body figure img").count() == 2
        violations = run_axe(page)
        assert not violations, f"theme {theme}, {size} %:\n" + describe_violations(violations)
    finally:
        context.close()


def test_site_images_are_stored(figure_site: Site) -> None:
    stored = sorted(p.name for p in (figure_site.out / "images").iterdir())
    assert len(stored) == 2 and all(Path(n).suffix in (".jpg", ".png") for n in stored)
