"""Daily digest: two short synthetic narrations joined into one episode with two chapters."""

from __future__ import annotations

import json
import math
from array import array
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest
from mutagen.id3 import ID3

from vnreader.errors import VnreaderError
from vnreader.publishing.digest import (
    PAUSE_MS,
    DigestPart,
    build_digest,
    digest_tags,
    read_vtt,
)
from vnreader.speech import audio
from vnreader.speech.formats import webvtt
from vnreader.speech.model import PCM, Cue
from vnreader.speech.tags import Tags

RATE = 44100
DAY = date(2024, 5, 1)


def _tone(freq: float, seconds: float) -> PCM:
    """A speech-like test signal: a tone with a 3 Hz swell (so loudness gating keeps it)."""
    n = int(seconds * RATE)
    samples = array(
        "h",
        (
            int(
                9000
                * math.sin(2 * math.pi * freq * i / RATE)
                * (0.6 + 0.4 * math.sin(2 * math.pi * 3 * i / RATE))
            )
            for i in range(n)
        ),
    )
    return PCM(samples.tobytes(), RATE)


def _narration(folder: Path, name: str, freq: float, seconds: float, title: str) -> DigestPart:
    mp3 = folder / f"{name}.mp3"
    audio.encode_mp3(_tone(freq, seconds), mp3, audio_filter=None, rate=RATE, bitrate_kbps=64)
    vtt = folder / f"{name}.vtt"
    end = int(seconds * 1000)
    vtt.write_text(
        webvtt([Cue(0, 900, f"{title}: câu đầu & <một>"), Cue(1100, end, "Câu cuối.")]),
        encoding="utf-8",
    )
    return DigestPart(title=title, mp3=mp3, duration_ms=end, vtt=vtt)


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> list[DigestPart]:
    folder = tmp_path_factory.mktemp("narrations")
    return [
        _narration(folder, "bai-1", 220, 2.0, "Hội nghị sơ kết công tác"),
        _narration(folder, "bai-2", 330, 3.0, "Thông báo lịch tiếp công dân"),
    ]


@pytest.fixture(scope="module")
def digest_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("digest")


def test_two_narrations_two_chapters_at_the_right_offsets(
    parts: list[DigestPart], digest_dir: Path
) -> None:
    out = digest_dir / "2024-05-01.mp3"
    result = build_digest(DAY, parts, out, tags=digest_tags(DAY, "Huyện Tân Hiệp"))
    assert result.mp3 == out and out.is_file()
    assert result.bytes == out.stat().st_size
    first = round(audio.duration_ms(parts[0].mp3))
    second = round(audio.duration_ms(parts[1].mp3))
    # Duration = the parts + one pause (measured on the encoded file too).
    assert abs(result.duration_ms - (first + PAUSE_MS + second)) <= 2
    assert abs(audio.duration_ms(out) - result.duration_ms) <= 30
    # Chapters: one per article, the second starting after the first and the pause.
    (c1, c2) = result.chapters
    assert (c1.start_ms, c1.title) == (0, "Hội nghị sơ kết công tác")
    assert abs(c2.start_ms - (first + PAUSE_MS)) <= 2
    assert c1.end_ms == c2.start_ms and c2.end_ms == result.duration_ms
    assert c2.title == "Thông báo lịch tiếp công dân"

    # ID3: two CHAP frames and a CTOC, with the same times and titles.
    tag = ID3(str(out))
    chaps = sorted(tag.getall("CHAP"), key=lambda c: c.start_time)
    assert len(chaps) == 2
    assert [(c.start_time, c.end_time) for c in chaps] == [
        (c1.start_ms, c1.end_ms),
        (c2.start_ms, c2.end_ms),
    ]
    assert [c.sub_frames["TIT2"].text[0] for c in chaps] == [c1.title, c2.title]
    assert len(tag.getall("CTOC")) == 1
    assert tag["TIT2"].text[0] == "Bản tin ngày 01/05/2024"

    # JSON chapters (Podcasting 2.0, version 1.2.0).
    doc = json.loads(result.chapters_json.read_text(encoding="utf-8"))
    assert doc["version"] == "1.2.0"
    assert doc["fileName"] == "2024-05-01.mp3"
    assert [ch["title"] for ch in doc["chapters"]] == [c1.title, c2.title]
    assert doc["chapters"][0]["startTime"] == 0
    assert doc["chapters"][1]["startTime"] == pytest.approx(c2.start_ms / 1000)

    # VTT: the second article's cues shifted by its start; text round-trips.
    cues = read_vtt(result.vtt)
    assert len(cues) == 4
    assert cues[0].text == "Hội nghị sơ kết công tác: câu đầu & <một>"
    assert cues[2].start_ms == c2.start_ms
    assert cues[3].start_ms == c2.start_ms + 1100
    assert all(a.end_ms <= b.start_ms for a, b in pairwise(cues))


def test_loudness_stays_on_target(parts: list[DigestPart], digest_dir: Path) -> None:
    out = digest_dir / "loud.mp3"
    build_digest(DAY, parts, out, tags=digest_tags(DAY, "Huyện Tân Hiệp"))
    got = audio.measure_file(out)
    assert abs(got.integrated_lufs - audio.TARGET_LUFS) <= 0.6
    assert got.true_peak_dbtp <= audio.MAX_TRUE_PEAK_DBTP + 0.1


def test_same_input_same_bytes_and_no_rewrite(parts: list[DigestPart], tmp_path: Path) -> None:
    tags = digest_tags(DAY, "Huyện Tân Hiệp")
    a = build_digest(DAY, parts, tmp_path / "a" / "d.mp3", tags=tags)
    b = build_digest(DAY, parts, tmp_path / "b" / "d.mp3", tags=tags)
    for x, y in ((a.mp3, b.mp3), (a.vtt, b.vtt), (a.chapters_json, b.chapters_json)):
        assert x.read_bytes() == y.read_bytes()
    mtime = a.mp3.stat().st_mtime_ns
    build_digest(DAY, parts, a.mp3, tags=tags)
    assert a.mp3.stat().st_mtime_ns == mtime  # identical bytes: file left alone
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == [
        "d.chapters.json",
        "d.mp3",
        "d.vtt",
    ]


def test_date_defaults_to_the_day(parts: list[DigestPart], tmp_path: Path) -> None:
    tags = Tags(title="Bản tin", artist="Tân Hiệp", album="Tân Hiệp", date=None)
    result = build_digest(DAY, parts[:1], tmp_path / "d.mp3", tags=tags)
    assert str(ID3(str(result.mp3))["TDRC"].text[0]) == "2024-05-01"
    assert len(result.chapters) == 1


def test_nothing_to_join_or_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    tags = digest_tags(DAY, "Tân Hiệp")
    with pytest.raises(VnreaderError, match="no narrations"):
        build_digest(DAY, [], tmp_path / "d.mp3", tags=tags)
    missing = DigestPart("Bài", tmp_path / "none.mp3", 1000)
    with pytest.raises(VnreaderError, match="missing"):
        build_digest(DAY, [missing], tmp_path / "d.mp3", tags=tags)
    assert list(tmp_path.iterdir()) == []
