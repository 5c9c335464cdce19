"""The large-print pages as HTML (no browser): escaping, sentence cues, links, budget, embed.

The browser-side promises (axe, reflow, keyboard, highlight) are in tests/browser/.
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from vnreader import Article, Block, Image, Normalizer
from vnreader.cli import main
from vnreader.config import Settings
from vnreader.errors import VnreaderError
from vnreader.publishing.artwork import font_path
from vnreader.publishing.assets import FONT_FILES, STATIC_FILES, write_assets
from vnreader.publishing.catalog import ArticleRow, NarrationRow
from vnreader.publishing.feed import FeedItem
from vnreader.publishing.pages import (
    SiteContext,
    article_key,
    embed_snippet,
    read_chapters,
    read_vtt,
    render_article,
    render_category,
    render_embed,
    render_index,
)
from vnreader.speech.formats import webvtt
from vnreader.speech.model import Cue
from vnreader.speech.script import build_script

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "tests" / "fixtures" / "pages"
BASE = "https://nghe.example.gov.vn/tin/"
SETTINGS = Settings(portal_name="Cổng thông tin điện tử huyện Tân Hiệp", base_url=BASE)
FEEDS = (
    (SETTINGS.portal_name, BASE + "feeds/podcast.xml"),
    (f"{SETTINGS.portal_name} — Bản tin trong ngày", BASE + "feeds/digest.xml"),
    (f"{SETTINGS.portal_name} — Kinh tế", BASE + "feeds/kinh-te.xml"),
)
#: The article page with its CSS and JS, fonts and audio aside (issue 7's budget).
PAGE_BUDGET = 100_000


def site(**categories: str) -> SiteContext:
    return SiteContext(
        settings=SETTINGS,
        asset_version="0123456789",
        feeds=FEEDS,
        opml_url=BASE + "feeds/podcasts.opml",
        category_pages=dict(categories) or {"Kinh tế": "kinh-te.html"},
    )


def narrate_fake(article: Article, audio: Path, stem: str = "bai") -> NarrationRow:
    """The transcript and chapters the narration would write, with made-up times."""
    script = build_script(article, normalizer=Normalizer())
    cues, t = [], 0
    for segment in script.segments:
        for utt in segment.utterances:
            cues.append(Cue(t, t + 1500, utt.written))
            t += 2000
    audio.mkdir(parents=True, exist_ok=True)
    (audio / f"{stem}.vtt").write_text(webvtt(cues), "utf-8")
    chapters = {
        "version": "1.2.0",
        "chapters": [{"startTime": 0, "title": "Mở đầu"}, {"startTime": 4, "title": "Phần hai"}],
    }
    (audio / f"{stem}.chapters.json").write_text(json.dumps(chapters), "utf-8")
    return NarrationRow(
        "espeak",
        "vi",
        100,
        f"{stem}.mp3",
        2_345_678,
        t,
        "k",
        f"{stem}.vtt",
        f"{stem}.chapters.json",
    )


def row_for(article: Article, narration: NarrationRow, slug: str = "bai") -> ArticleRow:
    return ArticleRow(
        id=1,
        source=article.url or "file:///bai.html",
        guid="g",
        content_hash="c",
        page_hash=None,
        slug=slug,
        title=article.title,
        published=article.published.isoformat() if article.published else None,
        category=article.category,
        author=article.author,
        lead=article.lead,
        article_json=json.dumps(article.to_dict(), ensure_ascii=False),
        first_seen="2026-11-20T00:00:00+00:00",
        updated="2026-11-20T00:00:00+00:00",
        narration=narration,
    )


def item_for(row: ArticleRow) -> FeedItem:
    assert row.narration is not None
    return FeedItem(
        guid=row.guid,
        title=row.title,
        description=row.lead or row.title,
        link=BASE + f"read/{row.slug}.html",
        published=datetime.fromisoformat(row.published or "2026-11-20T08:00:00+07:00"),
        enclosure_url=BASE + f"audio/{row.narration.file}",
        enclosure_length=row.narration.bytes,
        duration_s=row.narration.duration_ms // 1000,
    )


ARTICLE = Article(
    title="Huyện ủy Tân Hiệp sơ kết 6 tháng đầu năm 2026",
    lead="Sáng 20/11/2026, BCH Huyện ủy họp sơ kết. Đ/c Bí thư chủ trì.",
    published=datetime.fromisoformat("2026-11-20T08:30:00+07:00"),
    author="Minh Anh",
    category="Kinh tế",
    blocks=(
        Block("paragraph", "Tổng thu ngân sách đạt 95% kế hoạch. Chi ngân sách bảo đảm."),
        Block("heading", "Nhiệm vụ cuối năm"),
        Block("paragraph", "Huyện tập trung thu hoạch lúa Thu Đông."),
    ),
    images=(
        Image("/anh/hoinghi.jpg", "Quang cảnh hội nghị"),  # relative to the article's address
        Image(None, None),
    ),
    url="https://tanhiep.example.gov.vn/tin/so-ket.html",
)


@pytest.fixture
def article_page(tmp_path: Path) -> str:
    narration = narrate_fake(ARTICLE, tmp_path / "audio")
    row = row_for(ARTICLE, narration)
    data = render_article(row, site=site(), audio_dir=tmp_path / "audio")
    return data.decode("utf-8")


class Outline(HTMLParser):
    """Tags, attributes and landmarks of a page, for structural assertions."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def outline(page: str) -> Outline:
    parser = Outline()
    parser.feed(page)
    return parser


