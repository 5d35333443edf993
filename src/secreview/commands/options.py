"""The options `scan` and `review` share, defined once so that they cannot drift apart.

Both commands take `SHARED_OPTIONS` through `shared_options`; what only one of them takes is
listed in `COMMAND_SPECIFIC` (the parity test compares the two commands minus that list).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from secreview.analysis.taint import THREAT_MODELS
from secreview.config import DEFAULT_FILE_MEMORY_BYTES, DEFAULT_FILE_TIMEOUT_SECONDS
from secreview.config.llm import ROLES, STYLES
from secreview.findings import Confidence, Severity

NEVER = "never"
SEVERITY_CHOICE = click.Choice([s.label for s in Severity], case_sensitive=False)
CONFIDENCE_CHOICE = click.Choice([c.label for c in Confidence], case_sensitive=False)
FAIL_ON_CHOICE = click.Choice([*(s.label for s in Severity), NEVER], case_sensitive=False)

COMMAND_SPECIFIC: dict[str, frozenset[str]] = {
    "scan": frozenset({"output_format", "stdin_filename"})
    | {"engine", "ray_address", "repos_file", "output_dir"},
    "review": frozenset(
        {"output_format", "diff_file", "base", "head", "commit", "staged", "commit_message"}
        | {"show_all", "in_project", "gerrit_label", "gerrit_robot_comments"}
    ),
}
"""Parameters only one command has: the formats differ (review adds gerrit and github), scan
reads standard input as a file and can run on a Ray cluster or over a list of checkouts (a
change is small), review names the change to review, whether the rest of the project is read
around it (a scan reads all it is given), and how Gerrit gets it."""

Command = TypeVar("Command", bound=Callable[..., None])


def parse_size(_ctx: click.Context, _param: click.Parameter, value: str) -> int:
    """A size such as `2M` in bytes."""
    match = re.fullmatch(r"\s*(\d+)\s*([kKmMgG]?)[bB]?\s*", value)
    if not match:
        raise click.BadParameter("use a number of bytes, optionally with K, M or G (e.g. 2M)")
    scale = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[match[2].lower()]
    return int(match[1]) * scale


def _split_commas(_ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]) -> tuple:
    """`--select a,b --select c` is (a, b, c), as in Ruff."""
    return tuple(part.strip() for item in value for part in item.split(",") if part.strip())


def _paths_argument(_ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]) -> tuple:
    if any(not path for path in value):
        raise click.BadParameter("an empty path names nothing to review", param_hint="PATHS")
    return value


LLM_OPTIONS: tuple[Callable[[Callable[..., None]], Callable[..., None]], ...] = (
    click.option(
        "--llm",
        is_flag=True,
        help="Also ask an LLM (an OpenAI-compatible server) to review and triage; the code is "
        "sent there, secrets masked. Needs `pip install 'secreview[llm]'`.",
    ),
    click.option(
        "--llm-endpoint", metavar="URL", help="Server base URL, e.g. http://127.0.0.1:8080/v1."
    ),
    click.option("--llm-model", metavar="NAME", help="Model name the server knows."),
    click.option("--llm-samples", type=click.IntRange(1, 20), help="Answers per prompt [3]."),
    click.option(
        "--llm-style",
        type=click.Choice(STYLES),
        help="Prompt style (`secreview prompt FILE` shows it) [default].",
    ),
    click.option(
        "--llm-role",
        "llm_roles",
        multiple=True,
        type=click.Choice(ROLES),
        help="Only this role (repeatable) [infer, review and triage].",
    ),
    click.option("--llm-token-budget", type=click.IntRange(min=1), help="Tokens per run [200000]."),
    click.option("--llm-offline", is_flag=True, help="Use cached answers only; send nothing."),
    click.option(
        "--llm-cache-dir",
        metavar="DIR",
        help="Answer cache folder [$SECREVIEW_LLM_CACHE_DIR, else the user cache folder].",
    ),
    click.option(
        "--llm-fail-on",
        type=SEVERITY_CHOICE,
        help="Let LLM findings at or above this severity fail the run [they never do].",
    ),
)
"""The LLM stage's options (the API key comes from the environment variable the configuration
names, never from the command line); the rest of its settings are `[tool.secreview.llm]`."""

SHARED_OPTIONS: tuple[Callable[[Callable[..., None]], Callable[..., None]], ...] = (
    click.argument(
        "paths", nargs=-1, type=click.Path(path_type=str, allow_dash=True), callback=_paths_argument
    ),
    click.option(
        "-C",
        "--directory",
        type=click.Path(file_okay=False, exists=True, path_type=Path),
        default=Path("."),
        help="Run as if started in this folder.",
    ),
    click.option(
        "-o", "--output", type=click.Path(dir_okay=False), help="Write the report to this file."
    ),
    click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes [all cores]."),
    click.option(
        "--exclude",
        multiple=True,
        metavar="PATTERN",
        help="Skip files and folders matching this gitignore-style pattern, by name or by the "
        "path shown in reports (repeatable; added to the defaults).",
    ),
    click.option("--no-default-excludes", is_flag=True, help="Also enter .git, venvs, build..."),
    click.option("--no-gitignore", is_flag=True, help="Also review what .gitignore ignores."),
    click.option(
        "--follow-symlinks", is_flag=True, help="Follow links out of the scanned folders too."
    ),
    click.option(
        "--max-file-size",
        default="2M",
        show_default=True,
        callback=parse_size,
        help="Larger files are reported as errors, not reviewed.",
    ),
    click.option(
        "--file-timeout",
        type=click.FloatRange(min=0, min_open=True),
        default=DEFAULT_FILE_TIMEOUT_SECONDS,
        show_default=True,
        metavar="SECONDS",
        help="A file whose review takes more CPU time than this (or waits without computing "
        "this long, or runs ten times this long) is reported as an error, not reviewed.",
    ),
    click.option(
        "--file-memory",
        default=f"{DEFAULT_FILE_MEMORY_BYTES // 2**20}M",
        show_default=True,
        callback=parse_size,
        metavar="SIZE",
        help="Memory a file may use to be reviewed, plus 600 bytes per byte of the file; a file "
        "needing more is reported as an error (Linux only).",
    ),
    click.option(
        "--select",
        multiple=True,
        callback=_split_commas,
        metavar="RULES",
        help="Run only these rules: rule ids, prefixes, CWE ids (CWE-78), pillars (CWE-707) or "
        "ALL; comma-separated or repeated. Replaces the configuration's `select`.",
    ),
    click.option(
        "--extend-select",
        multiple=True,
        callback=_split_commas,
        metavar="RULES",
        help="Run these rules too (same forms as --select), on top of the default or configured "
        "ones: how a rule that is off by default is turned on.",
    ),
    click.option(
        "--ignore",
        "--disable",
        "ignore",
        multiple=True,
        callback=_split_commas,
        metavar="RULES",
        help="Do not run these rules (same forms as --select); the more specific of a select and "
        "an ignore wins.",
    ),
    click.option(
        "--min-severity", type=SEVERITY_CHOICE, default="low", show_default=True, help="Hide below."
    ),
    click.option(
        "--min-confidence",
        type=CONFIDENCE_CHOICE,
        default="low",
        show_default=True,
        help="Hide findings the rule is less sure of than this (low: heuristics and program-made "
        "values; medium: values it cannot trace; high: untrusted input proven to reach the sink).",
    ),
    click.option(
        "--fail-on",
        type=FAIL_ON_CHOICE,
        default="low",
        show_default=True,
        help="Exit 1 when a (new) finding at or above this severity is reported; never: exit 0.",
    ),
    click.option(
        "--exit-zero",
        is_flag=True,
        help="Exit 0 even when findings are reported (errors still exit 2).",
    ),
    click.option("--strict", is_flag=True, help="Exit 2 when any file could not be reviewed."),
    click.option("--include-tests", is_flag=True, help="Count findings in test code as defects."),
    click.option(
        "-q",
        "--quiet",
        is_flag=True,
        help="Print nothing but the report, and no report when there is nothing to report.",
    ),
    click.option("--no-progress", is_flag=True, help="Never show a progress bar."),
    click.option(
        "--isolated",
        is_flag=True,
        help="Ignore every configuration file (pyproject.toml): for code whose own settings you "
        "do not trust to decide what is reviewed.",
    ),
    click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Read settings from this TOML file [nearest pyproject.toml's [tool.secreview]].",
    ),
    click.option(
        "--baseline",
        type=click.Path(dir_okay=False),
        help="Do not report findings recorded in this baseline file.",
    ),
    click.option(
        "--honour-nosec",
        is_flag=True,
        help="Treat Bandit's `# nosec` as a suppression (`# nosec B602`: only the rules mapped "
        "from B602; `secreview explain B602` lists them).",
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
        "--threat-model",
        type=click.Choice(list(THREAT_MODELS), case_sensitive=False),
        help="Whose data is attacker-controlled: web (the network) [default], library (also the "
        "parameters of public functions), all (also the operator's command line, input and "
        "environment).",
    ),
    click.option(
        "--cache-dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Keep each file's results here, so a re-run reviews only what changed "
        "[$SECREVIEW_CACHE_DIR, else the user cache folder].",
    ),
    click.option("--no-cache", is_flag=True, help="Review every file afresh; keep nothing."),
    click.option(
        "--report-unused-suppressions",
        is_flag=True,
        help="Report `# secreview: ignore[...]` comments that suppress nothing.",
    ),
    *LLM_OPTIONS,
)


def shared_options(command: Command) -> Command:
    """Add every shared option to `command`, in the order `--help` lists them."""
    for option in reversed(SHARED_OPTIONS):
        command = option(command)  # type: ignore[assignment]
    return command
