"""Baselines hide the findings recorded today, and only those."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from secreview.cli import cli

OLD = "def run(expression):\n    return eval(expression)\n"
NEW = "\n\ndef other(command):\n    return exec(command)\n"


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(OLD)
    return tmp_path


def test_a_baseline_hides_old_findings_and_not_new_ones(project: Path) -> None:
    code, output = invoke("baseline", "create", "-o", ".secreview-baseline.json", ".")
    assert code == 0 and "Recorded 1 findings" in output
    recorded = json.loads((project / ".secreview-baseline.json").read_text())
    assert [entry["count"] for entry in recorded["findings"].values()] == [1]
    assert invoke("scan", ".", "--baseline", ".secreview-baseline.json")[0] == 0
    # An unrelated edit above the old finding, and a new defect below it.
    (project / "app.py").write_text("import os\n\n\n" + OLD + NEW)
    code, output = invoke("scan", ".", "--baseline", ".secreview-baseline.json", "--format", "json")
    payload = json.loads(output)
    assert code == 1
    assert [f["line"] for f in payload["findings"]] == [9]
    assert payload["baselined"] == 1
    code, output = invoke("scan", ".", "--baseline", ".secreview-baseline.json")
    assert "1 baselined" in output


def test_a_second_copy_of_a_baselined_defect_is_reported(project: Path) -> None:
    invoke("baseline", "create", ".")
    (project / "app.py").write_text(OLD.replace("return eval", "eval(expression)\n    return eval"))
    code, output = invoke("scan", ".", "--baseline", ".secreview-baseline.json", "--format", "json")
    assert code == 1
    assert len(json.loads(output)["findings"]) == 1


def test_a_broken_baseline_is_a_clear_error(project: Path) -> None:
    (project / "baseline.json").write_text("{}")
    code, output = invoke("scan", ".", "--baseline", "baseline.json")
    assert code == 2
    assert "is not a secreview baseline" in output
