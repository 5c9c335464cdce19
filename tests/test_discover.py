"""discover(): article URLs from a listing page's main list or a feed, in order, and
nothing else (no menus, pagination, tags, sidebars, footers)."""

from __future__ import annotations

import pytest

from tests.fakeportal import ARTICLES, LISTING_PATH, MOST_READ, SEED_PATH, FakePortal
from vnreader.errors import ExtractError, FetchError
from vnreader.extract.discovery import discover, feed_links, listing_links

BASE = "https://tanhiep.example.gov.vn"


def listing_expected(portal: FakePortal) -> list[str]:
    return [portal.url(SEED_PATH)] + [portal.url(path) for path, *_ in ARTICLES]


# -- listing pages -----------------------------------------------------------------------


def test_listing_gives_featured_story_then_the_list_in_page_order(portal: FakePortal) -> None:
    found = discover(portal.url(LISTING_PATH))
    assert found == listing_expected(portal)


def test_listing_leaves_out_menus_pagination_tags_sidebar_and_footer(
    portal: FakePortal,
) -> None:
    found = discover(portal.url(LISTING_PATH))
    assert portal.url(MOST_READ[0]) not in found  # "Tin đọc nhiều" box
    assert not any("page=" in u or "trang-3" in u or "/tag/" in u for u in found)
    assert not any(u.rstrip("/").endswith(("/lien-he", "/gioi-thieu", "/kinh-te")) for u in found)
    assert not any("ke-hoach-phat-trien" in u for u in found)  # a long headline in the menu
    assert not any("chinhphu.vn" in u for u in found)  # another site


def test_limit(portal: FakePortal) -> None:
    assert discover(portal.url(LISTING_PATH), limit=2) == listing_expected(portal)[:2]


def test_table_layout_listing_with_relative_links(portal: FakePortal) -> None:
    found = discover(portal.url("/tintuc.asp?cat=1"))
    assert found == [portal.url(f"/chitiet.asp?id={n}") for n in (412, 409, 401)]


def test_script_built_listing_falls_back_to_its_advertised_feed(portal: FakePortal) -> None:
    found = discover(portal.url("/tin-tuc/js-listing"))
    assert found[0] == portal.url(SEED_PATH)
    assert portal.hits["/rss/xay-dung-chinh-quyen.rss"] == 1


def test_listing_with_a_feed_does_not_fetch_the_feed(portal: FakePortal) -> None:
    discover(portal.url(LISTING_PATH))
    assert portal.hits["/rss/xay-dung-chinh-quyen.rss"] == 0


def test_a_page_with_no_list_is_a_clear_error(portal: FakePortal) -> None:
    with pytest.raises(ExtractError) as caught:
        discover(portal.url("/no-articles"))
    assert str(caught.value) == (
        f"found no list of articles on {portal.url('/no-articles')} "
        "(give a category page or an RSS feed)"
    )


def test_fetch_errors_pass_through(portal: FakePortal) -> None:
    with pytest.raises(FetchError, match=r"answered 404 Not Found$"):
        discover(portal.url("/khong-co"))


def test_items_with_alternating_classes_are_one_list() -> None:
    items = "".join(
        f'<div class="item {"odd" if n % 2 else "even"}"><a href="/tin/{n}-bai-viet-so-{n}.html">'
        f"Bài viết số {n} về hoạt động của xã trong tuần</a></div>"
        for n in range(1001, 1007)
    )
    html = f'<html><body><div class="list">{items}</div></body></html>'
    assert listing_links(html, BASE + "/tin-tuc") == [
        f"{BASE}/tin/{n}-bai-viet-so-{n}.html" for n in range(1001, 1007)
    ]


def test_image_and_headline_links_to_one_article_count_once() -> None:
    html = (
        "<html><body><ul>"
        + "".join(
            f'<li><a href="/a/{n}"><img src="/i/{n}.jpg"></a>'
            f'<a href="/a/{n}">Người dân xã An Bình phấn khởi đón Tết số {n}</a></li>'
            for n in (7, 8, 9)
        )
        + "</ul></body></html>"
    )
    assert listing_links(html, BASE + "/") == [f"{BASE}/a/{n}" for n in (7, 8, 9)]


