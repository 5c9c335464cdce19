"""Score vnreader and the installed competitors on the case tables ``tests/cases/*.tsv``.

Each table line is ``written<TAB>spoken[<TAB>south]``. vnreader is scored on every row (the
southern rows with its southern dialect); competitors have no dialect switch, so rows with a
third column are skipped for them.

Two scores per table and overall:

* exact — the output equals the expected spoken form;
* lenient — equal after lower-casing, removing punctuation and collapsing spaces, because
  the competitors format case and punctuation differently (vinorm lower-cases and adds
  " .." after each line, NeMo re-spaces punctuation).

    python benchmarks/score_accuracy.py
    python benchmarks/score_accuracy.py --tables dates,money --systems vnreader,vinorm \\
        --show-failures 5

Competitors are looked up in the running interpreter: run this with the Python of a virtual
environment that has ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import signal
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from systems import SYSTEMS, load  # noqa: E402

CASES_DIR = HERE.parent / "tests" / "cases"


@dataclass(frozen=True)
class Case:
    table: str
    lineno: int
    written: str
    spoken: str
    dialect: str  # "north" unless the third column says otherwise


@dataclass
class Score:
    cases: int = 0
    exact: int = 0
    lenient: int = 0
    failures: list[tuple[Case, str]] = field(default_factory=list)


def load_cases(tables: list[str] | None, cases_dir: Path = CASES_DIR) -> list[Case]:
    cases = []
    for path in sorted(cases_dir.glob("*.tsv")):
        if tables and path.stem not in tables:
            continue
        for lineno, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) not in (2, 3):
                continue
            dialect = cols[2].strip() if len(cols) == 3 else "north"
            cases.append(Case(path.stem, lineno, cols[0], cols[1], dialect))
    return cases


def lenient(text: str) -> str:
    """Lower case, punctuation and symbols out, whitespace collapsed (NFC first)."""
    text = unicodedata.normalize("NFC", text).lower()
    kept = "".join(" " if unicodedata.category(c)[0] in "PS" else c for c in text)
    return " ".join(kept.split())


class _Timeout(Exception):
    pass


def _raise_timeout(signum: int, frame: object) -> None:
    raise _Timeout


def run_one(fn, text: str, timeout: float) -> str:
    """The system's output, or a marker when it raised or ran past ``timeout`` seconds."""
    use_alarm = hasattr(signal, "setitimer")
    if use_alarm:
        old = signal.signal(signal.SIGALRM, _raise_timeout)
        signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        return fn(text)
    except _Timeout:
        return "<timeout>"
    except Exception as e:
        return f"<error {type(e).__name__}>"
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)


def score_system(name: str, cases: list[Case], timeout: float) -> dict[str, Score] | str:
    """Scores by table (and "ALL"), or the reason the system cannot run."""
    if name == "vnreader":
        from vnreader.normalizer import Normalizer

        fns = {d: Normalizer(dialect=d).normalize for d in ("north", "south")}
    else:
        fn, status = load(name)
        if fn is None:
            return status
        fns = {"north": fn}
    scores: dict[str, Score] = {"ALL": Score()}
    for case in cases:
        fn = fns.get(case.dialect)
        if fn is None:
            continue  # a southern row: competitors have no dialect switch
        out = run_one(fn, case.written, timeout)
        exact = out == case.spoken
        loose = exact or lenient(out) == lenient(case.spoken)
        for key in (case.table, "ALL"):
            s = scores.setdefault(key, Score())
            s.cases += 1
            s.exact += exact
            s.lenient += loose
        if not exact:
            scores[case.table].failures.append((case, out))
    return scores


def pct(n: int, d: int) -> str:
    return f"{100 * n / d:5.1f}%" if d else "    -"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tables", help="comma-separated table names (default: all)")
    ap.add_argument("--systems", default=",".join(SYSTEMS), help="comma-separated systems")
    ap.add_argument(
        "--show-failures", type=int, default=0, metavar="N", help="N failures per system/table"
    )
    ap.add_argument("--timeout", type=float, default=10.0, help="s per call before giving up")
    ap.add_argument("--cases-dir", type=Path, default=CASES_DIR, help="folder of <table>.tsv")
    args = ap.parse_args()

    tables = [t.strip() for t in args.tables.split(",")] if args.tables else None
    cases = load_cases(tables, args.cases_dir)
    if not cases:
        sys.exit(f"no cases found in {args.cases_dir} for tables {tables}")
    names = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = [n for n in names if n not in SYSTEMS]
    if unknown:
        sys.exit(f"unknown systems {unknown}; known: {', '.join(SYSTEMS)}")

    results: dict[str, dict[str, Score]] = {}
    for name in names:
        r = score_system(name, cases, args.timeout)
        if isinstance(r, str):
            print(f"{name}: {r}")
        else:
            results[name] = r
    if not results:
        return
    table_names = [*sorted({c.table for c in cases}), "ALL"]
    width = max(len(t) for t in table_names) + 2
    print()
    print("exact / lenient match; n = cases scored (competitors skip southern rows)")
    header = f"{'table':{width}s}" + "".join(f"{n:>24s}" for n in results)
    print(header)
    print("-" * len(header))
    for t in table_names:
        row = f"{t:{width}s}"
        for scores in results.values():
            s = scores.get(t, Score())
            row += f"{pct(s.exact, s.cases)} {pct(s.lenient, s.cases)} n={s.cases:<4d}".rjust(24)
        print(row)

    if args.show_failures:
        for name, scores in results.items():
            for t in table_names[:-1]:
                fails = scores.get(t, Score()).failures[: args.show_failures]
                if not fails:
                    continue
                print(f"\n== {name} / {t}: first {len(fails)} failures")
                for case, out in fails:
                    print(f"  {case.table}:{case.lineno} {case.written}")
                    print(f"    want: {case.spoken}")
                    print(f"    got:  {out}")


if __name__ == "__main__":
    main()
