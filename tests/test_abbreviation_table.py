"""The abbreviation table: every row names its domain, every reading is Vietnamese."""

from __future__ import annotations

from vnreader.normalizer import normalize
from vnreader.normalizer.data import read_tsv
from vnreader.normalizer.syllables import unreadable_tokens

DOMAINS = {
    "party", "state", "administration", "ministries", "documents", "unions", "youth", "women",
    "farmers", "veterans", "labour", "police", "courts", "military", "disaster", "weather",
    "hydrology", "health", "education", "science", "sport", "culture", "customs", "tax",
    "finance", "economy", "agriculture", "environment", "land", "traffic", "construction",
    "media", "international", "general",
}  # fmt: skip


def test_every_row_names_a_known_domain() -> None:
    rows = read_tsv("abbreviations.tsv", 3)
    unknown = [(r[0], r[2]) for r in rows if r[2] not in DOMAINS]
    assert not unknown
    keys = [r[0] for r in rows]
    assert len(keys) == len(set(keys)), "a written form appears twice"


def test_the_lexicon_is_large_and_covers_the_domains() -> None:
    rows = read_tsv("abbreviations.tsv", 3)
    context = {r[0] for r in read_tsv("abbrev_context.tsv", 3)}
    assert len({r[0] for r in rows} | context) >= 1500
    per_domain = {d: sum(r[2] == d for r in rows) for d in DOMAINS}
    for d in ("party", "disaster", "hydrology", "police", "courts", "health", "education",
              "sport", "customs", "tax", "agriculture", "traffic", "youth", "women"):  # fmt: skip
        assert per_domain[d] >= 10, d


def test_every_reading_is_made_of_vietnamese_syllables() -> None:
    foreign_ok = {"international", "economy", "general", "science"}  # read as loanwords
    bad = [
        (r[0], r[1])
        for r in read_tsv("abbreviations.tsv", 3)
        if r[2] not in foreign_ok and unreadable_tokens(r[1])
    ]
    assert not bad


def test_context_decides_between_readings() -> None:
    assert "thanh niên tình nguyện" in normalize("Chiến dịch TNTN hè năm nay ra quân.")
    assert "tài nguyên thiên nhiên" in normalize("Khai thác TNTN phải có giấy phép.")
    assert "quyền Trưởng phòng" in normalize("bà Lan, Q.Trưởng phòng Tài chính")
    assert "quận Ba" in normalize("Q. Ba Đình")
