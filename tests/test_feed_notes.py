"""Show notes (content:encoded) and episode artwork (itunes:image), read by real clients.

podcastparser (gPodder's parser, what many Linux and Android apps build on) and feedparser
read the feeds; a six-article site is published end to end from the fake portal.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import feedparser
import podcastparser
import pytest
from PIL import Image

from tests.fakeportal import ARTICLES, LISTING_PATH, FakePortal
from vnreader.config import Settings
from vnreader.publishing.artwork import MIN_SIZE
from vnreader.publishing.catalog import Catalog, catalog_path
from vnreader.publishing.episode_art import local_image, make_episode_art, render_episode_art
from vnreader.publishing.feed import NOTES_LIMIT, FeedError, FeedItem, build_feed, show_notes

BASE = "https://tanhiep.example.gov.vn/podcast/"
SETTINGS = Settings(portal_name="Cổng thông tin điện tử huyện Tân Hiệp", base_url=BASE)
LEAD = "Huyện tổ chức hội nghị sơ kết."
BLOCKS = [
    ("paragraph", "Hội nghị diễn ra sáng nay tại hội trường huyện."),
    ("heading", "Nhiệm vụ <cuối> năm"),
    ("paragraph", 'Tập trung thu hoạch lúa & <script>alert("x")</script> chăm lo Tết.'),
]


def parse_both(data: bytes) -> tuple[dict, feedparser.FeedParserDict]:
    pp = podcastparser.parse(BASE + "feeds/podcast.xml", io.BytesIO(data))
    fp = feedparser.parse(data)
    assert not fp.bozo, fp.bozo_exception
    return pp, fp


def item(n: int = 1, **more: object) -> FeedItem:
    fields: dict = {
        "guid": f"g{n}",
        "title": f"Tin số {n}",
        "description": LEAD,
        "link": f"read/tin-{n}.html",
        "published": datetime(2026, 11, 20, 8, n),
        "enclosure_url": f"audio/tin-{n}.mp3",
        "enclosure_length": 1000 + n,
        "duration_s": 60,
    }
    fields.update(more)
    return FeedItem(**fields)


# --- show notes -------------------------------------------------------------------------------


def test_show_notes_have_lead_text_headings_and_links() -> None:
    notes = show_notes(
        lead=LEAD,
        blocks=BLOCKS,
        read_url=BASE + "read/tin-1.html",
        source_url="https://tanhiep.example.gov.vn/tin/1.html",
    )
    assert notes.startswith(f"<p><strong>{LEAD}</strong></p>")
    assert "<h2>Nhiệm vụ &lt;cuối&gt; năm</h2>" in notes
    assert "<script" not in notes and "&lt;script&gt;" in notes
    assert f'<a href="{BASE}read/tin-1.html">Đọc toàn bài, chữ lớn</a>' in notes
    assert 'Bài gốc: <a href="https://tanhiep.example.gov.vn/tin/1.html">' in notes
    # A source that is not a web address is not linked.
    local = show_notes(lead=None, blocks=BLOCKS, read_url=BASE + "r.html", source_url="/tmp/a")
    assert "Bài gốc" not in local and "<strong>" not in local


def test_long_articles_are_cut_at_a_paragraph_and_keep_their_links() -> None:
    blocks = [
        ("paragraph", f"Đoạn thứ {i} của bài viết rất dài về kỳ họp. " * 8) for i in range(60)
    ]
    notes = show_notes(lead=LEAD, blocks=blocks, read_url=BASE + "r.html", source_url=None)
    assert len(notes) <= NOTES_LIMIT
    assert notes.count("<p>Đoạn thứ") >= 5
    assert "<p>…</p>" in notes and notes.rstrip().endswith("Đọc toàn bài, chữ lớn</a></p>")


def test_feed_items_carry_notes_and_episode_art() -> None:
    notes = show_notes(lead=LEAD, blocks=BLOCKS, read_url=BASE + "read/tin-1.html", source_url=None)
    data = build_feed(
        [item(1, notes_html=notes, image_url="artwork/tin-1.jpg"), item(2)],
        settings=SETTINGS,
        feed_url="feeds/podcast.xml",
    )
    assert b"<content:encoded><![CDATA[<p><strong>" in data
    pp, fp = parse_both(data)
    by_title = {e["title"]: e for e in pp["episodes"]}
    first, second = by_title["Tin số 1"], by_title["Tin số 2"]
    # podcastparser: "description" is the RSS description (the lead), "description_html"
    # the show notes from content:encoded.
    assert first["description"] == LEAD
    assert "Nhiệm vụ" in first["description_html"] and len(first["description_html"]) > 200
    assert first["episode_art_url"] == BASE + "artwork/tin-1.jpg"
    # No own artwork: the channel's, per episode.
    assert second["episode_art_url"] == BASE + "artwork.png"
    entries = {e.title: e for e in fp.entries}
    assert "Nhiệm vụ" in entries["Tin số 1"].content[0].value
    assert entries["Tin số 1"].image.href == BASE + "artwork/tin-1.jpg"
    assert entries["Tin số 1"].summary == LEAD
    with pytest.raises(FeedError, match="episode artwork"):
        build_feed(
            [item(3, image_url="artwork/x.webp")], settings=SETTINGS, feed_url="feeds/podcast.xml"
        )


# --- episode artwork ---------------------------------------------------------------------------


def photo(path: Path, size: tuple[int, int], mode: str = "RGB") -> Path:
    img = Image.new(mode, size, (200, 40, 40) if mode == "RGB" else None)
    for x in range(0, size[0], 7):
        for y in range(0, size[1], 50):
            img.putpixel((x, y), (0, 90, 200) if mode == "RGB" else 3)
    img.save(path)
    return path


def test_a_wide_photo_becomes_a_square_jpeg_apple_accepts(tmp_path: Path) -> None:
    src = photo(tmp_path / "wide.png", (800, 450))
    out = tmp_path / "artwork" / "tin.jpg"
    assert make_episode_art(src, out) is True
    with Image.open(out) as art:
        assert art.format == "JPEG" and art.mode == "RGB"
        assert art.size == (MIN_SIZE, MIN_SIZE)
        # The photo is whole, centred: its colour fills the middle row edge to edge.
        r, g, _b = art.getpixel((3, MIN_SIZE // 2))
        assert r > 150 and g < 90
    assert make_episode_art(src, out) is False  # same bytes: not rewritten
    assert render_episode_art(src) == out.read_bytes()  # deterministic


def test_unusable_photos_give_no_artwork(tmp_path: Path) -> None:
    assert render_episode_art(photo(tmp_path / "icon.png", (120, 90))) is None
    (tmp_path / "broken.jpg").write_bytes(b"not a jpeg")
    assert render_episode_art(tmp_path / "broken.jpg") is None
    assert make_episode_art(tmp_path / "missing.jpg", tmp_path / "o.jpg") is None
    assert not (tmp_path / "o.jpg").exists()
    palette = photo(tmp_path / "p.png", (600, 600), mode="P")
    assert render_episode_art(palette) is not None


def test_only_files_inside_the_site_are_used(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "images").mkdir(parents=True)
    (site / "images" / "a.jpg").write_bytes(b"x")
    (tmp_path / "outside.jpg").write_bytes(b"x")
    assert local_image(site, "images/a.jpg") == (site / "images" / "a.jpg").resolve()
    assert local_image(site, (site / "images" / "a.jpg").as_uri()) is not None
    for src in (
        "../outside.jpg",
        "images/../../outside.jpg",
        (tmp_path / "outside.jpg").as_uri(),
        "https://portal.example/a.jpg",
        "/images/a.jpg",
        "images/none.jpg",
        None,
        "",
    ):
        assert local_image(site, src) is None, src


# --- a six-article site, end to end ----------------------------------------------------------


@pytest.fixture(scope="module")
def six(portal_server: FakePortal, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from vnreader.publishing.pipeline import publish

    out = tmp_path_factory.mktemp("six")
    report = publish([portal_server.url(LISTING_PATH)], out, SETTINGS)
    assert report.failed == [] and report.published == len(ARTICLES) + 1 == 6
    return out


def test_six_article_site_has_show_notes_and_art_for_every_episode(six: Path) -> None:
    data = (six / "feeds" / "podcast.xml").read_bytes()
    pp, fp = parse_both(data)
    with Catalog(catalog_path(six)) as catalog:
        leads = {row.title: row.lead or "" for row in catalog.articles()}
    assert len(pp["episodes"]) == len(fp.entries) == 6
    for episode in pp["episodes"]:
        lead = leads[episode["title"]]
        assert len(episode["description_html"]) > len(lead) + 40, episode["title"]
        assert episode["description"] == (lead or episode["description"])
        assert "Đọc toàn bài, chữ lớn" in episode["description_html"]
        assert episode["episode_art_url"].endswith((".jpg", ".png"))
        assert (six / episode["episode_art_url"].removeprefix(BASE)).is_file()
    for entry in fp.entries:
        assert len(entry.content[0].value) > len(entry.summary)
        assert entry.link in entry.content[0].value
        assert entry.image.href.startswith(BASE)


def test_a_photo_in_the_site_becomes_that_episodes_art(six: Path) -> None:
    """The site writer makes ``artwork/<slug>.jpg`` from an article's first photo that is a
    file in the site, and the feed and the player use it; the others keep the channel's."""
    import json
    import logging

    from vnreader.publishing.pipeline import PublishReport, site_state
    from vnreader.publishing.site import Site

    out = six
    photo(out / "anh.png", (900, 600))
    with Catalog(catalog_path(out)) as catalog:
        rows = list(catalog.articles())
        chosen = rows[0]
        article = json.loads(chosen.article_json)
        article["images"] = [
            {"src": "https://portal.example/x.jpg", "caption": None},
            {"src": "anh.png", "caption": None},
        ]
        site = Site(
            out=out,
            settings=SETTINGS,
            catalog=catalog,
            state=site_state(out, SETTINGS),
            report=PublishReport(),
            log=logging.getLogger("t"),
            fail=lambda *_: None,
        )
        from dataclasses import replace

        rows[0] = replace(chosen, article_json=json.dumps(article, ensure_ascii=False))
        site._episode_artwork(rows)
        assert site.episode_art == {chosen.slug: (f"artwork/{chosen.slug}.jpg", MIN_SIZE)}
        entry = site._item(rows[0])
        assert entry.image_url == BASE + f"artwork/{chosen.slug}.jpg"
        assert site._item(rows[1]).image_url is None
    with Image.open(out / "artwork" / f"{chosen.slug}.jpg") as art:
        assert art.size == (MIN_SIZE, MIN_SIZE) and art.format == "JPEG"