# --- transcript and chapters -----------------------------------------------------------------


def test_read_vtt_reads_what_the_narration_writes(tmp_path: Path) -> None:
    cues = [Cue(0, 1500, "Giá 5 < 7 & 9 > 3."), Cue(3_725_250, 3_726_000, "Hết.")]
    (tmp_path / "a.vtt").write_text(webvtt(cues), "utf-8")
    got = read_vtt(tmp_path / "a.vtt")
    assert [(c.ident, c.start, c.end, c.text) for c in got] == [
        ("1", 0.0, 1.5, "Giá 5 < 7 & 9 > 3."),
        ("2", 3725.25, 3726.0, "Hết."),
    ]
    assert read_vtt(tmp_path / "missing.vtt") == []


def test_read_chapters(tmp_path: Path) -> None:
    doc = {"version": "1.2.0", "chapters": [{"startTime": 0, "title": "A"}, {"startTime": 9.5}]}
    (tmp_path / "c.json").write_text(json.dumps(doc), "utf-8")
    assert read_chapters(tmp_path / "c.json") == [(0.0, "A")]
    (tmp_path / "bad.json").write_text("{", "utf-8")
    assert read_chapters(tmp_path / "bad.json") == []


# --- the article page --------------------------------------------------------------------------


def test_every_displayed_sentence_carries_its_cue(article_page: str, tmp_path: Path) -> None:
    cues = {c.text: c for c in read_vtt(tmp_path / "audio" / "bai.vtt")}
    spans = [
        (ident, start, end, html.unescape(re.sub(r"<[^>]+>", "", inner)))
        for ident, start, end, inner in re.findall(
            r'<span class="vr-s" data-cue="(\d+)" data-start="([\d.]+)" '
            r'data-end="([\d.]+)">(.*?)</span>',
            article_page,
        )
    ]
    shown = {text for *_, text in spans}
    # Title, lead (two sentences), body (four), caption, author line: all highlighted.
    for sentence in (
        ARTICLE.title,
        "Sáng 20/11/2026, BCH Huyện ủy họp sơ kết.",
        "Đ/c Bí thư chủ trì.",
        "Tổng thu ngân sách đạt 95% kế hoạch.",
        "Chi ngân sách bảo đảm.",
        "Nhiệm vụ cuối năm",
        "Huyện tập trung thu hoạch lúa Thu Đông.",
        "Quang cảnh hội nghị",
        "Bài: Minh Anh",
    ):
        assert sentence in shown, sentence
    for ident, start, end, text in spans:
        cue = cues.get(text) or cues[f"Ảnh: {text}"]  # a caption is read "Ảnh: …"
        assert (ident, float(start), float(end)) == (cue.ident, cue.start, cue.end)
    starts = [float(start) for _, start, _, _ in spans]
    assert starts == sorted(starts)  # reading order is spoken order


