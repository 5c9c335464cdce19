"""Assembly: layout and pauses, loudness, MP3, ID3 chapters, WebVTT, JSON chapters, atomicity.

Synthetic "speech" (voiced harmonic syllables and noise bursts, generated here) stands in for
an engine, so these tests depend on nothing but the bundled ffmpeg and mutagen.
"""

from __future__ import annotations

import itertools
import json
import math
import random
import re
from array import array
from pathlib import Path

import pytest
from mutagen.id3 import ID3, CTOCFlags
from mutagen.mp3 import MP3, BitrateMode

from vnreader.errors import InputError, VnreaderError
from vnreader.speech import assemble as assemble_mod
from vnreader.speech import audio, mp3frames
from vnreader.speech.assemble import assemble, layout, trim_edges
from vnreader.speech.formats import json_chapters, vtt_timestamp, webvtt
from vnreader.speech.model import PCM, Chapter, Cue, Script, Segment, Utterance
from vnreader.speech.tags import Tags, build_tags, id3_date

# The smallest valid PNG signature + IHDR start: APIC only needs the type recognized.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17


def speechlike(seconds: float, rate: int = 22050, *, level: float = 0.3, seed: int = 1) -> PCM:
    """Syllable-like bursts: harmonics of a 110–210 Hz voice, or noise, under a sine envelope."""
    rnd = random.Random(seed)
    out = array("h")
    total = int(seconds * rate)
    while len(out) < total:
        n = int(rate * rnd.uniform(0.12, 0.25))
        f0 = rnd.uniform(110, 210)
        voiced = rnd.random() < 0.8
        for i in range(n):
            env = math.sin(math.pi * i / n)
            if voiced:
                v = 0.5 * sum(math.sin(2 * math.pi * f0 * k * i / rate) / k for k in range(1, 6))
            else:
                v = rnd.uniform(-0.4, 0.4)
            out.append(int(max(-32767, min(32767, v * env * level * 32767))))
        out.extend([0] * int(rate * 0.04))
    del out[total:]
    return PCM(out.tobytes(), rate)


