"""The scanner's gate (a speed-up) must never change a result.

The gated scanner only tries the rules near digits, capitals, symbols and rule triggers;
the ungated one tries every position. Both must give the same text and spans on every
case of every table, on the example article and on random portal-like text.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import vnreader.normalizer as normalizer_module
from tests.test_cases import CASES
from tests.test_properties import portal_text
from vnreader.normalizer import (
    Normalizer,
    _builtin_rules_cached,
    codes,
    dates,
    measures,
    ranges,
    web,
)
from vnreader.normalizer.cardinal import NUMBER
from vnreader.normalizer.data import read_tsv
from vnreader.normalizer.engine import Context, Scanner
from vnreader.normalizer.guards import after_words, alternatives
from vnreader.normalizer.hygiene import fold_lookalikes
from vnreader.normalizer.numbers import NumberReader
from vnreader.normalizer.patterns import (
    EndsWith,
    alternation_by_first,
    can_start_title,
    literal_alternation,
)
from vnreader.normalizer.spacing import _SPACE_RUNS, INVISIBLE, tidier, tidy
from vnreader.normalizer.units import alternation, grammar, quantity_pattern

ROOT = Path(__file__).resolve().parents[1]
GATED = Normalizer()
FULL = Normalizer()
FULL._scanner = Scanner(list(_builtin_rules_cached()), gate=False)


def test_gate_changes_nothing_on_case_tables_and_seed() -> None:
    texts = [written for _, _, written, _, _ in CASES]
    texts.append((ROOT / "examples" / "seed_tan_hiep.txt").read_text("utf-8"))
    for text in texts:
        assert GATED.normalize_with_spans(text) == FULL.normalize_with_spans(text), text


@settings(max_examples=300, deadline=None)
@given(st.one_of(portal_text, st.text(max_size=100)))
def test_gate_changes_nothing_on_random_text(text: str) -> None:
    assert GATED.normalize_with_spans(text) == FULL.normalize_with_spans(text)


def test_text_without_spans_is_the_text_with_spans() -> None:
    # normalize() makes no Replacement objects (less work and memory); its text must be
    # the very text normalize_with_spans() gives, also for a document's later parts.
    texts = [written for _, _, written, _, _ in CASES]
    texts.append((ROOT / "examples" / "seed_tan_hiep.txt").read_text("utf-8"))
    for text in texts:
        assert GATED.normalize(text) == GATED.normalize_with_spans(text)[0], text
    plain, spanned = GATED.document(), GATED.document()
    for text in texts[-40:]:
        assert plain.normalize(text) == spanned.normalize_with_spans(text)[0], text


@settings(max_examples=200, deadline=None)
@given(st.one_of(portal_text, st.text(max_size=100)))
def test_text_without_spans_is_the_text_with_spans_on_random_text(text: str) -> None:
    assert GATED.normalize(text) == GATED.normalize_with_spans(text)[0]


_PHRASES = ["điện thoại", "đường dây nóng", "gọi", "số máy", "tel"]
_FORWARD = re.compile(
    r"(?i)(?<![^\W_])(?:"
    + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in _PHRASES)
    + r")\s*(?:số\s*)?[:.]?\s*\(?$"
)
_BACKWARD = EndsWith(_PHRASES, r"\(?\s*[:.]?(?:\s*ốs)?\s*")


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet="aàđĐ gọiGỌI\t:.(số", max_size=12),
    st.sampled_from([*_PHRASES, "ĐIỆN  THOẠI", "Gọi", "xgọi", "gọix", ""]),
    st.sampled_from(["", " ", ": ", " số ", " Số:", ".(", " (", "  số  : ", "x"]),
)
def test_a_phrase_ending_a_text_is_found_on_the_reversed_text(
    head: str, phrase: str, tail: str
) -> None:
    # EndsWith answers what the end-anchored search answers, without its cost
    text = head + phrase + tail
    assert _BACKWARD.search(text) == (_FORWARD.search(text) is not None), text


# the unit and currency tables as the unit grammar reads them: (written form, any case)
_UNITS = [(row[0], "i" in row[2]) for row in read_tsv("units.tsv", 4)] + [
    (row[0], "i" in row[2]) for row in read_tsv("currency_names.tsv", 3)
]
_GROUPED = re.compile(alternation(_UNITS))
_FLAT = re.compile(alternation(_UNITS, grouped=False))


@settings(max_examples=500, deadline=None)
@given(
    st.sampled_from([w for w, _ in _UNITS]),
    st.sampled_from(["", "/ha", " ", "a", "2", ".", "x", "ờ"]),
    st.sampled_from([str, str.upper, str.lower, str.title]),
)
def test_units_grouped_by_first_character_match_as_the_flat_alternation(
    unit: str, after: str, case: object
) -> None:
    text = case(unit) + after  # type: ignore[operator]
    got, want = _GROUPED.match(text), _FLAT.match(text)
    assert (got and got.span()) == (want and want.span()), text


#: cardinal.NUMBER as first written: every form tried in turn
_NUMBER_FLAT = re.compile(
    r"\d{1,3}(?:\.\d{3})+(?:,\d+)?(?![.,]?\d)|\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?(?![.,]?\d)"
    r"|\d+,\d+(?![.,]?\d)|\d+\.\d{1,2}(?![.,]?\d)|\d+(?![.,]?\d)"
)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789.,. a", max_size=14))
def test_the_number_pattern_matches_as_every_form_tried_in_turn(text: str) -> None:
    fast = re.compile(NUMBER)
    for pos in range(len(text)):
        got, want = fast.match(text, pos), _NUMBER_FLAT.match(text, pos)
        assert (got and got.span()) == (want and want.span()), (text, pos)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="ab Đứ,._1\n", max_size=50), st.integers(0, 60))
def test_the_word_before_is_the_last_of_the_words_before(text: str, pos: int) -> None:
    ctx = Context(text, "north", NumberReader("north"))
    words = ctx.words_before(pos, 1)
    assert ctx.word_before(pos) == (words[0] if words else "")


def test_no_decimal_digit_but_0_to_9_lies_where_prepare_does_not_look() -> None:
    # Normalizer.prepare looks for other decimal digits (full-width, Arabic-Indic …) only
    # in a text with a character outside these blocks
    blocks = (*range(0x250), *range(0x1E00, 0x1F00), *range(0x2000, 0x2070))
    digits = [chr(o) for o in blocks if chr(o).isdecimal()]
    assert digits == list("0123456789")
    assert Normalizer.prepare("Giá １２ nghìn") == "Giá 12 nghìn"


def test_what_can_start_a_title_case_word_is_told_from_the_expression() -> None:
    # False is a proof that no match starts with a capital and a lower-case letter
    assert not can_start_title(r"[A-Z]{2,}")
    assert not can_start_title(r"U(?:BND|BQG)")
    assert not can_start_title(r"(?P<l>[A-Z]{1,4})[ \-]?\d")
    assert not can_start_title(r"[IVX]+(?![^\W_])")  # one letter, then no letter
    assert not can_start_title(r"[A-Z]\.")
    # True where it can, or where it cannot be told
    assert can_start_title(r"Km\d")
    assert can_start_title(r"(?i:khoản)")
    assert can_start_title(r"Th?S")
    assert can_start_title(r"[A-Z]")  # a capital alone: anything may follow
    assert can_start_title(r"[IVX]+(?!\d)")
    assert can_start_title(r"[A-Z]\w+")
    assert can_start_title(r"(?<=x)A(?=b)")


_TITLE_RULES = [r for r in _builtin_rules_cached() if not can_start_title(r.pattern, r.flags)]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from("ABCĐHIKLMNPQSTUVXYÂỦ"),
    st.sampled_from("aàbcdđeêghiklmnoôơpqrstuưvxyạảấ"),
    st.text(alphabet="aàbcdđeghikmnoprstuvxy ĐHKMNTUVX.-/&0123456789", max_size=12),
)
def test_a_rule_said_to_miss_title_case_never_matches_there(cap: str, low: str, rest: str) -> None:
    text = "x " + cap + low + rest
    for rule in _TITLE_RULES:
        assert rule.regex.match(text, 2) is None, (rule.cls, text)


def test_a_title_case_word_is_asked_of_fewer_rules() -> None:
    scanner = GATED._scanner
    title = scanner._title_master().pattern
    upper = scanner._kind_master("upper").pattern
    assert 0 < title.count("(?P<r") < upper.count("(?P<r")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet="aAăĂbB đĐ.", min_size=1, max_size=5), min_size=1, max_size=12),
    st.text(alphabet="aAăĂbB đĐ.x", max_size=8),
    st.booleans(),
)
def test_a_trie_of_literal_keys_matches_as_the_flat_alternation(
    keys: list[str], text: str, fold: bool
) -> None:
    flat = "|".join(re.escape(k) for k in keys)
    flat_rx = re.compile(f"(?i:{flat})" if fold else flat)
    trie_rx = re.compile(literal_alternation(keys, fold=fold))
    for pos in range(len(text) + 1):
        a, b = flat_rx.match(text, pos), trie_rx.match(text, pos)
        assert (a and a.group(0)) == (b and b.group(0)), (keys, text, pos)


@settings(max_examples=1000, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from("UH"),
            st.lists(st.sampled_from(["B", "N", r"\.", r"\s?", "[BN]", r"(?![^\W\d_])"])),
        ),
        min_size=1,
        max_size=10,
    ),
    st.text(alphabet="UHBN. ", max_size=8),
)
def test_branches_grouped_by_first_then_by_literal_match_as_the_flat_alternation(
    branches: list[tuple[str, list[str]]], text: str
) -> None:
    pairs = [(first, "".join(rest)) for first, rest in branches]
    flat_rx = re.compile("|".join(re.escape(f) + r for f, r in pairs))
    grouped_rx = re.compile(alternation_by_first(pairs))
    for pos in range(len(text) + 1):
        a, b = flat_rx.match(text, pos), grouped_rx.match(text, pos)
        assert (a and a.group(0)) == (b and b.group(0)), (pairs, text, pos)


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet="ab ,;.\t\u00a0\u2009Đ1", max_size=30), st.integers(0, 30), st.integers(0, 30)
)
def test_a_stretch_is_tidied_as_on_its_own(text: str, i: int, j: int) -> None:
    a, b = min(i, j, len(text)), min(max(i, j), len(text))
    assert tidier(text)(a, b) == tidy(text[a:b])


def test_every_known_top_level_label_is_all_letters() -> None:
    # what the address rule's look-ahead for a host starting with a digit relies on
    assert all(re.fullmatch(r"[A-Za-z]+", tld) for tld in web._tlds())


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789.-aZ/:", min_size=1, max_size=14).map(lambda t: "1" + t))
def test_an_address_turned_away_by_the_look_ahead_is_one_the_handler_declines(text: str) -> None:
    lookahead = r"(?![0-9][0-9.\-]*+(?![A-Za-z]))"
    assert web._URL.startswith(lookahead)
    full = re.compile(web._URL[len(lookahead) :])
    ctx = Context(text, "north", NumberReader("north"))
    m = full.match(text)
    if m is not None and re.match(web._URL, text) is None:
        assert web._url(m, ctx) is None, text


_TOKENS = [
    *"tháng Tháng THÁNG quý Quý QUÝ mỗi ngày I IV /2020 4 12 a g".split(),
    *[" ", "  ", "(", ",", ":", ".", "-", "_"],
]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(_TOKENS), max_size=8).map("".join))
def test_a_place_the_look_behinds_turn_away_is_one_the_handler_declines(text: str) -> None:
    after_thang = after_words(["tháng"], r"\W_")
    guards = [dates._before_kind("quarter"), after_thang]
    guarded = [(r, g) for r in _builtin_rules_cached() for g in guards if g in r.pattern]
    assert len(guarded) == 2
    ctx = Context(text, "north", NumberReader("north"))
    for rule, guard in guarded:
        bare = re.compile(rule.pattern.replace(guard, "", 1))
        for pos in range(len(text)):
            m = bare.match(text, pos)
            if m is not None and rule.regex.match(text, pos) is None:
                assert rule.handler(m, ctx) is None, (rule.pattern[:40], text, pos)


def _unguarded(pattern: str) -> str:
    """A rule's pattern without the look-arounds put in only for speed."""
    if pattern == quantity_pattern(tail_required=True, currency_first=True):
        return quantity_pattern(tail_required=True)
    if pattern == ranges.range_pattern():
        return ranges.range_pattern(atomic=False)
    if pattern == measures.dimensions_pattern():
        return measures.dimensions_pattern(atomic=False)
    guards = (codes._code_guard(), codes._phone_guard(), codes._slashed_guard(), codes._doc_guard())
    for guard in guards:  # after a look-ahead for what the pattern starts with itself
        if guard in pattern:
            return pattern.replace(guard, "", 1)
    return pattern


