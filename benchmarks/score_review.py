"""Score vnreader on a held-out review file (benchmarks/heldout/review*.tsv).

Each row is a real sentence with the verdict a reviewer gave to vnreader's reading of it
before any rule was changed for the review:

* ``ok``: every reading was right; ``want`` holds that whole reading. If the reading is
  different now, the row is listed as *changed* and must be judged again (it is counted
  as wrong until then).
* ``error``: at least one reading a presenter would not say; ``want``/``forbid`` are
  fragments (joined by `` | ``) the spoken text must / must not contain. The row counts
  as fixed when every wanted fragment is there and no forbidden one (compared without
  regard to case: a capital is not heard).
* ``foreign``: the only fault is a foreign name read as written; counted apart.

``--document`` normalizes the sentences of one source address together, in order, as one
document (``Normalizer.normalize_document``), so abbreviations defined in one sentence
carry to the next, as in the narration script.

    python benchmarks/score_review.py benchmarks/heldout/review6.tsv [--document] [--show]
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from vnreader.normalizer import Normalizer


def _rows(path: Path) -> list[dict[str, str]]:
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def _readings(rows: list[dict[str, str]], document: bool, dialect: str) -> list[str]:
    n = Normalizer(dialect=dialect)
    if not document:
        return [n.normalize(r["sentence"]) for r in rows]
    out: list[str] = [""] * len(rows)
    groups: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        groups.setdefault(r["source"], []).append(i)
    for idxs in groups.values():
        spoken = n.normalize_document([rows[i]["sentence"] for i in idxs])
        for i, s in zip(idxs, spoken, strict=True):
            out[i] = s
    return out


def _frags(cell: str) -> list[str]:
    return [f for f in (p.strip() for p in cell.split(" | ")) if f]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("review", type=Path)
    ap.add_argument("--document", action="store_true", help="one document per source address")
    ap.add_argument("--dialect", default="north")
    ap.add_argument("--show", action="store_true", help="print every sentence still wrong")
    args = ap.parse_args(argv)
    rows = _rows(args.review)
    spoken = _readings(rows, args.document, args.dialect)
    wrong: list[tuple[str, str, str]] = []
    changed: list[tuple[str, str, str]] = []
    fixed = foreign = 0
    before = sum(r["verdict"] == "error" for r in rows)
    for r, s in zip(rows, spoken, strict=True):
        if r["verdict"] == "ok":
            if s != r["want"]:
                changed.append((r["id"], r["want"], s))
        elif r["verdict"] == "error":
            low = s.casefold()
            ok = all(f.casefold() in low for f in _frags(r["want"])) and not any(
                f.casefold() in low for f in _frags(r["forbid"])
            )
            if ok:
                fixed += 1
            else:
                wrong.append((r["id"], r["note"], s))
        else:
            foreign += 1
    total = len(rows)
    now = len(wrong) + len(changed)
    mode = "document" if args.document else "sentence"
    with_foreign = 100 * (before + foreign) / total
    print(f"review: {args.review}  sentences: {total}  mode: {mode}")
    print(
        f"before: {before} with an error ({100 * before / total:.1f} %), "
        f"+{foreign} with only a foreign name ({with_foreign:.1f} % with them)"
    )
    print(
        f"now:    {now} with an error ({100 * now / total:.1f} %): {len(wrong)} of the errors "
        f"not fixed, {len(changed)} correct readings changed (to judge again); {fixed} fixed"
    )
    if args.show:
        for i, note, s in wrong:
            print(f"  still wrong {i}: {note}\n      {s}")
        for i, old, new in changed:
            print(f"  changed {i}:\n      was {old}\n      now {new}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
