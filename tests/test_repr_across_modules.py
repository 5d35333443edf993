"""A helper of another module that logs a whole parameter as text (`"%s" % str(args)`) logs the
`repr` of a container its caller builds: line breaks escaped, no forged entry. A string handed
to it whole is still reported."""

from __future__ import annotations

import textwrap
from pathlib import Path

from secreview.config import ScanConfig
from secreview.scanner import scan

DATABASE = """
import logging

logger = logging.getLogger(__name__)


class DBConnection:
    def action(self, query, args=None):
        logger.error("Failed args: [%s]" % str(args))

    def match(self, query, args=None):
        return self.action(query, args)
"""
VIEWS = """
from flask import Flask, request

from app.database import DBConnection

app = Flask(__name__)


@app.route("/author")
def author():
    DBConnection().match("SELECT * FROM authors WHERE id=?", (request.args["id"],))
    return "ok"


@app.route("/book")
def book():
    DBConnection().match("SELECT * FROM books WHERE id=?", request.args["id"])
    return "ok"
"""


def test_a_container_logged_whole_in_another_module_forges_nothing(tmp_path: Path) -> None:
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "database.py").write_text(textwrap.dedent(DATABASE))
    (package / "views.py").write_text(textwrap.dedent(VIEWS))
    result = scan([str(tmp_path)], ScanConfig(), jobs=1)
    lines = {
        f.location.line
        for r in result.files
        for f in r.findings
        if f.rule_id == "log-injection" and r.path.endswith("views.py")
    }
    assert lines == {17}
