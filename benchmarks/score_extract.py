"""Score article extraction on the development set: vnreader side by side with trafilatura.

Every ``NAME.html`` in the pages folder (default ``tests/fixtures/pages``) with its gold
``NAME.json`` is decoded once (vnreader's own decoder when it imports, else a small fallback)
and the same text is given to each system, so the comparison is about extraction only.

Figures, per system (docs/extraction-benchmark.md explains each one):

- body precision / recall / F1: bag of words of the gold paragraphs against the extracted
  body, micro-averaged over all pages and macro-averaged (mean of per-page F1);
- lead + body P/R/F1: the same with the lead put in front of the body on both sides (fairer to
  a system that keeps the sapo inside its text instead of apart);
- title, lead, date (exact minute, and exact day), author, category accuracy;
- leaks: pages whose body contains a boilerplate marker (``boilerplate_markers.txt``), the
  text of a link the gold leaves out (menus, related lists), a gold caption, or the lead;
- throughput: pages per second, best of 3 passes over the whole set;
- per platform (``tests/fixtures/pages/platforms.tsv``: page, platform, whether a shipped
  profile covers it): title, date (minute) and author accuracy of each system.

Systems: ``vnreader`` (profiles and generic path), ``vnreader-generic`` (the same with no
profile at all: how far the generic path goes alone) and ``trafilatura``.

A system that raises on a page is reported for that page (the error's first line) and scored
as an empty extraction, never a crash of the whole run.

Usage::

    .venv/bin/python benchmarks/score_extract.py [--pages DIR] [--systems vnreader,trafilatura]
        [--show N] [--repeat 3] [--json FILE]

``--systems`` defaults to ``vnreader,vnreader-generic,trafilatura``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_PAGES = ROOT / "tests" / "fixtures" / "pages"
MARKERS_FILE = HERE / "boilerplate_markers.txt"
PLATFORMS_FILE = "platforms.tsv"  # in the pages folder
ICT = timezone(timedelta(hours=7))

_WS = re.compile(r"\s+")
_WORD = re.compile(r"\w+", re.UNICODE)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


def norm(text: str | None) -> str:
    """NFC, invisible characters dropped, any whitespace (``&nbsp;`` too) collapsed."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    return _WS.sub(" ", text).strip()


def words(text: str) -> Counter[str]:
    """The bag of words of a text: case-folded runs of letters and digits."""
    return Counter(_WORD.findall(norm(text).casefold()))


# ----------------------------------------------------------------------------- pages


@dataclass
class Page:
    name: str
    html: str
    gold: dict[str, Any]
    excluded_links: list[str] = field(default_factory=list)


def decode(raw: bytes, name: str) -> str:
    """The page as text, decoded as vnreader decodes it (fallback: meta charset, UTF-8, cp1258)."""
    try:
        from vnreader.extract.encoding import decode_html

        return decode_html(raw, None, name=name)
    except ImportError:
        pass
    except Exception as exc:  # a decoder error is a finding, not a crash: fall back and say so
        print(f"  [decode] {name}: vnreader decoder failed ({first_line(exc)}); fallback used")
    head = raw[:4096].decode("ascii", "replace")
    m = re.search(r"charset\s*=\s*[\"']?([\w-]+)", head, re.I)
    for enc in ([m.group(1)] if m else []) + ["utf-8", "cp1258"]:
        try:
            return unicodedata.normalize("NFC", raw.decode(enc))
        except (LookupError, UnicodeDecodeError):
            continue
    return unicodedata.normalize("NFC", raw.decode("utf-8", "replace"))


def link_texts_left_out(html: str, gold: dict[str, Any]) -> list[str]:
    """Texts of links (4+ words) that no gold field contains: menus, related lists, tags.

    A body that reads one of them aloud has leaked navigation, whatever the page's markup.
    """
    from lxml import html as lhtml

    root = lhtml.fromstring(html)
    kept = " \n ".join(
        norm(x)
        for x in [gold["title"], gold["lead"], gold["author"], *gold["paragraphs"]]
        + gold["captions"]
        if x
    )
    out: list[str] = []
    for a in root.iter("a"):
        text = norm(a.text_content())
        if len(text.split()) >= 4 and text not in kept and text not in out:
            out.append(text)
    return out