_GUARDED_RULES = [r for r in _builtin_rules_cached() if _unguarded(r.pattern) != r.pattern]
_UNGUARDED = Normalizer()
_UNGUARDED._scanner = Scanner(
    [dataclasses.replace(r, pattern=_unguarded(r.pattern)) for r in _builtin_rules_cached()]
)
_G = grammar()
_QUANTITY_TOKENS = [
    *sorted(_G.units)[::7],  # units and currencies, a spread of them
    *"5 1.200 2,5 100 -3 triệu tỷ nghìn tr ngàn người ha kg tháng USD đồng đ VNĐ".split(),
    *[" ", " ", "/", " / ", ".", ",", "-", " - ", "–", "x", " x ", "×", "X", "lx", "mm"],
]
_PHONE_TOKENS = [
    *[r[0] for r in read_tsv("phone_triggers.tsv")][::3],
    *[r[0] for r in read_tsv("code_triggers.tsv", 1)][::3],
    *"số Số ĐT: 0297 3.812.345 113 1022 0913 123 456 hoặc và 18001091".split(),
    *[" ", "  ", "(", ",", ":", ".", "/", ";"],
]


def test_the_speed_look_arounds_are_where_they_are_said_to_be() -> None:
    # money, codes, phone, house and document numbers, ranges, sizes
    assert len(_GUARDED_RULES) == 7


