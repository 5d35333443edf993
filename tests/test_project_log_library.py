"""A project that logs through loguru (or another library keeping keywords apart) and never
through structlog: a logging call with keywords the standard library rejects, on a logger of no
known type, writes only the keywords its message names."""

from __future__ import annotations

from pathlib import Path

from package_files import finding_places, write_package

from secreview.config import ScanConfig
from secreview.project_log_library import with_project_log_library
from secreview.scanner import scan
from secreview.sources.discovery import discover

BASE = """
from loguru import logger


class BaseService:
    def __init__(self, name):
        self.logger = logger.bind(service=name)
"""
STRUCTLOG_SETUP = """
import structlog

structlog.configure(processors=[structlog.dev.ConsoleRenderer()])
"""
VIEWS = """
from flask import Flask, request

from app.base import BaseService

app = Flask(__name__)


class Cases(BaseService):
    def view(self, case):
        self.logger.info("Case viewed", case=case)
        self.logger.info("Case {case} viewed", case=case)
        self.logger.info("Case viewed", extra={"case": case})
        self.logger.info("Case viewed %s", case)
        self.logger.info(f"Case {case} viewed", user_id=1)


@app.route("/cases")
def cases():
    Cases("cases").view(request.args["case"])
    return "ok"
"""
NAMED_FIELD, POSITIONAL, FORMATTED = 12, 14, 15
"""Lines of `VIEWS` that forge an entry however keywords are taken: a `{}` field the keyword
fills, a `%s` argument, and an f-string message."""
BARE_KEYWORD = 11
"""The line whose only logged value is a keyword the message never names (line 13's `extra=`
is the standard library's own, left out in every project)."""


def _log_lines(root: Path) -> set[int]:
    return {line for name, line in finding_places(root, "log-injection") if name == "views.py"}


def _keywords_apart(root: Path) -> bool:
    sources, _ = discover([str(root)], ScanConfig().excludes)
    return with_project_log_library(ScanConfig(), sources).project_logs_keywords_apart


def test_a_loguru_project_writes_no_keyword_its_message_does_not_name(tmp_path: Path) -> None:
    """The logger is bound in a base class of another module: its type is not known where it
    logs, but a keyword the standard library rejects makes the call loguru's."""
    write_package(tmp_path, {"base": BASE, "views": VIEWS})
    assert _keywords_apart(tmp_path)
    assert _log_lines(tmp_path) == {NAMED_FIELD, POSITIONAL, FORMATTED}


def test_structlog_in_the_project_writes_every_keyword(tmp_path: Path) -> None:
    """structlog's console renderer prints each keyword as `key=value`: the bare keyword
    forges an entry again, whichever library the project also imports."""
    write_package(tmp_path, {"base": BASE, "views": VIEWS, "logs": STRUCTLOG_SETUP})
    assert not _keywords_apart(tmp_path)
    assert _log_lines(tmp_path) == {BARE_KEYWORD, NAMED_FIELD, POSITIONAL, FORMATTED}


def test_a_project_without_a_capturing_library_is_read_as_before(tmp_path: Path) -> None:
    """No module imports loguru, logbook or `twisted.logger`: an untyped logger is not assumed
    to be one; a loguru import only in the tests does not count either."""
    plain_base = BASE.replace("from loguru import logger", "import logging\nlogger = None")
    write_package(tmp_path, {"base": plain_base, "views": VIEWS})
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_views.py").write_text("from loguru import logger\n")
    assert not _keywords_apart(tmp_path)
    assert BARE_KEYWORD in _log_lines(tmp_path)


def test_a_logging_configuration_without_json_scans_with_every_pre_pass(tmp_path: Path) -> None:
    """A module configures logging (`basicConfig`) and none names a JSON formatter: the JSON
    pre-pass parses nothing, and asking it to finish with no answers broke the scan once
    (`zip()` of its configuring modules with no answers); only a text-only pre-pass is asked
    without candidates. The loguru project's fact still holds."""
    logs = "import logging\n\nlogging.basicConfig(level=logging.INFO)\n"
    write_package(tmp_path, {"base": BASE, "views": VIEWS, "logs": logs})
    result = scan([str(tmp_path)], ScanConfig(), jobs=1)
    assert [r.error for r in result.files] == [None] * len(result.files)
    assert _log_lines(tmp_path) == {NAMED_FIELD, POSITIONAL, FORMATTED}
