"""Where a flow starts when a method of this module reads a request it was handed
(`analysis/taint/callee_reads.py`): at the read, named, not at the call that handed it over."""

from __future__ import annotations

import ast
import textwrap

from secreview.analysis.taint import AnalysisContext, TaintSetup, taint_events

WRAPPER = textwrap.dedent(
    """
    import os
    from flask import Flask, request

    app = Flask(__name__)

    class Wrapper:
        def __init__(self, req):
            self.req = req

        @property
        def name(self):
            return self.req.args["name"]

        def serve(self):
            path = self.req.args["path"]
            return open(os.path.join("/srv", path)).read()

        def aliased(self):
            r = self.req
            return open(r.args["path"]).read()
    """
)


def _steps(view: str) -> list[tuple[int, str]]:
    """(line, note) of each step of the one flow `view`, appended to `WRAPPER`, reports."""
    text = WRAPPER + textwrap.dedent(view)
    context = AnalysisContext(
        path="app.py", text=text, tree=ast.parse(text), taint_setup=TaintSetup()
    )
    (event,) = taint_events(context).events
    return [(getattr(node, "lineno", 0), note) for node, note in event.flow.steps]


def test_a_method_reading_the_request_it_holds_starts_the_flow_at_its_read() -> None:
    steps = _steps('@app.route("/a")\ndef a():\n    return Wrapper(request).serve()\n')
    assert steps[0] == (
        16,
        '`self.req.args["path"]` in `serve()` (called at line 24) is HTTP request data (remote)',
    )
    assert steps[1:] == [(16, "assigned to `path`")]


def test_a_property_reading_the_request_names_the_property_and_where_it_is_read() -> None:
    steps = _steps('@app.route("/b")\ndef b():\n    return open(Wrapper(request).name).read()\n')
    assert steps == [
        (
            13,
            '`self.req.args["name"]` in the property `name` (read at line 24)'
            " is HTTP request data (remote)",
        ),
        (24, "returned by `name()`"),
    ]


def test_a_read_through_an_alias_keeps_the_call_as_the_source() -> None:
    steps = _steps('@app.route("/c")\ndef c():\n    return Wrapper(request).aliased()\n')
    assert steps[0] == (24, "`Wrapper(request).aliased()` is HTTP request data (remote)")
    assert (24, "passed to `aliased()`") in steps