_NUMBERS = "0297 3.812.345 113 1022 0913 123 456 18001091 2020 15 12/3 30/4 45/12A 05 012".split()
_phone_text = st.tuples(
    st.sampled_from(["", "Gọi ", "liên hệ "]),
    st.sampled_from(
        [r[0] for r in read_tsv("phone_triggers.tsv")]
        + [r[0] for r in read_tsv("code_triggers.tsv", 1)]
        + [r[0] for r in codes._street_rows()]
        + list(codes._doc_types().values())[::4]
        + ["năm", "Ông", "ĐT", "Quyết định", "Chỉ thị", "văn bản", "công văn"]
    ),
    st.sampled_from([" ", ": ", ". ", " số ", " số: ", " (", "  ", ":"]),
    st.sampled_from(_NUMBERS),
    st.sampled_from(["", ", ", "; ", " / ", " hoặc ", " và ", ",", " ,  "]),
    st.sampled_from(_NUMBERS),
).map(lambda t: t[0] + t[1] + t[2] + t[3] + (t[4] + t[5] if t[4] else ""))


@settings(max_examples=1500, deadline=None)
@given(
    st.one_of(
        st.lists(st.sampled_from(_QUANTITY_TOKENS), max_size=8).map("".join),
        st.lists(st.sampled_from(_PHONE_TOKENS), max_size=8).map("".join),
        _phone_text,
    )
)
def test_the_speed_look_arounds_change_no_reading(text: str) -> None:
    assert GATED.normalize_with_spans(text) == _UNGUARDED.normalize_with_spans(text)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=" a(\n,.”[", max_size=14))
