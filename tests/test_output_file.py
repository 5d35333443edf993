"""`-o` is checked before any work and never overwrites what the run reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from secreview.cli import cli
from secreview.commands import scan as scan_command_module

VULNERABLE = "import subprocess\n\ndef run(cmd):\n    subprocess.run(cmd, shell=True)\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(VULNERABLE)
    return tmp_path


def _no_scan(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("the scan started although -o was refused")


@pytest.mark.parametrize(
    "target",
    ["app.py", "missing-folder/report.txt", "."],
    ids=["file-under-review", "missing-folder", "a-folder"],
)
def test_bad_output_is_refused_before_the_scan_starts(
    project: Path, target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scan_command_module, "scan", _no_scan)
    result = CliRunner().invoke(cli, ["scan", str(project), "-j", "1", "-o", str(project / target)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert (project / "app.py").read_text() == VULNERABLE


def test_output_onto_a_file_the_run_reads_is_refused(project: Path) -> None:
    baseline = project / "baseline.json"
    baseline.write_text('{"version": 1, "findings": []}')
    result = CliRunner().invoke(
        cli, ["scan", str(project), "-j", "1", "--baseline", str(baseline), "-o", str(baseline)]
    )
    assert result.exit_code == 2
    assert "which this run reads" in result.output
    assert baseline.read_text() == '{"version": 1, "findings": []}'


def test_review_output_onto_its_diff_is_refused(project: Path) -> None:
    diff = project / "change.diff"
    diff.write_text("--- a/app.py\n+++ b/app.py\n@@ -1 +1 @@\n-import subprocess\n+import os\n")
    result = CliRunner().invoke(
        cli, ["review", "-C", str(project), "--diff", str(diff), "-o", str(diff)]
    )
    assert result.exit_code == 2
    assert "which this run reads" in result.output


def test_report_is_written_whole_beside_nothing_else(project: Path, tmp_path: Path) -> None:
    report = project / "report.json"
    result = CliRunner().invoke(
        cli, ["scan", str(project / "app.py"), "-j", "1", "--format", "json", "-o", str(report)]
    )
    assert result.exit_code == 1
    assert json.loads(report.read_text())["findings"][0]["path"].endswith("app.py")
    assert sorted(p.name for p in project.iterdir()) == ["app.py", "report.json"]
    second = CliRunner().invoke(cli, ["scan", str(project / "app.py"), "-o", "/dev/null"])
    assert second.exit_code == 1
