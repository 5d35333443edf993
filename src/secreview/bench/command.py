"""`secreview bench CORPUS --expected CSV [--vs bandit,semgrep]`: score tools on a corpus."""

from __future__ import annotations

from pathlib import Path

import click

from secreview.analysis.rules import ALL_RULES
from secreview.bench.scoring import ExpectedResultsError, read_expected, render_table, score
from secreview.bench.tools import (
    ToolUnavailableError,
    bandit_cwes,
    case_files,
    secreview_cwes,
    semgrep_cwes,
)

COMPARABLE_TOOLS = ("bandit", "semgrep")
TAINT_RULE_IDS = frozenset(r.id for r in ALL_RULES if r.follows_data_flow)


@click.command("bench")
@click.argument(
    "corpus", type=click.Path(exists=True, file_okay=False, path_type=Path), metavar="CORPUS"
)
@click.option(
    "--expected",
    "expected_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="Expected results in the OWASP Benchmark CSV format (test name, category, "
    "real vulnerability, cwe).",
)
@click.option(
    "--vs",
    "versus",
    default="",
    help="Also score these tools when installed, comma-separated: bandit, semgrep.",
)
@click.option(
    "--semgrep-rules",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="Local Semgrep rule file or directory (Semgrep runs offline only).",
)
@click.option(
    "--rules",
    "rule_set",
    type=click.Choice(["all", "taint"]),
    default="all",
    show_default=True,
    help="Count findings of every rule, or only of the taint rules (to see the engine alone).",
)
def bench_command(
    corpus: Path, expected_path: Path, versus: str, semgrep_rules: Path | None, rule_set: str
) -> None:
    """Score secreview (and other tools) on CORPUS: per-category TPR, FPR and TPR-FPR."""
    try:
        expected = read_expected(expected_path)
    except ExpectedResultsError as error:
        raise click.UsageError(str(error)) from error
    files = case_files(corpus, expected)
    missing = sorted(set(expected) - set(files))
    if missing:
        click.echo(
            f"note: {len(missing)} labelled cases have no file under {corpus} and are scored as "
            f"not flagged (first: {missing[0]})",
            err=True,
        )
    click.echo(f"{len(files)} case files, {len(expected)} labelled cases")
    rule_ids = TAINT_RULE_IDS if rule_set == "taint" else None
    title = "secreview (taint rules only)" if rule_ids else "secreview"
    click.echo(render_table(title, score(expected, secreview_cwes(files, rule_ids))))
    tools = [t.strip() for t in versus.split(",") if t.strip()]
    for tool in tools:
        if tool not in COMPARABLE_TOOLS:
            raise click.UsageError(f"--vs knows {', '.join(COMPARABLE_TOOLS)}, not {tool!r}")
        try:
            if tool == "bandit":
                reported = bandit_cwes(corpus, files)
            else:
                reported = semgrep_cwes(corpus, files, semgrep_rules)
        except ToolUnavailableError as error:
            click.echo(f"== {tool} ==\nskipped: {error}")
            continue
        click.echo(render_table(tool, score(expected, reported)))
