"""Baselines hide the findings recorded today, and only those."""

from __future__ import annotations

import json
import subprocess
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


def _fingerprints(*args: str) -> list[str]:
    code, output = invoke("scan", "--format", "json", *args)
    assert code == 1, output
    return sorted(f["fingerprint"] for f in json.loads(output)["findings"])


@pytest.mark.parametrize("in_git", [True, False], ids=["git-repository", "plain-folder"])
def test_fingerprints_are_the_same_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_git: bool
) -> None:
    """A baseline recorded at the top works from a subfolder and from outside the tree: the
    fingerprint holds the repository-relative path, not the path as printed."""
    top = tmp_path / "project"
    (top / "app").mkdir(parents=True)
    (top / "app" / "views.py").write_text(OLD)
    if in_git:
        subprocess.run(["git", "init", "-q", str(top)], check=True)
    monkeypatch.chdir(top)
    at_top = _fingerprints("app")
    assert invoke("baseline", "create", "-o", str(tmp_path / "baseline.json"), "app")[0] == 0
    monkeypatch.chdir(top / "app")
    assert _fingerprints(".") == at_top
    assert invoke("scan", ".", "--baseline", str(tmp_path / "baseline.json"))[0] == 0
    monkeypatch.chdir(tmp_path)
    assert _fingerprints("project/app") == at_top
