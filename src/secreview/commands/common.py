"""What every command shares: options, configuration, exit codes, failing, writing reports.

Exit codes: 0 nothing at or above `--fail-on`, 1 findings that are, 2 usage or fatal errors (an
internal error whatever was found; with `--strict`, files that could not be reviewed)."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import NoReturn

import click
from click.core import ParameterSource
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from secreview.analysis.models import ModelError
from secreview.analysis.patterns.rules import RULES_BY_ID
from secreview.config import ScanConfig
from secreview.config_file import ConfigError, FileSettings, build_config, load_settings
from secreview.context.baseline import BaselineError, apply_baseline, read_baseline
from secreview.findings import ScanResult, Severity
from secreview.output_file import OutputFileError, check_output, write_output
from secreview.pipeline import models_for
from secreview.report.gerrit import render_gerrit
from secreview.report.github import render_github
from secreview.report.gitlab import render_gitlab
from secreview.report.json_report import render_json
from secreview.report.markdown import render_markdown
from secreview.report.text import render_text, render_text_lines
from secreview.review.model import PRE_EXISTING_TAG

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
SEVERITY_CHOICE = click.Choice([s.label for s in Severity], case_sensitive=False)


def _render_sarif(result: ScanResult) -> str:
    from secreview.report.sarif import render_sarif  # imported lazily: only SARIF runs need it

    return render_sarif(result, [RULES_BY_ID[rule_id] for rule_id in result.rule_ids])


def _render_html(result: ScanResult) -> str:
    from secreview.report.html import render_html  # imported lazily: only HTML runs need it

    return render_html(result, [RULES_BY_ID[rule_id] for rule_id in result.rule_ids])


RENDERERS: dict[str, Callable[[ScanResult], str]] = {
    "text": render_text,
    "html": _render_html,
    "markdown": render_markdown,
    "json": render_json,
    "sarif": _render_sarif,
    "gitlab": render_gitlab,
}
REVIEW_RENDERERS: dict[str, Callable[[ScanResult], str]] = {
    **RENDERERS,
    "gerrit": render_gerrit,
    "github": render_github,
}


def parse_size(_ctx: click.Context, _param: click.Parameter, value: str) -> int:
    match = re.fullmatch(r"\s*(\d+)\s*([kKmMgG]?)[bB]?\s*", value)
    if not match:
        raise click.BadParameter("use a number of bytes, optionally with K, M or G (e.g. 2M)")
    scale = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[match[2].lower()]
    return int(match[1]) * scale


def progress_bar(console: Console) -> Progress:
    return Progress(
        TextColumn("[bold]Reviewing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def exit_code_for(result: ScanResult, fail_on: Severity, strict: bool) -> int:
    """2 on an internal error (whatever was found) or on any error under --strict; 1 when a
    counted finding reaches `fail_on`; else 0."""
    if result.internal_errors or (strict and result.errors):
        return EXIT_ERROR
    if any(
        f.severity >= fail_on and not f.is_note and PRE_EXISTING_TAG not in f.tags
        for f in result.findings
    ):
        return EXIT_FINDINGS
    return EXIT_CLEAN


def fail(message: str) -> NoReturn:
    """Say what is wrong on stderr, in one sentence, and exit 2."""
    Console(stderr=True, soft_wrap=True, highlight=False).print(
        f"[red]error:[/] {escape(message)}", markup=True
    )
    sys.exit(EXIT_ERROR)


def settings_options(command: Callable[..., None]) -> Callable[..., None]:
    """Options `scan` and `review` share: configuration file, baseline and suppressions."""
    for option in reversed(
        (
            click.option(
                "--config",
                "config_path",
                type=click.Path(dir_okay=False, path_type=Path),
                help="Read settings from this TOML file [nearest pyproject.toml's "
                "[tool.secreview]].",
            ),
            click.option(
                "--baseline",
                type=click.Path(dir_okay=False),
                help="Do not report findings recorded in this baseline file.",
            ),
            click.option(
                "--honour-nosec", is_flag=True, help="Treat Bandit's `# nosec` as a suppression."
            ),
            click.option(
                "--models",
                "model_dirs",
                multiple=True,
                type=click.Path(exists=True, file_okay=False),
                metavar="DIR",
                help="Also load taint models (sources, sinks, sanitisers) from DIR/*.toml.",
            ),
            click.option(
                "--report-unused-suppressions",
                is_flag=True,
                help="Report `# secreview: ignore[...]` comments that suppress nothing.",
            ),
        )
    ):
        command = option(command)
    return command


def given(context: click.Context, name: str) -> bool:
    """Whether the user set option `name` (so it wins over the configuration file)."""
    source = context.get_parameter_source(name)
    return source not in (None, ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP)


def configure(
    context: click.Context, start: Path, settings: FileSettings | None = None
) -> ScanConfig:
    """The ScanConfig of this run: the configuration file (or `settings` already read),
    overridden by the command line."""
    options = context.params
    unknown = sorted(set(options["disable"]) - set(RULES_BY_ID))
    if unknown:
        raise click.BadParameter(
            f"unknown rule id(s): {', '.join(unknown)}; `secreview rules` lists them",
            param_hint="--disable",
        )
    if settings is None and options.get("isolated"):
        if options["config_path"] is not None:
            raise click.UsageError("--isolated ignores every configuration file; drop --config")
        settings = FileSettings()
    if settings is None:
        try:
            settings = load_settings(options["config_path"], start)
        except ConfigError as error:
            fail(str(error))
    config = build_config(
        settings,
        excludes=options["exclude"],
        default_excludes=not options["no_default_excludes"],
        max_file_bytes=options["max_file_size"],
        include_tests=options["include_tests"],
        min_severity=Severity.parse(options["min_severity"])
        if given(context, "min_severity")
        else None,
        fail_on=Severity.parse(options["fail_on"]) if given(context, "fail_on") else None,
        disabled_rules=frozenset(options["disable"]),
        baseline=options["baseline"],
        honour_nosec=options["honour_nosec"],
        report_unused_suppressions=options["report_unused_suppressions"],
        model_dirs=tuple(options["model_dirs"]),
    )
    return with_checked_models(config)


def with_checked_models(config: ScanConfig) -> ScanConfig:
    """`config`, once the user's taint models load: a bad model file is one error before any
    work (the built-in models, used when there are none, are checked by the tests)."""
    try:
        if config.model_dirs:
            models_for(config.model_dirs)
    except ModelError as error:
        fail(str(error))
    return config


def with_baseline(result: ScanResult, config: ScanConfig) -> ScanResult:
    """`result` without the findings of the configured baseline (if any)."""
    if not config.baseline:
        return result
    try:
        return apply_baseline(result, read_baseline(Path(config.baseline)))
    except BaselineError as error:
        fail(str(error))


def output_destination(
    output: str | None, reviewed: Sequence[str | Path], inputs: Sequence[str | Path | None]
) -> Path | None:
    """The checked `-o` destination (None: standard output), or exit 2 before any work starts."""
    if output is None:
        return None
    try:
        return check_output(output, reviewed=reviewed, inputs=[i for i in inputs if i])
    except OutputFileError as error:
        fail(str(error))


def emit(
    result: ScanResult,
    output_format: str,
    destination: Path | None,
    renderers: Mapping[str, Callable[[ScanResult], str]] = RENDERERS,
) -> None:
    """Write the rendering to `destination`, or to stdout (in colour when it is a terminal)."""
    if destination is not None:
        try:
            write_output(destination, renderers[output_format](result))
        except OutputFileError as error:
            fail(str(error))
        return
    console = Console(soft_wrap=True, highlight=False)
    if output_format == "text" and console.is_terminal:
        for line in render_text_lines(result):
            console.print(line)
        return
    sys.stdout.write(renderers[output_format](result))
    sys.stdout.flush()