def load_pages(folder: Path) -> list[Page]:
    pages = []
    for html_path in sorted(folder.glob("*.html")):
        gold_path = html_path.with_suffix(".json")
        if not gold_path.exists():
            print(f"  [skip] {html_path.name}: no gold {gold_path.name}")
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        html = decode(html_path.read_bytes(), html_path.name)
        pages.append(Page(html_path.stem, html, gold, link_texts_left_out(html, gold)))
    return pages


def load_markers(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return [norm(x) for x in lines if x.strip() and not x.lstrip().startswith("#")]


# ----------------------------------------------------------------------------- systems


def first_line(exc: BaseException) -> str:
    msg = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {msg[0] if msg else ''}"


def run_vnreader(html: str, *, generic: bool = False) -> dict[str, Any]:
    from vnreader.extract.content import extract

    # (without the keyword when not needed: the script also scores older commits)
    art = extract(html, None, profiles=()) if generic else extract(html, None)
    return {
        "title": art.title,
        "lead": art.lead,
        "published": art.published.isoformat() if art.published else None,
        "author": art.author,
        "category": art.category,
        "paragraphs": list(art.paragraphs),
        "captions": list(art.captions),
    }


# trafilatura's best configuration on this set (measured, docs/extraction-benchmark.md):
# favor_precision (body F1 .949 against .942 for the defaults, .937 for favor_recall); tables
# kept, since dropping them loses the whole body of table-layout portals; images and comments
# off; a date format that keeps the time (else htmldate gives the day only and no date could
# ever match to the minute).
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "with_metadata": True,
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_formatting": False,
    "deduplicate": False,
    "favor_precision": True,
    "favor_recall": False,
    "date_extraction_params": {
        "extensive_search": True,
        "original_date": True,
        "outputformat": "%Y-%m-%dT%H:%M:%S%z",
    },
}


def run_trafilatura(html: str) -> dict[str, Any]:
    import trafilatura

    doc = trafilatura.bare_extraction(html, output_format="python", **TRAFILATURA_OPTIONS)
    if doc is None:
        return {
            "title": None,
            "lead": None,
            "published": None,
            "author": None,
            "category": None,
            "paragraphs": [],
            "captions": [],
        }
    d = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    cats = d.get("categories") or []
    return {
        "title": d.get("title"),
        "lead": d.get("description"),
        "published": d.get("date"),
        "author": d.get("author"),
        "category": cats[0] if cats else None,
        "paragraphs": [x for x in (d.get("text") or "").split("\n") if x.strip()],
        "captions": [],
    }


def run_vnreader_generic(html: str) -> dict[str, Any]:
    return run_vnreader(html, generic=True)


SYSTEMS: dict[str, Callable[[str], dict[str, Any]]] = {
    "vnreader": run_vnreader,
    "vnreader-generic": run_vnreader_generic,
    "trafilatura": run_trafilatura,
}


def available(name: str) -> str | None:
    """None when the system can run here, else why not."""
    try:
        if name == "vnreader":
            import vnreader.extract  # noqa: F401
        elif name == "trafilatura":
            import trafilatura  # noqa: F401
    except Exception as exc:
        return first_line(exc)
    return None


# ----------------------------------------------------------------------------- scoring


def prf(gold: Counter[str], got: Counter[str]) -> tuple[int, int, int]:
    """(overlap, gold size, extracted size) of two bags of words."""
    return sum((gold & got).values()), sum(gold.values()), sum(got.values())


def f1(overlap: int, n_gold: int, n_got: int) -> tuple[float, float, float]:
    p = overlap / n_got if n_got else (1.0 if not n_gold else 0.0)
    r = overlap / n_gold if n_gold else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def parse_when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt.replace(tzinfo=ICT) if dt.tzinfo is None else dt


def same_minute(gold: str | None, got: str | None) -> bool:
    g, s = parse_when(gold), parse_when(got)
    if g is None or s is None:
        return g is None and s is None and not got
    return g.astimezone(ICT).replace(second=0, microsecond=0) == s.astimezone(ICT).replace(
        second=0, microsecond=0
    )


def same_day(gold: str | None, got: str | None) -> bool:
    g, s = parse_when(gold), parse_when(got)
    if g is None or s is None:
        return g is None and s is None and not got
    return g.astimezone(ICT).date() == s.astimezone(ICT).date()


