"""Article extraction: the seed and the development pages against their gold, and focused
units (dates, bylines, file-name lines, boilerplate, text cleanup, captions, errors)."""

from __future__ import annotations

import json
import unicodedata
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from vnreader.errors import DataError, ExtractError
from vnreader.extract import extract_bytes, extract_html
from vnreader.extract.content import author_from_line, clean_text, is_file_name
from vnreader.extract.metadata import is_date_stamp, parse_date, parse_iso
from vnreader.extract.profiles import find_profile, load_profiles, parse_profile

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
FIELDS = ("title", "lead", "published", "author", "category", "paragraphs", "captions")
VN = timezone(timedelta(hours=7))


def _page(body: str, head: str = "", title: str = "Trang tin") -> str:
    return (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title>'
        f"{head}</head><body>{body}</body></html>"
    )


def _para(n: int) -> str:
    """Distinct, realistic body paragraphs (long enough to be an article's text)."""
    texts = [
        "Sáng ngày 12/3, Ủy ban nhân dân huyện tổ chức hội nghị sơ kết công tác cải cách "
        "hành chính quý I, đánh giá kết quả triển khai dịch vụ công trực tuyến tại các xã.",
        "Theo báo cáo, trong quý I toàn huyện tiếp nhận 4.215 hồ sơ, giải quyết đúng hạn "
        "98,6%; tỷ lệ hồ sơ nộp trực tuyến đạt 46%, tăng 12% so với cùng kỳ năm trước.",
        "Phát biểu chỉ đạo, đồng chí Chủ tịch UBND huyện yêu cầu các phòng, ban chuyên môn "
        "tiếp tục rà soát thủ tục, niêm yết công khai và hướng dẫn người dân tận tình.",
        "Dịp này, UBND huyện khen thưởng 5 tập thể và 12 cá nhân có thành tích xuất sắc "
        "trong thực hiện cơ chế một cửa, một cửa liên thông giai đoạn 2021 - 2023.",
    ]
    return texts[n % len(texts)]


def _article(extra_top: str = "", extra_body: str = "", extra_bottom: str = "") -> str:
    body = "".join(f"<p>{_para(i)}</p>" for i in range(4))
    return _page(
        '<div class="header"><a href="/">Trang chủ</a> <a href="/gt">Giới thiệu</a></div>'
        f'<div class="main"><h1>Hội nghị sơ kết cải cách hành chính quý I</h1>{extra_top}'
        f'<div class="content">{body}{extra_body}</div>{extra_bottom}</div>'
        '<div class="footer"><p>Cơ quan chủ quản: UBND huyện. Điện thoại: 0297.3836.123</p></div>'
    )


# --- the seed and the development set -----------------------------------------------


def _gold_cases() -> list[Path]:
    return sorted(PAGES.glob("*.html"))


def test_seed_cleans_to_exactly_its_gold() -> None:
    html = PAGES / "tanhiep_seed.html"
    gold = json.loads(html.with_suffix(".json").read_text("utf-8"))
    art = extract_bytes(html.read_bytes())
    got = art.to_dict()
    for key in FIELDS:
        assert got[key] == gold[key], key
    assert art.published == datetime(2019, 12, 19, 15, 53, tzinfo=VN)
    assert art.published.isoformat() == "2019-12-19T15:53:00+07:00"
    assert art.author == "Tiến Đức"
    assert all(b.kind == "paragraph" for b in art.blocks)


@pytest.mark.parametrize("html", _gold_cases(), ids=lambda p: p.stem)
def test_page_matches_gold(html: Path) -> None:
    gold = json.loads(html.with_suffix(".json").read_text("utf-8"))
    got = extract_bytes(html.read_bytes(), url=gold.get("url")).to_dict()
    for key in FIELDS:
        assert got[key] == gold[key], key


