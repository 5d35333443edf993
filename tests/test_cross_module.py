"""Cross-module taint in a scan: request data passed to a helper in another module."""

from __future__ import annotations

from pathlib import Path

import pytest
from annotated_projects import annotation_problems

from secreview.config import ScanConfig
from secreview.findings import ScanResult
from secreview.index.facts import ModuleFacts, cross_module_plan, imported_modules
from secreview.scanner import scan


def scan_app(root: Path, modules: dict[str, str]) -> ScanResult:
    """Scan a package `app` under `root` holding these modules (name -> source), one process."""
    package = root / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name, source in modules.items():
        (package / f"{name}.py").write_text(source)
    return scan([str(root)], ScanConfig(), jobs=1)


HELPERS = """\
import subprocess


def run_report(name):
    return subprocess.check_output("report " + name, shell=True)


def safe_report(name):
    return subprocess.check_output(["report", name])
"""
VIEWS = """\
from flask import Flask, request

from .helpers import run_report, safe_report

app = Flask(__name__)


@app.route("/report")
def report():
    name = request.args["name"]
    safe_report(name)
    return run_report(name)
"""


def test_a_flow_into_a_helper_module_is_reported_with_its_path(tmp_path: Path) -> None:
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "helpers.py").write_text(HELPERS)
    (package / "views.py").write_text(VIEWS)
    result = scan([str(tmp_path)], ScanConfig(), jobs=2)
    commands = [f for f in result.findings if f.rule_id == "tainted-command"]
    assert len(commands) == 1
    (finding,) = commands
    assert finding.location.path.endswith("app/views.py") and finding.location.line == 12
    assert finding.evidence[0].location.line == 10
    assert any("app/helpers.py:5" in step.note for step in finding.evidence)


def test_the_plan_only_covers_input_readers_that_import_project_modules() -> None:
    facts = [
        ModuleFacts("app.views", True, frozenset({"flask", "app.helpers"})),
        ModuleFacts("app.helpers", False, frozenset({"subprocess", "app.db"})),
        ModuleFacts("app.db", False, frozenset()),
        ModuleFacts("app.cli", True, frozenset({"sys"})),
        ModuleFacts("app.unused", False, frozenset()),
    ]
    to_summarise, to_review = cross_module_plan(facts)
    assert to_review == {"app.views"}
    assert to_summarise == {"app.views", "app.helpers", "app.db"}
    assert cross_module_plan(facts, depth=1)[0] == {"app.views", "app.helpers"}


def test_relative_imports_resolve_against_the_package() -> None:
    import ast

    tree = ast.parse("from .helpers import run\nfrom ..core import db\nimport os.path\n")
    statements = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    found = imported_modules(statements, "app.web.views")
    assert {"app.web.helpers", "app.web.helpers.run", "app.core", "app.core.db"} <= found
    assert "os.path" in found


def test_the_project_index_is_the_same_whatever_the_number_of_processes(tmp_path: Path) -> None:
    from secreview.sources.discovery import discover
    from secreview.summary_rounds import project_index

    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "helpers.py").write_text(HELPERS)
    (package / "views.py").write_text(VIEWS)
    (package / "more.py").write_text(
        "from .helpers import run_report\n\ndef twice(name):\n    return run_report(name)\n"
    )
    sources, _ = discover([str(tmp_path)], ScanConfig().excludes)
    serial, failed = project_index(sources, ScanConfig(), 1)
    assert (serial, failed) == project_index(sources, ScanConfig(), 2)
    assert failed == {}
    assert "app.more.twice" in serial.summaries  # a helper of a helper: needs a second round


FIELD_HELPERS = """\
import os


def list_root(settings):
    return os.listdir(settings.root)


def open_name(settings):
    return open(settings.name)
"""
FIELD_VIEWS = """\
from flask import Flask, request

from .fields import list_root, open_name


class Settings:
    def __init__(self, name):
        self.root = "/srv/files"
        self.name = name


app = Flask(__name__)


@app.route("/files")
def files():
    settings = Settings(request.args["name"])
    list_root(settings)
    return open_name(settings)
"""


