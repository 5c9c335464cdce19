"""Podcast feed: Apple's required iTunes tags and the Podcasting 2.0 tags, tag by tag.

The feed is read back with feedparser (what podcast software does) and, where feedparser
drops a detail (itunes:explicit "false", podcast:locked's text, category nesting), with lxml.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from lxml import etree
from PIL import Image

from vnreader.config import Settings
from vnreader.publishing.artwork import make_artwork
from vnreader.publishing.feed import VIETNAM, FeedError, FeedItem, artwork_url, build_feed
from vnreader.publishing.itunes_ext import apple_categories, resolve_category
from vnreader.publishing.podcast_ext import PODCAST_NS, podcast_guid

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
NS = {"itunes": ITUNES, "podcast": PODCAST_NS, "atom": "http://www.w3.org/2005/Atom"}
BASE = "https://tanhiep.example.gov.vn/podcast/"


def settings(**changes: object) -> Settings:
    base = Settings(
        portal_name="Cổng thông tin điện tử huyện Tân Hiệp",
        base_url=BASE,
        description="Tin tức huyện Tân Hiệp, đọc thành tiếng.",
        owner_name="Văn phòng HĐND và UBND huyện",
        owner_email="vanphong@tanhiep.example.gov.vn",
        categories=("News/Daily News", "Government"),
        max_items=100,
    )
    return replace(base, **changes)


def item(n: int, *, day: int | None = None, **changes: object) -> FeedItem:
    it = FeedItem(
        guid=f"vnreader:{n:04d}",
        title=f"Bài số {n}: Hội nghị sơ kết & <triển khai>",
        description=f"Tóm tắt bài số {n}.",
        link=f"read/bai-{n}.html",
        published=datetime(2024, 5, day or n, 8, 30, tzinfo=VIETNAM),
        enclosure_url=f"audio/bai-{n}.mp3",
        enclosure_length=100_000 + n,
        duration_s=60 * n + 5,
        transcript_url=f"audio/bai-{n}.vtt",
        chapters_url=f"audio/bai-{n}.chapters.json",
        category="Tin tức - Sự kiện",
        author=None,
    )
    return replace(it, **changes)


FEED_URL = "feeds/podcast.xml"


@pytest.fixture
def feed_bytes() -> bytes:
    return build_feed([item(1), item(3), item(2)], settings=settings(), feed_url=FEED_URL)


def test_channel_has_apples_required_tags(feed_bytes: bytes) -> None:
    parsed = feedparser.parse(feed_bytes)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    ch = parsed.feed
    assert ch.title == "Cổng thông tin điện tử huyện Tân Hiệp"
    assert ch.subtitle == "Tin tức huyện Tân Hiệp, đọc thành tiếng."  # <description>
    assert ch.language == "vi"
    assert ch.link == BASE
    assert ch.image.href == BASE + "artwork.png"
    assert ch.author == "Văn phòng HĐND và UBND huyện"  # itunes:author
    assert ch.publisher_detail == {
        "name": "Văn phòng HĐND và UBND huyện",
        "email": "vanphong@tanhiep.example.gov.vn",
    }  # itunes:owner
    assert ch.itunes_type == "episodic"
    self_links = [ln.href for ln in ch.links if ln.rel == "self"]
    assert self_links == [BASE + FEED_URL]
    # lastBuildDate is the newest item's date, not the time of the run.
    assert ch.updated == "Fri, 03 May 2024 08:30:00 +0700"


def test_itunes_image_is_absolute_and_the_generated_artwork_is_valid(
    feed_bytes: bytes, tmp_path: Path
) -> None:
    root = etree.fromstring(feed_bytes)
    href = root.find("channel/itunes:image", NS).get("href")
    parts = urlsplit(href)
    assert parts.scheme == "https" and parts.netloc and href.startswith(BASE)
    assert href.endswith((".png", ".jpg"))
    # Publish the artwork where the URL says and check what Apple checks: 1400-3000 px, square.
    site = tmp_path / "site"
    local = site / href[len(BASE) :]
    make_artwork(settings().portal_name, local)
    with Image.open(local) as img:
        assert img.format == "PNG" and img.mode == "RGB"
        assert img.width == img.height
        assert 1400 <= img.width <= 3000


def test_itunes_categories_are_apples_current_ones(feed_bytes: bytes) -> None:
    root = etree.fromstring(feed_bytes)
    cats = root.findall("channel/itunes:category", NS)
    tree = apple_categories()
    assert [c.get("text") for c in cats] == ["News", "Government"]
    for cat in cats:
        assert cat.get("text") in tree
        for sub in cat.findall("itunes:category", NS):
            assert sub.get("text") in tree[cat.get("text")]
    assert [s.get("text") for s in cats[0].findall("itunes:category", NS)] == ["Daily News"]
    # feedparser sees them too (as itunes-scheme tags).
    terms = [t.term for t in feedparser.parse(feed_bytes).feed.tags]
    assert terms == ["News", "Daily News", "Government"]


def test_category_data_is_the_post_2019_list() -> None:
    tree = apple_categories()
    assert len(tree) == 19
    assert sum(len(subs) for subs in tree.values()) == 91
    assert "News & Politics" not in tree and "Government & Organizations" not in tree  # feedgen's
    assert resolve_category("news > daily news") == ("News", "Daily News")
    assert resolve_category("Daily News") == ("News", "Daily News")
    assert resolve_category("Government") == ("Government", None)
    with pytest.raises(FeedError):
        resolve_category("News & Politics")
    with pytest.raises(FeedError):
        resolve_category("Arts/Daily News")  # a subcategory of another category
    with pytest.raises(FeedError):
        build_feed([item(1)], settings=settings(categories=("Politics & News",)), feed_url="f.xml")


@pytest.mark.parametrize(("explicit", "text"), [(False, "false"), (True, "true")])
def test_itunes_explicit_is_true_or_false(explicit: bool, text: str) -> None:
    data = build_feed([item(1)], settings=settings(explicit=explicit), feed_url=FEED_URL)
    root = etree.fromstring(data)
    assert [e.text for e in root.findall("channel/itunes:explicit", NS)] == [text]
    assert [e.text for e in root.findall("channel/item/itunes:explicit", NS)] == [text]
    assert b"<itunes:explicit>yes" not in data and b"<itunes:explicit>no" not in data
    assert b"clean" not in data


def test_items_have_the_required_tags(feed_bytes: bytes) -> None:
    entries = feedparser.parse(feed_bytes).entries
    assert [e.id for e in entries] == ["vnreader:0003", "vnreader:0002", "vnreader:0001"]
    e = entries[0]
    assert e.title == "Bài số 3: Hội nghị sơ kết & <triển khai>"
    assert e.summary == "Tóm tắt bài số 3."
    assert e.link == BASE + "read/bai-3.html"
    assert e.guidislink is False
    assert e.published == "Fri, 03 May 2024 08:30:00 +0700"
    (enc,) = [ln for ln in e.links if ln.rel == "enclosure"]
    assert enc.href == BASE + "audio/bai-3.mp3"
    assert enc.length == "100003"
    assert enc.type == "audio/mpeg"
    assert e.itunes_duration == "185"
    assert e.itunes_episodetype == "full"
    assert e.author == "Văn phòng HĐND và UBND huyện"
    assert [t.term for t in e.tags] == ["Tin tức - Sự kiện"]
    root = etree.fromstring(feed_bytes)
    guid = root.find("channel/item/guid")
    assert guid.get("isPermaLink") == "false"


def test_podcasting20_tags(feed_bytes: bytes) -> None:
    parsed = feedparser.parse(feed_bytes)
    expected = str(
        uuid.uuid5(uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"), BASE[8:] + FEED_URL)
    )
    assert parsed.feed.podcast_guid == expected
    assert parsed.namespaces["podcast"] == "https://podcastindex.org/namespace/1.0"
    root = etree.fromstring(feed_bytes)
    locked = root.find("channel/podcast:locked", NS)
    assert locked.text == "no"
    assert locked.get("owner") == "vanphong@tanhiep.example.gov.vn"
    e = parsed.entries[0]
    assert e.podcast_transcript == {
        "url": BASE + "audio/bai-3.vtt",
        "type": "text/vtt",
        "language": "vi",
        "rel": "captions",
    }
    assert e.podcast_chapters == {
        "url": BASE + "audio/bai-3.chapters.json",
        "type": "application/json+chapters",
    }


def test_podcast_guid_matches_the_specs_examples() -> None:
    # docs/tags/guid.md of the podcast namespace.
    assert podcast_guid("https://mp3s.nashownotes.com/pc20rss.xml") == (
        "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    )
    assert podcast_guid("http://podnews.net/rss/") == "9b024349-ccf0-5f69-a609-6b82873eab3c"
    assert podcast_guid("podnews.net/rss") == "9b024349-ccf0-5f69-a609-6b82873eab3c"


def test_locked_yes_when_asked() -> None:
    root = etree.fromstring(
        build_feed([item(1)], settings=settings(), feed_url=FEED_URL, locked=True)
    )
    assert root.find("channel/podcast:locked", NS).text == "yes"


@pytest.mark.parametrize("length", [None, 0, -5, "123", 12.0, True])
def test_an_item_without_a_length_is_refused(length: object) -> None:
    bad = replace(item(2), enclosure_length=length)
    with pytest.raises(FeedError, match="enclosure length"):
        build_feed([item(1), bad], settings=settings(), feed_url=FEED_URL)


def test_max_items_keeps_the_newest_and_ties_are_stable() -> None:
    items = [item(n) for n in range(1, 11)]
    root = etree.fromstring(
        build_feed(reversed(items), settings=settings(max_items=3), feed_url=FEED_URL)
    )
    assert [g.text for g in root.findall("channel/item/guid")] == [
        "vnreader:0010",
        "vnreader:0009",
        "vnreader:0008",
    ]
    # Same date: ordered by guid whatever the input order.
    same = [item(n, day=7) for n in (5, 2, 9)]
    a = build_feed(same, settings=settings(), feed_url=FEED_URL)
    b = build_feed(list(reversed(same)), settings=settings(), feed_url=FEED_URL)
    assert a == b
    guids = [g.text for g in etree.fromstring(a).findall("channel/item/guid")]
    assert guids == ["vnreader:0002", "vnreader:0005", "vnreader:0009"]


def test_identical_input_gives_identical_bytes() -> None:
    items = [item(n) for n in (4, 1, 2)]
    first = build_feed(items, settings=settings(), feed_url=FEED_URL)
    second = build_feed(list(items), settings=settings(), feed_url=FEED_URL)
    assert first == second
    assert b"lastBuildDate>Sat, 04 May 2024 08:30:00 +0700<" in first


def test_dates_without_zone_are_vietnam_time_and_zones_are_kept() -> None:
    naive = replace(item(1), published=datetime(2024, 5, 1, 8, 30))
    utc = replace(item(2), published=datetime(2024, 5, 2, 1, 30, tzinfo=UTC))
    root = etree.fromstring(build_feed([naive, utc], settings=settings(), feed_url=FEED_URL))
    dates = [d.text for d in root.findall("channel/item/pubDate")]
    assert dates == ["Thu, 02 May 2024 01:30:00 +0000", "Wed, 01 May 2024 08:30:00 +0700"]
    assert datetime(2024, 5, 2, 1, 30, tzinfo=UTC) - datetime(
        2024, 5, 1, 8, 30, tzinfo=VIETNAM
    ) == timedelta(hours=24)


def test_urls_are_absolute_and_relative_ones_resolve_against_the_base() -> None:
    absolute = replace(item(1), enclosure_url="https://cdn.example.vn/a.mp3")
    data = build_feed([absolute], settings=settings(), feed_url=FEED_URL)
    root = etree.fromstring(data)
    assert root.find("channel/item/enclosure").get("url") == "https://cdn.example.vn/a.mp3"
    for elem in root.iter():
        for key in ("href", "url"):
            if elem.get(key):
                assert urlsplit(elem.get(key)).scheme in ("http", "https")
    with pytest.raises(FeedError, match="not an http"):
        build_feed(
            [replace(item(1), enclosure_url="ftp://x/a.mp3")], settings=settings(), feed_url="f"
        )


def test_an_empty_feed_and_defaults() -> None:
    plain = settings(owner_email=None, owner_name="", description="", categories=())
    root = etree.fromstring(build_feed([], settings=plain, feed_url=FEED_URL))
    ch = root.find("channel")
    assert ch.find("description").text  # RSS requires one: a default sentence
    assert ch.find("itunes:author", NS).text == plain.portal_name
    assert ch.find("itunes:owner", NS) is None  # no e-mail: no owner (it needs both)
    assert [c.get("text") for c in ch.findall("itunes:category", NS)] == ["News"]
    assert ch.find("lastBuildDate").text == "Thu, 01 Jan 1970 00:00:00 +0000"
    assert ch.findall("item") == []


def test_jpeg_artwork_gets_a_jpg_url(tmp_path: Path) -> None:
    s = settings(artwork=tmp_path / "logo.JPEG")
    assert artwork_url(s) == BASE + "artwork.jpg"
    with pytest.raises(FeedError, match=r"\.png or \.jpg"):
        build_feed([item(1)], settings=s, feed_url=FEED_URL, image_url="art.gif")
