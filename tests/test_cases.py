"""The case tables under tests/cases/ are the normalizer's specification.

Each ``tests/cases/<class>.tsv`` holds one case per line: ``written<TAB>spoken`` and an
optional third column ``south`` for the southern dialect. ``#`` starts a comment line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from vnreader.normalizer import Normalizer

CASES_DIR = Path(__file__).parent / "cases"


def load_cases() -> list[tuple[str, int, str, str, str]]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.tsv")):
        for lineno, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            assert len(cols) in (2, 3), f"{path.name}:{lineno}: expected 2 or 3 columns"
            dialect = cols[2].strip() if len(cols) == 3 else "north"
            cases.append((path.stem, lineno, cols[0], cols[1], dialect))
    return cases


CASES = load_cases()
NORMALIZERS = {d: Normalizer(dialect=d) for d in ("north", "south")}


@pytest.mark.parametrize(
    ("table", "lineno", "written", "spoken", "dialect"),
    CASES,
    ids=[f"{c[0]}:{c[1]}" for c in CASES],
)
def test_case(table: str, lineno: int, written: str, spoken: str, dialect: str) -> None:
    assert NORMALIZERS[dialect].normalize(written) == spoken


def test_every_class_has_enough_cases() -> None:
    counts: dict[str, int] = {}
    for table, *_ in CASES:
        counts[table] = counts.get(table, 0) + 1
    thin = {t: n for t, n in counts.items() if n < 40}
    assert not thin, f"case tables with fewer than 40 cases: {thin}"
