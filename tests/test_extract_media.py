"""Families of pages from the second held-out set: AMP and lazy images, photo galleries,
caption boxes and lead photos, labelled author fields, path boxes named in Vietnamese,
US-order ASP.NET stamps, data tables."""

from __future__ import annotations

from datetime import datetime

import pytest

from vnreader.extract import extract_html
from vnreader.extract.metadata import VN_TZ, parse_date

PARAS = (
    "Sáng ngày 12/01/2024, Ủy ban nhân dân xã phối hợp với Trạm Trồng trọt huyện tổ chức lớp "
    "tập huấn cho hơn 60 nông dân về cách phòng chống rầy nâu, đạo ôn và bệnh lem lép hạt.",
    "Tại lớp tập huấn, cán bộ kỹ thuật hướng dẫn bà con thăm đồng thường xuyên, sử dụng thuốc "
    "bảo vệ thực vật theo nguyên tắc bốn đúng, gieo sạ đồng loạt, né rầy theo lịch thời vụ.",
    "Dịp này, xã cũng phát 200 tờ rơi hướng dẫn và giới thiệu các giống lúa chất lượng cao, "
    "chống chịu sâu bệnh tốt cho bà con lựa chọn, ghi chép và làm theo.",
)
TITLE = "Xã tổ chức tập huấn phòng chống dịch bệnh trên cây lúa vụ Đông Xuân"
CAPTION = "Cán bộ kỹ thuật hướng dẫn nông dân nhận biết rầy nâu trên ruộng lúa"


def _page(inner: str, *, top: str = "", title: str = TITLE) -> str:
    return (
        f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
        '<div class="menu"><a href="/">Trang chủ</a> | <a href="/tt">Tin tức</a></div>'
        f'<div class="wrap">{top}<h1 class="t1">{TITLE}</h1>{inner}</div>'
        '<div class="f">Bản quyền thuộc UBND xã. Điện thoại: 0290.3xxx</div></body></html>'
    )


def _ps(*extra: str) -> str:
    return "".join(f"<p>{p}</p>" for p in PARAS) + "".join(extra)


# --- dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        # ASP.NET's en-US default: the day-first reading is impossible
        ("6/28/2023 4:05:00 PM", (2023, 6, 28, 16, 5)),
        # the exact .NET en-US form (no leading zeros, seconds, AM/PM): month first
        ("6/7/2023 4:05:00 PM", (2023, 6, 7, 16, 5)),
        ("12/1/2023 9:30:00 AM", (2023, 12, 1, 9, 30)),
        # Vietnamese stamps stay day first
        ("06/07/2023 16:05", (2023, 7, 6, 16, 5)),
        ("7/6/2023", (2023, 6, 7, 0, 0)),
        ("26/03/2024 4:35 CH", (2024, 3, 26, 16, 35)),
        ("13/6/2023 4:05:00 PM", (2023, 6, 13, 16, 5)),
        # a time before the date, after a bar or a dash
        ("14h30 | 03/04/2024", (2024, 4, 3, 14, 30)),
        ("14g30 - 03/04/2024", (2024, 4, 3, 14, 30)),
        ("14 giờ 30 | 03/04/2024", (2024, 4, 3, 14, 30)),
    ],
)
def test_stamp_orders(stamp: str, expected: tuple[int, ...]) -> None:
    assert parse_date(stamp) == datetime(*expected, tzinfo=VN_TZ)


def test_title_found_from_the_page_title_anchors_the_stamp_under_it() -> None:
    # the title box and the stamp box have meaningless class names; the <title> names the
    # article, so the box showing it is the title, and the stamp right under it counts
    html = (
        f'<html><head><meta charset="utf-8"><title>{TITLE} | UBND xã Hòa An</title></head>'
        '<body><div class="zz"><div class="q1">'
        f'<div class="q2">{TITLE}</div><div class="q3"><span class="q4">08g15 | 05/02/2024'
        f"</span></div><div class=q5>{_ps()}</div></div></div></body></html>"
    )
    art = extract_html(html)
    assert art.title == TITLE
    assert art.published == datetime(2024, 2, 5, 8, 15, tzinfo=VN_TZ)


# --- images --------------------------------------------------------------------------


