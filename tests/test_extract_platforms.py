"""Generic extraction on CMS layouts no profile describes: uploader lines, generic page
titles, bodies named in Vietnamese or meaninglessly, attachments and pagers."""

from __future__ import annotations

import pytest

from vnreader.extract import extract_html
from vnreader.extract.content import author_from_line, is_generic_title, is_uploader_line

PARAS = (
    "Sáng ngày 12/01/2024, Ủy ban nhân dân xã phối hợp với Trạm Trồng trọt huyện tổ chức lớp "
    "tập huấn cho hơn 60 nông dân về cách phòng chống rầy nâu, đạo ôn và bệnh lem lép hạt.",
    "Tại lớp tập huấn, cán bộ kỹ thuật hướng dẫn bà con thăm đồng thường xuyên, sử dụng thuốc "
    "bảo vệ thực vật theo nguyên tắc bốn đúng, gieo sạ đồng loạt, né rầy theo lịch thời vụ.",
    "Dịp này, xã cũng phát 200 tờ rơi hướng dẫn và giới thiệu các giống lúa chất lượng cao, "
    "chống chịu sâu bệnh tốt cho bà con lựa chọn, ghi chép và làm theo.",
)
TITLE = "Xã tổ chức tập huấn phòng chống dịch bệnh trên cây lúa vụ Đông Xuân"


def _page(inner: str, title: str = "Chi tiết tin", head: str = "") -> str:
    return (
        f'<html><head><meta charset="utf-8"><title>{title}</title>{head}</head><body>'
        '<div class="x1"><a href="/">Trang chủ</a> | <a href="/tt">Tin tức</a> | '
        '<a href="/vb">Văn bản</a></div>'
        f'<div class="c9"><div class="k3">Tin tức</div><div class="k7">{inner}</div></div>'
        '<div class="f">Bản quyền thuộc UBND xã. Điện thoại: 0290.3xxx</div></body></html>'
    )


def _ps(*extra: str) -> str:
    return "".join(f"<p>{p}</p>" for p in PARAS) + "".join(extra)


@pytest.mark.parametrize(
    "line",
    [
        "Được đăng bởi Super User",
        "Gửi bởi ldtbxh vào Thứ năm, 11/03/2021 - 14:02",
        "Đăng bởi: quantri",
        "Người đăng: Quản trị viên",
        "Posted by admin on 05/09/2023",
        "Viết bởi Nguyễn Văn An",
    ],
)
def test_uploader_lines_are_never_an_author(line: str) -> None:
    assert is_uploader_line(line)
    assert author_from_line(line, emphasized=True) is None


@pytest.mark.parametrize("name", ["admin", "Super User", "Quản trị viên"])
def test_cms_accounts_are_never_an_author(name: str) -> None:
    assert author_from_line(name, emphasized=True) is None


def test_a_signature_is_not_an_uploader_line() -> None:
    assert not is_uploader_line("Tin, ảnh: Kim Ngân")
    assert author_from_line("Tin, ảnh: Kim Ngân") == ("writer", "Kim Ngân")


@pytest.mark.parametrize(
    ("text", "generic"),
    [
        ("Chi tiết tin", True),
        ("Tin tức", True),
        ("Trang chủ", True),
        ("Chi tiết bài viết", True),
        ("Xem tin", True),
        ("Cổng thông tin điện tử xã Tân An", True),
        ("Tin tức về phòng chống dịch bệnh trên cây lúa", False),
        (TITLE, False),
    ],
)
def test_generic_page_titles(text: str, generic: bool) -> None:
    assert is_generic_title(text) is generic


def test_generic_title_tag_yields_to_the_heading_near_the_body() -> None:
    # ASP.NET-style: the heading is a span with a Vietnamese class, <title> says nothing
    html = _page(
        f'<span class="tieude_tin">{TITLE}</span><br>'
        '<span class="ngay_dang">26/03/2024 4:35:12 CH</span>'
        f'<div class="noidung_tin">{_ps()}</div>'
    )
    art = extract_html(html)
    assert art.title == TITLE
    assert art.published is not None
    assert (art.published.hour, art.published.minute) == (16, 35)


def test_meaningless_classes_title_as_the_plain_line_above_the_body() -> None:
    html = _page(
        f'<div class="q1">{TITLE}</div><div class="q2">Thứ hai, 15/01/2024 08:30 SA</div>'
        f'<div class="q3">{_ps()}</div>'
    )
    art = extract_html(html)
    assert art.title == TITLE
    assert [b.text for b in art.blocks] == list(PARAS)
    assert art.published is not None and art.published.hour == 8


