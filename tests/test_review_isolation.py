"""`review` reviews each version of a changed file in a worker: a crash costs that file only."""

from __future__ import annotations

import faulthandler
import json
import os
import signal
from pathlib import Path

import pytest
from click.testing import CliRunner

from secreview import scanner
from secreview.cli import cli
from secreview.config import ScanConfig
from secreview.findings import FileReport

VULNERABLE = "import subprocess\n\ndef run(cmd):\n    subprocess.run(cmd, shell=True)\n"
DIFF = "--- /dev/null\n+++ b/{name}\n@@ -0,0 +1,4 @@\n" + "".join(
    f"+{line}\n" for line in VULNERABLE.splitlines()
)


def _crash_on(name: str, real: object) -> object:
    def review(text: str, path: str, config: ScanConfig) -> FileReport:
        if path.endswith(name):
            faulthandler.disable()
            os.kill(os.getpid(), signal.SIGSEGV)
        return real(text, path, config)  # type: ignore[operator]

    return review


def test_a_file_that_crashes_its_worker_is_one_internal_error_and_the_review_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    crashing = _crash_on("crash.py", scanner.review_text_guarded)
    monkeypatch.setattr(scanner, "review_text_guarded", crashing)
    diff = tmp_path / "change.diff"
    diff.write_text(DIFF.format(name="crash.py") + DIFF.format(name="fine.py"))
    result = CliRunner().invoke(
        cli, ["review", "-C", str(tmp_path), "--diff", str(diff), "--format", "json"]
    )
    assert result.exit_code == 2, result.output
    payload = json.loads(result.output)
    assert [(e["path"], e["kind"]) for e in payload["errors"]] == [("crash.py", "internal")]
    assert "SIGSEGV" in payload["errors"][0]["message"]
    assert {f["path"] for f in payload["findings"]} == {"fine.py"}


def test_a_crash_on_the_version_before_the_change_is_said_not_hidden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = "x = 1\n"

    def review(text: str, path: str, config: ScanConfig) -> FileReport:
        if text == old:
            faulthandler.disable()
            os.kill(os.getpid(), signal.SIGSEGV)
        return real(text, path, config)

    real = scanner.review_text_guarded
    monkeypatch.setattr(scanner, "review_text_guarded", review)
    (tmp_path / "app.py").write_text(old)
    diff = tmp_path / "change.diff"
    diff.write_text("--- a/app.py\n+++ b/app.py\n@@ -1 +1 @@\n-x = 1\n+x = eval(compute())\n")
    result = CliRunner().invoke(
        cli, ["review", "-C", str(tmp_path), "--diff", str(diff), "--format", "json"]
    )
    payload = json.loads(result.output)
    assert result.exit_code == 1, result.output
    (note,) = payload["analysis_notes"]
    assert "the version before the change crashed the worker process" in note["message"]
    assert "SIGSEGV" in note["message"]
    assert [f["line"] for f in payload["findings"]] == [1]
