"""`secreview baseline create`: accept today's findings so later runs report only new ones."""

from __future__ import annotations

from pathlib import Path

import click

from secreview.commands.common import (
    fail,
    output_destination,
    with_checked_models,
)
from secreview.config import ConfigError, build_config, load_settings
from secreview.context.baseline import BaselineError, write_baseline
from secreview.scanner import default_jobs, scan


@click.group("baseline")
def baseline_group() -> None:
    """Accept today's findings, so that `scan` and `review --baseline` report only new ones."""


@baseline_group.command("create")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "-o",
    "--output",
    default=".secreview-baseline.json",
    show_default=True,
    type=click.Path(dir_okay=False, writable=True),
    help="Write the baseline here.",
)
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes [all cores].")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read settings from this TOML file [nearest pyproject.toml's [tool.secreview]].",
)
def baseline_create_command(
    paths: tuple[str, ...], output: str, jobs: int | None, config_path: Path | None
) -> None:
    """Record the findings of PATHS (default: the current folder) by fingerprint, with counts."""
    roots = list(paths) or ["."]
    output_destination(output, roots, [config_path])
    try:
        settings = load_settings(config_path, Path(roots[0]))
    except ConfigError as error:
        fail(str(error))
    result = scan(roots, with_checked_models(build_config(settings)), jobs or default_jobs())
    try:
        recorded = write_baseline(result, Path(output))
    except BaselineError as error:
        fail(str(error))
    click.echo(f"Recorded {recorded} findings in {output}.")