def same_text(gold: str | None, got: str | None, *, fold: bool = False) -> bool:
    a, b = norm(gold), norm(got)
    return (a.casefold() == b.casefold()) if fold else a == b


@dataclass
class PageScore:
    name: str
    error: str | None
    body: tuple[int, int, int]
    full: tuple[int, int, int]
    title: bool
    lead: bool
    date_minute: bool
    date_day: bool
    author: bool
    category: bool
    captions: tuple[int, int, int]
    leaks: dict[str, list[str]]
    result: dict[str, Any]


def score_page(
    page: Page, result: dict[str, Any] | None, error: str | None, markers: list[str]
) -> PageScore:
    g = page.gold
    r = result or {
        "title": None,
        "lead": None,
        "published": None,
        "author": None,
        "category": None,
        "paragraphs": [],
        "captions": [],
    }
    body = norm(" \n ".join(r["paragraphs"]))
    gold_body = " ".join(g["paragraphs"])
    gold_lead = g["lead"] or ""
    got_lead = r["lead"] or ""
    cap_gold = [norm(c) for c in g["captions"]]
    cap_got = [norm(c) for c in r["captions"]]
    cap_hit = sum(1 for c in cap_gold if c in cap_got)
    # a marker the gold body itself contains is not boilerplate on that page
    gold_norm = norm(gold_body)
    leaks = {
        "marker": [m for m in markers if m in body and m not in gold_norm],
        "link": [x for x in page.excluded_links if x in body],
        "caption": [c for c in cap_gold if c and c in body and c not in gold_norm],
        "lead": [gold_lead] if gold_lead and norm(gold_lead) in body else [],
    }
    return PageScore(
        name=page.name,
        error=error,
        body=prf(words(gold_body), words(body)),
        full=prf(words(gold_lead + " " + gold_body), words(got_lead + " " + body)),
        title=same_text(g["title"], r["title"]),
        lead=same_text(g["lead"], r["lead"]),
        date_minute=same_minute(g["published"], r["published"]),
        date_day=same_day(g["published"], r["published"]),
        author=same_text(g["author"], r["author"], fold=True),
        category=same_text(g["category"], r["category"], fold=True),
        captions=(cap_hit, len(cap_gold), len(cap_got)),
        leaks=leaks,
        result=r,
    )


def run_system(name: str, pages: list[Page], markers: list[str]) -> list[PageScore]:
    fn = SYSTEMS[name]
    scores = []
    for page in pages:
        try:
            result, error = fn(page.html), None
        except Exception as exc:  # report per page, keep going
            result, error = None, first_line(exc)
        scores.append(score_page(page, result, error, markers))
    return scores


def throughput(name: str, pages: list[Page], repeat: int) -> float:
    fn = SYSTEMS[name]
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for page in pages:
            try:
                fn(page.html)
            except Exception:  # errors already reported by the scoring pass
                pass
        best = min(best, time.perf_counter() - t0)
    return len(pages) / best if best > 0 else float("inf")


def summary(scores: list[PageScore]) -> dict[str, Any]:
    n = len(scores)

    def micro(attr: str) -> tuple[float, float, float]:
        o = sum(getattr(s, attr)[0] for s in scores)
        gsum = sum(getattr(s, attr)[1] for s in scores)
        xsum = sum(getattr(s, attr)[2] for s in scores)
        return f1(o, gsum, xsum)

    def macro(attr: str) -> float:
        return sum(f1(*getattr(s, attr))[2] for s in scores) / n if n else 0.0

    def acc(attr: str) -> float:
        return sum(bool(getattr(s, attr)) for s in scores) / n if n else 0.0

    kinds = ("marker", "link", "caption", "lead")
    leak_pages = {k: sum(1 for s in scores if s.leaks[k]) for k in kinds}
    cap = micro("captions")
    return {
        "pages": n,
        "errors": sum(1 for s in scores if s.error),
        "body_micro": micro("body"),
        "body_macro_f1": macro("body"),
        "full_micro": micro("full"),
        "full_macro_f1": macro("full"),
        "title": acc("title"),
        "lead": acc("lead"),
        "date_minute": acc("date_minute"),
        "date_day": acc("date_day"),
        "author": acc("author"),
        "category": acc("category"),
        "captions_pr": cap[:2],
        "leak_pages": leak_pages,
        "leak_any": sum(1 for s in scores if any(s.leaks.values())),
    }