def test_portal_photos_fetched_at_publish_become_episode_art(tmp_path: Path) -> None:
    """Six articles, four with a photo on the portal: the photos are stored in the site at
    publish time, and each of those four episodes gets its own square artwork (feed and
    lock screen); the other two keep the podcast's."""
    from tests.publish_portal import MiniPortal
    from vnreader.publishing.pipeline import publish

    portal = MiniPortal()
    try:
        urls = []
        for i in range(6):
            url = portal.add(
                f"tin-{i}",
                f"Tin ảnh số {i} của huyện",
                f"Sáng nay, xã số {i} tổ chức họp dân về kế hoạch làm đường giao thông nông thôn.",
            )
            urls.append(url)
            if i < 4:
                name = f"/anh/tin-{i}.jpg"
                buffer = io.BytesIO()
                source = photo(tmp_path / f"p{i}.png", (640 + 40 * i, 480))
                Image.open(source).convert("RGB").save(buffer, "JPEG")
                portal.files[name] = (buffer.getvalue(), "image/jpeg")
                portal.images[url.removeprefix(portal.base_url)] = [(name, f"Ảnh số {i}.")]
        out = tmp_path / "site"
        report = publish([portal.rss_url], out, SETTINGS)
    finally:
        portal.stop()
    assert report.failed == [] and report.published == 6
    pp, fp = parse_both((out / "feeds" / "podcast.xml").read_bytes())
    art = sorted(e["episode_art_url"] for e in pp["episodes"])
    own = [a for a in art if "/artwork/" in a]
    assert len(own) == 4 and art.count(BASE + "artwork.png") == 2, art
    for url in own:
        with Image.open(out / url.removeprefix(BASE)) as picture:
            assert picture.size == (MIN_SIZE, MIN_SIZE) and picture.format == "JPEG"
    assert all(len(e["description_html"]) > len(e["description"]) for e in pp["episodes"])
    assert {e.image.href for e in fp.entries} == set(art)
    # The reading page gives the lock screen the same picture.
    slug = own[0].removeprefix(BASE + "artwork/").removesuffix(".jpg")
    page = (out / "read" / f"{slug}.html").read_text("utf-8")
    assert f'data-artwork="../artwork/{slug}.jpg" data-artwork-sizes="1400x1400"' in page
