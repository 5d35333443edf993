"""What a local name stands for, when a pattern rule needs the expression behind a variable.

`ModuleContext.constant_value` folds module constants; rules that look for shapes rather than
values (`os.path.join(tempfile.gettempdir(), ...)`, `Flask(__name__)`) need the expression a name
was assigned in its own scope, and only when that is the one and only binding of the name there.
"""

from __future__ import annotations

import ast

from secreview.index.children import walk
from secreview.index.context import ModuleContext
from secreview.index.node_types import nodes_of


def assigned_value(node: ast.expr, context: ModuleContext) -> ast.expr:
    """The expression `node` was assigned, if it is a name bound exactly once in its scope.

    Anything else (an attribute, a call, a parameter, a name rebound or never assigned) is
    returned as is, so callers can always go on judging the result.
    """
    if not isinstance(node, ast.Name):
        return node
    function = context.enclosing_function(node)
    if function is not None and node.id in _parameter_names(function, context):
        return node
    bindings = context.derived(_stores_by_scope).get((id(function), node.id), ())
    if len(bindings) != 1:
        return node
    statement = context.parent(bindings[0])
    if isinstance(statement, ast.Assign | ast.AnnAssign) and statement.value is not None:
        return statement.value
    return node


def _parameter_names(function: ast.AST, context: ModuleContext) -> frozenset[str]:
    """The names of the parameters of `function` (and of lambdas in its defaults), once per
    function: rules ask about every name they follow."""
    known = context.derived(_new_parameter_table)
    names = known.get(id(function))
    if names is None:
        arguments = function.args  # type: ignore[attr-defined]
        names = known[id(function)] = frozenset(
            a.arg for a in walk(arguments) if isinstance(a, ast.arg)
        )
    return names


def _new_parameter_table(context: ModuleContext) -> dict[int, frozenset[str]]:
    """An empty table of parameter names by function id, one per module."""
    return {}


def _stores_by_scope(context: ModuleContext) -> dict[tuple[int, str], list[ast.Name]]:
    """(id of the enclosing function, or of None at module level; name) -> the names stored
    there, from one pass over the module for every question (each walking its whole scope
    again cost more than the rest of the rules asking it)."""
    stores: dict[tuple[int, str], list[ast.Name]] = {}
    for node in nodes_of(context, ast.Name):
        if isinstance(node.ctx, ast.Store):
            key = (id(context.enclosing_function(node)), node.id)
            stores.setdefault(key, []).append(node)
    return stores
