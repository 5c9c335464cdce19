"""``vnreader publish``: the run, its progress bar on a terminal and its logging."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from vnreader.cli.base import cli, portal_option, site_options
from vnreader.errors import VnreaderError


@cli.command()
@click.argument("sources", nargs=-1, metavar="[SOURCE]...")
@site_options("The site folder to write (default: out_dir from the settings).")
@portal_option
@click.option(
    "--no-wait",
    is_flag=True,
    help="Exit at once (code 2) when another publish is running on the site.",
)
@click.option("--quiet", is_flag=True, help="Say nothing unless something failed.")
@click.option(
    "--log-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append the run's log (with times) to this file.",
)
@click.option(
    "--rebuild-catalog",
    is_flag=True,
    help="Move a damaged catalog aside and rebuild it from the sources (audio is re-used).",
)
def publish(
    sources: tuple[str, ...],
    out_dir: Path | None,
    config_path: Path | None,
    base_url: str | None,
    portal: str | None,
    no_wait: bool,
    quiet: bool,
    log_file: Path | None,
    rebuild_catalog: bool,
) -> int:
    """Publish articles as a podcast site: audio, feeds, OPML and read pages in --out.

    SOURCE is an HTML file (or a folder of them), an article URL, a listing page or an RSS
    feed of the portal; none: the sources in vnreader.toml, for every [portals.NAME] of it
    (or --portal NAME), each portal into its own folder. Unchanged articles are not
    narrated again and unchanged files not rewritten, so it is safe to run from cron.
    Exit code 0: all published; 1: some articles or portals failed (named, the rest
    published); 2: bad input, settings, or (with --no-wait) another run in progress.
    """
    import logging

    from vnreader.config import load_config
    from vnreader.publishing.pipeline import publish as run_publish
    from vnreader.publishing.portals import PortalResult, publish_portals

    config = load_config(config_path)
    portals = config.portal(portal)
    if (sources or out_dir is not None or base_url is not None) and len(portals) > 1:
        names = ", ".join(str(p.name) for p in portals)
        raise click.UsageError(
            f"SOURCE, --out and --base-url apply to one portal; choose one of {names} with --portal"
        )
    if base_url is not None:
        portals = (portals[0].with_(base_url=base_url),)
    log = logging.getLogger("vnreader.publishing")
    bar = _ProgressBar.for_terminal(quiet)
    restore = _publish_logging(quiet, log_file, bar)
    try:
        if sources:
            settings = portals[0]
            target = out_dir if out_dir is not None else settings.out_dir
            report = run_publish(
                list(sources),
                target,
                settings,
                wait=not no_wait,
                log=log,
                rebuild_catalog=rebuild_catalog,
                progress=bar,
            )
            results = [PortalResult(settings, report=report)]
        else:
            results = publish_portals(
                portals,
                out_dir=out_dir,
                wait=not no_wait,
                log=log,
                rebuild_catalog=rebuild_catalog,
                progress=bar,
            )
    finally:
        if bar is not None:
            bar.close()
        restore()
    if len(results) == 1 and results[0].error is not None:
        raise VnreaderError(results[0].error)
    for result in results:
        name = f"{result.settings.name}: " if len(results) > 1 else ""
        if result.error is not None:
            click.echo(f"vnreader: {name}not published: {result.error}", err=True)
        elif result.report is not None and (result.report.failed or not quiet):
            click.echo(f"vnreader: {name}{result.report.summary()}", err=True)
    return max(min(r.exit_code, 1) if len(results) > 1 else r.exit_code for r in results)


class _ProgressBar:
    """One line on a terminal: ``[#####-----] 12/40 narrating: TITLE``; nothing under cron."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.shown = False
        self.last = ""

    @classmethod
    def for_terminal(cls, quiet: bool) -> _ProgressBar | None:
        stream = sys.stderr
        return cls(stream) if not quiet and stream.isatty() else None

    def __call__(self, done: int, total: int, label: str) -> None:
        import shutil

        width = shutil.get_terminal_size((80, 20)).columns
        filled = int(20 * done / total) if total else 0
        head = f"[{'#' * filled}{'-' * (20 - filled)}] {done}/{total} "
        self.last = (head + label)[: max(10, width - 1)]
        self.redraw()

    def redraw(self) -> None:
        if self.last:
            self.stream.write("\r\x1b[K" + self.last)
            self.stream.flush()
            self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False

    def close(self) -> None:
        self.clear()
        self.last = ""


def _publish_logging(
    quiet: bool, log_file: Path | None, bar: _ProgressBar | None = None
) -> Callable[[], None]:
    """stderr: publish's progress (errors only with --quiet); --log-file: the same, timed.

    Returns the function that puts the loggers back as they were (the CLI may run inside
    another program, e.g. tests, whose logging must not change).
    """
    import logging

    root = logging.getLogger("vnreader")
    names = ("vnreader", "vnreader.speech", "vnreader.publishing")
    saved = [(logging.getLogger(n), logging.getLogger(n).level) for n in names]
    saved_propagate = root.propagate
    root.setLevel(logging.INFO)
    # The narration's own INFO lines (loudness passes…) are detail; publish's are the story.
    logging.getLogger("vnreader.speech").setLevel(logging.WARNING)
    logging.getLogger("vnreader.publishing").setLevel(logging.INFO)
    root.propagate = False
    handlers: list[logging.Handler] = []
    console: logging.Handler = (
        logging.StreamHandler(sys.stderr) if bar is None else _AboveTheBar(bar)
    )
    console.setLevel(logging.ERROR if quiet else logging.INFO)
    console.setFormatter(logging.Formatter("vnreader: %(message)s"))
    handlers.append(console)
    if log_file is not None:
        try:
            file_handler = logging.FileHandler(log_file, encoding="utf-8")
        except OSError as exc:
            raise VnreaderError(
                f"cannot open the log file {log_file}: {exc.strerror or exc}"
            ) from None
        file_handler.setLevel(logging.INFO)
        file_handler.setFormatter(
            logging.Formatter("%(asctime)s [%(process)d] %(levelname)s %(message)s")
        )
        handlers.append(file_handler)
    for handler in handlers:
        root.addHandler(handler)

    def restore() -> None:
        for handler in handlers:
            root.removeHandler(handler)
            handler.close()
        for logger, level in saved:
            logger.setLevel(level)
        root.propagate = saved_propagate

    return restore


class _AboveTheBar(logging.StreamHandler):  # type: ignore[type-arg]
    """Log lines printed above the progress bar, which is drawn again under them."""

    def __init__(self, bar: _ProgressBar) -> None:
        super().__init__(bar.stream)
        self.bar = bar

    def emit(self, record: logging.LogRecord) -> None:
        self.bar.clear()
        super().emit(record)
        self.bar.redraw()