# --- dates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("(15:53 | 19/12/2019)", (2019, 12, 19, 15, 53)),
        ("Cập nhật ngày: 19/12/2019", (2019, 12, 19, 0, 0)),
        ("Ngày đăng: 19/12/2019 15:53", (2019, 12, 19, 15, 53)),
        ("Thứ Năm, 19/12/2019 - 15:53", (2019, 12, 19, 15, 53)),
        ("19/12/2019 15:53:00", (2019, 12, 19, 15, 53)),
        ("15:53 19/12/2019", (2019, 12, 19, 15, 53)),
        ("Thứ năm, 19/12/2019, 15:53 (GMT+7)", (2019, 12, 19, 15, 53)),
        ("Chủ nhật, 5/1/2020 | 07:00", (2020, 1, 5, 7, 0)),
        ("19/12/2019 15:53 GMT+7", (2019, 12, 19, 15, 53)),
        ("19-12-2019 15h53", (2019, 12, 19, 15, 53)),
        ("Ngày 19 tháng 12 năm 2019", (2019, 12, 19, 0, 0)),
        ("Thứ Sáu, 27/12/2019 - 10:00", (2019, 12, 27, 10, 0)),
        ("2019-12-19 15:53", (2019, 12, 19, 15, 53)),
        ("Tháng 6 13, 2024", (2024, 6, 13, 0, 0)),
        ("13 Tháng Sáu, 2024", (2024, 6, 13, 0, 0)),
        ("Tháng Mười Hai 5, 2023 lúc 3:05 chiều", (2023, 12, 5, 15, 5)),
        ("19/12/2019 03:53 CH", (2019, 12, 19, 15, 53)),
    ],
)
def test_portal_stamps(stamp: str, expected: tuple[int, ...]) -> None:
    assert parse_date(stamp) == datetime(*expected, tzinfo=VN)


def test_other_offsets_are_converted_and_naive_is_local() -> None:
    assert parse_iso("2019-12-19T08:53:00Z") == datetime(2019, 12, 19, 15, 53, tzinfo=VN)
    assert parse_iso("2019-12-19T09:53:00+01:00") == datetime(2019, 12, 19, 15, 53, tzinfo=VN)
    assert parse_iso("2019-12-19T15:53:00") == datetime(2019, 12, 19, 15, 53, tzinfo=VN)
    assert parse_date("19/12/2019 08:53 GMT+0") == datetime(2019, 12, 19, 15, 53, tzinfo=VN)
    dt = parse_iso("Thu, 19 Dec 2019 08:53:00 +0000")
    assert dt == datetime(2019, 12, 19, 15, 53, tzinfo=VN)
    assert dt.utcoffset() == timedelta(hours=7)


@pytest.mark.parametrize(
    "text",
    ["", "Lượt xem: 1.245", "32/13/2019", "Điện thoại: 0297.3836.123", "Chỉ thị 05", "1/2"],
)
def test_no_date_is_none(text: str) -> None:
    assert parse_date(text) is None


def test_date_stamp_lines() -> None:
    assert is_date_stamp("(15:53 | 19/12/2019)")
    assert is_date_stamp("Thứ năm, 19/12/2019, 15:53 (GMT+7)")
    assert not is_date_stamp("Sáng 19/12/2019, UBND huyện tổ chức hội nghị tổng kết.")


def test_page_without_a_date_gives_none_not_a_guess() -> None:
    # today's date in the header, dates in the related list and the footer: none is the
    # article's
    html = _page(
        '<div class="top"><span class="today">Thứ Hai, 12/05/2025</span></div>'
        "<h1>Ra quân vệ sinh môi trường tại các ấp</h1>"
        f'<div class="content"><p>{_para(0)}</p><p>{_para(1)}</p></div>'
        '<div class="tin-khac"><h3>Tin khác</h3><ul><li><a href="/a">Tin một</a> '
        "(10:20 | 18/12/2019)</li><li><a href=/b>Tin hai</a> (08:05 | 16/12/2019)</li></ul></div>"
        '<div class="footer">Cập nhật lần cuối 01/01/2024</div>'
    )
    art = extract_html(html)
    assert art.published is None
    assert art.title == "Ra quân vệ sinh môi trường tại các ấp"


