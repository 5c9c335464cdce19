"""OPML 2.0 list of the site's feeds: one rss outline per feed, deterministic bytes."""

from __future__ import annotations

from dataclasses import replace

import pytest
from lxml import etree

from vnreader.config import Settings
from vnreader.publishing.feed import FeedError
from vnreader.publishing.opml import build_opml

BASE = "https://tanhiep.example.gov.vn/podcast/"
SETTINGS = Settings(
    portal_name="Cổng thông tin điện tử huyện Tân Hiệp",
    base_url=BASE,
    owner_name="Văn phòng",
    owner_email="vanphong@tanhiep.example.gov.vn",
)
FEEDS = [
    ("Tất cả bài", "feeds/podcast.xml"),
    ("Tin tức & Sự kiện", "feeds/tin-tuc-su-kien.xml"),
    ("Bản tin hằng ngày", "https://cdn.example.vn/feeds/digest.xml"),
]


def test_outlines_are_rss_with_text_title_and_urls() -> None:
    root = etree.fromstring(build_opml(FEEDS, settings=SETTINGS))
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title") == SETTINGS.portal_name
    assert root.findtext("head/ownerEmail") == SETTINGS.owner_email
    outlines = root.findall("body/outline")
    assert [o.get("type") for o in outlines] == ["rss"] * 3
    assert [o.get("text") for o in outlines] == [t for t, _ in FEEDS]
    assert [o.get("title") for o in outlines] == [t for t, _ in FEEDS]
    assert [o.get("xmlUrl") for o in outlines] == [
        BASE + "feeds/podcast.xml",
        BASE + "feeds/tin-tuc-su-kien.xml",
        "https://cdn.example.vn/feeds/digest.xml",
    ]
    assert {o.get("htmlUrl") for o in outlines} == {BASE}


def test_deterministic_and_dateless() -> None:
    first = build_opml(FEEDS, settings=SETTINGS)
    assert first == build_opml(list(FEEDS), settings=SETTINGS)
    assert b"dateCreated" not in first and b"dateModified" not in first
    assert first.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")


def test_duplicates_once_and_bad_urls_refused() -> None:
    root = etree.fromstring(build_opml(FEEDS + FEEDS[:1], settings=SETTINGS))
    assert len(root.findall("body/outline")) == 3
    with pytest.raises(FeedError):
        build_opml([("x", "ftp://example.vn/feed.xml")], settings=SETTINGS)


def test_no_owner_no_owner_tags() -> None:
    plain = replace(SETTINGS, owner_name="", owner_email=None)
    root = etree.fromstring(build_opml(FEEDS, settings=plain))
    assert root.find("head/ownerName") is None and root.find("head/ownerEmail") is None
