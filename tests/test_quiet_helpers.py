"""An exception handed to a helper of another module of the project that only logs it
(`project_quiet_helpers`) stays on the server: the route returning the helper's response is
not reported; a helper of that module that shows it still is."""

from __future__ import annotations

from pathlib import Path

from secreview.config import ScanConfig
from secreview.scanner import scan

RESPONSES = """\
import logging

from flask import jsonify

log = logging.getLogger(__name__)


def handle_error_and_return_response(error, message=None, db=None):
    if db is not None:
        db.session.rollback()
    log.error(error)
    return jsonify(status="error", message=message or "internal error"), 500


def error_response(error):
    return jsonify(status="error", message=str(error)), 500
"""

VIEWS = """\
from flask import Flask

from app.responses import error_response, handle_error_and_return_response

app = Flask(__name__)


@app.get("/a")
def read_a():
    try:
        return {}
    except Exception as e:
        return handle_error_and_return_response(e, message="error on read")


@app.get("/b")
def read_b():
    try:
        return {}
    except Exception as e:
        return error_response(e)
"""


def test_a_helper_of_another_module_that_only_logs_the_exception_is_not_a_leak(
    tmp_path: Path,
) -> None:
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "responses.py").write_text(RESPONSES)
    (package / "views.py").write_text(VIEWS)
    result = scan([str(tmp_path)], ScanConfig(), jobs=1)
    lines = {
        f.location.line
        for report in result.files
        for f in report.findings
        if f.rule_id == "exception-details-in-response"
    }
    assert lines == {21}
