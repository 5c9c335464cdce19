"""Weight and rendering speed of the large-print pages and the embeddable player.

    python benchmarks/bench_pages.py [--site DIR] [--renders 200]

Publishes the seed article (espeak, offline) into a temporary folder, or measures the site
already published in ``--site``, then prints:

- the bytes a browser fetches for the article page and for the embed page, before fonts
  and audio (the issue's budget: under 100 KB), raw and gzip-compressed (what a server
  with compression sends), and the fonts and the MP3 beside them;
- how long rendering one article page and one embed page takes (median of ``--renders``).
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "fixtures" / "pages" / "tanhiep_seed.html"
BUDGET = 100_000


def _sizes(paths: list[Path]) -> tuple[int, int]:
    raw = sum(p.stat().st_size for p in paths)
    packed = sum(len(gzip.compress(p.read_bytes(), 9)) for p in paths)
    return raw, packed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a published site (default: publish the seed)")
    parser.add_argument("--renders", type=int, default=200)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))

    from vnreader.config import Settings
    from vnreader.publishing.catalog import CATALOG_RELPATH, Catalog
    from vnreader.publishing.pipeline import publish

    settings = Settings(portal_name="Cổng thông tin điện tử huyện Tân Hiệp")
    site = args.site
    if site is None:
        site = Path(tempfile.mkdtemp(prefix="vnreader-pages-")) / "site"
        started = time.perf_counter()
        publish([str(SEED)], site, settings)
        print(f"published the seed article in {time.perf_counter() - started:.1f} s: {site}")

    pages = sorted(p for p in (site / "read").glob("*.html") if p.name != "index.html")
    if not pages:
        print(f"no article page in {site}/read", file=sys.stderr)
        return 2
    page = pages[0]
    embed = site / "embed" / page.name
    static = [site / "static" / "vnreader.css", site / "static" / "vnreader.js"]
    fonts = sorted((site / "static" / "fonts").glob("*.woff2"))
    audio = sorted((site / "audio").glob(f"{page.stem}.*.mp3"))

    print(f"\narticle page: {page.name}")
    print(f"{'what':<34}{'raw':>10}{'gzip':>10}")
    for label, paths in (
        ("article HTML", [page]),
        ("embed HTML", [embed]),
        ("CSS", static[:1]),
        ("JS", static[1:]),
        ("article page + CSS + JS", [page, *static]),
        ("embed page + CSS + JS", [embed, *static]),
        (f"fonts ({len(fonts)} files, cached)", fonts),
        ("narration MP3", audio),
    ):
        raw, packed = _sizes(paths)
        print(f"{label:<34}{raw / 1000:>8.1f}KB{packed / 1000:>8.1f}KB")
    total, _ = _sizes([page, *static])
    verdict = "holds" if total < BUDGET else "EXCEEDED"
    print(f"budget: article page + CSS + JS < {BUDGET // 1000} KB: {verdict}")

    from vnreader.publishing.assets import asset_version
    from vnreader.publishing.pages import SiteContext, render_article, render_embed

    with Catalog(site / CATALOG_RELPATH) as catalog:
        row = next(r for r in catalog.articles() if r.slug == page.stem)
    assert row.narration is not None
    ctx = SiteContext(
        settings=settings,
        asset_version=asset_version(),
        feeds=(("feed", "http://127.0.0.1:8000/feeds/podcast.xml"),),
        opml_url="http://127.0.0.1:8000/feeds/podcasts.opml",
    )
    for label, render in (("article page", render_article), ("embed page", render_embed)):
        times = []
        for _ in range(max(1, args.renders)):
            started = time.perf_counter()
            render(row, site=ctx, audio_dir=site / "audio")
            times.append(time.perf_counter() - started)
        print(f"render {label}: {statistics.median(times) * 1000:.2f} ms (median of {len(times)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
