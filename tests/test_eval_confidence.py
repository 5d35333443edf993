"""eval-injection reports code nobody can trace, and says nothing of code its program writes.

Code generated about the program's own objects, configuration values, files the program is given,
wrappers named like the builtin and a template translated by the program's own code generator are
written by the program or its operator, by design, and not reported; the same shapes reached by
remote input stay high, and a bare untraced value (or code generated around one) stays medium.
Each defect is reported once.
"""

from __future__ import annotations

import textwrap

from secreview.findings import Confidence, Finding
from secreview.pipeline import review_source


def _by_line(source: str) -> dict[int, Finding]:
    report = review_source(textwrap.dedent(source), "app.py")
    assert report.error is None, report.error
    return {f.location.line: f for f in report.findings if f.rule_id == "eval-injection"}


def test_code_generated_about_the_programs_own_objects_is_not_reported() -> None:
    found = _by_line(
        """
        STUB = "def {name}(*args):\\n    return 1\\n"

        def stub(function, namespace, args):
            exec(STUB.format(name=function.__name__))
            name = function.__qualname__
            source = "def %s(%s):\\n    pass\\n" % (name, args)
            exec(source, namespace)
            exec(f"result = {function}(1)", namespace)
            exec(function, namespace)
        """
    )
    assert sorted(found) == [9, 10]
    assert "generated from fixed code fragments" in found[9].message
    assert "`function` inserted as code" in found[9].message
    assert found[9].confidence is Confidence.MEDIUM  # around a parameter only: untraced
    assert found[10].confidence is Confidence.MEDIUM  # the whole code is the value


def test_generated_code_reached_by_remote_input_stays_high() -> None:
    report = review_source(
        textwrap.dedent(
            """
        from flask import Flask, request

        app = Flask(__name__)

        @app.route("/run")
        def run():
            name = request.args["name"]
            return eval("handlers.{0}()".format(name))
            """
        ),
        "app.py",
    )
    [code] = [f for f in report.findings if f.rule_id in ("tainted-code", "eval-injection")]
    assert (code.location.line, code.confidence) == (9, Confidence.HIGH)


def test_configuration_code_is_not_reported_but_other_attributes_are() -> None:
    found = _by_line(
        """
        class Runner:
            def setup(self, context):
                exec(self.config.setup_code, context)
                exec(self.document.setup_code, context)
        """
    )
    assert sorted(found) == [5]
    assert found[5].confidence is Confidence.MEDIUM


def test_a_wrapper_named_like_the_builtin_is_quiet_only_while_it_forwards_its_parameter() -> None:
    found = _by_line(
        """
        class Template:
            def _eval(self, code, namespace):
                return eval(code, namespace)

            def evaluate(self, code, namespace):
                return eval(code, namespace)

            def _exec(self, code, namespace):
                code = code.replace("$", "")
                exec(code, namespace)
        """
    )
    assert sorted(found) == [7, 11]  # not named like the builtin; rebinds the code
    assert all(f.confidence is Confidence.MEDIUM for f in found.values())


def test_request_data_passed_to_a_forwarding_wrapper_is_reported_by_the_data_flow() -> None:
    report = review_source(
        textwrap.dedent(
            """
        from flask import request

        def _exec(code, namespace):
            exec(code, namespace)

        def run():
            _exec(request.args["code"], {})
            """
        ),
        "app.py",
    )
    [finding] = [f for f in report.findings if f.rule_id in ("tainted-code", "eval-injection")]
    assert (finding.rule_id, finding.location.line) == ("tainted-code", 5)
    assert finding.confidence is Confidence.HIGH
    assert finding.evidence[0].location.line == 8


def test_a_python_file_the_program_is_given_is_not_reported() -> None:
    found = _by_line(
        """
        import os

        def startup(namespace, path):
            with open(os.environ.get("PYTHONSTARTUP"), "rb") as handle:
                exec(handle.read().decode("utf-8"), namespace)
            exec(path, namespace)
        """
    )
    assert sorted(found) == [7]


def test_exec_of_code_compiled_into_an_attribute_is_reported_once_at_the_compile() -> None:
    found = _by_line(
        """
        class Script:
            def __init__(self, text):
                self.code = compile(text, "<script>", "exec")

            def run(self, namespace):
                exec(self.code, namespace)

            def run_text(self, namespace):
                exec(self.text, namespace)
        """
    )
    assert sorted(found) == [4, 10]


def test_a_value_wrapped_in_punctuation_is_not_generated_code() -> None:
    found = _by_line(
        """
        def load(text, klass, arguments):
            data = eval("(" + text + ")")
            return eval("{0}({1})".format(klass.__name__, arguments))
        """
    )
    assert sorted(found) == [3]  # the value runs as it is; the program's own class is called
    assert found[3].confidence is Confidence.MEDIUM
    assert "built from" in found[3].message


def test_a_value_inside_a_string_literal_of_generated_code_stays_medium() -> None:
    found = _by_line(
        """
        def search(engine, query):
            eval(f"Engine.{engine}.search('{query}')")
            eval("Engine.%s.search(%r)" % (engine.__name__, query))
        """
    )
    assert sorted(found) == [3]  # `%r` writes a quoted literal of the value
    assert found[3].confidence is Confidence.MEDIUM
    assert "`query`" in found[3].message and "string literal" in found[3].message
    assert "`engine`" not in found[3].message


def test_only_a_fallback_for_a_whole_module_every_python_ships_is_dead() -> None:
    """`import ast` never fails on Python 3; a name from a module may be missing on an older
    version, and a module added later (`tomllib`) is missing on older ones: those fallbacks run."""
    found = _by_line(
        """
        def one(text):
            try:
                import ast
            except ImportError:
                return eval(text)

        def two(text):
            try:
                from ast import unparse
            except ImportError:
                return eval(text)

        def three(text):
            try:
                import tomllib
            except ImportError:
                return eval(text)
        """
    )
    assert sorted(found) == [12, 18]
