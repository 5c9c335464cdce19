"""Where each image stands in the body: ``Image.position`` (the number of body blocks
before it), on development pages with photos before, between and after the paragraphs,
and a caption that is a paragraph of its own taken as the caption, not as body text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_extract_media import PARAS, TITLE
from vnreader.article import Article, Block, Image
from vnreader.extract import extract_bytes, extract_html

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"


def _page(inner: str) -> str:
    return (
        f'<html><head><meta charset="utf-8"><title>{TITLE}</title></head><body>'
        '<div class="menu"><a href="/">Trang chủ</a> | <a href="/tt">Tin tức</a></div>'
        f'<div class="wrap"><h1 class="t1">{TITLE}</h1><div class="content">{inner}</div></div>'
        '<div class="f">Bản quyền thuộc UBND xã. Điện thoại: 0290.3xxx</div></body></html>'
    )


def _article(stem: str) -> Article:
    html = PAGES / f"{stem}.html"
    gold = json.loads(html.with_suffix(".json").read_text("utf-8"))
    return extract_bytes(html.read_bytes(), url=gold.get("url"))


def _neighbours(article: Article) -> list[tuple[str | None, str | None, str]]:
    """For each image: the start of the block before it, of the block after it, and the
    image's file name."""
    out = []
    for place, image in article.placed_images():
        before = article.blocks[place - 1].text[:30] if place > 0 else None
        after = article.blocks[place].text[:30] if place < len(article.blocks) else None
        out.append((before, after, (image.src or "").rsplit("/", 1)[-1]))
    return out


# --- development pages ---------------------------------------------------------------


def test_photos_between_paragraphs_stand_between_them() -> None:
    # Báo Cần Thơ: two caption boxes inside the text, the second after the section heading
    assert _neighbours(_article("ho2_baocantho_chonoi")) == [
        ("Năm giờ sáng, ghe của chị Trần", "Theo UBND quận Cái Răng, từ đầ", "chonoi-1.jpg"),
        ("Để giữ chân thương hồ, quận th", "Ông Nguyễn Văn Thành, Chủ tịch", "chonoi-2.jpg"),
    ]


def test_lead_photo_comes_first_and_a_body_photo_after_its_paragraph() -> None:
    # VietnamPlus: the lead photo outside the body box (figure.article__avatar), then a
    # figure after the third paragraph (a related box between them is dropped)
    article = _article("ho2_vietnamplus_xuatkhaugao")
    assert [i.position for i in article.images] == [0, 3]
    assert _neighbours(article) == [
        (None, "Theo số liệu của Tổng cục Hải ", "gao-xk.jpg"),
        ("Philippines tiếp tục là thị tr", "Ông Đỗ Hà Nam, Phó Chủ tịch Hi", "thu-hoach-lua.jpg"),
    ]


def test_photo_under_a_bold_sapo_taken_as_lead_stands_before_the_text() -> None:
    # Viettel's commune portal: bold first paragraph (the lead), the photo, its italic
    # centred caption in a <p> of its own, then the text
    article = _article("portal_viettel_xa_boldlead")
    assert article.lead and article.lead.startswith("Sáng ngày 04/6/2022")
    (image,) = article.images
    assert image.position == 0
    assert image.caption == "Đoàn viên thanh niên thu gom rác thải trên tuyến đường liên ấp."
    assert not any("thu gom rác thải trên tuyến" in b.text for b in article.blocks)


def test_centred_italic_caption_paragraph_is_the_caption_not_body_text() -> None:
    # Joomla 4: <p center><img></p><p center><em>… (Ảnh: Minh Thư)</em></p>
    article = _article("ho2_joomla4_phutan_nuocsach")
    (image,) = article.images
    assert image.caption and image.caption.endswith("(Ảnh: Minh Thư)")
    assert image.position == 2
    assert article.blocks[1].text.startswith("Công trình có chiều dài gần 14 km")
    assert not any("mở vòi nước máy" in b.text for b in article.blocks)


def test_gallery_between_two_parts_stands_between_them() -> None:
    article = _article("ho2_svhttdl_gallery_jsonld")
    assert len(article.images) == 8
    assert {i.position for i in article.images} == {2}
    assert article.blocks[2].text.startswith("Theo Sở Văn hóa, Thể thao và Du lịch")


