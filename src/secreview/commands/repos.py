"""`secreview scan --repos FILE`: review many checkouts in one run, one report per repository.

For an organisation's code: the list names checkouts (one path per line; blank lines and `#`
comments skipped; relative paths are relative to the list's folder). Each is reviewed as if
`secreview scan` ran at its top, with its own settings, and written to its own report in the
output folder; `summary.json` and a table on standard output say what each one gave. A
checkout that is missing, unreadable or badly configured is one error row; the others are still
reviewed. With `--engine ray` every repository's files run on the same cluster.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import click

from secreview import __version__
from secreview.commands.common import (
    EXIT_CLEAN,
    EXIT_ERROR,
    configure,
    emit,
    exit_code_for,
    fail,
    with_baseline,
)
from secreview.config import ConfigError, FileSettings, ScanConfig, load_settings
from secreview.findings import Severity
from secreview.output_file import OutputFileError, write_output
from secreview.scanner import scan

EXTENSIONS = {
    "json": "json",
    "sarif": "sarif",
    "html": "html",
    "markdown": "md",
    "junit": "xml",
    "gitlab": "json",
}
"""Report file extensions by format; any other format is text (`.txt`)."""


@dataclass(frozen=True, slots=True)
class RepositoryOutcome:
    """What one repository of the list gave: its report file, counts, or why it has none."""

    path: str
    report: str | None
    files: int = 0
    findings: dict[str, int] | None = None
    errors: int = 0
    exit_code: int = EXIT_CLEAN
    problem: str | None = None


def read_repository_list(list_file: Path) -> list[Path]:
    """The checkouts `list_file` names, in its order, relative paths taken from its folder."""
    try:
        lines = list_file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        fail(f"cannot read the repository list {list_file}: {error}")
    named = [line.strip() for line in lines]
    paths = [list_file.parent / line for line in named if line and not line.startswith("#")]
    if not paths:
        fail(f"the repository list {list_file} names no repository")
    return paths


def report_names(repositories: list[Path], extension: str) -> list[str]:
    """One file name per repository, from its folder name, numbered when two share a name."""
    seen: Counter[str] = Counter()
    names = []
    for repository in repositories:
        stem = repository.resolve().name or "repository"
        seen[stem] += 1
        suffix = "" if seen[stem] == 1 else f"-{seen[stem]}"
        names.append(f"{stem}{suffix}.{extension}")
    return names


def _settings(context: click.Context, repository: Path) -> FileSettings | str | None:
    """The repository's settings, read once; the reason as text when they cannot be read; None
    under `--isolated` (`configure` then reads none)."""
    if context.params.get("isolated"):
        return None
    try:
        return load_settings(context.params["config_path"], repository)
    except ConfigError as error:
        return str(error)


def _review_one(
    context: click.Context, repository: Path, report: Path, output_format: str, jobs: int
) -> RepositoryOutcome:
    shown = str(repository)
    if not repository.is_dir():
        return RepositoryOutcome(shown, None, exit_code=EXIT_ERROR, problem="not a folder")
    settings = _settings(context, repository)
    if isinstance(settings, str):
        return RepositoryOutcome(shown, None, exit_code=EXIT_ERROR, problem=settings)
    config: ScanConfig = configure(context, repository, settings)._replace(
        engine=context.params["engine"],
        ray_address=context.params["ray_address"],
    )
    here = Path.cwd()
    os.chdir(repository)  # paths in the report are the repository's own, as in a scan at its top
    try:
        result = with_baseline(scan(["."], config, jobs), config)
    finally:
        os.chdir(here)
    if not result.files:
        problem = "no Python file to review"
        return RepositoryOutcome(shown, None, exit_code=EXIT_ERROR, problem=problem)
    emit(result, output_format, report)
    by_severity = Counter(f.severity.label for f in result.findings if not f.is_note)
    return RepositoryOutcome(
        shown,
        str(report),
        files=result.files_scanned,
        findings={s.label: by_severity.get(s.label, 0) for s in reversed(Severity)},
        errors=len(result.errors),
        exit_code=exit_code_for(result, config, context.params["strict"]),
    )


def review_repositories(
    context: click.Context, list_file: Path, output_dir: Path, output_format: str, jobs: int
) -> int:
    """Review every repository `list_file` names; the worst exit code of them all."""
    if context.params.get("also_output"):
        raise click.UsageError("--repos writes one report per repository; drop --also-output")
    if context.params.get("llm"):  # not silently skipped: said before any work
        raise click.UsageError("--repos runs the static review only; drop --llm")
    repositories = read_repository_list(list_file)
    extension = EXTENSIONS.get(output_format, "txt")
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        fail(f"cannot create the output folder {output_dir}: {error}")
    outcomes = [
        _review_one(context, repository, output_dir / name, output_format, jobs)
        for repository, name in zip(
            repositories, report_names(repositories, extension), strict=True
        )
    ]
    summary = {
        "tool_version": __version__,
        "format": output_format,
        "repositories": [outcome_json(outcome) for outcome in outcomes],
    }
    try:
        write_output(output_dir / "summary.json", json.dumps(summary, indent=2) + "\n")
    except OutputFileError as error:
        fail(str(error))
    for line in summary_lines(outcomes):
        click.echo(line)
    return max(outcome.exit_code for outcome in outcomes)


def outcome_json(outcome: RepositoryOutcome) -> dict[str, object]:
    """One repository's row of `summary.json`."""
    return {
        "path": outcome.path,
        "report": outcome.report,
        "files": outcome.files,
        "findings": outcome.findings or {},
        "errors": outcome.errors,
        "exit_code": outcome.exit_code,
        "problem": outcome.problem,
    }


def summary_lines(outcomes: list[RepositoryOutcome]) -> list[str]:
    """The table printed after the run: one line per repository, in the list's order."""
    lines = [f"{'repository':<40} {'files':>6} {'findings':>9} {'errors':>6}  report"]
    for outcome in outcomes:
        if outcome.problem is not None:
            lines.append(f"{outcome.path:<40} not reviewed: {outcome.problem}")
            continue
        found = sum((outcome.findings or {}).values())
        lines.append(
            f"{outcome.path:<40} {outcome.files:>6} {found:>9} {outcome.errors:>6}  "
            f"{outcome.report}"
        )
    return lines
