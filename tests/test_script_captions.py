"""Captions read where their photo stands: the script's order and pauses, a real page's
order, and a real narration's transcript and chapters (espeak-ng, offline) in step."""

from __future__ import annotations

import functools
import itertools
import json
from pathlib import Path

import pytest

from vnreader.article import Article, Block, Image
from vnreader.extract import extract_bytes
from vnreader.normalizer import Normalizer
from vnreader.speech.model import Script
from vnreader.speech.script import build_script, placed_captions, settings, useful_captions

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"


@functools.cache
def normalizer() -> Normalizer:
    return Normalizer()


def script_of(article: Article) -> Script:
    return build_script(article, normalizer=normalizer())


def written(script: Script) -> list[tuple[str, str]]:
    return [(s.kind, u.written) for s in script.segments for u in s.utterances]


ARTICLE = Article(
    title="Huyện tổ chức lễ ra quân làm sạch kênh rạch",
    lead="Sáng 2/6, hơn 500 người tham gia lễ ra quân.",
    blocks=(
        Block("paragraph", "Đoạn một nói về buổi lễ. Câu sau của đoạn một."),
        Block("paragraph", "Đoạn hai nói về số người tham gia."),
        Block("heading", "Kế hoạch sắp tới"),
        Block("paragraph", "Đoạn ba nói về kế hoạch của huyện."),
    ),
    images=(
        Image("a.jpg", "Đại biểu dự lễ ra quân. Ảnh: Minh Anh", 0),
        Image("b.jpg", "Thanh niên vớt rác trên kênh (Ảnh: Minh Anh)", 2),
        Image("c.jpg", "Ảnh: Minh Anh", 2),  # a credit alone: shown, not read
        Image("d.jpg", "Kênh rạch sau buổi ra quân.", 4),
        Image("e.jpg", "Người dân ký cam kết giữ sạch kênh rạch.", None),  # unknown place
    ),
    author="Minh Anh",
)


def test_captions_are_read_where_their_photos_stand() -> None:
    assert written(script_of(ARTICLE)) == [
        ("title", "Huyện tổ chức lễ ra quân làm sạch kênh rạch"),
        ("lead", "Sáng 2/6, hơn 500 người tham gia lễ ra quân."),
        ("caption", "Ảnh: Đại biểu dự lễ ra quân."),  # before the first block: after the lead
        ("paragraph", "Đoạn một nói về buổi lễ."),
        ("paragraph", "Câu sau của đoạn một."),
        ("paragraph", "Đoạn hai nói về số người tham gia."),
        ("caption", "Ảnh: Thanh niên vớt rác trên kênh"),  # after the 2nd block
        ("heading", "Kế hoạch sắp tới"),
        ("paragraph", "Đoạn ba nói về kế hoạch của huyện."),
        ("caption", "Ảnh: Kênh rạch sau buổi ra quân."),  # after the last block
        ("caption", "Ảnh: Người dân ký cam kết giữ sạch kênh rạch."),  # place unknown: end
        ("author", "Bài: Minh Anh"),
    ]
    assert placed_captions(ARTICLE) == [
        (0, "Đại biểu dự lễ ra quân."),
        (2, "Thanh niên vớt rác trên kênh"),
        (4, "Kênh rạch sau buổi ra quân."),
        (4, "Người dân ký cam kết giữ sạch kênh rạch."),
    ]
    assert useful_captions(ARTICLE) == [text for _, text in placed_captions(ARTICLE)]


