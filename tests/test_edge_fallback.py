"""Narration with edge and a fallback engine: what the result records, for healing later.

The fake service (tests/fakeedge.py) is reached through edge-tts's own client; an offline
machine is edge-tts's endpoint constant pointed at a port with nothing listening.
"""

from __future__ import annotations

import dataclasses
import re
import socket
from pathlib import Path

import pytest

from tests.fakeedge import FakeEdge
from vnreader.article import Article, Block
from vnreader.cli import main
from vnreader.errors import VnreaderError
from vnreader.speech.engines.base import EngineError
from vnreader.speech.narrate import narrate

pytest_plugins = ("tests.fakegtts", "tests.fakeedge")

ARTICLE = Article(
    title="Lịch tiếp công dân",
    blocks=(
        Block("paragraph", "Ủy ban nhân dân xã thông báo lịch tiếp công dân. Bà con đến đúng giờ."),
        Block("paragraph", "Mọi thắc mắc xin gọi số điện thoại của xã."),
    ),
)


@pytest.fixture
def offline(fake_edge: FakeEdge, monkeypatch: pytest.MonkeyPatch) -> None:
    import edge_tts.communicate

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setattr(
        edge_tts.communicate, "WSS_URL", f"ws://127.0.0.1:{port}/edge/v1?TrustedClientToken=x"
    )


def test_edge_speaks_and_says_so(fake_edge: FakeEdge, tmp_path: Path) -> None:
    result = narrate(ARTICLE, tmp_path / "a.mp3", engine="edge", cache_dir=tmp_path / "c")
    assert result.engine == "edge" and not result.fell_back
    assert result.provenance is not None
    assert (result.provenance.voice, result.provenance.sentences) == ("vi-VN-HoaiMyNeural", 4)
    assert [r.text for r in fake_edge.requests] == [
        "Lịch tiếp công dân",
        "Ủy ban nhân dân xã thông báo lịch tiếp công dân.",
        "Bà con đến đúng giờ.",
        "Mọi thắc mắc xin gọi số điện thoại của xã.",
    ]


def test_offline_without_fallback_is_one_line_and_writes_nothing(
    offline: None, tmp_path: Path
) -> None:
    with pytest.raises(EngineError, match="connection refused"):
        narrate(ARTICLE, tmp_path / "a.mp3", engine="edge", cache_dir=tmp_path / "c")
    assert list(tmp_path.glob("a.*")) == [] and list(tmp_path.glob(".a.mp3*")) == []


def test_offline_with_fallback_is_published_with_espeak_and_recorded(
    offline: None, tmp_path: Path
) -> None:
    result = narrate(
        ARTICLE, tmp_path / "a.mp3", engine="edge", fallback="espeak", cache_dir=tmp_path / "c"
    )
    assert result.mp3.stat().st_size > 1000 and len(result.cues) == 4
    made = result.provenance
    assert made is not None and result.fell_back
    assert (made.fallback, made.fallback_voice, made.fallback_sentences) == ("espeak", "vi", 4)
    assert result.engine == "espeak"  # every sentence
    assert made.reason is not None and "connection refused" in made.reason


def test_the_next_run_heals_and_reuses_what_edge_already_spoke(
    fake_edge: FakeEdge, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import edge_tts.communicate

    cache = tmp_path / "c"
    narrate(ARTICLE, tmp_path / "a.mp3", engine="edge", fallback="espeak", cache_dir=cache)
    # The article is edited (a sentence added), and the machine is offline: the sentences
    # edge spoke before come from the cache, only the new one from espeak.
    edited = dataclasses.replace(
        ARTICLE, blocks=(*ARTICLE.blocks, Block("paragraph", "Xin cảm ơn bà con."))
    )
    good_url = edge_tts.communicate.WSS_URL
    monkeypatch.setattr(edge_tts.communicate, "WSS_URL", "ws://127.0.0.1:9/edge/v1?x=1")
    mixed = narrate(edited, tmp_path / "b.mp3", engine="edge", fallback=True, cache_dir=cache)
    assert mixed.provenance is not None
    assert (mixed.provenance.sentences, mixed.provenance.fallback_sentences) == (5, 1)
    assert mixed.engine == "edge+espeak"
    # Online again: the same article is narrated by edge alone; only the new sentence is
    # asked of the service (the fallback's audio was not cached under edge's key).
    monkeypatch.setattr(edge_tts.communicate, "WSS_URL", good_url)
    fake_edge.reset()
    healed = narrate(edited, tmp_path / "b.mp3", engine="edge", fallback=True, cache_dir=cache)
    assert healed.engine == "edge" and not healed.fell_back
    assert [r.text for r in fake_edge.requests] == ["Xin cảm ơn bà con."]


def test_garbage_mid_article_falls_back_for_the_rest(fake_edge: FakeEdge, tmp_path: Path) -> None:
    fake_edge.plan("ok", "garbage_binary")
    result = narrate(
        ARTICLE, tmp_path / "a.mp3", engine="edge", fallback="espeak", cache_dir=tmp_path / "c"
    )
    assert result.provenance is not None
    assert (result.provenance.sentences, result.provenance.fallback_sentences) == (4, 3)
    assert len(fake_edge.requests) == 2  # not asked again after the failure


def test_bad_fallback_settings(tmp_path: Path, fake_edge: FakeEdge) -> None:
    with pytest.raises(VnreaderError, match="must differ"):
        narrate(ARTICLE, tmp_path / "a.mp3", engine="edge", fallback="edge")
    with pytest.raises(VnreaderError, match="unknown speech engine 'festival'"):
        narrate(ARTICLE, tmp_path / "a.mp3", engine="edge", fallback="festival")


def test_cli_narrate_with_fallback_says_what_happened(
    offline: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = Path(__file__).resolve().parent / "fixtures" / "pages" / "tanhiep_seed.html"
    out = tmp_path / "tin.mp3"
    code = main(
        [
            "narrate", str(source), "-o", str(out), "--engine", "edge", "--fallback",
            "--cache-dir", str(tmp_path / "c"),
        ]
    )  # fmt: skip
    assert code == 0 and out.is_file()
    err = capsys.readouterr().err
    assert re.search(r"espeak spoke (\d+) of \1 sentences because edge failed: .*refused", err)
