"""Several portals from one settings file, one after the other: ``vnreader publish``.

Each portal is its own site: its own output folder, catalog and lock. One portal's failure
(an unreachable portal, a damaged catalog, a lock held by another run) is recorded in its
:class:`PortalResult` and never stops the others.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from vnreader.config import Settings
from vnreader.errors import VnreaderError
from vnreader.publishing.pipeline import Progress, publish
from vnreader.publishing.report import PublishReport

__all__ = ["PortalResult", "publish_portals"]

_log = logging.getLogger("vnreader.publishing")


@dataclass
class PortalResult:
    """One portal's outcome in :func:`publish_portals`: its report, or why it could not run."""

    settings: Settings
    report: PublishReport | None = None
    error: str | None = None

    @property
    def exit_code(self) -> int:
        if self.error is not None:
            return 2 if self.report is None else 1
        return self.report.exit_code if self.report else 0


def publish_portals(
    portals: Sequence[Settings],
    *,
    out_dir: Path | None = None,
    wait: bool = True,
    log: logging.Logger | None = None,
    rebuild_catalog: bool = False,
    progress: Progress | None = None,
) -> list[PortalResult]:
    """Publish each portal from its configured sources, one after the other.

    One portal's failure (unreachable portal, damaged catalog, a lock held elsewhere) is
    recorded in its result and never stops the others. ``out_dir`` overrides the output
    folder (only for a single portal).
    """
    log = log or _log
    results: list[PortalResult] = []
    for settings in portals:
        target = out_dir if out_dir is not None else settings.out_dir
        if settings.name:
            log.info("portal %s: %s", settings.name, settings.portal_name)
        try:
            report = publish(
                [],
                target,
                settings,
                wait=wait,
                log=log,
                rebuild_catalog=rebuild_catalog,
                progress=progress,
            )
        except VnreaderError as exc:
            if len(portals) > 1:
                log.error("portal %s: %s", settings.name, exc)
            results.append(PortalResult(settings, error=str(exc)))
            continue
        results.append(PortalResult(settings, report=report))
    return results
