"""Warm re-narration: an unchanged article reuses the finished MP3 kept by content.

The chunk cache already spares synthesis; the output cache (``CACHE/mp3/``) spares the
loudness passes and the encoding, which dominate a narration. The audio must be the same
bytes a cold assembly gives.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import pytest

from vnreader.article import Article, Block
from vnreader.speech import assemble as assemble_module
from vnreader.speech.narrate import OUTPUT_CACHE, narrate

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


def test_the_key_names_every_input(tmp_path: Path) -> None:
    first = narrate(ARTICLE, tmp_path / "a.mp3", cache_dir=tmp_path / "cache")
    from vnreader.normalizer import Normalizer
    from vnreader.speech.narrate import article_tags
    from vnreader.speech.script import build_script

    script = build_script(ARTICLE, normalizer=Normalizer())
    pcm = assemble_module.audio.decode_file(first.mp3)
    laid = assemble_module.Layout(pcm, first.cues, first.chapters)
    tags = article_tags(ARTICLE)
    key = assemble_module.output_key(laid, tags)
    assert key != assemble_module.output_key(laid, dataclasses.replace(tags, title="Khác"))
    shorter = assemble_module.Layout(
        assemble_module.PCM(pcm.data[:-2], pcm.rate), first.cues, first.chapters
    )
    assert key != assemble_module.output_key(shorter, tags)
    assert script.segments  # the script the narration was made from