# ----------------------------------------------------------------------------- report


def pct(x: float) -> str:
    return f"{100 * x:5.1f}"


def print_table(results: dict[str, dict[str, Any]]) -> None:
    names = list(results)
    rows: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
        ("pages (errors)", lambda s: f"{s['pages']} ({s['errors']})"),
        ("body P / R / F1 (micro)", lambda s: " / ".join(pct(x) for x in s["body_micro"])),
        ("body F1 (macro)", lambda s: pct(s["body_macro_f1"])),
        ("lead+body P / R / F1 (micro)", lambda s: " / ".join(pct(x) for x in s["full_micro"])),
        ("lead+body F1 (macro)", lambda s: pct(s["full_macro_f1"])),
        ("title accuracy", lambda s: pct(s["title"])),
        ("lead accuracy", lambda s: pct(s["lead"])),
        ("date accuracy (minute)", lambda s: pct(s["date_minute"])),
        ("date accuracy (day)", lambda s: pct(s["date_day"])),
        ("author accuracy", lambda s: pct(s["author"])),
        ("category accuracy", lambda s: pct(s["category"])),
        ("captions P / R", lambda s: " / ".join(pct(x) for x in s["captions_pr"])),
        ("leaks: marker pages", lambda s: str(s["leak_pages"]["marker"])),
        ("leaks: left-out link pages", lambda s: str(s["leak_pages"]["link"])),
        ("leaks: caption-in-body pages", lambda s: str(s["leak_pages"]["caption"])),
        ("leaks: lead-in-body pages", lambda s: str(s["leak_pages"]["lead"])),
        ("pages with any leak", lambda s: str(s["leak_any"])),
        ("throughput (pages/s, best of N)", lambda s: f"{s.get('pages_per_s', 0):.1f}"),
    ]
    w = max(len(r[0]) for r in rows)
    cols = [max(24, len(n)) for n in names]
    print(" " * w + "  " + "  ".join(n.rjust(c) for n, c in zip(names, cols, strict=True)))
    for label, fmt in rows:
        cells = [fmt(results[n]).rjust(c) for n, c in zip(names, cols, strict=True)]
        print(label.ljust(w) + "  " + "  ".join(cells))


def show_diffs(name: str, pages: list[Page], scores: list[PageScore], n: int) -> None:
    worst = sorted(scores, key=lambda s: (f1(*s.body)[2], s.name))[:n]
    by_name = {p.name: p for p in pages}
    for s in worst:
        p = by_name[s.name]
        _, _, fb = f1(*s.body)
        err = f" · ERROR {s.error}" if s.error else ""
        print(f"\n=== {name} · {s.name} · body F1 {pct(fb)}{err}")
        got = [norm(x) for x in s.result["paragraphs"]]
        got_all = " ".join(got)
        gold = [norm(x) for x in p.gold["paragraphs"]]
        for gp in gold:
            if gp not in got_all:
                print(f"  - {gp[:150]}")
        gold_all = " ".join(gold)
        for x in got:
            if x and x not in gold_all:
                print(f"  + {x[:150]}")
        for key, ok in (
            ("title", s.title),
            ("lead", s.lead),
            ("published", s.date_minute),
            ("author", s.author),
            ("category", s.category),
        ):
            if not ok:
                print(f"  {key}: gold {p.gold[key]!r} got {s.result.get(key)!r}")
        for kind, items in s.leaks.items():
            for item in items:
                print(f"  leak[{kind}]: {item[:100]}")


def load_platforms(folder: Path, pages: list[Page]) -> dict[str, tuple[str, bool]]:
    """page name → (platform, whether a shipped profile covers it), from ``platforms.tsv``
    in the pages folder (none: no per-platform table). A page the file omits is
    "unlabelled"."""
    path = folder / PLATFORMS_FILE
    if not path.exists():
        return {}
    out: dict[str, tuple[str, bool]] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) != 3 or cells[2] not in ("profile", "generic"):
            print(f"  [skip] {PLATFORMS_FILE} line {n}: expected page, platform, profile|generic")
            continue
        out[cells[0]] = (cells[1], cells[2] == "profile")
    for page in pages:
        out.setdefault(page.name, ("unlabelled", False))
    return out


