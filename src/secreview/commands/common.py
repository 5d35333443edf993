"""What every command shares: options, configuration, exit codes, failing, writing reports.

Exit codes: 0 nothing at or above `--fail-on`, 1 findings that are, 2 usage or fatal errors (an
internal error whatever was found; with `--strict`, files that could not be reviewed)."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import NoReturn

import click
from click.core import ParameterSource

from secreview.analysis.models import ModelError
from secreview.analysis.rules import RULES_BY_ID
from secreview.commands.options import NEVER
from secreview.config import (
    CommandLine,
    ConfigError,
    FileSettings,
    ScanConfig,
    build_config,
    load_settings,
)
from secreview.config.selection import SelectorError, check_selector
from secreview.findings import PRE_EXISTING_TAG, Confidence, Finding, ScanResult, Severity
from secreview.output_file import OutputFileError, check_output, write_output
from secreview.pipeline import models_for
from secreview.report.options import RenderOptions, with_render_options

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _render_sarif(result: ScanResult) -> str:
    from secreview.report.sarif import render_sarif  # imported lazily: only SARIF runs need it

    return render_sarif(result, [RULES_BY_ID[rule_id] for rule_id in result.rule_ids])


def _render_html(result: ScanResult) -> str:
    from secreview.report.html import render_html  # imported lazily: only HTML runs need it

    return render_html(result, [RULES_BY_ID[rule_id] for rule_id in result.rule_ids])


def _imported_on_use(module: str, function: str) -> Callable[[ScanResult], str]:
    """The renderer `secreview.report.<module>.<function>`, imported on its first call.

    A run writes one or two formats; importing the others (Markdown pulls a Markdown parser)
    would cost every run, a one-file pre-commit scan included, for nothing.
    """

    def render(result: ScanResult) -> str:
        renderer: Callable[[ScanResult], str] = getattr(
            importlib.import_module(f"secreview.report.{module}"), function
        )
        return renderer(result)

    return render


RENDERERS: dict[str, Callable[[ScanResult], str]] = {
    "text": _imported_on_use("text", "render_text"),
    "html": _render_html,
    "markdown": _imported_on_use("markdown", "render_markdown"),
    "json": _imported_on_use("json_report", "render_json"),
    "sarif": _render_sarif,
    "gitlab": _imported_on_use("gitlab", "render_gitlab"),
    "concise": _imported_on_use("concise", "render_concise"),
    "junit": _imported_on_use("junit", "render_junit"),
}
REVIEW_RENDERERS: dict[str, Callable[[ScanResult], str]] = {
    **RENDERERS,
    "gerrit": _imported_on_use("gerrit", "render_gerrit"),
    "github": _imported_on_use("github", "render_github"),
}


def exit_code_for(result: ScanResult, config: ScanConfig, strict: bool) -> int:
    """2 on an internal error (whatever was found) or on any error under --strict; 1 when a
    counted finding reaches `fail_on` (never with --exit-zero or --fail-on never); else 0."""
    fail_on = config.fail_on
    if result.internal_errors or (strict and result.errors):
        return EXIT_ERROR
    if config.fail_on_findings and any(
        f.severity >= fail_on
        and not f.is_note
        and PRE_EXISTING_TAG not in f.tags
        and _may_fail(f, config)
        for f in result.findings
    ):
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _may_fail(finding: Finding, config: ScanConfig) -> bool:
    """An LLM's own finding fails the run only at or above `--llm-fail-on` (never without it)."""
    if finding.llm is None or finding.llm.source != "llm":
        return True
    return config.llm.fail_on is not None and finding.severity >= config.llm.fail_on


def fail(message: str) -> NoReturn:
    """Say what is wrong on stderr, in one sentence, and exit 2."""
    from rich.console import Console  # rich is loaded only to say something (start-up time)
    from rich.markup import escape

    Console(stderr=True, soft_wrap=True, highlight=False).print(
        f"[red]error:[/] {escape(message)}", markup=True
    )
    sys.exit(EXIT_ERROR)


def report_options(command: Callable[..., None]) -> Callable[..., None]:
    """Options about what the reports hold and where else they go (`scan` and `review`)."""
    for option in reversed(
        (
            click.option(
                "--show-checked",
                is_flag=True,
                help="List every weakness class checked [one line: how many, how many found].",
            ),
            click.option(
                "--also-output",
                "also_output",
                multiple=True,
                metavar="FORMAT=FILE",
                callback=_parse_also_output,
                help="Also write this run's result in FORMAT to FILE (repeatable): one review, "
                "every report.",
            ),
        )
    ):
        command = option(command)
    return command