def abbrs(page: str) -> list[tuple[str, str]]:
    """(written, title) of every ``<abbr>`` of a page, in order."""
    return [
        (html.unescape(written), html.unescape(title))
        for title, written in re.findall(r'<abbr title="([^"]*)" tabindex="0">([^<]*)</abbr>', page)
    ]


def test_abbreviations_are_marked_with_what_the_voice_says(article_page: str) -> None:
    marks = abbrs(article_page)
    assert ("BCH", "Ban Chấp hành") in marks
    assert any(w == "Đ/c" and t.casefold() == "đồng chí" for w, t in marks), marks
    # Every mark sits inside the sentence span the highlight wraps.
    for sentence in re.findall(r'<span class="vr-s"[^>]*>(.*?)</span>', article_page):
        assert sentence.count("<abbr") == sentence.count("</abbr>")
    assert len(re.findall(r"<abbr\b", article_page)) == len(marks)
    # Numbers and dates are read, not abbreviations: never marked.
    assert not any(w.isdigit() or ("/" in w and w[0].isdigit()) for w, _ in marks)


def test_seed_article_marks_each_abbreviation_the_narration_expands(tmp_path: Path) -> None:
    """The seed article: the page's titles are the normalizer's own expansions, one per
    abbreviation it expands in the text (counted by the normalizer's spans)."""
    from vnreader import extract_article

    article = extract_article(str(PAGES / "tanhiep_seed.html"))
    narration = narrate_fake(article, tmp_path / "audio")
    page = render_article(row_for(article, narration), site=site(), audio_dir=tmp_path / "audio")
    marks = abbrs(page.decode("utf-8"))
    titles = dict(marks)
    normalizer = Normalizer(dialect=SETTINGS.dialect)
    for written in ("BCH", "HU", "HĐND", "UBND", "BCĐ", "đ/c"):
        spoken = next(
            r.spoken for r in normalizer.explain(f"các {written} huyện") if r.written == written
        )
        assert titles.get(written) == spoken, (written, titles)
    assert titles["HU"] == "Huyện ủy" and titles["HĐND"] == "Hội đồng nhân dân"
    expected = sum(
        1
        for block in article.blocks
        for r in normalizer.explain(block.text)
        if r.cls == "abbreviations"
    )
    body = page.decode("utf-8").split('<div class="vr-body">')[1].split("</div>")[0]
    assert len(abbrs(body)) == expected > 6


def test_abbreviation_titles_follow_the_lexicon(tmp_path: Path) -> None:
    """A lexicon entry for a written abbreviation wins over the built-in reading, as in the
    narration: the page then shows no stale expansion for it."""
    lexicon = tmp_path / "lex.tsv"
    lexicon.write_text("BCH\tbê xê hát\n", "utf-8")
    settings = Settings(portal_name=SETTINGS.portal_name, base_url=BASE, lexicon=lexicon)
    ctx = SiteContext(
        settings=settings,
        asset_version="0123456789",
        feeds=FEEDS,
        opml_url=BASE + "feeds/podcasts.opml",
        category_pages={"Kinh tế": "kinh-te.html"},
    )
    narration = narrate_fake(ARTICLE, tmp_path / "audio")
    row = row_for(ARTICLE, narration)
    page = render_article(row, site=ctx, audio_dir=tmp_path / "audio").decode("utf-8")
    assert "BCH" not in dict(abbrs(page))
    assert "BCH Huyện ủy" in page
    assert article_key(row, ctx) != article_key(row, site())


def test_hostile_abbreviation_title_is_escaped() -> None:
    from vnreader.publishing.pages import Abbreviations

    marked = Abbreviations("north").html('UBND "<b>" xã')
    assert marked.startswith('<abbr title="Ủy ban nhân dân" tabindex="0">UBND</abbr>')
    assert "<b>" not in marked and "&lt;b&gt;" in marked