@pytest.mark.parametrize("stem", sorted(p.stem for p in PAGES.glob("*.html")))
def test_every_page_has_positions_in_page_order(stem: str) -> None:
    article = _article(stem)
    positions = [i.position for i in article.images]
    assert all(p is not None and 0 <= p <= len(article.blocks) for p in positions)
    assert positions == sorted(positions)  # type: ignore[type-var]


# --- captions that are paragraphs of their own ------------------------------------------


@pytest.mark.parametrize(
    "caption",
    [
        "Cán bộ kỹ thuật hướng dẫn nông dân nhận biết rầy nâu (Ảnh: Minh Anh)",
        "Cán bộ kỹ thuật hướng dẫn nông dân nhận biết rầy nâu. Ảnh: MINH ANH",
        "Ảnh: Cán bộ kỹ thuật hướng dẫn nông dân nhận biết rầy nâu",
        "Cán bộ kỹ thuật hướng dẫn nông dân nhận biết rầy nâu - Ảnh minh họa",
    ],
)
def test_plain_credited_paragraph_under_a_photo_is_its_caption(caption: str) -> None:
    html = _page(
        f"<p>{PARAS[0]}</p><p><img src='/up/ray-nau.jpg' width='600'></p>"
        f"<p>{caption}</p><p>{PARAS[1]}</p><p>{PARAS[2]}</p>"
    )
    article = extract_html(html, "https://xa.example.gov.vn/tin/tap-huan.html")
    assert [b.text for b in article.blocks] == list(PARAS)
    (image,) = article.images
    assert image.caption == caption
    assert image.position == 1


def test_credited_sentence_far_from_a_photo_stays_text() -> None:
    text = "Người dân được hướng dẫn cách chụp ảnh ruộng lúa gửi cán bộ kỹ thuật (Ảnh: Zalo)."
    html = _page(
        f"<p>{PARAS[0]}</p><p><img src='/up/ray-nau.jpg' width='600'></p>"
        f"<p>{PARAS[1]}</p><p>{text}</p><p>{PARAS[2]}</p>"
    )
    article = extract_html(html, "https://xa.example.gov.vn/tin/tap-huan.html")
    assert text in [b.text for b in article.blocks]
    assert article.images[0].caption is None


def test_photo_after_the_last_paragraph_stands_at_the_end() -> None:
    html = _page(
        f"<p>{PARAS[0]}</p><p>{PARAS[1]}</p><p>{PARAS[2]}</p>"
        "<figure><img src='/up/cuoi.jpg'><figcaption>Nông dân thăm đồng sau lớp tập huấn"
        "</figcaption></figure>"
    )
    article = extract_html(html, "https://xa.example.gov.vn/tin/tap-huan.html")
    (image,) = article.images
    assert image.position == len(article.blocks) == 3


# --- the JSON contract --------------------------------------------------------------------


def test_position_round_trips_and_old_json_reads_as_unknown() -> None:
    article = Article(
        title="T",
        blocks=(Block("paragraph", "Một."), Block("paragraph", "Hai.")),
        images=(Image("https://x/a.jpg", "Ảnh một", 1), Image(None, "Chú thích", 2)),
    )
    data = article.to_dict()
    assert data["images"] == [
        {"src": "https://x/a.jpg", "caption": "Ảnh một", "position": 1},
        {"src": None, "caption": "Chú thích", "position": 2},
    ]
    assert Article.from_dict(json.loads(json.dumps(data))) == article
    # an article stored before positions: no key written back, placed after the body
    old = {"title": "T", "blocks": data["blocks"], "images": [{"src": "a.jpg", "caption": "c"}]}
    again = Article.from_dict(old)
    assert again.images[0].position is None
    assert again.to_dict()["images"] == [{"src": "a.jpg", "caption": "c"}]
    assert again.placed_images() == [(2, again.images[0])]
    # a position past the end (or nonsense) never points outside the body
    odd = Article.from_dict({**old, "images": [{"src": "a", "caption": None, "position": 9}]})
    assert odd.placed_images()[0][0] == 2
    bad = Article.from_dict({**old, "images": [{"src": "a", "caption": None, "position": "x"}]})
    assert bad.images[0].position is None
