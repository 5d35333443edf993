"""Validators of another module: what a check function's answer (or its returning at all, for
one called for its exception) proves of its parameters.

A module reads its own check helpers by inlining what they return (`guard_helpers.py`); a helper
of another module has no body at the call, only its summary. So the summary carries the same
reading, made once in the helper's own module where its names resolve (`re`, a module pattern):
its return expression, with its early refusals, read as a guard on the parameters for either
answer, or its raising conditions read as false past the call (`ParameterCheck`). A call that
resolves to it through the imports (`validators.valid_agent_id(agent_id)`, `from pkg.validators
import valid_name`) then guards its arguments as the inline check would (`external_checks.py`).
A module not scanned gives no summary: its call proves nothing, as before.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from secreview.analysis.taint.frame import Frame
from secreview.analysis.taint.guard_helpers import (
    MAX_HELPER_STATEMENTS,
    inlined_check,
    raising_check,
)
from secreview.analysis.taint.results import FunctionResult
from secreview.analysis.taint.summaries import ParameterCheck

if TYPE_CHECKING:
    from secreview.analysis.taint.interpreter import ModuleAnalysis

_STEPS = (ast.If, ast.Assign, ast.Try, ast.Expr)
"""What may come before a check's last statement: refusals, raises, local assignments, a check
assigned in a `try`, the docstring (`guard_helpers` reads each)."""
_ANSWERS = (ast.Compare, ast.BoolOp, ast.UnaryOp, ast.Call, ast.Name)
"""What a check's last `return` gives: a test, a call's answer, or a local holding one."""


def parameter_checks(
    analysis: ModuleAnalysis, result: FunctionResult
) -> tuple[ParameterCheck, ...]:
    """What `result`'s function proves of its parameters, for a module function whose body
    `guard_helpers` reads (none for anything else): the guards its inlined return expression
    makes for each answer (`inlined_check`), or those its raising conditions make false past a
    call (`raising_check`), read in a fresh frame of its own module (the function's own
    analysis keeps its events)."""
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
    readings: list[tuple[ast.expr, bool, bool | None]] = []
    last = node.body[-1]
    answers = isinstance(last, ast.Return) and isinstance(last.value, _ANSWERS)
    answer = inlined_check(call, node) if answers else None
    if answer is not None:
        readings += [(answer, True, True), (answer, False, False)]
    raising = raising_check(call, node)
    if raising is not None:
        readings.append((raising, False, None))
    if not readings:
        return ()
    analysis.kept_checks.extend(test for test, _, _ in readings)  # their ids key memoised reads
    frame = Frame(analysis, node, analysis.closures.get(id(node), {}))
    frame.bind_parameters()
    positions = {name: index for index, name in enumerate(result.parameters)}
    found: set[ParameterCheck] = set()
    for test, outcome, where in readings:
        for target, kinds, value in frame._guards(test, outcome, 0):
            if isinstance(target, str) and target in positions and value is None:
                found.add(ParameterCheck(positions[target], where, kinds))
    return tuple(sorted(found, key=_check_order))


def _check_order(check: ParameterCheck) -> tuple[int, int, tuple[str, ...]]:
    """Checks in an order that does not depend on the hash seed (None sorts before answers)."""
    return (check.parameter, -1 if check.outcome is None else int(check.outcome), check.kinds)


def _check_shaped(node: object, result: FunctionResult) -> bool:
    """A cheap test before any copy: a module function with plain parameters, analysed to the
    end, whose last statement returns or is an `if` that raises."""
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or result.is_method:
        return False
    arguments = node.args
    if arguments.vararg or arguments.kwarg or arguments.kwonlyargs or result.gave_up:
        return False
    body = node.body
    if len(body) > MAX_HELPER_STATEMENTS + 1 or not all(isinstance(s, _STEPS) for s in body[:-1]):
        return False  # not a small check: `guard_helpers` would refuse it after copying
    last = body[-1]
    if isinstance(last, ast.If):  # a validator called for its exception
        return any(isinstance(s, ast.Raise) for s in last.body)
    return isinstance(last, ast.Return)
