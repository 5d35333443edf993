"""Inputs the HTML report tests share: hostile sources, a cross-file finding, rendering helpers."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from secreview.cli import cli
from secreview.findings import (
    Confidence,
    EvidenceStep,
    FileReport,
    Finding,
    Location,
    ScanResult,
    Severity,
)

EXAMPLES = Path(__file__).parent.parent / "examples"

# Strings and comments that end a script, open a comment or CDATA, inject markup, and split
# lines in JavaScript: a report on this code must show them as text and run none of them.
HOSTILE_SOURCE = """\
import subprocess
from flask import Flask, request

app = Flask(__name__)


@app.route("/run")
def run():
    cmd = request.args["cmd"]  # <img src=x onerror=alert(1)>
    # </script><script>alert("comment")</script> <!-- --> ]]> <![CDATA[ x ]]>
    label = "</script><script>alert('string')</script>\u2028\u2029 --> <!--"
    subprocess.call("echo " + cmd + "</script><img src=x onerror=alert(2)>", shell=True)
    return eval("'<svg onload=alert(3)>' + " + cmd) + label
"""
HOSTILE_NAME = "<img src=x onerror=alert(4)>.py"
HOSTILE_NAMED_SOURCE = 'import os\n\n\ndef f(c):\n    os.system("<script>alert(5)</script>" + c)\n'


def write_hostile_tree(folder: Path) -> Path:
    """A folder with the hostile source and a file whose very name is markup."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "hostile.py").write_text(HOSTILE_SOURCE, encoding="utf-8")
    (folder / HOSTILE_NAME).write_text(HOSTILE_NAMED_SOURCE, encoding="utf-8")
    return folder


def scan_report(target: Path, output: Path, output_format: str = "html") -> Path:
    """`secreview scan target --format output_format -o output`, as a user runs it."""
    run = CliRunner().invoke(
        cli,
        [
            "scan",
            str(target),
            "-j",
            "1",
            "--no-progress",
            "--format",
            output_format,
            "-o",
            str(output),
        ],
        catch_exceptions=False,
    )
    assert run.exit_code in (0, 1), run.output
    return output


VIEWS = (
    "from flask import request\n\nfrom helpers import run\n\n\n"
    "def view():\n    return run(request.args['q'])\n"
)
HELPERS = (
    "import os\n\n\ndef run(command):\n    prepared = command.strip()\n"
    "    return os.system(prepared)\n"
)


def cross_file_result() -> tuple[ScanResult, dict[str, str]]:
    """A finding in helpers.py whose first step is in views.py, and a test-code note; with the
    sources a command would read."""
    finding = Finding(
        rule_id="tainted-command",
        cwe=78,
        severity=Severity.CRITICAL,
        confidence=Confidence.HIGH,
        location=Location("helpers.py", 6, 11, 6, 30),
        message="`request.args` (views.py line 7) reaches `os.system`.",
        fix="Pass an argument list without a shell.",
        evidence=(
            EvidenceStep(Location("views.py", 7), "`request.args` is HTTP request data"),
            EvidenceStep(Location("helpers.py", 5), "assigned to `prepared`"),
            EvidenceStep(Location("helpers.py", 6), "reaches `os.system`"),
        ),
    )
    note = Finding(
        rule_id="eval-injection",
        cwe=95,
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        location=Location("test_views.py", 1),
        message="`eval` runs a string as code.",
        fix="Do not evaluate strings.",
        tags=("test-code", "note"),
    )
    result = ScanResult(
        files=(
            FileReport("helpers.py", (finding,)),
            FileReport("test_views.py", (note,), is_test=True),
            FileReport("views.py"),
        ),
        checked=(),
        rule_ids=("tainted-command", "eval-injection"),
    )
    sources = {"helpers.py": HELPERS, "views.py": VIEWS, "test_views.py": "eval(input())\n"}
    return result, sources