def test_amp_image_figure_caption_is_a_caption_not_body() -> None:
    figure = (
        '<figure><amp-img src="/a.jpg" width="1200" height="800" layout="responsive">'
        f'<noscript><img src="/a.jpg" width="1200" height="800"></noscript></amp-img>'
        f"<figcaption>{CAPTION}</figcaption></figure>"
    )
    art = extract_html(_page(f'<div class="amp-content">{_ps(figure)}</div>'))
    assert [i.caption for i in art.images] == [CAPTION]
    assert [i.src for i in art.images] == ["/a.jpg"]
    assert CAPTION not in [b.text for b in art.blocks]


def test_noscript_only_image_and_source_only_picture_are_images() -> None:
    lazy = (
        '<figure><noscript><img src="/b.jpg"></noscript>'
        f"<figcaption>{CAPTION}</figcaption></figure>"
    )
    pic = (
        '<figure><picture><source srcset="/c.webp 1x, /c2.webp 2x" type="image/webp"></picture>'
        "<figcaption>Nông dân thu hoạch lúa trên cánh đồng mẫu lớn</figcaption></figure>"
    )
    art = extract_html(_page(f'<div class="nd">{_ps(lazy, pic)}</div>'))
    assert [(i.src, i.caption) for i in art.images] == [
        ("/b.jpg", CAPTION),
        ("/c.webp", "Nông dân thu hoạch lúa trên cánh đồng mẫu lớn"),
    ]
    assert len(art.paragraphs) == 3


def test_noscript_copy_of_a_lazy_image_is_not_a_second_image() -> None:
    box = (
        '<figure><img data-src="/d.jpg" src="data:image/gif;base64,R0lGOD">'
        f'<noscript><img src="/d.jpg"></noscript><figcaption>{CAPTION}</figcaption></figure>'
    )
    art = extract_html(_page(f'<div class="nd">{_ps(box)}</div>'))
    assert [i.src for i in art.images] == ["/d.jpg"]


def test_gallery_counters_are_dropped_and_the_text_after_the_gallery_is_kept() -> None:
    items = "".join(
        f'<div class="g-item"><div class="g-img"><img src="/p{n}.jpg"><span class="cnt">{n}/3'
        f'</span></div><p class="g-item__caption">Ảnh thứ {n} của phóng sự về mùa lúa</p></div>'
        for n in range(1, 4)
    )
    outro = (
        "Theo Phòng Nông nghiệp huyện, vụ Đông Xuân năm nay toàn huyện gieo sạ hơn 12.000 ha, "
        "năng suất bình quân ước đạt 7 tấn mỗi ha, cao hơn cùng kỳ năm trước."
    )
    inner = (
        f'<div class="story"><div class="intro"><p>{PARAS[0]}</p><p>{PARAS[1]}</p></div>'
        f'<div class="gallery">{items}</div>'
        f'<div class="outro"><p>{outro}</p><p>Phóng sự ảnh: TRẦN KHẢI</p></div></div>'
    )
    art = extract_html(_page(inner))
    assert art.paragraphs == [PARAS[0], PARAS[1], outro]
    assert [i.caption for i in art.images] == [
        f"Ảnh thứ {n} của phóng sự về mùa lúa" for n in (1, 2, 3)
    ]
    assert art.author == "TRẦN KHẢI"


def test_caption_box_with_a_credit_paragraph_is_one_caption() -> None:
    box = (
        '<div class="VCSortableInPreviewMode" type="Photo"><div><img src="/e.jpg"></div>'
        f'<div class="PhotoCMS_Caption"><p>{CAPTION}</p><p class="author_caption">ẢNH: NHẬT THỊNH'
        "</p></div></div>"
    )
    art = extract_html(_page(f'<div class="nd">{_ps(box)}</div>'))
    assert [i.caption for i in art.images] == [f"{CAPTION} ẢNH: NHẬT THỊNH"]


def test_credit_beside_a_figcaption_joins_it() -> None:
    box = (
        f'<figure><img src="/f.jpg"><figcaption>{CAPTION}</figcaption>'
        '<p class="cr">Ảnh: Hải Đăng</p></figure>'
    )
    art = extract_html(_page(f'<div class="nd">{_ps(box)}</div>'))
    assert [i.caption for i in art.images] == [f"{CAPTION} Ảnh: Hải Đăng"]
    assert "Ảnh: Hải Đăng" not in art.paragraphs


