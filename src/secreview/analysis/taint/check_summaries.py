"""Validators of another module: what a yes/no check function's answer proves of its parameters.

A module reads its own check helpers by inlining what they return (`guard_helpers.py`); a helper
of another module has no body at the call, only its summary. So the summary carries the same
reading, made once in the helper's own module where its names resolve (`re`, a module pattern):
its return expression, with its early refusals, read as a guard on the parameters for either
answer (`ParameterCheck`). A call that resolves to it through the imports (`validators.
valid_agent_id(agent_id)`, `from pkg.validators import valid_name`) then guards its arguments as
the inline check would (`external_checks.py`). A module not scanned gives no summary: its call
proves nothing, as before.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from secreview.analysis.taint.frame import Frame
from secreview.analysis.taint.guard_helpers import inlined_check
from secreview.analysis.taint.results import FunctionResult
from secreview.analysis.taint.summaries import ParameterCheck

if TYPE_CHECKING:
    from secreview.analysis.taint.interpreter import ModuleAnalysis

_ANSWERS = (ast.Compare, ast.BoolOp, ast.UnaryOp, ast.Call, ast.Name)
"""What a check's last `return` gives: a test, a call's answer, or a local holding one."""


def parameter_checks(
    analysis: ModuleAnalysis, result: FunctionResult
) -> tuple[ParameterCheck, ...]:
    """What the answer of `result`'s function proves of its parameters, for a module function
    whose body `guard_helpers.inlined_check` reads (none for anything else): the guards its
    inlined return expression makes, read in a fresh frame of its own module (the function's
    own analysis keeps its events), for each answer."""
    node = result.node
    if not _check_shaped(node, result):
        return ()
    assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    call = ast.copy_location(
        ast.Call(
            func=ast.Name(id=node.name, ctx=ast.Load()),
            args=[ast.Name(id=name, ctx=ast.Load()) for name in result.parameters],
            keywords=[],
        ),
        node,
    )
    inlined = inlined_check(call, node)
    if inlined is None:
        return ()
    analysis.kept_checks.append(inlined)  # its nodes' ids key memoised look-ups: keep it alive
    frame = Frame(analysis, node, analysis.closures.get(id(node), {}))
    frame.bind_parameters()
    positions = {name: index for index, name in enumerate(result.parameters)}
    found: set[ParameterCheck] = set()
    for outcome in (True, False):
        for target, kinds, value in frame._guards(inlined, outcome, 0):
            if isinstance(target, str) and target in positions and value is None:
                found.add(ParameterCheck(positions[target], outcome, kinds))
    return tuple(sorted(found))


def _check_shaped(node: object, result: FunctionResult) -> bool:
    """A cheap test before any copy: a module function with plain parameters, analysed to the
    end, whose last statement returns a test, a call or a name (not a constant, not nothing)."""
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or result.is_method:
        return False
    arguments = node.args
    if arguments.vararg or arguments.kwarg or arguments.kwonlyargs or result.gave_up:
        return False
    last = node.body[-1]
    return isinstance(last, ast.Return) and isinstance(last.value, _ANSWERS)
