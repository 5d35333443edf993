"""Which modules the cross-module pass starts from: those where a client's data really comes in.

The words of a module only hint at a request (`InputClues`); the first pass's taint analysis says
whether a request, its data, a route, a view or an entry point is there, so a docstring that says
"request" or a graph library's `EdgeView` no longer sends a whole tree through the pass.
"""

from __future__ import annotations

import textwrap

import pytest

from secreview.config import ScanConfig
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
