"""The nodes of some kinds in a function's own body, gathered once per module.

Rules that visit every function and walk its own body (`scope_nodes`) for a few node kinds (a
resource leak looks at assignments of calls and `with` statements) walk each node once per
function and rule. The module's node list is in the same order as `scope_nodes` yields (pre-order,
last child first), so one pass over it, keeping the nodes of those kinds by the scope that owns
them, answers every function's question in the order the walk would have.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from secreview.index.context import ModuleContext

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_Table = dict[int, list[ast.AST]]
_COLLECTORS: dict[tuple[type[ast.AST], ...], Callable[[ModuleContext], _Table]] = {}


def own_nodes(
    context: ModuleContext,
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    kinds: tuple[type[ast.AST], ...],
) -> list[ast.AST]:
    """The nodes of `kinds` in `function`'s own body, not in nested functions, lambdas or
    classes, in `scope_nodes` order."""
    collector = _COLLECTORS.get(kinds)
    if collector is None:
        collector = _COLLECTORS[kinds] = _collector_of(kinds)
    return context.derived(collector).get(id(function), [])


def _collector_of(kinds: tuple[type[ast.AST], ...]) -> Callable[[ModuleContext], _Table]:
    def collect(context: ModuleContext) -> _Table:
        table: _Table = {}
        for node in context.nodes:
            if isinstance(node, kinds):
                owner = owner_scope(context, node)
                if owner is not None:
                    table.setdefault(id(owner), []).append(node)
        return table

    return collect


def owner_scope(context: ModuleContext, node: ast.AST) -> ast.AST | None:
    """The function, lambda or class whose body holds `node`; None at module level and for
    the decorators, defaults and bases of a nested scope, which `scope_nodes` of no scope
    yields (it stops at the nested scope's node)."""
    child = node
    for ancestor in context.ancestors(node):
        if isinstance(ancestor, _SCOPES):
            in_body = (
                child is ancestor.body
                if isinstance(ancestor, ast.Lambda)
                else isinstance(child, ast.stmt)
            )
            return ancestor if in_body else None
        child = ancestor
    return None
