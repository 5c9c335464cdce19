"""The commands on one text or one article: ``normalize``, ``clean`` and ``narrate``."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import click

from vnreader.cli.base import cli, dialect_option
from vnreader.config.values import ENGINES, MAX_PITCH, MAX_RATE, MIN_PITCH, MIN_RATE


@cli.command()
@click.argument("sources", nargs=-1, metavar="[FILE]...")
@dialect_option("Number words: north (nghìn, linh) or south (ngàn, lẻ).")
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
    help="json: the article's fields (docs/extraction.md); text: title, date, category, lead, "
    "body, author.",
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
    type=click.Choice(ENGINES),
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
    type=click.IntRange(MIN_RATE, MAX_RATE),
    default=100,
    show_default=True,
    help="Speaking rate in percent of the engine's normal speed.",
)
@click.option(
    "--pitch",
    type=click.IntRange(MIN_PITCH, MAX_PITCH),
    default=0,
    show_default=True,
    help="With --engine edge: the voice's pitch, an offset in Hz (other engines ignore it).",
)
@dialect_option("Number words, and the default espeak voice (south: vi-VN-x-south).")
@click.option(
    "--fallback",
    type=click.Choice(ENGINES),
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
def narrate(source: str, out: Path, **options: Any) -> int:
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
        # The options' names are narrate()'s own keyword arguments.
        result = run_narration(article, out, progress=progress, **options)
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


def _lines(texts: Sequence[tuple[str, str]]) -> Iterator[tuple[str, int, str]]:
    for name, text in texts:
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        for lineno, line in enumerate(lines, 1):
            yield name, lineno, line
