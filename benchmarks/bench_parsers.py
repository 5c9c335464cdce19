"""Parsing the development pages: lxml (what vnreader uses) against BeautifulSoup.

    python benchmarks/bench_parsers.py [--repeat 5]

The design card names beautifulsoup4; extraction parses with lxml.html instead. This prints
why, measured: pages parsed per second with lxml.html, with BeautifulSoup on Python's
html.parser and on lxml, best of ``--repeat`` passes over tests/fixtures/pages/*.html.
BeautifulSoup is in the ``bench`` extra only.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "tests" / "fixtures" / "pages"


def best(parse: Callable[[str], object], texts: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for text in texts:
            parse(text)
        times.append(time.perf_counter() - start)
    return len(texts) / min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    from lxml import html

    texts = [p.read_text("utf-8", errors="replace") for p in sorted(PAGES.glob("*.html"))]
    size = sum(len(t) for t in texts) / 1e6
    print(f"{len(texts)} pages, {size:.1f} M characters, best of {args.repeat}")
    rows = [("lxml.html", lambda t: html.document_fromstring(t))]
    try:
        from bs4 import BeautifulSoup

        rows.append(("BeautifulSoup html.parser", lambda t: BeautifulSoup(t, "html.parser")))
        rows.append(("BeautifulSoup lxml", lambda t: BeautifulSoup(t, "lxml")))
    except ImportError:
        print("(beautifulsoup4 not installed: pip install -e '.[bench]')")
    base = None
    for name, parse in rows:
        rate = best(parse, texts, args.repeat)
        base = base or rate
        print(f"{name:28} {rate:8.1f} pages/s   {base / rate:5.1f}x slower than lxml")


if __name__ == "__main__":
    main()