def test_article_page_structure(article_page: str) -> None:
    page = outline(article_page)
    assert page.all("html")[0]["lang"] == "vi"
    assert len(page.all("h1")) == 1
    assert page.all("main")[0]["id"] == "main"
    assert any(a.get("href") == "#main" for a in page.all("a"))  # skip link
    assert len(page.all("article")) == 1 and page.all("footer") and page.all("header")
    assert page.all("time")[0]["datetime"] == "2026-11-20T08:30:00+07:00"
    assert "Đăng lúc 08:30, ngày 20/11/2026" in article_page
    assert page.all("figure") and "<figcaption>" in article_page
    assert re.search(r"<title>Huyện ủy Tân Hiệp sơ kết .* — Cổng thông tin", article_page)
    # The player: a native <audio> with captions underneath; the enhanced controls start
    # hidden, so the page works without JavaScript.
    audio = page.all("audio")[0]
    assert "controls" in audio and audio["preload"] == "metadata" and "autoplay" not in audio
    assert page.all("track")[0]["kind"] == "captions"
    assert any(d.get("class") == "vr-controls" and "hidden" in d for d in page.all("div"))
    labels = {b.get("data-vr") for b in page.all("button")}
    assert {"play", "back", "forward", "prev", "next", "chapter"} <= labels
    seek = next(i for i in page.all("input") if i.get("data-vr") == "seek")
    assert seek["type"] == "range" and seek["aria-valuetext"] == "không giây"
    speeds = [o["value"] for o in page.all("option")]
    assert speeds == ["0.75", "1", "1.25", "1.5", "1.75", "2"]
    download = next(a for a in page.all("a") if a.get("data-vr") == "download")
    assert download["href"] == "../audio/bai.mp3" and "download" in download
    assert "2,3 MB" in article_page


def test_portal_text_cannot_inject_markup(tmp_path: Path) -> None:
    hostile = Article(
        title='Tin <script>alert("x")</script> nóng',
        lead="<img src=x onerror=alert(1)> Dẫn & nhập.",
        category='Kinh tế"><script>alert(2)</script>',
        author="<b>Ai</b>",
        blocks=(Block("paragraph", 'Câu một. <a href="javascript:alert(3)">bấm</a>'),),
        images=(
            Image("javascript:alert(4)", "Chú thích <i>ảnh</i>"),
            Image('https://x.example/a.jpg" onerror="alert(5)', None),
        ),
        url="javascript:alert(6)",
    )
    narration = narrate_fake(hostile, tmp_path / "audio")
    row = row_for(hostile, narration)
    item = item_for(row)
    cats = {hostile.category or "": "kinh-te.html"}
    pages = [
        render_article(row, site=site(**cats), audio_dir=tmp_path / "audio"),
        render_embed(row, site=site(**cats), audio_dir=tmp_path / "audio"),
        render_index([(row, item)], site=site(**cats)),
        render_category(hostile.category or "", [(row, item)], site=site(**cats)),
    ]
    for data in pages:
        text = data.decode("utf-8")
        assert "<script>alert" not in text and "<img src=x" not in text
        assert "<b>Ai</b>" not in text and "<i>ảnh</i>" not in text
        for tag, attrs in outline(text).tags:
            assert not any(name.startswith("on") for name in attrs), (tag, attrs)
            for name in ("href", "src"):
                assert not (attrs.get(name) or "").startswith("javascript:"), (tag, attrs)
        # Each page has exactly its own two scripts (the settings line and vnreader.js).
        assert len(re.findall(r"<script\b", text)) == 2
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in pages[2].decode() or (
        "&lt;script&gt;" in pages[2].decode()
    )


