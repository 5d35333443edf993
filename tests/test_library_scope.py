"""A sink reached through a function of another module is the method it names there."""

from __future__ import annotations

from pathlib import Path

from secreview.config import ScanConfig
from secreview.scanner import scan

HELPERS = """\
from pymongo import MongoClient

db = MongoClient().shop


def position_of(line, needle):
    return line.find(needle)


def orders_matching(query):
    return list(db.orders.find(query))
"""
VIEWS = """\
from flask import Flask, request

from . import helpers

app = Flask(__name__)


@app.route("/search", methods=["POST"])
def search():
    query = request.get_json()
    helpers.position_of("a line of text", query)
    return {"orders": helpers.orders_matching(query)}
"""


def test_a_string_find_in_another_module_is_no_mongodb_query(tmp_path: Path) -> None:
    """`line.find(needle)` inside a helper of another module is a string search; the helper
    querying a collection (`db.orders.find`) is still a query filter."""
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "helpers.py").write_text(HELPERS)
    (package / "views.py").write_text(VIEWS)
    result = scan([str(tmp_path)], ScanConfig(), jobs=1)
    nosql = [f for f in result.findings if f.rule_id == "nosql-injection"]
    assert [(Path(f.location.path).name, f.location.line) for f in nosql] == [("views.py", 12)]


def test_only_aprivate_helper_of_another_module_keeps_a_whole_path() -> None:
    """Under `library`, a path parameter handed whole to a helper of another module is judged
    in that module when the helper is public API there (`ensuredir(outdir)`: its own parameter
    is reported if it is a defect); a private helper's (`pkg._cache.open_cached`, `Store._load`)
    is kept, since no public parameter of its module reports it."""
    from secreview.analysis.taint.library_joins import private_helper

    assert not private_helper("file path")
    assert not private_helper("file path inside `sphinx.util.osutil.ensuredir`")
    assert not private_helper("file path inside `gunicorn.glogging.Logger.__init__`")
    assert private_helper("file path inside `pkg._cache.open_cached`")
    assert private_helper("file path inside `pkg.store.Store._load`")
