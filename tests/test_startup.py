"""Start-up: `secreview scan` loads what a scan needs and nothing more; `--help` lists all.

A one-file scan from a pre-commit hook pays for every module imported at start-up, so the
subcommands, the report formats, the progress bar and the LLM code are imported on demand.
What is imported is checked in a fresh interpreter (nothing timed here: speed lives in
benchmarks/speed.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from secreview.cli import _COMMANDS, cli

NOT_FOR_A_PLAIN_SCAN = (
    "secreview.bench",
    "secreview.review.changes",
    "secreview.llm.client",
    "secreview.llm.stage",
    "secreview.report.markdown",
    "secreview.report.sarif",
    "secreview.report.html",
    "secreview.report.gerrit",
    "rich.progress",
)


def _modules_loaded_by(code: str) -> set[str]:
    """The module names `sys.modules` holds after running `code` in a fresh interpreter."""
    program = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    completed = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    return set(json.loads(completed.stdout.splitlines()[-1]))


def test_a_plain_scan_imports_no_other_command_format_or_llm_code(tmp_path: Path) -> None:
    loaded = _modules_loaded_by(
        "from secreview.cli import cli\n"
        "import sys\n"
        f"sys.argv = ['secreview', 'scan', '--no-progress', '-q', {str(tmp_path)!r}]\n"
        "try:\n    cli(prog_name='secreview')\nexcept SystemExit:\n    pass"
    )
    assert "secreview.commands.scan" in loaded
    assert "secreview.analysis.rules" in loaded
    assert not {m for m in loaded if m.startswith(NOT_FOR_A_PLAIN_SCAN)}


NOT_FOR_A_ONE_FILE_JSON_SCAN = (
    "rich",
    "tomllib",
    "secreview.report.text",
    "secreview.review.model",
    "secreview.llm.summary",
    "secreview.distributed.ray_engine",
    "secreview.sources.git.repository",
    "secreview.context.baseline",
    "pathspec",
    "difflib",
    "textwrap",
    "zipfile",
    "importlib.resources",
)
"""What a pre-commit style scan (one file, JSON to a file, no configuration file) leaves out:
the console library, TOML, the other report formats, the review and LLM types, the Ray engine,
git's object reading, the baseline, the gitignore-pattern matcher (a named file is reviewed
whatever the exclude patterns say), the "did you mean" suggestions, the dedenting of snippets of
several lines and the package-data reader that could read from a zip archive."""


def test_a_one_file_json_scan_loads_neither_rich_nor_toml_nor_review_code(tmp_path: Path) -> None:
    small = tmp_path / "small.py"
    small.write_text("import subprocess\n\n\ndef run(name):\n    subprocess.run(['ls', name])\n")
    report = tmp_path / "report.json"
    argv = ["secreview", "scan", "--no-progress", "--no-cache", "--format", "json"]
    argv += ["--output", str(report), str(small)]
    loaded = _modules_loaded_by(
        "from secreview.cli import cli\n"
        "import sys\n"
        f"sys.argv = {argv!r}\n"
        "try:\n    cli(prog_name='secreview')\nexcept SystemExit:\n    pass"
    )
    assert json.loads(report.read_text())["files_scanned"] == 1  # the scan ran
    assert "secreview.analysis.rules" in loaded
    assert not {m for m in loaded if m.startswith(NOT_FOR_A_ONE_FILE_JSON_SCAN)}


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    listed = {line.split()[0] for line in result.output.split("Commands:")[1].splitlines()[1:]}
    assert listed == set(_COMMANDS)


def test_every_command_is_loaded_under_its_own_name() -> None:
    for name in _COMMANDS:
        command = cli.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None and command.name == name


def test_an_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["no-such-command"])
    assert result.exit_code == 2
    assert "No such command" in result.output


def test_a_subcommand_is_imported_uncollected_and_its_modules_frozen() -> None:
    """What loading `scan` imported is in the permanent generation (never walked by a later
    collection, nor written by one in a forked worker), and collection is on again after."""
    program = (
        "import gc\n"
        "from secreview.cli import cli\n"
        "before = gc.get_freeze_count()\n"
        "cli.get_command(None, 'scan')\n"
        "print(before, gc.get_freeze_count(), gc.isenabled())\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    before, after, enabled = completed.stdout.split()
    assert int(before) == 0
    assert int(after) > 10_000  # the analysis: its rules, tables and the taint engine
    assert enabled == "True"
