"""What the commands share: the ``vnreader`` group and the options several commands take."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from vnreader import __version__
from vnreader.config.values import DIALECTS

if TYPE_CHECKING:
    from vnreader.config import Settings

__all__ = [
    "cli",
    "config_option",
    "dialect_option",
    "portal_option",
    "site_options",
    "site_settings",
]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vnreader")
def cli() -> None:
    """vnreader: accessible narration and large print for Vietnamese portal news."""


#: ``--config FILE``, as every command that reads vnreader.toml takes it.
config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Settings file (default: ./vnreader.toml when there is one).",
)


def dialect_option(help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--dialect north|south`` (default north), as normalize and narrate take it."""
    return click.option(
        "--dialect",
        type=click.Choice(DIALECTS),
        default="north",
        show_default=True,
        help=help,
    )


def portal_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--portal",
        metavar="NAME",
        help="Only the portal of [portals.NAME] in vnreader.toml (default: all of them).",
    )(command)


def site_options(out_help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--out, --config and --base-url, as publish and embed take them."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        command = click.option(
            "--base-url", help="Public address of the site folder (overrides base_url)."
        )(command)
        command = config_option(command)
        return click.option(
            "--out",
            "out_dir",
            type=click.Path(file_okay=False, path_type=Path),
            help=out_help,
        )(command)

    return decorate


def site_settings(
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
