"""Dates: never from a list of other articles, the stamp next to the title first, and no
date rather than a wrong one; the mojoPortal profile."""

from __future__ import annotations

from datetime import datetime

from vnreader.extract.content import extract
from vnreader.extract.metadata import VN_TZ
from vnreader.extract.profiles import find_profile
from vnreader.extract.stages.cleanup import parse

BODY = (
    "<p>Sáng 14/3, Hội Nông dân xã phối hợp với Trạm Khuyến nông huyện tổ chức lớp tập huấn "
    "kỹ thuật trồng dưa lưới trong nhà màng cho 40 hội viên của ba ấp.</p>"
    "<p>Tại lớp học, các học viên được hướng dẫn cách chọn giống, pha dinh dưỡng, điều chỉnh "
    "nhiệt độ và phòng trừ sâu bệnh, đồng thời tham quan mô hình của hộ ông Lê Văn Bảy.</p>"
    "<p>Dịp này, Hội Nông dân xã giới thiệu nguồn vốn vay ưu đãi để hội viên đầu tư nhà "
    "màng, mỗi hộ được vay tối đa 100 triệu đồng trong thời hạn 36 tháng.</p>"
)
TITLE = "Tập huấn kỹ thuật trồng dưa lưới trong nhà màng cho hội viên nông dân"
OTHERS = (
    '<div class="box"><h3>Tin mới</h3><div class="items">'
    '<div class="item"><a href="/a">Xã tổ chức hội nghị sơ kết công tác 6 tháng đầu năm</a>'
    '<span class="date">20/03/2024</span></div>'
    '<div class="item"><a href="/b">Khai giảng lớp xóa mù chữ cho 25 học viên của xã</a>'
    '<span class="date">18/03/2024</span></div>'
    "</div></div>"
)


def _page(article_head: str, after: str = OTHERS, before: str = "") -> str:
    return (
        f"<html><head><title>{TITLE}</title></head><body>{before}"
        f'<div class="main"><h1>{TITLE}</h1>{article_head}<div class="content">{BODY}</div>'
        f"</div>{after}</body></html>"
    )


def test_date_never_from_a_list_of_other_articles() -> None:
    # the article's stamp is in a box no generic selector names; the newest-articles box
    # after it has .date spans: the stamp under the title wins
    html = _page('<div class="thongtin">Cập nhật 15/03/2024 08:30</div>')
    assert extract(html).published == datetime(2024, 3, 15, 8, 30, tzinfo=VN_TZ)


def test_no_date_rather_than_a_date_of_another_article() -> None:
    assert extract(_page("")).published is None


def test_a_related_box_inside_the_body_gives_no_date() -> None:
    inside = (
        '<div class="content">' + BODY + '<div class="lienquan">'
        '<a href="/x">Nông dân ấp Phú Hữu thu lãi cao từ mô hình trồng dưa lưới</a>'
        '<span class="date">01/03/2024</span>'
        '<a href="/y">Huyện hỗ trợ hội viên vay vốn phát triển nông nghiệp công nghệ cao</a>'
        '<span class="date">22/02/2024</span></div></div>'
    )
    html = f"<html><body><h1>{TITLE}</h1>{inside}</body></html>"
    assert extract(html).published is None


def test_linked_date_is_a_teaser_not_the_article() -> None:
    after = '<ul><li><a href="/z"><span class="date">19/03/2024</span></a></li></ul>'
    assert extract(_page("", after=after)).published is None


def test_the_stamp_next_to_the_title_beats_a_later_one() -> None:
    html = _page(
        '<div class="meta">Thứ Sáu, 15/03/2024 - 08:30</div>',
        after='<div class="ghi-chu"><span class="date">22/03/2024</span></div>',
    )
    assert extract(html).published == datetime(2024, 3, 15, 8, 30, tzinfo=VN_TZ)


def test_a_clock_far_above_the_title_is_not_the_date() -> None:
    header = '<div class="top"><span class="date">Hôm nay: 25/03/2024</span></div>' + "".join(
        f'<div class="m"><a href="/{i}">Mục {i}</a></div>' for i in range(20)
    )
    assert extract(_page("", after="", before=header)).published is None


def test_mojoportal_profile_by_markup() -> None:
    html = (
        '<html><body><form id="frmMain"><div class="panelwrapper blogwrapper blogview">'
        f'<h2 class="moduletitle">{TITLE}</h2><div class="modulecontent">'
        '<div class="blogdate"><span class="blogauthor">admin</span>'
        '<span class="bdate">15/03/2024 2:05 CH</span></div>'
        f'<div class="blogtext">{BODY}</div>'
        '<div class="blogpager"><a class="postlink prevpost" href="/p">Bài trước</a></div>'
        "</div></div></form></body></html>"
    )
    assert find_profile(parse(html, "t"), None).name == "mojoportal"  # type: ignore[union-attr]
    article = extract(html)
    assert article.title == TITLE
    assert article.published == datetime(2024, 3, 15, 14, 5, tzinfo=VN_TZ)
    assert article.author is None  # "admin" posted it: never the author
    assert [b.text[:9] for b in article.blocks] == ["Sáng 14/3", "Tại lớp h", "Dịp này, "]


def test_a_stamp_line_with_its_category_links_keeps_its_date() -> None:
    # the stamp printed after the text, beside the article's two section links: sections
    # are no headlines of other articles
    meta = (
        '<div class="meta"><span class="date">15/03/2024 08:30</span> | Chuyên mục: '
        '<a href="/tt">Tin tức - Sự kiện</a>, <a href="/kt">Kinh tế - Xã hội</a></div>'
    )
    published = extract(_page("", after=meta)).published
    assert published == datetime(2024, 3, 15, 8, 30, tzinfo=VN_TZ)
