"""A scan names the configuration that decided what it reviewed; `--isolated` ignores it."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from secreview.cli import cli

VULNERABLE = "import subprocess\n\ndef run(cmd):\n    subprocess.run(cmd, shell=True)\n"
HIDE_EVERYTHING = '[tool.secreview]\nexclude = ["*.py"]\ndisable = ["shell-command-injection"]\n'


def _scan(folder: Path, *options: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["scan", str(folder), "-j", "1", "--no-progress", *options])
    return result.exit_code, result.output


def test_a_configuration_that_hides_code_is_named_and_isolated_ignores_it(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(VULNERABLE)
    (tmp_path / "pyproject.toml").write_text(HIDE_EVERYTHING)
    (tmp_path / "kept.pyw").write_text("x = 1\n")
    code, output = _scan(tmp_path, "--format", "json")
    payload = json.loads(output)
    assert code == 0 and payload["files_scanned"] == 1
    assert payload["configuration"].endswith("pyproject.toml")
    code, output = _scan(tmp_path)
    assert f"Configuration: {tmp_path / 'pyproject.toml'}" in output
    (tmp_path / "kept.pyw").unlink()
    code, output = _scan(tmp_path)
    assert code == 2 and "pyproject.toml" in output and "nothing was reviewed" in output
    code, output = _scan(tmp_path, "--isolated", "--format", "json")
    payload = json.loads(output)
    assert code == 1 and payload["configuration"] == "none"
    assert [f["rule_id"] for f in payload["findings"]] == ["shell-command-injection"]


def test_isolated_and_config_together_are_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(VULNERABLE)
    config = tmp_path / "settings.toml"
    config.write_text("disable = []\n")
    code, output = _scan(tmp_path, "--isolated", "--config", str(config))
    assert code == 2 and "--isolated" in output
