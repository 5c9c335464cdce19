"""``vnreader voices``: list every engine and voice; ``vnreader voices install NAME``.

Registered on the main command group by vnreader/cli/__init__.py (``cli.add_command(voices)``).
The work is in :mod:`vnreader.speech.voices`; this module only prints.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@click.pass_context
def voices(ctx: click.Context, as_json: bool) -> int:
    """List every speech engine and voice: dialect, gender, whether it works here now,
    where the article text goes, and its licence."""
    if ctx.invoked_subcommand is not None:
        return 0
    from vnreader.speech.voices import listing

    rows = listing()
    out = click.get_text_stream("stdout")
    if as_json:
        out.write(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2) + "\n")
        return 0
    table = [
        (
            r.engine,
            r.voice + (f" ({', '.join(r.aliases)})" if r.aliases else ""),
            r.dialect,
            r.gender,
            ("yes" if r.works_now else "no") + f": {r.status}",
            r.text_goes,
            r.licence,
        )
        for r in rows
    ]
    header = ("ENGINE", "VOICE", "DIALECT", "GENDER", "WORKS HERE NOW", "ARTICLE TEXT", "LICENCE")
    widths = [max(len(str(row[i])) for row in [header, *table]) for i in range(len(header) - 1)]
    for row in [header, *table]:
        cells = [str(cell).ljust(width) for cell, width in zip(row, widths, strict=False)]
        out.write("  ".join([*cells, str(row[-1])]).rstrip() + "\n")
    return 0


@voices.command()
@click.argument("name")
@click.option(
    "--base-url",
    help="Where the voice files are published (default: the catalogue's, or "
    "$VNREADER_PIPER_BASE_URL).",
)
@click.option("--force", is_flag=True, help="Download again even when already installed.")
def install(name: str, base_url: str | None, force: bool) -> int:
    """Install the piper voice NAME (e.g. vi_VN-vais1000-medium) for offline narration.

    The files are checked against the SHA-256 pinned in vnreader's catalogue and moved into
    the user data directory ($VNREADER_DATA_DIR overrides it) only when they match.
    """
    from vnreader.speech.voices import install as install_voice
    from vnreader.speech.voices import installed_piper_model

    already = installed_piper_model(name)
    bars: dict[str, Any] = {}

    def progress(done: int, total: int, file_name: str) -> None:
        bar = bars.get(file_name)
        if bar is None:
            for other in bars.values():
                other.__exit__(None, None, None)
            bars.clear()
            bar = click.progressbar(length=max(total, 1), label=file_name, file=sys.stderr)
            bar.__enter__()
            bars[file_name] = bar
        bar.update(done - bar.pos)

    try:
        model = install_voice(
            name,
            base_url=base_url,
            force=force,
            progress=progress if sys.stderr.isatty() else None,
        )
    finally:
        for bar in bars.values():
            bar.__exit__(None, None, None)
    if already is not None and not force:
        click.echo(f"{name} is already installed: {model}", err=True)
    else:
        click.echo(f"installed {name}: {model}", err=True)
    return 0
