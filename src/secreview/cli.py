"""The `secreview` command: scan, rules, explain (and the commands other stages register).

Exit codes: 0 nothing at or above `--fail-on`, 1 findings that are, 2 usage or fatal errors
(and, with `--strict`, files that could not be reviewed).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from secreview import __version__
from secreview.analysis.patterns.rules import ALL_RULES, RULES_BY_ID
from secreview.config import DEFAULT_EXCLUDES, ScanConfig
from secreview.cwe import UnknownCWEError, lookup
from secreview.findings import ScanResult, Severity
from secreview.report.json_report import render_json
from secreview.report.markdown import render_markdown
from secreview.report.text import render_text, render_text_lines
from secreview.scanner import default_jobs, scan

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
SEVERITY_CHOICE = click.Choice([s.label for s in Severity], case_sensitive=False)


def _render_sarif(result: ScanResult) -> str:
    from secreview.report.sarif import render_sarif  # imported lazily: only SARIF runs need it

    return render_sarif(result, [RULES_BY_ID[rule_id] for rule_id in result.rule_ids])


RENDERERS: dict[str, Callable[[ScanResult], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
    "sarif": _render_sarif,
}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
    """1 when a counted finding reaches `fail_on`; 2 on errors under --strict; else 0."""
    if strict and result.errors:
        return EXIT_ERROR
    if any(f.severity >= fail_on and not f.is_note for f in result.findings):
        return EXIT_FINDINGS
    return EXIT_CLEAN


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
) -> None:
    """Review Python files and folders (default: the current folder)."""
    unknown = sorted(set(disable) - set(RULES_BY_ID))
    if unknown:
        raise click.BadParameter(
            f"unknown rule id(s): {', '.join(unknown)}; `secreview rules` lists them",
            param_hint="--disable",
        )
    config = ScanConfig(
        excludes=(() if no_default_excludes else DEFAULT_EXCLUDES) + exclude,
        max_file_bytes=max_file_size,
        include_tests=include_tests,
        min_severity=Severity.parse(min_severity),
        disabled_rules=frozenset(disable),
    )
    roots = list(paths) or ["."]
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
    _emit(result, output_format.lower(), output)
    if show_progress:
        errors.print(
            f"[dim]Reviewed {result.files_scanned} files in {result.elapsed_seconds:.2f}s[/]"
        )
    sys.exit(exit_code_for(result, Severity.parse(fail_on), strict))


def _emit(result: ScanResult, output_format: str, output: str | None) -> None:
    """Write the rendering to `output`, or to stdout (in colour when it is a terminal)."""
    if output:
        Path(output).write_text(RENDERERS[output_format](result), encoding="utf-8")
        return
    console = Console(soft_wrap=True, highlight=False)
    if output_format == "text" and console.is_terminal:
        for line in render_text_lines(result):
            console.print(line)
        return
    sys.stdout.write(RENDERERS[output_format](result))
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


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="secreview")