def print_platforms(
    platforms: dict[str, tuple[str, bool]], per_page: dict[str, list[PageScore]]
) -> None:
    """Title, date (minute) and author accuracy per platform, for each system."""
    groups: dict[str, list[str]] = {}
    for name, (platform, _) in platforms.items():
        groups.setdefault(platform, []).append(name)
    systems = list(per_page)
    head = "platform (pages; P = a profile covers it)"
    w = max(len(head), *(len(g) + 8 for g in groups))
    cols = [max(19, len(s)) for s in systems]
    print(head.ljust(w) + "  " + "  ".join(s.rjust(c) for s, c in zip(systems, cols, strict=True)))
    print(" " * w + "  " + "  ".join("title date auth".rjust(c) for c in cols))
    for platform in sorted(groups, key=lambda g: (-len(groups[g]), g)):
        names = set(groups[platform])
        covered = any(platforms[n][1] for n in names)
        label = f"{platform} ({len(names)}{'; P' if covered else ''})"
        cells = []
        for system in systems:
            scores = [s for s in per_page[system] if s.name in names]
            if not scores:
                cells.append("—")
                continue
            k = len(scores)
            t = sum(s.title for s in scores) / k
            d = sum(s.date_minute for s in scores) / k
            a = sum(s.author for s in scores) / k
            cells.append(f"{100 * t:4.0f} {100 * d:4.0f} {100 * a:4.0f}")
        row = "  ".join(c.rjust(width) for c, width in zip(cells, cols, strict=True))
        print(label.ljust(w) + "  " + row)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=Path, default=DEFAULT_PAGES, help="NAME.html + NAME.json")
    ap.add_argument(
        "--systems", default="vnreader,vnreader-generic,trafilatura", help="comma-separated"
    )
    ap.add_argument("--show", type=int, default=0, metavar="N", help="diffs of the N worst pages")
    ap.add_argument("--repeat", type=int, default=3, help="timing passes; the best is kept")
    ap.add_argument("--json", type=Path, help="also write the figures and per-page scores here")
    args = ap.parse_args(argv)

    if not args.pages.is_dir():
        print(f"error: {args.pages} is not a folder", file=sys.stderr)
        return 2
    wanted = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in SYSTEMS]
    if unknown:
        known = ", ".join(SYSTEMS)
        print(f"error: unknown system(s) {', '.join(unknown)}; known: {known}", file=sys.stderr)
        return 2
    pages = load_pages(args.pages)
    if not pages:
        print(f"error: no page with gold in {args.pages}", file=sys.stderr)
        return 2
    markers = load_markers(MARKERS_FILE)
    print(f"{len(pages)} pages from {args.pages}, {len(markers)} boilerplate markers")

    results: dict[str, dict[str, Any]] = {}
    per_page: dict[str, list[PageScore]] = {}
    for name in wanted:
        why = available(name)
        if why:
            print(f"  [skip] {name}: not available ({why})")
            continue
        scores = run_system(name, pages, markers)
        per_page[name] = scores
        results[name] = summary(scores)
        results[name]["pages_per_s"] = throughput(name, pages, args.repeat)
        for s in scores:
            if s.error:
                print(f"  [error] {name} · {s.name}: {s.error}")
    if not results:
        print("error: no system could run", file=sys.stderr)
        return 2
    print()
    print_table(results)
    platforms = load_platforms(args.pages, pages)
    if platforms:
        print()
        print_platforms(platforms, per_page)
    if args.show:
        for name, scores in per_page.items():
            show_diffs(name, pages, scores, args.show)
    if args.json:
        payload = {
            name: {
                "summary": results[name],
                "pages": [
                    {
                        "name": s.name,
                        "error": s.error,
                        "body_f1": f1(*s.body)[2],
                        "title": s.title,
                        "date_minute": s.date_minute,
                        "author": s.author,
                        "platform": platforms.get(s.name, ("", False))[0],
                        "leaks": s.leaks,
                    }
                    for s in per_page[name]
                ],
            }
            for name in results
        }
        text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
        args.json.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
