"""Exception text a helper of another module of the project shows only under a debug flag
(`project_debug_helpers`): rated low where the response quotes it, as in a debug branch."""

from __future__ import annotations

from pathlib import Path

from secreview.config import ScanConfig
from secreview.findings import Confidence
from secreview.scanner import scan

UTILS = """\
from flask import current_app

config = current_app.config


def debug_error_message(msg):
    if getattr(config, "DEBUG", False):
        return msg
    return None


def error_message(msg, debug=False):
    if debug:
        return "debug: " + msg
    return msg
"""

VIEWS = """\
from flask import Flask, abort

from app.utils import debug_error_message, error_message

app = Flask(__name__)


@app.get("/a")
def read_a():
    try:
        return {}
    except Exception as e:
        abort(400, description=debug_error_message(str(e)))


@app.get("/b")
def read_b():
    try:
        return {}
    except Exception as e:
        abort(400, description=error_message(str(e)))
"""


def test_a_helper_of_another_module_shown_only_under_debug_rates_the_finding_low(
    tmp_path: Path,
) -> None:
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "utils.py").write_text(UTILS)
    (package / "views.py").write_text(VIEWS)
    result = scan([str(tmp_path)], ScanConfig(), jobs=1)
    rated = {
        f.location.line: f.confidence
        for report in result.files
        for f in report.findings
        if f.rule_id == "exception-details-in-response"
    }
    assert rated == {13: Confidence.LOW, 21: Confidence.HIGH}
