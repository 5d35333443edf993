"""`[tool.secreview]` settings: read, validated, overridden by the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from secreview.cli import cli
from secreview.config import ConfigError, load_settings

VULNERABLE = "import hashlib\n\n\ndef run(expression):\n    return eval(expression)\n"


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "app.py").write_text(VULNERABLE)
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "tool.py").write_text(VULNERABLE)
    return tmp_path


def write_config(project: Path, body: str) -> None:
    (project / "pyproject.toml").write_text(f"[project]\nname = 'x'\n\n[tool.secreview]\n{body}")


def scan_json(*args: str) -> tuple[int, dict[str, object]]:
    code, output = invoke("scan", *args, "--format", "json", "-j", "1")
    return code, json.loads(output)


def test_unknown_key_is_an_error_naming_it(project: Path) -> None:
    write_config(project, "exlude = ['scripts']\n")
    code, output = invoke("scan", str(project / "pkg"))
    assert code == 2
    assert "unknown key 'exlude'" in output and "pyproject.toml" in output


def test_unknown_rule_id_is_an_error(project: Path) -> None:
    write_config(project, "disable = ['no-such-rule']\n")
    with pytest.raises(ConfigError, match="no-such-rule"):
        load_settings(None, project)


def test_settings_apply_and_the_command_line_wins(project: Path) -> None:
    write_config(
        project,
        "exclude = ['scripts']\nfail-on = 'critical'\n\n[tool.secreview.severity]\n"
        "eval-injection = 'medium'\n",
    )
    code, payload = scan_json(str(project))
    assert code == 0  # medium < critical
    (finding,) = payload["findings"]  # type: ignore[misc]
    assert (finding["path"].endswith("pkg/app.py"), finding["severity"]) == (True, "medium")
    code, _ = scan_json(str(project), "--fail-on", "low")
    assert code == 1


def test_enable_and_test_paths(project: Path) -> None:
    write_config(project, "enable = ['weak-hash']\n")
    _, payload = scan_json(str(project))
    assert payload["findings"] == []
    write_config(project, "test-paths = ['*scripts/*']\n")
    _, payload = scan_json(str(project))
    tags = {f["path"].split("/")[-2]: f["tags"] for f in payload["findings"]}  # type: ignore[union-attr]
    assert tags["scripts"] == ["test-code", "note"] and tags["pkg"] == []


TRACED = (
    "import flask\n\napp = flask.Flask(__name__)\n\n\n"
    "@app.route('/run')\ndef view():\n    return eval(flask.request.args['q'])\n"
)


def test_min_confidence_hides_less_certain_findings(project: Path) -> None:
    (project / "pkg" / "view.py").write_text(TRACED)
    _, payload = scan_json(str(project / "pkg"))
    everything = {(f["rule_id"], f["confidence"]) for f in payload["findings"]}  # type: ignore[union-attr]
    assert ("eval-injection", "medium") in everything and ("tainted-code", "high") in everything
    write_config(project, "min-confidence = 'high'\n")
    _, payload = scan_json(str(project / "pkg"))
    assert {f["confidence"] for f in payload["findings"]} == {"high"}  # type: ignore[union-attr]
    _, payload = scan_json(str(project / "pkg"), "--min-confidence", "low")  # the command line wins
    assert {(f["rule_id"], f["confidence"]) for f in payload["findings"]} == everything  # type: ignore[union-attr]
    write_config(project, "min-confidence = 'certain'\n")
    code, output = invoke("scan", str(project / "pkg"))
    assert code == 2 and "min-confidence must be one of low, medium, high" in output


def test_an_explicit_config_file(project: Path, tmp_path: Path) -> None:
    config = tmp_path / "secreview.toml"
    config.write_text("include = ['*scripts/*']\n")
    _, payload = scan_json(str(project), "--config", str(config))
    assert {f["path"].split("/")[-2] for f in payload["findings"]} == {"scripts"}  # type: ignore[union-attr]
    config.write_text("fail-on = 'severe'\n")
    code, output = invoke("scan", str(project), "--config", str(config))
    assert code == 2 and "fail-on must be one of" in output


def test_a_config_error_names_the_file_line_and_nearest_key(project: Path) -> None:
    write_config(project, "select = ['CWE-78']\nexlude = ['scripts']\n")
    code, output = invoke("scan", str(project / "pkg"))
    pyproject = project / "pyproject.toml"
    assert code == 2
    assert f"{pyproject}:6: [tool.secreview] has an unknown key 'exlude'" in output
    assert "did you mean 'exclude'?" in output
    write_config(project, "\n[tool.secreview.severity]\neval-injecton = 'low'\n")
    code, output = invoke("scan", str(project / "pkg"))
    assert code == 2 and f"{pyproject}:6:" in output and "did you mean 'eval-injection'" in output
