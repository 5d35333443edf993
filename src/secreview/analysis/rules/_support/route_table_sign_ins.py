"""Starlette route tables whose endpoint for one URL skips the sign-in the others make.

An application class that builds its routes as a table, `Route("/{identity}/list",
endpoint=self.list)`, puts each endpoint in a method of its own, decorated (`@login_required`)
or not; the table, not a decorator, says which methods are routes, so the comparisons of
decorated routes and resource verbs do not see them. The comparison is theirs (`few_unchecked`:
at least four endpoints sign the caller in, the unchecked ones at most a fifth), made per class
over the methods its `Route(...)` calls name: an unchecked endpoint whose path captures a value
(`/{identity}/ajax/lookup`) serves or changes the object it names for anyone (sqladmin's
`Admin.ajax_lookup`, the one route method of its admin without `@login_required`). Endpoints
named or routed for signing in (`login`, `logout`, a callback) are neither reported nor counted,
nor is a path without a value (an index page: often public by design).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit
from secreview.analysis.rules._support.handler_checks import (
    Function,
    delegates,
    few_unchecked,
    own_checks,
)
from secreview.analysis.rules._support.resource_handlers import authenticates
from secreview.analysis.rules._support.route_sign_ins import OPEN_ROUTES
from secreview.index.context import ModuleContext
from secreview.index.node_types import nodes_of

_ROUTE_CLASSES = frozenset({"starlette.routing.Route", "starlette.routing.WebSocketRoute"})

Endpoint = tuple[Function, str, list[ast.AST]]


def unsigned_table_endpoints(context: ModuleContext) -> Iterator[Hit]:
    """Report each endpoint method of a class's Starlette route table that takes a URL value
    and signs no one in, among endpoints of the same table that do."""
    if not context.imports_module("starlette") and not context.imports_module("fastapi"):
        return
    for owner in nodes_of(context, ast.ClassDef):
        endpoints = [e for e in _endpoints(owner, context) if not _open(e)]
        checking = [e for e in endpoints if e[2]]
        unchecked = [e for e in endpoints if not e[2]]
        if not few_unchecked(len(checking), len(unchecked)):
            continue
        if not all(authenticates(found[0], context) for _, _, found in checking):
            continue  # permission checks: `missing-authorization`'s comparison
        checked_names = {function.name for function, _, _ in checking}
        for function, path, _ in unchecked:
            if "{" not in path or delegates(function, checked_names):
                continue
            yield Hit(
                node=function,
                message=f"`{owner.name}.{function.name}`, the endpoint of `{path}` in the "
                f"class's route table, checks no sign-in, while {len(checking)} endpoints "
                f"beside it (`{checking[0][0].name}`, ...) do: anyone who reaches the "
                "server is served the object its URL names.",
                evidence=tuple(
                    (found[0], f"`{f.name}` signs in here") for f, _, found in checking[:3]
                ),
            )


def _endpoints(owner: ast.ClassDef, context: ModuleContext) -> list[Endpoint]:
    """The methods of the class that its `Route(path, endpoint=self.m)` calls name, each with
    the route's path and the method's own checks."""
    methods = {
        m.name: m for m in owner.body if isinstance(m, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    found: dict[str, Endpoint] = {}
    for call in ast.walk(owner):
        if not isinstance(call, ast.Call) or context.resolve(call.func) not in _ROUTE_CLASSES:
            continue
        target = context.argument(call, 1, "endpoint")
        path = context.constant_value(context.argument(call, 0, "path"))
        if not (
            isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Name)
            and target.value.id == "self"
            and target.attr in methods
            and isinstance(path, str)
        ):
            continue
        function = methods[target.attr]
        checks = own_checks(function, context) or _authenticate_calls(function)
        found.setdefault(function.name, (function, path, checks))
    return list(found.values())


def _authenticate_calls(function: Function) -> list[ast.AST]:
    """`await self.authentication_backend.authenticate(request)` in the endpoint's body: the
    sign-in the table's decorator makes, written inline (the call is named for it, and is
    handed the request)."""
    return [
        node
        for node in ast.walk(function)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "authenticate"
        and any(isinstance(a, ast.Name) and a.id in {"request", "req"} for a in node.args)
    ]


def _open(endpoint: Endpoint) -> bool:
    """An endpoint named or routed for signing in or out, or a callback: open by design."""
    function, path, _ = endpoint
    return bool(OPEN_ROUTES.search(function.name) or OPEN_ROUTES.search(path))