def test_no_third_party_resources(article_page: str) -> None:
    """Styles, scripts, fonts and audio come from the site itself (no CDN, no font service)."""
    page = outline(article_page)
    loaded = [
        *(s["src"] for s in page.all("script") if s.get("src")),
        *(link["href"] for link in page.all("link") if link.get("rel") in ("stylesheet", "icon")),
        *(a["src"] for a in page.all("audio")),
        *(t["src"] for t in page.all("track")),
    ]
    assert loaded and all(u and not urlsplit(u).netloc for u in loaded), loaded
    css = (ROOT / "vnreader" / "publishing" / "static" / "vnreader.css").read_text("utf-8")
    assert "@import" not in css
    for url in re.findall(r"url\(([^)]*)\)", css):
        assert not urlsplit(url.strip("\"'")).netloc, url
    js = (ROOT / "vnreader" / "publishing" / "static" / "vnreader.js").read_text("utf-8")
    assert not re.search(r"https?://", js)
    # Photos too are served from the site (fetched at publish time) or left out: the portal's
    # photo, which cannot be fetched here, is not linked from its servers.
    assert not [i["src"] for i in page.all("img") if urlsplit(i["src"]).netloc]


def test_large_print_defaults_in_the_stylesheet() -> None:
    """Body ≥ 1.25 rem, line height ≥ 1.5, measure ≤ 70 characters; no fixed pixel fonts."""
    css = (ROOT / "vnreader" / "publishing" / "static" / "vnreader.css").read_text("utf-8")
    body = re.search(r"\nbody \{([^}]*)\}", css)
    assert body
    size = float(re.search(r"font-size: ([\d.]+)rem", body[1])[1])  # type: ignore[index]
    height = float(re.search(r"line-height: ([\d.]+)", body[1])[1])  # type: ignore[index]
    assert size >= 1.25 and height >= 1.5
    measure = re.search(r"main, \.vr-header, \.vr-footer \{ max-width: (\d+)ch", css)
    assert measure and int(measure[1]) <= 70
    assert not re.search(r"font-size:\s*\d+px", css)


# --- index, category, embed -------------------------------------------------------------------


def test_index_and_category_pages(tmp_path: Path) -> None:
    rows = []
    for n, (category, day) in enumerate([("Kinh tế", 20), ("Xã hội", 21), ("Kinh tế", 22)]):
        article = Article(
            title=f"Tin số {n + 1}",
            lead="Dẫn nhập.",
            published=datetime.fromisoformat(f"2026-11-{day}T08:00:00+07:00"),
            category=category,
            blocks=(Block("paragraph", "Nội dung."),),
        )
        narration = narrate_fake(article, tmp_path / "audio", stem=f"tin-{n}")
        row = row_for(article, narration, slug=f"tin-{n}")
        rows.append((row, item_for(row)))
    rows.reverse()  # newest first, as the pipeline orders them
    ctx = site(**{"Kinh tế": "kinh-te.html", "Xã hội": "xa-hoi.html"})
    index = render_index(rows, site=ctx).decode("utf-8")
    assert [m for m in re.findall(r'<a href="../read/(tin-\d).html">', index)] == [
        "tin-2",
        "tin-1",
        "tin-0",
    ]
    assert '<a href="../read/chuyen-muc/kinh-te.html">Kinh tế</a> (2 tin)' in index
    for _, url in FEEDS:
        assert f'href="{url}"' in index
    assert 'href="podcast://nghe.example.gov.vn/tin/feeds/podcast.xml"' in index
    assert 'href="https://nghe.example.gov.vn/tin/feeds/podcasts.opml"' in index
    kinh_te = [(r, i) for r, i in rows if r.category == "Kinh tế"]
    page = render_category("Kinh tế", kinh_te, site=ctx).decode("utf-8")
    assert "<h1>Chuyên mục: Kinh tế</h1>" in page
    assert re.findall(r'<a href="../../read/(tin-\d).html">', page) == ["tin-2", "tin-0"]
    assert f'href="{BASE}feeds/kinh-te.xml"' in page  # the category's own feed
    assert 'href="../../static/vnreader.css?v=0123456789"' in page