def test_a_helper_in_another_module_is_judged_by_the_attribute_it_reads(tmp_path: Path) -> None:
    result = scan_app(tmp_path, {"fields": FIELD_HELPERS, "views": FIELD_VIEWS})
    paths = [f for f in result.findings if f.rule_id == "path-traversal"]
    assert [(f.location.path.rsplit("/", 1)[-1], f.location.line) for f in paths] == [
        ("views.py", 19)
    ]


WRAPPERS = """\
import os


class Params:
    def __init__(self, req, label="params"):
        self.r = req
        self.label = label

    def get(self, name):
        return self.r.args.get(name)

    def title(self):
        return self.label
"""
WRAPPED_VIEWS = """\
import os

from flask import Flask, request

from .wrappers import Params

app = Flask(__name__)


@app.route("/run")
def run():
    params = Params(request)
    os.system(params.title())
    quiet = Params(None)
    os.system(quiet.get("cmd"))
    os.system(params.get("cmd"))
    return "ok"
"""


def test_an_object_of_another_module_keeps_the_request_it_stores(tmp_path: Path) -> None:
    result = scan_app(tmp_path, {"wrappers": WRAPPERS, "views": WRAPPED_VIEWS})
    commands = [f for f in result.findings if f.rule_id == "tainted-command"]
    assert [(f.location.path.rsplit("/", 1)[-1], f.location.line) for f in commands] == [
        ("views.py", 16)
    ]


def test_request_data_read_inside_a_stored_object_is_named_where_it_is_read(
    tmp_path: Path,
) -> None:
    """The first evidence step names the read in the method (`self.r.args`, its file and line),
    not the call that returned it; the call stays as the next step."""
    result = scan_app(tmp_path, {"wrappers": WRAPPERS, "views": WRAPPED_VIEWS})
    (finding,) = [f for f in result.findings if f.rule_id == "tainted-command"]
    notes = [(step.location.line, step.note) for step in finding.evidence]
    assert notes == [
        (
            16,
            "`self.r.args` in `app.wrappers.Params.get` (app/wrappers.py:10) "
            "is HTTP request data (remote)",
        ),
        (16, "returned by `app.wrappers.Params.get`"),
        (16, "reaches `os.system` (shell command)"),
    ]


ALIASED_WRAPPERS = """\
class Params:
    def __init__(self, req):
        self.r = req

    def get(self, name):
        held = self.r
        return held.args.get(name)
"""


def test_a_read_through_an_alias_keeps_the_call_as_the_source(tmp_path: Path) -> None:
    """When the method does not spell the read out, no expression can be named: the call is
    still where the data entered the caller's code, so it stays the first step."""
    result = scan_app(tmp_path, {"wrappers": ALIASED_WRAPPERS, "views": WRAPPED_VIEWS})
    (finding,) = [f for f in result.findings if f.rule_id == "tainted-command"]
    assert finding.evidence[0].note == '`params.get("cmd")` is HTTP request data (remote)'


READING_HELPER = """\
from flask import request


def value():
    return request.args["q"]
"""

READING_VIEWS = """\
import os

from flask import Flask

from . import forms

app = Flask(__name__)


@app.route("/run")
def run():
    os.system("ls " + forms.value())
"""


def test_a_helper_reading_the_request_itself_is_named_with_its_own_source_step(
    tmp_path: Path,
) -> None:
    """A function of another module that reads the request itself: the first step places the
    callee's own source step (its file and line), said once, then the call that returns it."""
    result = scan_app(tmp_path, {"forms": READING_HELPER, "views": READING_VIEWS})
    (finding,) = [f for f in result.findings if f.rule_id == "tainted-command"]
    assert [(step.location.line, step.note) for step in finding.evidence] == [
        (12, "in `app.forms.value` (app/forms.py:5): `request.args` is HTTP request data (remote)"),
        (12, "returned by `app.forms.value`"),
        (12, "reaches `os.system` (shell command)"),
    ]