def test_lead_photo_above_the_body_keeps_its_caption() -> None:
    lead = (
        '<figure class="article__avatar"><img src="/g.jpg">'
        f"<figcaption>{CAPTION}</figcaption></figure>"
    )
    art = extract_html(_page(f'{lead}<div class="article__body">{_ps()}</div>'))
    assert [(i.src, i.caption) for i in art.images] == [("/g.jpg", CAPTION)]
    assert art.paragraphs == list(PARAS)


def test_caption_field_next_to_an_image_field_is_its_caption() -> None:
    fields = (
        '<div class="field field--name-field-image"><img src="/h.jpg" width="800"></div>'
        f'<div class="field field--name-field-chu-thich-anh">{CAPTION}. Ảnh: Hải Đăng</div>'
    )
    art = extract_html(_page(f'{fields}<div class="field--name-body">{_ps()}</div>'))
    assert [i.caption for i in art.images] == [f"{CAPTION}. Ảnh: Hải Đăng"]


def test_a_logo_above_the_title_is_no_lead_photo() -> None:
    art = extract_html(_page(f'<div class="nd">{_ps()}</div>', top='<img src="/logo.png">'))
    assert art.images == ()


# --- author, category, tables ----------------------------------------------------------


@pytest.mark.parametrize(
    "field",
    [
        '<div class="field--name-field-tac-gia"><div class="field__label">Tác giả</div>'
        '<div class="field__item">Hải Đăng</div></div>',
        "<dl><dt>Người viết:</dt><dd>Hải Đăng</dd></dl>",
        '<div class="info"><span class="lbl">Phóng viên</span> <span>Hải Đăng</span></div>',
    ],
)
def test_labelled_author_field(field: str) -> None:
    art = extract_html(_page(f'<div class="art"><div class="nd">{_ps()}</div>{field}</div>'))
    assert art.author == "Hải Đăng"
    assert "Hải Đăng" not in " ".join(art.paragraphs)


def test_labelled_field_holding_a_sentence_is_no_author() -> None:
    field = (
        '<div class="m"><div class="lbl">Tác giả</div>'
        "<div>bài viết được tổng hợp từ nhiều nguồn.</div></div>"
    )
    art = extract_html(_page(f'<div class="art"><div class="nd">{_ps()}</div>{field}</div>'))
    assert art.author is None


@pytest.mark.parametrize(
    "crumb",
    [
        # the site's name links to the home page
        '<div class="vi-tri-chuyen-muc"><a href="/" class="home-link">Báo Cần Thơ</a> &gt; '
        '<a href="/kinh-te">Kinh tế</a> &gt; <a href="/du-lich">Du lịch</a></div>',
        '<div class="q7"><a href="https://baocantho.com.vn/">Báo Cần Thơ</a> » '
        '<a href="/kinh-te">Kinh tế</a> » <a href="/du-lich">Du lịch</a></div>',
        # a Vietnamese path name, an icon between items
        '<div class="duong-dan"><a href="/tin-tuc">Tin tức</a> <i class="fa"></i> '
        '<a href="/du-lich">Du lịch</a></div>',
    ],
)
def test_path_boxes_by_structure_and_vietnamese_names(crumb: str) -> None:
    art = extract_html(_page(f'<div class="nd">{_ps()}</div>', top=crumb))
    assert art.category == "Du lịch"


def test_a_menu_of_links_is_no_path() -> None:
    menu = (
        '<div class="q7"><a href="/">Báo Cần Thơ</a> <a href="/kt">Kinh tế</a> '
        '<a href="/dl">Du lịch</a></div>'
    )
    art = extract_html(_page(f'<div class="nd">{_ps()}</div>', top=menu))
    assert art.category is None


def test_data_table_rows_join_cells_with_spaces() -> None:
    table = (
        "<table><tr><th>STT</th><th>Trường</th><th>Chỉ tiêu</th></tr>"
        "<tr><td>1</td><td>THCS Long Bình Điền</td><td>240</td></tr></table>"
    )
    art = extract_html(_page(f'<div class="nd">{_ps(table)}</div>'))
    assert art.paragraphs[-2:] == ["STT Trường Chỉ tiêu", "1 THCS Long Bình Điền 240"]
