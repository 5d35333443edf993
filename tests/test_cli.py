"""The `secreview` command as a user runs it: exit codes, formats, options, determinism."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from secreview.analysis.rules import ALL_RULES
from secreview.cli import cli
from secreview.commands.info import rules_markdown
from secreview.report import NO_DEFECTS

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
VULNERABLE = "import os\n\ndef run(cmd):\n    return eval(cmd)\n"
CLEAN = "def add(a, b):\n    return a + b\n"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(VULNERABLE)
    (tmp_path / "util.py").write_text(CLEAN)
    return tmp_path


def test_examples_report_defects_and_a_clean_verdict() -> None:
    code, output = run("scan", str(EXAMPLES), "--no-progress", "-j", "1")
    assert code == 1
    assert "clean_module.py\n  " + NO_DEFECTS in output
    assert "CWE-95" in output and "Category: CWE-707 Improper Neutralization" in output
    assert "Checked: " in output and "weakness classes checked" in output and "Summary:" in output


def test_clean_file_says_exactly_no_defects(tmp_path: Path) -> None:
    (tmp_path / "util.py").write_text(CLEAN)
    code, output = run("scan", str(tmp_path / "util.py"), "--no-progress", "--show-checked")
    assert code == 0
    assert f"  {NO_DEFECTS}\n" in output
    assert "[not found] CWE-95" in output


def test_json_follows_the_contract(project: Path) -> None:
    code, output = run("scan", str(project), "--format", "json", "--no-progress")
    assert code == 1
    payload = json.loads(output)
    assert set(payload) == {
        "tool",
        "configuration",
        "files_scanned",
        "parse_fallbacks",
        "errors",
        "unrecoverable_regions",
        "analysis_notes",
        "checked",
        "findings",
    }
    assert payload["files_scanned"] == 2
    (finding,) = payload["findings"]
    assert set(finding) == {
        "rule_id", "cwe", "cwe_name", "pillar", "pillar_name", "severity", "confidence",
        "path", "line", "column", "end_line", "end_column", "message", "fix", "evidence",
        "fingerprint", "tags",
    }  # fmt: skip
    assert (finding["rule_id"], finding["cwe"], finding["pillar"], finding["line"]) == (
        "eval-injection",
        95,
        707,
        4,
    )
    checked = {c["cwe"]: c["found"] for c in payload["checked"]}
    assert checked[95] == 1


def test_output_is_identical_whatever_the_number_of_jobs(tmp_path: Path) -> None:
    for index in range(12):
        (tmp_path / f"m{index:02}.py").write_text(VULNERABLE if index % 3 else CLEAN)
    outputs = set()
    for jobs in ("1", "2", "3"):
        for output_format in ("json", "text", "markdown"):
            code, output = run(
                "scan", str(tmp_path), "-j", jobs, "--format", output_format, "--no-progress"
            )
            assert code == 1
            outputs.add((output_format, output))
    assert len(outputs) == 3


def test_fail_on_and_min_severity(project: Path) -> None:
    assert run("scan", str(project), "--fail-on", "critical", "--no-progress")[0] == 0
    assert run("scan", str(project), "--fail-on", "high", "--no-progress")[0] == 1
    code, output = run("scan", str(project), "--min-severity", "critical", "--no-progress")
    assert code == 0 and "eval-injection" not in output


def test_output_file_is_written_plain(project: Path, tmp_path: Path) -> None:
    target = tmp_path / "review.md"
    code, output = run("scan", str(project), "--format", "markdown", "-o", str(target))
    assert code == 1 and output == ""
    text = target.read_text()
    assert text.startswith("# Security review") and "weakness classes checked, 1 found" in text
    assert "\x1b[" not in text


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    code, output = run("scan", str(tmp_path / "nope"), "--no-progress")
    assert code == 2 and "does not exist" in output


def test_unknown_rule_in_disable_is_named(project: Path) -> None:
    code, output = run("scan", str(project), "--disable", "no-such-rule")
    assert code == 2 and "no-such-rule" in output


def test_disable_turns_a_rule_off(project: Path) -> None:
    code, output = run("scan", str(project), "--disable", "eval-injection", "--no-progress")
    assert code == 0 and "CWE-95" not in output


def test_test_code_findings_are_notes_unless_included(tmp_path: Path) -> None:
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_app.py").write_text(VULNERABLE)
    code, output = run("scan", str(tmp_path), "--no-progress")
    assert code == 0
    assert f"  {NO_DEFECTS}\n  Notes (test code" in output
    assert run("scan", str(tmp_path), "--include-tests", "--no-progress")[0] == 1


def test_default_excludes_and_extra_excludes(tmp_path: Path) -> None:
    for folder in (".venv", "node_modules", "build", ".git", "vendor"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "bad.py").write_text(VULNERABLE)
    (tmp_path / "custom_env").mkdir()
    (tmp_path / "custom_env" / "pyvenv.cfg").write_text("home = /usr\n")
    (tmp_path / "custom_env" / "bad.py").write_text(VULNERABLE)
    (tmp_path / "kept.py").write_text(CLEAN)
    code, output = run(
        "scan", str(tmp_path), "--exclude", "vendor", "--format", "json", "--no-progress"
    )
    assert code == 0 and json.loads(output)["files_scanned"] == 1


def test_python_shebang_files_are_reviewed(tmp_path: Path) -> None:
    (tmp_path / "tool").write_text("#!/usr/bin/env python3\n" + VULNERABLE)
    (tmp_path / "script.sh").write_text("#!/bin/sh\necho hi\n")
    code, output = run("scan", str(tmp_path), "--format", "json", "--no-progress")
    assert code == 1
    assert [f["path"].rsplit("/", 1)[-1] for f in json.loads(output)["findings"]] == ["tool"]


def test_rules_lists_every_rule() -> None:
    code, output = run("rules")
    assert code == 0
    for each in ALL_RULES:
        assert each.id in output and f"CWE-{each.cwe}" in output


def test_explain_rule_and_cwe() -> None:
    code, output = run("explain", "eval-injection")
    assert code == 0
    for section in ("What it does", "Why is this bad?", "Example", "Use instead", "References"):
        assert section in output
    code, output = run("explain", "CWE-95")
    assert code == 0 and "Improper Neutralization" in output and "eval-injection" in output
    assert run("explain", "CWE-999999")[0] == 2  # a usage error
    assert run("explain", "not-a-rule")[0] == 2


def test_python_dash_m_works_the_same(project: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "secreview", "scan", str(project), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1
    assert json.loads(completed.stdout)["findings"][0]["rule_id"] == "eval-injection"


def test_readme_rule_table_matches_the_rules() -> None:
    """The README lists exactly the rules that exist (scripts/update_readme_rules.py)."""
    readme = (EXAMPLES.parent / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- rules-table:start -->\n", 1)[1].split("<!-- rules-table:end -->")[0]
    assert table.strip() == rules_markdown().strip()


def test_a_real_test_suite_with_mocks_and_fixtures_comes_out_clean() -> None:
    """Mocks, fixtures, fake credentials and throwaway pickles in tests are notes, not defects."""
    suite = Path(__file__).resolve().parent / "fixtures" / "suites" / "inventory"
    code, output = run("scan", str(suite), "--format", "json", "--no-progress")
    payload = json.loads(output)
    assert code == 0
    assert payload["files_scanned"] == 4 and payload["errors"] == []
    assert all("note" in f["tags"] and "test-code" in f["tags"] for f in payload["findings"])
    assert all(c["found"] == 0 for c in payload["checked"])
    code, text = run("scan", str(suite), "--no-progress")
    assert text.count(NO_DEFECTS) == 4


def test_a_function_too_large_for_data_flow_gets_a_clear_note(tmp_path: Path) -> None:
    """Bounded time on pathological code, and the user is told what was not analysed."""
    body = "".join(f"    if v{i - 1}:\n        v{i} = v{i - 1} + 'x'\n" for i in range(1, 10_000))
    source = (
        "from flask import request\n\n"
        "def view():\n    v0 = request.args['q']\n" + body + "    return v9999\n"
    )
    (tmp_path / "huge_view.py").write_text(source)
    # The step budget is under test, not the wall clock: a loaded machine must not turn the
    # note into a per-file timeout error.
    patient = ("--no-progress", "--file-timeout", "600")
    _, output = run("scan", str(tmp_path), "--format", "json", *patient)
    notes = json.loads(output)["analysis_notes"]
    assert notes and "view" in notes[0]["message"] and "given up" in notes[0]["message"]
    _, text = run("scan", str(tmp_path), *patient)
    assert "Analysis note:" in text


def test_user_models_add_sources(tmp_path: Path) -> None:
    """`--models DIR` extends the taint models: an in-house input API becomes a source."""
    models = tmp_path / "models"
    models.mkdir()
    (models / "inhouse.toml").write_text(
        '[[source]]\norigin = "remote"\nnote = "message bus payload"\ncalls = ["bus.receive"]\n'
    )
    app = tmp_path / "app"
    app.mkdir()
    (app / "worker.py").write_text(
        "import os\nimport bus\n\ndef handle():\n"
        "    payload = bus.receive()\n    os.system('convert ' + payload)\n"
    )
    _, plain = run("scan", str(app), "--format", "json", "--no-progress")
    assert "tainted-command" not in [f["rule_id"] for f in json.loads(plain)["findings"]]
    code, output = run(
        "scan", str(app), "--models", str(models), "--format", "json", "--no-progress"
    )
    (finding,) = [f for f in json.loads(output)["findings"] if f["rule_id"] == "tainted-command"]
    assert code == 1 and finding["line"] == 6 and finding["evidence"][0]["line"] == 5
