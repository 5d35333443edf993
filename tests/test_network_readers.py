"""Which modules the cross-module pass starts from: those where a client's data really comes in.

The words of a module only hint at a request (`InputClues`); the first pass's taint analysis says
whether a request, its data, a route, a view or an entry point is there, so a docstring that says
"request" or a graph library's `EdgeView` no longer sends a whole tree through the pass.
"""

from __future__ import annotations

import ast
import textwrap

import pytest

from secreview.analysis.models import default_models
from secreview.analysis.taint.input_clues import input_clues
from secreview.config import ScanConfig
from secreview.index.context import ModuleContext
from secreview.pipeline import review_source

READERS = {
    "request data read": """
        from flask import Flask, request
        from app import helpers
        app = Flask(__name__)
        @app.route("/")
        def view():
            helpers.run(request.args["x"])
        """,
    "a route whose data a helper reads": """
        from flask import Flask
        from app import helpers
        app = Flask(__name__)
        @app.route("/")
        def view():
            helpers.run(helpers.arg("x"))
        """,
    "a request object handed on": """
        from flask import request
        from app import service
        def handle():
            return service.handle(request)
        """,
    "a class-based view's request": """
        from django.views import View
        from app import service
        class Detail(View):
            def get(self, request):
                return service.handle(self.request)
        """,
}

NOT_READERS = {
    "a docstring that says request": '''
        """Answers the request of the caller."""
        from app import service
        def answer(question):
            return service.handle(question)
        ''',
    "a graph view named like a web view": """
        from app.views import EdgeView
        from app import service
        class OutEdgeView(EdgeView):
            def __call__(self, nbunch=None):
                return service.handle(nbunch)
        """,
}


def _reads(code: str, threat_model: str = "web") -> bool:
    config = ScanConfig(threat_model=threat_model)
    report = review_source(textwrap.dedent(code), "app/views.py", config, module="app.views")
    assert report.facts is not None
    return report.facts.reads_remote_input


@pytest.mark.parametrize("code", READERS.values(), ids=READERS.keys())
def test_a_module_a_client_reaches_starts_the_cross_module_pass(code: str) -> None:
    assert _reads(code)


@pytest.mark.parametrize("code", NOT_READERS.values(), ids=NOT_READERS.keys())
def test_words_alone_do_not_start_it_when_the_analysis_meets_no_way_in(code: str) -> None:
    assert not _reads(code)
    assert _reads(code, "library")  # public parameters are input there: the words decide


def test_test_code_starts_no_cross_module_flow_unless_its_findings_count() -> None:
    """A test module's flow findings are notes, so it is not reviewed again for them; with
    `include_tests` they are findings and it is."""
    code = textwrap.dedent(READERS["request data read"])
    for include_tests, expected in ((False, False), (True, True)):
        config = ScanConfig(include_tests=include_tests)
        report = review_source(code, "tests/test_views.py", config, module="tests.test_views")
        assert report.facts is not None
        assert report.facts.reads_remote_input is expected


def test_a_request_named_parameter_hints_at_a_request_only_where_a_framework_is_imported() -> None:
    """A task's `request` is no client's: without a framework import the analysis would never
    take it for the request, so the words do not send the module to it."""
    task = (
        "from celery import Task\n\nclass Job(Task):\n    def run(self, request):\n        pass\n"
    )
    view = "from flask import Flask\n\ndef show(request):\n    return request.args\n"
    models = default_models()
    clues = [
        input_clues(ModuleContext("m.py", text, ast.parse(text)), models) for text in (task, view)
    ]
    assert [c.request_shaped for c in clues] == [False, True]
    assert [c.request_named for c in clues] == [True, True]


def test_a_source_method_of_a_modelled_type_is_a_clue_where_its_maker_is_imported() -> None:
    """`llm.invoke(...)` reads a model's reply only when `llm` is a LangChain model: a module
    that imports the maker of that type (`langchain_openai`, even through a helper that makes
    the model) may read one; a module that calls some other `invoke` may not."""
    made = "from langchain_openai import ChatOpenAI\n\ndef ask(p):\n    return helper().invoke(p)\n"
    other = "from tasks import queue\n\ndef ask(p):\n    return queue.invoke(p)\n"
    models = default_models()
    clues = [
        input_clues(ModuleContext("m.py", text, ast.parse(text)), models) for text in (made, other)
    ]
    assert ["model" in c.origins for c in clues] == [True, False]
