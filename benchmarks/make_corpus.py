"""Build the benchmark corpus: portal-style Vietnamese news, generated from our own templates.

The text is made deterministically (fixed seed) from ``corpus/templates.txt`` (sentence
templates written for vnreader in the style of district and province portal news) and
``corpus/slots.tsv`` (small word lists: communes, names, offices...). Numeric slots
(dates, document numbers, money, percentages, phones, URLs...) are generated here, in the
many written forms portals use ("09 -12-2019", "19/12/2019", "ngày 7-4-2015", "25.3").
The seed article ``examples/seed_tan_hiep.txt`` is included once.

Usage::

    python benchmarks/make_corpus.py            # writes corpus/portal_corpus.generated.txt
    python benchmarks/make_corpus.py --size 2e6 --out /tmp/big.txt

The output path is git-ignored; ``bench_normalize.py`` builds it when it is missing.
"""

from __future__ import annotations

import argparse
import random
import re
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS_DIR = HERE / "corpus"
DEFAULT_OUT = CORPUS_DIR / "portal_corpus.generated.txt"
SEED_ARTICLE = ROOT / "examples" / "seed_tan_hiep.txt"
DEFAULT_SIZE = 1_200_000  # bytes of UTF-8
SEED = 20191209

_SLOT = re.compile(r"\{([A-Za-z0-9]+)\}")
_ROMAN = [
    "I",
    "II",
    "III",
    "IV",
    "V",
    "VI",
    "VII",
    "VIII",
    "IX",
    "X",
    "XI",
    "XII",
    "XIII",
    "XIV",
    "XV",
    "XVI",
    "XVII",
    "XVIII",
    "XIX",
    "XX",
    "XXI",
]
_DOC_KINDS = ["NQ", "CT", "KL", "QĐ", "KH", "CV", "TB", "HD", "QĐi", "BC", "TTr"]
_DOC_ISSUERS = ["HU", "TU", "TW", "UBND", "HĐND", "ĐU", "BTV", "UBKT", "BCĐ", "MTTQ"]
_UNITS_SUFFIX = ["", "-VP", "-KT", "-TCKH", "-NV", "-TNMT", "-LĐTBXH"]


def read_templates(path: Path = CORPUS_DIR / "templates.txt") -> dict[str, list[str]]:
    """Templates by category (``category<TAB>template``, ``#`` comments)."""
    out: dict[str, list[str]] = {}
    for line in path.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cat, _, tpl = line.partition("\t")
        out.setdefault(cat.strip(), []).append(tpl.strip())
    return out


def read_slots(path: Path = CORPUS_DIR / "slots.tsv") -> dict[str, list[str]]:
    """Word lists (``name<TAB>a|b|c``)."""
    out: dict[str, list[str]] = {}
    for line in path.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, _, values = line.partition("\t")
        out[name.strip()] = [v for v in values.strip().split("|") if v]
    return out


def _thousands(n: int) -> str:
    """1234567 -> "1.234.567" (Vietnamese grouping)."""
    return f"{n:,}".replace(",", ".")


