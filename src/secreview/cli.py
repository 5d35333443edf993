"""The `secreview` command: the group and its subcommands (each in `secreview.commands`).

Exit codes: 0 nothing at or above `--fail-on`, 1 findings that are, 2 usage or fatal errors
(an internal error whatever was found; with `--strict`, files that could not be reviewed).
"""

from __future__ import annotations

import errno
import gc
import importlib
from types import ModuleType
from typing import NoReturn

import click

from secreview import __version__

# Each subcommand by name: "module:attribute", imported only when it runs (or `--help` lists it).
# A one-file `secreview scan` in a pre-commit hook then pays for neither the review, the bench
# nor the LLM code, and not for the report formats it does not write.
_COMMANDS: dict[str, str] = {
    "baseline": "secreview.commands.baseline:baseline_group",
    "bench": "secreview.bench.command:bench_command",
    "explain": "secreview.commands.info:explain_command",
    "models": "secreview.commands.models:models_group",
    "pre-commit": "secreview.commands.precommit:precommit_command",
    "prompt": "secreview.commands.prompt:prompt_command",
    "review": "secreview.commands.review:review_command",
    "rules": "secreview.commands.info:rules_command",
    "scan": "secreview.commands.scan:scan_command",
}


class _Commands(click.Group):
    """The command group, turning an unexpected exception into one line and exit 2.

    Click lets any exception but its own escape as a traceback with exit status 1, which is
    the status for "findings found": a defect of secreview must never read as a verdict.
    Subcommands are imported on demand (`_COMMANDS`), so start-up costs only what runs.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = _COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        command: click.Command = getattr(_import_uncollected(module_name), attribute)
        return command

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:  # click would exit 1, which reads as "findings found"
            _fail("interrupted; nothing was reported")
        except OSError as error:
            if error.errno == errno.EPIPE:
                raise  # the reader went away (`| head`): click exits quietly
            _fail(str(error))
        except Exception as error:
            _fail(f"internal error: {type(error).__name__}: {error} (a secreview defect)")


@click.group(
    cls=_Commands,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="secreview")
def cli() -> None:
    """secreview: a security code review of Python code, where every finding is evidence."""


def _import_uncollected(module_name: str) -> ModuleType:
    """Import a subcommand with the cyclic garbage collector paused, then freeze what it loaded.

    Importing the analysis creates some hundred thousand objects that live as long as the process
    (functions, classes, tables) and next to no garbage, yet every allocation counts towards a
    collection: the collections walking that growing heap were about 8 % of a one-file scan.
    Frozen, those objects are never walked again, neither by this process nor by the workers it
    forks, whose memory pages they then also leave unwritten: pausing, then freezing before
    forking, is what the `gc` module's documentation advises for forking programs.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        return importlib.import_module(module_name)
    finally:
        if collecting:
            gc.freeze()
            gc.enable()


def _fail(message: str) -> NoReturn:
    """`commands.common.fail`, imported only on this rare path to keep start-up light."""
    from secreview.commands.common import fail

    fail(message)


GC_THRESHOLDS = (20_000, 20, 50)
"""Allocations between young collections, and young (then middle) collections between older
ones. A review allocates millions of small, short-lived objects (syntax trees, taint values)
that are freed by reference counting, not by the cyclic collector, which at Python's defaults
(700, 10, 10) walked the young heap some hundred thousand times per large scan: 14 % of the CPU
of the 1,159-file speed tree (`benchmarks/speed.py`), with a lower peak memory when raised.
Workers forked on Linux inherit it (spawned ones elsewhere keep the defaults)."""


def main() -> None:
    """Console-script entry point."""
    gc.set_threshold(*GC_THRESHOLDS)
    cli(prog_name="secreview")