def test_meta_and_json_ld_dates() -> None:
    meta = '<meta property="article:published_time" content="2023-06-02T01:10:00Z">'
    art = extract_html(_page(f"<h1>Tiêu đề bài viết thử</h1><div><p>{_para(0)}</p></div>", meta))
    assert art.published == datetime(2023, 6, 2, 8, 10, tzinfo=VN)
    ld = (
        '<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", '
        '"datePublished": "2022-11-02T07:30:00+07:00"}]}</script>'
    )
    art = extract_html(_page(f"<h1>Tiêu đề bài viết thử</h1><div><p>{_para(1)}</p></div>", ld))
    assert art.published == datetime(2022, 11, 2, 7, 30, tzinfo=VN)


def test_visible_stamp_under_the_title() -> None:
    html = _article(extra_top='<div class="info">Thứ Năm, 19/12/2019 - 15:53</div>')
    assert extract_html(html).published == datetime(2019, 12, 19, 15, 53, tzinfo=VN)


# --- bylines ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Tiến Đức", ("writer", "Tiến Đức")),
        ("Tin, ảnh: Nguyễn Văn A", ("writer", "Nguyễn Văn A")),
        ("Bài và ảnh: Thanh Tâm", ("writer", "Thanh Tâm")),
        ("Theo Báo Kiên Giang", ("source", "Báo Kiên Giang")),
        ("(Nguồn: Báo Kiên Giang)", ("source", "Báo Kiên Giang")),
        ("PV", ("writer", "PV")),
        ("Minh Khôi - Thanh Tâm", ("writer", "Minh Khôi - Thanh Tâm")),
        ("Ngọc Trâm (TTXVN)", ("writer", "Ngọc Trâm (TTXVN)")),
        ("VĨNH HÀ", ("writer", "VĨNH HÀ")),
    ],
)
def test_bylines(line: str, expected: tuple[str, str]) -> None:
    assert author_from_line(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Hội nghị kết thúc lúc 11 giờ cùng ngày.",
        "Theo kế hoạch, hội nghị diễn ra trong hai ngày.",
        "Tin liên quan",
        "Kết luận",
        "Trân trọng cảm ơn!",
        "Đức",  # one plain word is not taken as a name unless set apart (bold/right)
    ],
)
def test_not_bylines(line: str) -> None:
    assert author_from_line(line) is None


def test_one_word_signature_when_set_apart() -> None:
    assert author_from_line("Hùng", emphasized=True) == ("writer", "Hùng")


@pytest.mark.parametrize(
    ("signature", "author"),
    [
        ('<p style="text-align: right;"><strong>Tiến Đức</strong></p>', "Tiến Đức"),
        ("<p>Tin, ảnh: Nguyễn Văn A</p>", "Nguyễn Văn A"),
        ("<p><em>Theo Báo Kiên Giang</em></p>", "Báo Kiên Giang"),
        ("<p>Ngọc Trâm (TTXVN)</p>", "Ngọc Trâm (TTXVN)"),
        (
            '<p align="right"><b>Minh Khôi - Thanh Tâm</b></p><p>(Nguồn: TTXVN)</p>',
            "Minh Khôi - Thanh Tâm",
        ),
        ('<div align="right"><b>Phòng Kinh tế và Hạ tầng</b></div>', "Phòng Kinh tế và Hạ tầng"),
    ],
)
def test_signature_goes_to_author_never_to_body(signature: str, author: str) -> None:
    art = extract_html(_article(extra_body=signature))
    assert art.author == author
    assert len(art.paragraphs) == 4
    assert all(author not in p for p in art.paragraphs)


def test_last_sentence_is_not_taken_for_a_byline() -> None:
    art = extract_html(_article(extra_body="<p>Hội nghị kết thúc cùng ngày.</p>"))
    assert art.author is None
    assert art.paragraphs[-1] == "Hội nghị kết thúc cùng ngày."


# --- file names, boilerplate, text cleanup ------------------------------------------


def test_file_name_lines() -> None:
    assert is_file_name("HOI NGHI HOP BCH HUYEN UY MƠ RỘNG.jpg")
    assert is_file_name("IMG_2034.JPG")
    assert is_file_name("anh-hoi-nghi (1).png")
    assert not is_file_name("Ảnh: Hội nghị tổng kết năm 2019.")
    assert not is_file_name("Xem tại website huyen.gov.vn")


