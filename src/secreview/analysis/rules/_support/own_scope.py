"""The nodes a function runs itself, gathered for every function of a module in one pass.

Rules that visit every function and read its own body (`scope_nodes`: not its nested functions,
lambdas or classes) used to walk each function once per rule. The module's node list is in the
order `scope_nodes` yields (pre-order, last child first) and lists parents before children, so
one pass over it finds each node's owning scope from its parent's and hands every function its
own nodes in the order the walk would have.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from secreview.index.context import ModuleContext
from secreview.index.node_types import nodes_of

_SCOPE_TYPES = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef})
_Table = dict[int, list[ast.AST]]
_COLLECTORS: dict[tuple[type[ast.AST], ...], Callable[[ModuleContext], _Table]] = {}


def nodes_owned_by(
    context: ModuleContext,
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    kinds: tuple[type[ast.AST], ...] = (ast.AST,),
) -> list[ast.AST]:
    """The nodes of `kinds` (all by default; the module's node list holds no shared markers
    such as `Load`, see `MARKER_TYPES`) in `function`'s own body, in `scope_nodes` order. The
    list is shared between rules: read it, never change it."""
    collector = _COLLECTORS.get(kinds)
    if collector is None:
        collector = _COLLECTORS[kinds] = _collector_of(kinds)
    return context.derived(collector).get(id(function), [])


def owner_scope(context: ModuleContext, node: ast.AST) -> ast.AST | None:
    """The function, lambda or class whose body holds `node`; None at module level and for
    the decorators, defaults and bases of a nested scope, which `scope_nodes` of no scope
    yields (it stops at the nested scope's node)."""
    return context.derived(_owners).get(id(node))


def _collector_of(kinds: tuple[type[ast.AST], ...]) -> Callable[[ModuleContext], _Table]:
    def collect(context: ModuleContext) -> _Table:
        owners = context.derived(_owners)
        table: _Table = {}
        # One exact node type: its grouped list is that type's nodes in the same order.
        single = len(kinds) == 1 and not kinds[0].__subclasses__()
        for node in nodes_of(context, kinds[0]) if single else context.nodes:
            if single or isinstance(node, kinds):
                owner = owners.get(id(node))
                if owner is not None:
                    table.setdefault(id(owner), []).append(node)
        return table

    return collect


def _owners(context: ModuleContext) -> dict[int, ast.AST | None]:
    """id(node) -> its owning scope, for every node: a node inside a scope's body is that
    scope's; any other node has its parent's owner (a decorator's parts have none)."""
    owners: dict[int, ast.AST | None] = {}
    parent_of = context.parent
    for node in context.nodes:  # parents come before their children
        parent = parent_of(node)
        if parent is None:
            owner = None
        elif parent.__class__ in _SCOPE_TYPES:  # exact types: the parser makes no subclass
            in_body = (
                node is parent.body
                if isinstance(parent, ast.Lambda)
                else isinstance(node, ast.stmt)
            )
            owner = parent if in_body else None
        else:
            owner = owners[id(parent)]
        owners[id(node)] = owner
    return owners


def own_method_returns(context: ModuleContext, call: ast.Call) -> list[ast.expr]:
    """What `self.name(...)` (or `cls.name(...)`) may return when `name` is a method of the
    class the call is written in: the values of its own `return` statements; empty when the
    method is not found there (inherited, assigned) or returns nothing."""
    func = call.func
    if not (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in {"self", "cls"}
    ):
        return []
    owner = next((a for a in context.ancestors(call) if isinstance(a, ast.ClassDef)), None)
    for member in owner.body if owner is not None else []:
        if isinstance(member, ast.FunctionDef | ast.AsyncFunctionDef) and member.name == func.attr:
            returns = nodes_owned_by(context, member, (ast.Return,))
            return [r.value for r in returns if isinstance(r, ast.Return) and r.value is not None]
    return []
