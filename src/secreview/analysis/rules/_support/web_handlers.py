"""Helpers shared by the exception, assert, timeout, regex and logging rules.

They answer three questions those rules all ask: how to quote code in a one-line message, which
words an identifier is made of, and whether a function handles web requests (and which of its
values come from the request).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator

from secreview.index.children import child_nodes
from secreview.index.context import ModuleContext
from secreview.index.import_names import canonical

# Server-side web frameworks: a `request` parameter means an incoming request only in modules
# built on one of these (in `requests`, `urllib3` or pytest fixtures it is something else).
_WEB_FRAMEWORKS = (
    "django",
    "flask",
    "rest_framework",
    "fastapi",
    "starlette",
    "aiohttp.web",
    "pyramid",
    "falcon",
    "tornado.web",
    "sanic",
    "bottle",
    "quart",
    "litestar",
)
# Falcon responders take `(self, req, resp)`; `req` alone is as often a requirement.
_RESPONSE_PARAMETERS = frozenset({"resp", "res", "response"})
# Module-level request proxies: `from flask import request` and friends.
_REQUEST_PROXIES = frozenset({"flask.request", "quart.request", "bottle.request"})
# `@app.route(...)`, `@bp.get(...)`, `@router.post(...)`: the decorator is a method of an app,
# blueprint or router called with the URL rule.
_ROUTE_METHODS = frozenset(
    {"route", "get", "post", "put", "patch", "delete", "head", "options", "api_route", "websocket"}
)
_VIEW_DECORATORS = frozenset(
    {
        "rest_framework.decorators.api_view",
        "django.views.decorators.http.require_http_methods",
        "django.views.decorators.http.require_GET",
        "django.views.decorators.http.require_POST",
        "django.views.decorators.http.require_safe",
        "django.views.decorators.csrf.csrf_exempt",
    }
)
_NESTED_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)

Function = ast.FunctionDef | ast.AsyncFunctionDef


def scope_nodes(statements: Iterable[ast.AST]) -> Iterator[ast.AST]:
    """Every node of `statements`, not descending into nested functions, lambdas or classes.

    What runs in a nested scope runs later or elsewhere, so it neither handles the current
    exception nor reads the current function's variables.
    """
    pending: list[ast.AST] = list(statements)
    while pending:
        node = pending.pop()
        yield node
        if not isinstance(node, _NESTED_SCOPES):
            pending.extend(child_nodes(node))


def parameter_names(function: Function) -> list[str]:
    """Names of all parameters of `function`, in order (`self`/`cls` included)."""
    arguments = function.args
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
    return [a.arg for a in every]


def uses_web_framework(context: ModuleContext) -> bool:
    """Whether the module imports a server-side web framework (asked once per module: rules
    ask it for every subscript and function)."""
    return context.derived(_imports_web_framework)


def _imports_web_framework(context: ModuleContext) -> bool:
    return any(context.imports_module(framework) for framework in _WEB_FRAMEWORKS)


def is_route_decorated(function: Function, context: ModuleContext) -> bool:
    """Whether a decorator registers `function` as a view (`@app.route("/x")`, `@api_view`).

    `@something.get(...)` counts when its URL rule is a constant starting with "/", or when the
    module uses a web framework; a cache's or a registry's `.get(...)` has neither.
    """
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if context.resolve(target) in _VIEW_DECORATORS:
            return True
        if not (
            isinstance(decorator, ast.Call)
            and isinstance(target, ast.Attribute)
            and target.attr in _ROUTE_METHODS
        ):
            continue
        rule = context.constant_value(context.argument(decorator, 0, "rule"))
        if (isinstance(rule, str) and rule.startswith("/")) or uses_web_framework(context):
            return True
    return False


def request_parameter(function: Function, context: ModuleContext) -> str | None:
    """The parameter holding an incoming request (`request`, Falcon's `req`), if any."""
    if not uses_web_framework(context):
        return None
    names = parameter_names(function)
    if "request" in names:
        return "request"
    if "req" in names and _RESPONSE_PARAMETERS & set(names):
        return "req"
    return None


def is_request_object(node: ast.AST, context: ModuleContext) -> bool:
    """Whether `node` names the incoming request: the view's parameter or a framework proxy."""
    if not isinstance(node, ast.Name):
        return False
    if context.resolve(node) in _REQUEST_PROXIES:
        return True
    function = context.enclosing_function(node)
    return function is not None and node.id == request_parameter(function, context)


def is_request_handler(function: Function, context: ModuleContext) -> bool:
    """Whether `function` handles web requests: route-decorated, takes the request, or reads it.
    Answered once per function (rules ask it for every subscript and call inside it)."""
    known = context.derived(_new_handler_table)
    answer = known.get(id(function))
    if answer is None:
        answer = known[id(function)] = _handles_requests(function, context)
    return answer


def _new_handler_table(context: ModuleContext) -> dict[int, bool]:
    """An empty table of `is_request_handler` answers by function id, one per module."""
    return {}


def _handles_requests(function: Function, context: ModuleContext) -> bool:
    if is_route_decorated(function, context) or request_parameter(function, context):
        return True
    if not context.derived(_may_name_a_proxy):
        return False  # no name of the module resolves to a proxy: spare the walk of the body
    return any(
        isinstance(n, ast.Name) and context.resolve(n) in _REQUEST_PROXIES
        for n in scope_nodes(function.body)
    )


def _may_name_a_proxy(context: ModuleContext) -> bool:
    """Whether a bare name can resolve to a request proxy in the module (`ModuleContext.resolve`):
    only a name an import binds to one can, or any name under a `from M import *` (builtins
    have no dotted names). Asked once per module instead of walking every function's body."""
    return bool(context.star_modules) or any(
        canonical(head).removeprefix("builtins.") in _REQUEST_PROXIES
        for head in context.import_aliases.values()
    )


def assigned_names(target: ast.AST) -> Iterator[str]:
    for node in ast.walk(target):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            yield node.id


def local_bindings(function: Function) -> Iterator[tuple[ast.AST, ast.AST]]:
    """(target, value) pairs for the assignments, loops and `with ... as` in `function`."""
    for node in scope_nodes(function.body):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                yield target, node.value
        elif isinstance(node, ast.AnnAssign | ast.AugAssign | ast.NamedExpr) and node.value:
            yield node.target, node.value
        elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
            yield node.target, node.iter
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            yield node.optional_vars, node.context_expr


def request_data_names(function: Function, context: ModuleContext) -> frozenset[str]:
    """Local names holding request data: the view's own parameters and values derived from them.

    Parameters count only for functions a framework calls with request values (route-decorated
    or taking the request); a plain helper that happens to read `flask.request` gets no such
    trust in its own arguments. Derivation is followed through assignments until nothing changes.
    """
    tainted: set[str] = set()
    if is_route_decorated(function, context) or request_parameter(function, context):
        tainted.update(parameter_names(function))
        tainted -= {"self", "cls"}
    bindings = list(local_bindings(function))
    changed = True
    while changed:
        changed = False
        for target, value in bindings:
            if not mentions_request_data(value, tainted, context):
                continue
            new = set(assigned_names(target)) - tainted
            if new:
                tainted |= new
                changed = True
    return frozenset(tainted)


def mentions_request_data(
    node: ast.AST, names: frozenset[str] | set[str], context: ModuleContext
) -> bool:
    """Whether `node` reads one of `names` or the request object itself."""
    return any(
        isinstance(n, ast.Name)
        and isinstance(n.ctx, ast.Load)
        and (n.id in names or is_request_object(n, context))
        for n in ast.walk(node)
    )
