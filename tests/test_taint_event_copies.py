"""A function's sink events are kept once each, so loops re-run to a fixpoint and long call
chains do not multiply them (a 2,600-line Markdown module once needed gigabytes)."""

from __future__ import annotations

import ast
import textwrap

from secreview.analysis.taint import AnalysisContext, TaintSetup
from secreview.analysis.taint.interpreter import ModuleAnalysis
from tests.test_dataflow import FLASK, events

CHAIN = FLASK + textwrap.dedent(
    """
    class Renderer:
        def step0(self, text):
            for _ in range(3):
                while text:
                    os.system("echo " + text)
                    text = text[1:]
            return text

        def step1(self, text):
            for _ in range(3):
                text = self.step0(text)
                text = self.step0(text)
            return text

        def step2(self, text):
            for _ in range(3):
                text = self.step1(text)
                text = self.step1(text)
            return text

        def step3(self, text):
            for _ in range(3):
                text = self.step2(text)
                text = self.step2(text)
            return text

    def view():
        return Renderer().step3(request.args["q"])

    def safe_view():
        return Renderer().step3("fixed")
    """
)


def _results() -> list:
    setup = TaintSetup()
    context = AnalysisContext(path="app.py", text=CHAIN, tree=ast.parse(CHAIN), taint_setup=setup)
    analysis = ModuleAnalysis(context, setup.models, setup.project, setup.module_name)
    return analysis.run()


def test_each_function_keeps_one_copy_of_each_event() -> None:
    for result in _results():
        assert len(result.events) == len(set(result.events))
        assert len(result.events) < 50


def test_the_flow_through_the_chain_is_still_reported_and_the_constant_one_is_not() -> None:
    found = events(CHAIN)
    line = CHAIN.splitlines().index('                os.system("echo " + text)') + 1
    assert found == [("command", line, "remote")]
