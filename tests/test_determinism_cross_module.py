"""A project whose flows cross several modules gives the same bytes whatever the seed and jobs.

The cross-module pass summarises modules in worker processes over several rounds, only some of
the modules in later rounds (a worklist), each on the worker that kept its parsed tree: none of
that may show in the report. Set iteration order (the hash seed) and which process computed
what (the job count) used to leak into evidence paths; JSON and SARIF are compared whole.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

MODULES = {
    "__init__.py": "",
    "views.py": """\
from flask import Flask, request

from app import helpers
from app.models import Repository
from app.cycle_a import forward
from app.exporters import TarExporter, ZipExporter
from app.plugins import Exporter

app = Flask(__name__)
EXPORTERS = {"tar": TarExporter, "zip": ZipExporter}


@app.route("/search")
def search():
    term = request.args.get("q", "")
    other = request.form["other"]
    helpers.lookup(term, other)
    helpers.lookup(other, term)
    Repository().find(term + other)
    forward(other)
    exporter: Exporter = EXPORTERS[other]
    exporter.export(term, other)
    return helpers.render(term)
""",
    "api.py": """\
from flask import request

from .helpers import archive, lookup


def upload():
    name = request.files["f"].filename
    archive(name, request.args["dest"])
    lookup(request.headers["X-Term"], name)
""",
    "helpers.py": """\
from app.db import run_query
from app.shell import run, run_both


def lookup(term, extra):
    query = "SELECT * FROM t WHERE a = '" + term + "' AND b = '" + extra + "'"
    run_query(query)
    run_both(extra, term)


def archive(name, destination):
    run("tar czf " + destination + " " + name)


def render(text):
    return "<p>" + text + "</p>"
""",
    "db.py": """\
import sqlite3


def run_query(query):
    connection = sqlite3.connect("app.db")
    return connection.execute(query).fetchall()
""",
    "shell.py": """\
import os
import subprocess


def run(command):
    return subprocess.check_output(command, shell=True)


def run_both(first, second):
    os.system(first + " " + second)
    os.popen(second + first)
""",
    "models.py": """\
from app.db import run_query


class Repository:
    def find(self, name):
        return run_query("SELECT * FROM repo WHERE name = '" + name + "'")
""",
    "cycle_a.py": """\
from app import cycle_b


def forward(value):
    return cycle_b.back(value)


def finish(value):
    import os
    os.system(value)
""",
    "plugins.py": """\
class Exporter:
    def export(self, name, folder):
        raise NotImplementedError
""",
    "exporters.py": """\
import os
import subprocess

from app.plugins import Exporter


class TarExporter(Exporter):
    def export(self, name, folder):
        return subprocess.call("tar czf " + folder + " " + name, shell=True)


class ZipExporter(Exporter):
    def export(self, name, folder):
        os.system("zip " + name + " " + folder)
""",
    "cycle_b.py": """\
from app import cycle_a


def back(value):
    return cycle_a.finish(value + "!")
""",
}


def _project(root: Path) -> None:
    package = root / "app"
    package.mkdir()
    for name, text in MODULES.items():
        (package / name).write_text(text)


def _scan(root: Path, seed: int, jobs: int, output: str) -> subprocess.Popen[bytes]:
    """`secreview scan . --format OUTPUT -j JOBS` under `PYTHONHASHSEED=SEED`, started (from the
    folder above the package, so its modules are `app.views`, `app.helpers`, ...)."""
    command = [sys.executable, "-m", "secreview", "scan", ".", "--format", output, "--isolated"]
    return subprocess.Popen(
        [*command, "-j", str(jobs), "--no-progress"],
        cwd=root,
        env={**os.environ, "PYTHONHASHSEED": str(seed)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_json_and_sarif_are_the_same_bytes_under_two_seeds_and_both_job_counts(
    tmp_path: Path,
) -> None:
    _project(tmp_path)
    runs = [(0, 1, "json"), (3, 2, "json"), (3, 1, "json"), (0, 2, "json")]
    runs += [(0, 1, "sarif"), (3, 2, "sarif")]
    processes = [_scan(tmp_path, seed, jobs, output) for seed, jobs, output in runs]
    outputs = [process.communicate(timeout=300) for process in processes]
    for process, (_, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 1, stderr.decode()
    by_format: dict[str, set[bytes]] = {}
    for (_, _, output), (stdout, _) in zip(runs, outputs, strict=True):
        by_format.setdefault(output, set()).add(stdout)
    assert len(by_format["json"]) == 1
    assert len(by_format["sarif"]) == 1
    (report,) = by_format["json"]
    # The flows across modules were followed (not only each file's own findings).
    assert b"passed to `app.helpers.archive`" in report
    assert b"passed to `app.models.Repository.find`" in report
    assert b"inside `app.cycle_a.finish` inside `app.cycle_b.back`" in report  # third round
    assert report.count(b'"tainted-command"') >= 4
    assert b"passed to `app.plugins.Exporter.export`" in report  # its implementations, joined