def gerrit_options(command: Callable[..., None]) -> Callable[..., None]:
    """What the `gerrit` format of `review` posts: the kind of comment, and a vote."""
    command = click.option(
        "--gerrit-label",
        metavar="LABEL",
        help="gerrit: vote -1 on LABEL when a new finding reaches --fail-on, else 0.",
    )(command)
    return click.option(
        "--gerrit-robot-comments",
        is_flag=True,
        help="gerrit: deprecated robot comments instead of comments with fix suggestions.",
    )(command)


def _parse_also_output(
    context: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> tuple[tuple[str, str], ...]:
    """FORMAT=FILE pairs, each FORMAT one the command renders."""
    known = REVIEW_RENDERERS if context.info_name == "review" else RENDERERS
    pairs = []
    for value in values:
        output_format, separator, path = value.partition("=")
        if not separator or not path or output_format.lower() not in known:
            raise click.BadParameter(
                f"{value!r}: use FORMAT=FILE with FORMAT one of {', '.join(sorted(known))}"
            )
        pairs.append((output_format.lower(), path))
    return tuple(pairs)


def given(context: click.Context, name: str) -> bool:
    """Whether the user set option `name` (so it wins over the configuration file)."""
    source = context.get_parameter_source(name)
    return source not in (None, ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP)


def _selectors(option: str, values: Sequence[str], any_weakness: bool) -> tuple[str, ...]:
    try:
        return tuple(check_selector(value, any_weakness=any_weakness) for value in values)
    except SelectorError as error:
        raise click.BadParameter(str(error), param_hint=option) from None


def command_line(context: click.Context) -> CommandLine:
    """What the shared options of `scan` and `review` set, for `build_config`."""
    options = context.params
    fail_on = options["fail_on"].lower() if given(context, "fail_on") else None
    return CommandLine(
        excludes=tuple(options["exclude"]),
        default_excludes=not options["no_default_excludes"],
        gitignore=False if options["no_gitignore"] else None,
        max_file_bytes=options["max_file_size"],
        include_tests=options["include_tests"],
        min_severity=Severity.parse(options["min_severity"])
        if given(context, "min_severity")
        else None,
        min_confidence=Confidence[options["min_confidence"].upper()]
        if given(context, "min_confidence")
        else None,
        fail_on=Severity.parse(fail_on) if fail_on and fail_on != NEVER else None,
        fail_never=options["exit_zero"] or fail_on == NEVER,
        select=_selectors("--select", options["select"], bool(options.get("llm"))),
        extend_select=_selectors(
            "--extend-select", options["extend_select"], bool(options.get("llm"))
        ),
        ignore=_selectors("--ignore", options["ignore"], bool(options.get("llm"))),
        baseline=options["baseline"],
        honour_nosec=options["honour_nosec"],
        report_unused_suppressions=options["report_unused_suppressions"],
        model_dirs=tuple(options["model_dirs"]),
        threat_model=options["threat_model"],
        llm=llm_options(options),
    )


def llm_options(options: Mapping[str, object]) -> dict[str, object]:
    """The LlmSettings fields the `--llm*` options set (only `--llm` turns the stage on)."""
    given_values = {
        "enabled": options.get("llm") or None,
        "endpoint": options.get("llm_endpoint"),
        "model": options.get("llm_model"),
        "samples": options.get("llm_samples"),
        "style": options.get("llm_style"),
        "roles": tuple(sorted(options.get("llm_roles") or ())) or None,  # type: ignore[call-overload]
        "token_budget": options.get("llm_token_budget"),
        "offline": options.get("llm_offline") or None,
        "cache_dir": options.get("llm_cache_dir"),
        "fail_on": Severity.parse(str(options["llm_fail_on"]))
        if options.get("llm_fail_on")
        else None,
    }
    return {name: value for name, value in given_values.items() if value is not None}


def configure(
    context: click.Context, start: Path, settings: FileSettings | None = None
) -> ScanConfig:
    """The ScanConfig of this run: the configuration file (or `settings` already read),
    overridden by the command line."""
    options = context.params
    cli_options = command_line(context)
    if settings is None and options.get("isolated"):
        if options["config_path"] is not None:
            raise click.UsageError("--isolated ignores every configuration file; drop --config")
        settings = FileSettings()
    if settings is None:
        try:
            settings = load_settings(options["config_path"], start)
        except ConfigError as error:
            fail(str(error))
    if options.get("config_path") is None:  # the reviewed tree's own settings, or none
        llm = settings.llm.from_reviewed_tree()
        settings = settings._replace(llm=llm, cache_dir=None)
    config = build_config(settings, cli_options)._replace(
        follow_symlinks=options["follow_symlinks"],
        file_timeout_seconds=options["file_timeout"],
        file_memory_bytes=options["file_memory"],
        cache_dir=cache_folder(options, settings),
    )
    return with_checked_models(config)


def cache_folder(options: Mapping[str, object], settings: FileSettings) -> str | None:
    """Where this run keeps results (None: nowhere): `--no-cache`, else `--cache-dir`, else
    `$SECREVIEW_CACHE_DIR`, else the `--config` file's `cache-dir`, else the user cache folder.
    The environment wins over the file as in Ruff, so a test or CI job can always redirect it."""
    if options.get("no_cache"):
        return None
    from secreview.cache.store import ENVIRONMENT_VARIABLE, default_cache_dir  # only when used

    chosen = options.get("cache_dir") or os.environ.get(ENVIRONMENT_VARIABLE)
    return str(chosen or settings.cache_dir or default_cache_dir())


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
    from secreview.context.baseline import BaselineError, apply_baseline, read_baseline

    try:
        return apply_baseline(result, read_baseline(Path(config.baseline)))
    except BaselineError as error:
        fail(str(error))


def output_destination(
    output: str | None, reviewed: Sequence[str | Path], inputs: Sequence[str | Path | None]
) -> Path | None:
    """The checked `-o` destination (None: standard output), or exit 2 before any work starts."""
    context = click.get_current_context(silent=True)
    extra = context.params.get("also_output", ()) if context is not None else ()
    try:
        for _format, path in extra:
            check_output(path, reviewed=reviewed, inputs=[i for i in inputs if i])
        if output is None:
            return None
        return check_output(output, reviewed=reviewed, inputs=[i for i in inputs if i])
    except OutputFileError as error:
        fail(str(error))


def wants_html(output_format: str) -> bool:
    """Whether this run renders HTML (as its format or an `--also-output`): only then are the
    reviewed files' lines read again for the page to show."""
    context = click.get_current_context(silent=True)
    extra = context.params.get("also_output", ()) if context else ()
    return "html" in {output_format.lower(), *(each for each, _path in extra)}


def _with_options_of_this_run(result: ScanResult) -> ScanResult:
    """`result` carrying the command line's render options (none outside a command)."""
    context = click.get_current_context(silent=True)
    if context is None:
        return result
    params = context.params
    options = RenderOptions(
        show_checked=bool(params.get("show_checked")),
        gerrit_robot_comments=bool(params.get("gerrit_robot_comments")),
        gerrit_label=params.get("gerrit_label"),
    )
    return with_render_options(result, options)


def emit(
    result: ScanResult,
    output_format: str,
    destination: Path | None,
    renderers: Mapping[str, Callable[[ScanResult], str]] = RENDERERS,
    *,
    quiet: bool = False,
) -> None:
    """Write the rendering to `destination`, or to stdout (in colour when it is a terminal),
    and every `--also-output` rendering of the same result to its file; with `quiet`, nothing
    to stdout when there is nothing to report."""
    result = _with_options_of_this_run(result)
    context = click.get_current_context(silent=True)
    for extra_format, path in context.params.get("also_output", ()) if context else ():
        try:
            write_output(Path(path), renderers[extra_format](result))
        except OutputFileError as error:
            fail(str(error))
    if destination is not None:
        try:
            write_output(destination, renderers[output_format](result))
        except OutputFileError as error:
            fail(str(error))
        return
    if quiet and not result.findings and not result.errors:
        return
    from rich.console import Console  # loaded only for standard output (start-up time)

    from secreview.report.text import render_text_lines

    console = Console(soft_wrap=True, highlight=False)
    if output_format == "text" and console.is_terminal:
        for line in render_text_lines(result):
            console.print(line)
        return
    sys.stdout.write(renderers[output_format](result))
    sys.stdout.flush()
