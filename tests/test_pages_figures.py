"""Photos shown where they stand in the article on its reading page: each ``<figure>``
between the blocks it stands between, its caption's sentence highlighted in the order the
narration reads it, and the split page modules importable as before."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import lxml.html
import pytest

from tests.test_pages import narrate_fake, row_for, site
from tests.test_script_captions import ARTICLE as CAPTIONED
from vnreader.article import Article, Block, Image
from vnreader.extract import extract_bytes
from vnreader.publishing.pages import SiteContext, read_vtt, render_article

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"


def render(article: Article, tmp_path: Path, context: SiteContext | None = None) -> str:
    narration = narrate_fake(article, tmp_path / "audio")
    row = row_for(article, narration)
    return render_article(row, site=context or site(), audio_dir=tmp_path / "audio").decode()


def body_outline(page: str) -> list[str]:
    """The body's children: ``p: <first four words>``, ``h2: …`` or ``figure: <caption>``."""
    doc = lxml.html.fromstring(page)
    (body,) = doc.cssselect(".vr-body")
    out = []
    for el in body:
        if el.tag == "figure":
            cap = el.find("figcaption")
            out.append("figure: " + (cap.text_content().strip() if cap is not None else ""))
        else:
            out.append(f"{el.tag}: " + " ".join(el.text_content().split()[:4]))
    return out


def spans(page: str) -> list[tuple[str, float, str]]:
    """(ident, start, text) of every sentence span, in document order."""
    doc = lxml.html.fromstring(page)
    return [
        (s.get("data-cue") or "", float(s.get("data-start") or "nan"), s.text_content())
        for s in doc.cssselect(".vr-s[data-start]")
    ]


# The captions tests' article, with the photos this page test needs and a source address.
ARTICLE = dataclasses.replace(
    CAPTIONED,
    images=(
        Image("https://xa.example.gov.vn/anh/a.jpg", "Đại biểu dự lễ ra quân. Ảnh: Minh Anh", 0),
        Image("https://xa.example.gov.vn/anh/b.jpg", "Thanh niên vớt rác trên kênh", 2),
        Image("https://xa.example.gov.vn/anh/c.jpg", "Ảnh: Minh Anh", 2),  # credit only
        Image("https://xa.example.gov.vn/anh/d.jpg", None, 4),  # no caption: decoration
    ),
    url="https://xa.example.gov.vn/tin/ra-quan.html",
)

STORED = {
    "https://xa.example.gov.vn/anh/a.jpg": ("images/a.webp", 800, 533),
    "https://xa.example.gov.vn/anh/b.jpg": ("images/b.webp", 800, 600),
    "https://xa.example.gov.vn/anh/c.jpg": ("images/c.webp", 640, 480),
    "https://xa.example.gov.vn/anh/d.jpg": ("images/d.webp", 1024, 683),
}


def stored_site() -> SiteContext:
    base = site()
    return SiteContext(
        settings=base.settings,
        asset_version=base.asset_version,
        feeds=base.feeds,
        opml_url=base.opml_url,
        category_pages=base.category_pages,
        images=STORED,
    )


def test_figures_stand_between_the_blocks_they_stand_between(tmp_path: Path) -> None:
    page = render(ARTICLE, tmp_path, stored_site())
    assert body_outline(page) == [
        "figure: Đại biểu dự lễ ra quân. Ảnh: Minh Anh",
        "p: Đoạn một nói về",
        "p: Đoạn hai nói về",
        "figure: Thanh niên vớt rác trên kênh",
        "figure: Ảnh: Minh Anh",
        "h2: Kế hoạch sắp tới",
        "p: Đoạn ba nói về",
        "figure: ",
    ]
    doc = lxml.html.fromstring(page)
    imgs = doc.cssselect(".vr-body figure img")
    assert [(i.get("src"), i.get("width"), i.get("height")) for i in imgs] == [
        ("../images/a.webp", "800", "533"),
        ("../images/b.webp", "800", "600"),
        ("../images/c.webp", "640", "480"),
        ("../images/d.webp", "1024", "683"),
    ]
    assert imgs[0].get("alt") == "Đại biểu dự lễ ra quân. Ảnh: Minh Anh"
    assert imgs[3].get("alt") == ""  # no caption: decoration for the listener
    # the lead is shown before the body, so a lead photo (place 0) comes after it
    assert page.index('class="vr-lead"') < page.index('class="vr-figure"')


