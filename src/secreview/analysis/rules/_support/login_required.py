"""Functions every request reaches only once logged in: views under `@login_required`, and the
module's private helpers that only such views call (through other such helpers).

In them `assert request.user.is_authenticated` decides nothing: the decorator already sent an
anonymous client to the login page, and the assert narrows `User | AnonymousUser` for the type
checker (django-stubs). Only the module is read: a helper whose name does not start with `_`
may have callers elsewhere, and a helper used other than by a call (passed as a value) may run
anywhere.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.call_names import last_name
from secreview.index.context import ModuleContext
from secreview.index.node_types import nodes_of

Function = ast.FunctionDef | ast.AsyncFunctionDef

_LOGIN_DECORATORS = frozenset(
    {"login_required", "permission_required", "staff_member_required", "superuser_required"}
)
"""Django's decorators that send an anonymous client to the login page (an anonymous user
holds no permission and is no staff member)."""


def _requires_login(function: Function) -> bool:
    return any(
        last_name(d.func if isinstance(d, ast.Call) else d) in _LOGIN_DECORATORS
        for d in function.decorator_list
    )


def _uses(context: ModuleContext) -> dict[str, list[tuple[bool, Function | None]]]:
    """For every name read in the module: (read as the callee of a call, enclosing function)."""
    found: dict[str, list[tuple[bool, Function | None]]] = {}
    for node in nodes_of(context, ast.Name):
        if isinstance(node.ctx, ast.Load):
            parent = context.parent(node)
            called = isinstance(parent, ast.Call) and parent.func is node
            found.setdefault(node.id, []).append((called, context.enclosing_function(node)))
    return found


def behind_login(
    function: Function, context: ModuleContext, _seen: frozenset[int] = frozenset()
) -> bool:
    """Whether every request that runs `function` is a logged-in user's."""
    if _requires_login(function):
        return True
    if (
        not function.name.startswith("_")
        or id(function) in _seen
        or not isinstance(context.parent(function), ast.Module)
    ):
        return False
    uses = context.derived(_uses).get(function.name, [])
    seen = _seen | {id(function)}
    return bool(uses) and all(
        called and caller is not None and behind_login(caller, context, seen)
        for called, caller in uses
    )


def asserts_logged_in(test: ast.expr) -> bool:
    """`x.user.is_authenticated` or `not x.user.is_anonymous`: a claim that the client is
    logged in, and nothing more."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return isinstance(test.operand, ast.Attribute) and test.operand.attr == "is_anonymous"
    return isinstance(test, ast.Attribute) and test.attr == "is_authenticated"
