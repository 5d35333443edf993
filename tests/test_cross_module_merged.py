"""Calls carrying data from one source to one sink inside another module's function are one
defect: reported once, at the first call, the other calls named in its evidence
(`rules._support.taint._one_defect`)."""

from __future__ import annotations

from pathlib import Path

from test_cross_module import scan_app

SETTINGS = """\
import logging

logger = logging.getLogger(__name__)
DEPRECATED = {"old"}


class Settings:
    def set(self, path, value):
        if path[0] in DEPRECATED:
            logger.warning(f"refused to write {value} to {path}")
            return
        self.values[tuple(path)] = value


def settings():
    return _instance


_instance = Settings()
"""

API = """\
from flask import Flask, request

from app.settings import settings

app = Flask(__name__)


@app.route("/settings", methods=["POST"])
def save():
    data = request.get_json()
    s = settings()
    s.set(["appearance", "name"], data["name"])
    s.set(["appearance", "color"], data["color"])
    s.set(["server", "host"], data["host"])
    s.set(["server", "port"], request.args["port"])
    return "saved"
"""


def test_calls_reaching_one_sink_inside_another_module_from_one_source_are_one_finding(
    tmp_path: Path,
) -> None:
    result = scan_app(tmp_path, {"settings": SETTINGS, "api": API})
    found = sorted(
        (f.location.line, f.evidence[-1].note)
        for f in result.findings
        if f.rule_id == "log-injection" and f.location.path.endswith("api.py")
    )
    # `request.get_json()` through three calls is one finding; `request.args` is another source.
    assert [line for line, _ in found] == [12, 15]
    assert "through the calls on lines 13, 14" in found[0][1]
