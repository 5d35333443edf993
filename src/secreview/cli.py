"""The `secreview` command: scan, rules, explain (and the commands other stages register).

Exit codes: 0 nothing at or above `--fail-on`, 1 findings that are, 2 usage or fatal errors
(and, with `--strict`, files that could not be reviewed).
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import os
import re
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import NoReturn

import click
from click.core import ParameterSource
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from secreview import __version__
from secreview.analysis.models import ModelError
from secreview.analysis.patterns.rules import ALL_RULES, RULES_BY_ID
from secreview.bench.command import bench_command
from secreview.config import DEFAULT_FILE_MEMORY_BYTES, DEFAULT_FILE_TIMEOUT_SECONDS, ScanConfig
from secreview.config_file import ConfigError, FileSettings, build_config, load_settings
from secreview.context.baseline import BaselineError, apply_baseline, read_baseline, write_baseline
from secreview.cwe import UnknownCWEError, lookup
from secreview.findings import ScanResult, Severity
from secreview.output_file import OutputFileError, check_output, write_output
from secreview.pipeline import models_for
from secreview.report.gerrit import render_gerrit
from secreview.report.github import render_github
from secreview.report.gitlab import render_gitlab
from secreview.report.json_report import render_json
from secreview.report.markdown import render_markdown
from secreview.report.text import render_text, render_text_lines
from secreview.review.changes import Change, from_diff
from secreview.review.configuration import review_settings
from secreview.review.git_changes import from_git
from secreview.review.model import PRE_EXISTING_TAG
from secreview.review.run import review_change
from secreview.scanner import default_jobs, scan
from secreview.sources import git
from secreview.sources.diff import DiffError
from secreview.sources.reading import UnreadableSourceError
from secreview.sources.sidefiles import (
    MIB,
    SideFileError,
    read_side_file,
    read_side_stream,
    read_side_text,
    shown,
)

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
DIFF_MAX_BYTES = 64 * MIB
MESSAGE_MAX_BYTES = 1 * MIB
SEVERITY_CHOICE = click.Choice([s.label for s in Severity], case_sensitive=False)


def _render_sarif(result: ScanResult) -> str:
    from secreview.report.sarif import render_sarif  # imported lazily: only SARIF runs need it

    return render_sarif(result, [RULES_BY_ID[rule_id] for rule_id in result.rule_ids])


RENDERERS: dict[str, Callable[[ScanResult], str]] = {
    "text": render_text,
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


def _parse_size(_ctx: click.Context, _param: click.Parameter, value: str) -> int:
    match = re.fullmatch(r"\s*(\d+)\s*([kKmMgG]?)[bB]?\s*", value)
    if not match:
        raise click.BadParameter("use a number of bytes, optionally with K, M or G (e.g. 2M)")
    scale = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[match[2].lower()]
    return int(match[1]) * scale


def _progress_bar(console: Console) -> Progress:
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


def _fail(message: str) -> NoReturn:
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


def _given(context: click.Context, name: str) -> bool:
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
    if settings is None:
        try:
            settings = load_settings(options["config_path"], start)
        except ConfigError as error:
            _fail(str(error))
    config = build_config(
        settings,
        excludes=options["exclude"],
        default_excludes=not options["no_default_excludes"],
        max_file_bytes=options["max_file_size"],
        include_tests=options["include_tests"],
        min_severity=Severity.parse(options["min_severity"])
        if _given(context, "min_severity")
        else None,
        fail_on=Severity.parse(options["fail_on"]) if _given(context, "fail_on") else None,
        disabled_rules=frozenset(options["disable"]),
        baseline=options["baseline"],
        honour_nosec=options["honour_nosec"],
        report_unused_suppressions=options["report_unused_suppressions"],
        model_dirs=tuple(options["model_dirs"]),
    )
    return _with_checked_models(config)


def _with_checked_models(config: ScanConfig) -> ScanConfig:
    """`config`, once the user's taint models load: a bad model file is one error before any
    work (the built-in models, used when there are none, are checked by the tests)."""
    try:
        if config.model_dirs:
            models_for(config.model_dirs)
    except ModelError as error:
        _fail(str(error))
    return config


def with_baseline(result: ScanResult, config: ScanConfig) -> ScanResult:
    """`result` without the findings of the configured baseline (if any)."""
    if not config.baseline:
        return result
    try:
        return apply_baseline(result, read_baseline(Path(config.baseline)))
    except BaselineError as error:
        _fail(str(error))


@cli.command("scan")
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
    callback=_parse_size,
    help="Larger files are reported as errors, not reviewed.",
)
@click.option("--disable", multiple=True, metavar="RULE-ID", help="Do not run this rule.")
@click.option("--strict", is_flag=True, help="Exit 2 when any file could not be reviewed.")
@click.option("--no-progress", is_flag=True, help="Never show a progress bar.")
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
    callback=_parse_size,
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
        with _progress_bar(errors) as bar:
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
    _emit(result, output_format.lower(), destination)
    if show_progress:
        errors.print(
            f"[dim]Reviewed {result.files_scanned} files in {result.elapsed_seconds:.2f}s[/]"
        )
    sys.exit(exit_code_for(result, config.fail_on, strict))


def output_destination(
    output: str | None, reviewed: Sequence[str | Path], inputs: Sequence[str | Path | None]
) -> Path | None:
    """The checked `-o` destination (None: standard output), or exit 2 before any work starts."""
    if output is None:
        return None
    try:
        return check_output(output, reviewed=reviewed, inputs=[i for i in inputs if i])
    except OutputFileError as error:
        _fail(str(error))


def _emit(
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
            _fail(str(error))
        return
    console = Console(soft_wrap=True, highlight=False)
    if output_format == "text" and console.is_terminal:
        for line in render_text_lines(result):
            console.print(line)
        return
    sys.stdout.write(renderers[output_format](result))
    sys.stdout.flush()


def rules_markdown() -> str:
    """The rule list as a Markdown table (the README embeds exactly this)."""
    lines = ["| rule | CWE | severity | reports |", "| --- | --- | --- | --- |"]
    for r in ALL_RULES:
        summary = r.summary.replace("|", "\\|")
        lines.append(f"| `{r.id}` | CWE-{r.cwe} | {r.severity.label} | {summary} |")
    return "\n".join(lines)


@cli.command("rules")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text"
)
def rules_command(output_format: str) -> None:
    """List every rule: id, CWE, severity and what it reports."""
    if output_format == "markdown":
        click.echo(rules_markdown())
        return
    if output_format == "json":
        import json

        payload = [
            {
                "id": r.id,
                "cwe": r.cwe,
                "cwe_name": lookup(r.cwe).name,
                "severity": r.severity.label,
                "confidence": r.confidence.label,
                "summary": r.summary,
            }
            for r in ALL_RULES
        ]
        click.echo(json.dumps(payload, indent=2))
        return
    width = max(len(r.id) for r in ALL_RULES)
    click.echo(f"{'RULE':<{width}}  {'CWE':<9} {'SEVERITY':<9} SUMMARY")
    for r in ALL_RULES:
        click.echo(f"{r.id:<{width}}  {'CWE-' + str(r.cwe):<9} {r.severity.label:<9} {r.summary}")


@cli.command("explain")
@click.argument("topic")
def explain_command(topic: str) -> None:
    """Document a rule (RULE-ID) or a weakness (CWE-N): what, why, example, fix, references."""
    cwe_match = re.fullmatch(r"(?i)(?:cwe-?)?(\d+)", topic.strip())
    if topic in RULES_BY_ID:
        click.echo(explain_rule(topic))
    elif cwe_match:
        try:
            click.echo(explain_cwe(int(cwe_match[1])))
        except UnknownCWEError as error:
            raise click.ClickException(str(error.args[0])) from None
    else:
        raise click.ClickException(
            f"{topic!r} is neither a rule id nor a CWE id; `secreview rules` lists the rules"
        )


def explain_rule(rule_id: str) -> str:
    """The five documentation sections of a rule, with its CWE and pillar."""
    rule = RULES_BY_ID[rule_id]
    weakness = lookup(rule.cwe)
    pillar = lookup(weakness.pillar)
    example = "\n".join("    " + line for line in rule.doc.example.splitlines())
    use_instead = "\n".join("    " + line for line in rule.doc.use_instead.splitlines())
    references = "\n".join(f"  - {ref}" for ref in rule.doc.references)
    return (
        f"{rule.id}: {rule.name}\n"
        f"CWE-{weakness.cwe} {weakness.name}\n"
        f"Category: CWE-{pillar.cwe} {pillar.name}\n"
        f"Default severity: {rule.severity.label}, confidence: {rule.confidence.label}"
        f"{'; also reported in test code' if rule.applies_in_tests else ''}\n\n"
        f"What it does\n  {rule.doc.what_it_does}\n\n"
        f"Why is this bad?\n  {rule.doc.why_bad}\n\n"
        f"Example\n{example}\n\n"
        f"Use instead\n{use_instead}\n\n"
        f"Fix\n  {rule.fix}\n\n"
        f"References\n{references}"
    )


def explain_cwe(cwe: int) -> str:
    """A weakness' official name, its pillar, and the rules that report it."""
    weakness = lookup(cwe)
    pillar = lookup(weakness.pillar)
    reporting = [r for r in ALL_RULES if r.cwe == cwe]
    lines = [f"CWE-{weakness.cwe} {weakness.name}"]
    if weakness.pillar == weakness.cwe:
        lines.append("This is a CWE-1000 pillar.")
    else:
        lines.append(f"Category: CWE-{pillar.cwe} {pillar.name}")
    lines.append(f"https://cwe.mitre.org/data/definitions/{cwe}.html")
    if reporting:
        lines.append("Reported by:")
        lines.extend(f"  - {r.id} ({r.severity.label}): {r.summary}" for r in reporting)
    else:
        lines.append("No secreview rule reports this weakness yet.")
    return "\n".join(lines)


