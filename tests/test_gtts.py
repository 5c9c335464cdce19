"""The gTTS engine against a fake Google endpoint on 127.0.0.1 (tests/fakegtts.py).

Every request goes through gTTS's own request code; the fake decodes what gTTS sends and
answers in Google's batchexecute format with real MP3 audio. Nothing here can reach the
internet: the ``no_internet`` fixture refuses every name and address beyond loopback.
"""

from __future__ import annotations

import logging
import socket
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fakegtts import Blocked, FakeGoogle, tone_seconds
from vnreader.errors import VnreaderError
from vnreader.speech.engines import gtts as gtts_module
from vnreader.speech.engines.gtts import (
    EDGE_MS,
    MAX_CHARS,
    PART_PAUSE_MS,
    SAMPLE_RATE,
    GttsEngine,
    split_parts,
    tempo_filters,
    trim_silence,
)
from vnreader.speech.model import PCM

# The fake's fixtures (fake_gtts, gtts_server, no_internet), registered as a plugin.
pytest_plugins = ("tests.fakegtts",)

LONG = (
    "Sáng ngày mười tám tháng mười hai, Hội đồng nhân dân huyện Tân Hiệp khai mạc kỳ họp "
    "thường lệ cuối năm, với sự tham dự của ba mươi lăm đại biểu; kỳ họp xem xét các báo "
    "cáo kinh tế - xã hội năm hai nghìn không trăm mười chín."
)


@pytest.fixture(autouse=True)
def _offline(no_internet: Blocked) -> None:
    """Every test here runs with the internet blocked, whether it uses the fake or not."""


def engine_for(fake: FakeGoogle, **kwargs: object) -> GttsEngine:
    kwargs.setdefault("backoff", 0.01)
    return GttsEngine(tld=fake.tld, **kwargs)  # type: ignore[arg-type]


def expected_ms(parts: list[tuple[str, str]], slow: bool = False) -> float:
    """What the engine should return for the fake's tones: each tone, its trimmed edges and
    the pauses at the cuts."""
    tones = sum(tone_seconds(text, slow) * 1000 + 2 * EDGE_MS for text, _ in parts)
    return tones + sum(PART_PAUSE_MS[boundary] for _, boundary in parts[:-1])


