"""The ``vnreader`` command line: thin commands over the library.

Exit codes (DESIGN.md): 0 success; 1 a check found problems or part of the work failed;
2 bad input or usage, with a one-line message. A traceback means a bug in vnreader.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from vnreader import __version__
from vnreader.errors import VnreaderError

if TYPE_CHECKING:
    from vnreader.config import Settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vnreader")
def cli() -> None:
    """vnreader: accessible narration and large print for Vietnamese portal news."""


#: ``--config FILE``, as every command that reads vnreader.toml takes it.
_config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Settings file (default: ./vnreader.toml when there is one).",
)


@cli.command()
@click.argument("sources", nargs=-1, metavar="[FILE]...")
@click.option(
    "--dialect",
    type=click.Choice(["north", "south"]),
    default="north",
    show_default=True,
    help="Number words: north (nghìn, linh) or south (ngàn, lẻ).",
)
@click.option(
    "--lexicon",
    type=click.Path(dir_okay=False),
    help="TSV file of whole words to say differently (written<TAB>spoken), applied first.",
)
@click.option(
    "--explain",
    is_flag=True,
    help="Print each replacement (line, span, class, written, spoken) instead of the text.",
)
@click.option(
    "--check",
    is_flag=True,
    help="List spoken tokens that are not Vietnamese syllables and abbreviations spelled letter "
    "by letter; exit 1 if there are any.",
)
def normalize(
    sources: tuple[str, ...], dialect: str, lexicon: str | None, explain: bool, check: bool
) -> int:
    """Print the spoken form of Vietnamese text, one output line per input line.

    Reads the FILEs (UTF-8 text) or standard input when none is given or FILE is "-".
    Each FILE is one document: an abbreviation it defines ("Trung tâm Phục vụ hành chính
    công (TTPVHCC)") is read in full on the lines after.
    """
    from vnreader.normalizer import Normalizer, spelled_abbreviations
    from vnreader.normalizer.syllables import unreadable_tokens
    from vnreader.textio import read_source

    if explain and check:
        raise click.UsageError("--explain and --check cannot be used together")
    normalizer = Normalizer(dialect=dialect, lexicon=lexicon)
    texts = [(src, read_source(src)) for src in (sources or ("-",))]
    out = click.get_text_stream("stdout")
    problems = 0
    if explain:
        out.write("# source\tline\tstart\tend\tclass\twritten\tspoken\n")
    documents: dict[str, Any] = {}
    for name, lineno, line in _lines(texts):
        document = documents.setdefault(name, normalizer.document())
        if check:
            spoken, reps = document.normalize_with_spans(line)
            bad = unreadable_tokens(spoken)
            if bad:
                problems += len(bad)
                out.write(f"{name}:{lineno}: {' '.join(bad)}\n")
            spelled = spelled_abbreviations(reps, Normalizer.prepare(line))
            if spelled:
                problems += len(spelled)
                out.write(f"{name}:{lineno}: spelled letter by letter: {' '.join(spelled)}\n")
        elif explain:
            for r in document.explain(line):
                out.write(
                    f"{name}\t{lineno}\t{r.start}\t{r.end}\t{r.cls}\t{r.written}\t{r.spoken}\n"
                )
        else:
            out.write(document.normalize(line) + "\n")
    if check:
        if problems:
            click.echo(
                f"vnreader: {problems} token(s) a Vietnamese speech engine cannot read "
                "or abbreviation(s) spelled letter by letter (add them to a lexicon)",
                err=True,
            )
            return 1
        click.echo(
            "vnreader: every spoken token is a Vietnamese syllable, no abbreviation spelled",
            err=True,
        )
    return 0


@cli.command()
@click.argument("source", metavar="SOURCE")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "text"]),
    default="json",
    show_default=True,
    help="json: the Article contract (DESIGN.md); text: title, date, body, author.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=20.0,
    show_default=True,
    help="Seconds allowed for each network step when SOURCE is a URL.",
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep fetched pages here and re-fetch only when they changed (ETag/Last-Modified).",
)
def clean(source: str, fmt: str, timeout: float, cache_dir: Path | None) -> int:
    """Print the article of a portal page, without menus, controls or related lists.

    SOURCE is an HTML file, "-" for standard input, or an http(s) URL.
    """
    import json

    from vnreader.extract import extract_article

    article = extract_article(source, timeout=timeout, cache_dir=cache_dir)
    out = click.get_text_stream("stdout")
    if fmt == "json":
        out.write(json.dumps(article.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(article.to_text())
    return 0


@cli.command()
@click.argument("source", metavar="SOURCE")
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The MP3 to write; OUT.vtt and OUT.chapters.json are written beside it.",
)
@click.option(
    "--engine",
    type=click.Choice(["espeak", "gtts", "edge", "piper"]),
    default="espeak",
    show_default=True,
    help="espeak: embedded, offline. gtts / edge: Google's / Microsoft's online voices (send "
    "the text to them). piper: installed neural voices, offline. See `vnreader voices`.",
)
@click.option(
    "--voice",
    help="Engine voice (espeak: vi, vi-VN-x-south, vi-VN-x-central; edge: vi-VN-HoaiMyNeural, "
    "vi-VN-NamMinhNeural; piper: an installed voice's name or a .onnx file).",
)
@click.option(
    "--rate",
    type=click.IntRange(50, 200),
    default=100,
    show_default=True,
    help="Speaking rate in percent of the engine's normal speed.",
)
@click.option(
    "--dialect",
    type=click.Choice(["north", "south"]),
    default="north",
    show_default=True,
    help="Number words, and the default espeak voice (south: vi-VN-x-south).",
)
@click.option(
    "--fallback",
    type=click.Choice(["espeak", "gtts", "edge", "piper"]),
    is_flag=False,
    flag_value="espeak",
    default=None,
    metavar="[ENGINE]",
    help="When the engine fails (offline, refused, garbage), this engine speaks instead "
    "(alone: espeak).",
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Audio chunk cache (default: ~/.cache/vnreader/chunks).",
)
@click.option("--portal-name", help="The artist tag: the portal's name.")
@click.option(
    "--lexicon",
    type=click.Path(dir_okay=False, path_type=Path),
    help="TSV file of whole words to say differently (written<TAB>spoken).",
)
@click.option(
    "--gtts-tld",
    default="com",
    show_default=True,
    help="With --engine gtts: Google's host is translate.google.<TLD> (e.g. com.vn).",
)
def narrate(
    source: str,
    out: Path,
    engine: str,
    voice: str | None,
    rate: int,
    dialect: str,
    fallback: str | None,
    cache_dir: Path | None,
    portal_name: str | None,
    lexicon: Path | None,
    gtts_tld: str,
) -> int:
    """Narrate the article of SOURCE (file, "-" or URL) to OUT.mp3 with transcript and chapters."""
    from vnreader.extract import extract_article
    from vnreader.speech.narrate import narrate as run_narration

    article = extract_article(source)
    bar: Any = None
    progress = None
    if sys.stderr.isatty():
        bar = click.progressbar(length=1, label="Narrating", file=sys.stderr)
        bar.__enter__()

        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

    try:
        result = run_narration(
            article,
            out,
            engine=engine,
            voice=voice,
            rate=rate,
            dialect=dialect,
            cache_dir=cache_dir,
            portal_name=portal_name,
            fallback=fallback,
            progress=progress,
            gtts_tld=gtts_tld,
            lexicon=lexicon,
        )
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if result.fell_back and result.provenance is not None:
        made = result.provenance
        click.echo(
            f"vnreader: {made.fallback} spoke {made.fallback_sentences} of {made.sentences} "
            f"sentences because {made.engine} failed: {made.reason}",
            err=True,
        )
    minutes, seconds = divmod(round(result.duration_ms / 1000), 60)
    click.echo(
        f"{result.mp3} ({minutes}:{seconds:02d}, {len(result.chapters)} chapters), "
        f"{result.vtt.name}, {result.chapters_json.name}",
        err=True,
    )
    return 0


# --- site set-up and checks: init, doctor, serve (vnreader/config.py, vnreader/publishing/) ---


@cli.command()
@click.argument(
    "directory",
    required=False,
    default=".",
    type=click.Path(file_okay=False, path_type=Path),
)
@click.option("--force", is_flag=True, help="Replace an existing vnreader.toml.")
def init(directory: Path, force: bool) -> int:
    """Write a commented vnreader.toml into DIRECTORY (default: here) to fill in.

    Every setting is listed with what it does and an example: the portal's name, its public
    address, owner and e-mail for podcast directories, voice, and the portal's listing pages
    or RSS feeds to publish.
    """
    from vnreader.config import write_template

    path = write_template(directory, force=force)
    click.echo(
        f"wrote {path}: fill in portal_name, sources and base_url, then run 'vnreader doctor'",
        err=True,
    )
    return 0


@cli.command()
@_config_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    help="The site folder to check (default: out_dir from the settings).",
)
def doctor(config_path: Path | None, out_dir: Path | None) -> int:
    """Check voice, ffmpeg, output folder, disk, catalog and settings; say what to fix.

    One line per check: ✓ fine, ! works but deserves attention, ✗ must be fixed.
    Exit code 0 when nothing must be fixed, 1 otherwise.
    """
    from vnreader.publishing.doctor import check_config, run_checks

    portals, config_check = check_config(config_path)
    out = click.get_text_stream("stdout")
    out.write(config_check.line() + "\n")
    failed = [] if config_check.ok else [config_check.name]
    for settings in portals:
        if len(portals) > 1:
            out.write(f"\n[portals.{settings.name}] {settings.portal_name}\n")
        for check in run_checks(settings, out_dir):
            out.write(check.line() + "\n")
            if not check.ok:
                failed.append(f"{settings.name}: {check.name}" if settings.name else check.name)
    if failed:
        click.echo(f"vnreader: fix: {', '.join(failed)}", err=True)
        return 1
    return 0


@cli.command()
@click.argument(
    "directory",
    required=False,
    type=click.Path(file_okay=False, path_type=Path),
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="TCP port on 127.0.0.1 (0: any free port).",
)
@click.option("--quiet", is_flag=True, help="Do not log each request.")
def serve(directory: Path | None, port: int, quiet: bool) -> int:
    """Preview a published site: serve DIRECTORY on http://127.0.0.1:PORT/ until Ctrl-C.

    DIRECTORY defaults to out_dir from ./vnreader.toml. Range requests, ETags and the
    podcast content types are honoured, so podcast apps on this computer can play the feeds
    published with the default base URL. Not meant to face the internet.
    """
    from vnreader.config import load_settings
    from vnreader.publishing.layout import FEEDS_DIR, MAIN_FEED
    from vnreader.publishing.serve import make_server, server_url

    root = directory if directory is not None else load_settings().out_dir
    server = make_server(root, "127.0.0.1", port, quiet=quiet)
    url = server_url(server)
    lines = [f"serving {root} at {url} (Ctrl-C to stop)"]
    if (Path(root) / FEEDS_DIR / MAIN_FEED).is_file():
        lines.append(f"podcast feed: {url}{FEEDS_DIR}/{MAIN_FEED}")
    click.echo("\n".join(lines), err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        server.server_close()
    return 0


# --- end of init, doctor, serve ---------------------------------------------------------


# --- options shared by the commands that work on a published site ----------------------------


def _site_options(out_help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--out, --config and --base-url, as publish and embed take them."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        command = click.option(
            "--base-url", help="Public address of the site folder (overrides base_url)."
        )(command)
        command = _config_option(command)
        return click.option(
            "--out",
            "out_dir",
            type=click.Path(file_okay=False, path_type=Path),
            help=out_help,
        )(command)

    return decorate


def _site_settings(
    config_path: Path | None,
    base_url: str | None,
    out_dir: Path | None,
    portal: str | None = None,
) -> tuple[Settings, Path]:
    """The settings (with --base-url applied) and the site folder (--out or out_dir)."""
    from vnreader.config import load_settings

    settings = load_settings(config_path, portal=portal)
    if base_url is not None:
        settings = settings.with_(base_url=base_url)
    return settings, out_dir if out_dir is not None else settings.out_dir


# --- embed (vnreader/publishing/embed.py) ------------------------------------------------------


@cli.command()
@click.argument("article", metavar="ARTICLE")
@_site_options("The published site folder (default: out_dir from the settings).")
@click.option(
    "--height",
    type=click.IntRange(120, 2000),
    default=560,
    show_default=True,
    help="Height of the player's frame in CSS pixels (its width follows the column).",
)
def embed(
    article: str,
    out_dir: Path | None,
    config_path: Path | None,
    base_url: str | None,
    height: int,
) -> int:
    """Print the HTML that embeds ARTICLE's player in a page of the portal.

    ARTICLE is the article's slug (as in read/SLUG.html), the address of its read page,
    or the portal's own address of the article. Paste the printed <iframe> snippet into
    the portal's article; it points at the site's public address (base_url).
    """
    from vnreader.publishing.embed import snippet_for

    settings, target = _site_settings(config_path, base_url, out_dir)
    text = snippet_for(target, article, settings.base_url, height=height, settings=settings)
    if settings.is_local:
        click.echo(
            f"vnreader: note: the snippet points at {settings.base_url}; a portal needs the "
            "site's public address (--base-url or base_url in vnreader.toml)",
            err=True,
        )
    click.echo(text)
    return 0


# --- publish (vnreader/publishing/pipeline.py) -------------------------------------------------


def _portal_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--portal",
        metavar="NAME",
        help="Only the portal of [portals.NAME] in vnreader.toml (default: all of them).",
    )(command)


@cli.command()
@click.argument("sources", nargs=-1, metavar="[SOURCE]...")
@_site_options("The site folder to write (default: out_dir from the settings).")
@_portal_option
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


# --- lexicon (vnreader/publishing/lexicon_edit.py) ---------------------------------------------


@cli.group()
def lexicon() -> None:
    """Fix how the voice says a word: the next publish narrates again what uses it."""


def _lexicon_context(config_path: Path | None, portal: str | None) -> tuple[Settings, Path, Any]:
    from vnreader.config import load_config
    from vnreader.publishing.lexicon_edit import LexiconFile, lexicon_file

    config = load_config(config_path)
    (settings,) = config.portal(portal) if portal else (config.portal(None)[0],)
    return settings, settings.out_dir, LexiconFile(lexicon_file(config, settings, portal=portal))


@lexicon.command("add")
@click.argument("written")
@click.argument("spoken")
@_config_option
@click.option("--portal", metavar="NAME", help="Only this portal's words (lexicon-NAME.tsv).")
def lexicon_add(written: str, spoken: str, config_path: Path | None, portal: str | None) -> int:
    """Say WRITTEN as SPOKEN from now on, e.g.: vnreader lexicon add KP "khu phố"."""
    from vnreader.normalizer.syllables import unreadable_tokens
    from vnreader.publishing.lexicon_edit import affected_articles

    settings, out_dir, file = _lexicon_context(config_path, portal)
    before = file.add(written, spoken)
    what = f"replaced ({before!r} before)" if before is not None else "added"
    click.echo(f"vnreader: {written} → {spoken}: {what} in {file.path}", err=True)
    odd = unreadable_tokens(spoken)
    if odd:
        click.echo(
            f"vnreader: note: {' '.join(odd)} is not a Vietnamese syllable; the voice may spell it",
            err=True,
        )
    titles = affected_articles(settings, out_dir, written)
    if titles:
        shown = "; ".join(titles[:5]) + (" …" if len(titles) > 5 else "")
        click.echo(
            f"vnreader: the next publish narrates again {len(titles)} published "
            f"article{'s' if len(titles) != 1 else ''} that use it: {shown}",
            err=True,
        )
    return 0


@lexicon.command("remove")
@click.argument("written")
@_config_option
@click.option("--portal", metavar="NAME", help="This portal's own words (lexicon-NAME.tsv).")
def lexicon_remove(written: str, config_path: Path | None, portal: str | None) -> int:
    """Forget WRITTEN: the voice reads it as the normalizer does again."""
    _, _, file = _lexicon_context(config_path, portal)
    if not file.remove(written):
        raise VnreaderError(f"{written!r} is not in {file.path}")
    click.echo(f"vnreader: removed {written} from {file.path}", err=True)
    return 0


@lexicon.command("list")
@_config_option
@click.option("--portal", metavar="NAME", help="Also this portal's own words.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: written, spoken, file.")
def lexicon_list(config_path: Path | None, portal: str | None, as_json: bool) -> int:
    """Every word the voice says differently, and the file it is in."""
    from vnreader.publishing.lexicon_edit import LexiconFile, dumps

    settings, _, _ = _lexicon_context(config_path, portal)
    rows: list[tuple[str, str, Path]] = []
    for path in (settings.lexicon, settings.portal_lexicon):
        if path is not None:
            rows.extend((w, sp, path) for w, sp in LexiconFile(path).entries())
    out = click.get_text_stream("stdout")
    if as_json:
        out.write(dumps(rows) + "\n")
    else:
        for written, spoken, path in rows:
            out.write(f"{written}\t{spoken}\t{path.name}\n")
    return 0


# --- withdraw, restore, status --------------------------------------------------------------


@cli.command()
@click.argument("article", metavar="SLUG|URL")
@_site_options("The published site folder (default: out_dir from the settings).")
@_portal_option
@click.option("--reason", help="Why (kept in the catalog, shown by vnreader status).")
def withdraw(
    article: str,
    out_dir: Path | None,
    config_path: Path | None,
    base_url: str | None,
    portal: str | None,
    reason: str | None,
) -> int:
    """Take ARTICLE out of the feeds, pages, audio and digests, and keep it out.

    ARTICLE is its slug (read/SLUG.html), its read page's address or the portal's address
    of the article. Later runs leave it out while the portal still lists it, until
    'vnreader restore'. A portal address not yet published is kept out from the start.
    """
    from vnreader.publishing.withdrawal import withdraw as run_withdraw

    settings, target = _site_settings(config_path, base_url, out_dir, portal)
    result = run_withdraw(article, target, settings, reason=reason)
    name = result if isinstance(result, str) else f"{result.slug} ({result.source})"
    click.echo(f"vnreader: withdrawn: {name}", err=True)
    return 0


@cli.command()
@click.argument("article", metavar="SLUG|URL")
@_site_options("The published site folder (default: out_dir from the settings).")
@_portal_option
def restore(
    article: str,
    out_dir: Path | None,
    config_path: Path | None,
    base_url: str | None,
    portal: str | None,
) -> int:
    """Bring a withdrawn ARTICLE back, with its old guid (its audio is made again)."""
    from vnreader.publishing.withdrawal import restore as run_restore

    settings, target = _site_settings(config_path, base_url, out_dir, portal)
    source = run_restore(article, target, settings)
    click.echo(f"vnreader: restored: {source}", err=True)
    return 0


@cli.command()
@_config_option
@_portal_option
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON (stable).")
def status(config_path: Path | None, portal: str | None, as_json: bool) -> int:
    """Per portal: articles, the last run, failures and their next retry, disk used, feed.

    Exit code 0 when the last run of every portal succeeded, 1 otherwise.
    """
    import json

    from vnreader.config import load_config
    from vnreader.publishing.status import STATUS_VERSION, portal_status, render_status

    config = load_config(config_path)
    portals = [portal_status(settings) for settings in config.portal(portal)]
    out = click.get_text_stream("stdout")
    if as_json:
        document = {"version": STATUS_VERSION, "portals": portals}
        out.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(render_status(portals))
    healthy = all(
        p["last_run"] is not None and p["last_run"]["exit_code"] == 0 and not p.get("error")
        for p in portals
    )
    return 0 if healthy else 1


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


# --- end of publish -------------------------------------------------------------------------


def _lines(texts: Sequence[tuple[str, str]]) -> Iterator[tuple[str, int, str]]:
    for name, text in texts:
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        for lineno, line in enumerate(lines, 1):
            yield name, lineno, line


# --- voices (vnreader/speech/voices_cli.py) ----------------------------------------------

from vnreader.speech.voices_cli import voices  # noqa: E402

cli.add_command(voices)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``vnreader`` console script; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        click.echo(cli.get_help(click.Context(cli, info_name="vnreader")))
        return 0
    try:
        result = cli.main(args=args, prog_name="vnreader", standalone_mode=False)
    except VnreaderError as exc:
        _fail(str(exc))
        return 2
    except click.UsageError as exc:
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
        _fail(exc.format_message() + hint)
        return 2
    except click.ClickException as exc:
        _fail(exc.format_message())
        return exc.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):
        # Outputs are written to temp files and renamed: nothing half-written remains.
        click.echo("vnreader: interrupted", err=True)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): not an error worth a traceback.
        sys.stderr.close()
        return 0
    return result if isinstance(result, int) else 0


def _fail(message: str) -> None:
    first = " ".join(message.split())
    click.echo(f"vnreader: error: {first}", err=True)


if __name__ == "__main__":
    sys.exit(main())
