"""End to end and offline: the seed article → MP3 + WebVTT + chapters, with real espeak-ng
(the wheel's library) and the wheel's ffmpeg. The seed is narrated once per module."""

from __future__ import annotations

import dataclasses
import html
import itertools
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from mutagen.id3 import ID3, CTOCFlags

from vnreader.article import Article, Block
from vnreader.errors import VnreaderError
from vnreader.extract import extract_bytes
from vnreader.normalizer import Normalizer
from vnreader.speech import narrate as narrate_module
from vnreader.speech.cache import ChunkCache
from vnreader.speech.model import PCM, Narration, Script
from vnreader.speech.narrate import (
    article_tags,
    default_cache_dir,
    default_voice,
    narrate,
    portal_label,
    synthesize_script,
)
from vnreader.speech.script import build_script

try:
    from vnreader.speech.engines import espeak
except ImportError as exc:  # only while the engine is being written
    pytest.skip(
        f"vnreader.speech.engines.espeak cannot be imported: {exc}", allow_module_level=True
    )

# The no_internet fixture (tests/fakegtts.py): any name or address beyond 127.0.0.1 fails.
pytest_plugins = ("tests.fakegtts",)

SEED = Path(__file__).resolve().parent / "fixtures" / "pages" / "tanhiep_seed.html"
PORTAL = "Cổng thông tin điện tử huyện Tân Hiệp"
TIME = re.compile(r"^(\d{2}):(\d{2}):(\d{2})\.(\d{3}) --> (\d{2}):(\d{2}):(\d{2})\.(\d{3})")


