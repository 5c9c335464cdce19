"""The edge voice's pitch as a portal setting: from vnreader.toml to the SSML edge-tts sends.

edge-tts's own client talks to the fake service (tests/fakeedge.py); vnreader's code is not
patched.
"""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest

from tests.fakeedge import FakeEdge
from tests.publish_portal import MiniPortal, served_portal  # noqa: F401 (the portal fixture)
from vnreader.cli import main
from vnreader.config import Settings, load_settings
from vnreader.errors import ConfigError
from vnreader.publishing.pipeline import publish

pytest_plugins = ("tests.fakegtts", "tests.fakeedge")

BASE = "https://tanhiep.example.gov.vn/podcast/"


def guids(out: Path) -> list[str]:
    feed = feedparser.parse((out / "feeds" / "podcast.xml").read_bytes())
    return sorted(entry.id for entry in feed.entries)


def test_pitch_is_read_from_the_settings_file(tmp_path: Path) -> None:
    config = tmp_path / "vnreader.toml"
    config.write_text('engine = "edge"\npitch = -12\n', encoding="utf-8")
    assert load_settings(config).pitch == -12
    config.write_text('engine = "edge"\npitch = 500\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"pitch: \+500 Hz is out of range") as caught:
        load_settings(config)
    assert "\n" not in str(caught.value)
    config.write_text('pitch = "low"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="whole number of Hz"):
        load_settings(config)


def test_a_portal_pitch_reaches_the_service_and_a_change_renarrates(
    fake_edge: FakeEdge, portal: MiniPortal, tmp_path: Path
) -> None:
    portal.add(
        "tin-mot",
        "Lịch tiếp công dân tháng mười hai",
        "Ủy ban nhân dân xã thông báo lịch tiếp công dân định kỳ, bà con đến đúng giờ.",
    )
    out = tmp_path / "site"
    lower = Settings(base_url=BASE, engine="edge").with_(pitch=-12)
    first = publish([portal.rss_url], out, lower)
    assert (first.published, first.failed) == (1, [])
    assert fake_edge.requests
    assert {r.pitch for r in fake_edge.requests} == {"-12Hz"}
    before = guids(out)

    fake_edge.reset()
    again = publish([portal.rss_url], out, lower)
    assert (again.unchanged, again.narrated, fake_edge.requests) == (1, 0, [])

    # Another pitch is another sound: the article is narrated again, its guid kept.
    higher = lower.with_(pitch=8)
    changed = publish([portal.rss_url], out, higher)
    assert (changed.updated, changed.narrated) == (1, 1)
    assert {r.pitch for r in fake_edge.requests} == {"+8Hz"}
    assert guids(out) == before


def test_pitch_leaves_espeak_narrations_alone(portal: MiniPortal, tmp_path: Path) -> None:
    portal.add(
        "tin-hai",
        "Thông báo lịch cắt điện khu vực ấp Tân Hòa",
        "Điện lực huyện thông báo tạm ngừng cấp điện khu vực ấp Tân Hòa vào sáng thứ Bảy.",
    )
    out = tmp_path / "site"
    assert publish([portal.rss_url], out, Settings(base_url=BASE)).published == 1
    again = publish([portal.rss_url], out, Settings(base_url=BASE).with_(pitch=20))
    assert (again.unchanged, again.narrated) == (1, 0)  # espeak has no pitch setting


def test_narrate_pitch_flag(fake_edge: FakeEdge, tmp_path: Path) -> None:
    page = Path(__file__).parent / "fixtures" / "pages" / "tanhiep_seed.html"
    out, cache = str(tmp_path / "a.mp3"), str(tmp_path / "cache")
    code = main(
        ["narrate", str(page), "-o", out, "--engine", "edge", "--pitch", "-5", "--cache-dir", cache]
    )
    assert code == 0
    assert fake_edge.requests and {r.pitch for r in fake_edge.requests} == {"-5Hz"}
    assert main(["narrate", str(page), "-o", str(tmp_path / "b.mp3"), "--pitch", "900"]) == 2
    assert not (tmp_path / "b.mp3").exists()
