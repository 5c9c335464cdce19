"""Setting a site up and looking at it: ``init``, ``doctor``, ``serve`` and ``embed``."""

from __future__ import annotations

from pathlib import Path

import click

from vnreader.cli.base import cli, config_option, site_options, site_settings


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
@config_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    help="The site folder to check (default: out_dir from the settings).",
)
def doctor(config_path: Path | None, out_dir: Path | None) -> int:
    """Check settings, voices, ffmpeg, folders, disk, catalog and sources; say what to fix.

    The voices: the built-in espeak-ng always, the piper voice when piper speaks (or is
    the fallback), Google's when engine = "gtts" (the only check that goes online besides
    trying each source). One line per check: ✓ fine, ! works but deserves attention, ✗
    must be fixed.
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


@cli.command()
@click.argument("article", metavar="ARTICLE")
@site_options("The published site folder (default: out_dir from the settings).")
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

    settings, target = site_settings(config_path, base_url, out_dir)
    text = snippet_for(target, article, settings.base_url, height=height, settings=settings)
    if settings.is_local:
        click.echo(
            f"vnreader: note: the snippet points at {settings.base_url}; a portal needs the "
            "site's public address (--base-url or base_url in vnreader.toml)",
            err=True,
        )
    click.echo(text)
    return 0
