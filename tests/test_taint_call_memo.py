"""A call a loop's later round applies to the same values gives what applying it again gives:
the same events, in the same order, and the same findings, whether the arguments change
between rounds or not, a field is written in the loop, or the callee's events are reworded."""

from __future__ import annotations

import ast
import textwrap

import pytest

from secreview.analysis.taint import AnalysisContext, TaintSetup
from secreview.analysis.taint.call_memo import CallMemo
from secreview.analysis.taint.calls import CallRules
from secreview.analysis.taint.module_taint import taint_events
from tests.test_dataflow import FLASK

CODE = FLASK + textwrap.dedent(
    """
    def run(cmd, extra):
        os.system("echo " + cmd)
        subprocess.run(extra, shell=True)
        return cmd + "x"

    def wrap(value):
        return {"v": value, "w": run(value, "ls")}

    class Handler:
        def __init__(self, req):
            self.req = req

        def go(self, part):
            return run(self.req.args["q"], part)

    def view():
        name = request.args["n"]
        total = ""
        parts = []
        for item in request.args.getlist("i"):
            total = run(total, name)
            fixed = run(name, "ls")
            parts.append(wrap(fixed)["w"])
            while len(parts) < 3:
                parts.append(run(item, fixed))
            handler = Handler(request)
            handler.go(total)
        os.system(total + parts[0])
        return total
    """
)


def _events(code: str) -> list[tuple[str, int, str, tuple[int, ...]]]:
    context = AnalysisContext(
        path="app.py", text=code, tree=ast.parse(code), taint_setup=TaintSetup()
    )
    return [
        (
            e.kind,
            e.node.lineno,
            e.flow.origin,
            tuple(getattr(n, "lineno", 0) for n, _ in e.flow.steps),
        )  # type: ignore[attr-defined]
        for e in taint_events(context).events
    ]


@pytest.mark.parametrize("code", [CODE, CODE.replace("for item in", "for item in [1] +")])
def test_remembered_calls_give_what_applying_them_again_gives(
    code: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = CallMemo.find
    hits: list[object] = []

    def counted(self: CallMemo, node: ast.Call, key: object) -> object:
        answer = found(self, node, key)  # type: ignore[arg-type]
        hits.extend([answer] if answer is not None else [])
        return answer

    monkeypatch.setattr(CallMemo, "find", counted)
    remembered = _events(code)
    assert remembered and hits  # some call was taken from an earlier round
    monkeypatch.setattr(CallRules, "_call_key", lambda self, result, mapping: None)
    assert _events(code) == remembered
