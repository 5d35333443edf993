"""What the side-file tests share: the ways a side file reaches a run, and how a run must fail."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from secreview.cli import cli
from secreview.sources.sidefiles import (
    MIB,
)

GOOD_DIFF = "--- a/app.py\n+++ b/app.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n"


@dataclass(frozen=True)
class Kind:
    """One way a side file reaches a run."""

    name: str
    file: str
    """Where the bad file is put, relative to the project."""
    args: tuple[str, ...]
    format: str
    """toml, json or text: what a well-formed file of this kind holds."""
    limit: int
    valid: str
    """Content that is accepted (made unreadable by the permission case)."""
    pyproject: str = ""
    """A pyproject.toml that names the file, when the repository is what names it."""
    named: str = ""
    """The path the command or configuration names, when not `file` (a models folder)."""

    @property
    def target(self) -> str:
        return self.named or self.file


SCAN = ("scan", "app.py", "--no-progress")
REVIEW = ("review", "--diff")
CONFIG_BASELINE = '[tool.secreview]\nbaseline = "baseline.json"\n'
CONFIG_MODELS = '[tool.secreview]\nmodels = ["models"]\n'
BASELINE = '{"version": 1, "findings": {}}'
KINDS = {
    kind.name: kind
    for kind in (
        Kind("config", "bad.toml", (*SCAN, "--config", "bad.toml"), "toml", MIB, ""),
        Kind("pyproject", "pyproject.toml", SCAN, "toml", MIB, "[tool.secreview]\n"),
        Kind(
            "baseline",
            "baseline.json",
            (*SCAN, "--baseline", "baseline.json"),
            "json",
            16 * MIB,
            BASELINE,
        ),
        Kind("config-baseline", "baseline.json", SCAN, "json", 16 * MIB, BASELINE, CONFIG_BASELINE),
        Kind(
            "models",
            "models/bad.toml",
            (*SCAN, "--models", "models"),
            "toml",
            MIB,
            "",
            named="models",
        ),
        Kind("config-models", "models/bad.toml", SCAN, "toml", MIB, "", CONFIG_MODELS, "models"),
        Kind("diff", "change.diff", (*REVIEW, "change.diff"), "text", 64 * MIB, GOOD_DIFF),
        Kind(
            "commit-message",
            "message.txt",
            (*REVIEW, "good.diff", "--commit-message", "message.txt"),
            "text",
            MIB,
            "Fix the thing",
        ),
    )
}


def prepare(project: Path, kind: Kind) -> Path:
    """The path where `kind`'s bad file goes, with the configuration that names it written."""
    if kind.pyproject:
        (project / "pyproject.toml").write_text(kind.pyproject)
    return project / kind.file


def invoke(*args: str) -> tuple[int, str, BaseException | None]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output, result.exception


def assert_one_clear_error(code: int, output: str, names: str) -> str:
    """Exit 2, no traceback, and exactly one error line, which names `names`; that line."""
    errors = [line for line in output.splitlines() if line.lower().startswith("error:")]
    assert code == 2, output
    assert "Traceback" not in output
    assert len(errors) == 1, output
    assert names in errors[0], errors[0]
    return errors[0]
