"""The example article (the Tân Hiệp seed) normalizes to its reviewed spoken text.

``tests/fixtures/seed_tan_hiep.spoken.txt`` was read line by line against the article by a
person: every abbreviation expanded (HU, BCH, đ/c, HĐND, UBND, BCĐ), the portal stamp and
"Sáng ngày 09 -12-2019" read once with no "ngày ngày", "Chỉ thị 05" kept as *không năm*,
"thuờng", "quôc" and "Đòan" repaired (*thường*, *quốc*, *Đoàn*), "v.v.." read *vân vân*,
the end mark "./." dropped. A change to this output must be reviewed the same way before
the fixture is updated.
"""

from __future__ import annotations

from pathlib import Path

from vnreader.normalizer import Normalizer
from vnreader.normalizer.syllables import unreadable_tokens

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "seed_tan_hiep.txt"
SPOKEN = ROOT / "tests" / "fixtures" / "seed_tan_hiep.spoken.txt"


def test_seed_matches_reviewed_spoken_text() -> None:
    normalizer = Normalizer()
    written = SEED.read_text("utf-8").splitlines()
    expected = SPOKEN.read_text("utf-8").splitlines()
    assert len(written) == len(expected)
    for lineno, (line, spoken) in enumerate(zip(written, expected, strict=True), 1):
        assert normalizer.normalize(line) == spoken, f"line {lineno}"


def test_seed_has_no_token_a_speech_engine_cannot_read() -> None:
    spoken = Normalizer().normalize(SEED.read_text("utf-8"))
    assert unreadable_tokens(spoken) == []
    assert not any(ch.isdigit() for ch in spoken)
    for word in ("ngày ngày", "tháng tháng", "HU", "BCH", "đ/c", "./."):
        assert word not in spoken


def test_seed_typos_are_read_as_the_words_meant() -> None:
    spoken = Normalizer().normalize(SEED.read_text("utf-8"))
    for typo, meant in (("thuờng", "thường"), ("quôc", "quốc"), ("Đòan", "Đoàn")):
        assert typo not in spoken
        assert meant in spoken
    for full in ("Huyện ủy", "Ban Chấp hành", "đồng chí", "Hội đồng nhân dân", "Ủy ban nhân dân"):
        assert full in spoken
    assert "Ban Chỉ đạo" in spoken
