"""A project whose logging renders JSON by default: no logged value forges an entry."""

from __future__ import annotations

import textwrap
from pathlib import Path

from package_files import finding_places, write_package

from secreview.config import ScanConfig
from secreview.pipeline import review_source
from secreview.project_log_format import with_project_log_format
from secreview.sources.discovery import discover

LOGGING = """
import logging
import logging.config
import os

from pythonjsonlogger import jsonlogger

LOG_FORMAT_JSON = "json"
LOG_FORMAT = os.environ.get("LOG_FORMAT", {default})


class CustomJsonFormatter(jsonlogger.JsonFormatter):
    pass


CONFIG = {{
    "version": 1,
    "formatters": {{
        "json": {{"()": CustomJsonFormatter, "fmt": "%(asctime)s %(message)s"}},
        "text": {{"format": "%(asctime)s %(message)s"}},
    }},
    "handlers": {{
        "default": {{
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == LOG_FORMAT_JSON else "text",
        }},
        "access": {{"class": "logging.StreamHandler", "formatter": "text"}},
    }},
    "loggers": {{
        "": {{"handlers": ["default"], "level": "INFO"}},
        "uvicorn.access": {{"handlers": ["access"], "propagate": False}},
    }},
}}


def setup_logging():
    logging.config.dictConfig(CONFIG)
"""
VIEWS = """
import logging

from flask import Flask, request

from app.logs import setup_logging

setup_logging()
app = Flask(__name__)
logger = logging.getLogger(__name__)


@app.route("/login")
def login():
    logger.warning("login failed for %s", request.args["user"])
    return "no"
"""
CLI = """
import logging

logging.basicConfig(level=logging.INFO)
"""


def _log_lines(root: Path, config: ScanConfig | None = None) -> set[int]:
    found = finding_places(root, "log-injection", config)
    return {line for name, line in found if name == "views.py"}


def _logs_json(root: Path) -> bool:
    sources, _ = discover([str(root)], ScanConfig().excludes)
    return with_project_log_format(ScanConfig(), sources).project_logs_json


def test_a_json_formatter_by_default_leaves_no_forged_entry(tmp_path: Path) -> None:
    """`LOG_FORMAT` unset takes the JSON formatter; uvicorn's own access logger does not
    count (not the project's)."""
    write_package(tmp_path, {"logs": LOGGING.format(default="LOG_FORMAT_JSON"), "views": VIEWS})
    assert _logs_json(tmp_path)
    assert _log_lines(tmp_path) == set()


def test_a_json_formatter_only_as_an_option_keeps_the_finding(tmp_path: Path) -> None:
    """The program as shipped writes plain lines; the operator must choose JSON."""
    write_package(tmp_path, {"logs": LOGGING.format(default='"text"'), "views": VIEWS})
    assert not _logs_json(tmp_path)
    assert _log_lines(tmp_path) == {15}


def test_a_command_line_configuration_beside_the_web_server_does_not_decide(
    tmp_path: Path,
) -> None:
    """`basicConfig` in another package (no web framework there) does nothing once the web
    server's configuration gave the root logger a handler; `force=True` would replace it."""
    write_package(tmp_path, {"logs": LOGGING.format(default="LOG_FORMAT_JSON"), "views": VIEWS})
    (tmp_path / "app" / "cli").mkdir()
    (tmp_path / "app" / "cli" / "__init__.py").write_text(CLI)
    assert _logs_json(tmp_path)
    (tmp_path / "app" / "cli" / "__init__.py").write_text(
        CLI.replace("level=logging.INFO", "level=logging.INFO, force=True")
    )
    assert not _logs_json(tmp_path)


def test_structlog_rendering_json_leaves_the_standard_library_s_loggers_plain(
    tmp_path: Path,
) -> None:
    """`structlog.configure(processors=[..., JSONRenderer()])` renders structlog's loggers;
    `logging.getLogger(...)` still writes through the standard library's plain handlers."""
    structlog_json = """
        import structlog

        structlog.configure(processors=[structlog.processors.JSONRenderer()])
        """
    write_package(tmp_path, {"logs": structlog_json, "views": VIEWS})
    assert not _logs_json(tmp_path)
    assert _log_lines(tmp_path) == {15}


def test_a_plain_handler_on_the_root_logger_keeps_the_finding(tmp_path: Path) -> None:
    logs = LOGGING.format(default="LOG_FORMAT_JSON").replace(
        '["default"], "level"', '["default", "access"], "level"'
    )
    write_package(tmp_path, {"logs": logs, "views": VIEWS})
    assert not _logs_json(tmp_path)
    assert _log_lines(tmp_path) == {15}


def test_the_cache_reviews_the_logging_calls_again_when_the_format_changes(
    tmp_path: Path,
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    write_package(project, {"logs": LOGGING.format(default="LOG_FORMAT_JSON"), "views": VIEWS})
    config = ScanConfig(cache_dir=str(tmp_path / "cache"))
    assert _log_lines(project, config) == set()
    logs = project / "app" / "logs.py"
    logs.write_text(
        logs.read_text().replace('get("LOG_FORMAT", LOG_FORMAT_JSON)', 'get("LOG_FORMAT", "text")')
    )
    assert _log_lines(project, config) == {15}


def test_a_loguru_logger_is_not_formatted_by_the_standard_library_s_json() -> None:
    """loguru writes through its own sinks: the project's JSON `logging` configuration leaves
    its line breaks as they are, while a `logging.getLogger` call beside it is escaped."""
    source = textwrap.dedent(
        """
        import logging

        from flask import request
        from loguru import logger

        log = logging.getLogger(__name__)

        def view():
            logger.info("user {}", request.args["u"])
            log.info("user %s", request.args["u"])
        """
    )
    report = review_source(source, "app/views.py", ScanConfig(project_logs_json=True))
    assert [f.location.line for f in report.findings if f.rule_id == "log-injection"] == [10]