def test_base_href_and_www_are_respected() -> None:
    html = (
        '<html><head><base href="https://www.tanhiep.example.gov.vn/tin-tuc/"></head><body>'
        '<ul><li><a href="khanh-thanh-cau-kenh-xang-phuc-vu-nguoi-dan-1234.html">'
        "Khánh thành cầu kênh xáng phục vụ người dân đi lại</a></li>"
        '<li><a href="https://other.example.org/bao-cao-tinh-hinh-1235.html">'
        "Báo cáo tình hình kinh tế xã hội tháng mười một</a></li></ul></body></html>"
    )
    assert listing_links(html, BASE + "/tin-tuc") == [
        "https://www.tanhiep.example.gov.vn/tin-tuc/khanh-thanh-cau-kenh-xang-phuc-vu-nguoi-dan-1234.html"
    ]


def test_a_page_that_only_has_a_most_read_box_still_gives_it() -> None:
    html = (
        '<html><body><div class="box"><h3>Tin đọc nhiều</h3><ul>'
        '<li><a href="/tin/hop-mat-ky-niem-ngay-thanh-lap-hoi-nong-dan-1201.html">'
        "Họp mặt kỷ niệm ngày thành lập Hội Nông dân Việt Nam</a></li>"
        '<li><a href="/tin/ra-quan-ve-sinh-moi-truong-1198.html">'
        "Ra quân vệ sinh môi trường tại các tuyến đường chính</a></li></ul></div></body></html>"
    )
    assert len(listing_links(html, BASE + "/")) == 2


# -- feeds -------------------------------------------------------------------------------


def test_rss_items_newest_first_by_pub_date(portal: FakePortal) -> None:
    found = discover(portal.url("/rss/xay-dung-chinh-quyen.rss"))
    # The feed lists them 16, 19, 12, 18 December (one date in GMT): sorted by date.
    assert found == listing_expected(portal)[:4]


def test_atom_relative_links_and_dates(portal: FakePortal) -> None:
    found = discover(portal.url("/atom.xml"))
    assert found == [portal.url(p) for p in (ARTICLES[2][0], ARTICLES[3][0], ARTICLES[4][0])]


def test_feed_known_by_its_root_with_vietnamese_dates(portal: FakePortal) -> None:
    found = discover(portal.url("/rss-vn-dates"))  # no Content-Type header at all
    assert found == [portal.url(SEED_PATH), portal.url(ARTICLES[0][0]), portal.url(ARTICLES[3][0])]


def test_empty_feed_is_an_empty_list(portal: FakePortal) -> None:
    assert discover(portal.url("/rss-empty.xml")) == []


def test_feed_without_dates_keeps_its_own_order() -> None:
    raw = (
        b'<rss version="2.0"><channel><item><link>/b</link></item>'
        b"<item><link>/a</link><pubDate>Mon, 16 Dec 2019 08:05:00 +0700</pubDate></item>"
        b"<item><guid>https://x.example/c</guid></item>"
        b'<item><guid isPermaLink="false">tag:x,2019:1</guid></item></channel></rss>'
    )
    assert feed_links(raw, BASE + "/rss") == [f"{BASE}/b", f"{BASE}/a", "https://x.example/c"]


def test_feed_entities_are_never_resolved() -> None:
    raw = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
        b'<rss version="2.0"><channel><item><link>https://x.example/&x;</link></item>'
        b"</channel></rss>"
    )
    found = feed_links(raw, BASE + "/rss")
    assert len(found) <= 1 and all(u.startswith("https://x.example/") for u in found)
    assert not any("\n" in u for u in found)


def test_unreadable_feed_is_a_clear_error() -> None:
    with pytest.raises(ExtractError, match=r"is not a readable RSS or Atom feed$"):
        feed_links(b"\x00\x01", BASE + "/rss")
