"""Warm re-narration: an unchanged article reuses the finished MP3 kept by content.

The chunk cache already spares synthesis; the output cache (``CACHE/mp3/``) spares the
loudness passes and the encoding, which dominate a narration. The audio must be the same
bytes a cold assembly gives. An edited article reuses every unchanged sentence's loudness
data and MP3 frames (``CACHE/pieces/``).
"""

from __future__ import annotations

import dataclasses
import logging
import re
from pathlib import Path

import numpy as np
import pytest

from vnreader.article import Article, Block
from vnreader.speech import assemble as assemble_module
from vnreader.speech import audio
from vnreader.speech.model import PCM, Script, Segment, Utterance
from vnreader.speech.narrate import OUTPUT_CACHE, article_tags, narrate

ARTICLE = Article(
    title="Thông báo",
    site="UBND xã Thạnh Đông",
    blocks=(
        Block("paragraph", "Xã tổ chức tiêm chủng cho trẻ em vào sáng thứ bảy. Bà con lưu ý."),
        Block("paragraph", "Địa điểm: trạm y tế xã."),
    ),
)


def stored(cache: Path) -> list[Path]:
    return sorted(p for p in (cache / OUTPUT_CACHE).rglob("*.mp3") if not p.name.startswith("."))


def files(mp3: Path) -> tuple[bytes, bytes, bytes]:
    return (
        mp3.read_bytes(),
        mp3.with_suffix(".vtt").read_bytes(),
        mp3.with_suffix(".chapters.json").read_bytes(),
    )


