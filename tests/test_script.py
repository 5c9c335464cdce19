"""The narration script (no audio): order, date line, pauses, chapters, captions, author."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from vnreader.article import Article, Block, Image
from vnreader.errors import VnreaderError
from vnreader.extract import extract_bytes
from vnreader.normalizer import Normalizer
from vnreader.normalizer.syllables import unreadable_tokens
from vnreader.speech.model import Script
from vnreader.speech.script import (
    author_line,
    build_script,
    chapter_title,
    settings,
    strip_credit,
    useful_captions,
)

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
VN = timezone(timedelta(hours=7))


@functools.cache
def normalizer(dialect: str = "north") -> Normalizer:
    return Normalizer(dialect=dialect)


@functools.cache
def page(name: str) -> Article:
    return extract_bytes((PAGES / name).read_bytes())


def script_of(article: Article, dialect: str = "north") -> Script:
    return build_script(article, normalizer=normalizer(dialect))


def written(script: Script, *kinds: str) -> list[str]:
    return [
        u.written for s in script.segments if not kinds or s.kind in kinds for u in s.utterances
    ]


def chapters(script: Script) -> list[str]:
    return [s.chapter for s in script.segments if s.chapter is not None]


def body(n: int, *, headings: dict[int, str] | None = None) -> tuple[Block, ...]:
    """``n`` paragraphs of two sentences each; ``headings[i]`` is put before paragraph i."""
    out: list[Block] = []
    for i in range(n):
        if headings and i in headings:
            out.append(Block("heading", headings[i]))
        out.append(Block("paragraph", f"Đoạn thứ {i + 1} nói về việc số {i + 1}. Câu sau."))
    return tuple(out)


# --- the seed article ---------------------------------------------------------------------


SEED = "tanhiep_seed.html"


def test_seed_segments_in_reading_order() -> None:
    script = script_of(page(SEED))
    kinds = [s.kind for s in script.segments]
    assert kinds == ["title", "date", "category", *["paragraph"] * 5, "author"]
    assert written(script, "category") == ["Chuyên mục: Xây dựng chính quyền"]
    assert written(script, "author") == ["Bài: Tiến Đức"]
    assert script.title == page(SEED).title


def test_seed_date_line_is_written_then_spoken_by_the_normalizer() -> None:
    (date,) = [s for s in script_of(page(SEED)).segments if s.kind == "date"]
    (utterance,) = date.utterances
    assert utterance.written == "Đăng lúc 15:53, ngày 19/12/2019"
    assert utterance.spoken == (
        "Đăng lúc mười lăm giờ năm mươi ba phút, ngày mười chín tháng mười hai "
        "năm hai nghìn không trăm mười chín"
    )
    south = next(s for s in script_of(page(SEED), "south").segments if s.kind == "date")
    assert "hai ngàn không trăm mười chín" in south.utterances[0].spoken


def test_seed_utterances_are_sentences_of_the_article_in_order() -> None:
    article = page(SEED)
    script = script_of(article)
    source = "\n".join([article.title, article.lead or "", *article.paragraphs])
    position = 0
    for text in written(script, "title", "lead", "heading", "paragraph"):
        found = source.find(text, position)
        assert found >= 0, f"not a sentence of the article (in order): {text!r}"
        position = found + len(text)
    # The paragraphs are cut into sentences, not read as one block each.
    assert len(written(script, "paragraph")) == 10


def test_seed_every_utterance_says_something_readable() -> None:
    for segment in script_of(page(SEED)).segments:
        assert segment.utterances
        for u in segment.utterances:
            assert u.written.strip() and any(ch.isalpha() for ch in u.spoken)
            assert unreadable_tokens(u.spoken) == [], u.spoken
            assert not any(ch.isdigit() for ch in u.spoken), u.spoken


def test_seed_pauses_and_chapters() -> None:
    s = settings()
    script = script_of(page(SEED))
    assert script.sentence_pause_ms == s.sentence_ms == 350
    pauses = [seg.pause_after_ms for seg in script.segments]
    # title, date, category: a section each; the body's chapter starts after the category.
    assert pauses[:3] == [s.section_ms] * 3
    assert pauses[3:7] == [s.paragraph_ms] * 4
    assert pauses[-1] == s.end_ms == 0  # nothing after the last word
    assert s.sentence_ms < s.paragraph_ms < s.section_ms
    first = page(SEED).paragraphs[0]
    assert chapters(script) == [page(SEED).title, chapter_title(first)]
    assert script.segments[0].chapter == page(SEED).title
    assert (
        script.segments[3].chapter
        == "Sáng ngày 09 -12-2019, Huyện ủy Tân Hiệp đã tổ chức Hội nghị…"
    )


# --- every page of the development set -----------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.name for p in PAGES.glob("*.html")))
def test_dev_pages_script_is_sound(name: str) -> None:
    article = page(name)
    script = script_of(article)
    source = "\n".join([article.title, article.lead or "", *article.paragraphs])
    for text in written(script, "title", "lead", "heading", "paragraph"):
        assert text in source
    for segment in script.segments:
        assert segment.utterances
        assert all(any(ch.isalnum() for ch in u.spoken) for u in segment.utterances)
    # The first segment opens the first chapter; captions and the author never open one.
    assert script.segments[0].chapter
    assert all(s.chapter is None for s in script.segments if s.kind in ("caption", "author"))


# --- date line -----------------------------------------------------------------------------


def test_no_date_no_date_line() -> None:
    script = script_of(Article(title="Thông báo", blocks=body(1)))
    assert [s.kind for s in script.segments] == ["title", "paragraph"]


def test_midnight_means_a_date_without_time() -> None:
    article = Article(title="Tin", blocks=body(1), published=datetime(2014, 9, 22, tzinfo=VN))
    date = next(s for s in script_of(article).segments if s.kind == "date")
    assert date.utterances[0].written == "Đăng ngày 22/09/2014"
    assert (
        date.utterances[0].spoken
        == "Đăng ngày hai mươi hai tháng chín năm hai nghìn không trăm mười bốn"
    )


def test_lead_is_read_after_category_and_ends_a_section() -> None:
    article = Article(
        title="Tin",
        lead="Câu dẫn một. Câu dẫn hai.",
        category="Du lịch",
        published=datetime(2023, 6, 2, 8, 10, tzinfo=VN),
        blocks=body(2),
    )
    script = script_of(article)
    assert [s.kind for s in script.segments][:4] == ["title", "date", "category", "lead"]
    lead = script.segments[3]
    assert [u.written for u in lead.utterances] == ["Câu dẫn một.", "Câu dẫn hai."]
    assert lead.pause_after_ms == settings().section_ms
    assert lead.chapter is None  # the lead belongs to the opening chapter


# --- chapters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paragraphs", "starts"),
    [
        (1, [0]),
        (6, [0]),  # not long: one body chapter
        (7, [0, 4]),  # 4 + 3
        (8, [0, 4]),  # 4 + 4
        (9, [0, 4]),  # 4 + 5: a last chapter of one paragraph joins the one before
        (10, [0, 4, 8]),  # 4 + 4 + 2
    ],
)
def test_chapters_without_headings(paragraphs: int, starts: list[int]) -> None:
    article = Article(title="Bài dài", blocks=body(paragraphs), author="Văn Sang")
    script = script_of(article)
    paras = [s for s in script.segments if s.kind == "paragraph"]
    assert [i for i, s in enumerate(paras) if s.chapter] == starts
    assert chapters(script) == [
        "Bài dài",
        *[f"Đoạn thứ {i + 1} nói về việc số {i + 1}" for i in starts],
    ]
    # The segment before a chapter pauses as long as a section; the author folds into the
    # last chapter and ends the narration.
    for i, seg in enumerate(script.segments[:-1]):
        if script.segments[i + 1].chapter:
            assert seg.pause_after_ms == settings().section_ms
    assert script.segments[-1].kind == "author" and script.segments[-1].chapter is None


def test_chapters_with_headings() -> None:
    blocks = body(8, headings={2: "1. Triệu chứng của bệnh", 5: "2. Cách phòng bệnh"})
    script = script_of(Article(title="Phòng bệnh tay chân miệng", blocks=blocks))
    assert chapters(script) == [
        "Phòng bệnh tay chân miệng",
        "Đoạn thứ 1 nói về việc số 1",  # the paragraphs before the first heading
        "1. Triệu chứng của bệnh",
        "2. Cách phòng bệnh",
    ]
    headings = [s for s in script.segments if s.kind == "heading"]
    assert [h.chapter for h in headings] == ["1. Triệu chứng của bệnh", "2. Cách phòng bệnh"]
    assert all(h.pause_after_ms == settings().heading_ms for h in headings)
    # Paragraph 2 ends the first body chapter: a section pause before the heading.
    before = script.segments[script.segments.index(headings[0]) - 1]
    assert before.pause_after_ms == settings().section_ms


def test_heading_first_body_has_no_extra_chapter() -> None:
    blocks = body(3, headings={0: "Tình hình chung"})
    script = script_of(Article(title="Báo cáo", blocks=blocks))
    assert chapters(script) == ["Báo cáo", "Tình hình chung"]


def test_silent_blocks_are_dropped_and_never_title_a_chapter() -> None:
    blocks = (Block("paragraph", "…"), Block("paragraph", "—"), *body(2))
    script = script_of(Article(title="Tin", blocks=blocks))
    assert [s.kind for s in script.segments] == ["title", "paragraph", "paragraph"]
    assert chapters(script) == ["Tin", "Đoạn thứ 1 nói về việc số 1"]
    assert script.segments[1].chapter == "Đoạn thứ 1 nói về việc số 1"


def test_chapter_title_is_cut_on_a_word_boundary() -> None:
    text = (
        "Phát biểu kết luận Hội nghị, đồng chí Cao Hữu Đạt, Phó Bí thư thường trực Huyện ủy "
        "nêu những kết quả. Câu thứ hai."
    )
    title = chapter_title(text)
    assert title.endswith("…") and len(title) <= settings().title_max_chars + 1
    head = title[:-1]
    assert text.startswith(head) and text[len(head)] == " "
    assert chapter_title("Ngắn gọn thôi. Câu hai.") == "Ngắn gọn thôi"
    assert chapter_title("x" * 100).startswith("x" * 50)
    assert chapter_title("1. Triệu chứng. Dấu hiệu", whole=True) == "1. Triệu chứng. Dấu hiệu"


def test_an_article_with_nothing_to_say_is_an_error() -> None:
    with pytest.raises(VnreaderError, match="nothing to read"):
        script_of(Article(title=" ", blocks=(Block("paragraph", "…"),)))


def test_untitled_article_opens_with_the_opening_chapter_name() -> None:
    dated = Article(title="", blocks=body(1), published=datetime(2020, 1, 6, 9, 12, tzinfo=VN))
    script = script_of(dated)
    assert script.segments[0].kind == "date"
    assert script.segments[0].chapter == settings().phrases["opening_chapter"] == "Mở đầu"
    assert script.title == "Mở đầu"
    # With nothing before the body, the body's chapter is the first one.
    script = script_of(Article(title="", blocks=body(1)))
    assert chapters(script) == ["Đoạn thứ 1 nói về việc số 1"]


# --- captions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("caption", "kept"),
    [
        (
            "Thi công một dự án giao thông trọng điểm. Ảnh: VGP/Nhật Bắc",
            "Thi công một dự án giao thông trọng điểm.",
        ),
        (
            "Các đại biểu bấm nút thông qua Luật sáng 14-6 - Ảnh: QUANG VINH",
            "Các đại biểu bấm nút thông qua Luật sáng 14-6",
        ),
        ("Lãnh đạo tỉnh thăm hỏi (Nguồn: Sở Y tế)", "Lãnh đạo tỉnh thăm hỏi"),
        ("Người dân làm thủ tục (Ảnh minh họa)", "Người dân làm thủ tục"),
        ("Ảnh: Quang cảnh hội nghị", "Quang cảnh hội nghị"),  # a label, then a description
        ("Ảnh: TTXVN", ""),
        ("ẢNH: HỮU PHƯỚC", ""),
        ("Ảnh minh họa", ""),
        ("Quang cảnh hội nghị.", "Quang cảnh hội nghị."),
    ],
)
def test_caption_credits(caption: str, kept: str) -> None:
    assert strip_credit(caption) == kept


def test_captions_read_only_when_they_add_meaning() -> None:
    article = Article(
        title="Trao quà Tết",
        blocks=(Block("paragraph", "Lãnh đạo huyện trao quà cho hộ nghèo. Có 200 phần quà."),),
        images=(
            Image("a.jpg", "IMG_1234.jpg"),  # a file name
            Image("b.jpg", "DSC01234"),  # a camera's file name without extension
            Image("c.jpg", "Ảnh: Hữu Phước"),  # a credit alone
            Image("d.jpg", "Lãnh đạo huyện trao quà cho hộ nghèo."),  # already in the body
            Image("e.jpg", "Người dân phấn khởi nhận quà. Ảnh: Hữu Phước"),
            Image("f.jpg", "Người dân phấn khởi nhận quà."),  # the same caption again
            Image("g.jpg", None),
        ),
        author="Hữu Phước",
    )
    assert useful_captions(article) == ["Người dân phấn khởi nhận quà."]
    script = script_of(article)
    assert [s.kind for s in script.segments] == ["title", "paragraph", "caption", "author"]
    caption = script.segments[2]
    assert [u.written for u in caption.utterances] == ["Ảnh: Người dân phấn khởi nhận quà."]
    assert caption.utterances[0].spoken == "Ảnh: Người dân phấn khởi nhận quà."
    assert caption.chapter is None


def test_dev_set_captions() -> None:
    # Credits cut from real portal captions (Báo Chính phủ, Tuổi Trẻ, VnExpress).
    assert useful_captions(page("baochinhphu_dautucong.html")) == [
        "Thi công một dự án giao thông trọng điểm."
    ]
    assert useful_captions(page("vnexpress_giaoduc.html")) == [
        "Học sinh một trường tiểu học ở quận 3 trong giờ ra chơi."
    ]
    (caption,) = useful_captions(page("tuoitre_lua_hethu.html"))
    assert not caption.endswith("CHÍ CÔNG") and "Ảnh" not in caption


# --- author --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("author", "line"),
    [
        ("Tiến Đức", "Bài: Tiến Đức"),
        ("THÙY TRANG", "Bài: THÙY TRANG"),
        ("Phòng Nghiệp vụ Y", "Bài: Phòng Nghiệp vụ Y"),
        ("Minh Hòa  -  Ngọc Khải", "Bài: Minh Hòa - Ngọc Khải"),
        ("Báo Kiên Giang", "Theo Báo Kiên Giang"),
        ("báo Nhân Dân", "Theo báo Nhân Dân"),
        ("TTXVN", "Theo TTXVN"),
        ("Theo Báo Tuổi Trẻ", "Theo Báo Tuổi Trẻ"),
        ("Nguồn: Sở Y tế", "Nguồn: Sở Y tế"),
        ("Báu Văn", "Bài: Báu Văn"),  # "Báo" only as a whole word
    ],
)
def test_author_phrasing(author: str, line: str) -> None:
    assert author_line(author) == line


def test_author_spoken_form() -> None:
    article = Article(title="Tin", blocks=body(1), author="Minh Hòa - Ngọc Khải")
    last = script_of(article).segments[-1]
    assert last.kind == "author"
    assert last.utterances[0].spoken == "Bài: Minh Hòa, Ngọc Khải"
    source = page("portal_filename_zwsp.html")
    assert source.author == "Báo Kiên Giang"
    assert written(script_of(source), "author") == ["Theo Báo Kiên Giang"]
