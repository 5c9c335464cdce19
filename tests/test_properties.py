"""Properties that hold for any input (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vnreader.normalizer import Normalizer

NORTH = Normalizer()
SOUTH = Normalizer(dialect="south")

# Pieces of portal text, so that generated inputs exercise every class, not only noise.
PIECES = [
    "Huyện ủy",
    "BCH",
    "HU",
    "đ/c",
    "HĐND",
    "UBND",
    "BCĐ",
    "MTTQ",
    "TP.",
    "P.",
    "v.v..",
    "ngày",
    "Sáng ngày",
    "tháng",
    "quý",
    "năm",
    "giai đoạn",
    "lần thứ",
    "Đại hội",
    "khóa",
    "XIII",
    "IV",
    "II",
    "09 -12-2019",
    "19/12/2019",
    "9/12",
    "12/2019",
    "I/2020",
    "15:53",
    "7h30",
    "(15:53 | 19/12/2019)",
    "2016-2020",
    "2020 – 2025",
    "3-5",
    "10-15%",
    "65,5",
    "1.234.567",
    "04",
    "1,5 tỷ đồng",
    "500.000đ",
    "USD",
    "ha",
    "km",
    "m2",
    "m²",
    "kg",
    "°C",
    "km/h",
    "%",
    "05-CT/TW",
    "35-NQ/HU",
    "1234/QĐ-UBND",
    "đường 3/2",
    "19/19",
    "tiêu chí",
    "0297 3835 123",
    "www.tanhiep.kiengiang.gov.vn",
    "a@b.vn",
    "&",
    "+",
    "/",
    "‰",
    "…",
    "./.",
    "-",
    "–",
    "—",
    "(",
    ")",
    "“",
    "”",
    ",",
    ".",
    ";",
    ":",
    "?",
    "!",
    "\n",
    " ",
    "  ",
    "ABC",
    "XYZ",
    "chữAA",
    "HỘI NGHỊ",
    "x²",
    "½",
    "１２",
    "\u00a0",
    "\u200b",
]
portal_text = st.lists(
    st.one_of(st.sampled_from(PIECES), st.integers(0, 10**13).map(str), st.text(max_size=3)),
    max_size=25,
).map(" ".join)
any_text = st.text(max_size=200)

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.one_of(any_text, portal_text))
def test_never_raises_and_no_digits(text: str) -> None:
    for normalizer in (NORTH, SOUTH):
        spoken = normalizer.normalize(text)
        assert isinstance(spoken, str)
        assert not any(ch.isdigit() for ch in spoken), spoken


@SETTINGS
@given(st.one_of(any_text, portal_text))
def test_spans_match_input_and_output(text: str) -> None:
    prepared = Normalizer.prepare(text)
    spoken, reps = NORTH.normalize_with_spans(text)
    last_end = last_out = 0
    for r in reps:
        assert prepared[r.start : r.end] == r.written
        assert spoken[r.out_start : r.out_end] == r.spoken
        assert r.start >= last_end and r.out_start >= last_out  # in order, no overlap
        last_end, last_out = r.end, r.out_end


# Random words for the idempotence test: lower-case letters and digits. Arbitrary mixed-case
# fragments glued together ("TpA") are split by a first pass ("Tp a") into words a second
# pass may read differently; real portal text does not glue an abbreviation to a capital.
_LOWER = "abcdeghiklmnopqrstuvxyđăâêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ0123456789"
spoken_like_text = st.lists(
    st.one_of(
        st.sampled_from(PIECES), st.integers(0, 10**13).map(str), st.text(_LOWER, max_size=6)
    ),
    max_size=25,
).map(" ".join)


@SETTINGS
@given(spoken_like_text)
def test_normalizing_spoken_text_again_changes_nothing(text: str) -> None:
    once = NORTH.normalize(text)
    assert NORTH.normalize(once) == once