def test_file_name_paragraph_dropped_from_the_body() -> None:
    art = extract_html(
        _article(
            extra_body='<p style="text-align:center"><img src="/a/hop.jpg"></p>'
            '<p style="text-align:center">&nbsp;HOP MAT DAU XUAN 2020.JPG</p>'
        )
    )
    assert not any(".JPG" in p for p in art.paragraphs)
    assert art.captions == []
    assert [i.src for i in art.images] == ["/a/hop.jpg"]


def test_boilerplate_is_dropped() -> None:
    chrome_top = (
        '<div class="tools">Xem với cỡ chữ <a href="#">A</a> <a href="#">A</a></div>'
        '<div class="breadcrumb"><a href="/">Trang chủ</a> &gt; <a href="/tt">Tin tức</a> &gt; '
        "<a href=/cc>Cải cách hành chính</a></div>"
    )
    chrome_body = (
        "<p>In bài viết | Gửi email | Về đầu trang</p><p>Chia sẻ: Facebook Zalo</p>"
        "<p>Lượt xem: 1.245</p><p>&nbsp;</p><p>\u200b</p>"
        "<h3>Tin liên quan</h3><ul><li><a href=/x>Một bài khác khá dài về cải cách hành chính "
        "ở các xã</a></li></ul>"
    )
    chrome_bottom = (
        '<div class="comment-form"><h3>Ý kiến bạn đọc</h3><p>Họ tên</p><p>Email</p></div>'
        '<div class="tags">Từ khóa: cải cách, hành chính</div>'
    )
    art = extract_html(_article(chrome_top, chrome_body, chrome_bottom))
    text = " ".join(art.paragraphs)
    for phrase in ("cỡ chữ", "In bài", "Gửi email", "Chia sẻ", "Lượt xem", "Tin liên quan"):
        assert phrase not in text
    for phrase in ("bài khác", "Ý kiến", "Từ khóa", "Cơ quan chủ quản", "Trang chủ"):
        assert phrase not in text
    assert art.paragraphs == [_para(i) for i in range(4)]
    assert art.category == "Cải cách hành chính"


def test_clean_text() -> None:
    nfd = unicodedata.normalize("NFD", "Huyện Tân Hiệp, Tiến Đức")
    assert nfd != "Huyện Tân Hiệp, Tiến Đức"
    assert clean_text(nfd) == "Huyện Tân Hiệp, Tiến Đức"
    assert clean_text("Tân\u00a0\u00a0Hiệp\u200b \u2002 huyện\ufeff") == "Tân Hiệp huyện"
    assert clean_text("  a \n\t b  ") == "a b"


def test_page_text_is_nfc_and_spaces_are_clean() -> None:
    para = "Hội nghị có 100  đại biểu tham dự, tại hội trường UBND huyện."
    raw = unicodedata.normalize("NFD", para).replace("100  ", "100\u00a0\u00a0\u200b")
    html = _page(f"<h1>Tiêu đề thử nghiệm khá dài</h1><div><p>{raw}</p><p>{_para(1)}</p></div>")
    assert extract_html(html).paragraphs[0] == para.replace("100  ", "100 ")


def test_double_br_separates_paragraphs_in_a_div_body() -> None:
    body = "<br><br>".join(_para(i) for i in range(3))
    body = body.replace("UBND huyện yêu cầu", "UBND huyện<br>yêu cầu")  # a wrapped line
    html = _page(f'<h1>Tiêu đề bài viết thử</h1><div class="noidung">{body}</div>')
    art = extract_html(html)
    assert art.paragraphs == [_para(0), _para(1), _para(2)]


# --- lead, captions, headings -------------------------------------------------------


def test_lead_from_its_own_element_and_never_a_body_copy() -> None:
    sapo = "UBND huyện sơ kết công tác cải cách hành chính quý I với nhiều kết quả tích cực."
    art = extract_html(_article(extra_top=f'<div class="sapo">{sapo}</div>'))
    assert art.lead == sapo
    assert sapo not in art.paragraphs
    # the meta description copies the first paragraph: it is not a lead
    head = f'<meta name="description" content="{_para(0)}">'
    html = _article().replace("</head>", head + "</head>")
    art = extract_html(html)
    assert art.lead is None
    assert art.paragraphs[0] == _para(0)