def test_the_runs_of_spaces_to_change_are_the_five_cases(text: str) -> None:
    cases = re.compile(r" {2,}|\A +| +\Z|(?<=[\n(“\[]) +| +(?=[\n,.;:!?…)\]”])")
    assert [m.span() for m in _SPACE_RUNS.finditer(text)] == [
        m.span() for m in cases.finditer(text)
    ]


def test_alternatives_are_laid_out_flat() -> None:
    assert alternatives("(?:a|b(?:c|d))|e") == ["a", "b(?:c|d)", "e"]
    assert alternatives("(?:(?:a|b)|[|]|\\|)") == ["a", "b", "[|]", "\\|"]
    assert alternatives("(?i:a|b)") == ["(?i:a|b)"]
    assert alternatives("(?:a)b|c") == ["ab", "c"]
    assert alternatives("(?:a|b)c|d") == ["ac", "bc", "d"]
    assert alternatives("(?:a|b)+c") == ["(?:a|b)+c"]
    assert alternatives("[]|]x|y") == ["[]|]x", "y"]


_TRIGGERS = sorted({r.trigger for r in _builtin_rules_cached() if r.trigger})


@settings(max_examples=300, deadline=None)
@given(st.one_of(portal_text, st.text(alphabet="ab 1.wkmpvcxđ*ưu:lộquốc", max_size=30)))
def test_a_trigger_laid_out_flat_matches_where_it_did(text: str) -> None:
    for trigger in _TRIGGERS:
        whole = re.compile(trigger)
        flat = re.compile("|".join(f"(?:{p})" for p in alternatives(trigger)))
        for pos in range(len(text) + 1):
            assert (whole.match(text, pos) is None) == (flat.match(text, pos) is None)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="aĐđÐð\u00ad\u200b\u200c\u2060\ufeffоаρ٣３é\u0301 .,“”–…x1", max_size=10))
def test_a_text_prepare_leaves_alone_is_one_its_steps_leave_alone(text: str) -> None:
    nfc = unicodedata.normalize("NFC", text)
    if normalizer_module._PLAIN.fullmatch(nfc) is not None:
        stepped = fold_lookalikes(INVISIBLE.sub("", nfc))
        assert stepped == nfc
        assert normalizer_module._OTHER_DIGIT.search(nfc) is None
    assert Normalizer.prepare(text) == Normalizer.prepare(Normalizer.prepare(text))