def test_a_warm_run_reuses_the_finished_mp3_and_gives_the_same_files(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    first = narrate(ARTICLE, tmp_path / "a.mp3", cache_dir=cache)
    [kept] = stored(cache)
    assert kept.read_bytes() == first.mp3.read_bytes()
    with caplog.at_level(logging.INFO, logger="vnreader.speech.assemble"):
        (tmp_path / "again").mkdir()
        second = narrate(ARTICLE, tmp_path / "again" / "a.mp3", cache_dir=cache)
    assert "reused from the output cache" in caplog.text
    assert "loudness pass" not in caplog.text  # no measuring, no encoding
    assert files(first.mp3)[0] == files(second.mp3)[0]
    assert files(first.mp3)[1:] == files(second.mp3)[1:]
    assert (second.cues, second.chapters) == (first.cues, first.chapters)


def test_the_stored_mp3_is_what_a_cold_assembly_gives(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    warm = narrate(ARTICLE, tmp_path / "a.mp3", cache_dir=cache)
    narrate(ARTICLE, tmp_path / "b.mp3", cache_dir=cache)  # from the output cache
    for path in stored(cache):
        path.unlink()
    # The same chunks (from the chunk cache), assembled cold again: the same bytes.
    cold = narrate(ARTICLE, tmp_path / "c.mp3", cache_dir=cache)
    assert cold.mp3.read_bytes() == warm.mp3.read_bytes() == (tmp_path / "b.mp3").read_bytes()


def test_an_edited_article_or_other_tags_are_assembled_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    narrate(ARTICLE, tmp_path / "a.mp3", cache_dir=cache)
    edited = dataclasses.replace(
        ARTICLE, blocks=(*ARTICLE.blocks[:1], Block("paragraph", "Địa điểm: nhà văn hóa ấp."))
    )
    with caplog.at_level(logging.INFO, logger="vnreader.speech.assemble"):
        narrate(edited, tmp_path / "b.mp3", cache_dir=cache)
        narrate(ARTICLE, tmp_path / "c.mp3", cache_dir=cache, portal_name="Huyện Tân Hiệp")
    assert caplog.text.count("reused from the output cache") == 0
    assert len(stored(cache)) == 3


def test_a_damaged_stored_mp3_is_encoded_again(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = narrate(ARTICLE, tmp_path / "a.mp3", cache_dir=cache)
    [kept] = stored(cache)
    kept.write_bytes(kept.read_bytes()[:200])  # cut short
    second = narrate(ARTICLE, tmp_path / "b.mp3", cache_dir=cache)
    assert second.mp3.read_bytes() == first.mp3.read_bytes()
    assert kept.read_bytes() == first.mp3.read_bytes()  # replaced


def _tone(seconds: float, hz: float) -> PCM:
    t = np.arange(int(seconds * 22050)) / 22050
    wave = 0.3 * np.sin(2 * np.pi * hz * t) * np.hanning(len(t))
    return PCM((wave * 32767).astype("<i2").tobytes(), 22050)


def test_the_key_names_every_input() -> None:
    script = Script(
        "t", (Segment("paragraph", (Utterance("a", "a"), Utterance("b", "b")), 500, "A"),)
    )
    laid = assemble_module.layout(script, [[_tone(1, 200), _tone(1, 300)]])
    tags = article_tags(ARTICLE)
    key = assemble_module.output_key(laid, tags)
    again = assemble_module.layout(script, [[_tone(1, 200), _tone(1, 300)]])
    assert assemble_module.output_key(again, tags) == key
    assert key != assemble_module.output_key(laid, dataclasses.replace(tags, title="Khác"))
    longer = assemble_module.layout(script, [[_tone(1, 200), _tone(1.2, 300)]])
    assert key != assemble_module.output_key(longer, tags)
    other = assemble_module.layout(script, [[_tone(1, 200), _tone(1, 310)]])
    assert key != assemble_module.output_key(other, tags)
    no_chapters = assemble_module.layout(script, [[_tone(1, 200), _tone(1, 300)]], chapters=False)
    assert key != assemble_module.output_key(no_chapters, tags)


def test_an_edit_encodes_only_the_changed_sentence_within_the_podcast_norms(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The pieces (sentences) that did not change keep their loudness data and MP3 frames;
    the result still meets -16 LUFS ±1 and -1 dBTP, as ffmpeg's ebur128 meter reads it, and
    sounds as loud as a cold assembly of the edited article."""
    cache = tmp_path / "cache"
    longer = dataclasses.replace(
        ARTICLE,
        blocks=(
            *ARTICLE.blocks,
            Block("paragraph", "Trẻ từ hai tháng đến năm tuổi được tiêm miễn phí."),
            Block("paragraph", "Phụ huynh mang theo sổ tiêm chủng và thẻ bảo hiểm y tế."),
            Block("paragraph", "Buổi tiêm bắt đầu lúc 7 giờ 30 và kết thúc lúc 11 giờ."),
        ),
    )
    first = narrate(longer, tmp_path / "a.mp3", cache_dir=cache)
    # One number of the last sentence changed, as a correction would.
    last = longer.blocks[-1]
    edited = dataclasses.replace(
        longer,
        blocks=(*longer.blocks[:-1], Block("paragraph", last.text.replace("11 giờ", "10 giờ"))),
    )
    with caplog.at_level(logging.INFO, logger="vnreader.speech.pieces"):
        warm = narrate(edited, tmp_path / "b.mp3", cache_dir=cache)
    found = re.search(r"(\d+) of (\d+) pieces encoded", caplog.text)
    assert found is not None
    assert int(found[1]) == 1 and int(found[2]) == len(first.cues) >= 5
    measured = audio.measure_file(warm.mp3)
    assert abs(measured.integrated_lufs - (-16.0)) <= 1.0
    assert measured.true_peak_dbtp <= -1.0
    cold = narrate(edited, tmp_path / "c.mp3", cache_dir=tmp_path / "cold")
    # (espeak's output differs a little from one call to the next, so not the same bytes)
    assert [c.text for c in cold.cues] == [c.text for c in warm.cues]
    assert audio.measure_file(cold.mp3).integrated_lufs == pytest.approx(
        measured.integrated_lufs, abs=0.2
    )
    # The unchanged first sentence is the very same MP3 frames in both files.
    assert warm.mp3.read_bytes()[-20000:] != first.mp3.read_bytes()[-20000:]
    head = first.mp3.read_bytes()
    start = head.index(b"\xff\xfb", head.index(b"Info"))  # the first audio frame
    assert head[start : start + 2000] in warm.mp3.read_bytes()


def test_damaged_piece_files_are_made_again(tmp_path: Path) -> None:
    from vnreader.speech.narrate import PIECE_CACHE

    cache = tmp_path / "cache"
    first = narrate(ARTICLE, tmp_path / "a.mp3", cache_dir=cache)
    pieces = [p for p in (cache / PIECE_CACHE).rglob("*") if p.is_file()]
    assert {p.suffix for p in pieces} == {".npy", ".mp3"}
    for path in pieces:
        path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])  # cut short
    for path in stored(cache):
        path.unlink()
    again = narrate(ARTICLE, tmp_path / "b.mp3", cache_dir=cache)
    assert again.mp3.read_bytes() == first.mp3.read_bytes()


def test_a_kept_script_spares_the_normalizer_and_any_change_misses_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vnreader.speech import narrate as narrate_module
    from vnreader.speech.narrate import SCRIPT_CACHE

    cache = tmp_path / "cache"
    first = narrate(ARTICLE, tmp_path / "a.mp3", cache_dir=cache)
    assert len(list((cache / SCRIPT_CACHE).rglob("*.json"))) == 1
    built: list[str] = []
    real = narrate_module._normalizer

    def counting(dialect: str, lexicon: object) -> object:
        built.append(dialect)
        return real(dialect, lexicon)  # type: ignore[arg-type]

    monkeypatch.setattr(narrate_module, "_normalizer", counting)
    again = narrate(ARTICLE, tmp_path / "b.mp3", cache_dir=cache)
    assert built == [] and again.cues == first.cues
    # Another dialect, another lexicon, another article text: built again.
    narrate(ARTICLE, tmp_path / "c.mp3", cache_dir=cache, dialect="south")
    narrate(ARTICLE, tmp_path / "d.mp3", cache_dir=cache, lexicon={"trạm": "trạm xá"})
    edited = dataclasses.replace(ARTICLE, title="Thông báo mới")
    narrate(edited, tmp_path / "e.mp3", cache_dir=cache)
    assert built == ["south", "north", "north"]
    # New normalizer code or data: built again.
    monkeypatch.setattr(narrate_module, "_code_version", lambda: "another version")
    narrate(ARTICLE, tmp_path / "f.mp3", cache_dir=cache)
    assert built[-1] == "north" and len(built) == 4
    # A damaged kept script is a miss, not an error.
    for path in (cache / SCRIPT_CACHE).rglob("*.json"):
        path.write_text("{", "utf-8")
    narrate(ARTICLE, tmp_path / "g.mp3", cache_dir=cache)
    assert len(built) == 5