def test_caption_pauses_are_the_paragraph_pauses_and_never_open_a_chapter() -> None:
    s = settings()
    segments = script_of(ARTICLE).segments
    kinds = [seg.kind for seg in segments]
    pause = {i: seg.pause_after_ms for i, seg in enumerate(segments)}
    # the paragraph before a caption pauses as before any paragraph; the caption too
    assert kinds[4] == "paragraph" and pause[4] == s.paragraph_ms
    assert kinds[5] == "caption" and pause[5] == max(s.paragraph_ms, s.section_ms)  # → heading
    assert kinds[7] == "paragraph" and pause[7] == s.paragraph_ms
    assert kinds[8] == "caption" and pause[8] == s.paragraph_ms
    assert kinds[2] == "caption" and pause[2] == max(s.paragraph_ms, s.section_ms)
    assert all(seg.chapter is None for seg in segments if seg.kind == "caption")
    # the chapters are those of the article without its photos
    bare = Article(**{**ARTICLE.__dict__, "images": ()})
    marks = [seg.chapter for seg in segments if seg.chapter]
    assert marks == [seg.chapter for seg in script_of(bare).segments if seg.chapter]
    assert marks[-1] == "Kế hoạch sắp tới"
    assert segments[kinds.index("heading")].chapter == "Kế hoạch sắp tới"


def test_a_caption_is_never_read_twice_nor_when_the_body_says_it() -> None:
    article = Article(
        title="Tin",
        blocks=(Block("paragraph", "Lãnh đạo huyện trao quà cho hộ nghèo."),),
        images=(
            Image("a.jpg", "Lãnh đạo huyện trao quà cho hộ nghèo.", 0),  # the body says it
            Image("b.jpg", "Người dân nhận quà.", 1),
            Image("c.jpg", "Người dân nhận quà.", 1),  # the same caption again
        ),
    )
    assert written(script_of(article)) == [
        ("title", "Tin"),
        ("paragraph", "Lãnh đạo huyện trao quà cho hộ nghèo."),
        ("caption", "Ảnh: Người dân nhận quà."),
    ]


def test_a_real_page_reads_each_caption_between_its_paragraphs() -> None:
    article = extract_bytes((PAGES / "ho2_baocantho_chonoi.html").read_bytes())
    lines = written(script_of(article))
    spoken = [text for _, text in lines]
    first = spoken.index(
        "Ảnh: Ghe hàng được sơn mới, gắn biển số trên chợ nổi Cái Răng vào sáng sớm."
    )
    assert lines[first - 1][0] == "paragraph" and article.blocks[0].text.endswith(
        lines[first - 1][1]
    )
    assert article.blocks[1].text.startswith(lines[first + 1][1])
    second = spoken.index("Ảnh: Du khách thưởng thức hủ tiếu trên ghe đặc sản.")
    assert article.blocks[4].text.endswith(lines[second - 1][1])
    assert article.blocks[5].text.startswith(lines[second + 1][1])
    assert first < second
    assert [kind for kind, _ in lines].count("caption") == 2


# --- a real narration ------------------------------------------------------------------------


def test_transcript_and_chapters_follow_the_captions_in_place(tmp_path: Path) -> None:
    pytest.importorskip("vnreader.speech.engines.espeak")
    from vnreader.speech.narrate import narrate

    narration = narrate(ARTICLE, tmp_path / "bai.mp3", cache_dir=tmp_path / "cache")
    script = script_of(ARTICLE)
    # one cue per spoken sentence, in the script's order, none overlapping
    assert [c.text for c in narration.cues] == [text for _, text in written(script)]
    for a, b in itertools.pairwise(narration.cues):
        assert a.start_ms < a.end_ms <= b.start_ms
    # each chapter starts at the cue of its first sentence; a caption's cue lies inside the
    # chapter of the paragraph it follows
    starts: list[int] = []
    n = 0
    for seg in script.segments:
        if seg.chapter:
            starts.append(n)
        n += len(seg.utterances)
    listed = json.loads(narration.chapters_json.read_text("utf-8"))["chapters"]
    assert [c["title"] for c in listed] == [s.chapter for s in script.segments if s.chapter]
    for entry, cue_index in zip(listed, starts, strict=True):
        assert abs(entry["startTime"] * 1000 - narration.cues[cue_index].start_ms) <= 400
    caption_cue = next(c for c in narration.cues if c.text.startswith("Ảnh: Thanh niên"))
    heading_chapter = next(c for c in narration.chapters if c.title == "Kế hoạch sắp tới")
    assert caption_cue.end_ms <= heading_chapter.start_ms
    assert any(ch.start_ms <= caption_cue.start_ms < ch.end_ms for ch in narration.chapters)