def test_sentence_spans_follow_the_transcript_in_order(tmp_path: Path) -> None:
    page = render(ARTICLE, tmp_path, stored_site())
    cues = read_vtt(tmp_path / "audio" / "bai.vtt")
    found = spans(page)
    # every spoken sentence of the page's text is a span, in the transcript's order
    starts = [start for _, start, _ in found]
    assert starts == sorted(starts)
    idents = [ident for ident, _, _ in found]
    assert idents == sorted(idents, key=int)
    by_ident = {c.ident: c.text for c in cues}
    texts = [text for _, _, text in found]
    assert "Đại biểu dự lễ ra quân." in texts  # the caption's sentence, read as "Ảnh: …"
    assert by_ident[found[texts.index("Đại biểu dự lễ ra quân.")][0]] == (
        "Ảnh: Đại biểu dự lễ ra quân."
    )
    # the caption's cue lies between the lead's and the first paragraph's
    lead = texts.index("Sáng 2/6, hơn 500 người tham gia lễ ra quân.")
    first = texts.index("Đoạn một nói về buổi lễ.")
    assert lead < texts.index("Đại biểu dự lễ ra quân.") < first
    second = texts.index("Thanh niên vớt rác trên kênh")
    assert texts.index("Đoạn hai nói về số người tham gia.") < second
    assert second < texts.index("Kế hoạch sắp tới")
    # every cue of the transcript has its span on the page, once, in order
    assert idents == [c.ident for c in cues]
    # a credit alone is shown, never read, so never highlighted
    doc = lxml.html.fromstring(page)
    credit = doc.cssselect(".vr-body figure figcaption")[2]
    assert credit.text_content() == "Ảnh: Minh Anh" and not credit.cssselect(".vr-s")


def test_a_caption_repeating_the_text_does_not_take_its_cue(tmp_path: Path) -> None:
    sentence = "Lãnh đạo huyện trao quà cho các hộ nghèo."
    article = Article(
        title="Trao quà Tết",
        blocks=(Block("paragraph", f"{sentence} Có 200 phần quà."),),
        images=(Image(None, sentence, 0),),  # shown above the paragraph, not read
    )
    page = render(article, tmp_path)
    doc = lxml.html.fromstring(page)
    (cap,) = doc.cssselect(".vr-body figcaption")
    assert cap.text_content() == sentence and not cap.cssselect(".vr-s")
    (para,) = doc.cssselect(".vr-body p")
    assert [s.text_content() for s in para.cssselect(".vr-s")] == [sentence, "Có 200 phần quà."]


def test_an_article_stored_without_positions_shows_its_photos_after_the_text(
    tmp_path: Path,
) -> None:
    data = ARTICLE.to_dict()
    for image in data["images"]:
        del image["position"]
    old = Article.from_dict(data)
    assert body_outline(render(old, tmp_path, stored_site()))[3:] == [
        "p: Đoạn ba nói về",
        "figure: Đại biểu dự lễ ra quân. Ảnh: Minh Anh",
        "figure: Thanh niên vớt rác trên kênh",
        "figure: Ảnh: Minh Anh",
        "figure: ",
    ]


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        (
            "ho2_baocantho_chonoi",
            [
                "p: Năm giờ sáng, ghe",
                "figure: Ghe hàng được sơn mới, gắn biển số trên chợ nổi Cái Răng vào sáng sớm.",
                "p: Theo UBND quận Cái",
                "h2: Đổi mới cách làm",
                "p: Nhiều năm qua, số",
                "p: Để giữ chân thương",
                "figure: Du khách thưởng thức hủ tiếu trên ghe đặc sản. Ảnh: MỸ TÂM",
                "p: Ông Nguyễn Văn Thành,",
            ],
        ),
        (
            "ho2_vietnamplus_xuatkhaugao",
            [
                "figure: Bốc xếp gạo xuất khẩu tại cảng Cần Thơ. (Ảnh: Vũ Sinh/TTXVN)",
                "p: Theo số liệu của",
                "p: Giá gạo xuất khẩu",
                "p: Philippines tiếp tục là",
                "figure: Nông dân huyện Thoại Sơn (An Giang) thu hoạch lúa Đông Xuân. "
                "(Ảnh: Công Mạo/TTXVN)",
                "p: Ông Đỗ Hà Nam,",
                "p: Bộ Công Thương khuyến",
                "p: Năm 2024, ngành nông",
            ],
        ),
    ],
)
def test_real_pages_show_their_photos_in_place(
    stem: str, expected: list[str], tmp_path: Path
) -> None:
    html = PAGES / f"{stem}.html"
    gold = json.loads(html.with_suffix(".json").read_text("utf-8"))
    article = extract_bytes(html.read_bytes(), url=gold.get("url"))
    page = render(article, tmp_path)
    assert body_outline(page) == expected
    starts = [start for _, start, _ in spans(page)]
    assert starts == sorted(starts)
    doc = lxml.html.fromstring(page)
    for cap in doc.cssselect(".vr-body figcaption"):
        assert cap.cssselect(".vr-s"), cap.text_content()  # each caption is read, in place


def test_page_modules_keep_their_public_names() -> None:
    from vnreader.publishing import abbreviations, article_html, csp, pages, transcript

    for name in ("Abbreviations", "ABBREVIATION_CLASSES", "lexicon_digest"):
        assert getattr(pages, name) is getattr(abbreviations, name)
    for name in ("PREFS_SCRIPT", "EMBED_PREFS_SCRIPT", "content_security_policy", "script_hash"):
        assert getattr(pages, name) is getattr(csp, name)
    for name in ("Cue", "read_vtt", "read_chapters"):
        assert getattr(pages, name) is getattr(transcript, name)
    assert callable(article_html.body_html)
    assert all(hasattr(pages, name) for name in pages.__all__)
    root = Path(pages.__file__).parent
    for module in ("pages", "article_html", "transcript", "abbreviations", "csp"):
        assert len((root / f"{module}.py").read_text("utf-8").splitlines()) <= 600, module
