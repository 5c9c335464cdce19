"""Fallback that heals, through the publish pipeline: an online engine down, then back.

edge-tts's own client talks to the fake service (tests/fakeedge.py); "offline" is its
endpoint constant pointed at a port with nothing listening. vnreader's code is not patched.
"""

from __future__ import annotations

import socket
from pathlib import Path

import feedparser
import pytest

from tests.fakeedge import FakeEdge
from tests.publish_portal import MiniPortal, served_portal  # noqa: F401 (the portal fixture)
from tests.test_publish import check_site
from vnreader.config import Settings
from vnreader.publishing.catalog import Catalog
from vnreader.publishing.pipeline import publish, site_state
from vnreader.publishing.status import portal_status

pytest_plugins = ("tests.fakegtts", "tests.fakeedge")

BASE = "https://tanhiep.example.gov.vn/podcast/"


def point_edge_nowhere(monkeypatch: pytest.MonkeyPatch) -> None:
    import edge_tts.communicate

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setattr(
        edge_tts.communicate, "WSS_URL", f"ws://127.0.0.1:{port}/edge/v1?TrustedClientToken=x"
    )


def feed_items(out: Path) -> dict[str, tuple[str, str]]:
    feed = feedparser.parse((out / "feeds" / "podcast.xml").read_bytes())
    return {e.id: (e.title, e.enclosures[0].href) for e in feed.entries}


def test_a_failing_engine_publishes_with_the_fallback_then_heals(
    fake_edge: FakeEdge, portal: MiniPortal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    settings = Settings(
        portal_name="Cổng thông tin điện tử xã Tân Hiệp",
        base_url=BASE,
        engine="edge",
        fallback="espeak",
    )
    edge_made = portal.add(
        "tin-mot",
        "Lịch tiếp công dân tháng mười hai",
        "Ủy ban nhân dân xã thông báo lịch tiếp công dân định kỳ, bà con đến đúng giờ.",
    )

    # Run 1, edge working: the first article is edge's.
    first = publish([portal.rss_url], out, settings)
    assert (first.published, first.failed) == (1, [])

    # Run 2, edge down: a new article is published all the same, by espeak, and recorded.
    point_edge_nowhere(monkeypatch)
    fallen = portal.add(
        "tin-hai",
        "Thông báo lịch cắt điện khu vực ấp Tân Hòa",
        "Điện lực huyện thông báo tạm ngừng cấp điện khu vực ấp Tân Hòa vào sáng thứ Bảy.",
    )
    second = publish([portal.rss_url], out, settings)
    assert (second.published, second.failed) == (1, [])
    check_site(out, BASE)
    before = feed_items(out)
    assert len(before) == 2
    with Catalog(site_state(out, settings).catalog) as catalog:
        rows = {row.source: row for row in catalog.articles()}
    # Mixed when some sentences (the portal's name) were already in the cache from edge.
    assert rows[fallen].narration.fallback
    assert rows[fallen].narration.engine in ("espeak", "edge+espeak")
    assert not rows[edge_made].narration.fallback
    assert rows[fallen].narration.file.endswith("-fb.mp3")
    assert portal_status(settings, out)["fallback_narrations"] == 1

    # Run 3, edge back: exactly that article is narrated again, by edge; guids unchanged.
    monkeypatch.setattr(
        __import__("edge_tts.communicate").communicate, "WSS_URL", fake_edge.wss_url
    )
    fake_edge.reset()
    third = publish([portal.rss_url], out, settings)
    assert (third.updated, third.narrated, third.unchanged, third.failed) == (1, 1, 1, [])
    spoken = {r.text for r in fake_edge.requests}
    assert any("cắt điện" in text for text in spoken)
    assert not any("tiếp công dân" in text for text in spoken)  # the other one untouched
    after = feed_items(out)
    assert after.keys() == before.keys()
    changed = [guid for guid in after if after[guid] != before[guid]]
    assert len(changed) == 1 and after[changed[0]][0].startswith("Thông báo lịch cắt điện")
    with Catalog(site_state(out, settings).catalog) as catalog:
        healed = catalog.article(fallen)
    assert healed is not None and healed.narration is not None
    assert not healed.narration.fallback and healed.narration.engine == "edge"
    assert not list((out / "audio").glob("*-fb.*"))  # the fallback's files are gone
    assert portal_status(settings, out)["fallback_narrations"] == 0
    check_site(out, BASE)
    # Run 4: nothing left to heal, nothing narrated.
    fourth = publish([portal.rss_url], out, settings)
    assert (fourth.narrated, fourth.unchanged) == (0, 2)
