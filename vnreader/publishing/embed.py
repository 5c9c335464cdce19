"""``vnreader embed``: the snippet a portal pastes to show an article's player.

The article is named by its slug (``read/<slug>.html``), by the address of its read or
embed page, or by the portal's own address of the article (what the portal's staff have
at hand). The snippet points at ``<base_url>embed/<slug>.html``.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from vnreader.config import Settings
from vnreader.errors import VnreaderError
from vnreader.publishing.catalog import ArticleRow, Catalog
from vnreader.publishing.layout import EMBED_DIR
from vnreader.publishing.pages import embed_snippet

__all__ = ["find_article", "snippet_for"]


def _slug_of(name: str) -> str:
    """``bai-1`` from ``bai-1``, ``read/bai-1.html``, ``https://x/embed/bai-1.html``."""
    path = unquote(urlsplit(name).path) if "://" in name else name
    stem = path.rstrip("/").rsplit("/", 1)[-1]
    return stem.removesuffix(".html")


def find_article(out_dir: Path, name: str, settings: Settings | None = None) -> ArticleRow:
    """The published article ``name`` designates in the site ``out_dir``."""
    from vnreader.publishing.pipeline import site_state

    path = site_state(Path(out_dir), settings or Settings()).catalog
    if not path.is_file():
        raise VnreaderError(f"no published site in {out_dir} (run vnreader publish first)")
    with Catalog(path, read_only=True) as catalog:
        rows = [row for row in catalog.articles() if row.narration is not None]
    name = name.strip()
    for row in rows:
        if name in (row.source, row.slug):
            return row
    slug = _slug_of(name)
    for row in rows:
        if row.slug == slug:
            return row
    slugs = [row.slug for row in rows]
    close = [s for s in slugs if s.startswith(slug)] if len(slug) >= 3 else []
    close = close or difflib.get_close_matches(slug, slugs, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    raise VnreaderError(f"no published article '{name}' in {out_dir}{hint}")


def snippet_for(
    out_dir: Path,
    name: str,
    base_url: str,
    *,
    height: int = 560,
    settings: Settings | None = None,
) -> str:
    """The iframe snippet of the article ``name`` of the site ``out_dir``."""
    row = find_article(out_dir, name, settings)
    if not (Path(out_dir) / EMBED_DIR / f"{row.slug}.html").is_file():
        raise VnreaderError(
            f"{out_dir}/{EMBED_DIR}/{row.slug}.html is missing (run vnreader publish to write it)"
        )
    return embed_snippet(
        urljoin(base_url, f"{EMBED_DIR}/{row.slug}.html"), row.title, height=height
    )
