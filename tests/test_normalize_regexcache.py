"""The compiled-expression cache of the normalizer (vnreader/normalizer/regexcache.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vnreader.normalizer import Normalizer, regexcache

#: Long enough to be cached; named and numbered groups, classes, look-arounds.
PATTERN = (
    "|".join(f"(?:{w}\\d+)" for w in ("alpha", "beta", "gamma") * 200)
    + r"|(?P<num>\d{1,3}(?:\.\d{3})+)(?![\d,])|(?<![^\W_])(ĐT|UBND)(?P<tail>\s*[-–]\s*\w+)?"
)
SAMPLES = ["beta12", "12.500.000 đồng", "UBND - xã", "xĐT", "ĐT 0913", "không có gì", ""]


def _matches(rx: re.Pattern[str]) -> list[object]:
    out: list[object] = []
    for s in SAMPLES:
        for m in rx.finditer(s):
            out.append((m.span(), m.groups(), m.groupdict(), m.lastgroup))
    return out


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VNREADER_REGEX_CACHE", str(tmp_path))
    if regexcache.cache_folder() is None:
        pytest.skip("no regex engine internals on this Python: the cache is off")
    return tmp_path


def test_cached_pattern_behaves_like_re_compile(cache_dir: Path) -> None:
    want = re.compile(PATTERN)
    first = regexcache.compile_cached(PATTERN)
    files = list(cache_dir.rglob("*.re"))
    assert len(files) == 1
    second = regexcache.compile_cached(PATTERN)  # read back from the file
    for rx in (first, second):
        assert rx.pattern == PATTERN
        assert rx.groupindex == want.groupindex
        assert rx.groups == want.groups
        assert _matches(rx) == _matches(want)


def test_second_compile_reads_the_file(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    regexcache.compile_cached(PATTERN)

    def boom(*args: object) -> None:
        raise AssertionError("compiled again instead of reading the cache")

    monkeypatch.setattr(regexcache, "_compile_and_store", boom)
    rx = regexcache.compile_cached(PATTERN)
    assert _matches(rx) == _matches(re.compile(PATTERN))


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty"])
def test_damaged_file_falls_back(cache_dir: Path, damage: str) -> None:
    regexcache.compile_cached(PATTERN)
    (path,) = cache_dir.rglob("*.re")
    raw = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(raw[: len(raw) // 2])
    elif damage == "garbage":
        head, _, body = raw.partition(b"\n")
        path.write_bytes(head + b"\n" + bytes(len(body)))  # all-zero code: invalid
    else:
        path.write_bytes(b"")
    rx = regexcache.compile_cached(PATTERN)
    assert _matches(rx) == _matches(re.compile(PATTERN))


def test_cache_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VNREADER_REGEX_CACHE", "0")
    assert regexcache.cache_folder() is None
    rx = regexcache.compile_cached(PATTERN)
    assert _matches(rx) == _matches(re.compile(PATTERN))
    assert not list(tmp_path.rglob("*"))


def test_short_patterns_are_not_cached(cache_dir: Path) -> None:
    regexcache.compile_cached(r"\d+")
    assert not list(cache_dir.rglob("*.re"))


def test_json_values_round_trip(cache_dir: Path) -> None:
    assert regexcache.load_json("k") is None
    regexcache.store_json("k", [["a", "b"], None])
    assert regexcache.load_json("k") == [["a", "b"], None]


def test_normalizer_reads_the_same_with_and_without_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (Path(__file__).parent.parent / "examples" / "seed_tan_hiep.txt").read_text("utf-8")
    monkeypatch.setenv("VNREADER_REGEX_CACHE", "0")
    plain = Normalizer().normalize_with_spans(text)
    monkeypatch.setenv("VNREADER_REGEX_CACHE", str(tmp_path))
    filled = Normalizer().normalize_with_spans(text)  # compiles and writes the files
    reread = Normalizer().normalize_with_spans(text)  # reads them
    assert filled == plain
    assert reread == plain
    if regexcache.cache_folder() is not None:
        assert list(tmp_path.rglob("*.re"))


def test_folder_is_kept_small(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(regexcache, "_MAX_BYTES", 1)  # every write removes the older files
    other = PATTERN + "|zeta"
    regexcache.compile_cached(PATTERN)
    regexcache.compile_cached(other)
    left = list(cache_dir.rglob("*.re"))
    assert len(left) <= 1
    assert _matches(regexcache.compile_cached(other)) == _matches(re.compile(other))
