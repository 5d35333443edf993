"""Calls of values that are no function: classes held in variables and attributes, instances
called through `__call__`, `functools.partial` (see `analysis/taint/objects.py`)."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from secreview.analysis.taint import AnalysisContext, TaintSetup, taint_events
from secreview.analysis.taint.values import Value, join
from secreview.config import ScanConfig
from secreview.scanner import scan
from tests.test_dataflow import events

WSGI = "import os, subprocess\nfrom functools import partial\n"


def test_a_class_value_and_an_instance_are_told_apart_and_joins_keep_every_class() -> None:
    store, other = (
        Value(type="class:Store", classes=frozenset({"Store"})),
        Value(classes=frozenset({"Other"})),
    )
    either = join(store, other)
    assert either.classes == {"Store", "Other"}
    assert join(either, Value(type="class:Store")).classes == {"Store", "Other"}
    assert not Value(type="class:Store").classes  # an instance is no class


def test_calling_an_instance_runs_call_with_self_bound_to_it() -> None:
    code = WSGI + textwrap.dedent(
        """
        class Runner:
            def __init__(self, environ):
                self.environ = environ
            def __call__(self, suffix):
                os.system("run " + self.environ["QUERY_STRING"] + suffix)

        def app(environ, start_response):
            Runner(environ)("-v")
            runner = Runner({"QUERY_STRING": "fixed"})
            runner("-q")
        """
    )
    assert events(code) == [("command", 8, "remote")]


def test_what_call_stores_on_self_stays_on_the_instance_variable() -> None:
    code = WSGI + textwrap.dedent(
        """
        class Reader:
            def __init__(self, environ):
                self.environ = environ
                self.last = "none"
            def __call__(self):
                self.last = self.environ["PATH_INFO"]

        def app(environ, start_response):
            reader = Reader(environ)
            open(reader.last)
            reader()
            open(reader.last)
        """
    )
    assert events(code) == [("path", 15, "remote")]


def test_an_instance_without_call_is_not_constructed_again() -> None:
    code = WSGI + textwrap.dedent(
        """
        class Box:
            def __init__(self, environ):
                os.system(environ["QUERY_STRING"])

        def app(environ, start_response):
            box = Box({"QUERY_STRING": "ls"})
            box(environ)
        """
    )
    assert events(code) == []  # calling `box` is no `Box(environ)`


def test_a_class_chosen_by_or_by_a_default_or_by_the_class_body_is_constructed() -> None:
    code = WSGI + textwrap.dedent(
        """
        class ByBody:
            def __init__(self, command):
                os.system(command)

        class ByDefault:
            def __init__(self, name):
                open(name)

        class ByOr:
            def __init__(self, source):
                eval(source)

        class ByVariable:
            def __init__(self, command):
                subprocess.call(command, shell=True)

        class Queue:
            job_class = ByBody
            def __init__(self, environ, kind=ByDefault, fallback=None):
                self.environ = environ
                self.kind = kind
                self.fallback = fallback or ByOr
            def start(self):
                self.job_class(self.environ["QUERY_STRING"])
                self.kind(self.environ["QUERY_STRING"])
                self.fallback(self.environ["QUERY_STRING"])

        def start(environ, kind=None):
            cls = kind or ByVariable
            cls(environ["QUERY_STRING"])

        def app(environ, start_response):
            Queue(environ).start()
            start(environ)
        """
    )
    assert {(kind, line) for kind, line, _ in events(code)} == {
        ("command", 6),
        ("path", 10),
        ("code", 14),
        ("command", 18),
    }


def test_a_partial_passes_its_bound_arguments_first() -> None:
    code = WSGI + textwrap.dedent(
        """
        def run(program, argument):
            os.system(program + " " + argument)

        def app(environ, start_response):
            partial(run, "ls")(environ["QUERY_STRING"])
        """
    )
    assert events(code) == [("command", 5, "remote")]
    safe = code.replace('partial(run, "ls")(environ["QUERY_STRING"])', 'partial(run, "ls")("-l")')
    assert events(safe) == []


STORE = """\
import os


class Reader:
    def __init__(self, name):
        self.name = name

    def __call__(self):
        return open(os.path.join("/srv", self.name)).read()


class Page:
    def __init__(self, name):
        self.name = name

    def read(self):
        return open(os.path.join("/srv/pages", self.name)).read()
"""
VIEWS = """\
from flask import Flask, request

from .store import Page, Reader

app = Flask(__name__)


@app.route("/read")
def read():
    reader = Reader(request.args["name"])
    return reader()


@app.route("/page")
def page(kind=None):
    cls = kind or Page
    return cls(request.args["name"]).read()
"""


def test_instances_and_classes_of_another_module_are_called_through_its_summaries(
    tmp_path: Path,
) -> None:
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "store.py").write_text(STORE)
    (package / "views.py").write_text(VIEWS)
    result = scan([str(tmp_path)], ScanConfig(), jobs=1)
    found = sorted(
        (f.location.path.rsplit("/", 1)[-1], f.location.line)
        for f in result.findings
        if f.rule_id == "path-traversal"
    )
    assert found == [("views.py", 11), ("views.py", 17)]


def test_a_callable_object_handed_to_unread_code_is_called_there() -> None:
    code = WSGI + textwrap.dedent(
        """
        class Lazy:
            def __init__(self, environ):
                self.environ = environ
            def __call__(self):
                os.system(self.environ["QUERY_STRING"])

        class Middleware:
            def __init__(self, app):
                self.app = app
            def __call__(self, environ, start_response):
                environ["lazy"] = Lazy(environ)
                return self.app(environ, start_response)
        """
    )
    assert events(code) == [("command", 8, "remote")]
    kept = code.replace('environ["lazy"] = Lazy(environ)', "lazy = Lazy(environ)")
    assert events(kept) == []  # never handed over, never called
    shown = code.replace('environ["lazy"] = Lazy(environ)', "print(repr(Lazy(environ)))")
    assert events(shown) == []  # builtins take data, not something to call


def test_a_value_that_is_none_or_an_instance_keeps_the_instance_type() -> None:
    optional = join(Value(const=None), Value(type="class:Store"))
    assert optional.type == "class:Store"
    assert join(Value(type="a.B"), Value(type="class:Store")).type is None


def test_only_objects_built_here_are_handed_over_not_a_parameter_taken_for_self() -> None:
    code = WSGI + textwrap.dedent(
        """
        class Static:
            def __init__(self, directory):
                self.directory = self.normpath(directory)
            def normpath(path):
                return os.path.normcase(os.path.abspath(path))
            normpath = staticmethod(normpath)
            def __call__(self, environ, start_response):
                full = self.normpath(os.path.join(self.directory, environ["PATH_INFO"]))
                if not full.startswith(self.directory + os.sep):
                    return []
                return [open(full).read()]
        """
    )
    assert events(code) == []


def test_the_evidence_of_a_hand_over_says_the_call_is_inferred() -> None:
    text = WSGI + textwrap.dedent(
        """
        class Lazy:
            def __init__(self, environ):
                self.environ = environ
            def __call__(self):
                os.system(self.environ["QUERY_STRING"])

        def app(environ, start_response):
            return wrapped(environ, Lazy(environ))
        """
    )
    context = AnalysisContext(
        path="app.py", text=text, tree=ast.parse(text), taint_setup=TaintSetup()
    )
    (event,) = taint_events(context).events
    notes = [note for _, note in event.flow.steps]
    assert "handed to `wrapped`, which may call it (`__call__`)" in notes
