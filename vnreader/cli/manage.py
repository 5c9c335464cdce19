"""Managing a published site: ``withdraw``, ``restore``, ``status`` and ``lexicon``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from vnreader.cli.base import cli, config_option, portal_option, site_options, site_settings
from vnreader.errors import VnreaderError

if TYPE_CHECKING:
    from vnreader.config import Settings


@cli.command()
@click.argument("article", metavar="SLUG|URL")
@site_options("The published site folder (default: out_dir from the settings).")
@portal_option
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

    settings, target = site_settings(config_path, base_url, out_dir, portal)
    result = run_withdraw(article, target, settings, reason=reason)
    name = result if isinstance(result, str) else f"{result.slug} ({result.source})"
    click.echo(f"vnreader: withdrawn: {name}", err=True)
    return 0


@cli.command()
@click.argument("article", metavar="SLUG|URL")
@site_options("The published site folder (default: out_dir from the settings).")
@portal_option
def restore(
    article: str,
    out_dir: Path | None,
    config_path: Path | None,
    base_url: str | None,
    portal: str | None,
) -> int:
    """Bring a withdrawn ARTICLE back, with its old guid (its audio is made again)."""
    from vnreader.publishing.withdrawal import restore as run_restore

    settings, target = site_settings(config_path, base_url, out_dir, portal)
    source = run_restore(article, target, settings)
    click.echo(f"vnreader: restored: {source}", err=True)
    return 0


@cli.command()
@config_option
@portal_option
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
@config_option
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
@config_option
@click.option("--portal", metavar="NAME", help="This portal's own words (lexicon-NAME.tsv).")
def lexicon_remove(written: str, config_path: Path | None, portal: str | None) -> int:
    """Forget WRITTEN: the voice reads it as the normalizer does again."""
    _, _, file = _lexicon_context(config_path, portal)
    if not file.remove(written):
        raise VnreaderError(f"{written!r} is not in {file.path}")
    click.echo(f"vnreader: removed {written} from {file.path}", err=True)
    return 0


@lexicon.command("list")
@config_option
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
