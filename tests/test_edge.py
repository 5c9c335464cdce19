"""The edge engine through edge-tts's own client, against a fake service on 127.0.0.1.

tests/fakeedge.py speaks edge-tts's WebSocket protocol (speech.config and ssml frames in;
turn.start, audio binary frames with Path:audio, audio.metadata and turn.end out); the
fixture points edge-tts's endpoint constant ``WSS_URL`` at it. vnreader's engine is not
patched, and nothing can reach the internet (``no_internet``).
"""

from __future__ import annotations

import socket

import pytest

from tests.fakeedge import FakeEdge, tone_seconds
from tests.fakegtts import Blocked
from vnreader.errors import VnreaderError
from vnreader.speech.engines.base import EngineError
from vnreader.speech.engines.edge import SAMPLE_RATE, EdgeEngine, resolve_voice

pytest_plugins = ("tests.fakegtts", "tests.fakeedge")

SENTENCE = "Ủy ban nhân dân huyện Tân Hiệp thông báo lịch tiếp công dân."


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_sentence_is_spoken_through_edge_tts(fake_edge: FakeEdge) -> None:
    pcm = EdgeEngine().synthesize(SENTENCE, voice="vi-VN-HoaiMyNeural", rate=100)
    assert pcm.rate == SAMPLE_RATE
    expected = (tone_seconds(SENTENCE) + 0.2) * 1000  # the tone and its two 0.1 s pads
    assert abs(pcm.duration_ms - expected) < 120
    [seen] = fake_edge.requests
    assert seen.text == SENTENCE
    assert (seen.locale, seen.voice) == ("vi-VN", "HoaiMyNeural")
    assert seen.config["context"]["synthesis"]["audio"]["outputFormat"] == (  # type: ignore[index]
        "audio-24khz-48kbitrate-mono-mp3"
    )
    # edge-tts's own query and headers reached the fake: its code ran, not a stand-in.
    assert seen.query["TrustedClientToken"]
    assert seen.query["Sec-MS-GEC"] and seen.query["ConnectionId"]


def test_rate_and_pitch_reach_the_service(fake_edge: FakeEdge) -> None:
    engine = EdgeEngine(pitch=-12)
    fast = engine.synthesize(SENTENCE, voice="namminh", rate=150)
    slow = engine.synthesize(SENTENCE, voice="namminh", rate=80)
    first, second = fake_edge.requests
    assert (first.rate, first.pitch, first.voice) == ("+50%", "-12Hz", "NamMinhNeural")
    assert (second.rate, second.pitch) == ("-20%", "-12Hz")
    assert slow.duration_ms > fast.duration_ms * 1.5  # the fake speaks at the asked speed
    assert engine.cache_key("namminh", 150) == (
        "edge|v1|voice=vi-VN-NamMinhNeural|rate=150|pitch=-12"
    )


def test_special_characters_are_escaped_by_edge_tts(fake_edge: FakeEdge) -> None:
    EdgeEngine().synthesize("Lãi suất < 5 % & phí > 0.", voice="hoaimy", rate=100)
    assert fake_edge.requests[0].text == "Lãi suất &lt; 5 % &amp; phí &gt; 0."


def test_a_refused_connection_is_one_line(
    fake_edge: FakeEdge, monkeypatch: pytest.MonkeyPatch
) -> None:
    import edge_tts.communicate

    monkeypatch.setattr(
        edge_tts.communicate,
        "WSS_URL",
        f"ws://127.0.0.1:{free_port()}/edge/v1?TrustedClientToken=x",
    )
    engine = EdgeEngine()
    with pytest.raises(EngineError) as caught:
        engine.synthesize(SENTENCE, voice="hoaimy", rate=100)
    message = str(caught.value)
    assert "\n" not in message
    assert "could not reach speech.platform.bing.com: connection refused" in message
    # The engine does not try again for the rest of the narration.
    with pytest.raises(EngineError, match="connection refused"):
        engine.synthesize("Câu thứ hai.", voice="hoaimy", rate=100)


def test_the_real_host_is_never_reached(no_internet: Blocked) -> None:
    with pytest.raises(EngineError, match=r"could not reach speech\.platform\.bing\.com"):
        EdgeEngine().synthesize(SENTENCE, voice="hoaimy", rate=100)
    assert any("speech.platform.bing.com" in attempt for attempt in no_internet)


def test_a_server_closing_mid_stream_gives_no_half_sentence(fake_edge: FakeEdge) -> None:
    fake_edge.plan("close_mid")
    with pytest.raises(EngineError, match="closed the connection before the sentence"):
        EdgeEngine().synthesize(SENTENCE * 4, voice="hoaimy", rate=100)


@pytest.mark.parametrize(
    ("mode", "words"),
    [
        ("garbage_text", "sent frames vnreader cannot read"),
        ("garbage_binary", "sent frames vnreader cannot read"),
        ("bad_mp3", "sent audio ffmpeg cannot decode"),
        ("silence", "sent silence"),
        ("no_audio", "sent no audio"),
        ("http_429", "HTTP 429"),
    ],
)
def test_garbage_and_silence_are_one_line_errors(
    fake_edge: FakeEdge, mode: str, words: str
) -> None:
    fake_edge.plan(mode)
    with pytest.raises(EngineError) as caught:
        EdgeEngine().synthesize(SENTENCE, voice="hoaimy", rate=100)
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)


def test_bad_settings_are_refused_before_any_request(fake_edge: FakeEdge) -> None:
    with pytest.raises(VnreaderError, match="unknown edge voice 'vi-VN-An'"):
        EdgeEngine().cache_key("vi-VN-An", 100)
    with pytest.raises(VnreaderError, match="rate 400%"):
        EdgeEngine().synthesize(SENTENCE, voice="hoaimy", rate=400)
    with pytest.raises(VnreaderError, match="pitch"):
        EdgeEngine(pitch=500)
    assert fake_edge.requests == []
    assert resolve_voice("HoaiMy") == "vi-VN-HoaiMyNeural"


def test_empty_text_sends_nothing(fake_edge: FakeEdge) -> None:
    assert EdgeEngine().synthesize("  ", voice="hoaimy", rate=100).data == b""
    assert fake_edge.requests == []
