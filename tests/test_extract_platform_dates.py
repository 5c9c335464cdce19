"""The ways portal platforms print a date and lay out an article, read by the generic
path: month names (Vietnamese, short, English), SA/CH and AM/PM, a weekday first,
Drupal's default format, a stamp above the title, lightbox photos, headline lists inside
the body, a main column named like a sidebar."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.test_extract_dates import BODY, TITLE
from vnreader.extract.content import extract
from vnreader.extract.metadata import VN_TZ, is_date_stamp, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # NukeViet 4: weekday first, then " - "
        ("Thứ ba - 06/08/2024 10:25", (2024, 8, 6, 10, 25)),
        # .NET vi-VN general date (DNN, mojoPortal): SA/CH
        ("12/08/2024 9:05:00 SA", (2024, 8, 12, 9, 5)),
        ("08/08/2024 3:40 CH", (2024, 8, 8, 15, 40)),
        # Joomla/K2 vi-VN: the month in words, digits or names
        ("Thứ hai, 12 Tháng Tám 2024 07:45", (2024, 8, 12, 7, 45)),
        ("Thứ hai, 27 Tháng 5 2024 16:20", (2024, 5, 27, 16, 20)),
        # the short Vietnamese month of Intl/CLDR
        ("05 Th8 2024", (2024, 8, 5, 0, 0)),
        ("5 thg 8, 2024 14:20", (2024, 8, 5, 14, 20)),
        # English month names with AM/PM (a site left in the en-US culture)
        ("August 14, 2024 2:30 PM", (2024, 8, 14, 14, 30)),
        ("Monday, August 5, 2024", (2024, 8, 5, 0, 0)),
        ("5th August 2024, 9:15 AM", (2024, 8, 5, 9, 15)),
        ("05 Aug 2024", (2024, 8, 5, 0, 0)),
        # Drupal's default medium format is month first; a plain d/m/Y stays day first
        ("Mon, 08/05/2024 - 09:15", (2024, 8, 5, 9, 15)),
        ("Thứ Hai, 05/08/2024 - 09:15", (2024, 8, 5, 9, 15)),
    ],
)
def test_platform_stamps(text: str, expected: tuple[int, int, int, int, int]) -> None:
    assert parse_date(text) == datetime(*expected, tzinfo=VN_TZ)
    assert is_date_stamp(text)


@pytest.mark.parametrize(
    "text",
    ["may mặc 2024 tăng 5 năm", "Tháng 5 năm 2024 có 31 ngày", "Lúc 9 giờ, đoàn đến xã"],
)
def test_no_date_in_ordinary_text(text: str) -> None:
    assert parse_date(text) is None


def test_last_update_line_is_a_stamp_not_the_signature() -> None:
    # Joomla 1.5's "modifydate" row closes the article under the signature
    assert is_date_stamp("Lần cập nhật cuối ( Thứ ba, 28 Tháng 5 2024 08:10 )")
    html = (
        f"<html><body><table><tr><td class='contentheading'>{TITLE}</td></tr></table>"
        "<table><tr><td>" + BODY + "<p align='right'><strong>Minh Luân</strong></p></td></tr>"
        "<tr><td class='modifydate'>Lần cập nhật cuối ( Thứ ba, 28 Tháng 5 2024 08:10 )"
        "</td></tr></table></body></html>"
    )
    article = extract(html)
    assert article.author == "Minh Luân"
    assert article.published == datetime(2024, 5, 28, 8, 10, tzinfo=VN_TZ)


def test_stamp_above_the_title_in_its_header_box() -> None:
    html = (
        "<html><body><div class='top'>Thứ Hai, 12/08/2024</div>"
        "<div class='item'><div class='head'><span>Thứ hai, 05 Tháng 8 2024 07:45</span>"
        f"<h2>{TITLE}</h2><span>Viết bởi Super User</span></div>"
        f"<div class='full'>{BODY}</div></div></body></html>"
    )
    article = extract(html)
    assert article.published == datetime(2024, 8, 5, 7, 45, tzinfo=VN_TZ)
    assert article.author is None


def test_lightbox_photo_above_the_body_keeps_caption_and_credit() -> None:
    html = (
        f"<html><body><div class='item'><h2 class='t'>{TITLE}</h2>"
        "<div class='img'><span class='itemImage'><a href='/media/big.jpg' rel='lightbox'>"
        "<img src='/media/l.jpg' width='600' height='400'></a></span>"
        "<span class='itemImageCaption'>Hội viên thực hành pha dinh dưỡng cho dưa lưới</span>"
        "<span class='itemImageCredits'>Ảnh: Thu Hà</span></div>"
        f"<div class='full'>{BODY}</div></div></body></html>"
    )
    article = extract(html)
    assert [i.caption for i in article.images] == [
        "Hội viên thực hành pha dinh dưỡng cho dưa lưới Ảnh: Thu Hà"
    ]


def test_headline_list_inside_the_body_is_not_read() -> None:
    related = (
        "<ul class='list-x'><li><a href='/a'>Nông dân ấp Phú Hữu thu lãi cao từ dưa lưới</a></li>"
        "<li><a href='/b'>Huyện hỗ trợ vốn phát triển nông nghiệp công nghệ cao</a></li></ul>"
    )
    steps = "<ul><li>Chọn giống phù hợp với nhà màng.</li><li>Pha dinh dưỡng đúng tỉ lệ.</li></ul>"
    html = f"<html><body><h1>{TITLE}</h1><div class='c'>{BODY}{related}{steps}</div></body></html>"
    texts = [b.text for b in extract(html).blocks]
    assert "Chọn giống phù hợp với nhà màng." in texts
    assert not any("Phú Hữu thu lãi" in t for t in texts)


def test_lead_in_a_main_column_named_like_a_sidebar() -> None:
    lead = "Ba ấp của xã có 40 hội viên học trồng dưa lưới trong nhà màng, mỗi hộ được vay vốn."
    html = (
        f"<html><body><div class='sidebar-1'><h1 class='title-detail'>{TITLE}</h1>"
        f"<p class='description'>{lead}</p><article class='fck_detail'>{BODY}</article>"
        "</div></body></html>"
    )
    assert extract(html, profiles=()).lead == lead


def _blog_post(footer: str) -> str:
    return (
        "<html><body><div class='blog'><h2 class='date-header'><span>Thứ Ba, 3 tháng 9, 2024"
        f"</span></h2><div class='post hentry'><h3 class='post-title'>{TITLE}</h3>"
        f"<div class='post-body'>{BODY}</div><div class='post-footer'>{footer}</div>"
        "</div></div></body></html>"
    )


def test_day_header_takes_the_time_from_the_posts_own_permalink() -> None:
    # Blogger: the day above the post, the time in the footer, inside the permalink
    footer = (
        "<span class='post-timestamp'>vào lúc <a class='timestamp-link' href='/p.html' "
        "rel='bookmark'><abbr class='published' title='2024-09-03T07:30:00+07:00'>07:30"
        "</abbr></a></span>"
    )
    published = extract(_blog_post(footer), profiles=()).published
    assert published == datetime(2024, 9, 3, 7, 30, tzinfo=VN_TZ)


def test_a_linked_time_of_another_day_does_not_replace_the_day() -> None:
    footer = "<a href='/other.html'><span class='date'>05/09/2024 10:00</span></a>"
    published = extract(_blog_post(footer), profiles=()).published
    assert published == datetime(2024, 9, 3, 0, 0, tzinfo=VN_TZ)


def test_labelled_category_in_the_posts_footer() -> None:
    footer = "<span class='post-labels'>Nhãn: <a href='/label/tin'>Tin tức</a></span>"
    assert extract(_blog_post(footer), profiles=()).category == "Tin tức"


def test_a_side_box_listing_categories_is_no_label_line() -> None:
    side = (
        "<div class='sidebar'><div class='box'>Chuyên mục: <a href='/a'>Tin tức</a> "
        "<a href='/b'>Thông báo</a> <a href='/c'>Văn bản</a> <a href='/d'>Lịch</a></div></div>"
    )
    html = f"<html><body><h1>{TITLE}</h1><div class='c'>{BODY}</div>{side}</body></html>"
    assert extract(html, profiles=()).category is None


@pytest.mark.parametrize(
    "line",
    [
        "Tổng số điểm của bài viết là: 0 trong 0 đánh giá",  # NukeViet rating
        "Click để đánh giá bài viết",
        "Chú ý: Việc đăng lại bài viết trên ở website hoặc các phương tiện truyền thông "
        "khác mà không ghi rõ nguồn là vi phạm bản quyền",
        "Thẻ: đua bò, Bảy Núi",  # K2 tags
        "< Lùi",  # Joomla 1.5 pager
        "Bài đăng Mới hơn",  # Blogger pager
    ],
)
def test_platform_chrome_lines_are_not_read(line: str) -> None:
    html = f"<html><body><h1>{TITLE}</h1><div class='c'>{BODY}<p>{line}</p></div></body></html>"
    texts = [b.text for b in extract(html).blocks]
    assert len(texts) == 3
    assert line not in texts


@pytest.mark.parametrize(
    "heading", ["Bài viết liên quan", "Những tin mới hơn", "Có liên quan", "Đăng nhận xét"]
)
def test_other_articles_headings_end_the_body(heading: str) -> None:
    tail = f"<p>{heading}</p><p>Một dòng sau tiêu đề danh sách, không thuộc bài viết này.</p>"
    html = f"<html><body><h1>{TITLE}</h1><div class='c'>{BODY}{tail}</div></body></html>"
    assert len(extract(html).blocks) == 3


def test_sentences_that_start_like_chrome_stay() -> None:
    kept = [
        "Thẻ bảo hiểm y tế được cấp miễn phí cho 1.200 người cao tuổi trong xã.",
        "Có liên quan đến vụ việc, công an xã đã mời ba người lên làm việc.",
    ]
    extra = "".join(f"<p>{k}</p>" for k in kept)
    html = f"<html><body><h1>{TITLE}</h1><div class='c'>{BODY}{extra}</div></body></html>"
    texts = [b.text for b in extract(html).blocks]
    assert texts[-2:] == kept


def test_an_italic_note_after_the_lead_photo_is_its_caption() -> None:
    html = (
        f"<html><body><div class='news'><h1>{TITLE}</h1><div id='hometext'>"
        "<div class='imghome'><a href='/u/big.jpg' rel='shadowbox'>"
        "<img src='/a/small.jpg' width='200' height='150'></a>"
        "<em>Hội viên thực hành pha dinh dưỡng cho dưa lưới</em></div>"
        "<h2>Ba ấp của xã có 40 hội viên học trồng dưa lưới trong nhà màng năm nay.</h2>"
        f"</div><div class='bodytext'>{BODY}</div></div></body></html>"
    )
    article = extract(html, profiles=())
    assert article.lead == "Ba ấp của xã có 40 hội viên học trồng dưa lưới trong nhà màng năm nay."
    assert [i.caption for i in article.images] == ["Hội viên thực hành pha dinh dưỡng cho dưa lưới"]
    assert len(article.blocks) == 3