def padded(pcm: PCM, before_ms: int, after_ms: int) -> PCM:
    """The chunk with engine-like silence around it (assembly trims it)."""
    silence = bytes(2 * (pcm.rate * before_ms // 1000)), bytes(2 * (pcm.rate * after_ms // 1000))
    return PCM(silence[0] + pcm.data + silence[1], pcm.rate)


# (kind, chapter, written sentences)
PLAN = [
    ("title", "Tin tức", ["Cắt điện & nước <quận 1>"]),
    ("lead", None, ["Ngày mai mất điện.", "Người dân chuẩn bị trước."]),
    ("heading", "Chi tiết", ["Lịch cụ thể"]),
    ("paragraph", None, ["Từ 8 giờ đến 17 giờ.", "Liên hệ 1900 > 1800."]),
]
SENTENCE_PAUSE = 300
SEGMENT_PAUSE = 650


def make_script(level: float = 0.3) -> tuple[Script, list[list[PCM]]]:
    segments, chunks, k = [], [], 0
    for kind, chapter, sentences in PLAN:
        row = []
        for _ in sentences:
            k += 1
            # One chunk at 24 kHz (as a decoded online voice would be): it is resampled.
            rate = 24000 if k == 3 else 22050
            row.append(padded(speechlike(0.9, rate, level=level, seed=k), 120, 250))
        utts = tuple(Utterance(s, s.lower()) for s in sentences)
        segments.append(Segment(kind, utts, SEGMENT_PAUSE, chapter))
        chunks.append(row)
    return Script("Tin tức", tuple(segments), sentence_pause_ms=SENTENCE_PAUSE), chunks


def peaky(pcm: PCM) -> PCM:
    """espeak-like: peaks at full scale while the loudness stays well under -16 LUFS."""
    a = array("h")
    a.frombytes(pcm.data)
    for i in range(0, len(a), pcm.rate // 2):
        for j in range(i, min(i + 60, len(a))):
            a[j] = max(-32767, min(32767, a[j] * 4))
    return PCM(a.tobytes(), pcm.rate)


TAGS = Tags(
    title="Cắt điện & nước",
    artist="Cổng TTĐT TP. Hồ Chí Minh",
    album="Cổng TTĐT TP. Hồ Chí Minh — Tin tức",
    date="2024-05-01T08:30:00+07:00",
    comment="Đọc bằng vnreader",
)


@pytest.fixture(scope="module")
def narrated(tmp_path_factory: pytest.TempPathFactory):
    """One narration written once for the module: (Narration, script, directory)."""
    directory = tmp_path_factory.mktemp("narration")
    cover = directory / "cover.png"
    cover.write_bytes(PNG)
    script, chunks = make_script()
    chunks = [[peaky(pcm) for pcm in row] for row in chunks]
    tags = Tags(**{**TAGS.__dict__, "cover": cover})
    result = assemble(script, chunks, directory / "bai.mp3", tags=tags)
    return result, script, directory


def written(script: Script) -> list[str]:
    return [u.written for seg in script.segments for u in seg.utterances]


# --- files -------------------------------------------------------------------------------


def test_files_written_beside_each_other(narrated) -> None:
    result, _, directory = narrated
    assert result.mp3 == directory / "bai.mp3"
    assert result.vtt == directory / "bai.vtt"
    assert result.chapters_json == directory / "bai.chapters.json"
    names = sorted(p.name for p in directory.iterdir())
    assert names == ["bai.chapters.json", "bai.mp3", "bai.vtt", "cover.png"]  # no temp files


def test_mp3_decodes_and_lasts_as_long_as_the_transcript(narrated) -> None:
    result, _, _ = narrated
    pcm = audio.decode_file(result.mp3)
    assert pcm.rate == 44100
    assert abs(pcm.duration_ms - result.cues[-1].end_ms) <= 500
    assert abs(pcm.duration_ms - result.duration_ms) <= 50
    assert abs(audio.duration_ms(result.mp3) - pcm.duration_ms) < 1


def test_mp3_is_mono_44k_64kbps_cbr(narrated) -> None:
    info = MP3(narrated[0].mp3).info
    assert (info.channels, info.sample_rate) == (1, 44100)
    # Every frame says 64 kbit/s; the average (mutagen's figure) is a hair under, as each
    # piece's frames restart LAME's padding-byte pattern.
    assert info.bitrate == pytest.approx(64000, rel=0.001)
    assert info.bitrate_mode in (BitrateMode.CBR, BitrateMode.UNKNOWN)  # LAME tag says CBR
    data = narrated[0].mp3.read_bytes()
    at = 10 + sum((b & 0x7F) << (7 * (3 - i)) for i, b in enumerate(data[6:10]))  # past ID3
    frames = 0
    while at < len(data):
        assert data[at] == 0xFF and data[at + 1] == 0xFB  # MPEG-1 Layer III, no CRC
        assert data[at + 2] >> 4 == 5 and (data[at + 2] >> 2) & 3 == 0  # 64 kbps, 44.1 kHz
        assert data[at + 3] >> 6 == 3  # mono
        at += mp3frames.frame_size(data[at : at + 4])
        frames += 1
    assert at == len(data) and frames > 20
    size = narrated[0].mp3.stat().st_size
    assert size == pytest.approx(64000 / 8 * narrated[0].duration_ms / 1000, rel=0.1, abs=2048)


def test_loudness_meets_the_podcast_norm_with_full_scale_peaks(narrated) -> None:
    measured = audio.measure_file(narrated[0].mp3)
    assert abs(measured.integrated_lufs - (-16.0)) <= 1.0
    assert measured.true_peak_dbtp <= -1.0


def test_loudness_of_quiet_speech_is_raised_to_the_norm(tmp_path: Path) -> None:
    script, chunks = make_script(level=0.02)  # about -45 LUFS
    result = assemble(script, chunks, tmp_path / "quiet.mp3", tags=TAGS)
    measured = audio.measure_file(result.mp3)
    assert abs(measured.integrated_lufs - (-16.0)) <= 1.0
    assert measured.true_peak_dbtp <= -1.0


# --- ID3 ---------------------------------------------------------------------------------


def test_id3_v24_text_frames(narrated) -> None:
    tag = ID3(narrated[0].mp3)
    assert tag.version == (2, 4, 0)
    assert str(tag["TIT2"]) == TAGS.title
    assert str(tag["TPE1"]) == TAGS.artist
    assert str(tag["TALB"]) == TAGS.album
    assert str(tag["TDRC"]) == "2024-05-01 08:30:00"  # mutagen's rendering of 2024-05-01T08:30:00
    assert str(tag["TLAN"]) == "vie"
    assert str(tag["TLEN"]) == str(narrated[0].duration_ms)
    comments = tag.getall("COMM")
    assert [c.text[0] for c in comments] == [TAGS.comment]
    (apic,) = tag.getall("APIC")
    assert apic.mime == "image/png" and apic.type == 3 and apic.data == PNG


def test_id3_chapters_and_table_of_contents_match(narrated) -> None:
    result, _, _ = narrated
    tag = ID3(result.mp3)
    chaps = sorted(tag.getall("CHAP"), key=lambda c: c.start_time)
    assert [c.element_id for c in chaps] == [f"ch{i}" for i in range(len(result.chapters))]
    assert [(c.start_time, c.end_time, str(c.sub_frames["TIT2"])) for c in chaps] == [
        (ch.start_ms, ch.end_ms, ch.title) for ch in result.chapters
    ]
    (toc,) = tag.getall("CTOC")
    assert toc.flags & CTOCFlags.TOP_LEVEL and toc.flags & CTOCFlags.ORDERED
    assert toc.child_element_ids == [c.element_id for c in chaps]
    assert [ch.title for ch in result.chapters] == ["Tin tức", "Chi tiết"]
    assert result.chapters[0].start_ms == 0
    assert result.chapters[-1].end_ms == result.duration_ms


# --- WebVTT and JSON chapters -------------------------------------------------------------

CUE_RE = re.compile(r"^(\d{2}):(\d{2}):(\d{2})\.(\d{3}) --> (\d{2}):(\d{2}):(\d{2})\.(\d{3})$")


def parse_vtt(text: str) -> list[tuple[int, int, str]]:
    blocks = text.split("\n\n")
    assert blocks[0] == "WEBVTT"
    cues = []
    for block in filter(None, blocks[1:]):
        ident, timing, payload = block.strip("\n").split("\n")
        m = CUE_RE.match(timing)
        assert ident.isdigit() and m, block
        g = [int(x) for x in m.groups()]
        start = ((g[0] * 60 + g[1]) * 60 + g[2]) * 1000 + g[3]
        end = ((g[4] * 60 + g[5]) * 60 + g[6]) * 1000 + g[7]
        unescaped = payload.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        assert "<" not in payload and ">" not in payload
        cues.append((start, end, unescaped))
    return cues


def test_vtt_cues_are_the_written_sentences_in_order(narrated) -> None:
    result, script, _ = narrated
    cues = parse_vtt(result.vtt.read_text(encoding="utf-8"))
    assert [text for _, _, text in cues] == written(script)
    assert [(s, e) for s, e, _ in cues] == [(c.start_ms, c.end_ms) for c in result.cues]
    assert all(s < e for s, e, _ in cues)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(cues))
    assert "Cắt điện &amp; nước &lt;quận 1&gt;" in result.vtt.read_text(encoding="utf-8")


def test_json_chapters_follow_podcasting_20(narrated) -> None:
    result, _, _ = narrated
    doc = json.loads(result.chapters_json.read_text(encoding="utf-8"))
    assert doc["version"] == "1.2.0"
    assert doc["title"] == TAGS.title and doc["podcastName"] == TAGS.artist
    assert doc["fileName"] == "bai.mp3"
    chapters = doc["chapters"]
    starts = [ch["startTime"] for ch in chapters]
    assert starts[0] == 0 and starts == sorted(starts) and len(set(starts)) == len(starts)
    for ch in chapters:
        assert set(ch) <= {"startTime", "endTime", "title", "img", "url", "toc", "location"}
        assert isinstance(ch["startTime"], int | float) and isinstance(ch["title"], str)
        assert ch["endTime"] > ch["startTime"]
    assert [ch["title"] for ch in chapters] == [c.title for c in result.chapters]
    assert chapters[-1]["endTime"] == pytest.approx(result.duration_ms / 1000, abs=0.001)


def test_vtt_timestamps_and_escaping() -> None:
    assert vtt_timestamp(0) == "00:00:00.000"
    assert vtt_timestamp(3_723_004) == "01:02:03.004"
    text = webvtt([Cue(0, 1500, "A & B <i>\n\nC --> D")])
    assert text.splitlines()[:4] == [
        "WEBVTT",
        "",
        "1",
        "00:00:00.000 --> 00:00:01.500",
    ]
    assert text.splitlines()[4] == "A &amp; B &lt;i&gt; C --&gt; D"
    with pytest.raises(ValueError):
        webvtt([Cue(10, 10, "x")])


def test_json_chapters_whole_seconds_and_order() -> None:
    doc = json.loads(json_chapters([Chapter(5000, 9250, "B"), Chapter(0, 5000, "A")]))
    assert doc == {
        "version": "1.2.0",
        "chapters": [
            {"startTime": 0, "endTime": 5, "title": "A"},
            {"startTime": 5, "endTime": 9.25, "title": "B"},
        ],
    }


# --- layout ------------------------------------------------------------------------------


def test_layout_pauses_are_what_the_script_says() -> None:
    script, chunks = make_script()
    laid = layout(script, chunks)
    cues = laid.cues
    assert cues[0].start_ms == 0  # no leading silence
    assert cues[-1].end_ms == laid.duration_ms  # no trailing silence
    gaps = [b.start_ms - a.end_ms for a, b in itertools.pairwise(cues)]
    expected = []
    for seg in script.segments:
        expected += [SENTENCE_PAUSE] * (len(seg.utterances) - 1) + [SEGMENT_PAUSE]
    # Each sentence starts on an MP3 frame (1152 samples, 26.1 ms): a pause is what the
    # script says, or up to one frame longer.
    for gap, asked in zip(gaps, expected[:-1], strict=True):
        assert asked - 1 <= gap <= asked + 27
    assert all(
        c.start_ms == pytest.approx(round(c.start_ms * 44.1 / 1152) * 1152 / 44.1, abs=1)
        for c in cues
    )
    # The engines' 120 ms / 250 ms edges are gone; a 20 + 40 ms margin stays.
    for cue in cues:
        assert cue.end_ms - cue.start_ms == pytest.approx(900 + 60, abs=15)
    # A chapter runs until the next starts; the second starts where its heading is spoken.
    first, second = laid.chapters
    assert (first.start_ms, first.end_ms) == (0, second.start_ms)
    assert second.start_ms == cues[3].start_ms and second.end_ms == laid.duration_ms


def test_layout_resamples_every_chunk_to_the_mp3_rate() -> None:
    script, chunks = make_script()
    laid = layout(script, chunks)
    rendered = laid.render()
    assert rendered.rate == 44100
    assert rendered.duration_ms == pytest.approx(laid.duration_ms, abs=1)
    # The 24 kHz chunk lasts as long as the others once resampled.
    assert laid.cues[2].end_ms - laid.cues[2].start_ms == pytest.approx(960, abs=15)
    # Its sound is where its cue says: silence before, sound at the start.
    import numpy as np

    samples = np.frombuffer(rendered.data, dtype="<i2").astype(float)
    start = round(laid.cues[2].start_ms * 44.1)
    assert np.abs(samples[start - 2000 : start - 50]).max() == 0
    assert np.abs(samples[start : start + 4410]).max() > 1000


def test_the_mp3_plays_each_sentence_where_its_cue_says(narrated) -> None:
    """Pieces encoded one by one and joined: onsets in the decoded MP3 match the cues."""
    import numpy as np

    result = narrated[0]
    pcm = audio.decode_file(result.mp3)
    samples = np.abs(np.frombuffer(pcm.data, dtype="<i2").astype(float))
    window = 441  # 10 ms
    loud = samples[: len(samples) // window * window].reshape(-1, window).max(axis=1) > 300
    onsets = [i * 10 for i in range(1, len(loud)) if loud[i] and not loud[i - 1]]
    if loud[0]:
        onsets.insert(0, 0)
    for cue in result.cues:
        nearest = min(onsets, key=lambda t: abs(t - cue.start_ms))
        assert abs(nearest - cue.start_ms) <= 30, (cue, nearest)


def test_layout_without_chapters_and_with_silent_chunks() -> None:
    script, chunks = make_script()
    chunks[1][0] = PCM(bytes(2000), 22050)  # an engine that said nothing
    laid = layout(script, chunks, chapters=False)
    assert laid.chapters == ()
    assert [c.text for c in laid.cues] == [w for w in written(script) if w != "Ngày mai mất điện."]
    # No double pause where the silent sentence was (at most a frame more, see above).
    assert SEGMENT_PAUSE - 1 <= laid.cues[1].start_ms - laid.cues[0].end_ms <= SEGMENT_PAUSE + 27


def test_layout_first_chapter_starts_at_zero_even_after_an_unchaptered_opening() -> None:
    segs = (
        Segment("title", (Utterance("a", "a"),), 500, None),
        Segment("paragraph", (Utterance("b", "b"),), 500, "Nội dung"),
    )
    chunks = [[speechlike(0.5)], [speechlike(0.5, seed=2)]]
    laid = layout(Script("t", segs), chunks)
    assert [(c.start_ms, c.end_ms, c.title) for c in laid.chapters] == [
        (0, laid.duration_ms, "Nội dung")
    ]


def test_layout_rejects_a_mismatch_and_silence() -> None:
    script, chunks = make_script()
    with pytest.raises(ValueError):
        layout(script, chunks[:-1])
    silent = [[PCM(bytes(400), 22050) for _ in row] for row in chunks]
    with pytest.raises(VnreaderError):
        layout(script, silent)


def test_trim_edges_keeps_a_short_margin() -> None:
    tone = speechlike(0.5)
    trimmed = trim_edges(padded(tone, 300, 300))
    assert trimmed.duration_ms == pytest.approx(500 + 60, abs=12)
    assert trim_edges(PCM(bytes(1000), 22050)).data == b""


# --- tags helpers ------------------------------------------------------------------------


def test_id3_dates() -> None:
    assert id3_date("2024-05-01T08:30:00+07:00") == "2024-05-01T08:30:00"
    assert id3_date("2024-05-01") == "2024-05-01"
    assert id3_date("2024-05-01 08:30") == "2024-05-01T08:30"
    with pytest.raises(InputError):
        id3_date("01/05/2024")


def test_no_chapters_means_no_chap_nor_ctoc() -> None:
    tag = build_tags(Tags("t", "a", "b", None), [], duration_ms=None)
    assert not tag.getall("CHAP") and not tag.getall("CTOC") and not tag.getall("TDRC")


# --- atomicity ---------------------------------------------------------------------------


def _small() -> tuple[Script, list[list[PCM]]]:
    segs = (Segment("title", (Utterance("a", "a"),), 500, "A"),)
    return Script("t", segs), [[speechlike(0.6)]]


@pytest.mark.parametrize("exc", [KeyboardInterrupt, RuntimeError])
def test_interrupted_encoding_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exc: type[BaseException]
) -> None:
    old = tmp_path / "bai.mp3"
    old.write_bytes(b"the previous narration")

    def broken_encoder(data: bytes, **kwargs: object) -> bytes:
        # Mid-assembly: the temporary files exist beside the destination; then Ctrl-C / a crash.
        assert any(p.name.endswith(".part") for p in tmp_path.iterdir())
        raise exc("interrupted")

    monkeypatch.setattr(assemble_mod.audio, "encode_mp3_frames", broken_encoder)
    script, chunks = _small()
    with pytest.raises(exc):
        assemble(script, chunks, old, tags=TAGS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bai.mp3"]
    assert old.read_bytes() == b"the previous narration"


def test_failed_tagging_leaves_nothing_behind(tmp_path: Path) -> None:
    script, chunks = _small()
    tags = Tags("t", "a", "b", None, cover=tmp_path / "missing.jpg")
    with pytest.raises(InputError):
        assemble(script, chunks, tmp_path / "bai.mp3", tags=tags)
    assert list(tmp_path.iterdir()) == []


def test_a_missing_directory_is_a_vnreader_error(tmp_path: Path) -> None:
    script, chunks = _small()
    with pytest.raises(VnreaderError):
        assemble(script, chunks, tmp_path / "nowhere" / "bai.mp3", tags=TAGS)


def test_the_loudness_rounds_make_up_for_the_limiter(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """espeak-like speech needs more gain than its peaks allow: the limiter costs loudness,
    and the rounds raise the gain until the whole is within tolerance of -16 LUFS."""
    import logging

    script, chunks = make_script()
    chunks = [[peaky(pcm) for pcm in row] for row in chunks]
    laid = layout(script, chunks)
    with caplog.at_level(logging.DEBUG, logger="vnreader.speech.pieces"):
        measured = assemble_mod.encode_pieces(laid, tmp_path / "x.mp3").integrated_lufs
    rounds = re.findall(r"loudness round \d+: gain ([+-][\d.]+) dB", caplog.text)
    assert len(rounds) >= 2 and float(rounds[-1]) > float(rounds[0])
    assert abs(measured - (-16.0)) <= 0.15
    assert abs(audio.measure_file(tmp_path / "x.mp3").integrated_lufs - measured) <= 0.3
