"""Loading the normalizer's data files (TSV tables shipped in ``normalize/data``).

Each table is plain UTF-8 TSV: one entry per line, columns separated by a tab, ``#``
starts a comment line, blank lines are ignored. Files are read once per process.
"""

from __future__ import annotations

import functools
import unicodedata

from vnreader.errors import DataError
from vnreader.packagedata import read_text


@functools.cache
def read_tsv(name: str, min_columns: int = 2) -> tuple[tuple[str, ...], ...]:
    """Rows of the data file ``name`` (e.g. ``"abbreviations.tsv"``), NFC-normalized."""
    return parse_tsv(read_text("vnreader.normalizer", "data", name), name, min_columns)


def parse_tsv(raw: str, name: str, min_columns: int = 2) -> tuple[tuple[str, ...], ...]:
    """Parse TSV text; ``name`` is used in error messages only."""
    rows: list[tuple[str, ...]] = []
    for lineno, line in enumerate(unicodedata.normalize("NFC", raw).splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = tuple(c.strip() for c in line.split("\t"))
        if len(cols) < min_columns or not all(cols[:min_columns]):
            raise DataError(
                f"{name}:{lineno}: expected at least {min_columns} tab-separated columns"
            )
        rows.append(cols)
    return tuple(rows)


@functools.cache
def read_map(name: str) -> dict[str, str]:
    """A two-column TSV file as a dict (first column → second column)."""
    return {row[0]: row[1] for row in read_tsv(name)}