def test_bold_first_paragraph_is_the_lead() -> None:
    body = f"<p><strong>{_para(0)}</strong></p>" + "".join(f"<p>{_para(i)}</p>" for i in (1, 2))
    art = extract_html(_page(f"<h1>Tiêu đề bài viết thử</h1><div>{body}</div>"))
    assert art.lead == _para(0)
    assert art.paragraphs == [_para(1), _para(2)]


def test_captions() -> None:
    figure = '<figure><img src="/i/1.jpg"><figcaption>Quang cảnh hội nghị.</figcaption></figure>'
    table = (
        '<table class="image"><tr><td><img src="/i/2.jpg"></td></tr>'
        "<tr><td>Lãnh đạo huyện trao giấy khen.</td></tr></table>"
    )
    italic = '<p><img src="/i/3.jpg"></p><p><em>Đại biểu tham quan mô hình.</em></p>'
    art = extract_html(
        _article(extra_body=f"{figure}<p>{_para(1)}X</p>{table}{italic}<p>{_para(2)}Y</p>")
    )
    assert art.captions == [
        "Quang cảnh hội nghị.",
        "Lãnh đạo huyện trao giấy khen.",
        "Đại biểu tham quan mô hình.",
    ]
    assert not any("giấy khen." == p or "mô hình." in p for p in art.paragraphs)


def test_headings_inside_the_body() -> None:
    body = f"<p>{_para(0)}</p><h3>1. Kết quả đạt được</h3><p>{_para(1)}</p>"
    art = extract_html(_page(f"<h1>Tiêu đề bài viết thử</h1><div>{body}</div>"))
    assert [b.kind for b in art.blocks] == ["paragraph", "heading", "paragraph"]


def test_title_drops_the_site_suffix_when_only_the_title_tag_names_it() -> None:
    html = _page(
        f'<div class="box"><p>{_para(0)}</p><p>{_para(1)}</p></div>',
        title="Ra quân tháng thanh niên năm 2024 - Cổng thông tin điện tử huyện Tân Hiệp",
    )
    assert extract_html(html).title == "Ra quân tháng thanh niên năm 2024"


# --- profiles -----------------------------------------------------------------------


def test_shipped_profiles_load_and_cover_the_platforms() -> None:
    names = {p.name for p in load_profiles()}
    assert {"gov-portal-article", "vnexpress", "vccms", "liferay", "sharepoint"} <= names


def test_profiles_match_by_host_and_by_signature() -> None:
    from lxml import html as lxml_html

    doc = lxml_html.document_fromstring("<html><body><p>x</p></body></html>")
    assert find_profile(doc, "vnexpress.net").name == "vnexpress"
    assert find_profile(doc, "www.tuoitre.vn").name == "vccms"
    assert find_profile(doc, "example.org") is None
    doc = lxml_html.document_fromstring(
        '<html><body><div class="ArticleContent"><p>x</p></div></body></html>'
    )
    assert find_profile(doc, "tanhiep.kiengiang.gov.vn").name == "gov-portal-article"


def test_bad_profiles_are_reported_clearly() -> None:
    with pytest.raises(DataError, match="unknown fields"):
        parse_profile('name = "x"\n[fields]\nbodyy = ["div"]\n', "x.toml")
    with pytest.raises(DataError, match="bad selector"):
        parse_profile('name = "x"\n[fields]\nbody = ["div[["]\n', "x.toml")
    prof = parse_profile('name = "x"\n[fields]\nbody = ["xpath://div[@id=\'a\']"]\n', "x.toml")
    assert prof.body[0].source.startswith("xpath:")


