"""`secreview bench CORPUS --expected CSV [--vs bandit,semgrep] [--llm ...]`: score tools on a
corpus, and secreview with and without each LLM role."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from secreview.analysis.rules import ALL_RULES
from secreview.bench.scoring import (
    Expectation,
    ExpectedResultsError,
    read_expected,
    render_table,
    score,
)
from secreview.bench.tools import (
    ToolUnavailableError,
    bandit_cwes,
    case_files,
    secreview_cwes,
    semgrep_cwes,
)
from secreview.config.llm import LlmSettings

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
@click.option(
    "--llm",
    is_flag=True,
    help="Also score secreview with each LLM role (infer, review, triage) and all of them, "
    "against --llm-endpoint: TPR/FPR, tokens and time per role.",
)
@click.option(
    "--llm-endpoint", metavar="URL", help="Server base URL, e.g. http://127.0.0.1:8080/v1."
)
@click.option("--llm-model", metavar="NAME", default="", help="Model name the server knows.")
@click.option("--llm-samples", type=click.IntRange(1, 20), default=3, help="Answers per prompt.")
@click.option("--llm-offline", is_flag=True, help="Use cached answers only; send nothing.")
@click.option(
    "--llm-cache-dir",
    metavar="DIR",
    help="Answer cache folder [$SECREVIEW_LLM_CACHE_DIR, else the user cache folder].",
)
@click.option(
    "--realvulns",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="With --llm: also score the real vulnerabilities of this folder (benchmarks/realvulns).",
)
def bench_command(
    corpus: Path,
    expected_path: Path,
    versus: str,
    semgrep_rules: Path | None,
    rule_set: str,
    **llm_options: Any,
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
    if llm_options["llm"]:
        click.echo(_llm_rows(expected, files, llm_options))


def _llm_rows(
    expected: dict[str, Expectation], files: dict[str, Path], options: dict[str, Any]
) -> str:
    """The table of secreview with and without each LLM role (`secreview.bench.llm_roles`)."""
    from secreview.bench.llm_roles import ROLE_ROWS, read_real_cases, render_rows, run_row
    from secreview.llm.client import LlmSetupError
    from secreview.scanner import default_jobs

    if not options["llm_offline"] and not options["llm_endpoint"]:
        raise click.UsageError("--llm needs --llm-endpoint URL (or --llm-offline)")
    settings = LlmSettings(
        endpoint=options["llm_endpoint"],
        model=options["llm_model"],
        samples=options["llm_samples"],
        offline=options["llm_offline"],
        cache_dir=options["llm_cache_dir"],
    )
    real = read_real_cases(options["realvulns"]) if options["realvulns"] else []
    jobs = default_jobs()
    try:
        rows = [
            run_row(role, roles, settings, expected, files, real, jobs) for role, roles in ROLE_ROWS
        ]
    except LlmSetupError as error:
        raise click.UsageError(str(error)) from None
    return render_rows(rows, settings.model)
