"""``vnreader status``: what each portal's site holds and how its last run went.

The JSON form (``--json``) is a stable contract for monitoring; its fields are documented
in docs/operator.md ("vnreader status"). Version 1::

    {"version": 1, "portals": [{
        "name": "tan-hiep" | null, "portal_name": "...", "out_dir": "...", "state_dir": "...",
        "feed_url": "https://.../feeds/podcast.xml",
        "articles": 12, "withdrawn": 1, "fallback_narrations": 0,
        "disk_bytes": {"site": 123, "state": 456},
        "last_run": {"started": ISO, "finished": ISO|null, "seconds": 1.2, "exit_code": 0|1|null,
                     "published": 0, "updated": 0, "unchanged": 12, "failed": 0,
                     "summary": "..."} | null,
        "failures": [{"source": "...", "reason": "...", "first_failed": ISO,
                      "last_failed": ISO, "attempts": 2, "retry_after": ISO|null}]
    }]}

Reading the status never creates, changes or locks anything.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from vnreader.config import Settings
from vnreader.publishing.layout import FEEDS_DIR, MAIN_FEED, SiteState
from vnreader.publishing.report import count as _count

__all__ = ["STATUS_VERSION", "portal_status", "render_status"]

STATUS_VERSION = 1


def portal_status(settings: Settings, out_dir: Path | None = None) -> dict[str, Any]:
    """The status of one portal, as the JSON contract above."""
    from vnreader.publishing.catalog import Catalog, CatalogError

    out = Path(out_dir if out_dir is not None else settings.out_dir)
    state = SiteState.for_site(out, settings.state_dir, settings.name)
    status: dict[str, Any] = {
        "name": settings.name,
        "portal_name": settings.portal_name,
        "out_dir": str(out),
        "state_dir": str(state.site_dir),
        "feed_url": urljoin(settings.base_url, f"{FEEDS_DIR}/{MAIN_FEED}"),
        "articles": 0,
        "withdrawn": 0,
        "fallback_narrations": 0,
        "disk_bytes": {"site": _size(out), "state": _size(state.site_dir)},
        "last_run": None,
        "failures": [],
    }
    if not state.catalog.is_file():
        status["error"] = "never published"
        return status
    try:
        with Catalog(state.catalog, read_only=True) as catalog:
            withdrawn = catalog.withdrawals()
            status["articles"] = sum(1 for r in catalog.articles() if r.source not in withdrawn)
            status["withdrawn"] = len(withdrawn)
            status["fallback_narrations"] = catalog.fallback_count()
            run = catalog.last_run()
            if run is not None:
                last = asdict(run)
                del last["id"]
                status["last_run"] = last
            status["failures"] = [asdict(f) for f in catalog.failures()]
    except (CatalogError, sqlite3.Error) as exc:
        status["error"] = str(exc)
    return status


def render_status(portals: list[dict[str, Any]]) -> str:
    """The status as lines for a person."""
    lines: list[str] = []
    for p in portals:
        title = f"{p['name']}: {p['portal_name']}" if p["name"] else p["portal_name"]
        lines.append(title)
        lines.append(f"  site: {p['out_dir']}  ({_human(p['disk_bytes']['site'])})")
        lines.append(f"  feed: {p['feed_url']}")
        if p.get("error"):
            lines.append(f"  {p['error']}")
            lines.append("")
            continue
        articles = _count(p["articles"], "article")
        if p["withdrawn"]:
            articles += f", {p['withdrawn']} withdrawn"
        if p["fallback_narrations"]:
            articles += f", {_count(p['fallback_narrations'], 'narration')} by the fallback engine"
        lines.append(f"  {articles}")
        run = p["last_run"]
        if run is None:
            lines.append("  no run recorded yet")
        elif run["finished"] is None:
            lines.append(f"  last run: started {run['started']}, did not finish (killed?)")
        else:
            result = "ok" if run["exit_code"] == 0 else "some articles failed"
            lines.append(
                f"  last run: {run['started']}, {run['seconds']:.1f} s, {result}: {run['summary']}"
            )
        for f in p["failures"]:
            when = f" (retry after {f['retry_after']})" if f["retry_after"] else ""
            tries = _count(f["attempts"], "failure")
            lines.append(f"  failing: {f['source']}: {f['reason']} [{tries}]{when}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _size(folder: Path) -> int:
    total = 0
    try:
        for path in folder.rglob("*"):
            try:
                if path.is_file() and not path.is_symlink():
                    total += path.stat().st_size
            except OSError:
                continue
    except OSError:
        return 0
    return total


def _human(n: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"