# --- errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"title": "x", "body": "y"}', "JSON, not HTML"),
        ("Chỉ là một dòng chữ thường, không phải trang web.", "plain text, not HTML"),
        ("   ", "empty"),
        (_page('<div class="menu"><a href="/">Trang chủ</a></div>'), "no body text"),
    ],
)
def test_errors_are_one_line(text: str, message: str) -> None:
    with pytest.raises(ExtractError, match=message) as info:
        extract_html(text, "http://example.gov.vn/a.html")
    assert "\n" not in str(info.value)
    assert str(info.value).startswith("no article found in http://example.gov.vn/a.html")


def test_vnexpress_layout() -> None:
    html = _page(
        '<section class="section page-detail"><div class="sidebar-1">'
        '<div class="header-content"><ul class="breadcrumb"><li><a href="/thoi-su">Thời sự</a>'
        '</li><li><a href="/thoi-su/giao-thong">Giao thông</a></li></ul>'
        '<span class="date">Thứ năm, 19/12/2019, 15:53 (GMT+7)</span></div>'
        '<h1 class="title-detail">Cấm xe tải trên 10 tấn vào nội đô giờ cao điểm</h1>'
        '<p class="description"><span class="location-stamp">TP HCM</span>Xe tải trên 10 tấn '
        "không được vào nội đô từ 6h đến 22h theo quyết định mới của thành phố.</p>"
        '<article class="fck_detail "><p class="Normal">' + _para(0) + "</p>"
        '<figure class="tplCaption"><div class="fig-picture"><picture><img class="lazy" '
        'src="data:image/gif;base64,R0lGOD" data-src="https://i1.example.net/a.jpg"></picture>'
        '</div><figcaption><p class="Image">Xe tải trên đường Võ Văn Kiệt. Ảnh: <em>Gia Minh'
        "</em></p></figcaption></figure>"
        '<div class="box-tinlienquanv2"><article><h4><a href="/x">Một tin liên quan dài về '
        "giao thông thành phố</a></h4></article></div>"
        f'<p class="Normal">{_para(1)}</p>'
        '<p class="Normal" style="text-align:right;"><strong>Gia Minh</strong></p></article>'
        '<div class="footer-content"><div class="tags"><a href="/t">Xe tải</a></div></div>'
        "</div></section>"
    )
    art = extract_html(html, "https://vnexpress.net/cam-xe-tai-4030000.html")
    assert art.title == "Cấm xe tải trên 10 tấn vào nội đô giờ cao điểm"
    assert art.lead is not None and art.lead.startswith("TP HCM - Xe tải trên 10 tấn")
    assert art.published == datetime(2019, 12, 19, 15, 53, tzinfo=VN)
    assert art.category == "Giao thông"
    assert art.author == "Gia Minh"
    assert art.paragraphs == [_para(0), _para(1)]
    assert art.images[0].src == "https://i1.example.net/a.jpg"
    assert art.captions == ["Xe tải trên đường Võ Văn Kiệt. Ảnh: Gia Minh"]


def test_several_roles_on_one_line() -> None:
    assert author_from_line("Tin: Minh Khôi - Ảnh: Thanh Tâm") == ("writer", "Minh Khôi")


def test_sidebar_text_before_the_title_is_not_the_body() -> None:
    intro = "".join(f"<p>{_para(i)} Giới thiệu chung về xã.</p>" for i in range(3))
    html = _page(
        f'<div class="row"><div class="col-3"><div class="panel">{intro}</div></div>'
        '<div class="col-9"><h1 class="title">Thông báo nghỉ Tết Dương lịch 2025</h1>'
        '<div class="body"><p>UBND xã thông báo: cán bộ, công chức xã được nghỉ Tết Dương '
        "lịch 01 ngày.</p><p>Bộ phận Một cửa bố trí trực giải quyết việc khẩn cấp.</p></div>"
        "</div></div>",
        title="Thông báo nghỉ Tết Dương lịch 2025 - Cổng TTĐT xã Tân Thành",
    )
    art = extract_html(html)
    assert art.paragraphs == [
        "UBND xã thông báo: cán bộ, công chức xã được nghỉ Tết Dương lịch 01 ngày.",
        "Bộ phận Một cửa bố trí trực giải quyết việc khẩn cấp.",
    ]