JOBS = """\
import os

from celery import shared_task


def convert(name):
    os.system("convert " + name)


@shared_task
def convert_task(name):
    os.system("convert " + name)


def tidy(name):
    os.system("convert " + name)
"""
QUEUE_VIEWS = """\
import threading

from flask import Flask, request

from .jobs import convert, convert_task, tidy

app = Flask(__name__)


@app.route("/convert")
def start():
    threading.Thread(target=convert, args=(request.args["name"],)).start()
    convert_task.delay(request.args["name"])
    threading.Thread(target=tidy, args=("constant",)).start()
    return "queued"
"""


def test_a_function_of_another_module_handed_to_a_thread_or_queue_is_followed(
    tmp_path: Path,
) -> None:
    """`Thread(target=f, args=...)` and `task.delay(...)` call the imported function with the
    request data; a constant argument reaches nothing."""
    result = scan_app(tmp_path, {"jobs": JOBS, "views": QUEUE_VIEWS})
    commands = sorted(
        (f.location.line, f.evidence[1].note)
        for f in result.findings
        if f.rule_id == "tainted-command"
    )
    assert [line for line, _ in commands] == [12, 13]
    assert all(note.startswith("handed to `") for _, note in commands)


@pytest.mark.parametrize("jobs", [1, 2])
def test_methods_inherited_from_another_modules_class_use_their_summaries(
    tmp_path: Path, jobs: int
) -> None:
    checked, problems = annotation_problems("inherited", tmp_path, jobs)
    assert checked >= 4 and not problems, problems


@pytest.mark.parametrize("jobs", [1, 2])
def test_keywords_a_decorator_of_another_module_fills_are_not_request_data(
    tmp_path: Path, jobs: int
) -> None:
    checked, problems = annotation_problems("decorators", tmp_path, jobs)
    assert checked >= 7 and not problems, problems


@pytest.mark.parametrize("jobs", [1, 2])
def test_view_arguments_a_django_urlconf_constrains_are_safe_for_what_it_allows(
    tmp_path: Path, jobs: int
) -> None:
    checked, problems = annotation_problems("urlconf", tmp_path, jobs)
    assert checked >= 14 and not problems, problems


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_function_another_module_hands_the_request_to_is_a_helper_unless_routed(
    tmp_path: Path, jobs: int
) -> None:
    checked, problems = annotation_problems("requesthelpers", tmp_path, jobs)
    assert checked >= 7 and not problems, problems


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_tuple_returned_from_another_module_keeps_its_elements_apart(
    tmp_path: Path, jobs: int
) -> None:
    checked, problems = annotation_problems("tuples", tmp_path, jobs)
    assert checked >= 3 and not problems, problems


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_argument_vector_from_another_module_keeps_its_fixed_program(
    tmp_path: Path, jobs: int
) -> None:
    checked, problems = annotation_problems("argvectors", tmp_path, jobs)
    assert checked >= 10 and not problems, problems


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_validator_of_another_module_guards_what_it_checks(tmp_path: Path, jobs: int) -> None:
    checked, problems = annotation_problems("validators", tmp_path, jobs)
    assert checked >= 12 and not problems, problems


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_safe_lxml_default_parser_set_by_an_imported_module_covers_parses_without_one(
    tmp_path: Path, jobs: int
) -> None:
    checked, problems = annotation_problems("xmldefaults", tmp_path, jobs)
    assert checked >= 3 and not problems, problems


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_entity_refusing_parser_another_module_built_makes_a_parse_given_it_safe(
    tmp_path: Path, jobs: int
) -> None:
    checked, problems = annotation_problems("xmlparsers", tmp_path, jobs)
    assert checked >= 7 and not problems, problems


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_classmethod_of_another_module_called_through_its_class_binds_the_class_first(
    tmp_path: Path, jobs: int
) -> None:
    """Also a classmethod a class inherits from another module's class (`LineItem.export`)."""
    checked, problems = annotation_problems("classmethods", tmp_path, jobs)
    assert checked >= 7 and not problems, problems


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_handler_whose_framework_base_is_reached_through_another_module_is_that_frameworks(
    tmp_path: Path, jobs: int
) -> None:
    checked, problems = annotation_problems("tornadobases", tmp_path, jobs)
    assert checked >= 2 and not problems, problems


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_model_of_another_module_holds_each_keyword_at_its_own_field_only(
    tmp_path: Path, jobs: int
) -> None:
    """`Timeline(name=...)` of a model with no project constructor: its `id` holds nothing of
    the name; a model whose project base has a constructor may hold it anywhere."""
    checked, problems = annotation_problems("keywordmodels", tmp_path, jobs)
    assert checked >= 5 and not problems, problems


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_object_of_another_modules_class_holds_each_argument_where_its_constructor_puts_it(
    tmp_path: Path, jobs: int
) -> None:
    """As within one module: `Order(customer, note, quantity)` holds the note at `.note` only;
    an argument handed to a library base (`Exception`'s message) may be anywhere in it; a
    method that stores its argument on `self` (`draft.load(request.form)`) fills that field."""
    checked, problems = annotation_problems("constructors", tmp_path, jobs)
    assert checked >= 10 and not problems, problems


