"""The parts a string expression is written from, for rules that read text built in place:
the slots of an f-string and the operands of a chain of `+`."""

from __future__ import annotations

import ast
from collections.abc import Iterator


def fstring_slots(node: ast.JoinedStr) -> Iterator[tuple[str, ast.expr]]:
    """(text before the placeholder, the value filling it) for an f-string."""
    prefix = ""
    for part in node.values:
        if isinstance(part, ast.Constant) and isinstance(part.value, str):
            prefix += part.value
        elif isinstance(part, ast.FormattedValue):
            yield prefix, part.value
            prefix += "x"


def added_operands(expr: ast.BinOp) -> list[ast.expr]:
    """The operands of a chain of `+` (`"f(" + value + ")"`), left to right."""
    operands: list[ast.expr] = []
    pending: list[ast.expr] = [expr]
    while pending:
        current = pending.pop()
        if isinstance(current, ast.BinOp) and isinstance(current.op, ast.Add):
            pending.extend((current.right, current.left))
        else:
            operands.append(current)
    return operands
