"""Run-time pieces of a built string that can only be numbers: widths, counts, lengths.

A template assembled from column widths (`' | '.join(f'{{:<{w}}}' for w in widths)` with
`widths = [max(len(row[i]) for row in rows) ...]`) holds nothing but braces the program wrote and
digits: no one can add a format field through a number. Rules that worry about text spliced into
a template (`format-string-injection`) leave such pieces alone.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.built_strings import (
    is_fixed,
    string_pieces,
)
from secreview.analysis.rules._support.local_bindings import assigned_values
from secreview.analysis.rules._support.number_annotations import is_number_conversion
from secreview.index.context import ModuleContext

_AGGREGATES = frozenset({"max", "min", "sum"})
"""Builtins whose result is a number when every value they are given is one."""
_COMPREHENSIONS = (ast.ListComp, ast.GeneratorExp, ast.SetComp)
_DEPTH = 4
"""How many local names and comprehensions are followed back before giving up."""


def joined_numbers(node: ast.expr, context: ModuleContext) -> bool:
    """`sep.join(<piece> for n in numbers)`: a fixed separator joining pieces whose only run-time
    values are the loop's numbers."""
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "join"
        and len(node.args) == 1
        and not node.keywords
        and is_fixed(context, node.func.value)
    ):
        return False
    loop = node.args[0]
    if not isinstance(loop, _COMPREHENSIONS) or len(loop.generators) != 1:
        return False
    generator = loop.generators[0]
    if not isinstance(generator.target, ast.Name) or not _numbers(generator.iter, context, 0):
        return False
    target = generator.target.id
    return all(
        isinstance(piece.node, ast.Name) and piece.node.id == target
        for piece in string_pieces(context, loop.elt)
        if piece.node is not None
    )


def _numbers(expr: ast.expr, context: ModuleContext, depth: int) -> bool:
    """Whether every element of the collection `expr` is a number."""
    if depth > _DEPTH:
        return False
    if isinstance(expr, ast.Name):
        values = [value for value, _ in assigned_values(context, expr)]
        return bool(values) and all(_numbers(value, context, depth + 1) for value in values)
    if isinstance(expr, _COMPREHENSIONS):
        return _number(expr.elt, context, depth + 1)
    if isinstance(expr, ast.List | ast.Tuple):
        return all(_number(element, context, depth + 1) for element in expr.elts)
    return False


def _number(expr: ast.expr, context: ModuleContext, depth: int) -> bool:
    """Whether `expr` is a number: a numeric literal, `len(...)`, `int(...)`, or `max`/`min`/`sum`
    of numbers (`max(len(r[i]) for r in rows)`), or arithmetic on them."""
    if depth > _DEPTH:
        return False
    if isinstance(expr, ast.Constant):
        return isinstance(expr.value, int | float) and not isinstance(expr.value, bool)
    if is_number_conversion(context, expr):
        return True
    if isinstance(expr, ast.BinOp):
        return _number(expr.left, context, depth + 1) and _number(expr.right, context, depth + 1)
    if isinstance(expr, ast.Call) and context.call_name(expr) in _AGGREGATES and expr.args:
        if len(expr.args) == 1 and isinstance(expr.args[0], _COMPREHENSIONS):
            return _number(expr.args[0].elt, context, depth + 1)
        return all(_number(arg, context, depth + 1) for arg in expr.args)
    return False