def _shared_scan_options(command: Callable[..., None]) -> Callable[..., None]:
    """The file, rule and severity options `review` takes with the same meaning as in `scan`."""
    for option in reversed(
        (
            click.option("--exclude", multiple=True, metavar="GLOB", help="Skip matching files."),
            click.option("--no-default-excludes", is_flag=True, help="Also review build dirs..."),
            click.option("--min-severity", type=SEVERITY_CHOICE, default="low", help="Hide below."),
            click.option(
                "--fail-on",
                type=SEVERITY_CHOICE,
                default="low",
                show_default=True,
                help="Exit 1 when a new finding at or above this severity is reported.",
            ),
            click.option("--include-tests", is_flag=True, help="Count test-code findings."),
            click.option(
                "--max-file-size",
                default="2M",
                show_default=True,
                callback=_parse_size,
                help="Larger files are reported as errors, not reviewed.",
            ),
            click.option("--disable", multiple=True, metavar="RULE-ID", help="Skip this rule."),
            click.option(
                "--strict", is_flag=True, help="Exit 2 when a file could not be reviewed."
            ),
        )
    ):
        command = option(command)
    return command


def _message_from(value: str) -> str:
    """`--commit-message` is a file's text when it names an existing path other than a folder
    (a pipe or device there is an error, never read), else the text itself."""
    if not os.path.exists(value) or os.path.isdir(value):
        return value
    try:
        return read_side_text(
            value, what="commit message file", max_bytes=MESSAGE_MAX_BYTES
        ).rstrip()
    except SideFileError as error:
        _fail(str(error))


