"""Threat models (whose data is an attacker's), and how far taint spreads, beyond the fixtures."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from secreview.analysis.taint import AnalysisContext, TaintSetup, reported_events, taint_events
from secreview.cli import cli
from secreview.config import ConfigError, ScanConfig, load_file
from secreview.pipeline import review_source

LIBRARY = textwrap.dedent(
    """
    import os, subprocess

    def render(template_name, shell_line):
        _run(shell_line)
        return open(os.path.join("/templates", template_name)).read()

    def _run(line):
        subprocess.run(line, shell=True)

    def _private(line):
        os.system(line)

    class Archive:
        def __init__(self, root):
            self.root = root

        def extract(self, member):
            os.system("tar xf " + self.root + " " + member)

        def _helper(self, member):
            os.system(member)
    """
)


def events(code: str, setup: TaintSetup, path: str = "lib.py") -> list[tuple[str, int, str]]:
    text = textwrap.dedent(code)
    context = AnalysisContext(path=path, text=text, tree=ast.parse(text), taint_setup=setup)
    return [(e.kind, e.node.lineno, e.flow.origin) for e in taint_events(context).events]  # type: ignore[attr-defined]


def reported(code: str, setup: TaintSetup) -> list[tuple[str, int, str]]:
    text = textwrap.dedent(code)
    context = AnalysisContext(path="lib.py", text=text, tree=ast.parse(text), taint_setup=setup)
    return [(e.kind, e.node.lineno, e.flow.origin) for e in reported_events(context)]  # type: ignore[attr-defined]


def test_a_routes_argument_is_one_finding_under_library_the_requests() -> None:
    """A public function's parameter that is also a route's argument reaches the sink as remote
    input and as the library caller's: one event, the remote one; a public function that is no
    view keeps its library event."""
    code = """
    import sqlite3
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/items")
    def items(q: str):
        return sqlite3.connect("app.db").execute("SELECT * FROM t WHERE n = '" + q + "'")

    def lookup(q):
        return sqlite3.connect("app.db").execute("SELECT * FROM t WHERE n = '" + q + "'")
    """
    library = TaintSetup.for_threat_model("library")
    assert reported(code, library) == [("sql", 9, "remote"), ("sql", 12, "library")]
    assert reported(code, TaintSetup.for_threat_model("web")) == [("sql", 9, "remote")]
    # what pattern rules ask of the call still sees both (`data_origin`)
    assert ("sql", 9, "library") in events(code, library)


def test_library_threat_model_reports_public_parameters_at_the_sink_inside() -> None:
    library = TaintSetup.for_threat_model("library")
    assert events(LIBRARY, library) == [
        ("path", 6, "library"),
        ("command", 9, "library"),
        ("command", 19, "library"),
    ]
    assert events(LIBRARY, TaintSetup.for_threat_model("web")) == []
    assert events(LIBRARY, library, path="pkg/_internal/lib.py") == []


def test_a_library_logging_what_it_was_handed_is_not_its_defect() -> None:
    """Under `library`, a public parameter reaching a log call is the caller's concern (the
    application decides whether request text gets there); the same parameter reaching a file
    path in the same function is still reported."""
    code = """
    import logging, os
    log = logging.getLogger(__name__)

    def load(name):
        log.info("loading %s", name)
        return open(os.path.join("/data", name)).read()
    """
    assert events(code, TaintSetup.for_threat_model("library")) == [("path", 7, "library")]
    handler = """
    import logging
    from flask import Flask, request
    app = Flask(__name__)
    log = logging.getLogger(__name__)

    @app.route("/")
    def index():
        log.info("user %s", request.args["user"])
        return "ok"
    """
    assert ("log", 9, "remote") in events(handler, TaintSetup.for_threat_model("library"))


def test_library_findings_are_medium_confidence_and_name_the_public_function() -> None:
    report = review_source(LIBRARY, "lib.py", ScanConfig(threat_model="library"))
    command = [f for f in report.findings if f.rule_id == "tainted-command"]
    assert {f.location.line for f in command} == {9, 19}
    assert {f.confidence.label for f in command} == {"medium"}
    assert "public `render()`" in command[0].evidence[0].note


def test_threat_model_is_a_configuration_key_and_an_option(tmp_path: Path) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.secreview]\nthreat-model = "all"\n', encoding="utf-8")
    assert load_file(config).threat_model == "all"
    config.write_text('[tool.secreview]\nthreat-model = "intranet"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="web, library, all"):
        load_file(config)
    script = tmp_path / "tool.py"
    script.write_text("import os, sys\nos.system('ls ' + sys.argv[1])\n", encoding="utf-8")
    runner = CliRunner()
    quiet = runner.invoke(cli, ["scan", "--isolated", "--format", "json", str(script)])
    assert "tainted-command" not in quiet.output
    loud = runner.invoke(
        cli, ["scan", "--isolated", "--threat-model", "all", "--format", "json", str(script)]
    )
    assert "tainted-command" in loud.output


def test_socket_reads_are_network_input() -> None:
    code = """
        import socket, os
        def serve(sock: socket.socket):
            conn = socket.create_connection(("example.com", 80))
            os.system(conn.recv(1024).decode())
        """
    assert events(code, TaintSetup()) == [("command", 5, "socket")]


def test_output_a_command_produced_is_low_confidence() -> None:
    code = textwrap.dedent(
        """
        import subprocess
        from flask import Flask, request
        app = Flask(__name__)
        @app.route("/ls")
        def listing():
            return subprocess.check_output(["ls", request.args["d"]])
        @app.route("/echo")
        def echo():
            return subprocess.check_output(["ls"]).decode() + request.args["d"]
        """
    )
    report = review_source(code, "app.py")
    xss = {f.location.line: f.confidence.label for f in report.findings if f.rule_id == "xss"}
    assert xss[7] == "low"
    assert xss[10] != "low"  # the request data itself is in the page too


def test_percent_formats_with_width_arguments_keep_their_taint() -> None:
    code = """
        import logging
        from flask import request
        log = logging.getLogger()
        def view():
            log.info("%*r", 5, request.args["x"])
            log.info("%(v)r", {"v": request.args["x"]})
            log.info("%r %s", request.args["x"], request.args["y"])
        """
    assert events(code, TaintSetup(), path="app.py") == [
        ("log", 6, "remote"),
        ("log", 7, "remote"),
        ("log", 8, "remote"),
    ]


OPERATOR_ONLY = """
import os
import sys

def main():
    return eval(sys.argv[1])

def configured():
    return eval(os.environ["EXPRESSION"])
"""


@pytest.mark.parametrize(
    ("threat_model", "reported"),
    [("web", []), ("all", [("code", 6, "local"), ("code", 9, "env")])],
)
def test_taint_rules_skip_the_analysis_of_a_module_that_reads_only_unreported_input(
    threat_model: str, reported: list[tuple[str, int, str]]
) -> None:
    """The analysis runs for the taint rules only where they can report a flow; a pattern rule
    asking about a call still gets it (`taint_events`), with the operator's flows in it."""
    text = textwrap.dedent(OPERATOR_ONLY)
    setup = TaintSetup.for_threat_model(threat_model)
    context = AnalysisContext(path="tool.py", text=text, tree=ast.parse(text), taint_setup=setup)
    shown = [(e.kind, e.node.lineno, e.flow.origin) for e in reported_events(context)]  # type: ignore[attr-defined]
    assert sorted(shown) == reported
    assert (context.taint is None) == (threat_model == "web")
    assert {"local", "env"} <= set().union(*taint_events(context).sinks.values())
