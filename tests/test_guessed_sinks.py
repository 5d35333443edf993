"""Sinks guessed from the name of a project function the scan could not read.

A call to a helper of the project itself (imported relatively, or from the package of the
module under review) whose module is not in the scan is reported, when the helper's name says it
works on files, runs a command or runs SQL, at low confidence with evidence saying so. When the
helper's module is scanned, its summary decides and nothing is guessed; when it is scanned but
too many imports away for the summary rounds to follow, nothing is guessed either.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from secreview.analysis.taint.guessed_sinks import guessed_kind
from secreview.config import ScanConfig
from secreview.findings import Confidence
from secreview.pipeline import review_source
from secreview.scanner import scan

VIEWS = """\
from flask import Flask, request

from . import store

app = Flask(__name__)


@app.route("/rows")
def rows():
    return str(store.execute_sql("SELECT * FROM t WHERE k = '%s'" % request.args["k"]))
"""
SAFE_STORE = """\
import sqlite3


def execute_sql(statement):
    return len(statement)
"""
UNSAFE_STORE = """\
import sqlite3


def execute_sql(statement):
    return sqlite3.connect("db").execute(statement).fetchall()
"""


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("pkg.fsutil.rename", "path"),
        ("pkg.utils.read_file", "path"),
        ("pkg.utils.removeDirectory", "path"),
        ("pkg.utils.run_command", "command"),
        ("pkg.processutils.execute", "command"),
        ("pkg.db.execute_sql", "sql"),
        ("pkg.db.execute", "sql"),
        ("pkg.utils.run_query", "sql"),
        ("pkg.utils.format_title", None),
        ("pkg.utils.execute", None),
        ("pkg.db.fetch_rows", None),
        ("pkg.files.get_file_path", None),
    ],
)
def test_a_name_says_the_sink_only_plainly(name: str, kind: str | None) -> None:
    assert guessed_kind(name) == kind


def test_a_helper_outside_the_scan_is_a_low_confidence_guess_saying_so() -> None:
    report = review_source(VIEWS, "app/views.py", module="app.views")
    (finding,) = [f for f in report.findings if f.rule_id == "tainted-sql"]
    assert finding.confidence is Confidence.LOW
    assert finding.location.line == 10
    assert "`app.store.execute_sql` was not scanned" in finding.evidence[-1].note


def test_a_library_function_is_never_guessed() -> None:
    text = VIEWS.replace("from . import store", "import store")
    report = review_source(text, "app/views.py", module="app.views")
    assert not [f for f in report.findings if f.rule_id == "tainted-sql"]


@pytest.mark.parametrize(("store", "reported"), [(SAFE_STORE, False), (UNSAFE_STORE, True)])
def test_a_scanned_helper_is_decided_by_its_summary(
    tmp_path: Path, store: str, reported: bool
) -> None:
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "views.py").write_text(VIEWS)
    (package / "store.py").write_text(store)
    result = scan([str(tmp_path)], ScanConfig(), jobs=1)
    found = [f for f in result.findings if f.rule_id == "tainted-sql"]
    assert bool(found) == reported
    assert all(f.confidence is not Confidence.LOW for f in found)


CHAIN = {
    "views.py": "from flask import Flask, request\n\nfrom . import settings\n\n"
    'app = Flask(__name__)\n\n\n@app.route("/options", methods=["POST"])\n'
    "def options():\n    settings.save(request.get_json())\n    return 'ok'\n",
    "settings.py": "from . import storage\n\n\ndef save(data):\n    storage.store(data)\n",
    "storage.py": "from . import files\n\n\ndef store(data):\n"
    '    files.write_yaml_file("/var/lib/app/options.yaml", data)\n',
    "files.py": "import yaml\n\n\ndef write_yaml_file(path, data):\n"
    '    with open(path, "w") as handle:\n        yaml.safe_dump(data, handle)\n',
}
"""A view handing the request's data three imports away: `files` is past the modules the rounds
summarise, yet it is in the scan."""


@pytest.mark.parametrize(("scanned", "reported"), [(True, False), (False, True)])
def test_a_scanned_helper_past_the_summarised_modules_is_no_guess(
    tmp_path: Path, scanned: bool, reported: bool
) -> None:
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name, text in CHAIN.items():
        if scanned or name != "files.py":
            (package / name).write_text(text)
    result = scan([str(tmp_path)], ScanConfig(), jobs=1)
    found = [f for f in result.findings if f.rule_id == "path-traversal"]
    assert bool(found) == reported
    assert all(f.confidence is Confidence.LOW for f in found)