class FakeEngine:
    """A stand-in fallback engine: a fixed 100 ms of a constant level, calls recorded."""

    name = "fake"

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, int]] = []

    def synthesize(self, text: str, *, voice: str, rate: int) -> PCM:
        self.calls.append((text, voice, rate))
        return PCM(b"\x00\x10" * (SAMPLE_RATE // 10), SAMPLE_RATE)

    def cache_key(self, voice: str, rate: int) -> str:
        return f"fake|{voice}|{rate}"


# -- speaking through gTTS's request code ------------------------------------------------


def test_narrates_vietnamese_through_gtts(fake_gtts: FakeGoogle, no_internet: Blocked) -> None:
    engine = engine_for(fake_gtts)
    pcm = engine.synthesize(LONG, voice="vi", rate=100)

    parts = split_parts(LONG)
    assert len(parts) > 1  # longer than Google's limit: cut at punctuation
    assert fake_gtts.errors == []
    assert fake_gtts.texts == [p.text for p in parts]
    assert all(len(t) <= MAX_CHARS for t in fake_gtts.texts)
    assert [t[-1] for t in fake_gtts.texts] == [",", ",", ";", "."]
    assert {(s.lang, s.slow) for s in fake_gtts.seen} == {("vi", False)}
    # Every Vietnamese letter arrived as sent (gTTS JSON-escapes them; the fake decodes).
    assert " ".join(fake_gtts.texts) == LONG
    assert pcm.rate == SAMPLE_RATE and len(pcm.data) % 2 == 0
    # Google's padding is trimmed and the cuts get vnreader's pauses: the length is known.
    want = expected_ms([(p.text, p.boundary) for p in parts])
    assert abs(pcm.duration_ms - want) < 60
    assert list(no_internet) == []
    assert engine.fallbacks == [] and not engine.last_fell_back


def test_the_request_is_the_one_gtts_builds(fake_gtts: FakeGoogle) -> None:
    engine_for(fake_gtts).synthesize("Xin chào bà con.", voice="vi", rate=100)
    (seen,) = fake_gtts.seen
    assert seen.text == "Xin chào bà con."
    assert seen.headers["Host"] == f"127.0.0.1:{fake_gtts.port}"
    assert seen.headers["Referer"] == "http://translate.google.com/"
    assert "Authorization" not in seen.headers


def test_text_is_sent_in_nfc_and_unwrapped(fake_gtts: FakeGoogle) -> None:
    decomposed = "Hội  nghị\ntổng kết."
    decomposed = __import__("unicodedata").normalize("NFD", decomposed)
    engine_for(fake_gtts).synthesize(decomposed, voice="vi", rate=100)
    assert fake_gtts.texts == ["Hội nghị tổng kết."]


def test_slow_voice_below_85_percent(fake_gtts: FakeGoogle) -> None:
    engine = engine_for(fake_gtts)
    text = "Kỳ họp thường lệ cuối năm."
    normal = engine.synthesize(text, voice="vi", rate=100)
    slow = engine.synthesize(text, voice="vi", rate=70)
    assert [s.slow for s in fake_gtts.seen] == [False, True]
    assert abs(slow.duration_ms - expected_ms([(text, "sentence")], slow=True)) < 40
    assert slow.duration_ms > normal.duration_ms * 1.3


def test_other_rates_change_tempo(fake_gtts: FakeGoogle) -> None:
    engine = engine_for(fake_gtts)
    text = "Huyện tiếp tục đẩy mạnh tiếp nhận hồ sơ trực tuyến mức độ ba và bốn."
    normal = engine.synthesize(text, voice="vi", rate=100)
    fast = engine.synthesize(text, voice="vi", rate=150)
    assert [s.slow for s in fake_gtts.seen] == [False, False]
    tone = tone_seconds(text, False) * 1000
    assert abs(fast.duration_ms - (tone / 1.5 + 2 * EDGE_MS)) < 40
    assert fast.duration_ms < normal.duration_ms * 0.75


def test_tempo_filters() -> None:
    assert tempo_filters(100) == (False, [])
    assert tempo_filters(70) == (True, [])
    assert tempo_filters(84) == (True, [1.2])
    assert tempo_filters(85) == (False, [0.85])
    slow, chain = tempo_filters(30)
    assert slow and all(0.5 <= f <= 2.0 for f in chain)
    assert abs(chain[0] * chain[1] - 30 / 70) < 0.001
    _, chain = tempo_filters(300)
    assert chain == [2.0, 1.5]


# -- cutting text under Google's limit ---------------------------------------------------


def test_split_parts_prefers_strong_boundaries() -> None:
    assert split_parts("") == []
    assert split_parts("  Ngắn  gọn. ") == [gtts_module.Part("Ngắn gọn.", "sentence")]
    parts = split_parts(LONG)
    assert [p.boundary for p in parts] == ["comma", "comma", "clause", "sentence"]
    # "kinh tế - xã hội" is one term: a spaced hyphen is never a cut.
    assert parts[-1].text.startswith("kỳ họp") and "kinh tế - xã hội" in parts[-1].text
    two = "Câu thứ nhất khá dài " + "a" * 60 + ". Câu thứ hai cũng dài " + "b" * 60 + "."
    assert [p.boundary for p in split_parts(two)] == ["sentence", "sentence"]
    dashed = "Phần đầu " + "c " * 45 + "— phần sau " + "d " * 20
    assert split_parts(dashed)[0].boundary == "clause"


def test_split_parts_hard_cut_for_one_huge_word() -> None:
    parts = split_parts("x" * 250)
    assert [len(p.text) for p in parts] == [100, 100, 50]
    assert [p.boundary for p in parts] == ["word", "word", "sentence"]


words = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạếềểễệ.,;:!?…–", min_size=1, max_size=30)


@settings(max_examples=200, deadline=None)
@given(st.lists(words, min_size=1, max_size=60), st.integers(20, 100))
def test_split_parts_keeps_every_word_and_the_limit(pieces: list[str], limit: int) -> None:
    text = " ".join(pieces)
    parts = split_parts(text, limit)
    assert all(0 < len(p.text) <= limit for p in parts)
    assert "".join(p.text for p in parts).replace(" ", "") == text.replace(" ", "")
    assert parts[-1].boundary == "sentence"


def test_trim_silence_keeps_edges() -> None:
    silence = b"\x00\x00" * 4800  # 200 ms
    tone = b"\x00\x20" * 2400  # 100 ms at a level well above the threshold
    trimmed = trim_silence(silence + tone + silence)
    assert len(trimmed) // 2 == 2400 + 2 * SAMPLE_RATE * EDGE_MS // 1000
    assert trim_silence(silence) == silence  # all silent: left alone


# -- retries, timeouts and errors ---------------------------------------------------------


def test_retries_then_answers(fake_gtts: FakeGoogle) -> None:
    fake_gtts.plan("503", "drop")
    pcm = engine_for(fake_gtts, retries=2).synthesize("Xin chào.", voice="vi", rate=100)
    assert fake_gtts.hits == 3 and pcm.duration_ms > 100


def test_retries_are_bounded(fake_gtts: FakeGoogle) -> None:
    fake_gtts.default = "500"
    with pytest.raises(VnreaderError) as error:
        engine_for(fake_gtts, retries=1).synthesize("Xin chào.", voice="vi", rate=100)
    assert fake_gtts.hits == 2
    message = str(error.value)
    assert "\n" not in message
    assert message == (
        f"gTTS: translate.google.{fake_gtts.tld} answered HTTP 500 Internal Server Error "
        "(use --engine espeak to narrate offline)"
    )


def test_rate_limited_is_retried_with_backoff(fake_gtts: FakeGoogle) -> None:
    fake_gtts.plan("429", "429")
    start = time.monotonic()
    engine_for(fake_gtts, retries=2, backoff=0.1).synthesize("Xin chào.", voice="vi", rate=100)
    assert fake_gtts.hits == 3
    assert time.monotonic() - start >= 0.1 + 0.2  # 0.1 s, then doubled


def test_forbidden_is_not_retried(fake_gtts: FakeGoogle) -> None:
    fake_gtts.default = "403"
    with pytest.raises(VnreaderError, match="answered HTTP 403"):
        engine_for(fake_gtts).synthesize("Xin chào.", voice="vi", rate=100)
    assert fake_gtts.hits == 1


def test_timeout_is_retried(fake_gtts: FakeGoogle) -> None:
    fake_gtts.delay = 1.0
    fake_gtts.plan("slow")
    engine = engine_for(fake_gtts, retries=1, timeout=0.3)
    assert engine.synthesize("Xin chào.", voice="vi", rate=100).duration_ms > 100
    assert fake_gtts.hits == 2


def test_timeout_error_is_one_line(fake_gtts: FakeGoogle) -> None:
    fake_gtts.delay = 1.0
    fake_gtts.default = "slow"
    start = time.monotonic()
    with pytest.raises(VnreaderError) as error:
        engine_for(fake_gtts, retries=0, timeout=0.3).synthesize("Chào.", voice="vi", rate=100)
    assert time.monotonic() - start < 0.9
    assert str(error.value) == (
        f"gTTS could not reach translate.google.{fake_gtts.tld}: no answer within 0.3 s "
        "(use --engine espeak to narrate offline)"
    )


@pytest.mark.parametrize(
    ("answer", "what"),
    [
        ("garbage", "an answer without audio"),
        ("noaudio", "an answer without audio"),
        ("notmp3", "audio ffmpeg cannot decode"),
    ],
)
def test_garbage_answer_is_one_line_error(fake_gtts: FakeGoogle, answer: str, what: str) -> None:
    fake_gtts.default = answer
    with pytest.raises(VnreaderError) as error:
        engine_for(fake_gtts).synthesize("Xin chào.", voice="vi", rate=100)
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith(f"gTTS: translate.google.{fake_gtts.tld} sent {what}")
    assert message.endswith("(upgrade gTTS, or use --engine espeak)")
    assert fake_gtts.hits == 1  # a protocol problem is not retried


def test_language_google_refuses(fake_gtts: FakeGoogle) -> None:
    with pytest.raises(VnreaderError, match="sent an answer without audio"):
        GttsEngine(tld=fake_gtts.tld, lang="en").synthesize("Hello.", voice="en", rate=100)
    assert [(s.text, s.lang) for s in fake_gtts.seen] == [("Hello.", "en")]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_fails_fast_in_one_line() -> None:
    tld = f"com@127.0.0.1:{closed_port()}"
    engine = GttsEngine(tld=tld, retries=2, backoff=0.5)
    start = time.monotonic()
    with pytest.raises(VnreaderError) as error:
        engine.synthesize("Xin chào.", voice="vi", rate=100)
    assert time.monotonic() - start < 0.5  # a refused connection is not retried
    assert str(error.value) == (
        f"gTTS could not reach translate.google.{tld}: connection refused "
        "(use --engine espeak to narrate offline)"
    )


def test_offline_with_the_real_host_fails_closed(no_internet: Blocked) -> None:
    """The default host is never reached from tests: its name does not resolve here."""
    with pytest.raises(VnreaderError) as error:
        GttsEngine().synthesize("Xin chào.", voice="vi", rate=100)
    assert str(error.value) == (
        "gTTS could not reach translate.google.com: the host name could not be resolved "
        "(offline?) (use --engine espeak to narrate offline)"
    )
    assert any("translate.google.com" in b for b in no_internet)


def test_later_chunks_do_not_ask_google_again(fake_gtts: FakeGoogle) -> None:
    engine = engine_for(fake_gtts, retries=0)
    fake_gtts.default = "500"
    with pytest.raises(VnreaderError):
        engine.synthesize("Một.", voice="vi", rate=100)
    fake_gtts.default = "ok"
    with pytest.raises(VnreaderError, match="HTTP 500"):
        engine.synthesize("Hai.", voice="vi", rate=100)
    assert fake_gtts.hits == 1


# -- fallback per chunk -------------------------------------------------------------------


def test_fallback_per_chunk_when_asked(
    fake_gtts: FakeGoogle, caplog: pytest.LogCaptureFixture
) -> None:
    backup = FakeEngine()
    engine = engine_for(fake_gtts, retries=1, fallback=backup, fallback_voice="vi-VN-x-south")
    first = engine.synthesize("Câu thứ nhất.", voice="vi", rate=100)
    assert not engine.last_fell_back and backup.calls == []

    fake_gtts.default = "503"
    with caplog.at_level(logging.WARNING, logger=gtts_module.__name__):
        second = engine.synthesize("Câu thứ hai.", voice="vi", rate=90)
        hits = fake_gtts.hits
        third = engine.synthesize("Câu thứ ba.", voice="vi", rate=90)
    assert engine.last_fell_back
    assert fake_gtts.hits == hits == 3  # 1 + 2 attempts; the third chunk never asked Google
    assert backup.calls == [
        ("Câu thứ hai.", "vi-VN-x-south", 90),
        ("Câu thứ ba.", "vi-VN-x-south", 90),
    ]
    assert second == third == backup.synthesize("x", voice="vi", rate=90)
    assert first.duration_ms != second.duration_ms
    assert [f.text for f in engine.fallbacks] == ["Câu thứ hai.", "Câu thứ ba."]
    assert all("HTTP 503" in f.reason for f in engine.fallbacks)
    logged = [r.getMessage() for r in caplog.records]
    assert len(logged) == 2 and all("fake speaks this chunk instead" in m for m in logged)
    assert "Câu thứ hai." in logged[0] and "Câu thứ ba." in logged[1]


def test_no_fallback_unless_asked(fake_gtts: FakeGoogle) -> None:
    fake_gtts.default = "garbage"
    with pytest.raises(VnreaderError):
        engine_for(fake_gtts).synthesize("Xin chào.", voice="vi", rate=100)


def test_fallback_to_espeak_offline() -> None:
    espeak = pytest.importorskip("vnreader.speech.engines.espeak")
    if not espeak.available():
        pytest.skip("espeak-ng is not available here")
    engine = GttsEngine(tld=f"com@127.0.0.1:{closed_port()}", fallback=espeak.EspeakEngine())
    pcm = engine.synthesize("Xin chào.", voice="vi", rate=100)
    assert engine.last_fell_back and pcm.duration_ms > 200


# -- settings -----------------------------------------------------------------------------


def test_cache_key() -> None:
    engine = GttsEngine()
    key = engine.cache_key("vi", 100)
    assert key.startswith("gtts|") and "tld=com" in key and "lang=vi" in key and "rate=100" in key
    assert key == engine.cache_key("anything", 100)  # one voice per language
    assert key != engine.cache_key("vi", 90)
    assert key != GttsEngine(tld="com.vn").cache_key("vi", 100)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"lang": "xx"},
        {"tld": ""},
        {"tld": "com/evil"},
        {"tld": "com vn"},
        {"timeout": 0},
        {"retries": -1},
    ],
)
def test_bad_settings(kwargs: dict[str, object]) -> None:
    with pytest.raises(VnreaderError):
        GttsEngine(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("rate", [10, 29, 301])
def test_rate_out_of_range(rate: int) -> None:
    with pytest.raises(VnreaderError, match="outside 30–300%"):
        GttsEngine().synthesize("Xin chào.", voice="vi", rate=rate)