def test_embed_page_is_the_player_alone(tmp_path: Path) -> None:
    narration = narrate_fake(ARTICLE, tmp_path / "audio")
    row = row_for(ARTICLE, narration)
    page = render_embed(row, site=site(), audio_dir=tmp_path / "audio")
    text = page.decode("utf-8")
    tree = outline(text)
    assert len(tree.all("h1")) == 1 and len(tree.all("audio")) == 1
    assert not tree.all("header") and "vr-settings" not in text
    assert text.count('class="vr-s"') == len(read_vtt(tmp_path / "audio" / "bai.vtt"))
    assert '<a href="../read/bai.html" target="_blank" rel="noopener">' in text


def test_embed_snippet() -> None:
    html = embed_snippet(BASE + "embed/bai.html", 'Tin "nóng" <b>', height=400)
    assert 'src="https://nghe.example.gov.vn/tin/embed/bai.html"' in html
    assert 'title="Nghe bài: Tin &#34;nóng&#34; &lt;b&gt;"' in html
    assert "height:400px" in html and "width:100%" in html and "max-width:48rem" in html
    assert "<iframe" in html and "autoplay" not in html


# --- budget and assets --------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.stem for p in PAGES.glob("*.html")))
def test_article_page_weight_budget(name: str, tmp_path: Path) -> None:
    """Every development page, rendered with its CSS and JS, stays under 100 KB, and every
    sentence its narration reads can be highlighted in it."""
    from vnreader import extract_article

    try:
        article = extract_article(str(PAGES / f"{name}.html"))
    except VnreaderError:
        pytest.skip("not an article page (extraction refuses it)")
    narration = narrate_fake(article, tmp_path / "audio")
    row = row_for(article, narration)
    page = render_article(row, site=site(), audio_dir=tmp_path / "audio")
    static = ROOT / "vnreader" / "publishing" / "static"
    total = len(page) + sum((static / name).stat().st_size for name in STATIC_FILES)
    assert total < PAGE_BUDGET, f"{name}: {total} bytes"
    cues = read_vtt(tmp_path / "audio" / "bai.vtt")
    shown = set(re.findall(r'data-cue="(\d+)"', page.decode("utf-8")))
    unshown = [c.text for c in cues if c.ident not in shown]
    assert unshown == [], f"{name}: not highlighted: {unshown}"


