"""Page builders, question-and-answer pages, signatures and paths (held-out set 3's
families): each test is a general form, not one page."""

from __future__ import annotations

from datetime import datetime

import pytest

from vnreader.extract import extract_html
from vnreader.extract.content import author_from_line
from vnreader.extract.metadata import VN_TZ

PARAS = (
    "Sáng ngày 26/02/2024, Hội đồng Nghĩa vụ quân sự phường tổ chức lễ giao nhận quân cho 18 "
    "thanh niên trúng tuyển, trong đó có 3 đảng viên và 6 thanh niên có trình độ đại học.",
    "Tham dự buổi lễ có đại diện Ban Chỉ huy Quân sự thành phố, Thường trực Đảng ủy, HĐND, "
    "UBND, Ủy ban MTTQ Việt Nam phường cùng đông đảo gia đình tân binh và nhân dân.",
    "Phát biểu tại buổi lễ, lãnh đạo phường biểu dương tinh thần tự giác của các thanh niên, "
    "mong các tân binh rèn luyện bản lĩnh, kỷ luật, hoàn thành tốt nhiệm vụ được giao.",
)
TITLE = "Phường tổ chức lễ giao nhận quân năm 2024"


def _page(inner: str, *, top: str = "", head: str = "") -> str:
    return (
        f'<html><head><meta charset="utf-8"><title>{TITLE}</title>{head}</head><body>'
        '<div class="menu"><a href="/">Trang chủ</a> | <a href="/tt">Tin tức</a></div>'
        f'<div class="wrap">{top}<h1 class="t1">{TITLE}</h1>{inner}</div>'
        '<div class="f">Bản quyền thuộc UBND phường. Điện thoại: 0290.3xxx</div></body></html>'
    )


def _ps(*extra: str) -> str:
    return "".join(f"<p>{p}</p>" for p in PARAS) + "".join(extra)


# --- page builders: structural class names are no chrome -------------------------------


def _widget(kind: str, inner: str) -> str:
    return (
        f'<div class="elementor-element elementor-widget elementor-widget-{kind}">'
        f'<div class="elementor-widget-container">{inner}</div></div>'
    )


def test_elementor_post_content_widget_is_the_body() -> None:
    related = _widget(
        "posts",
        '<article class="elementor-post"><h3><a href="/a">Tuyên truyền Luật Nghĩa vụ quân sự '
        'tại các khu phố</a></h3><div class="elementor-post__text"><p>Nhằm nâng cao nhận thức '
        "của thanh niên trong độ tuổi gọi nhập ngũ, phường tổ chức tuyên truyền…</p></div>"
        "</article>",
    )
    inner = (
        _widget("theme-post-content", _ps())
        + _widget("share-buttons", '<span class="elementor-share-btn__title">Facebook</span>')
        + _widget("heading", "<h2>Bài viết liên quan</h2>")
        + related
    )
    art = extract_html(_page(inner))
    assert art.paragraphs == list(PARAS)


def test_a_text_widget_inside_the_body_is_kept() -> None:
    # Elementor pages built from several text widgets: each holds part of the article
    part2 = _widget("text-editor", f"<p>{PARAS[2]}</p>")
    body = f'<div class="entry-content"><p>{PARAS[0]}</p><p>{PARAS[1]}</p>{part2}</div>'
    art = extract_html(_page(body))
    assert art.paragraphs == list(PARAS)


def test_a_widget_without_prose_inside_the_body_is_cut() -> None:
    tools = _widget("icon-list", "<ul><li><a href='/in'>In bài</a></li><li>Gửi email</li></ul>")
    art = extract_html(_page(f'<div class="entry-content">{_ps(tools)}</div>'))
    assert art.paragraphs == list(PARAS)


def test_a_sidebar_widget_is_still_chrome() -> None:
    side = (
        '<div class="widget widget_recent_entries"><h3>Tin mới</h3><ul>'
        '<li><a href="/1">Phường ra quân tổng vệ sinh môi trường khu dân cư</a></li>'
        '<li><a href="/2">Khai giảng lớp bồi dưỡng kiến thức quốc phòng</a></li></ul></div>'
    )
    art = extract_html(_page(f'<div class="nd">{_ps()}</div>{side}'))
    assert art.paragraphs == list(PARAS)


# --- question-and-answer pages ----------------------------------------------------------

QA_INFO = '<div class="info">Người hỏi: Trần Văn Bé - Ngày hỏi: 02/02/2024</div>'


@pytest.mark.parametrize(
    "answer",
    [
        '<div class="coquan"><span>Cơ quan trả lời:</span> <span>Phòng Lao động - Thương '
        "binh và Xã hội huyện</span> <span>Ngày trả lời: 06/02/2024 10:20</span></div>",
        # the byline and its stamp as one line of the body
        "<p>Cơ quan trả lời: Phòng Lao động - Thương binh và Xã hội huyện Ngày trả lời: "
        "06/02/2024 10:20</p>",
    ],
)
def test_question_and_answer_page(answer: str) -> None:
    art = extract_html(
        _page(f'<div class="nd">{_ps(answer)}</div>', top="", head="").replace(
            '<h1 class="t1">' + TITLE + "</h1>", f'<h1 class="t1">{TITLE}</h1>{QA_INFO}'
        )
    )
    assert art.published == datetime(2024, 2, 6, 10, 20, tzinfo=VN_TZ)
    assert art.author == "Phòng Lao động - Thương binh và Xã hội huyện"
    assert art.paragraphs == list(PARAS)