@pytest.mark.parametrize("jobs", [1, 2])
def test_reading_a_property_of_another_modules_class_applies_its_getter(
    tmp_path: Path, jobs: int
) -> None:
    """`attachment.file_name` returns what the getter reads from the part the object holds;
    `attachment.safe_file_name` (a `cached_property` taking the base name) and a constant
    property are safe."""
    checked, problems = annotation_problems("properties", tmp_path, jobs)
    assert checked >= 5 and not problems, problems


TORNADO_BASE = """\
import json

import tornado.web


class BaseHandler(tornado.web.RequestHandler):
    def finish(self, chunk=None):
        self.set_header("Server", "camera/1.0")
        return super().finish(chunk=chunk)

    def finish_json(self, data=None):
        self.set_header("Content-Type", "application/json")
        return self.finish(json.dumps(data))

    def finish_page(self, text):
        return self.finish("<p>" + text + "</p>")
"""
TORNADO_VIEWS = """\
from .base import BaseHandler


class ConfigHandler(BaseHandler):
    def get(self):
        self.finish_json({"error": self.get_argument("message")})

    def post(self):
        self.finish_page(self.get_argument("message"))
"""


def test_a_body_a_base_in_another_module_declares_json_is_no_page(tmp_path: Path) -> None:
    """The handler's base, in another module, sets `application/json` and then calls its own
    `finish`: that body is JSON, where the page helper's body beside it is still HTML."""
    result = scan_app(tmp_path, {"base": TORNADO_BASE, "views": TORNADO_VIEWS})
    pages = [f for f in result.findings if f.rule_id == "xss"]
    assert [(Path(f.location.path).name, f.location.line) for f in pages] == [("views.py", 9)]


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_objects_fields_keep_their_own_data_in_labels_and_returns(
    tmp_path: Path, jobs: int
) -> None:
    checked, problems = annotation_problems("objectfields", tmp_path, jobs)
    assert checked >= 9 and not problems, problems


CLIENT = """\
import requests

from .helpers import run_report, safe_report


def sync(server):
    reply = requests.get(server + "/next", timeout=10).json()
    safe_report(reply["name"])
    return run_report(reply["name"])
"""


def test_a_server_reply_passed_to_a_helper_module_is_followed(tmp_path: Path) -> None:
    # A client is attacked by its server: a module reading an HTTP reply starts cross-module
    # flows as a module reading a request does.
    result = scan_app(tmp_path, {"helpers": HELPERS, "client": CLIENT})
    commands = [f for f in result.findings if f.rule_id == "tainted-command"]
    assert [(Path(f.location.path).name, f.location.line) for f in commands] == [("client.py", 9)]
    assert any("app/helpers.py:5" in step.note for step in commands[0].evidence)
