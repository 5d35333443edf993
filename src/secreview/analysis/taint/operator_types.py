"""The type of `a | b` when one side's class defines the operator: LangChain's runnables.

`prompt | llm | parser` builds a pipeline whose `invoke` answers with what the model wrote
(after the parser), so the pipeline is the model for the models' purposes. A library type that
overloads `|` says so in the models as a method (`llm.LangChain.__or__`, `__ror__` when it is
on the right) returning a type; other `|` (sets, flags, dict merges) keep no type.
"""

from __future__ import annotations

import ast

from secreview.analysis.models import Models
from secreview.analysis.taint.values import Flow, Value


def piped(
    models: Models, op: ast.operator, left: Value, right: Value, flows: frozenset[Flow]
) -> Value | None:
    """`left | right` typed by the models of `left`'s `__or__` or `right`'s `__ror__`, or None
    (also for any other operator)."""
    if not isinstance(op, ast.BitOr):
        return None
    for owner, method in ((left.type, "__or__"), (right.type, "__ror__")):
        for model in models.returns.get(f"{owner}.{method}", ()) if owner else ():
            return Value(flows=flows, type=model.type)
    return None
