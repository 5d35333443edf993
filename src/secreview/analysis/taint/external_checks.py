"""Another module's validator called as a guard, read from its summary's `ParameterCheck`s.

`check_summaries.py` reads the validator's body once, in its own module; here a call that
resolves to it through the imports (`validators.valid_agent_id(agent_id)`, `from
pkg.validators import valid_name`) guards its arguments as the same check spelled inline would.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING

from secreview.analysis.taint.host_guards import Guard

if TYPE_CHECKING:
    from secreview.analysis.taint.guards import GuardRules


def external_guards(frame: GuardRules, test: ast.expr, outcome: bool | None) -> Iterator[Guard]:
    """What a call of another module's validator having `outcome` (None: having returned at
    all, for one that raises unless its check holds) proves of its arguments (`ParameterCheck`s
    of its summary): each checked argument a variable, or a part of one read by constant keys,
    is safe for the kinds the check clears."""
    if not isinstance(test, ast.Call) or not isinstance(test.func, ast.Name | ast.Attribute):
        return
    if not frame.analysis.project.modules:  # a file scanned alone: no summary to read
        return
    if test.func.__class__ is ast.Name and test.func.id in frame.analysis.functions:
        return  # the module's own function: read from its body
    summary = frame.analysis.project_summary(frame.qualified(test.func))
    if summary is None or not summary.checks or summary.is_method:
        return
    bound = _bound(test, summary.parameters)
    for check in summary.checks:
        if check.outcome is outcome and check.parameter in bound:
            target = frame._target(bound[check.parameter])
            if target is not None:
                yield target, check.kinds, None


def _bound(call: ast.Call, parameters: tuple[str, ...]) -> dict[int, ast.expr]:
    """Parameter position -> the argument `call` passes there (none for a starred argument,
    after which positions are unknown)."""
    bound: dict[int, ast.expr] = {}
    for index, argument in enumerate(call.args):
        if isinstance(argument, ast.Starred):
            return {}
        bound[index] = argument
    for keyword in call.keywords:
        if keyword.arg is None:
            return {}
        if keyword.arg in parameters:
            bound[parameters.index(keyword.arg)] = keyword.value
    return bound