def test_uploader_line_is_neither_body_nor_author_and_the_signature_wins() -> None:
    html = _page(
        f"<h1>{TITLE}</h1>"
        '<div class="meta">Gửi bởi admin vào Thứ năm, 11/03/2021 - 14:02</div>'
        '<div class="author">admin</div>'
        f'<div class="body">{_ps("<p align=right><b>Tin, ảnh: Kim Ngân</b></p>")}</div>',
        title=TITLE,
    )
    art = extract_html(html)
    assert art.author == "Kim Ngân"
    assert [b.text for b in art.blocks] == list(PARAS)


def test_a_summary_named_box_holding_the_body_is_not_the_lead() -> None:
    # Drupal's body field is "field-type-text-with-summary": it is the body, and its bold
    # first paragraph is the lead
    sapo = "Ngày 10/3/2021, Trung tâm Giáo dục nghề nghiệp huyện khai giảng lớp đào tạo nghề."
    html = _page(
        f"<h1>{TITLE}</h1>"
        f'<div class="field-type-text-with-summary"><p><strong>{sapo}</strong></p>{_ps()}</div>',
        title=TITLE,
    )
    art = extract_html(html)
    assert art.lead == sapo
    assert [b.text for b in art.blocks] == list(PARAS)


def test_a_wholly_bold_short_article_has_no_lead() -> None:
    # a bold first paragraph longer than the rest of the text is not a sapo
    html = _page(
        f"<h1>{TITLE}</h1><div class='nd'><p><b>{PARAS[0]} {PARAS[1]}</b></p>"
        "<p>Xã sẽ tổ chức thêm hai lớp trong tháng tới.</p></div>",
        title=TITLE,
    )
    art = extract_html(html)
    assert art.lead is None
    assert art.blocks[0].text == f"{PARAS[0]} {PARAS[1]}"


def test_attachments_pager_share_tags_related_and_comments_are_not_body() -> None:
    html = _page(
        f"<h1>{TITLE}</h1><div class='q3'>"
        + _ps(
            "<p style='text-align:right'><b>Thanh Hà</b></p>",
            "<div>Tải về</div>",
            "<div><a href='/f/a.pdf'>huong-dan-phong-chong-ray-nau.pdf</a> (245 KB)</div>",
            "<div><a href='/f/b.doc'>Lịch thời vụ Đông Xuân 2023-2024.doc</a></div>",
            "<div>Chia sẻ: <a>Facebook</a> <a>Zalo</a></div>",
            "<div>Từ khóa: <a>nông nghiệp</a>, <a>lúa</a></div>",
            "<div><a href='/1'>« Tin cũ hơn</a> <a href='/2'>Tin mới hơn »</a></div>",
            "<div><b>Các tin khác</b><ul><li><a href='/a'>Xã ra quân làm sạch kênh mương "
            "nội đồng chuẩn bị cho vụ mới</a></li></ul></div>",
            "<div><h4>Bình luận</h4><p>Họ và tên:</p><p>Nội dung:</p></div>",
        )
        + "</div>",
        title=TITLE,
    )
    art = extract_html(html)
    assert [b.text for b in art.blocks] == list(PARAS)
    assert art.author == "Thanh Hà"


def test_a_sentence_naming_a_file_stays() -> None:
    line = "Nội dung chi tiết xem tại file đính kèm ke-hoach-so-12.pdf"
    html = _page(f"<h1>{TITLE}</h1><div class='q3'>{_ps(f'<p>{line}</p>')}</div>", title=TITLE)
    assert extract_html(html).blocks[-1].text == line


def test_plain_text_breadcrumb_and_labels_above_the_title() -> None:
    html = _page(
        "<div class='bc'>Trang chủ &gt; Tin tức - Sự kiện &gt; Kinh tế</div>"
        f"<div class='box'><h2>Tin tức - Sự kiện</h2><h1>{TITLE}</h1><div class='nd'>{_ps()}</div>"
        "</div>",
        title="Cổng thông tin điện tử xã Tân An",
    )
    art = extract_html(html)
    assert art.title == TITLE
    assert art.category == "Kinh tế"
    assert [b.text for b in art.blocks] == list(PARAS)


def test_a_short_opening_sentence_starting_with_a_date_is_kept() -> None:
    first = "Ngày 10/3/2021, huyện khai giảng lớp đào tạo nghề may công nghiệp."
    html = _page(
        f"<h1>{TITLE}</h1><div class='nd'><p>{first}</p>{_ps()}</div>",
        title=TITLE,
    )
    assert extract_html(html).blocks[0].text == first