def test_assets_are_copied_with_the_font_and_its_licence(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    written = write_assets(tmp_path / "static", cache)
    assert set(written) >= {*STATIC_FILES, *(f"fonts/{f}" for f in FONT_FILES), "fonts/OFL.txt"}
    css = (tmp_path / "static" / "vnreader.css").read_text("utf-8")
    for font, ttf in FONT_FILES.items():
        assert f'url("fonts/{font}") format("woff2")' in css
        packed = (tmp_path / "static" / "fonts" / font).read_bytes()
        assert packed[:4] == b"wOF2"
        assert len(packed) < font_path(ttf).stat().st_size / 2  # Brotli-compressed glyphs
    # The conversion is cached: the same bytes come back without fontTools.
    assert len(list(cache.glob("*.woff2"))) == len(FONT_FILES)
    assert "Open Font License" in (tmp_path / "static" / "fonts" / "OFL.txt").read_text("utf-8")
    assert write_assets(tmp_path / "static", cache) == []  # unchanged: nothing rewritten


def test_woff2_keeps_every_vietnamese_letter(tmp_path: Path) -> None:
    """The packed font still has a glyph for every letter of Vietnamese, in both cases."""
    import io

    from fontTools.ttLib import TTFont

    from vnreader.publishing.assets import woff2

    letters = (
        "aăâbcdđeêghiklmnoôơpqrstuưvxy"
        + "àảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
    )
    font = TTFont(io.BytesIO(woff2(font_path("BeVietnamPro-Regular.ttf"))))
    cmap = font.getBestCmap()
    missing = [ch for ch in letters + letters.upper() if ord(ch) not in cmap]
    assert missing == []


# --- a published site and `vnreader embed` ------------------------------------------------------


@pytest.fixture(scope="module")
def published_from(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the folder of two short portal pages, the site published from it)."""
    from vnreader.publishing.pipeline import publish

    src = tmp_path_factory.mktemp("src")
    for n, category in enumerate(["Kinh tế", "Văn hóa - Xã hội"]):
        (src / f"tin-{n}.html").write_text(
            f"""<html lang="vi"><head><meta charset="utf-8"><title>Tin {n}</title></head><body>
            <div class="breadcrumb"><a href="/">Trang chủ</a> » <a href="/c">{category}</a></div>
            <h1 class="title">Hội nghị số {n + 1} của huyện</h1>
            <div class="date">Cập nhật: 2{n}/11/2026 08:30</div>
            <div class="content"><p>Sáng nay huyện họp. Đ/c Chủ tịch UBND chủ trì.</p>
            <p>Hội nghị kết thúc lúc 11 giờ.</p></div></body></html>""",
            "utf-8",
        )
    out = tmp_path_factory.mktemp("site")
    report = publish([str(src)], out, SETTINGS)
    assert report.published == 2, report.failed
    return src, out


@pytest.fixture
def published(published_from: tuple[Path, Path]) -> Path:
    return published_from[1]


def test_publish_writes_pages_players_and_assets(published: Path) -> None:
    read = sorted(p.relative_to(published).as_posix() for p in (published / "read").rglob("*.html"))
    embeds = sorted(p.name for p in (published / "embed").iterdir())
    slugs = [p.removeprefix("read/").removesuffix(".html") for p in read if p.count("/") == 1]
    assert "read/index.html" in read
    assert any(p.startswith("read/chuyen-muc/") for p in read)
    assert embeds == sorted(f"{s}.html" for s in slugs if s != "index")
    for name in (*STATIC_FILES, *(f"fonts/{f}" for f in FONT_FILES)):
        assert (published / "static" / name).is_file()
    home = (published / "index.html").read_text("utf-8")  # the feeds' <link>: the site's home
    assert f'<a href="read/{slugs[0]}.html">' in home and 'href="static/vnreader.css?v=' in home
    page = (published / "read" / f"{embeds[0]}").read_text("utf-8")
    assert page.count('class="vr-s"') >= 3  # the real transcript aligned with the text


def test_embed_command_prints_the_snippet(
    published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    slug = sorted(p.stem for p in (published / "embed").iterdir())[0]
    assert main(["embed", slug, "--out", str(published), "--base-url", BASE]) == 0
    out = capsys.readouterr().out
    assert f'src="{BASE}embed/{slug}.html"' in out
    assert 'title="Nghe bài: Hội nghị số' in out
    # The address of the read page names the article too.
    assert (
        main(["embed", f"{BASE}read/{slug}.html", "--out", str(published), "--base-url", BASE]) == 0
    )
    assert capsys.readouterr().out == out
    assert main(["embed", slug, "--out", str(published), "--height", "300"]) == 0
    narrow = capsys.readouterr()
    assert "height:300px" in narrow.out
    assert "a portal needs the site's public address" in narrow.err  # the default base URL


def test_embed_command_errors_are_one_line(
    published: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prefix = sorted(p.stem for p in (published / "embed").iterdir())[0][:8]
    assert main(["embed", prefix, "--out", str(published)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no published article" in err and "did you mean" in err
    assert main(["embed", "bai", "--out", str(tmp_path)]) == 2
    assert "run vnreader publish first" in capsys.readouterr().err
    assert main(["embed", "bai", "--out", str(published), "--height", "5"]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_unchanged_article_pages_are_not_rendered_again(
    published_from: tuple[Path, Path], tmp_path: Path
) -> None:
    """A re-run renders only what changed; a missing page or a new base URL renders again."""
    import shutil

    from vnreader.publishing.pipeline import publish, site_state

    src, published = published_from
    site_dir = tmp_path / "site"
    shutil.copytree(published, site_dir)
    # The site moves with its state (catalog, page manifest), kept outside the folder.
    shutil.copytree(
        site_state(published, SETTINGS).site_dir, site_state(site_dir, SETTINGS).site_dir
    )
    page = sorted((site_dir / "read").glob("hoi-nghi-*.html"))[0]
    embed = site_dir / "embed" / page.name
    page.write_text("kept: the key did not change", "utf-8")
    embed.unlink()
    report = publish([str(src)], site_dir, SETTINGS)
    assert report.failed == [] and report.published == 0
    assert page.read_text("utf-8") == "kept: the key did not change"  # not rendered again
    assert embed.is_file()  # missing: rendered again
    moved = Settings(portal_name=SETTINGS.portal_name, base_url="https://khac.example.vn/")
    publish([str(src)], site_dir, moved)
    assert "khac.example.vn/feeds/podcast.xml" in page.read_text("utf-8")


def test_report_link_mails_the_owner_with_the_article(tmp_path: Path) -> None:
    from urllib.parse import parse_qs, unquote, urlsplit

    narration = narrate_fake(ARTICLE, tmp_path / "audio")
    row = row_for(ARTICLE, narration)
    # No owner address configured: no link.
    plain = render_article(row, site=site(), audio_dir=tmp_path / "audio").decode("utf-8")
    assert "Báo đọc sai" not in plain
    settings = Settings(
        portal_name=SETTINGS.portal_name, base_url=BASE, owner_email="bientap@tanhiep.gov.vn"
    )
    ctx = SiteContext(
        settings=settings,
        asset_version="0123456789",
        feeds=FEEDS,
        opml_url=BASE + "feeds/podcasts.opml",
        category_pages={"Kinh tế": "kinh-te.html"},
    )
    page = render_article(row, site=ctx, audio_dir=tmp_path / "audio").decode("utf-8")
    link = next(a for a in outline(page).all("a") if "data-vr-report" in a)
    href = link["href"] or ""
    parts = urlsplit(href)
    assert parts.scheme == "mailto" and unquote(parts.path) == "bientap@tanhiep.gov.vn"
    query = parse_qs(parts.query)
    assert query["subject"] == [f"Báo đọc sai: {ARTICLE.title}"]
    body = query["body"][0]
    assert f"Bài: {ARTICLE.title}" in body and f"{BASE}read/bai.html" in body
    assert "Câu đang đọc:" in body


def test_index_tells_how_to_subscribe_with_the_feeds_qr_code(tmp_path: Path) -> None:
    from dataclasses import replace

    ctx = replace(site(), feed_qr=("feeds/podcast-qr.svg", 246))
    index = render_index([], site=ctx).decode("utf-8")
    img = next(i for i in outline(index).all("img") if "podcast-qr" in (i.get("src") or ""))
    assert img["src"] == "../feeds/podcast-qr.svg"
    assert img["alt"] == f"Mã QR của địa chỉ nguồn tin: {FEEDS[0][1]}"
    assert (img["width"], img["height"]) == ("246", "246")
    for app in ("Apple Podcasts", "Pocket Casts", "AntennaPod", "Podcast Addict", "Spotify"):
        assert f"<dt>{app}" in index, app
    home = render_index([], site=ctx, root="").decode("utf-8")
    assert 'src="feeds/podcast-qr.svg"' in home


def test_published_qr_code_decodes_to_the_feed(published: Path) -> None:
    """The SVG the site writes is the segno code of the main feed's address, and that code
    scans (decoded by zxing-cpp from a PNG drawing of the same symbol)."""
    import io

    import segno
    import zxingcpp
    from PIL import Image as PILImage

    from vnreader.publishing.qr import QR_FILE, feed_qr_svg

    feed = BASE + "feeds/podcast.xml"
    svg = (published / QR_FILE).read_bytes()
    assert svg == feed_qr_svg(feed)[0]
    png = io.BytesIO()
    segno.make(feed, error="m", micro=False, boost_error=False).save(png, kind="png", scale=4)
    png.seek(0)
    assert [r.text for r in zxingcpp.read_barcodes(PILImage.open(png))] == [feed]