class SlotFiller:
    """Fills one template; numeric slots see the values drawn before them (N2 > N ...)."""

    def __init__(self, rng: random.Random, words: dict[str, list[str]]) -> None:
        self.rng = rng
        self.words = words
        self.state: dict[str, int] = {}
        self.gen: dict[str, Callable[[], str]] = {
            "N": self.n,
            "N2": self.n2,
            "N3": lambda: str(rng.randint(100, 999)),
            "M": lambda: str(rng.randint(1, 12)),
            "NZ": lambda: f"{rng.randint(1, 12):02d}",
            "BIG": lambda: _thousands(rng.choice([rng.randint(1000, 99999), rng.randint(1, 9999)])),
            "DEC": self.dec,
            "PCT": self.pct,
            "DATE": self.date,
            "DM": self.day_month,
            "YEAR": self.year,
            "YEAR2": lambda: str(self.state.get("year", 2020) + 1),
            "TERM": self.term,
            "TERM2": self.term2,
            "ROMAN": lambda: rng.choice(_ROMAN),
            "TIME": self.time,
            "DOC": self.doc,
            "ND": lambda: str(rng.randint(10, 180)),
            "PHONE": self.phone,
            "URL": self.url,
            "EMAIL": self.email,
            "MONEY": self.money,
            "RATIO": self.ratio,
            "ADDR": self.addr,
            "PERSON": self.person,
            "BUOI": lambda: rng.choice(words["buoi"]),
            "PLATE": lambda: (
                f"{rng.randint(11, 99)}{rng.choice('ABCDEFGHK')}-"
                f"{rng.randint(100, 999)}.{rng.randint(10, 99)}"
            ),
            "FILE": lambda: (
                f"{rng.randint(1, 999)}-{rng.choice(_DOC_KINDS)}-"
                f"{rng.choice(_DOC_ISSUERS)}.{rng.choice(['pdf', 'doc', 'docx'])}"
            ),
        }

    def fill(self, template: str) -> str:
        self.state = {}
        return _SLOT.sub(self._one, template)

    def _one(self, m: re.Match[str]) -> str:
        name = m.group(1)
        if name in self.gen:
            return self.gen[name]()
        if name in self.words:
            return self.rng.choice(self.words[name])
        raise KeyError(f"unknown slot {{{name}}}")

    # --- numbers -------------------------------------------------------------------------
    def n(self) -> str:
        r = self.rng
        v = r.choice([r.randint(1, 12), r.randint(1, 30), r.randint(2, 99)])
        self.state["n"] = v
        return str(v)

    def n2(self) -> str:
        return str(self.state.get("n", 5) + self.rng.randint(1, 15))

    def dec(self) -> str:
        r = self.rng
        whole = r.choice([r.randint(0, 9), r.randint(10, 99), r.randint(100, 999)])
        frac = r.choice(["", str(r.randint(1, 9)), f"{r.randint(1, 99):02d}"])
        return f"{whole},{frac}" if frac else str(whole)

    def pct(self) -> str:
        r = self.rng
        v = r.choice([str(r.randint(1, 100)), f"{r.randint(1, 99)},{r.randint(1, 99)}"])
        return v + r.choice(["%", "%", "%", " %"])

    def money(self) -> str:
        r = self.rng
        kind = r.randrange(6)
        if kind == 0:
            return f"{r.randint(1, 999)} tỷ đồng"
        if kind == 1:
            return f"{r.randint(1, 99)},{r.randint(1, 99)} tỷ đồng"
        if kind == 2:
            return f"{r.randint(1, 999)} triệu đồng"
        if kind == 3:
            return f"{_thousands(r.randint(10, 999) * 1000)} đồng"
        if kind == 4:
            return f"{_thousands(r.randint(1, 50) * 500_000)}đ"
        return f"{r.randint(1, 9)},{r.randint(1, 9)} triệu đồng"

    def ratio(self) -> str:
        total = self.rng.randint(5, 35)
        return f"{self.rng.randint(max(1, total - 6), total)}/{total}"

    # --- dates and times -----------------------------------------------------------------
    def year(self) -> str:
        y = self.rng.randint(2015, 2025)
        self.state["year"] = y
        return str(y)

    def _dmy(self) -> tuple[int, int, int]:
        r = self.rng
        return r.randint(1, 28), r.randint(1, 12), self.state.get("year") or r.randint(2015, 2025)

    def date(self) -> str:
        d, mo, y = self._dmy()
        style = self.rng.randrange(8)
        if style == 0:
            return f"{d:02d}/{mo:02d}/{y}"
        if style == 1:
            return f"{d}/{mo}/{y}"
        if style == 2:
            return f"{d:02d}-{mo:02d}-{y}"
        if style == 3:
            return f"{d}-{mo}-{y}"
        if style == 4:  # the stray space portals leave behind: "09 -12-2019"
            return f"{d:02d} -{mo:02d}-{y}"
        if style == 5:
            return f"{d}.{mo}.{y}"
        if style == 6:
            return f"{d:02d} tháng {mo:02d} năm {y}"
        return f"{d}/{mo}"

    def day_month(self) -> str:
        d, mo, _ = self._dmy()
        return self.rng.choice([f"{d}/{mo}", f"{d:02d}/{mo:02d}", f"{d}.{mo}", f"{d}-{mo}"])

    def time(self) -> str:
        r = self.rng
        h, mi = r.randint(6, 21), r.choice([0, 0, 15, 30, 45, r.randint(0, 59)])
        style = r.randrange(5)
        if style == 0:
            return f"{h:02d}:{mi:02d}"
        if style == 1:
            return f"{h}h{mi:02d}" if mi else f"{h}h"
        if style == 2:
            return f"{h} giờ {mi} phút" if mi else f"{h} giờ"
        if style == 3:
            return f"{h}g{mi:02d}"
        return f"{h}:{mi:02d}"

    def term(self) -> str:
        start = self.rng.choice([2010, 2015, 2016, 2020, 2021, 2025, 2026])
        self.state["term"] = start
        dash = self.rng.choice(["-", "-", " - ", " – ", "–"])
        return f"{start}{dash}{start + 5}"

    def term2(self) -> str:
        start = self.state.get("term", 2020) + 5
        return f"{start}-{start + 5}"

    # --- codes, contacts -----------------------------------------------------------------
    def doc(self) -> str:
        r = self.rng
        num = r.choice([str(r.randint(1, 99)), f"{r.randint(1, 9):02d}", str(r.randint(100, 2999))])
        kind = r.choice(_DOC_KINDS)
        issuer = r.choice(_DOC_ISSUERS)
        style = r.randrange(4)
        if style == 0:
            return f"{num}-{kind}/{issuer}"
        if style == 1:
            return f"{num}/{kind}-{issuer}"
        if style == 2:
            return f"{num}/{issuer}{r.choice(_UNITS_SUFFIX)}"
        return f"{num}/{r.randint(2015, 2025)}/{kind}-{issuer}"

    def phone(self) -> str:
        r = self.rng
        style = r.randrange(5)
        if style == 0:
            return f"0297.{r.randint(3800, 3899)}.{r.randint(100, 999)}"
        if style == 1:
            return f"09{r.randint(10, 99)} {r.randint(100, 999)} {r.randint(100, 999)}"
        if style == 2:
            return f"(0297) {r.randint(3, 3)} {r.randint(700, 899)} {r.randint(100, 999)}"
        if style == 3:
            return f"0{r.randint(900000000, 989999999)}"
        return f"1900 {r.randint(1000, 9999)}"

    def url(self) -> str:
        r = self.rng
        dom = r.choice(self.words["domain"])
        path = r.choice(["", "/tin-tuc", "/van-ban", f"/vi/news/{r.randint(1000, 99999)}.html"])
        return r.choice(["https://", "http://", "", "www."]) + dom + path

    def email(self) -> str:
        r = self.rng
        user = r.choice(["ubnd", "vanphong", "tiepcongdan", "hdnd", "bbt", "huyenuy"])
        place = r.choice(["tanhiep", "chauthanh", "tuyphong"])
        return f"{user}.{place}@{r.choice(self.words['domain'])}"

    def addr(self) -> str:
        r = self.rng
        street = r.choice(["3/2", "30/4", "Nguyễn Trung Trực", "Lý Thường Kiệt", "số 1", "số 14"])
        return (
            f"{r.randint(1, 250)} đường {street}, ấp {r.choice(self.words['ap'])}, "
            f"xã {r.choice(self.words['xa'])}"
        )

    def person(self) -> str:
        w, r = self.words, self.rng
        return f"{r.choice(w['ho'])} {r.choice(w['dem'])} {r.choice(w['ten'])}"


