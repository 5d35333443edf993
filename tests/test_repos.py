"""`secreview scan --repos FILE`: one report per checkout, a summary, and the worst exit code."""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner

from secreview.cli import cli


def _checkout(root: Path, name: str, source: str) -> Path:
    checkout = root / name
    (checkout / "pkg").mkdir(parents=True)
    (checkout / "pkg" / "main.py").write_text(source)
    return checkout


def _run(cwd: Path, *args: str) -> tuple[int, str]:
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(cli, ["scan", "--no-progress", *args])
    finally:
        os.chdir(previous)
    return result.exit_code, result.output


def test_each_repository_gets_its_own_report_and_a_row_in_the_summary(tmp_path: Path) -> None:
    _checkout(tmp_path, "service", "import os\nos.system('ls ' + input())\n")
    _checkout(tmp_path, "clean", "print('hello')\n")
    (tmp_path / "other").mkdir()
    _checkout(tmp_path / "other", "service", "import yaml\nyaml.load(open('f'))\n")
    listing = tmp_path / "repos.txt"
    listing.write_text("# the organisation\nservice\n\nclean\nother/service\nmissing\n")

    code, output = _run(tmp_path, "--repos", "repos.txt", "--format", "json", "--output-dir", "out")

    assert code == 2  # one checkout is missing: an error, and the others were still reviewed
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    rows = summary["repositories"]
    assert [Path(row["path"]).name for row in rows] == ["service", "clean", "service", "missing"]
    assert [Path(row["report"]).name if row["report"] else None for row in rows] == [
        "service.json",
        "clean.json",
        "service-2.json",
        None,
    ]
    assert [row["exit_code"] for row in rows] == [1, 0, 1, 2]
    assert rows[3]["problem"] == "not a folder"
    first = json.loads((tmp_path / "out" / "service.json").read_text())
    assert [f["path"] for f in first["findings"]] == ["pkg/main.py"]  # the checkout's own paths
    assert first["findings"][0]["rule_id"] == "shell-command-injection"
    second = json.loads((tmp_path / "out" / "service-2.json").read_text())
    assert second["findings"][0]["rule_id"] == "unsafe-yaml-load"
    assert "not reviewed: not a folder" in output


def test_a_badly_configured_checkout_is_one_error_row(tmp_path: Path) -> None:
    broken = _checkout(tmp_path, "broken", "print(1)\n")
    (broken / "pyproject.toml").write_text("[tool.secreview]\nno-such-key = 1\n")
    _checkout(tmp_path, "fine", "print(2)\n")
    (tmp_path / "repos.txt").write_text("broken\nfine\n")

    code, output = _run(tmp_path, "--repos", "repos.txt", "--output-dir", "out")

    assert code == 2
    rows = json.loads((tmp_path / "out" / "summary.json").read_text())["repositories"]
    assert rows[0]["report"] is None and "no-such-key" in rows[0]["problem"]
    assert rows[1]["exit_code"] == 0 and Path(rows[1]["report"]).name == "fine.txt"
    assert "not reviewed" in output and "no-such-key" in output


def test_repos_with_paths_or_the_llm_stage_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "repos.txt").write_text("x\n")
    code, output = _run(tmp_path, "--repos", "repos.txt", ".")
    assert code == 2
    assert "drop the PATHS" in output
    code, output = _run(tmp_path, "--repos", "repos.txt", "--llm")
    assert code == 2
    assert "drop --llm" in output
    assert not (tmp_path / "secreview-reports").exists()
