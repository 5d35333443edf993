"""The `secreview` command: the group and its subcommands (each in `secreview.commands`).

Exit codes: 0 nothing at or above `--fail-on`, 1 findings that are, 2 usage or fatal errors
(an internal error whatever was found; with `--strict`, files that could not be reviewed).
"""

from __future__ import annotations

import errno

import click

from secreview import __version__
from secreview.bench.command import bench_command
from secreview.commands.baseline import baseline_group
from secreview.commands.common import fail
from secreview.commands.info import explain_command, rules_command
from secreview.commands.models import models_group
from secreview.commands.precommit import precommit_command
from secreview.commands.prompt import prompt_command
from secreview.commands.review import review_command
from secreview.commands.scan import scan_command


class _Commands(click.Group):
    """The command group, turning an unexpected exception into one line and exit 2.

    Click lets any exception but its own escape as a traceback with exit status 1, which is
    the status for "findings found": a defect of secreview must never read as a verdict.
    """

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:  # click would exit 1, which reads as "findings found"
            fail("interrupted; nothing was reported")
        except OSError as error:
            if error.errno == errno.EPIPE:
                raise  # the reader went away (`| head`): click exits quietly
            fail(str(error))
        except Exception as error:
            fail(f"internal error: {type(error).__name__}: {error} (a secreview defect)")


@click.group(
    cls=_Commands,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="secreview")
def cli() -> None:
    """secreview: a security code review of Python code, where every finding is evidence."""


for command in (scan_command, review_command, rules_command, explain_command, baseline_group):
    cli.add_command(command)
cli.add_command(bench_command)
cli.add_command(precommit_command)
cli.add_command(prompt_command)
cli.add_command(models_group)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="secreview")
