"""The ``vnreader`` command line: thin commands over the library.

One module per group of commands: :mod:`~vnreader.cli.text` (normalize, clean, narrate),
:mod:`~vnreader.cli.site` (init, doctor, serve, embed), :mod:`~vnreader.cli.publish`,
:mod:`~vnreader.cli.manage` (withdraw, restore, status, lexicon), and ``voices`` from
:mod:`vnreader.speech.voices_cli`; :mod:`~vnreader.cli.base` holds the group and the
shared options. :func:`main` is the console script's entry point.

Exit codes: 0 success; 1 a check found problems or part of the work failed; 2 bad input
or usage, with a one-line message. A traceback means a bug in vnreader.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from vnreader.cli import manage, publish, site, text
from vnreader.cli.base import cli
from vnreader.errors import VnreaderError
from vnreader.speech.voices_cli import voices

__all__ = ["cli", "main"]

#: The modules whose commands are registered on :data:`cli` by being imported.
COMMAND_MODULES = (text, site, publish, manage)

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
