"""Which expressions of a web handler are request data, and which errors reading them raises.

Shared by the rules about what a handler does with request data before validating it (crashing on
it, reading all of it). Request objects are recognised by `web_handlers`; this module adds the
containers on them (`request.json`, `request.GET`) and the names bound to those containers.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.web_handlers import is_request_object, scope_nodes
from secreview.index.context import ModuleContext

# Containers on a request whose missing key raises a plain KeyError (a 500), by attribute.
KEYED_CONTAINERS = frozenset(
    {"json", "data", "GET", "POST", "META", "COOKIES", "FILES", "query_params", "params",
     "media", "json_body", "query", "args", "form", "values", "headers", "files",
     "cookies"}
)  # fmt: skip
# Werkzeug's MultiDicts raise BadRequestKeyError, which Flask turns into a 400, not a 500.
FLASK_SAFE_CONTAINERS = frozenset({"args", "form", "values", "headers", "files", "cookies"})
# Calls on a request that return its decoded body.
BODY_CALLS = frozenset({"get_json", "json"})
# Raw bodies (bytes/str) that a handler may parse itself.
RAW_BODIES = frozenset({"body", "data", "get_data", "content", "read", "text"})

Function = ast.FunctionDef | ast.AsyncFunctionDef


def request_root(node: ast.AST, context: ModuleContext) -> ast.AST | None:
    """The request object an expression is read from (`request`, `self.request`), if any."""
    if is_request_object(node, context):
        return node
    if (
        isinstance(node, ast.Attribute)
        and node.attr == "request"
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
        and context.enclosing_function(node) is not None
    ):
        return node
    return None


def container_attribute(node: ast.AST, context: ModuleContext) -> str | None:
    """`json` for `request.json`, `get_json` for `request.get_json()` / `await request.json()`."""
    if isinstance(node, ast.Await):
        node = node.value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr in BODY_CALLS and request_root(node.func.value, context) is not None:
            return node.func.attr
        return None
    if isinstance(node, ast.Attribute) and request_root(node.value, context) is not None:
        return node.attr if node.attr in KEYED_CONTAINERS else None
    return None


def bound_containers(function: Function, context: ModuleContext) -> dict[str, str]:
    """Local names bound once to a request container: `data = request.get_json()` -> data."""
    found: dict[str, str] = {}
    rebound: set[str] = set()
    for node in scope_nodes(function.body):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if not isinstance(target, ast.Name):
                continue
            attribute = container_attribute(node.value, context)
            if attribute is None or target.id in found:
                rebound.add(target.id)
            else:
                found[target.id] = attribute
    return {name: attr for name, attr in found.items() if name not in rebound}


def caught_by(node: ast.AST, errors: frozenset[str], context: ModuleContext) -> bool:
    """Whether a `try` or a `with contextlib.suppress(...)` around `node` (in its function)
    catches one of `errors` or a parent."""
    child = node
    for ancestor in context.ancestors(node):
        if isinstance(ancestor, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            return False
        if isinstance(ancestor, ast.Try | ast.TryStar) and any(s is child for s in ancestor.body):
            for handler in ancestor.handlers:
                if handler.type is None or _names_caught(handler.type, context) & errors:
                    return True
        if isinstance(ancestor, ast.With | ast.AsyncWith) and any(
            s is child for s in ancestor.body
        ):
            for item in ancestor.items:
                call = item.context_expr
                if (
                    isinstance(call, ast.Call)
                    and context.call_name(call) == "contextlib.suppress"
                    and _names_caught(ast.Tuple(elts=list(call.args)), context) & errors
                ):
                    return True
        child = ancestor
    return False


def _names_caught(node: ast.expr, context: ModuleContext) -> set[str]:
    """Last components of the exception classes an `except` names."""
    elements = node.elts if isinstance(node, ast.Tuple) else [node]
    names: set[str] = set()
    for element in elements:
        resolved = context.resolve(element) or context.segment(element)
        names.add(resolved.rsplit(".", 1)[-1])
    return names
