"""`[[hook]]` models: what a framework's lifecycle hooks store on `self` before a handler runs.

The annotated fixtures (tests/fixtures/rules/taint_hooks_<framework>.py) show each built-in hook
model finding a flow, with safe twins; these tests show what the fixtures cannot: that the
evidence names the hook, that a user's model file adds a framework's hooks, that a wrong hook
model is refused with the file and key named, and that only the hooks before a method count.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from secreview.analysis.models import ModelError, load_models
from secreview.analysis.taint import AnalysisContext, TaintSetup, taint_events


def _flows(code: str, setup: TaintSetup | None = None) -> list[tuple[int, list[str]]]:
    """(sink line, evidence notes up to the sink) of every reported flow in `code`."""
    text = textwrap.dedent(code)
    context = AnalysisContext(
        path="app.py", text=text, tree=ast.parse(text), taint_setup=setup or TaintSetup()
    )
    return [
        (event.node.lineno, [note for _, note in event.flow.steps])  # type: ignore[attr-defined]
        for event in taint_events(context).events
    ]


def test_the_evidence_names_the_hook_that_stored_the_input() -> None:
    code = """
        import os
        import tornado.web

        class H(tornado.web.RequestHandler):
            def prepare(self):
                self.name = self.get_argument("n")

            def get(self):
                os.system("echo " + self.name)
    """
    assert _flows(code) == [
        (
            10,
            [
                '`self.get_argument("n")` is HTTP request data (Tornado handler) (remote)',
                "stored on `self` by `prepare()`, run before `get()`",
            ],
        )
    ]


def test_a_later_hook_sees_an_earlier_one_but_not_the_reverse() -> None:
    """Django runs `setup` before `dispatch`: `dispatch` reads what `setup` stored, while
    `setup` cannot read what `dispatch` will store."""
    code = """
        import os
        from django.views import View

        class V(View):
            def setup(self, request, *args, **kwargs):
                super().setup(request, *args, **kwargs)
                self.target = request.GET["t"]
                os.system("ping " + self.host)

            def dispatch(self, request, *args, **kwargs):
                self.host = request.GET["h"]
                os.system("ping " + self.target)
                return super().dispatch(request, *args, **kwargs)
    """
    assert [line for line, _ in _flows(code)] == [13]


def test_a_users_hook_model_adds_a_framework(tmp_path: Path) -> None:
    (tmp_path / "ourweb.toml").write_text(
        '[[hook]]\nimports = ["ourweb"]\nmethods = ["before"]\nhandlers = ["on_*"]\n',
        encoding="utf-8",
    )
    code = """
        import os
        import ourweb
        from flask import request

        class PageView(ourweb.View):
            def before(self):
                self.page = request.args["page"]

            def on_show(self):
                os.remove(self.page)
    """
    assert _flows(code) == []
    setup = TaintSetup(models=load_models([tmp_path]))
    assert [line for line, _ in _flows(code, setup)] == [11]


def test_a_wrong_hook_model_is_refused_naming_the_key(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text(
        '[[hook]]\nmethods = ["before"]\nhandlers = ["get"]\nrequest_first = "yes"\n',
        encoding="utf-8",
    )
    with pytest.raises(ModelError, match=r"bad\.toml: \[\[hook\]\] #1\.request_first must be"):
        load_models([tmp_path])
    (tmp_path / "bad.toml").write_text('[[hook]]\nmethods = ["before"]\n', encoding="utf-8")
    with pytest.raises(ModelError, match=r"bad\.toml: \[\[hook\]\] #1 needs a `handlers`"):
        load_models([tmp_path])