def _change_to_review(
    repository: git.Repository | None,
    folder: Path,
    diff_file: str | None,
    base: str | None,
    head: str | None,
    commit: str | None,
    staged: bool,
    max_bytes: int,
) -> tuple[Change, str | None, git.Revision | None]:
    """What to review, the commit message git has for it (None for uncommitted work), and the
    revision whose configuration governs the review (None without git)."""
    if diff_file is not None:
        if head or commit or staged:
            raise click.UsageError("--diff cannot be combined with --head, --commit or --staged")
        if base and repository is None:
            raise click.UsageError("--base needs a git repository; run inside one or use -C")
        text = _read_diff(diff_file)
        label = "the diff on standard input" if diff_file == "-" else diff_file
        base_revision = repository.resolve(base) if base and repository else None
        change = from_diff(
            text,
            label,
            repository.root if repository else folder,
            base=base_revision,
            repository=repository,
            max_bytes=max_bytes,
        )
        governing = base_revision or (repository.head_or_empty_tree() if repository else None)
        return change, None, governing
    if repository is None:
        raise click.UsageError(f"{folder.resolve()} is not in a git repository; give --diff FILE")
    if commit:
        if base or head or staged:
            raise click.UsageError("--commit cannot be combined with --base, --head or --staged")
        commit_revision = repository.resolve(commit)
        head_revision: git.Revision | None = commit_revision
        base_revision = repository.parent_of(commit_revision)
    else:
        if head and staged:
            raise click.UsageError("--staged reviews the index; it cannot be combined with --head")
        head_revision = repository.resolve(head) if head else None
        if base:
            against = head_revision or repository.resolve("HEAD")
            base_revision = repository.merge_base(repository.resolve(base), against)
        elif staged:
            base_revision = repository.head_or_empty_tree()  # what the commit being made adds
        else:
            base_revision = repository.default_base(head_revision)
    change = from_git(repository, base_revision, head_revision, staged=staged, max_bytes=max_bytes)
    message = repository.commit_message(head_revision) if head_revision else None
    return change, message, base_revision