@dataclass(frozen=True)
class Run:
    article: Article
    script: Script
    narration: Narration
    cache_dir: Path
    progress: list[tuple[int, int]]


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The seed narrated once, into a fresh directory with a fresh cache."""
    out = tmp_path_factory.mktemp("narration")
    article = extract_bytes(SEED.read_bytes())
    calls: list[tuple[int, int]] = []
    narration = narrate(
        article,
        out / "seed.mp3",
        cache_dir=out / "cache",
        portal_name=PORTAL,
        progress=lambda done, total: calls.append((done, total)),
    )
    script = build_script(article, normalizer=Normalizer())
    return Run(article, script, narration, out / "cache", calls)


def parse_vtt(path: Path) -> list[tuple[int, int, str]]:
    """(start ms, end ms, text) of each cue of a WebVTT file."""
    text = path.read_text("utf-8")
    assert text.startswith("WEBVTT")
    cues = []
    for block in text.split("\n\n")[1:]:
        lines = [line for line in block.splitlines() if line]
        for i, line in enumerate(lines):
            m = TIME.match(line)
            if m:
                h1, m1, s1, ms1, h2, m2, s2, ms2 = (int(g) for g in m.groups())
                start = ((h1 * 60 + m1) * 60 + s1) * 1000 + ms1
                end = ((h2 * 60 + m2) * 60 + s2) * 1000 + ms2
                cues.append((start, end, html.unescape("\n".join(lines[i + 1 :]))))
                break
    return cues


def chunk_files(directory: Path) -> set[Path]:
    return {p for p in directory.rglob("*.wav") if not p.name.startswith(".")}


# --- the files --------------------------------------------------------------------------


def test_files_written_beside_the_mp3(seed: Run) -> None:
    n = seed.narration
    assert n.mp3.name == "seed.mp3"
    assert n.vtt == n.mp3.with_suffix(".vtt") and n.vtt.is_file()
    assert n.chapters_json == n.mp3.with_suffix(".chapters.json") and n.chapters_json.is_file()
    # Nothing else beside them (no temp file left behind).
    assert sorted(p.name for p in n.mp3.parent.iterdir() if p.is_file()) == [
        "seed.chapters.json",
        "seed.mp3",
        "seed.vtt",
    ]


def test_mp3_decodes_and_lasts_as_long_as_the_transcript(seed: Run) -> None:
    from vnreader.speech import audio

    pcm = audio.decode_file(seed.narration.mp3)
    duration = pcm.duration_ms
    cues = parse_vtt(seed.narration.vtt)
    assert abs(duration - cues[-1][1]) <= 500
    assert abs(duration - seed.narration.duration_ms) <= 500
    # The seed is a few minutes of speech, not a few seconds of silence.
    assert 120_000 < duration < 420_000
    assert (
        max(
            abs(int.from_bytes(pcm.data[i : i + 2], "little", signed=True))
            for i in range(0, len(pcm.data), 2 * 997)
        )
        > 1000
    )


def test_loudness_is_podcast_loudness(seed: Run) -> None:
    from vnreader.speech import audio

    loudness = audio.measure_file(seed.narration.mp3)
    assert abs(loudness.integrated_lufs - (-16.0)) <= 1.0, loudness
    assert loudness.true_peak_dbtp <= -0.5, loudness


def test_cues_are_the_scripts_written_sentences_in_order(seed: Run) -> None:
    cues = parse_vtt(seed.narration.vtt)
    expected = [u.written for s in seed.script.segments for u in s.utterances]
    assert [text for _, _, text in cues] == expected
    assert [c.text for c in seed.narration.cues] == expected
    # Cues follow one another without overlap.
    for (s1, e1, _), (s2, _, _) in itertools.pairwise(cues):
        assert s1 < e1 <= s2
    # Sentences taken from the article are its own text, in its order.
    article = seed.article
    source = "\n".join([article.title, article.lead or "", *article.paragraphs])
    position = 0
    for segment in seed.script.segments:
        if segment.kind not in ("title", "lead", "heading", "paragraph"):
            continue
        for u in segment.utterances:
            found = source.find(u.written, position)
            assert found >= 0, u.written
            position = found + len(u.written)
    assert cues[1][2] == "Đăng lúc 15:53, ngày 19/12/2019"
    assert cues[-1][2] == "Bài: Tiến Đức"


def test_id3_chapters_match_the_json_chapters(seed: Run) -> None:
    tags = ID3(seed.narration.mp3)
    data = json.loads(seed.narration.chapters_json.read_text("utf-8"))
    assert data["version"] == "1.2.0"
    listed = data["chapters"]
    chaps = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert len(chaps) == len(listed) == len(seed.narration.chapters) == 2
    for chap, entry, chapter in zip(chaps, listed, seed.narration.chapters, strict=True):
        assert chap.sub_frames["TIT2"].text[0] == entry["title"] == chapter.title
        assert abs(chap.start_time - entry["startTime"] * 1000) <= 1
        assert chap.start_time == chapter.start_ms
    (toc,) = tags.getall("CTOC")
    assert toc.flags & CTOCFlags.TOP_LEVEL and toc.flags & CTOCFlags.ORDERED
    assert list(toc.child_element_ids) == [c.element_id for c in chaps]
    # The chapters are the script's: the opening (title, date, category), then the body.
    titles = [s.chapter for s in seed.script.segments if s.chapter]
    assert [c["title"] for c in listed] == titles
    assert listed[0]["startTime"] == 0
    cues = parse_vtt(seed.narration.vtt)
    assert abs(listed[1]["startTime"] * 1000 - cues[3][0]) <= 1  # the first paragraph


def test_id3_tags(seed: Run) -> None:
    tags = ID3(seed.narration.mp3)
    assert tags["TIT2"].text[0] == seed.article.title
    assert tags["TPE1"].text[0] == PORTAL
    assert tags["TALB"].text[0] == f"{PORTAL} — Tin tức"
    assert str(tags["TDRC"].text[0]) == "2019-12-19"
    assert tags["TLAN"].text[0] == "vie"


def test_progress_reported_after_each_sentence(seed: Run) -> None:
    total = sum(len(s.utterances) for s in seed.script.segments)
    assert seed.progress == [(i, total) for i in range(1, total + 1)]


# --- the cache --------------------------------------------------------------------------


def test_editing_one_sentence_synthesizes_only_that_sentence(
    seed: Run, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    spoken: list[str] = []
    real = espeak.EspeakEngine.synthesize

    def counting(self: espeak.EspeakEngine, text: str, **kwargs: object) -> PCM:
        spoken.append(text)
        return real(self, text, **kwargs)  # type: ignore[arg-type]

    assembled: list[list[list[PCM]]] = []

    def assemble(script: Script, chunks: list[list[PCM]], out_mp3: Path, **kw: object) -> str:
        # The full assembly is tested above on the same audio; here only the chunks matter.
        assembled.append(chunks)
        return "assembled"

    monkeypatch.setattr(espeak.EspeakEngine, "synthesize", counting)
    monkeypatch.setattr("vnreader.speech.assemble.assemble", assemble)
    blocks = list(seed.article.blocks)
    last = blocks[-1]
    assert "cho 3 tập thể" in last.text
    blocks[-1] = Block(last.kind, last.text.replace("cho 3 tập thể", "cho 5 tập thể"))
    edited = dataclasses.replace(seed.article, blocks=tuple(blocks))
    before = chunk_files(seed.cache_dir)

    with caplog.at_level(logging.INFO, logger="vnreader.speech.narrate"):
        result = narrate(
            edited, seed.narration.mp3.with_name("edited.mp3"), cache_dir=seed.cache_dir
        )

    assert result == "assembled"
    assert len(spoken) == 1 and "cho năm tập thể" in spoken[0]
    assert len(chunk_files(seed.cache_dir) - before) == 1
    total = len(seed.narration.cues)
    assert sum(len(c) for c in assembled[0]) == total
    assert f"{total} sentences: {total - 1} from the cache, 1 synthesized" in caplog.text
    # The same segments and sentences as the first narration, one chunk each.
    first = build_script(seed.article, normalizer=Normalizer())
    assert [len(s.utterances) for s in first.segments] == [len(c) for c in assembled[0]]


class _FallingBack:
    """An engine whose fallback speaks every other chunk (as gTTS offline with fallback)."""

    name = "flaky"

    def __init__(self) -> None:
        self.fallback = object()
        self.last_fell_back = False
        self.calls = 0

    def cache_key(self, voice: str, rate: int) -> str:
        return f"flaky/{voice}/{rate}"

    def synthesize(self, text: str, *, voice: str, rate: int) -> PCM:
        self.calls += 1
        self.last_fell_back = self.calls % 2 == 0
        return PCM(b"\x01\x00" * 100, 22050)


def test_audio_a_fallback_spoke_is_not_cached(tmp_path: Path) -> None:
    article = Article(title="Tin", blocks=(Block("paragraph", "Câu một. Câu hai. Câu ba."),))
    script = build_script(article, normalizer=Normalizer())
    engine = _FallingBack()
    cache = ChunkCache(tmp_path)
    chunks = synthesize_script(script, engine, cache, voice="vi", rate=100)
    assert [len(c) for c in chunks] == [1, 3]
    # Four chunks: the 2nd and 4th fell back and were not stored.
    assert len(chunk_files(tmp_path)) == 2
    synthesize_script(script, engine, cache, voice="vi", rate=100)
    assert engine.calls == 6  # the two fallback chunks are asked for again


# --- options and errors (no audio) ---------------------------------------------------------


def test_default_voices_follow_the_dialect() -> None:
    assert default_voice("espeak", "north") == "vi"
    assert default_voice("espeak", "south") == "vi-VN-x-south"
    assert default_voice("gtts", "south") == "vi"
    for voice in ("vi", "vi-VN-x-south"):
        assert espeak.resolve_voice(voice) == voice


def test_default_cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "vnreader" / "chunks"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/dir")  # ignored, as XDG says
    assert default_cache_dir() == Path.home() / ".cache" / "vnreader" / "chunks"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_dir() == Path.home() / ".cache" / "vnreader" / "chunks"


def test_portal_label_and_tags() -> None:
    article = Article(title="Tin", url="https://www.tanhiep.kiengiang.gov.vn/a/1")
    assert portal_label(article) == "tanhiep.kiengiang.gov.vn"
    assert portal_label(article, "Huyện Tân Hiệp") == "Huyện Tân Hiệp"
    assert portal_label(dataclasses.replace(article, site="Báo Kiên Giang")) == "Báo Kiên Giang"
    assert portal_label(Article(title="Tin")) == "vnreader"
    tags = article_tags(Article(title="Tin"))
    assert (tags.artist, tags.album, tags.date, tags.language) == (
        "vnreader",
        "vnreader — Tin tức",
        None,
        "vie",
    )


@pytest.fixture
def tiny() -> Article:
    return Article(title="Tin ngắn", blocks=(Block("paragraph", "Một câu."),))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"engine": "festival"}, "unknown speech engine 'festival'"),
        ({"dialect": "west"}, "unknown dialect 'west'"),
        ({"voice": "klingon"}, "unknown espeak voice 'klingon'"),
        ({"rate": 1000}, "out of range"),
        ({"rate": 1.5}, "whole percentage"),
    ],
)
def test_bad_options_are_one_line_errors(
    tiny: Article, tmp_path: Path, options: dict[str, object], message: str
) -> None:
    with pytest.raises(VnreaderError, match=re.escape(message)) as info:
        narrate(tiny, tmp_path / "x.mp3", cache_dir=tmp_path / "cache", **options)  # type: ignore[arg-type]
    assert "\n" not in str(info.value)
    assert not (tmp_path / "x.mp3").exists()


def test_unwritable_destinations_fail_before_synthesis(
    tiny: Article, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("synthesis started")

    monkeypatch.setattr(narrate_module, "synthesize_script", fail)
    with pytest.raises(VnreaderError, match="no such directory"):
        narrate(tiny, tmp_path / "missing" / "x.mp3", cache_dir=tmp_path / "cache")
    with pytest.raises(VnreaderError, match="is a directory"):
        narrate(tiny, tmp_path, cache_dir=tmp_path / "cache")
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(VnreaderError, match="cannot use the cache directory"):
        narrate(tiny, tmp_path / "x.mp3", cache_dir=blocker / "cache")


def test_short_article_end_to_end_south(tiny: Article, tmp_path: Path) -> None:
    narration = narrate(tiny, tmp_path / "tin.mp3", dialect="south", cache_dir=tmp_path / "c")
    assert [c.text for c in narration.cues] == ["Tin ngắn", "Một câu."]
    assert narration.mp3.stat().st_size > 1000
    assert len(narration.chapters) == 2


def test_gtts_offline_is_a_one_line_error(
    tiny: Article, tmp_path: Path, no_internet: list[str]
) -> None:
    with pytest.raises(VnreaderError) as info:
        narrate(tiny, tmp_path / "x.mp3", engine="gtts", cache_dir=tmp_path / "cache")
    assert "gTTS could not reach translate.google.com" in str(info.value)
    assert "\n" not in str(info.value)
    assert not (tmp_path / "x.mp3").exists()


def test_gtts_offline_with_fallback_speaks_with_espeak_and_caches_nothing(
    tiny: Article, tmp_path: Path, no_internet: list[str]
) -> None:
    narration = narrate(
        tiny, tmp_path / "x.mp3", engine="gtts", fallback=True, cache_dir=tmp_path / "cache"
    )
    assert [c.text for c in narration.cues] == ["Tin ngắn", "Một câu."]
    assert narration.duration_ms > 500
    # espeak's audio is not gTTS's: nothing is kept under gTTS's key for a later run.
    assert chunk_files(tmp_path / "cache") == set()
    assert no_internet  # Google was asked (and refused by the tests), not skipped


def test_the_normalizer_is_built_once_and_again_when_the_lexicon_changes(
    tmp_path: Path,
) -> None:
    from vnreader.speech.narrate import _normalizer

    assert _normalizer("north", None) is _normalizer("north", None)
    assert _normalizer("south", None) is not _normalizer("north", None)
    lexicon = tmp_path / "lexicon.tsv"
    lexicon.write_text("Kinh Tư\tKinh Bốn\n", "utf-8")
    first = _normalizer("north", lexicon)
    assert _normalizer("north", lexicon) is first
    assert "Kinh Bốn" in first.normalize("Kinh Tư")
    lexicon.write_text("Kinh Tư\tKinh Năm\n", "utf-8")  # same size, same second
    second = _normalizer("north", lexicon)
    assert second is not first and "Kinh Năm" in second.normalize("Kinh Tư")
    assert _normalizer("north", {"a": "b"}) is not _normalizer("north", {"a": "b"})
