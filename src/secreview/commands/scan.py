"""`secreview scan`: review files and folders."""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable
from pathlib import Path

import click
from rich.console import Console

from secreview.commands.common import (
    EXIT_ERROR,
    RENDERERS,
    SEVERITY_CHOICE,
    configure,
    emit,
    exit_code_for,
    output_destination,
    parse_size,
    progress_bar,
    settings_options,
    with_baseline,
)
from secreview.config import DEFAULT_FILE_MEMORY_BYTES, DEFAULT_FILE_TIMEOUT_SECONDS
from secreview.scanner import default_jobs, scan
from secreview.sources.reading import UnreadableSourceError, read_source


def _reader(max_bytes: int) -> Callable[[str], str | None]:
    """Reads a reviewed file again, as the scan read it, for the code an HTML report shows;
    None when it cannot be read any more (its findings are then shown without code)."""

    def read(path: str) -> str | None:
        try:
            return read_source(Path(path), max_bytes)
        except UnreadableSourceError:
            return None

    return read


@click.command("scan")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(RENDERERS), case_sensitive=False),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write here.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes [all cores].")
@click.option(
    "--exclude",
    multiple=True,
    metavar="GLOB",
    help="Skip files/folders matching GLOB (repeatable; added to the defaults).",
)
@click.option("--no-default-excludes", is_flag=True, help="Also enter .git, venvs, build dirs...")
@click.option(
    "--min-severity", type=SEVERITY_CHOICE, default="low", show_default=True, help="Hide below."
)
@click.option(
    "--fail-on",
    type=SEVERITY_CHOICE,
    default="low",
    show_default=True,
    help="Exit 1 when a finding at or above this severity is reported.",
)
@click.option("--include-tests", is_flag=True, help="Count findings in test code as defects.")
@click.option(
    "--max-file-size",
    default="2M",
    show_default=True,
    callback=parse_size,
    help="Larger files are reported as errors, not reviewed.",
)
@click.option("--disable", multiple=True, metavar="RULE-ID", help="Do not run this rule.")
@click.option("--strict", is_flag=True, help="Exit 2 when any file could not be reviewed.")
@click.option("--no-progress", is_flag=True, help="Never show a progress bar.")
@click.option(
    "--isolated",
    is_flag=True,
    help="Ignore every configuration file (pyproject.toml): for code whose own settings you do "
    "not trust to decide what is reviewed.",
)
@click.option(
    "--follow-symlinks", is_flag=True, help="Follow links out of the scanned folders too."
)
@click.option(
    "--file-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_FILE_TIMEOUT_SECONDS,
    show_default=True,
    metavar="SECONDS",
    help="A file still being reviewed after this long is reported as an error, not reviewed.",
)
@click.option(
    "--file-memory",
    default=f"{DEFAULT_FILE_MEMORY_BYTES // 2**20}M",
    show_default=True,
    callback=parse_size,
    metavar="SIZE",
    help="Memory a file may use to be reviewed, plus 600 bytes per byte of the file; a file "
    "needing more is reported as an error (Linux only).",
)
@settings_options
def scan_command(
    paths: tuple[str, ...],
    output_format: str,
    output: str | None,
    jobs: int | None,
    exclude: tuple[str, ...],
    no_default_excludes: bool,
    min_severity: str,
    fail_on: str,
    include_tests: bool,
    max_file_size: int,
    disable: tuple[str, ...],
    strict: bool,
    no_progress: bool,
    isolated: bool,
    follow_symlinks: bool,
    file_timeout: float,
    file_memory: int,
    config_path: Path | None,
    baseline: str | None,
    honour_nosec: bool,
    model_dirs: tuple[str, ...],
    report_unused_suppressions: bool,
) -> None:
    """Review Python files and folders (default: the current folder)."""
    roots = list(paths) or ["."]
    config = dataclasses.replace(
        configure(click.get_current_context(), Path(roots[0])),
        follow_symlinks=follow_symlinks,
        file_timeout_seconds=file_timeout,
        file_memory_bytes=file_memory,
    )
    destination = output_destination(output, roots, [config.baseline, config_path])
    errors = Console(stderr=True, soft_wrap=True, highlight=False)
    if not any(os.path.lexists(root) for root in roots):
        errors.print(f"[red]error:[/] nothing to review: {', '.join(roots)} does not exist")
        sys.exit(EXIT_ERROR)
    show_progress = not no_progress and errors.is_terminal
    if show_progress:
        with progress_bar(errors) as bar:
            task = bar.add_task("review", total=None)
            result = scan(
                roots,
                config,
                jobs or default_jobs(),
                lambda done, total: bar.update(task, completed=done, total=total),
            )
    else:
        result = scan(roots, config, jobs or default_jobs())
    result = with_baseline(result, config)
    if output_format.lower() == "html":  # the page shows the code around each finding
        from secreview.report.html.code import with_code  # only HTML runs load the template

        result = with_code(result, _reader(config.max_file_bytes))
    emit(result, output_format.lower(), destination)
    if show_progress:
        errors.print(
            f"[dim]Reviewed {result.files_scanned} files in {result.elapsed_seconds:.2f}s[/]"
        )
    sys.exit(exit_code_for(result, config.fail_on, strict))