def test_a_question_date_alone_is_a_last_resort() -> None:
    html = _page(f'<div class="nd">{_ps()}</div>').replace("</h1>", f"</h1>{QA_INFO}")
    assert extract_html(html).published == datetime(2024, 2, 2, tzinfo=VN_TZ)


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("Hạn góp ý: 30/04/2024 - Ngày đăng: 01/04/2024 08:00", datetime(2024, 4, 1, 8, 0)),
        ("Ngày gửi: 15/03/2024 | Ngày phản hồi: 20/03/2024 14:05", datetime(2024, 3, 20, 14, 5)),
    ],
)
def test_other_dates_lose_to_the_publication_label(stamp: str, expected: datetime) -> None:
    html = _page(f'<div class="nd">{_ps()}</div>').replace("</h1>", f"</h1><div>{stamp}</div>")
    assert extract_html(html).published == expected.replace(tzinfo=VN_TZ)


# --- signatures ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Tin: Văn Toàn - Trung tâm VH-TT&TT huyện", "Văn Toàn - Trung tâm VH-TT&TT huyện"),
        ("Phạm Thị Lụa - Văn phòng HĐND và UBND xã", "Phạm Thị Lụa - Văn phòng HĐND và UBND xã"),
        ("Nguyễn Thảo - CDC tỉnh", "Nguyễn Thảo - CDC tỉnh"),
        ("Đồ họa: Minh Anh", "Minh Anh"),
        ("Infographic: Minh Anh", "Minh Anh"),
        ("Thiết kế: Hoàng Hà", "Hoàng Hà"),
        ("Nội dung: Thu Hằng - Đồ họa: Minh Anh", "Thu Hằng"),
        ("Bài, ảnh: KIM THOA", "KIM THOA"),
        ("Cơ quan trả lời: Phòng Tư pháp huyện", "Phòng Tư pháp huyện"),
    ],
)
def test_signature_forms(line: str, name: str) -> None:
    assert author_from_line(line) == ("writer", name)
    art = extract_html(_page(f'<div class="nd">{_ps(f"<p>{line}</p>")}</div>'))
    assert art.author == name
    assert art.paragraphs == list(PARAS)


@pytest.mark.parametrize(
    "line",
    [
        # a sentence, not a person and an office
        "Hà Nội - thủ đô ngàn năm văn hiến của cả nước",
        "Nguyễn Văn A - người dân ấp 3 cho biết thêm",
        # the part after the dash names no office
        "Minh Khôi - Hội nghị đã thành công tốt đẹp.",
    ],
)
def test_not_a_signature(line: str) -> None:
    assert author_from_line(line) is None


# --- paths ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "crumb",
    [
        # Joomla's pathway: a label, image arrows, the current page unlinked
        '<div class="pathway">Bạn đang ở: <a href="/" class="pathway">Trang chủ</a> '
        '<img src="/images/arrow.png" alt=""> <a href="/ddh" class="pathway">Chỉ đạo - Điều '
        'hành</a> <img src="/images/arrow.png" alt=""> <span>' + TITLE + "</span></div>",
        # a section path with image arrows and no home link
        '<div class="cat-path"><a href="/kt">Kinh tế</a> <img src="/a.gif" alt=""> '
        '<a href="/kt/gt">Chỉ đạo - Điều hành</a></div>',
        # arrows as characters
        '<div class="x"><a href="/">Trang chủ</a> ▸ <a href="/ddh">Chỉ đạo - Điều hành</a></div>',
        '<div class="vi-tri">Vị trí: <a href="/">Trang chủ</a> ► <a href="/ddh">Chỉ đạo - Điều '
        "hành</a> ► <strong>Lời kêu gọi</strong></div>",
        # plain text
        "<div>Bạn đang ở: Trang chủ ▸ Chỉ đạo - Điều hành</div>",
    ],
)
def test_paths(crumb: str) -> None:
    art = extract_html(_page(f'<div class="nd">{_ps()}</div>', top=crumb))
    assert art.category == "Chỉ đạo - Điều hành"


def test_a_menu_with_image_separators_in_a_menu_box_is_no_path() -> None:
    menu = (
        '<div class="menu-top"><div><a href="/">Trang chủ</a> <img src="/sep.gif" alt=""> '
        '<a href="/gt">Giới thiệu</a> <img src="/sep.gif" alt=""> <a href="/lh">Liên hệ</a>'
        "</div></div>"
    )
    art = extract_html(_page(f'<div class="nd">{_ps()}</div>', top=menu))
    assert art.category is None
