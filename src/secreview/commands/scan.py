"""`secreview scan`: review files and folders, or one file read from standard input."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePath

import click

from secreview.commands.common import (
    RENDERERS,
    configure,
    emit,
    exit_code_for,
    fail,
    output_destination,
    report_options,
    wants_html,
    with_baseline,
)
from secreview.commands.llm_stage import llm_run, scanned_texts
from secreview.commands.options import shared_options
from secreview.commands.progress import (
    RENDERING,
    PhaseBar,
    error_console,
    phase_bar,
    wants_progress,
)
from secreview.config import ScanConfig
from secreview.distributed import ENGINES
from secreview.findings import ScanResult
from secreview.index.facts import module_name_for
from secreview.scanner import default_jobs, scan, scan_sources
from secreview.sources.discovery import SourceFile
from secreview.sources.reading import UnreadableSourceError, read_source
from secreview.sources.sidefiles import SideFileError, read_side_stream

STDIN = "-"
STDIN_SHOWN = "<stdin>"


def _scan_stdin(
    shown_as: str, config: ScanConfig, jobs: int, progress: PhaseBar | None
) -> ScanResult:
    """Review standard input as the file `shown_as`.

    The text is saved to a private temporary file so that it is reviewed like any other file:
    in a worker process, under the same time and memory budget.
    """
    try:
        data = read_side_stream(
            sys.stdin.buffer,
            shown_as="standard input",
            what="Python source",
            max_bytes=config.max_file_bytes,
        )
    except SideFileError as error:
        fail(str(error))
    module = module_name_for(PurePath(shown_as)) if shown_as != STDIN_SHOWN else ""
    with tempfile.TemporaryDirectory(prefix="secreview-stdin-") as folder:
        saved = Path(folder) / "stdin.py"
        saved.write_bytes(data)
        source = SourceFile(shown_as, saved, module)
        return scan_sources([source], [], config, jobs, progress)


def _check_roots(roots: list[str], reading_stdin: bool) -> None:
    """Exit 2 before any work when a named path does not exist: a typo must not pass as a
    review of nothing."""
    if STDIN in roots and (len(roots) > 1 or not reading_stdin):
        raise click.UsageError("'-' (standard input) cannot be combined with other paths")
    unusable = []
    for root in roots:
        if root == STDIN:
            continue
        try:
            os.lstat(root)
        except FileNotFoundError:
            fail(f"nothing to review: {root} does not exist (no such file or directory)")
        except OSError as error:  # an impossible name: an error entry, unless it is all there is
            unusable.append(f"{root} cannot be read ({error.strerror or error})")
    if unusable and len(unusable) == len(roots):
        fail(f"nothing to review: {'; '.join(unusable)}")


def _nothing_to_review(roots: list[str], config: ScanConfig) -> str:
    """Why a scan found no file at all: said as an error, never as "0 files, no defects"."""
    because = "" if config.configuration == "none" else f" (configuration: {config.configuration})"
    return (
        f"no Python file to review in {', '.join(roots)}{because}: every file is excluded or "
        "none is Python; nothing was reviewed"
    )


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
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(RENDERERS), case_sensitive=False),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--stdin-filename",
    metavar="NAME",
    help="Review standard input (path '-') as the file NAME: it is reported, matched against "
    "per-file-ignores and test paths under that name.",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="local",
    show_default=True,
    help="Where files are reviewed: worker processes here, or a Ray cluster "
    "(pip install 'secreview[ray]'); the output is the same.",
)
@click.option(
    "--ray-address",
    metavar="ADDR",
    help="With --engine ray: the cluster to use (default: start a local one with --jobs CPUs). "
    "Only the command line names it: a reviewed tree's settings never send its code anywhere.",
)
@click.option(
    "--repos",
    "repos_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Review every checkout this file lists (one path per line): one report per "
    "repository in --output-dir, and a summary.",
)
@click.option(
    "--output-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("secreview-reports"),
    show_default=True,
    help="With --repos: the folder for each repository's report and summary.json.",
)
@shared_options
@report_options
def scan_command(
    output_format: str,
    stdin_filename: str | None,
    engine: str,
    ray_address: str | None,
    repos_file: Path | None,
    output_dir: Path,
    paths: tuple[str, ...],
    directory: Path,
    output: str | None,
    jobs: int | None,
    quiet: bool,
    no_progress: bool,
    strict: bool,
    **_options: object,
) -> None:
    """Review Python files and folders (default: the current folder; '-': standard input)."""
    context = click.get_current_context()
    if directory != Path("."):
        os.chdir(directory)
    workers = jobs or default_jobs()
    with contextlib.ExitStack() as stack:
        _start_engine(stack, engine, ray_address, workers)
        if repos_file is not None:
            if paths or stdin_filename:
                raise click.UsageError("--repos names the checkouts to review; drop the PATHS")
            format_name = output_format.lower()
            from secreview.commands.repos import review_repositories  # loaded for --repos only

            sys.exit(review_repositories(context, repos_file, output_dir, format_name, workers))
        reading_stdin = paths == (STDIN,) or (not paths and stdin_filename is not None)
        roots = [STDIN] if reading_stdin else list(paths) or ["."]
        _check_roots(roots, reading_stdin)
        start = Path(stdin_filename or ".") if reading_stdin else Path(roots[0])
        config = configure(context, start)._replace(engine=engine, ray_address=ray_address)
        destination = output_destination(
            output, [] if reading_stdin else roots, [config.baseline, context.params["config_path"]]
        )
        show_progress = wants_progress(no_progress, quiet)
        errors = error_console() if show_progress else None
        texts = (lambda: ()) if reading_stdin else (lambda: scanned_texts(roots, config))
        with (
            llm_run(config, texts) as llm,
            phase_bar(errors) if errors is not None else contextlib.nullcontext() as bar,
        ):
            config = llm.config  # with the models the LLM inferred, when it did
            if reading_stdin:
                result = _scan_stdin(stdin_filename or STDIN_SHOWN, config, workers, bar)
            else:
                result = scan(roots, config, workers, bar)
            if not result.files:
                fail(_nothing_to_review(roots, config))
            result = with_baseline(result, config)
            result = llm.finish(result, _reader(config.max_file_bytes))
            if wants_html(output_format):  # the page shows the code around each finding
                from secreview.report.html.code import with_code  # only HTML loads the template

                result = with_code(result, _reader(config.max_file_bytes))
            if bar is not None:
                bar(RENDERING, 0, None)
            emit(result, output_format.lower(), destination, quiet=quiet)
        if errors is not None:
            errors.print(
                f"[dim]Reviewed {result.files_scanned} files in {result.elapsed_seconds:.2f}s[/]"
            )
        sys.exit(exit_code_for(result, config, strict))


def _start_engine(
    stack: contextlib.ExitStack, engine: str, ray_address: str | None, cpus: int
) -> None:
    """Connect to (or start) the Ray cluster for `--engine ray`, closed when `stack` is; the
    local engine needs nothing. An unusable engine is one error before any work."""
    if engine != "ray":
        if ray_address is not None:
            raise click.UsageError("--ray-address needs --engine ray")
        return
    from secreview.distributed.ray_engine import RayEngineError, ray_session  # only for Ray

    try:
        stack.enter_context(ray_session(ray_address, cpus))
    except RayEngineError as error:
        fail(str(error))