def _stamp(f: SlotFiller) -> str:
    """The date line under a portal headline, in the forms portals print it."""
    r = f.rng
    d, mo, y = r.randint(1, 28), r.randint(1, 12), r.randint(2015, 2025)
    h, mi = r.randint(6, 22), r.randint(0, 59)
    style = r.randrange(4)
    if style == 0:
        return f"({h:02d}:{mi:02d} | {d:02d}/{mo:02d}/{y})"
    if style == 1:
        return f"{r.choice(f.words['thu'])}, {d:02d}/{mo:02d}/{y}, {h:02d}:{mi:02d} [GMT+7]"
    if style == 2:
        return f"Ngày đăng bài: {d:02d}/{mo:02d}/{y} | Tác giả: {r.choice(f.words['tacgia'])}"
    return f"{r.choice(f.words['thu']).upper()}, {d:02d}/{mo:02d}/{y} {h:02d}:{mi:02d}:00"


def make_article(f: SlotFiller, templates: dict[str, list[str]]) -> str:
    """One article: headline, date line, 2-5 paragraphs of 2-5 sentences, byline."""
    r = f.rng
    body_cats = [c for c in templates if c not in ("title", "close", "contact")]
    main = r.choice(body_cats)
    lines = [f.fill(r.choice(templates["title"])), "", _stamp(f), ""]
    for _ in range(r.randint(2, 5)):
        sentences = []
        for _ in range(r.randint(2, 5)):
            cat = main if r.random() < 0.7 else r.choice(body_cats)
            sentences.append(f.fill(r.choice(templates[cat])))
        lines += [" ".join(sentences), ""]
    if r.random() < 0.3:
        lines += [f.fill(r.choice(templates["contact"])), ""]
    lines.append(f.fill(r.choice(templates["close"])))
    return "\n".join(lines)


def build_corpus(size: int = DEFAULT_SIZE, seed: int = SEED) -> str:
    """The corpus text, about ``size`` bytes of UTF-8 (always the same for a seed)."""
    rng = random.Random(seed)
    filler = SlotFiller(rng, read_slots())
    templates = read_templates()
    parts = [SEED_ARTICLE.read_text("utf-8").strip()]
    total = len(parts[0].encode("utf-8"))
    while total < size:
        art = make_article(filler, templates)
        parts.append(art)
        total += len(art.encode("utf-8")) + 2
    return "\n\n".join(parts) + "\n"


def ensure_corpus(path: Path = DEFAULT_OUT, size: int = DEFAULT_SIZE) -> Path:
    """Build the default corpus file if it is missing; return its path."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(build_corpus(size), "utf-8")
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--size", type=float, default=DEFAULT_SIZE, help="bytes of UTF-8")
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args()
    text = build_corpus(int(args.size), args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, "utf-8")
    print(
        f"wrote {args.out}: {len(text.encode('utf-8')):,} bytes, {len(text):,} chars, "
        f"{text.count(chr(10)) + 1:,} lines"
    )


if __name__ == "__main__":
    main()