def _read_diff(path: str) -> str:
    """The diff in the file at `path`, or on standard input for '-'."""
    try:
        if path == "-":
            data = read_side_stream(
                sys.stdin.buffer,
                shown_as="standard input",
                what="diff",
                max_bytes=DIFF_MAX_BYTES,
            )
        else:
            data = read_side_file(path, what="diff", max_bytes=DIFF_MAX_BYTES)
    except SideFileError as error:
        _fail(str(error))
    return data.decode("utf-8", errors="surrogateescape")


@cli.command("review")
@click.option(
    "--diff",
    "diff_file",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Review this unified diff ('-' for standard input) instead of asking git.",
)
@click.option("--base", help="Compare with this revision [merge-base with the default branch].")
@click.option("--head", help="Review this revision [the working tree, staged and unstaged].")
@click.option("--commit", help="Review this one commit against its parent.")
@click.option("--staged", is_flag=True, help="Review the index (what `git commit` would record).")
@click.option(
    "--commit-message",
    metavar="TEXT|FILE",
    help="The change's description, recorded in the review [the commit's own message].",
)
@click.option("--all", "show_all", is_flag=True, help="Also show pre-existing findings (tagged).")
@click.option(
    "-C",
    "--directory",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=Path("."),
    help="Run as if started in this folder.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(REVIEW_RENDERERS), case_sensitive=False),
    default="text",
    show_default=True,
    help="Output format (gerrit, github, gitlab: ready for those review systems' APIs).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write here.")
@_shared_scan_options
@settings_options
def review_command(
    diff_file: str | None,
    base: str | None,
    head: str | None,
    commit: str | None,
    staged: bool,
    commit_message: str | None,
    show_all: bool,
    directory: Path,
    output_format: str,
    output: str | None,
    strict: bool,
    **_options: object,
) -> None:
    """Review a change: report what it introduces and what it resolves.

    Each changed Python file is reviewed whole, before and after the change; a finding is new
    when its fingerprint (which holds no line number) occurs more often after than before, so
    moved and renamed code does not look new. Nothing is checked out or run.
    """
    context = click.get_current_context()
    max_bytes = context.params["max_file_size"]
    read_files = [diff_file if diff_file != "-" else None]
    destination = output_destination(
        output,
        [directory],
        [*read_files, context.params["config_path"], context.params["baseline"]],
    )
    with tempfile.TemporaryDirectory(prefix="secreview-base-") as scratch:
        try:
            with git.Repository.open(directory) or contextlib.nullcontext() as repository:
                change, own_message, governing = _change_to_review(
                    repository, directory, diff_file, base, head, commit, staged, max_bytes
                )
                settings, configuration = review_settings(
                    repository, governing, context.params["config_path"], directory, Path(scratch)
                )
        except (git.GitError, ConfigError) as error:
            _fail(str(error))
        except DiffError as error:  # named after the diff file, as every side-file error is
            if diff_file is None:
                _fail(str(error))
            _fail(f"{'standard input' if diff_file == '-' else shown(diff_file)}: {error}")
        except UnreadableSourceError as error:
            _fail(f"a changed file {error}")
        config = configure(context, directory, settings)
        message = _message_from(commit_message) if commit_message else own_message
        result = review_change(
            change, config, show_all=show_all, commit_message=message, configuration=configuration
        )
        result = with_baseline(result, config)
    _emit(result, output_format.lower(), destination, REVIEW_RENDERERS)
    sys.exit(exit_code_for(result, config.fail_on, strict))


@cli.group("baseline")
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
        _fail(str(error))
    result = scan(roots, _with_checked_models(build_config(settings)), jobs or default_jobs())
    try:
        recorded = write_baseline(result, Path(output))
    except BaselineError as error:
        _fail(str(error))
    click.echo(f"Recorded {recorded} findings in {output}.")


cli.add_command(bench_command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="secreview")