def test_logo_h1_title_h2_and_a_stamp_with_no_class_names() -> None:
    body = "<br><br>".join(_para(i) for i in range(3))
    html = _page(
        '<div id="top"><h1 class="logo"><a href="/">ỦY BAN NHÂN DÂN XÃ VĨNH HÒA</a></h1>'
        "<div>Hôm nay: Thứ Ba, 14/05/2024</div></div>"
        '<table><tr><td width="25%"><b>VĂN BẢN MỚI</b><div><a href="/vb/1">Quyết định số '
        "125/QĐ-UBND ngày 10/5/2024 về việc ban hành kế hoạch phòng chống thiên tai</a></div>"
        "</td><td><h2>Xã Vĩnh Hòa ra quân hưởng ứng Ngày Môi trường thế giới</h2>"
        f"<div>Ngày đăng: 05/06/2024 | 09:30</div><div>{body}</div>"
        "<div><b>Các tin khác:</b></div><div>- <a href=/tt/1>Xã tổ chức hội nghị sơ kết 6 "
        "tháng</a> (01/06/2024)</div></td></tr></table>",
        title="UBND xã Vĩnh Hòa",
    )
    art = extract_html(html)
    assert art.title == "Xã Vĩnh Hòa ra quân hưởng ứng Ngày Môi trường thế giới"
    assert art.published == datetime(2024, 6, 5, 9, 30, tzinfo=VN)
    assert art.paragraphs == [_para(i) for i in range(3)]


def test_plain_stamp_right_under_the_title() -> None:
    body = "".join(f"<p>{_para(i)}</p>" for i in range(3))
    html = _page(
        f"<div><h1>Nông dân phấn khởi vì lúa được giá</h1><div>Thứ Hai, 18/03/2024 "
        f"08:15</div>{body}</div>",
        title="Nông dân phấn khởi vì lúa được giá",
    )
    art = extract_html(html)
    assert art.published == datetime(2024, 3, 18, 8, 15, tzinfo=VN)
    assert art.paragraphs == [_para(i) for i in range(3)]


def test_a_signature_block_closing_the_text_is_the_author_not_body() -> None:
    # decision (gold convention: no signature in the body): the signer of a letter or an
    # appeal is the article's author; the block's lines are not read as paragraphs
    block = "<p>TM. ỦY BAN NHÂN DÂN</p><p>CHỦ TỊCH</p><p>Nguyễn Văn An</p>"
    art = extract_html(_article(extra_body=block))
    assert art.author == "Nguyễn Văn An"
    assert not {"TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn An"} & set(art.paragraphs)


@pytest.mark.parametrize(
    "block",
    [
        "<p><b>T/M BAN THƯỜNG VỤ HUYỆN ỦY</b></p><p><b>BÍ THƯ</b></p><p><i>(Đã ký)</i></p>"
        "<p>&nbsp;</p><p><b>Nguyễn Thanh Bình</b></p>",
        "<p>ỦY BAN NHÂN DÂN HUYỆN</p><p>KT. CHỦ TỊCH</p><p>PHÓ CHỦ TỊCH</p><p>(đã ký)</p>"
        "<p>Nguyễn Thanh Bình</p>",
        "<p>TL. GIÁM ĐỐC</p><p>CHÁNH VĂN PHÒNG</p><p>(Đã ký và đóng dấu)</p>"
        "<p>Nguyễn Thanh Bình</p>",
    ],
)
def test_signature_block_forms(block: str) -> None:
    art = extract_html(_article(extra_body=block))
    assert art.author == "Nguyễn Thanh Bình"
    assert art.paragraphs[-1] == _para(3)


def test_a_capitals_line_without_a_signer_title_is_not_cut() -> None:
    # an all-capitals line closing the text is cut only inside a signature block
    block = "<p>ĐẢNG CỘNG SẢN VIỆT NAM QUANG VINH MUÔN NĂM</p><p><b>Nguyễn Thanh Bình</b></p>"
    art = extract_html(_article(extra_body=block))
    assert art.paragraphs[-1] == "ĐẢNG CỘNG SẢN VIỆT NAM QUANG VINH MUÔN NĂM"
