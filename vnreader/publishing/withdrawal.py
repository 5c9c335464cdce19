"""``vnreader withdraw`` and ``vnreader restore``: an article kept out of a site, or back in.

A withdrawal is recorded in the catalog by the article's source, so it holds while the
portal still lists the article, and even for an address not yet published. The site is
written again at once (``publish(..., refresh=False)``: nothing is fetched), which removes
the article's feed items, pages, audio and its share of the daily digest. Restoring it
narrates it again from the article the catalog keeps, under its old guid.
"""

from __future__ import annotations

import logging
from pathlib import Path

from vnreader.config import Settings
from vnreader.errors import VnreaderError
from vnreader.publishing.atomic import RunLock
from vnreader.publishing.catalog import ArticleRow, Catalog
from vnreader.publishing.layout import migrate_legacy_state
from vnreader.publishing.pipeline import publish, site_state

__all__ = ["restore", "withdraw"]

_log = logging.getLogger("vnreader.publishing")


def withdraw(
    article: str,
    out_dir: Path,
    settings: Settings,
    *,
    reason: str | None = None,
    log: logging.Logger | None = None,
) -> ArticleRow | str:
    """Take ``article`` (slug, read page, or source URL) out of the site, and keep it out.

    Its feed items, pages and audio are removed now; later runs skip it while the portal
    still lists it, until :func:`restore`. Returns its row, or the source when the catalog
    does not have it yet (a URL withdrawn before it is ever published).
    """
    state = site_state(out_dir, settings)
    with RunLock(state.lock, site=out_dir):
        migrate_legacy_state(out_dir, state, log or _log)
        with Catalog(state.catalog) as catalog:
            row = catalog.find(article)
            if row is None and not article.startswith(("http://", "https://", "file:")):
                raise VnreaderError(_not_found(article, catalog))
            source = row.source if row is not None else article
            catalog.withdraw(source, reason)
    publish([], out_dir, settings, log=log, refresh=False)
    return row if row is not None else source


def restore(
    article: str, out_dir: Path, settings: Settings, *, log: logging.Logger | None = None
) -> str:
    """Bring a withdrawn article back (same guid); its audio is made again from the catalog."""
    state = site_state(out_dir, settings)
    with RunLock(state.lock, site=out_dir), Catalog(state.catalog) as catalog:
        withdrawn = catalog.withdrawals()
        row = catalog.find(article)
        source = row.source if row is not None else article
        if source not in withdrawn:
            if row is None and article not in withdrawn:
                raise VnreaderError(_not_found(article, catalog, withdrawn_only=True))
            raise VnreaderError(f"{article} is not withdrawn")
        catalog.restore(source)
    publish([], out_dir, settings, log=log, refresh=False)
    return source


def _not_found(article: str, catalog: Catalog, *, withdrawn_only: bool = False) -> str:
    import difflib

    if withdrawn_only:
        names = [catalog.slug_of(s) or s for s in catalog.withdrawals()]
    else:
        names = [row.slug for row in catalog.articles()]
    close = difflib.get_close_matches(article, names, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    what = "withdrawn article" if withdrawn_only else "article"
    return f"no {what} {article!r} in this site{hint}"
