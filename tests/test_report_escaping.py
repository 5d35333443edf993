"""Text and Markdown reports escape what the reviewed code and repository chose to contain."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from secreview.cli import cli
from secreview.findings import FileReport, ScanResult
from secreview.pipeline import review_source
from secreview.report.markdown import render_markdown
from secreview.report.text import render_text

# A raw ESC and a right-to-left override inside the code of the vulnerable line.
HOSTILE = 'import os\n\ndef run(cmd):\n    os.system("\x1b[2J\u202e" + cmd)\n'


@pytest.mark.parametrize("output_format", ["text", "markdown"])
def test_escape_sequences_in_quoted_code_never_reach_the_reader(
    tmp_path: Path, output_format: str
) -> None:
    (tmp_path / "app.py").write_text(HOSTILE, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["scan", str(tmp_path), "-j", "1", "--format", output_format, "--no-progress"]
    )
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\u202e" not in result.output
    assert "\\x1b[2J\\u202e" in result.output


def test_a_path_with_a_line_break_cannot_forge_report_lines() -> None:
    forged = "ok.py\n  1. CWE-0 everything is fine"
    report = review_source(HOSTILE, forged)
    result = ScanResult(files=(FileReport(path=forged, findings=report.findings),), checked=())
    for rendered in (render_text(result), render_markdown(result)):
        assert not any(line.startswith("  1. CWE-0") for line in rendered.splitlines())
        assert "ok.py\\n  1. CWE-0 everything is fine" in rendered
