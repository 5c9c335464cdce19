"""A published feed, parsed with feedparser, checked tag by tag against Apple's podcast
requirements and the Podcasting 2.0 tags (end to end: articles served on 127.0.0.1)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from PIL import Image

from tests.publish_portal import MiniPortal
from vnreader.config import Settings
from vnreader.publishing.pipeline import publish

BASE = "https://tanhiep.example.gov.vn/podcast/"
SETTINGS = Settings(
    portal_name="Cổng thông tin điện tử huyện Tân Hiệp",
    base_url=BASE,
    owner_name="Ban biên tập Cổng thông tin điện tử huyện Tân Hiệp",
    owner_email="bbt@tanhiep.example.gov.vn",
    categories=("News", "Government"),
)
PODCAST_NS = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")


@pytest.fixture(scope="module")
def feed(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Path, feedparser.FeedParserDict]]:
    portal = MiniPortal()
    try:
        portal.add("hop-dan", "Xã Thạnh Đông họp dân", "Sáng nay, xã họp dân về làm đường.")
        portal.add("tiem-chung", "Tiêm chủng mở rộng", "Trạm y tế tiêm vắc xin cho 120 trẻ.")
        out = tmp_path_factory.mktemp("site")
        report = publish([portal.rss_url], out, SETTINGS)
        assert report.failed == [] and report.published == 2
        yield out, feedparser.parse((out / "feeds" / "podcast.xml").read_bytes())
    finally:
        portal.stop()


def local(out: Path, url: str) -> Path:
    assert url.startswith(BASE), url  # absolute URLs from the configured base
    return out / urlsplit(url).path.removeprefix(urlsplit(BASE).path)


def test_channel_tags_apple_requires(feed: tuple[Path, feedparser.FeedParserDict]) -> None:
    out, parsed = feed
    assert not parsed.bozo
    channel = parsed.feed
    assert channel.title == SETTINGS.portal_name
    assert channel.description
    assert channel.language == "vi"
    xml = (out / "feeds" / "podcast.xml").read_text("utf-8")
    # Apple documents true/false (feedparser only maps the older yes/clean, so read the XML).
    assert xml.count("<itunes:explicit>false</itunes:explicit>") == 1 + len(parsed.entries)
    assert re.search(r"<itunes:author>[^<]+</itunes:author>", xml)
    assert channel.publisher_detail.email == SETTINGS.owner_email  # itunes:owner
    assert channel.publisher_detail.name == SETTINGS.owner_name
    assert {t.term for t in channel.tags} >= {"News", "Government"}
    image = local(out, channel.image.href)
    with Image.open(image) as art:
        assert art.size[0] == art.size[1] and 1400 <= art.size[0] <= 3000


def test_items_enclosures_and_podcasting_2_0(feed: tuple[Path, feedparser.FeedParserDict]) -> None:
    out, parsed = feed
    xml = (out / "feeds" / "podcast.xml").read_text("utf-8")
    feed_url = BASE + "feeds/podcast.xml"
    expected_guid = uuid.uuid5(PODCAST_NS, feed_url.split("://", 1)[1].rstrip("/"))
    assert f"<podcast:guid>{expected_guid}</podcast:guid>" in xml
    assert "<podcast:locked" in xml
    assert len(parsed.entries) == 2
    for entry in parsed.entries:
        assert entry.title and entry.id and entry.published_parsed
        assert entry.guidislink is False
        (enclosure,) = entry.enclosures
        assert enclosure.type == "audio/mpeg"
        assert int(enclosure.length) == local(out, enclosure.href).stat().st_size > 0
        assert int(entry.itunes_duration) > 0
    assert xml.count('type="text/vtt"') == 2 and xml.count('type="application/json+chapters"') == 2
    for tag in ("transcript", "chapters"):
        for url in re.findall(rf'<podcast:{tag} url="([^"]+)"', xml):
            assert local(out, url).is_file()
