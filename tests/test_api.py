"""The public Python API: vnreader.normalize, Normalizer, explain, lexicon, dialect."""

from __future__ import annotations

from pathlib import Path

import pytest

import vnreader
from vnreader.errors import LexiconError, VnreaderError


def test_top_level_normalize_and_dialect() -> None:
    assert vnreader.normalize("Có 105 hộ") == "Có một trăm linh năm hộ"
    assert vnreader.normalize("Có 105 hộ", dialect="south") == "Có một trăm lẻ năm hộ"
    with pytest.raises(VnreaderError, match="dialect"):
        vnreader.Normalizer(dialect="west")


def test_explain_gives_written_and_spoken_spans() -> None:
    text = "Khen thưởng 04 cá nhân, 3 tập thể"
    normalizer = vnreader.Normalizer()
    spoken, reps = normalizer.normalize_with_spans(text)
    assert spoken == "Khen thưởng bốn cá nhân, ba tập thể"
    assert [(r.written, r.spoken, r.cls) for r in reps] == [
        ("04", "bốn", "cardinal"),
        ("3", "ba", "cardinal"),
    ]
    for r in reps:
        assert text[r.start : r.end] == r.written
        assert spoken[r.out_start : r.out_end] == r.spoken
    assert normalizer.explain(text) == reps


def test_lexicon_mapping_whole_words_and_first() -> None:
    normalizer = vnreader.Normalizer(lexicon={"Tân Hiệp": "Tân Hịp", "ha": "héc ta"})
    assert normalizer.normalize("Tân Hiệp có 3 ha") == "Tân Hịp có ba héc ta"
    # whole words only: "ha" inside "hai" or "Nha" is left alone
    assert normalizer.normalize("hai Nha") == "hai Nha"


def test_lexicon_file_errors(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match="not found"):
        vnreader.Normalizer(lexicon=tmp_path / "none.tsv")
    bad = tmp_path / "bad.tsv"
    bad.write_bytes(b"\xff\xfe\x00x")
    with pytest.raises(LexiconError):
        vnreader.Normalizer(lexicon=bad)


def test_decomposed_tone_marks_and_invisible_characters() -> None:
    decomposed = "Có 04 ca\u0301 nhân\u200b"
    assert vnreader.normalize(decomposed) == "Có bốn cá nhân"


def test_rejects_non_text() -> None:
    with pytest.raises(TypeError):
        vnreader.normalize(b"bytes")  # type: ignore[arg-type]
